"""``index update`` writes with our own segment writer: every segment it leaves has postings
arrays and a facets file, small segments are merged, and what it rewrites reads as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage

from indexer.build import rebuild, update
from indexer.build.documents import document
from indexer.build.update import MAX_SEGMENTS
from indexer.catalog import ENTITY_FIELDS
from indexer.ingest import iter_archive
from indexer.records import Article
from indexer.search import Searcher, SearchRequest
from indexer.search.view import IndexView
from indexer.store import generations
from indexer.store.facets_file import read_facets
from indexer.store.posting_arrays import INDEX, side_files

TEXTS = [
    "Мажилис обсудил проект Конституции на встрече в Астане. Депутаты Мажилиса спорили.",
    "Референдум по конституции назначен на весну. Касым-Жомарт Токаев подписал указ.",
    "Токаева встретили в Алматы депутаты Сената. Сенат одобрил закон о референдуме.",
]


def article(root: Path, rel: str, text: str, date: str = "2024-05-01") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date {date}\n\n{text}\n", encoding="utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for n in range(300):  # enough postings of «в», «депутаты» … for arrays (128 postings)
        article(root, f"kz/{n:03d}.txt", TEXTS[n % 3] + f" Заметка номер {n}.")
    return root


def segments(index: Path) -> list:
    ix = FileStorage(str(generations.target(index)), supports_mmap=False).open_index()
    return list(ix._segments())


def ids(index: Path) -> list[str]:
    view = IndexView(generations.target(index), "ids")
    try:
        return sorted(view.ids[d] for d in np.flatnonzero(view.alive))
    finally:
        view.close()


def test_update_writes_segments_with_arrays_and_facets(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=2, entities=True)
    for n in range(300, 450):
        article(archive, f"new/{n}.txt", TEXTS[n % 3] + f" Новая заметка {n}.")
    article(archive, "kz/000.txt", "Сенат обсудил бюджет Казахстана в Астане.")
    (archive / "kz" / "001.txt").unlink()
    report = update(archive, index, workers=1, entities=True)
    assert (report.added, report.replaced, report.deleted) == (150, 1, 1)
    build = generations.target(index)
    segs = segments(index)
    assert len(segs) == 3
    for seg in segs:  # the update's segment too: arrays and a facets file
        assert read_facets(str(build), seg.segid) is not None
        assert (build / (seg.segid + INDEX)).exists()
    view = IndexView(build, "after")
    try:
        assert all(a is not None for a in view.arrays)
        assert view.doc_count == 449
        persons = view.facets["persons"]
        for docnum in np.flatnonzero(view.alive).tolist():
            stored = {v for v in view.stored(docnum).get("persons", "").split(",") if v}
            assert set(persons.of_doc(docnum)) == stored
    finally:
        view.close()
    searcher = Searcher(index)
    assert {h.id for h in searcher.search(SearchRequest(q="бюджет", size=20)).hits} == {"kz/000"}
    assert searcher.search(SearchRequest(q="новая заметка", size=5)).total == 150
    assert searcher.article("kz/001") is None
    found = searcher.search(SearchRequest(q="", persons=["Касым-Жомарт Токаев"], size=1))
    assert found.total >= 50


def test_many_updates_are_merged_into_few_segments(archive: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(archive, index, workers=2, entities=False)
    for round_ in range(MAX_SEGMENTS + 3):
        article(archive, f"round/{round_}.txt", f"Обновление номер {round_} о выборах.")
        (archive / "kz" / f"{round_:03d}.txt").unlink()
        update(archive, index, entities=False)
        assert len(segments(index)) <= MAX_SEGMENTS
    build = generations.target(index)
    live = {name for seg in segments(index) for name in side_files(seg.segid)}
    ours = {p.name for p in build.iterdir()
            if p.suffix in (".parr", ".pidx", ".facets", ".smap", ".smapx")}
    assert ours == live, "side files of merged segments are removed"
    expected = sorted({f"kz/{n:03d}" for n in range(MAX_SEGMENTS + 3, 300)}
                      | {f"round/{r}" for r in range(MAX_SEGMENTS + 3)})
    assert ids(index) == expected
    searcher = Searcher(index)
    result = searcher.search(SearchRequest(q="обновление выборы", size=50))
    assert result.total == MAX_SEGMENTS + 3
    assert result.hits[0].snippet_html.count("<mark>") >= 2


def test_a_segment_written_by_whoosh_is_rewritten_by_the_next_update(
        archive: Path, tmp_path: Path) -> None:
    """An index updated before our writer wrote updates holds segments of Whoosh's own writer
    (no arrays, no facets file): the next update writes them again, entities kept."""
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    # What ``index update`` did before: the article written again by Whoosh's own writer.
    legacy = next(a for a in iter_archive(archive) if isinstance(a, Article) and a.id == "kz/005")
    ix = FileStorage(str(generations.target(index)), supports_mmap=False).open_index()
    writer = ix.writer()
    writer.update_document(**document(legacy, {"persons": ["Нурсултан Назарбаев"]}))
    writer.commit(merge=False)
    assert sum(read_facets(str(generations.target(index)), s.segid) is None
               for s in segments(index)) == 1
    article(archive, "kz/new.txt", "Свежая заметка о парламенте и референдуме.")
    report = update(archive, index, entities=False)
    assert (report.added, report.replaced, report.deleted) == (1, 0, 0)
    build = generations.target(index)
    assert all(read_facets(str(build), s.segid) is not None for s in segments(index))
    searcher = Searcher(index)
    assert searcher.search(SearchRequest(q="референдум")).total == 100 + 100 + 1
    again = searcher.article("kz/005", q="референдум")
    assert again is not None and again["persons"] == ["Нурсултан Назарбаев"]
    assert again["date"] == "2024-05-01" and "<mark>референдуме</mark>" in again["body_html"]
    assert searcher.search(SearchRequest(q="", persons=["Нурсултан Назарбаев"])).total == 1
    view = IndexView(build, "legacy")
    try:
        for name in ENTITY_FIELDS:
            assert view.facets[name] is not None
    finally:
        view.close()
