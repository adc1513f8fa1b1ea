"""The search page for daily work, through the real app on the shared test index: state kept
by every link, honest dates, facets that combine and scale, reprints grouped.
(In a real browser: tests/system/test_search_page_browser.py.)"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from web import create_app

REPRINTS = ["extra/reprints/agency", "extra/reprints/evening", "extra/reprints/weekly"]


@pytest.fixture(scope="module")
def client(built_index: Path):
    return create_app({"INDEX": str(built_index), "TESTING": True}).test_client()


def api(client, **params) -> dict:
    r = client.get("/api/search", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def ids(client, **params) -> set[str]:
    return {h["id"] for h in api(client, size=100, collapse=0, **params)["hits"]}


def text(r) -> str:
    """The page with its white space made single plain spaces."""
    return " ".join(r.get_data(as_text=True).replace("\u00a0", " ").split())


def links(page: str, prefix: str) -> list[str]:
    return [unescape(u) for u in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def two_persons(client) -> tuple[str, str]:
    """Two persons named together in some article of the test archive."""
    for hit in api(client, size=100, collapse=0)["hits"]:
        if len(hit["persons"]) >= 2:
            return hit["persons"][0], hit["persons"][1]
    pytest.fail("no article of the test archive names two persons")


# --- 1. state that survives -----------------------------------------------------------------

STATE = {"q": "Москва", "sort": "newest", "from": "2016", "to": "2019", "size": "5",
         "page": "2"}


def test_every_link_of_a_results_page_keeps_the_state(client) -> None:
    r = client.get("/search", query_string=STATE)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    articles = links(page, "/articles/")
    assert len(articles) == 5
    for url in articles:
        state = query(url)
        assert state["q"] == ["Москва"] and state["sort"] == ["newest"]
        assert state["from"] == ["2016-01-01"] and state["to"] == ["2019-12-31"]
        assert state["page"] == ["2"] and state["size"] == ["5"]
    for url in links(page, "/search?"):
        state = query(url)
        assert state["q"] == ["Москва"], url
        assert "size" in state, url
    # The form every per-value button submits holds the state once.
    form = re.search(r'<form id="state".*?</form>', page, re.S).group(0)
    assert 'name="q" value="Москва"' in form and 'name="sort" value="newest"' in form


def test_the_article_page_leads_back_to_the_very_results(client) -> None:
    results = client.get("/search", query_string=STATE).get_data(as_text=True)
    article_url = links(results, "/articles/")[0]
    page = client.get(article_url).get_data(as_text=True)
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)"', page).group(1))
    assert query(back) == {k: [v] for k, v in STATE.items()} | {
        "from": ["2016-01-01"], "to": ["2019-12-31"]}
    assert "страница 2" in page
    for url in links(page, "/articles/"):  # similar articles keep it too
        assert query(url)["page"] == ["2"] and query(url)["q"] == ["Москва"]


def test_links_grow_linearly_with_filter_values(client) -> None:
    """Every per-value control names only its own value: 400 values do not give a page of
    400 × 400 values (23.8 MB before)."""
    def size(n: int) -> int:
        values = [f"Персона номер {i}" for i in range(n)]
        r = client.get("/search", query_string={"q": "Москва", "person": values})
        assert r.status_code == 200
        return len(r.data)

    small, large = size(50), size(400)
    assert large < 3_000_000
    assert (large - size(0)) / (small - size(0)) < 12  # linear: 8 × the values, not 64 ×


# --- 2, 3. honest dates, a readable histogram ------------------------------------------------


def test_undated_articles_are_counted(client) -> None:
    everything = api(client, facet_size=1)
    dated = sum(b["count"] for b in everything["facets"]["dates"])
    assert everything["undated"] > 0
    assert dated + everything["undated"] == everything["total"]
    only = api(client, undated="only", size=100)
    assert only["total"] == everything["undated"]
    assert all(h["date"] is None for h in only["hits"])
    home = text(client.get("/")).replace(" ", "")
    assert f">{everything['undated']}бездаты</a>" in home  # the overview says it
    assert f'histogram__undated-count">{everything["undated"]}<' in home  # its own bar


def test_a_date_filter_says_how_many_undated_it_leaves_out(client) -> None:
    plain = api(client, q="Москва")
    ranged = api(client, q="Москва", **{"from": "2010"})
    assert ranged["undated_left_out"] == plain["undated"] > 0
    assert ranged["undated"] == 0
    included = api(client, q="Москва", undated="include", **{"from": "2010"})
    assert included["total"] == ranged["total"] + plain["undated"]
    page = text(client.get("/search", query_string={"q": "Москва", "from": "2010"}))
    assert f"не включает {plain['undated']} статью без даты" in page
    include = links(page, "/search?")
    assert any(query(u).get("undated") == ["include"] for u in include)


def test_typed_dates_on_the_page_and_in_the_api(client) -> None:
    iso = api(client, **{"from": "2016-06-19", "to": "2019-12"})
    typed = api(client, **{"from": "19.06.2016", "to": "12.2019"})
    assert typed["total"] == iso["total"] > 0
    page = text(client.get("/search", query_string={"q": "Москва", "from": "19.06.2017"}))
    assert 'value="19.06.2017"' in page and "с 19 июня 2017" in page


def test_a_bad_date_keeps_the_results_and_explains_the_field(client) -> None:
    plain = api(client, q="Москва")
    r = client.get("/search", query_string={"q": "Москва", "from": "31.02.2019"})
    assert r.status_code == 200
    page = text(r)
    assert "Поле «с даты»: «31.02.2019» — не дата" in page
    assert 'aria-invalid="true"' in page and 'value="31.02.2019"' in page
    assert f"Найдено {plain['total']} стат" in page
    bad = client.get("/api/search", query_string={"q": "Москва", "from": "31.02.2019"})
    assert bad.status_code == 400 and "from" in bad.get_json()["error"]["message"]


def test_histogram_drills_down_from_year_to_day(client) -> None:
    page = client.get("/search", query_string={"q": "Москва"}).get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)" class="histogram__link', page)
    assert bars, "the histogram has bars"
    year = unescape(bars[-1])
    assert re.fullmatch(r"\d{4}-01-01", query(year)["from"][0])
    assert query(year)["to"][0].endswith("-12-31")
    result = api(client, **{k: v[0] for k, v in query(year).items()})
    assert result["date_granularity"] == "month" and len(result["facets"]["dates"]) == 12
    months = re.findall(r'<a href="([^"]+)" class="histogram__link',
                        client.get(year).get_data(as_text=True))
    month = unescape(months[0])
    assert query(month)["from"][0].endswith("-01")
    days = api(client, **{k: v[0] for k, v in query(month).items()})
    assert days["date_granularity"] == "day"
    assert sum(b["count"] for b in days["facets"]["dates"]) == days["total"]
    month_page = text(client.get(month))
    assert "↑ " + query(month)["from"][0][:4] + " год" in month_page  # the way up
    assert "histogram__list" in month_page  # bars with their counts, for touch screens


# --- 4. facets that scale ---------------------------------------------------------------------


def test_two_persons_any_or_all_and_exclusion(client) -> None:
    a, b = two_persons(client)
    with_a, with_b = ids(client, person=a), ids(client, person=b)
    assert ids(client, person=[a, b]) == with_a | with_b
    assert ids(client, person=[a, b], person_mode="all") == with_a & with_b
    assert ids(client, person=a, not_person=b) == with_a - with_b
    page = text(client.get("/search", query_string={"person": [a, b], "person_mode": "all"}))
    assert re.search(r'filter-group__op">и<', page) and "упоминаются все" in page
    page = text(client.get("/search", query_string={"person": [a, b]}))
    assert re.search(r'filter-group__op">или<', page) and "хотя бы одно из них" in page
    page = text(client.get("/search", query_string={"person": a, "not_person": b}))
    assert "кроме" in page and f"Больше не исключать «{b}»" in page


def test_show_all_values_and_find_one(client) -> None:
    result = api(client, q="Москва", facet_size=3)
    total = result["facet_totals"]["persons"]
    assert total > 3
    page = text(client.get("/search/values/persons", query_string={"q": "Москва"}))
    assert f"Всего {total} " in page
    assert page.count('class="facet__row"') == total
    name = result["facets"]["persons"][0]["value"]
    part = name.split()[-1][1:5].upper()
    found = text(client.get("/search/values/persons", query_string={"q": "Москва",
                                                                    "fq": part}))
    assert name in found and f"Содержат «{part}»" in found
    assert found.count('class="facet__row"') < total
    assert client.get("/search/values/nobody").status_code == 404


def test_sources_by_the_name_the_page_shows(client) -> None:
    meduza = ids(client, source="Meduza")
    assert meduza and ids(client, source="meduza") == meduza
    assert ids(client, q="source:Meduza") == meduza == ids(client, q="source:MEDUZA")
    assert ids(client, not_source="Meduza").isdisjoint(meduza)


# --- 6. reprints ------------------------------------------------------------------------------


def test_reprints_are_one_hit_and_still_counted(client) -> None:
    grouped = api(client, q="пингвин королевский")
    # Four full matches, two entries; the partial ones (a word missing) come after them.
    assert grouped["total"] == 4 and grouped["entries"] == 2 + grouped["partial"]
    assert [bool(h["missing"]) for h in grouped["hits"]] == [False] * 2 + [True] * (
        grouped["partial"])
    head = next(h for h in grouped["hits"] if h["reprints"])
    assert head["id"] == REPRINTS[0]  # the earliest
    assert [r["id"] for r in head["reprints"]] == REPRINTS[1:]
    sources = {f["value"]: f["count"] for f in grouped["facets"]["sources"]}
    assert {k: sources[k] for k in ("Вечерний Тестоград", "Агентство Тестовых Новостей",
                                    "Тестоградская неделя")} == {
        "Вечерний Тестоград": 2, "Агентство Тестовых Новостей": 1, "Тестоградская неделя": 1}
    assert sum(sources.values()) == grouped["total"] + grouped["partial"]  # articles, not hits
    apart = api(client, q="пингвин королевский", collapse=0)
    assert apart["total"] + apart["partial"] == apart["entries"] == 4 + grouped["partial"]
    assert {h["reprint_of"] for h in apart["hits"]} == {None, REPRINTS[0]}
    article = client.get(f"/api/articles/{REPRINTS[1]}").get_json()
    assert [r["id"] for r in article["reprints"]] == REPRINTS
    assert [r["this"] for r in article["reprints"]] == [False, True, False]


def test_reprints_on_the_pages(client) -> None:
    page = text(client.get("/search", query_string={"q": "пингвин королевский"}))
    assert "ещё 2 перепечатки" in page and "показать каждую" in page
    assert "Найдено 4 статьи" in page
    article = text(client.get(f"/articles/{REPRINTS[2]}"))
    assert "Перепечатка: впервые опубликовано 10 марта 2020" in article
    assert "(эта статья)" in article
    similar = client.get(f"/api/articles/{REPRINTS[0]}/similar").get_json()["hits"]
    assert not {h["id"] for h in similar} & set(REPRINTS)  # listed apart, not as similar


def test_no_such_page(client) -> None:
    total = api(client, q="Москва")["pages"]
    r = client.get("/search", query_string={"q": "Москва", "page": total + 1})
    assert r.status_code == 404
    page = text(r)
    assert "Такой страницы нет" in page and "слишком длинный" not in page
