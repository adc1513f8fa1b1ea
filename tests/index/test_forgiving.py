"""Search that forgives, over the real test index: the query language's operators and
truncation, function words, partial matches, typos, keyboard layout, script and other names;
the API fields, the page's notices, Atom, CSV and the command line."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from indexer.cli import main
from indexer.search import (
    Searcher,
    SearchRequest,
    expansion,
    parse_request,
    request_params,
    spelling,
)
from indexer.search import rewrite as rewrite_module
from indexer.search.function_words import is_function_word
from indexer.search.query import And, Not, Or, Prefix, Text, parse, parse_bounded, plain_tokens
from web import create_app

SEARCH = "extra/search/"
CONSTITUTION = SEARCH + "constitution"
CLOSE, FAR, TITLE_ONLY = SEARCH + "giraffe-close", SEARCH + "giraffe-far", SEARCH + "giraffe-title"
STEEL = SEARCH + "steel"
EU_UNION, EU_SHORT, EU_ABBR = (f"extra/forgiving/eu-{n}" for n in ("union", "short", "abbr"))
GOOGLE = "extra/forgiving/google"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def searcher(built_index: Path) -> Searcher:
    return Searcher(built_index)


@pytest.fixture(scope="module")
def client(built_index: Path):
    return create_app({"INDEX": str(built_index), "TESTING": True}).test_client()


def search(searcher: Searcher, q: str, **kw):
    return searcher.search(SearchRequest(q=q, size=kw.pop("size", 100), **kw))


def full(result) -> list[str]:
    return [h.id for h in result.hits if not h.missing]


def partial(result) -> dict[str, list[str]]:
    return {h.id: h.missing for h in result.hits if h.missing}


# The query language


def test_russian_and_lower_case_operators_parse() -> None:
    assert parse("Голунов НЕ Навальный") == And([Text(["голунов"], [0]),
                                                Not(Text(["навальный"], [0]))])
    assert parse("нефть ИЛИ газ") == parse("нефть OR газ") == parse("нефть or газ") == Or(
        [Text(["нефть"], [0]), Text(["газ"], [0])])
    assert parse("нефть И газ") == parse("нефть газ")
    # Lower-case «и», «не» are words; «or» not between two operands is a word too.
    assert parse("нефть и газ") == And([Text([w], [0]) for w in ("нефть", "и", "газ")])
    assert parse("не нефть") == And([Text(["не"], [0]), Text(["нефть"], [0])])
    assert parse("or нефть") == And([Text(["or"], [0]), Text(["нефть"], [0])])


def test_truncation_parses_as_a_prefix() -> None:
    assert parse("голун*") == Prefix("голун")
    assert parse("title:голун* !нур*") == And([Prefix("голун", "title"), Prefix("нур")])
    node, warnings = parse_bounded("го*")
    assert node == Text(["го"], [0]) and "at least 3 letters" in warnings[0]


def test_plain_tokens_leave_out_what_stays_strict() -> None:
    q = 'канституция -путин НЕ навальный title:выборы "новая конституция" !стали голун* ИЛИ газ'
    assert [q[a:b] for a, b in plain_tokens(q)] == ["канституция", "газ"]


def test_operators_on_the_index(searcher: Searcher) -> None:
    assert full(search(searcher, "жираф НЕ вертолет")) == [TITLE_ONLY]
    assert set(full(search(searcher, "жираф ИЛИ сталь"))) == set(full(
        search(searcher, "жираф or сталь"))) >= {CLOSE, FAR, TITLE_ONLY, STEEL}
    assert set(full(search(searcher, "вертолет И жираф"))) == {CLOSE, FAR}


def test_truncation_matches_every_word_it_starts(searcher: Searcher, monkeypatch) -> None:
    result = search(searcher, "жира*")
    assert {CLOSE, FAR, TITLE_ONLY} <= set(full(result)) and not result.warnings
    assert any("<mark>Жирафа</mark>" in h.snippet_html for h in result.hits)
    monkeypatch.setattr(expansion, "MAX_EXPANSIONS", 1)
    cut = search(searcher, "жира*")
    assert any("only the 1 most frequent" in w for w in cut.warnings)
    assert 0 < cut.total < result.total


# Function and question words


def test_function_words_come_from_the_stop_list_less_content_words() -> None:
    for word in ("почему", "когда", "как", "где", "что", "зачем", "сколько", "ли", "же", "бы",
                 "и", "в", "на", "о", "какой"):
        assert is_function_word(word), word
    for word in ("год", "человек", "сказал", "два", "жираф", "сейчас", "сегодня"):
        assert not is_function_word(word), word


def test_question_words_never_exclude(searcher: Searcher) -> None:
    plain = search(searcher, "перевезли жирафа вертолетом")
    asked = search(searcher, "почему и когда перевезли жирафа вертолетом")
    assert full(asked) == full(plain) == [CLOSE]
    assert partial(asked) == partial(plain) and asked.optional == ["почему", "и", "когда"]
    # In quotes they are strict: no article has «почему перевезли».
    assert search(searcher, '"почему перевезли" жирафа').total == 0


def test_a_query_of_function_words_only_needs_them(searcher: Searcher) -> None:
    result = search(searcher, "что где когда")
    assert result.optional == [] and result.partial == 0 and result.total > 0


# Partial matches


def test_partial_matches_follow_full_ones_with_their_missing_word(searcher: Searcher) -> None:
    result = search(searcher, "жираф вертолет бегемот")
    assert result.total == 0 and result.partial >= 2
    assert partial(result)[CLOSE] == ["бегемот"] and partial(result)[FAR] == ["бегемот"]
    # The better partial match (the words close together) comes first.
    assert [h.id for h in result.hits][:2] == [CLOSE, FAR]


def test_partial_matches_rank_by_share_of_the_query(searcher: Searcher) -> None:
    result = search(searcher, "жираф программы вертолет")
    assert result.total == 0 and {CLOSE, FAR, TITLE_ONLY} <= set(partial(result))
    # Lacking a frequent word holds more of the query (by IDF) than lacking a rare one: the
    # articles go by the frequency of the word they lack, the most frequent first.
    lacking = [search(searcher, h.missing[0]).total for h in result.hits]
    assert lacking == sorted(lacking, reverse=True) and len(set(lacking)) > 1


def test_full_matches_come_before_partial_ones(searcher: Searcher) -> None:
    result = search(searcher, "жираф вертолет цирке")
    assert result.total == 0
    result = search(searcher, "жираф вертолет")
    ids = [h.id for h in result.hits]
    assert ids[:result.total] == full(result) and set(full(result)) >= {CLOSE, FAR}
    assert all(h.missing for h in result.hits[result.total:])


def test_a_full_first_page_shows_no_partial_matches(searcher: Searcher) -> None:
    assert search(searcher, "жираф вертолет", size=2).partial == 0
    assert search(searcher, "жираф вертолет", size=3).partial > 0


def test_strict_clauses_hold_in_every_tier(searcher: Searcher) -> None:
    # NOT, a field prefix, a quoted word, !word: every partial match keeps them.
    assert {CLOSE, FAR, TITLE_ONLY} <= set(partial(search(searcher, "жираф бегемот")))
    result = search(searcher, "жираф -зоопарк бегемот")
    assert set(partial(result)) == {TITLE_ONLY}  # the others mention the zoo
    result = search(searcher, "title:жираф цирке бегемот")
    assert set(partial(result)) == {TITLE_ONLY}
    result = search(searcher, '"вертолетом" жираф бегемот')  # in quotes: any form, required
    assert set(partial(result)) == {CLOSE, FAR}
    result = search(searcher, "!вертолет жираф бегемот")  # «вертолётом» is not «вертолёт»
    assert set(partial(result)) == {FAR}


def test_five_words_may_miss_two(searcher: Searcher) -> None:
    result = search(searcher, "жираф вертолет зоопарк бегемот крокодил")
    assert result.total == 0 and partial(result)[CLOSE] == ["бегемот", "крокодил"]
    four = search(searcher, "жираф вертолет бегемот крокодил")
    assert CLOSE not in partial(four)


def test_paging_runs_on_into_partial_matches(searcher: Searcher) -> None:
    everything = search(searcher, "работники зоопарка жираф вертолет")
    pages = [searcher.search(SearchRequest(q="работники зоопарка жираф вертолет", size=2,
                                           page=p, fill=100)) for p in (1, 2, 3)]
    assert [h.id for p in pages for h in p.hits] == [h.id for h in everything.hits][:6]


# Typos


def test_an_unknown_word_is_corrected_in_the_form_typed(searcher: Searcher) -> None:
    # The index has «Конституции»: the correction takes the form of its lexeme typed.
    result = search(searcher, "канституция референдум")
    assert result.corrected == "конституция референдум"
    assert [c.to_json() for c in result.corrections] == [
        {"from": "канституция", "to": "конституция", "reason": "typo"}]
    assert CONSTITUTION in full(result) and result.suggestion is None


def test_a_dictionary_word_the_archive_lacks_is_no_typo(searcher: Searcher) -> None:
    result = search(searcher, "жираф крокодил")
    assert result.corrections == [] and partial(result)[CLOSE] == ["крокодил"]


def test_search_exactly_as_typed_suggests_instead(searcher: Searcher) -> None:
    result = search(searcher, "канституция референдум", correct=False)
    assert result.corrected is None and result.corrections == []
    assert result.total == 0 and result.suggestion == "конституция референдум"
    assert CONSTITUTION in partial(result)


def test_a_rare_known_word_is_only_suggested(searcher: Searcher, monkeypatch) -> None:
    # «рефирендум» is in one article (a typo of the archive); «референдум» in more.
    monkeypatch.setattr(spelling, "RATIO", 1)
    result = search(searcher, "рефирендум")
    assert result.corrected is None and full(result) == ["extra/forgiving/misspelt"]
    assert result.suggestion and result.suggestion.startswith("референдум")


def test_a_clean_query_is_not_corrected(searcher: Searcher) -> None:
    result = search(searcher, "жираф вертолет", size=2)
    assert result.corrected is None and result.corrections == [] and result.suggestion is None


def test_corrections_are_bounded(searcher: Searcher) -> None:
    words = " ".join(f"ыфвапр{chr(0x430 + i)}олдж" for i in range(20))
    result = search(searcher, words)
    assert len(result.corrections) <= rewrite_module.MAX_CORRECTED


# Keyboard layout and script


@pytest.mark.parametrize(("typed", "meant", "found"), [
    (";bhfa dthnjktn", "жираф вертолет", CLOSE),  # «;» is the key of «ж»
    ("пщщпду", "google", GOOGLE),
])
def test_wrong_keyboard_layout_is_switched(searcher: Searcher, typed, meant, found) -> None:
    result = search(searcher, typed)
    assert result.corrected == meant and found in full(result)
    assert {c.reason for c in result.corrections} == {"layout"}


def test_latin_name_is_searched_in_cyrillic(searcher: Searcher) -> None:
    result = search(searcher, "Tokayev")
    assert result.corrected == "Токаев" and result.total > 0
    assert result.corrections[0].reason == "transliteration"
    assert search(searcher, "Google").corrected is None  # the index knows it as typed


# Other names


def test_an_abbreviation_meets_its_full_names(searcher: Searcher) -> None:
    result = search(searcher, "ЕС санкции")
    assert {EU_UNION, EU_SHORT, EU_ABBR} <= set(full(result))
    assert result.corrected is None  # added, not replaced
    assert {(c.replacement, c.reason) for c in result.corrections} == {
        ("Евросоюз", "abbreviation"), ("Европейский союз", "abbreviation")}
    inflected = search(searcher, "Европейского союза санкции")
    assert {EU_UNION, EU_SHORT, EU_ABBR} <= set(full(inflected))
    assert full(search(searcher, "!ЕС санкции")) == [EU_ABBR]
    assert search(searcher, "ЕС санкции", correct=False).corrections == []


# The API, the pages, Atom, CSV and the command line


def test_api_reports_what_was_searched(client) -> None:
    data = client.get("/api/search?q=канституция+жираф").get_json()
    assert data["query"] == "канституция жираф" and data["corrected_query"] == "конституция жираф"
    assert data["corrections"] == [{"from": "канституция", "to": "конституция", "reason": "typo"}]
    assert data["total"] == 0 and data["partial"] == len(data["hits"]) > 0
    assert all(h["missing"] in (["конституция"], ["жираф"]) for h in data["hits"])
    exact = client.get("/api/search?q=канституция&correct=0").get_json()
    assert exact["corrected_query"] is None and exact["suggestion"] == "конституция"
    assert client.get("/api/search?q=x&correct=2").status_code == 400


def test_request_round_trip_keeps_correct_off() -> None:
    req = parse_request({"q": "канституция", "correct": "0", "sort": "newest"})
    assert not req.correct
    assert ("correct", "0") in request_params(req)
    assert parse_request(dict(request_params(req))) == req


def test_page_notice_of_a_correction_keeps_the_url_state(client) -> None:
    page = client.get("/search", query_string={"q": "канституция", "sort": "newest",
                                               "source": "Вестник Теста"}).get_data(as_text=True)
    notice = re.search(r'<p class="[^"]*notice--corrected[^"]*"[^>]*>(.*?)</p>', page, re.S)
    assert notice, page
    text = re.sub(r"<[^>]+>", "", notice.group(1))
    assert text == "Показаны результаты по запросу «конституция». Искать только «канституция»"
    links = [parse_qs(urlsplit(h.replace("&amp;", "&")).query)
             for h in re.findall(r'href="([^"]+)"', notice.group(1))]
    assert links[0] == {"q": ["конституция"], "sort": ["newest"], "source": ["Вестник Теста"]}
    assert links[1] == {"q": ["канституция"], "sort": ["newest"], "source": ["Вестник Теста"],
                        "correct": ["0"]}
    exact = client.get("/search?" + urlsplit(re.findall(r'href="([^"]+)"', notice.group(1))[1]
                                             .replace("&amp;", "&")).query).get_data(as_text=True)
    assert "notice--corrected" not in exact and "Возможно, вы имели в виду" in exact


def test_page_strikes_out_missing_words(client) -> None:
    page = client.get("/search", query_string={"q": "жираф вертолет бегемот"}).get_data(
        as_text=True)
    assert "Статей со всеми словами запроса нет" in page
    assert page.count('<p class="hit__missing">Нет: <s>бегемот</s>') >= 2
    must = re.search(r'<a href="([^"]+)">Обязательно «бегемот»</a>', page)
    assert must and parse_qs(urlsplit(must.group(1).replace("&amp;", "&")).query)["q"] == [
        'жираф вертолет "бегемот"']
    required = client.get(must.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Ничего не найдено" in required


def test_empty_page_says_what_was_tried(client) -> None:
    page = client.get("/search", query_string={"q": "почему бегемот крокодил"}).get_data(
        as_text=True).replace("\u00a0", " ")
    tried = re.search(r'<ul class="empty__tried">(.*?)</ul>', page, re.S)
    assert tried, page
    text = re.sub(r"<[^>]+>", "", tried.group(1))
    assert "Искали «почему бегемот крокодил»" in text
    assert "Слова «почему» не были обязательными" in text
    assert "где нет одного из слов запроса — таких тоже нет" in text


def test_atom_and_csv_list_the_same_results_as_the_page(client) -> None:
    q = {"q": "жираф вертолет бегемот"}
    page = client.get("/api/search", query_string=q).get_json()
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv", query_string=q)
                                           .get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert [r["id"] for r in rows] == [h["id"] for h in page["hits"]]
    assert {r["missing"] for r in rows} == {"бегемот"}
    feed = ET.fromstring(client.get("/search.atom", query_string=q).get_data())
    summaries = [e.findtext(f"{ATOM}summary") for e in feed.iter(f"{ATOM}entry")]
    assert len(summaries) == len(page["hits"]) and all(
        s.startswith("Нет: бегемот.") for s in summaries)


def test_cli_prints_the_correction_and_missing_words(built_index: Path) -> None:
    result = CliRunner().invoke(main, ["search", "канституция", "жираф", "--index",
                                       str(built_index)])
    assert result.exit_code == 0, result.output
    assert "0 found (and" in result.output
    assert "searched for: конституция жираф" in result.output
    assert "канституция → конституция (typo)" in result.output
    assert "missing: жираф" in result.output or "missing: конституция" in result.output
    exact = CliRunner().invoke(main, ["search", "канституция", "--exact", "--json", "--index",
                                      str(built_index)])
    assert json.loads(exact.output)["corrected_query"] is None
