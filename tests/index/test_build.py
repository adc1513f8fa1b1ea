"""Rebuild, swap, lock, update and rollback on real indexes on disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions
from whoosh.query import Or, Phrase, Term

from indexer.build import BUILD_INFO, BuildError, rebuild, rollback, update
from indexer.build.lock import LockedError, WriterLock
from indexer.store import generations
from indexer.store.formats import PositionDeltas
from indexer.text.morphology import any_form_terms

ROOT = Path(__file__).resolve().parents[2]


def article(root: Path, rel: str, text: str, date: str = "2024-05-01") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date {date}\n\n{text}", encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    article(root, "kz/a.txt", "Мажилис обсудил проект Конституции на встрече в Астане.")
    article(root, "kz/b.txt", "Референдум по конституции назначен на весну, сообщает ТАСС.",
            "2025-01-10")
    article(root, "kz/c.txt", "Токаева встретили в Алматы депутаты.", "2023-07-07")
    return root


def ids(index: Path) -> set[str]:
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {fields["id"] for fields in s.all_stored_fields()}


def find(index: Path, word: str) -> set[str]:
    """Articles with ``word`` in any form."""
    query = Or([Term("body", t) for t in any_form_terms(word)])
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        return {hit["id"] for hit in s.search(query, limit=None)}


def test_rebuild_indexes_the_archive(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "instance" / "index"
    report = rebuild(archive, index, workers=2, entities=False)
    assert report.articles == 3 and report.skipped == [] and report.warnings == []
    assert ids(index) == {"kz/a", "kz/b", "kz/c"}
    # any inflected form finds the article through its lemma terms
    assert find(index, "конституция") == {"kz/a", "kz/b"}
    assert find(index, "токаев") == {"kz/c"}
    assert index.is_symlink() and (index / BUILD_INFO).is_file()
    assert report.index_bytes > 0 and report.rate > 0


def test_plain_whoosh_searches_phrases(archive: Path, tmp_path: Path) -> None:
    """The index keeps positions only (no character offsets), as varint deltas: Whoosh itself
    still checks phrases, scores and reads the positions our segment writer encoded, through
    the format pickled with the schema."""
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    ix = whoosh_index.open_dir(str(index))
    assert type(ix.schema["body"].format) is PositionDeltas
    assert isinstance(ix.schema["body"].format, Positions)
    with ix.searcher() as s:
        scored = s.search(Term("body", "конституции"))
        assert {h["id"] for h in scored} == {"kz/a", "kz/b"} and scored[0].score > 0
        found = s.search(Phrase("body", ["проект", "конституции"]))
        assert {h["id"] for h in found} == {"kz/a"}
        assert list(s.search(Phrase("body", ["конституции", "проект"]))) == []
        matcher = Term("body", "встрече").matcher(s)
        assert matcher.value_as("positions") == [5]


def test_rebuild_with_one_worker_gives_the_same_index(archive: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one" / "index", tmp_path / "two" / "index"
    rebuild(archive, one, workers=1, entities=False)
    rebuild(archive, two, workers=2, entities=False)
    assert ids(one) == ids(two)
    assert find(one, "встреча") == find(two, "встреча") == {"kz/a"}


def test_second_rebuild_swaps_and_keeps_previous_for_rollback(archive: Path,
                                                             tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    first = generations.target(index)
    article(archive, "kz/d.txt", "Новая статья.")
    rebuild(archive, index, workers=1, entities=False)
    second = generations.target(index)
    assert first != second and "kz/d" in ids(index)
    assert generations.target(generations.previous_link(index)) == first
    rebuild(archive, index, workers=1, entities=False)
    assert not first.exists(), "only the live and the previous build are kept"
    assert rollback(index) == second
    assert generations.target(index) == second


def test_failure_half_way_leaves_the_live_index_serving(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    live = generations.target(index)
    for n in range(20):
        article(archive, f"more/{n}.txt", f"Статья номер {n}.")

    def interrupt(_: int, seen=[]) -> None:  # noqa: B006 - a counter across calls
        seen.append(1)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild(archive, index, workers=2, entities=False, progress=interrupt)
    assert generations.target(index) == live
    assert ids(index) == {"kz/a", "kz/b", "kz/c"}
    assert not [p for p in generations.builds_dir(index).iterdir() if p.name.endswith(".partial")]


def test_missing_disk_space_style_os_error_is_a_build_error(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    live = generations.target(index)
    builds = generations.builds_dir(index)
    # A file where the builds folder must create a new build: the OS refuses, as on a full disk.
    os.rename(builds, tmp_path / "moved")
    builds.write_text("not a folder")
    try:
        with pytest.raises((BuildError, OSError)):
            rebuild(archive, index, workers=1, entities=False)
    finally:
        builds.unlink()
        os.rename(tmp_path / "moved", builds)
    assert generations.target(index) == live and len(ids(index)) == 3


def test_lock_refuses_a_second_writer_at_once(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    with WriterLock(generations.lock_path(index)):
        started = time.monotonic()
        with pytest.raises(LockedError, match="another rebuild"):
            rebuild(archive, index, workers=1, entities=False)
        assert time.monotonic() - started < 2


def test_stale_lock_of_a_dead_process_is_taken_over(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock = generations.lock_path(index)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(f"{dead} 2026-01-01 00:00:00\n")
    report = rebuild(archive, index, workers=1, entities=False)
    assert report.stale_lock_pid == int(dead)


def test_update_adds_changes_and_deletes(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    nothing = update(archive, index, entities=False)
    assert (nothing.added, nothing.replaced, nothing.deleted, nothing.unchanged) == (0, 0, 0, 3)
    article(archive, "kz/a.txt", "Мажилис обсудил бюджет.")
    article(archive, "kz/new.txt", "Сенат одобрил закон о референдуме.")
    (archive / "kz" / "c.txt").unlink()
    report = update(archive, index, entities=False)
    assert (report.added, report.replaced, report.deleted, report.unchanged) == (1, 1, 1, 1)
    assert ids(index) == {"kz/a", "kz/b", "kz/new"}
    assert find(index, "бюджет") == {"kz/a"}
    assert find(index, "конституция") == {"kz/b"}


def test_update_without_an_index_says_so(archive: Path, tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="index rebuild"):
        update(archive, tmp_path / "index", entities=False)


def test_bad_files_do_not_stop_a_rebuild(archive: Path, tmp_path: Path) -> None:
    (archive / "bad.txt").write_bytes(b"\x00\x01binary")
    article(archive, "undated.txt", "Без даты.").write_text("Без даты.", encoding="utf-8")
    report = rebuild(archive, tmp_path / "index", workers=1, entities=False)
    assert report.articles == 4
    assert [p.path for p in report.skipped] == ["bad.txt"]
    assert [p.path for p in report.warnings] == ["undated.txt"]


def test_kill_9_of_a_rebuild_leaves_the_live_index_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    """A real ``index rebuild`` process killed half-way over the shipped sample archive."""
    index = tmp_path / "index"
    small = tmp_path / "small"
    article(small, "a.txt", "Первая статья.")
    rebuild(small, index, workers=1, entities=False)
    live = generations.target(index)
    env = {**os.environ, "MURAGAT_INDEX": str(index)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "rebuild", "--no-entities",
         "--archive", str(ROOT / "archive")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    builds = generations.builds_dir(index)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in builds.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers must follow
    proc.wait()
    assert generations.target(index) == live and ids(index) == {"a"}
    assert any(p.name.endswith(".partial") for p in builds.iterdir())
    report = rebuild(small, index, workers=1, entities=False)
    assert report.removed_partials == 1
    assert not any(p.name.endswith(".partial") for p in builds.iterdir())


def test_update_reads_only_files_that_changed(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    (archive / "kz" / "b.txt").write_bytes(b"\x00 binary now")  # unreadable if it were read
    os.utime(archive / "kz" / "b.txt", ns=(1, 1))
    b_stamp = (archive / "kz" / "b.txt").stat()
    assert b_stamp.st_mtime_ns == 1
    report = update(archive, index, entities=False)
    assert [p.path for p in report.skipped] == ["kz/b.txt"], "a changed file is read"
    assert report.deleted == 1 and report.unchanged == 2
    article(archive, "kz/b.txt", "Референдум по конституции назначен.", "2025-01-10")
    report = update(archive, index, entities=False)
    assert (report.added, report.unchanged, report.skipped) == (1, 2, [])
    # Unchanged files are not read at all: a file that could no longer be read, but kept its
    # size and mtime, is taken as it was.
    path = archive / "kz" / "a.txt"
    st = path.stat()
    path.write_bytes(b"\x00" * st.st_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    report = update(archive, index, entities=False)
    assert report.skipped == [] and report.unchanged == 3 and report.added == 0


def test_an_article_of_too_many_distinct_words_is_skipped_and_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every distinct word of an article is held by the writer until its next spill: a text
    of millions of them («x0 x1 x2 …») took a rebuild past 3 GB. Skipped with its reason, by
    a rebuild and by an update; the other articles indexed."""
    import json

    from indexer.build import documents

    monkeypatch.setattr(documents, "MAX_DISTINCT_WORDS", 1_000)
    junk = " ".join(f"x{n}" for n in range(1_500))
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "junk.txt").write_text(f"date 2024-05-01\n\n{junk}\n", encoding="utf-8")
    (archive / "ok.txt").write_text("date 2024-05-01\n\nСенат одобрил поправки. " + "Слово " * 600
                                    + "\n", encoding="utf-8")
    lines = [{"id": "j1", "text": junk}, {"id": "j2", "text": "Мажилис принял закон."}]
    (archive / "feed.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False)
                                                  for x in lines), encoding="utf-8")
    index = tmp_path / "instance" / "index"
    report = rebuild(archive, index, workers=1, entities=False)
    assert report.articles == 2
    reasons = sorted(f"{p.path}:{p.line or ''} {p.reason}" for p in report.skipped)
    assert reasons == [
        "feed.jsonl:1 too many distinct words: more than 1,000 (a news article has a few "
        "thousand)",
        "junk.txt: too many distinct words: more than 1,000 (a news article has a few thousand)"]
    (archive / "more.txt").write_text(f"date 2024-05-02\n\n{junk} y\n", encoding="utf-8")
    updated = update(archive, index, entities=False)
    assert updated.added == 0
    assert "more.txt" in {p.path for p in updated.skipped}
    assert {p.reason.split(":")[0] for p in updated.skipped} == {"too many distinct words"}
