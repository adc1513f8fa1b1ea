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
    assert [h["id"] for h in json.loads(out)["hits"]] == ["kz/b"]
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
