"""Faults of the live index, seen from the web app: no index, a corrupted one, recovery.

Real components throughout: indexes built with ``indexer.build.rebuild`` in ``tmp_path``, the
``index`` command through click's CliRunner, the Flask app through its test client. The app
must answer 503 (a Russian page, or a JSON error on ``/api/*``), never 500, and serve again
once ``index rollback`` or ``index rebuild`` has put a good index in place.

Two writers at once (the second refuses at once, exit code 2) is covered by
``tests/test_build.py::test_lock_refuses_a_second_writer_at_once`` and
``tests/test_cli.py::test_a_second_writer_exits_at_once_with_a_message``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE_FILES
from flask.testing import FlaskClient

from indexer.build import rebuild
from indexer.cli import main as cli
from indexer.store import generations
from web import create_app

PAGES = ("/", "/search?q=казахстан", "/search?person=x", "/search.atom?q=нефть",
         "/search.csv?q=нефть", "/articles/kazpravda/none")
API = ("/api/search?q=казахстан", "/api/search", "/api/stats", "/api/articles/none",
       "/api/articles/none/similar")
WAIT = 5.0  # seconds: the app rechecks the index link every half second


def _archive(dest: Path, n: int) -> Path:
    """An archive of the first ``n`` sample files (two sizes tell two builds apart)."""
    for path in SAMPLE_FILES[:n]:
        target = dest / path.relative_to(ROOT / "archive")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return dest


@pytest.fixture
def two_builds(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The live index (12 articles) with a previous build (8 articles), and their archives."""
    small, big = _archive(tmp_path / "small", 8), _archive(tmp_path / "big", 12)
    index = tmp_path / "instance" / "index"
    rebuild(small, index, workers=1, entities=False)
    rebuild(big, index, workers=1, entities=False)
    return index, small, big


def _client(index: Path) -> FlaskClient:
    return create_app({"INDEX": str(index), "TESTING": True}).test_client()


def _truncate_segment(index: Path) -> Path:
    """Cut the live build's largest segment file to half its size."""
    build = generations.target(index)
    assert build is not None
    seg = max(build.glob("*.seg"), key=lambda p: p.stat().st_size)
    with seg.open("r+b") as f:
        f.truncate(seg.stat().st_size // 2)
    return seg


def _assert_unavailable(client: FlaskClient, hint: str | None = None) -> None:
    """Every page answers a Russian 503 page, every API endpoint a JSON 503 error."""
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 503, url
        assert r.mimetype == "text/html", url
        assert r.headers.get("Retry-After"), url
        page = r.get_data(as_text=True)
        assert 'lang="ru"' in page and "Поиск временно недоступен" in page, url
        assert "Индекс" in page, url
        if hint:
            assert hint in page, url
    for url in API:
        r = client.get(url)
        assert r.status_code == 503, url
        assert r.mimetype == "application/json", url
        error = r.get_json()["error"]
        assert error["code"] == "index_unavailable", url
        assert isinstance(error["message"], str) and error["message"], url
        if hint:
            assert hint in error["message"], url
    assert client.get("/help").status_code == 200  # static pages need no index


def _wait_for(check: Callable[[], bool], seconds: float = WAIT) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def _articles(client: FlaskClient) -> int | None:
    r = client.get("/api/stats")
    return r.get_json()["articles"] if r.status_code == 200 else None


def test_no_index_answers_503_telling_to_run_rebuild(tmp_path: Path) -> None:
    client = _client(tmp_path / "instance" / "index")
    _assert_unavailable(client, hint="index rebuild")


def test_empty_link_target_answers_503(tmp_path: Path) -> None:
    """A link to a build folder that is gone (deleted by hand) is no index, not a crash."""
    index = tmp_path / "instance" / "index"
    index.parent.mkdir(parents=True)
    index.symlink_to(tmp_path / "instance" / "index.builds" / "gone")
    _assert_unavailable(_client(index), hint="index rebuild")


def test_corrupted_index_answers_503_and_rollback_restores_it(
        two_builds: tuple[Path, Path, Path]) -> None:
    index, _, _ = two_builds
    _truncate_segment(index)
    client = _client(index)
    _assert_unavailable(client)

    result = CliRunner().invoke(cli, ["rollback", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "rolled back" in result.output
    assert _wait_for(lambda: _articles(client) == 8), "the app did not reopen the previous build"
    assert client.get("/search?q=казахстан").status_code == 200
    assert client.get("/api/search?q=казахстан").status_code == 200


def test_corrupted_index_is_recovered_by_rebuild(two_builds: tuple[Path, Path, Path]) -> None:
    index, _, big = two_builds
    _truncate_segment(index)
    client = _client(index)
    assert client.get("/api/stats").status_code == 503

    result = CliRunner().invoke(cli, ["rebuild", "--no-entities", "--workers", "1",
                                      "--archive", str(big), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert _wait_for(lambda: _articles(client) == 12), "the app did not open the new build"
    for url in ("/", "/search?q=казахстан", "/api/search?q=казахстан"):
        assert client.get(url).status_code == 200, url


def test_a_corrupted_new_build_does_not_take_the_site_down(
        two_builds: tuple[Path, Path, Path]) -> None:
    """The app keeps serving the build it has open when the next one cannot be opened."""
    index, small, _ = two_builds
    client = _client(index)
    assert _articles(client) == 12
    rebuild(small, index, workers=1, entities=False)  # goes live …
    _truncate_segment(index)  # … and breaks before the app looks at it
    time.sleep(0.6)
    for _ in range(3):
        assert _articles(client) == 12
        assert client.get("/search?q=казахстан").status_code == 200
        assert client.get("/api/search?q=казахстан").status_code == 200
        time.sleep(0.3)
    result = CliRunner().invoke(cli, ["rollback", "--index", str(index)])
    assert result.exit_code == 0, result.output
    time.sleep(0.6)
    assert _articles(client) == 12


def test_rollback_without_previous_build_fails_cleanly(tmp_path: Path) -> None:
    index = tmp_path / "instance" / "index"
    rebuild(_archive(tmp_path / "a", 3), index, workers=1, entities=False)
    result = CliRunner().invoke(cli, ["rollback", "--index", str(index)])
    assert result.exit_code == 1
    assert "no previous index" in result.output
    assert _articles(_client(index)) == 3


def test_segment_truncated_under_a_running_server_does_not_kill_it(
        two_builds: tuple[Path, Path, Path]) -> None:
    """In a child process, as a memory-mapped segment would kill it with SIGBUS: serve,
    truncate in place, serve."""
    index, _, _ = two_builds
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from web import create_app
        client = create_app({{"INDEX": {str(index)!r}}}).test_client()
        client.get("/api/search?q=казахстан")
        build = Path({str(index)!r}).resolve()
        seg = max(build.glob("*.seg"), key=lambda p: p.stat().st_size)
        with seg.open("r+b") as f:
            f.truncate(seg.stat().st_size // 2)
        codes = [client.get(u).status_code for u in
                 ("/api/search?q=президент", "/search?q=выборы", "/api/search?q=астана")]
        print(json.dumps(codes))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, f"child died with {done.returncode}: {done.stderr[-500:]}"
    codes = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(code in (200, 503) for code in codes), codes
