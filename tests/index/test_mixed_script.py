"""Words typed with look-alike letters of the other script are found as the words they show,
and highlighted as written."""

from __future__ import annotations

from pathlib import Path

from indexer.build import rebuild
from indexer.search import Searcher, SearchRequest


def test_mixed_script_words_are_found_and_marked(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "kz").mkdir(parents=True)
    # «Cергей» with a Latin C, «CША» with a Latin C, «МI5» with a Cyrillic М.
    (archive / "kz" / "a.txt").write_text(
        "date 2024-05-01\ntitle Визит в CША\n\nCергей Лавров прибыл в CША. Разведка МI5 "
        "распахнула архивы.\n", encoding="utf-8")
    (archive / "kz" / "b.txt").write_text(
        "date 2024-05-02\ntitle Другое\n\nСергей Иванов остался в Москве.\n", encoding="utf-8")
    index = tmp_path / "instance" / "index"
    rebuild(archive, index, workers=1, entities=False)
    searcher = Searcher(index)
    found = searcher.search(SearchRequest(q="сергей"))
    assert {h.id for h in found.hits} == {"kz/a", "kz/b"}
    usa = searcher.search(SearchRequest(q="США"))
    assert [h.id for h in usa.hits] == ["kz/a"]
    assert "<mark>CША</mark>" in usa.hits[0].title_html
    assert "<mark>CША</mark>" in usa.hits[0].snippet_html
    assert [h.id for h in searcher.search(SearchRequest(q="MI5")).hits] == ["kz/a"]
    # typed with the look-alike letter, the query finds the word written properly too
    assert {h.id for h in searcher.search(SearchRequest(q="Cергея")).hits} == {"kz/a", "kz/b"}
