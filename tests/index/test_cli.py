"""The ``index`` command end to end, through click's runner, on real indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.build.lock import WriterLock
from indexer.cli import main
from indexer.store import generations


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "kz").mkdir(parents=True)
    (root / "kz" / "a.txt").write_text(
        "date 2026-03-05\n\nДепутат Мажилиса обсудил проект Конституции в Астане.", "utf-8")
    (root / "kz" / "b.txt").write_text(
        "date 2025-01-10\n\nРеферендум по конституции назначен, сообщает ТАСС.", "utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_rebuild_then_stats_and_search(archive: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    code, out = run("rebuild", "--archive", str(archive), "--index", index, "--no-entities")
    assert code == 0, out
    assert "indexed 2 articles" in out and "live index:" in out
    code, out = run("stats", "--index", index, "--json")
    assert code == 0, out
    stats = json.loads(out)
    assert stats["articles"] == 2
    assert (stats["date_min"], stats["date_max"]) == ("2025-01-10", "2026-03-05")
    code, out = run("search", "конституция", "референдум", "--index", index, "--json")
    assert code == 0, out
    hits = json.loads(out)["hits"]
    assert [h["id"] for h in hits if not h["missing"]] == ["kz/b"]
    assert [(h["id"], h["missing"]) for h in hits if h["missing"]] == [("kz/a", ["референдум"])]
    code, out = run("search", "Конституции", "--index", index)
    assert code == 0 and "2 found" in out


def test_strict_fails_on_skipped_files(archive: Path, tmp_path: Path) -> None:
    (archive / "empty.txt").write_text("")
    index = str(tmp_path / "index")
    code, out = run("rebuild", "--archive", str(archive), "--index", index, "--no-entities")
    assert code == 0 and "skipped 1:" in out and "empty.txt: empty file" in out
    code, out = run("rebuild", "--archive", str(archive), "--index", index, "--no-entities",
                    "--strict")
    assert code == 3 and "--strict" in out


def test_a_second_writer_exits_at_once_with_a_message(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    with WriterLock(generations.lock_path(index)):
        code, out = run("rebuild", "--archive", str(archive), "--index", str(index))
    assert code == 2 and "another rebuild or update is writing this index" in out


def test_update_and_rollback(archive: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    assert run("rebuild", "--archive", str(archive), "--index", index, "--no-entities")[0] == 0
    code, out = run("update", "--archive", str(archive), "--index", index, "--no-entities")
    assert code == 0 and "added 0, replaced 0, deleted 0, unchanged 2" in out
    code, out = run("rollback", "--index", index)
    assert code == 1 and "no previous index" in out
    assert run("rebuild", "--archive", str(archive), "--index", index, "--no-entities")[0] == 0
    code, out = run("rollback", "--index", index)
    assert code == 0 and "rolled back" in out


def test_missing_archive_and_missing_index(tmp_path: Path) -> None:
    code, out = run("rebuild", "--archive", str(tmp_path / "none"), "--index",
                    str(tmp_path / "index"))
    assert code == 1 and "no archive folder" in out
    code, out = run("stats", "--index", str(tmp_path / "index"))
    assert code == 1 and "error:" in out


def test_entities_command_prints_what_the_extractor_finds() -> None:
    code, out = run("entities", "Президент Казахстана Касым-Жомарт Токаев прибыл в Астану.")
    assert code == 0, out
    rows = [line.split("\t") for line in out.strip().splitlines()]
    assert ["PER", "Касым-Жомарт Токаев"] in [row[:2] for row in rows]
    assert ["LOC", "Астана"] in [row[:2] for row in rows]


def test_the_summary_stays_short_and_the_whole_list_is_in_a_file(archive: Path,
                                                                 tmp_path: Path) -> None:
    """A million duplicate lines printed a 69 MB summary: now counts per reason and a few
    examples, the whole list in a file beside the index (20,000 lines here)."""
    dup = json.dumps({"id": "same", "date": "2024-01-01", "text": "Одна и та же заметка."},
                     ensure_ascii=False)
    (archive / "dups.jsonl").write_text((dup + "\n") * 20_000, encoding="utf-8")
    undated = json.dumps({"id": "u{}", "text": "Заметка без даты."}, ensure_ascii=False)
    (archive / "undated.jsonl").write_text(
        "".join(undated.replace("{}", str(n)) + "\n" for n in range(200)), encoding="utf-8")
    index = tmp_path / "index"
    code, out = run("rebuild", "--archive", str(archive), "--index", str(index),
                    "--no-entities", "--workers", "1")
    assert code == 0, out
    assert "indexed 203 articles" in out
    assert "skipped 19999:" in out and "  duplicate id: 19,999 (e.g. dups.jsonl:2: " in out
    assert "warnings 200:" in out and "  no date: 200 (e.g. undated.jsonl:1: " in out
    assert len(out) < 3000 and len(out.splitlines()) < 20, out
    problems = index.with_name("index.problems.txt")
    assert f"every skipped file and warning: {problems}" in out
    lines = problems.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 19_999 + 200
    assert lines[0] == "skipped\tdups.jsonl:2: duplicate id 'same' (first in dups.jsonl)"
    assert sum(line.startswith("warning\tundated.jsonl:") for line in lines) == 200

    (archive / "dups.jsonl").unlink()
    (archive / "undated.jsonl").unlink()
    code, out = run("rebuild", "--archive", str(archive), "--index", str(index),
                    "--no-entities", "--workers", "1")
    assert code == 0 and "every skipped" not in out
    assert not problems.exists(), "the list of an earlier run is gone with its problems"


def test_a_file_name_with_a_newline_cannot_forge_a_line(archive: Path, tmp_path: Path) -> None:
    """«x.txt\\nindexed 1,000,000 articles» would print a line of its own."""
    (archive / "x.txt\nindexed 1,000,000 articles\x1b[2J.txt").write_bytes(b"")
    code, out = run("rebuild", "--archive", str(archive), "--index", str(tmp_path / "index"),
                    "--no-entities", "--workers", "1")
    assert code == 0, out
    assert "  x.txt\\nindexed 1,000,000 articles\\x1b[2J.txt: empty file" in out
    assert not any(line.startswith("indexed 1,000,000") for line in out.splitlines())
    assert "\x1b" not in out


def test_a_problems_file_that_cannot_be_written_does_not_fail_the_rebuild(
    archive: Path, tmp_path: Path
) -> None:
    """On a full disk the list is lost, never the build (the disk-full drill found it)."""
    (archive / "empty.txt").write_bytes(b"")
    index = tmp_path / "index"
    (tmp_path / "index.problems.txt.partial").mkdir()  # cannot be opened as a file
    code, out = run("rebuild", "--archive", str(archive), "--index", str(index),
                    "--no-entities", "--workers", "1")
    assert code == 0, out
    assert "indexed 2 articles" in out and "empty.txt: empty file" in out
    assert "every skipped file" not in out



def test_rebuild_says_where_the_entities_came_from(archive: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The model on a cold cache; nothing after; the rules alone after a change of the rules
    (another rules version: the results are stale, the model's spans are not)."""
    import indexer.entities

    index = str(tmp_path / "index")
    args = ("rebuild", "--archive", str(archive), "--index", index, "--workers", "1")
    code, out = run(*args)
    assert code == 0, out
    assert "entities: the model ran on 2 articles, the rules alone on 0" in out
    code, out = run(*args)
    assert "entities: the model ran on 0 articles, the rules alone on 0 (" in out
    assert "2 stored" in out
    monkeypatch.setattr(indexer.entities, "VERSION", indexer.entities.VERSION + "/changed")
    code, out = run(*args)
    assert code == 0, out
    assert "entities: the model ran on 0 articles, the rules alone on 2 (" in out
