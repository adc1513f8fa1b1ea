"""A hostile archive: every good article is indexed, every bad file is reported, nothing crashes.

The archive is generated in a temporary folder: binary, Windows-1251, UTF-16, empty and
header-only files, a 5 MB article, a JSON Lines file of 20,000 lines with broken ones, bad
dates, duplicate ids, 60 nested folders, a symlink loop, a dangling symlink, a socket, an
unreadable file and folder, and folders whose names end in ``.txt``. It is indexed with the
real reader, analyser and Whoosh (entities off), through ``rebuild`` and the ``index`` command.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from processes import children
from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from indexer.build import BuildReport, count_articles, rebuild
from indexer.build.lock import WriterLock
from indexer.cli import main
from indexer.store import generations
from indexer.text.morphology import any_form_terms

AS_ROOT = os.geteuid() == 0
JSONL_LINES = 5_000  # the fault drills (bench/faults.py) use more; this keeps the suite fast
BIG_MB = 5
GOOD_TEXT = "Мажилис обсудил поправки к бюджету Казахстана на заседании в Астане."


@dataclass
class Hostile:
    """The generated archive and what a reader must make of it."""

    root: Path
    ids: set[str] = field(default_factory=set)  # every article that must be indexed
    skipped: dict[str, str | tuple[str, ...]] = field(default_factory=dict)  # path -> reason
    skipped_lines: dict[tuple[str, int], str] = field(default_factory=dict)  # JSONL lines
    warned: dict[str, str] = field(default_factory=dict)  # path -> start of the warning
    bad_date_line: int = 0


def native(root: Path, rel: str, text: str = GOOD_TEXT, date: str | None = "2024-05-01") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    head = f"date {date}\n" if date else ""
    path.write_text(f"{head}title Заголовок\n\n{text}\n", encoding="utf-8")
    return path


def make_hostile(root: Path, lines_count: int = JSONL_LINES, big_mb: float = BIG_MB) -> Hostile:
    """Write the hostile archive to ``root``; ``lines_count`` must be at least 100."""
    h = Hostile(root)
    for n in range(3):
        native(root, f"good/2024/ok-{n}.txt")
        h.ids.add(f"good/2024/ok-{n}")

    # Encodings that must be read, and said so.
    enc = root / "enc"
    enc.mkdir()
    body = "date 2019-03-04\n\nПарламент Казахстана принял закон о языках в первом чтении."
    (enc / "cp1251.txt").write_bytes(body.encode("cp1251"))
    (enc / "utf16.txt").write_bytes(body.encode("utf-16"))
    (enc / "bom.txt").write_bytes(body.encode("utf-8-sig"))
    (enc / "crlf.txt").write_bytes(body.replace("\n", "\r\n").encode())
    h.ids |= {"enc/cp1251", "enc/utf16", "enc/bom", "enc/crlf"}
    h.warned |= {"enc/cp1251.txt": "read as cp1251", "enc/utf16.txt": "read as utf-16"}

    # Files that are not articles.
    bad = root / "bad"
    bad.mkdir()
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_bytes(b" \n\t\n")
    (bad / "headers-only.txt").write_text("date 2020-01-01\ntitle Без текста\n")
    (bad / "broken.jsonl.gz").write_bytes(b"this is not gzip")
    (bad / "empty.jsonl").write_bytes(b"")
    h.skipped |= {
        "bad/binary.txt": "binary file", "bad/empty.txt": "empty file",
        "bad/blank.txt": "empty file", "bad/headers-only.txt": "no article text",
        "bad/broken.jsonl.gz": "not a valid gzip file", "bad/empty.jsonl": "empty file",
    }

    # One big article, with a word found only at its very end.
    paragraph = ("Экспорт казахстанской нефти через КТК вырос, сообщили в министерстве энергетики. "
                 "Правительство обсудило тарифы на электроэнергию и новые проекты в регионах.\n\n")
    repeat = int(big_mb * 2**20) // len(paragraph.encode())
    native(root, "big/2023/huge.txt", paragraph * repeat + "Последнее слово: Зюзикберген.")
    h.ids.add("big/2023/huge")

    # Bad dates: indexed undated, with a warning.
    native(root, "dates/feb30.txt", date="2023-02-30")
    native(root, "dates/words.txt", date="вчера")
    native(root, "dates/none.txt", date=None)
    h.ids |= {"dates/feb30", "dates/words", "dates/none"}
    h.warned |= {"dates/feb30.txt": "bad date", "dates/words.txt": "bad date",
                 "dates/none.txt": "no date"}

    # A big JSON Lines file with broken lines; duplicates across and within files.
    last = lines_count
    broken = {7: "{not json", last // 2: '{"id": "x", "text": "обрыв', last - 1: "]"}
    not_object, no_text, bad_date, duplicate = 12, 13, last // 4, last - 2
    lines = []
    for n in range(1, last + 1):
        record = {"id": f"line-{n}", "date": "2021-06-01", "title": f"Заметка {n}",
                  "text": f"Короткая заметка номер {n} об экономике Казахстана.",
                  "source": "Tengrinews"}
        if n in broken:
            lines.append(broken[n])
            continue
        if n == not_object:
            record = [1, 2, 3]  # type: ignore[assignment]
        elif n == no_text:
            record["text"] = "   "
        elif n == bad_date:
            record["date"] = "2021-31-12"
        elif n == duplicate:
            record["id"] = "line-1"
        lines.append(json.dumps(record, ensure_ascii=False))
    (root / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for n in range(1, last + 1):
        if n not in broken and n not in (not_object, no_text, duplicate):
            h.ids.add(f"line-{n}")
    for n in broken:
        h.skipped_lines[("lines.jsonl", n)] = "invalid JSON"
    h.skipped_lines |= {("lines.jsonl", not_object): "a line is not a JSON object",
                        ("lines.jsonl", no_text): "no article text",
                        ("lines.jsonl", duplicate): "duplicate id 'line-1'"}
    h.warned["lines.jsonl"] = "bad date"
    h.bad_date_line = bad_date

    native(root, "dup/x.txt")
    (root / "zz-dups").mkdir()
    dups = [
        {"id": "only-once", "date": "2022-01-01", "text": "Первая запись."},
        {"id": "dup/x", "date": "2022-01-01", "text": "Тот же id, что у dup/x.txt."},
        {"id": "only-once", "date": "2022-01-02", "text": "Повтор id в том же файле."},
    ]
    (root / "zz-dups" / "dups.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in dups), encoding="utf-8")
    h.ids |= {"dup/x", "only-once"}
    h.skipped_lines |= {("zz-dups/dups.jsonl", 2): "duplicate id 'dup/x'",
                        ("zz-dups/dups.jsonl", 3): "duplicate id 'only-once'"}

    # 60 nested folders.
    deep = "deep/" + "/".join(f"d{n:02d}" for n in range(60))
    native(root, f"{deep}/bottom.txt")
    h.ids.add(f"{deep}/bottom")

    # Links: a loop to the parent folder (not followed), a dangling one, one to a good file.
    native(root, "links/here.txt")
    (root / "links" / "up").symlink_to("..", target_is_directory=True)
    (root / "links" / "self").symlink_to(".", target_is_directory=True)
    (root / "links" / "dangling.txt").symlink_to("gone.txt")
    (root / "links" / "alias.txt").symlink_to("../good/2024/ok-0.txt")
    (root / "links" / "dir-link.txt").symlink_to("../good", target_is_directory=True)
    h.ids |= {"links/here", "links/alias"}
    h.skipped["links/dangling.txt"] = "cannot read file"

    # Folders named like articles: walked as folders.
    native(root, "folder.txt/inner.txt")
    (root / "empty-folder.txt").mkdir()
    h.ids.add("folder.txt/inner")

    # A socket named .txt.
    special = root / "special"
    special.mkdir()
    with _chdir(special):
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("sock.txt")
        sock.close()
    # open() fails (ENXIO) today; a reader that checks for regular files says so first.
    h.skipped["special/sock.txt"] = ("cannot read file", "not a regular file")

    # Unreadable file and folder: root reads them anyway (permissions do not bind root).
    native(root, "perm/secret.txt").chmod(0)
    native(root, "perm/locked/inside.txt")
    (root / "perm" / "locked").chmod(0)
    if AS_ROOT:
        h.ids |= {"perm/secret", "perm/locked/inside"}
    else:
        h.skipped["perm/secret.txt"] = "cannot read file"
        h.skipped[str(root / "perm" / "locked")] = "cannot read folder"
    return h


class _chdir:
    """Bind a socket by a short relative name (socket paths are limited to ~108 bytes)."""

    def __init__(self, path: Path) -> None:
        self.path, self.old = path, os.getcwd()

    def __enter__(self) -> None:
        os.chdir(self.path)

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.old)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    h = make_hostile(tmp_path_factory.mktemp("hostile") / "archive")
    yield h
    restore_permissions(h.root)


def restore_permissions(root: Path) -> None:
    """Let pytest clean up when it runs as a normal user."""
    for path in (root / "perm" / "locked", root / "perm" / "secret.txt"):
        path.chmod(0o755)


@pytest.fixture(scope="module")
def built(hostile: Hostile, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    index = tmp_path_factory.mktemp("hostile-index") / "index"
    report = rebuild(hostile.root, index, workers=2, entities=False)
    return index, report


def stored_ids(index: Path) -> set[str]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {fields["id"] for fields in s.all_stored_fields()}


def find(index: Path, word: str) -> set[str]:
    query = Or([Term("body", t) for t in any_form_terms(word.lower())])
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {hit["id"] for hit in s.search(query, limit=None)}


def test_every_good_article_is_indexed(hostile: Hostile, built: tuple[Path, BuildReport]) -> None:
    index, report = built
    assert stored_ids(index) == hostile.ids
    assert report.articles == len(hostile.ids)
    assert report.encodings.get("cp1251") == 1 and report.encodings.get("utf-16") == 1


def test_every_bad_file_and_line_is_reported_with_a_reason(
    hostile: Hostile, built: tuple[Path, BuildReport]
) -> None:
    _, report = built
    whole = {p.path: p.reason for p in report.skipped if p.line is None}
    assert set(whole) == set(hostile.skipped)
    for path, reason in hostile.skipped.items():
        assert whole[path].startswith(reason), (path, whole[path])
    lines = {(p.path, p.line): p.reason for p in report.skipped if p.line is not None}
    assert set(lines) == set(hostile.skipped_lines)
    for key, reason in hostile.skipped_lines.items():
        assert lines[key].startswith(reason), (key, lines[key])


def test_warnings_name_the_file_and_the_line(
    hostile: Hostile, built: tuple[Path, BuildReport]
) -> None:
    _, report = built
    warned = {p.path: p for p in report.warnings}
    for path, reason in hostile.warned.items():
        assert warned[path].reason.startswith(reason), (path, warned[path])
    assert warned["lines.jsonl"].line == hostile.bad_date_line
    assert all(not p.skipped for p in report.warnings)


def test_the_big_article_is_indexed_to_its_end(built: tuple[Path, BuildReport]) -> None:
    index, _ = built
    assert find(index, "Зюзикберген") == {"big/2023/huge"}
    assert "good/2024/ok-1" in find(index, "бюджет")
    assert find(index, "закон") >= {"enc/cp1251", "enc/utf16", "enc/bom", "enc/crlf"}


def test_the_index_command_reports_and_strict_fails(tmp_path: Path) -> None:
    """The same hostile archive, smaller (the command runs three times)."""
    hostile = make_hostile(tmp_path / "archive", lines_count=200, big_mb=0.2)
    try:
        check_index_command(hostile, tmp_path / "index")
    finally:
        restore_permissions(hostile.root)


def check_index_command(hostile: Hostile, index: Path) -> None:
    runner = CliRunner()
    args = ["rebuild", "--no-entities", "--workers", "2", "--archive", str(hostile.root),
            "--index", str(index)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    skipped = len(hostile.skipped) + len(hostile.skipped_lines)
    assert f"indexed {len(hostile.ids):,} articles" in result.output
    assert f"skipped {skipped}:" in result.output
    assert "lines.jsonl:7: invalid JSON" in result.output
    assert "bad/binary.txt: binary file" in result.output
    assert "encodings:" in result.output and "cp1251 1" in result.output
    live = generations.target(index)

    strict = runner.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 3
    assert f"{skipped} skipped (--strict)" in strict.output
    assert stored_ids(index) == hostile.ids and generations.target(index) != live

    with WriterLock(generations.lock_path(index)):
        locked = runner.invoke(main, args)
    assert locked.exit_code == 2 and "another rebuild" in locked.output


# -- found by this suite: failing until archive.py / build.py are fixed -----------------------


def _unblock_fifos_after(paths: list[Path], seconds: float) -> threading.Event:
    """Open the FIFOs for writing after ``seconds`` so a reader stuck on one gets EOF."""
    stop = threading.Event()

    def run() -> None:
        deadline = time.monotonic() + seconds
        while not stop.wait(0.1):
            if time.monotonic() < deadline:
                continue
            for path in paths:
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:
                    pass  # no reader on it yet

    threading.Thread(target=run, daemon=True).start()
    return stop


def test_a_fifo_named_like_an_article_does_not_hang_the_reader(tmp_path: Path) -> None:
    """A FIFO (named pipe) blocks ``read_bytes`` until someone writes: the reader must skip
    anything that is not a regular file (a symlink to /dev/zero would never end)."""
    root = tmp_path / "archive"
    native(root, "a/ok.txt")
    fifos = [root / "a" / "pipe.txt", root / "a" / "pipe.jsonl"]
    for path in fifos:
        os.mkfifo(path)
    stop = _unblock_fifos_after(fifos, 3.0)
    try:
        # A reader that blocked would be released after 3 s and see an empty file instead.
        counted = count_articles(root)  # the index command counts first, for its ETA
        report = rebuild(root, tmp_path / "index", workers=1, entities=False)
    finally:
        stop.set()
    assert counted == 1 and report.articles == 1
    assert {p.path: p.reason for p in report.skipped} == {
        "a/pipe.jsonl": "not a regular file", "a/pipe.txt": "not a regular file"}


def test_utf8_with_one_corrupt_byte_is_not_read_as_windows_1251(tmp_path: Path) -> None:
    """One bad byte (a copy cut in the middle of a letter, a flipped bit) must not turn a
    UTF-8 article into Windows-1251 mojibake («РџСЂРёРІРµС‚»), which nobody could find."""
    root = tmp_path / "archive"
    text = "date 2020-01-01\n\n" + "Длинный текст статьи о Казахстане. " * 300
    data = text.encode()
    root.mkdir()
    (root / "flipped.txt").write_bytes(data[:5001] + b"\xff" + data[5001:])
    (root / "cut.txt").write_bytes(data[:-1] + "е".encode()[:1])
    report = rebuild(root, tmp_path / "index", workers=1, entities=False)
    assert report.articles == 2 and "cp1251" not in report.encodings
    assert find(tmp_path / "index", "Казахстан") == {"flipped", "cut"}


def test_a_rebuild_whose_workers_all_died_fails_instead_of_hanging(tmp_path: Path) -> None:
    """Whoosh's sub-writers killed (the OOM killer, a crash): the writer must notice instead of
    blocking for ever on its full job queue while holding the index lock."""
    root = tmp_path / "archive"
    for n in range(3000):
        native(root, f"many/{n // 500}/a-{n}.txt", f"Заметка номер {n} о погоде в Астане.")
    index = tmp_path / "index"
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "rebuild", "--no-entities", "--workers", "2",
         "--archive", str(root), "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while len(workers := children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) == 2, "the rebuild did not start its two sub-writers"
        killed = 0
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass  # a child that ended on its own between the listing and the kill
        assert killed, "no worker was running to be killed"
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail("the rebuild hangs after its workers died")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1 and "error:" in err.strip().splitlines()[-1]
    assert not any(p.name.endswith(".partial") for p in generations.builds_dir(index).iterdir())


def _open_cache_together(barrier, paths: list[Path], errors) -> None:
    from indexer.entities.cache import EntityCache
    from indexer.records import Entity

    for path in paths:
        barrier.wait()
        try:
            with EntityCache(path) as cache:
                cache.put_many(["Токаев"], [[Entity("PER", "Токаев", 0, 6)]])
        except Exception as err:  # noqa: BLE001 - counted and shown below
            errors.put(repr(err))


def test_entity_workers_opening_a_new_cache_at_once_do_not_fail(tmp_path: Path) -> None:
    """A cold ``rebuild --entities``: its pool workers open the fresh cache file at the same
    moment; ``PRAGMA journal_mode=WAL`` does not wait for the busy timeout, so without a retry
    it fails with «database is locked» and the whole rebuild fails (seen in bench/scale.py)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    paths = [tmp_path / f"cache-{n}.sqlite" for n in range(60)]
    barrier, errors = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_open_cache_together, args=(barrier, paths, errors))
             for _ in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == [], f"{len(found)} of {4 * len(paths)} opens failed: {found[0]}"
