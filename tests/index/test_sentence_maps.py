"""Sentence maps: what a segment stores of its bodies' sentences, and a search that reads them
instead of character offsets gives the very results of one that reads the offsets."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from indexer.search import Searcher, SearchRequest, execute
from indexer.search.occurrences import spans
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.store import generations, sentence_maps
from indexer.text.sentences import sentence_positions
from tests.analysed import occurrences_by_term

QUERIES = (
    "Касым-Жомарт Токаев", "Токаев Конституция", "президент Казахстана", "референдум поправки",
    "Нур-Султан столица", '"Верховного суда"', "министр сказал журналистам", "!Токаева",
    '"Мажилис парламента"~3', "выборы президента", "Алматы землетрясение", "кто-то сказал",
    "Россия Украина переговоры", "полиция задержала", "экономика рост ВВП",
)


@pytest.fixture
def no_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searches run whole, so that a loaded machine cannot make two runs differ."""
    monkeypatch.setattr(execute, "TIME_BUDGET", 1e9)
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 1e9)


def _view(index: Path) -> IndexView:
    build = generations.target(index)
    assert build is not None
    return IndexView(build, "test")


def test_every_segment_has_the_maps_of_its_bodies(built_index: Path) -> None:
    view = _view(built_index)
    try:
        assert not view.sentence_maps.computed
        for docnum in range(view.n):
            body = view.stored(docnum).get("body", "")
            found = view.sentence_map(docnum)
            expected = sentence_positions(body)
            assert [a.tolist() for a in found] == [a.tolist() for a in expected]
    finally:
        view.close()


def test_spans_from_positions_are_the_analysers_character_offsets(built_index: Path) -> None:
    """Every word of every body and title, found again from its positions, is where the
    analyser put it when indexing (compounds and their parts included): the index keeps
    positions only."""
    view = _view(built_index)
    try:
        reader = view.reader
        checked = 0
        for fieldname in ("body", "title"):
            for term in list(reader.lexicon(fieldname))[::7]:
                word = WordTerms(term.decode(), True, ((term.decode(),),))
                p = view.postings(fieldname, word.word)
                for docnum in p.docs[:5].tolist():
                    from_maps = spans(view, fieldname, [word], docnum)
                    text = view.stored(docnum).get(fieldname, "")
                    analysed = occurrences_by_term(text)[word.word]
                    with_offsets = sorted({(s, e) for _, s, e in analysed})
                    assert [o[0] for o in analysed] == p.positions_of(docnum)
                    assert from_maps == with_offsets, (fieldname, word.word, docnum)
                    checked += 1
        assert checked > 1000
    finally:
        view.close()


def _queries(searcher: Searcher) -> list[str]:
    """The fixed queries, and from every fifth article three of six neighbouring words of four
    letters or more and two neighbours as a phrase."""
    view = searcher._current()
    out = list(QUERIES)
    for docnum in range(0, view.n, 5):
        words = re.findall(r"\w{4,}", view.stored(docnum).get("body", ""))[40:46]
        if len(words) == 6:
            out += [" ".join(words[::2]), f'"{words[1]} {words[2]}"']
    return out


def _results(searcher: Searcher) -> list[dict]:
    out = []
    for q in _queries(searcher):
        result = searcher.search(SearchRequest(q=q)).to_json()
        result.pop("took_ms")
        out.append(result)
    return out


def test_search_with_maps_computed_is_search_with_maps_read(built_index: Path,
                                                            no_budget: None) -> None:
    """Maps computed from the stored bodies (a segment built before the maps) give the same
    results as the maps the build wrote."""
    with_maps = Searcher(built_index)
    assert not with_maps._current().sentence_maps.computed
    computed = Searcher(built_index)
    maps = computed._current().sentence_maps
    maps.segments = [None] * len(maps.segments)  # the path of an index built before the maps
    assert maps.computed
    a, b = _results(with_maps), _results(computed)
    assert sum(r["total"] > 0 for r in a) > 30
    assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)


def test_a_segment_without_maps_has_them_computed(built_index: Path, tmp_path: Path,
                                                  no_budget: None) -> None:
    """An index one of whose segments lacks the maps (built before them) computes that
    segment's maps from its stored bodies, with the same results."""
    build = tmp_path / "builds" / "copy"
    shutil.copytree(generations.target(built_index), build)
    index = tmp_path / "index"
    index.symlink_to(build, target_is_directory=True)
    removed = sorted(build.glob("*" + sentence_maps.INDEX))[0]
    removed.unlink()
    searcher = Searcher(index)
    maps = searcher._current().sentence_maps
    assert maps.computed and not all(m is None for m in maps.segments)
    assert _results(searcher) == _results(Searcher(built_index))


def test_the_side_file_suffixes_are_those_the_writers_use() -> None:
    from indexer.store import facets_file, posting_arrays

    assert set(posting_arrays.SIDE_SUFFIXES) == {
        posting_arrays.DATA, posting_arrays.INDEX, facets_file.FACETS, sentence_maps.DATA,
        sentence_maps.INDEX}
