"""An index built before the package layout keeps opening: it recorded the analyser's classes
and the codec by their old import paths (``indexer.analysis``, ``indexer.codec``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from indexer.build import update
from indexer.search import Searcher, SearchRequest
from indexer.store import generations

OLD = Path(__file__).resolve().parents[1] / "data" / "index-before-layout"


def live_copy(tmp_path: Path) -> Path:
    """The old build as the live index of a new instance folder."""
    index = tmp_path / "instance" / "index"
    build = generations.builds_dir(index) / "old"
    shutil.copytree(OLD, build, ignore=shutil.ignore_patterns("README.md"))
    index.symlink_to(build, target_is_directory=True)
    return index


def test_an_index_built_before_the_layout_opens_and_searches(tmp_path: Path) -> None:
    searcher = Searcher(live_copy(tmp_path))
    result = searcher.search(SearchRequest(q="конституции"))
    assert result.total == 3
    assert "<mark>Конституции</mark>" in result.hits[0].snippet_html
    assert {"value": "Касым-Жомарт Токаев", "count": 3} in result.facets["persons"]
    assert searcher.stats()["articles"] == 3


def test_an_index_built_before_the_layout_takes_an_update(tmp_path: Path) -> None:
    index = live_copy(tmp_path)
    archive = tmp_path / "archive" / "kz"
    archive.mkdir(parents=True)
    for n in (1, 2, 3):  # the articles it was built from, and one more
        (archive / f"a{n}.txt").write_text(
            f"date 2024-0{n}-01\ntitle Заметка {n}\n\nМажилис обсудил проект Конституции в "
            f"Астане. Касым-Жомарт Токаев подписал указ номер {n}.\n", encoding="utf-8")
    (archive / "b.txt").write_text("date 2024-05-01\n\nСенат принял закон о референдуме.\n",
                                   encoding="utf-8")
    report = update(archive.parent, index, entities=False)
    assert (report.added, report.deleted) == (1, 0)
    searcher = Searcher(index)
    assert searcher.search(SearchRequest(q="референдум")).total == 1
    assert searcher.search(SearchRequest(q="конституция")).total == 3
