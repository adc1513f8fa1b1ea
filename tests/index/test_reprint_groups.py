"""Reprint groups written by a rebuild and kept in step by ``index update``, read by search."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from indexer.build import rebuild, update
from indexer.search import Searcher, SearchRequest
from indexer.store import generations
from indexer.store.reprints_file import GROUPS, SKETCHES, read_groups

ROOT = Path(__file__).resolve().parents[2]
STORIES = ROOT / "tests" / "data" / "archive" / "reprints"


def copy(archive: Path, name: str, rel: str | None = None) -> None:
    target = archive / (rel or f"news/{name}.txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STORIES / f"{name}.txt", target)


def groups(index: Path) -> list[list[str]]:
    build = generations.target(index)
    assert build is not None
    return read_groups(build)


def test_rebuild_then_update_keep_the_groups(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "instance" / "index"
    for name in ("agency", "evening", "other"):
        copy(archive, name)
    report = rebuild(archive, index, workers=1, entities=False)
    assert report.reprint_groups == 1
    assert groups(index) == [["news/agency", "news/evening"]]

    copy(archive, "weekly")  # an undated reprint: last in its group
    assert update(archive, index, entities=False).reprint_groups == 1
    assert groups(index) == [["news/agency", "news/evening", "news/weekly"]]
    searcher = Searcher(index)
    result = searcher.search(SearchRequest(q="пингвин"))
    assert result.total == 4 and result.entries == 2

    (archive / "news" / "agency.txt").unlink()  # the earliest goes: the next one leads
    update(archive, index, entities=False)
    assert groups(index) == [["news/evening", "news/weekly"]]
    (archive / "news" / "weekly.txt").unlink()
    update(archive, index, entities=False)
    assert groups(index) == []


def test_an_index_built_before_reprints_gets_them_at_its_next_update(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "instance" / "index"
    for name in ("agency", "evening", "other"):
        copy(archive, name)
    rebuild(archive, index, workers=1, entities=False)
    build = generations.target(index)
    assert build is not None
    for name in (GROUPS, SKETCHES):
        (build / name).unlink()
    assert Searcher(index).search(SearchRequest(q="пингвин")).entries == 3  # none known
    copy(archive, "weekly")
    update(archive, index, entities=False)  # sketches every article from the stored text
    assert groups(index) == [["news/agency", "news/evening", "news/weekly"]]


def test_a_huge_text_is_shingled_by_its_beginning() -> None:
    """Only the first ``SHINGLED_CHARS`` characters are hashed: a 50 MB «article» no longer
    takes gigabytes to sketch; news-sized texts are shingled whole, as before."""
    from indexer.build import reprints

    sentence = "Правительство обсудило тарифы на электроэнергию и новые проекты. "
    huge = sentence * (2 * reprints.SHINGLED_CHARS // len(sentence)) + "Конец текста."
    assert len(huge) > reprints.SHINGLED_CHARS
    head = huge[: reprints.SHINGLED_CHARS]
    assert np.array_equal(reprints.shingles(huge), reprints.shingles(head))
    news = sentence * 100
    assert len(reprints.shingles(news)) > reprints.MIN_SHINGLES
    assert not np.array_equal(reprints.shingles(news), reprints.shingles(news[:len(news) // 2]))
