"""Search over a real index built from the test archive (the ``built_index`` fixture)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from indexer.build import rebuild, update
from indexer.search import (
    BadRequest,
    IndexUnavailable,
    Searcher,
    SearchRequest,
    parse_request,
    request_params,
)
from indexer.search import query as query_module
from indexer.search.query import (
    MAX_DEPTH,
    MAX_PHRASE,
    MAX_SLOP,
    MAX_TERMS,
    And,
    Not,
    Or,
    Text,
    Value,
    parse,
    parse_bounded,
)
from indexer.search.request import MAX_FACET_SIZE, MAX_QUERY  # noqa: E402
from indexer.search.scoring import Scorer
from indexer.search.similar import key_words, similar_scores

PREFIX = "extra/search/"
CONSTITUTION = PREFIX + "constitution"
STEEL = PREFIX + "steel"
CLOSE = PREFIX + "giraffe-close"
FAR = PREFIX + "giraffe-far"
TITLE_ONLY = PREFIX + "giraffe-title"
KAZAKH = PREFIX + "kazakh"
SCRIPT = PREFIX + "script"


@pytest.fixture(scope="module")
def searcher(built_index: Path) -> Searcher:
    return Searcher(built_index)


def ids(searcher: Searcher, q: str = "", **kw) -> list[str]:
    return [h.id for h in searcher.search(SearchRequest(q=q, size=100, **kw)).hits]


# Query language


def test_parse_tree() -> None:
    node = parse('конституция (нефть OR газ) -путин "новая конституция"~2 !стали person:Путин')
    assert isinstance(node, And)
    kinds = [type(n) for n in node.items]
    assert kinds == [Text, Or, Not, Text, Text, Value]
    assert node.items[3].phrase and node.items[3].slop == 2
    assert node.items[4].exact and node.items[4].words == ["стали"]
    assert node.items[5] == Value("persons", "Путин")


def test_unparsable_query_falls_back_to_words() -> None:
    assert parse('(конституция "референдум') == And([Text(["конституция"], [0]),
                                                     Text(["референдум"], [0])])
    assert parse("") is None


def test_morphology_query_form_differs(searcher: Searcher) -> None:
    # The text has «Конституции … референдуме».
    assert CONSTITUTION in ids(searcher, "конституция референдум")
    assert CONSTITUTION in ids(searcher, "конституциями референдумов")


def test_all_words_required(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(q="конституция жираф", size=100))
    assert result.total == 0  # articles lacking a word are partial matches (test_forgiving)
    assert result.hits and all(h.missing for h in result.hits)


def test_exact_form(searcher: Searcher) -> None:
    assert {CONSTITUTION, STEEL} <= set(ids(searcher, "сталь"))
    exact = ids(searcher, "!стали")
    assert CONSTITUTION in exact and STEEL not in exact
    exact = ids(searcher, "!сталь")
    assert STEEL in exact and CONSTITUTION not in exact


def test_phrase_with_inflected_words(searcher: Searcher) -> None:
    assert CONSTITUTION in ids(searcher, '"новая конституция"')
    assert CONSTITUTION not in ids(searcher, '"конституция новая"')
    assert CONSTITUTION not in ids(searcher, '"новая республика"')
    assert CONSTITUTION in ids(searcher, '"новая республика"~2')
    assert CONSTITUTION not in ids(searcher, '!"новая конституция"')
    assert CONSTITUTION in ids(searcher, '!"новой конституции"')


def test_proximity_ranks_close_words_first(searcher: Searcher) -> None:
    found = ids(searcher, "жираф вертолет")
    assert found[:2] == [CLOSE, FAR]


def test_or_and_not(searcher: Searcher) -> None:
    assert {STEEL, CLOSE, FAR, TITLE_ONLY} <= set(ids(searcher, "жираф OR сталь"))
    assert ids(searcher, "жираф -вертолет") == [TITLE_ONLY]
    assert ids(searcher, "жираф NOT вертолет") == [TITLE_ONLY]
    assert set(ids(searcher, "(жираф OR сталь) NOT вертолет")) >= {TITLE_ONLY, STEEL}


def test_kazakh_and_latin_words(searcher: Searcher) -> None:
    assert KAZAKH in ids(searcher, "Құрылтай")
    assert KAZAKH in ids(searcher, "kegoc")
    hit = searcher.search(SearchRequest(q="KEGOC")).hits[0]
    assert "<mark>KEGOC</mark>" in hit.snippet_html


def test_title_field(searcher: Searcher) -> None:
    assert ids(searcher, "title:жираф") == [TITLE_ONLY]


def test_empty_query_browses_newest_first(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(size=100))
    assert result.total == searcher.stats()["articles"]
    dates = [h.date for h in result.hits if h.date]
    assert dates == sorted(dates, reverse=True)


# Filters, sorting, facets


def test_date_filter(searcher: Searcher) -> None:
    req = parse_request({"q": "сталь", "from": "2021", "to": "2021-12"})
    found = ids(searcher, req.q, date_from=req.date_from, date_to=req.date_to)
    assert CONSTITUTION in found and STEEL not in found


def test_source_filter(searcher: Searcher) -> None:
    found = ids(searcher, "жираф", sources=["Вестник Теста"])
    assert set(found) == {CLOSE, FAR}
    assert set(ids(searcher, "жираф source:\"Цирковой листок\"")) == {TITLE_ONLY}
    both = ids(searcher, "жираф", sources=["Вестник Теста", "Цирковой листок"])
    assert set(both) == {CLOSE, FAR, TITLE_ONLY}


def test_phrases_under_filters_match_as_without(searcher: Searcher) -> None:
    """Phrases are checked only inside the filters (cheaper), with the same results as the
    phrase without filters, narrowed; also for a phrase that is negated."""
    for q in ('"новая конституция"', '"в том числе"', '"жираф вертолет"~5', 'жираф -"в клетке"'):
        everywhere = searcher.search(SearchRequest(q=q, size=100))
        assert 0 < everywhere.total == len(everywhere.hits), q
        by_source: dict[str, set[str]] = {}
        for hit in everywhere.hits:
            by_source.setdefault(hit.source, set()).add(hit.id)
        for source, expected in by_source.items():
            assert set(ids(searcher, q, sources=[source])) == expected, (q, source)
        last_year = parse_request({"q": q, "from": "2021"})
        dated = {h.id for h in everywhere.hits if h.date and h.date >= "2021-01-01"}
        assert set(ids(searcher, q, date_from=last_year.date_from)) == dated, q


def test_entity_filter_and_counts(searcher: Searcher) -> None:
    top = searcher.stats()["persons"]
    if not top:
        pytest.skip("the index holds no person entities")
    name, count = top[0]["value"], top[0]["count"]
    result = searcher.search(SearchRequest(persons=[name], size=100))
    assert result.total == count
    assert all(name in h.persons for h in result.hits)
    assert ids(searcher, f'person:"{name}"') == [h.id for h in result.hits]


def test_sorting(searcher: Searcher) -> None:
    newest = searcher.search(SearchRequest(q="жираф", sort="newest")).hits
    assert [h.date for h in newest] == sorted((h.date for h in newest), reverse=True)
    oldest = searcher.search(SearchRequest(q="жираф", sort="oldest")).hits
    assert [h.id for h in oldest] == [h.id for h in reversed(newest)]


def test_facet_counts_match_results(searcher: Searcher) -> None:
    for q in ("", "жираф", "путин", "конституция"):
        result = searcher.search(SearchRequest(q=q, size=100, facet_size=200, collapse=False))
        dated = [h for h in result.hits if h.date]
        if result.total <= 100:
            assert sum(b["count"] for b in result.facets["dates"]) == len(dated)
            for name in ("persons", "organisations", "locations"):
                for entry in result.facets[name]:
                    assert entry["count"] == sum(entry["value"] in getattr(h, name)
                                                 for h in result.hits)
        sources = {e["value"]: e["count"] for e in result.facets["sources"]}
        for source, count in sources.items():
            assert searcher.search(SearchRequest(q=q, sources=[source])).total == count


def test_date_histogram_granularity(searcher: Searcher) -> None:
    wide = searcher.search(SearchRequest())
    assert wide.date_granularity == "year"
    narrow = searcher.search(SearchRequest(q="жираф", date_from="2019-08-01",
                                           date_to="2019-09-30"))
    # Two months (more than 31 days: a bar per day would be too narrow on a phone).
    assert narrow.date_granularity == "month"
    assert [b["key"] for b in narrow.facets["dates"]] == ["2019-08", "2019-09"]
    assert sum(b["count"] for b in narrow.facets["dates"]) == narrow.total == 2
    # A drill-down to one year shows its 12 months, to one month its days.
    year = searcher.search(parse_request({"q": "жираф", "from": "2019", "to": "2019"}))
    assert year.date_granularity == "month" and len(year.facets["dates"]) == 12
    assert year.facets["dates"][0]["from"] == "2019-01-01"
    month = searcher.search(parse_request({"q": "жираф", "from": "08.2019", "to": "08.2019"}))
    assert month.date_granularity == "day" and len(month.facets["dates"]) == 31
    assert sum(b["count"] for b in month.facets["dates"]) == month.total


# Snippets


def test_snippet_marks_original_forms(searcher: Searcher) -> None:
    hits = searcher.search(SearchRequest(q="конституция референдум")).hits
    hit = next(h for h in hits if h.id == CONSTITUTION)
    assert "<mark>Конституции</mark>" in hit.snippet_html
    assert "<mark>референдуме</mark>" in hit.snippet_html


def test_snippet_escapes_article_html(searcher: Searcher) -> None:
    hit = searcher.search(SearchRequest(q="уязвимость")).hits[0]
    assert hit.id == SCRIPT
    for html in (hit.snippet_html, hit.title_html):
        assert "<script" not in html and "<b>" not in html
        assert not re.search(r"<(?!/?mark>)", html)
    assert "&lt;script&gt;" in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "<mark>Уязвимость</mark>" in hit.title_html


def test_title_only_match_gets_the_lead(searcher: Searcher) -> None:
    hit = searcher.search(SearchRequest(q="title:жираф")).hits[0]
    assert hit.title_html == "<mark>Жираф</mark>"
    assert hit.snippet_html.startswith("В цирке прошла премьера")


def test_article_body_html(searcher: Searcher) -> None:
    article = searcher.article(SCRIPT, q="уязвимость")
    assert article["body_html"].startswith("<p>")  # anchors are the page's (web), not here
    assert "<mark>уязвимость</mark>" in article["body_html"]
    assert "<script" not in article["body_html"]
    assert searcher.article("no/such/article") is None


# Suggestions and similar articles


def test_suggestion_for_a_typo(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(q="канституция референдум", correct=False))
    assert result.total == 0
    assert result.suggestion and result.suggestion.startswith("конституци")
    assert searcher.search(SearchRequest(q=result.suggestion)).total > 0
    assert searcher.search(SearchRequest(q="конституция")).suggestion is None


def test_similar_articles(searcher: Searcher) -> None:
    similar = searcher.similar(CLOSE, limit=3)
    assert similar and similar[0].id == FAR
    assert CLOSE not in [h.id for h in similar]
    assert searcher.similar("no/such/article") is None


def test_similar_scores_over_rows_equal_dense_scores(searcher: Searcher) -> None:
    """«More like this» scores its key words only over the articles holding one: the very
    values the dense scorer gives every article."""
    view = searcher._current()
    for docnum in range(min(view.n, 40)):
        stored = view.stored(docnum)
        words = key_words(view, stored.get("title", ""), stored.get("body", ""))
        dense = Scorer(view).zeros()
        for wt in words:
            dense += Scorer(view).word(wt, ("title", "body"))[1]
        dense[docnum] = 0
        dense[~view.alive] = 0
        assert np.array_equal(similar_scores(view, docnum), dense)
        assert not words or dense.any()


def test_latest(searcher: Searcher) -> None:
    latest = searcher.latest(3)
    assert len(latest) == 3
    assert latest[0].date == searcher.stats()["date_max"]


# Requests


@pytest.mark.parametrize("params,code", [
    ({"page": "0"}, "bad_page"),
    ({"page": "x"}, "bad_page"),
    ({"size": "1000"}, "bad_size"),
    ({"size": "0"}, "bad_size"),
    ({"from": "2026-13-45"}, "bad_date"),
    ({"to": "yesterday"}, "bad_date"),
    ({"from": "2020", "to": "2019"}, "bad_date"),
    ({"sort": "random"}, "bad_sort"),
    ({"facets": "maybe"}, "bad_param"),
])
def test_bad_requests(params: dict, code: str) -> None:
    with pytest.raises(BadRequest) as err:
        parse_request(params)
    assert err.value.code == code and err.value.message and err.value.message_ru


def test_request_round_trip() -> None:
    params = {"q": "путин", "from": "2017", "to": "2017-03", "person": ["А", "Б"],
              "sort": "newest", "page": "2", "facets": "0"}
    req = parse_request(params)
    assert (req.date_from, req.date_to) == ("2017-01-01", "2017-03-31")
    assert req.persons == ["А", "Б"] and not req.facets
    pairs = request_params(req)
    again: dict[str, list[str]] = {}
    for k, v in pairs:
        again.setdefault(k, []).append(v)
    assert parse_request(again) == req
    assert ("page", "2") not in request_params(req, page=1)


# Index versions


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable):
        Searcher(tmp_path / "nothing").search(SearchRequest())


def test_follows_rebuild_and_update(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "a").mkdir(parents=True)
    (archive / "a" / "one.txt").write_text("date 2020-01-01\ntitle Первая\n\nОдин носорог.\n")
    index = tmp_path / "instance" / "index"
    rebuild(archive, index, workers=1, entities=False)
    searcher = Searcher(index)
    assert ids(searcher, "носорог") == ["a/one"]
    version = searcher.version
    (archive / "a" / "two.txt").write_text("date 2020-01-02\ntitle Вторая\n\nДва носорога.\n")
    rebuild(archive, index, workers=1, entities=False)
    import time

    time.sleep(0.6)
    assert set(ids(searcher, "носорог")) == {"a/one", "a/two"}
    assert searcher.version != version
    (archive / "a" / "one.txt").unlink()
    update(archive, index, workers=1, entities=False)
    time.sleep(0.6)
    assert ids(searcher, "носорог") == ["a/two"]


# Bounded requests: the excess of a hostile query is ignored and said in ``warnings``


def leaves(node) -> list:
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in leaves(item)]
    if isinstance(node, Not):
        return leaves(node.item)
    return [node]


def words_in(node) -> int:
    return sum(len(n.words) if isinstance(n, Text) else 1 for n in leaves(node))


def test_many_words_are_capped() -> None:
    node, warnings = parse_bounded(" ".join(f"слово{i}" for i in range(300)))
    assert words_in(node) == MAX_TERMS and warnings
    node, warnings = parse_bounded(" OR ".join(f"слово{i}" for i in range(200)))
    assert isinstance(node, Or) and len(node.items) == MAX_TERMS and warnings
    node, warnings = parse_bounded("нефть газ")
    assert words_in(node) == 2 and not warnings


def test_deep_parentheses_are_flattened() -> None:
    node, warnings = parse_bounded("(" * 400 + "нефть OR газ" + ")" * 400 + " санкции")
    assert node == And([Or([Text(["нефть"], [0]), Text(["газ"], [0])]),
                        Text(["санкции"], [0])])
    assert warnings
    # Within the limit, nothing is said.
    assert parse_bounded("(" * MAX_DEPTH + "нефть" + ")" * MAX_DEPTH) == (Text(["нефть"], [0]), [])


def test_long_phrase_and_slop_are_capped() -> None:
    words = " ".join(f"слово{i}" for i in range(40))
    node, warnings = parse_bounded(f'"{words}"~1000000')
    assert isinstance(node, Text) and node.phrase
    assert len(node.words) == MAX_PHRASE and node.slop == MAX_SLOP and len(warnings) == 2


def test_hostile_queries_return_bounded_results(searcher: Searcher) -> None:
    hostile = [
        ("референдум " * 100)[:MAX_QUERY],
        " OR ".join(["конституция", "нефть", "газ", "жираф"] * 15),
        '"' + " ".join(["новая", "конституция"] * 20) + '"~1000',
        "(" * 200 + "конституция" + ")" * 200,
    ]
    for q in [*hostile, "NOT " * 200 + "конституция"]:  # the last within bounds: no warning
        req = parse_request({"q": q})
        assert len(req.q) <= MAX_QUERY
        result = searcher.search(req)
        assert bool(result.warnings) == (q in hostile), q[:40]
        assert result.total >= 0 and len(result.hits) <= req.size
        assert result.to_json()["hits"] == [h.to_json() for h in result.hits]


def test_too_long_query_is_a_bad_request() -> None:
    with pytest.raises(BadRequest) as err:
        parse_request({"q": "конституция " * 500})
    assert err.value.code == "bad_param"


def test_huge_page_and_facet_size(searcher: Searcher) -> None:
    result = searcher.search(parse_request({"q": "конституция", "page": str(10**9)}))
    assert result.total > 0 and result.hits == [] and result.page == 10**9
    assert any("past the last page" in w for w in result.warnings)
    req = parse_request({"q": "конституция", "facet_size": str(10**6)})
    assert req.facet_size == MAX_FACET_SIZE and req.warnings
    result = searcher.search(req)
    assert result.warnings and all(len(v) <= MAX_FACET_SIZE for v in result.facets.values())


def test_time_budget_returns_the_results_so_far(searcher: Searcher, monkeypatch) -> None:
    from indexer.search import execute as search_module

    full = searcher.search(SearchRequest(q="конституция OR референдум OR жираф"))
    monkeypatch.setattr(search_module, "TIME_BUDGET", -1.0)  # already out of time
    cut = searcher.search(SearchRequest(q="конституция OR референдум OR жираф"))
    assert any("time limit" in w for w in cut.warnings)
    assert 0 < cut.total <= full.total  # the first clause is always evaluated


def test_plain_fallback_is_capped_too(monkeypatch) -> None:
    monkeypatch.setattr(query_module, "MAX_TERMS", 3)
    node, warnings = parse_bounded('(а б в г д "е')  # unbalanced: plain words
    assert words_in(node) == 3 and warnings
