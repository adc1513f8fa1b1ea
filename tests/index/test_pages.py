"""The HTML pages through Flask's test client, against the shared test index."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from web import create_app
from web import format as fmt

ATOM = "{http://www.w3.org/2005/Atom}"
XSS_ID = "extra/web/xss-escaping"


@pytest.fixture(scope="module")
def app(built_index: Path):
    return create_app({"INDEX": str(built_index), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def text_of(response) -> str:
    """The page as text with no-break spaces made plain, for matching Russian phrases."""
    return response.get_data(as_text=True).replace("\u00a0", " ")


def first_facet(client, kind: str, q: str = "Москва") -> str:
    """A value of the ``kind`` facet of a search, read from the page (its «add» button)."""
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    match = re.search(rf'name="do" value="add:{kind}:([^"]+)"\s+class="facet__item', page)
    assert match, f"no {kind} facet on the results page"
    return unescape(match.group(1))


# --- formatting ----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 статей"), (1, "1 статья"), (2, "2 статьи"), (4, "4 статьи"), (5, "5 статей"),
    (11, "11 статей"), (12, "12 статей"), (14, "14 статей"), (21, "21 статья"),
    (22, "22 статьи"), (25, "25 статей"), (101, "101 статья"), (111, "111 статей"),
    (1234, "1 234 статьи"),
])
def test_plurals(n: int, expected: str) -> None:
    assert fmt.count(n).replace("\u00a0", " ") == expected


def test_found_agrees_with_the_number() -> None:
    assert fmt.found(1).replace("\u00a0", " ") == "Найдена 1 статья"
    assert fmt.found(21).replace("\u00a0", " ") == "Найдена 21 статья"
    assert fmt.found(1234).replace("\u00a0", " ") == "Найдено 1 234 статьи"
    assert fmt.found(11).replace("\u00a0", " ") == "Найдено 11 статей"


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-03-05", "5 марта 2026"), ("2017-01-12", "12 января 2017"),
    ("2019-12-31", "31 декабря 2019"), ("2016-05-01", "1 мая 2016"), (None, "без даты"),
    ("", "без даты"), ("not a date", "без даты"),
])
def test_dates_in_russian(value: str | None, expected: str) -> None:
    assert fmt.ru_date(value).replace("\u00a0", " ") == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2017-01-01", "2017-12-31", "2017 год"), ("2016-01-01", "2018-12-31", "2016–2018 годы"),
    ("2017-03-01", "2017-03-31", "март 2017"), ("2017-03-05", "2017-03-05", "5 марта 2017"),
    ("2017-03-05", "2017-04-02", "с 5 марта 2017 по 2 апреля 2017"),
    ("2017-03-05", None, "с 5 марта 2017"), (None, "2017-03-05", "по 5 марта 2017"),
])
def test_date_ranges(start: str | None, end: str | None, expected: str) -> None:
    assert fmt.date_range(start, end).replace("\u00a0", " ") == expected


def test_periods_and_durations() -> None:
    assert fmt.period("2017") == "2017"
    assert fmt.period("2017-03") == "март 2017"
    assert fmt.period("2017-03-05").replace("\u00a0", " ") == "5 марта 2017"
    assert fmt.duration_ms(12.4).replace("\u00a0", " ") == "12 мс"
    assert fmt.duration_ms(0.42).replace("\u00a0", " ") == "0,4 мс"


# --- home, help, errors --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Владимир Путин", "a/b c", "100%", "ООН?", "x#y", "Тест&Co",
                                  "Кот-д’Ивуар", "a;b=c@d", "[x]", "%2F"])
@pytest.mark.parametrize("root", ["", "/muragat"])
def test_entity_links_are_what_url_for_builds(app, name: str, root: str) -> None:
    from flask import url_for

    from web.entities import entity_url

    with app.test_request_context("/", base_url=f"http://example.org{root}/"):
        for kind, param in (("persons", "person"), ("org", "org"), ("locations", "loc")):
            link = entity_url(kind, name)
            assert link == url_for("entities.entity", kind=param, name=name)
            assert link.startswith(f"{root}/entities/{param}/")


@pytest.mark.parametrize("article_id", ["meduza/2019/06/12/a", "a b", "100%", "x?y#z", "Тест&Co",
                                        "a;b=c@d", "%2F", "kz/статья 1.txt"])
@pytest.mark.parametrize("root", ["", "/muragat"])
def test_article_links_are_what_url_for_builds(app, article_id: str, root: str) -> None:
    """Also made once per page (the route's base and the search's own parameters)."""
    from flask import url_for

    from indexer.search import SearchRequest, request_params
    from web.links import Links, query_string

    req = SearchRequest(q="нефть & газ", persons=["Путин"], sort="newest", page=3)
    with app.test_request_context("/", base_url=f"http://example.org{root}/"):
        links = Links(req)
        for _ in range(2):
            assert links.article(article_id) == url_for("pages.article", id=article_id) + (
                query_string(request_params(req)))
        assert links.search(page=2) == url_for("pages.search") + query_string(
            request_params(req, page=2))


def test_home(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    page = text_of(r)
    assert 'lang="ru"' in page
    assert re.search(r'<input[^>]*name="q"[^>]*autofocus', page, re.S)
    assert 'href="/help"' in page
    assert re.search(r"В архиве <strong>\d[\d ]* стат(ья|ьи|ей)</strong>", page)
    assert "<svg" in page and "/search?from=" in page  # the per-year histogram links
    assert "5 марта 2026" in page  # the newest article (Kazpravda) among the latest
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in page
    assert 'href="/api/stats"' in page  # the JSON twin


def test_help(client) -> None:
    r = client.get("/help")
    assert r.status_code == 200
    page = text_of(r)
    for example in ("OR", "NOT", "ИЛИ", "НЕ", "голун*", "-суд", "~3", "!стали", "title:",
                    "person:", "org:", "loc:", "source:", "from", "канституция", "rjycnbnewbz",
                    "Tokayev", "!ЕС", "correct=0"):
        assert example in page, example


def test_unknown_path_is_a_russian_404(client) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert "Страница не найдена" in text_of(r)


def test_unknown_article_is_a_russian_404(client) -> None:
    r = client.get("/articles/meduza/1999/no-such-article")
    assert r.status_code == 404
    assert "Страница не найдена" in text_of(r)


def test_no_index_is_a_russian_503(tmp_path: Path) -> None:
    client = create_app({"INDEX": str(tmp_path / "missing"), "TESTING": True}).test_client()
    for url in ("/", "/search?q=Москва", "/articles/a/b", "/search.atom?q=a", "/search.csv?q=a"):
        r = client.get(url)
        assert r.status_code == 503, url
        if url != "/search.csv?q=a":
            assert "недоступ" in text_of(r) or "индекс" in text_of(r).lower(), url


# --- search ---------------------------------------------------------------------------------


def test_search_results(client) -> None:
    r = client.get("/search", query_string={"q": "Москва"})
    assert r.status_code == 200
    page = text_of(r)
    assert re.search(r"Найден[оа] \d[\d ]* стат(ья|ьи|ей) за [\d,]+ (мс|с)", page)
    assert "<mark>" in page
    assert 'href="/articles/' in page and "?q=" in page
    assert "<aside" in page and "Уточнить" in page
    assert 'href="/api/search?q=' in page  # the JSON twin
    assert "/search.atom?q=" in page and "/search.csv?q=" in page
    assert "сначала новые" in page and "сначала старые" in page
    assert re.search(r"<time datetime=\"\d{4}-\d\d-\d\d\">\d{1,2} [а-я]+ \d{4}</time>", page)


def test_search_count_plurals_on_the_page(client) -> None:
    assert "Найдена 1 статья за" in text_of(client.get("/search?q=кракозябра"))
    assert "Найдено 2 статьи за" in text_of(client.get("/search?q=муратест"))


def test_search_keeps_its_state_in_links(client) -> None:
    r = client.get("/search", query_string={"q": "Москва", "size": 5, "page": 2,
                                            "sort": "newest"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'aria-current="page">2<' in page
    links = set(re.findall(r'href="(/search\?[^"]+)"', page))
    page1 = [u for u in links if "page=" not in u and "sort=newest" in u and "size=5" in u]
    assert page1, "no link back to page 1 keeping sort and size"
    assert any("page=3" in u for u in links)


def test_page_past_the_end(client) -> None:
    r = client.get("/search", query_string={"q": "Москва", "page": 999})
    assert r.status_code == 404
    page = text_of(r)
    assert "Такой страницы нет" in page and "К первой странице" in page
    assert "К последней странице" in page
    assert "слишком длинный" not in page


def test_unknown_api_path_answers_json(client) -> None:
    r = client.get("/api/no-such-thing")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_filtered_search(client) -> None:
    person = first_facet(client, "person")
    plain = text_of(client.get("/search", query_string={"q": "Москва"}))
    r = client.get("/search", query_string={"q": "Москва", "person": person})
    assert r.status_code == 200
    page = text_of(r)
    assert "Фильтры:" in page and f"Убрать фильтр «{person}»" in page
    assert "Сбросить все" in page
    total = int(re.search(r"Найден[оа] ([\d ]+) стат", page).group(1).replace(" ", ""))
    before = int(re.search(r"Найден[оа] ([\d ]+) стат", plain).group(1).replace(" ", ""))
    assert 0 < total <= before


def test_filter_without_query_and_date_range(client) -> None:
    r = client.get("/search", query_string={"from": "2017", "to": "2017"})
    assert r.status_code == 200
    page = text_of(r)
    assert "2017 год" in page
    assert re.search(r"Найден[оа] \d", page)


def test_empty_results(client) -> None:
    r = client.get("/search", query_string={"q": "ъъъщщщзззьььь"})
    assert r.status_code == 200
    assert "Ничего не найдено" in text_of(r)
    r = client.get("/search", query_string={"q": "ъъъщщщзззьььь", "source": "Meduza"})
    assert r.status_code == 200
    assert "Искать без фильтров" in text_of(r)


def test_empty_query_goes_home(client) -> None:
    r = client.get("/search?q=")
    assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/"


@pytest.mark.parametrize("query", [
    "page=abc&q=Москва", "page=0&q=Москва", "size=100000&q=Москва", "sort=random&q=Москва",
    "undated=maybe&q=Москва", "person_mode=most&q=Москва",
])
def test_bad_parameters_are_a_russian_400(client, query: str) -> None:
    r = client.get(f"/search?{query}")
    assert r.status_code == 400
    page = text_of(r)
    assert "Ошибка в запросе" in page
    assert re.search(r"<p>[^<]*[а-яА-Я]", page)


@pytest.mark.parametrize("q", ['"незакрытая фраза', "((", "NOT", "OR OR", "person:", "-",
                               "!", '"~5', "title:(", "a" * 2000, "<script>alert(1)</script>"])
def test_odd_queries_never_break_the_page(client, q: str) -> None:
    r = client.get("/search", query_string={"q": q})
    assert r.status_code in (200, 400), q
    assert "<script>alert" not in r.get_data(as_text=True)


def test_suggestion(client) -> None:
    r = client.get("/search", query_string={"q": "Масква"})
    assert r.status_code == 200
    page = text_of(r)
    if "Возможно, вы имели в виду" in page:
        assert re.search(r"имели в виду\s+«<a href=\"/search\?q=", page)


# --- article --------------------------------------------------------------------------------


def test_article_page(client) -> None:
    r = client.get("/articles/meduza/2017/meduza-golunov-007", query_string={"q": "бюджет"})
    assert r.status_code == 200
    page = text_of(r)
    assert "Фужеры от братьев Ротенбергов" in page
    assert "12 января 2017" in page
    assert "<mark" in page
    assert "К результатам поиска «бюджет»" in page
    assert 'href="/search?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82&amp;source=Meduza"' in page
    assert 'href="/api/articles/meduza/2017/meduza-golunov-007?q=' in page  # the JSON twin


def test_article_similar_and_entities(client) -> None:
    page = text_of(client.get("/articles/meduza/2017/meduza-golunov-007"))
    assert "Похожие статьи" in page
    assert "Упомянуты в статье" in page
    assert re.search(r'name="do" value="add:(person|org|loc):', page)


def test_article_text_is_escaped(client) -> None:
    r = client.get(f"/articles/{XSS_ID}", query_string={"q": "кракозябра"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:alert" not in page  # the bad original URL is not linked
    assert '<mark id="m1">' in page


def test_results_are_escaped(client) -> None:
    page = client.get("/search", query_string={"q": "кракозябра"}).get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert "<b>источник</b>" not in page


# --- headers, feed, export ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/search?q=Москва", "/help", "/articles/" + XSS_ID,
                                 "/nope", "/search?page=x"])
def test_security_headers_and_no_inline_script(client, app, url: str) -> None:
    r = client.get(url)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]
    page = r.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
    assert not re.search(r"<[^>]*\son[a-z]+=", page), "inline event handler"
    assert not re.search(r"<[^>]*\sstyle=", page), "inline style (blocked by the CSP)"
    assert not re.search(r'<(script|link|img)[^>]*(src|href)="(https?:)?//', page), "external"
    assert not app.debug


def test_atom_feed(client) -> None:
    r = client.get("/search.atom", query_string={"q": "Москва"})
    assert r.status_code == 200
    assert r.mimetype == "application/atom+xml"
    feed = ET.fromstring(r.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        # The article's date; an undated one's indexing time (and it says so).
        updated = entry.find(f"{ATOM}updated").text
        if entry.find(f"{ATOM}published") is not None:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", updated)
        else:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", updated)
            assert "время, когда статья попала в индекс" in entry.find(f"{ATOM}summary").text
    published = [e.find(f"{ATOM}published").text for e in entries
                 if e.find(f"{ATOM}published") is not None]
    assert published == sorted(published, reverse=True)  # newest first


def test_atom_feed_escapes_text(client) -> None:
    r = client.get("/search.atom", query_string={"q": "кракозябра"})
    feed = ET.fromstring(r.data)
    (entry,) = feed.findall(f"{ATOM}entry")
    assert "<script>" in entry.find(f"{ATOM}title").text  # as text, safely escaped in XML
    assert b"<script>" not in r.data


def test_csv_export(client) -> None:
    page = text_of(client.get("/search", query_string={"q": "Москва"}))
    total = int(re.search(r"Найден[оа] ([\d ]+) стат", page).group(1).replace(" ", ""))
    r = client.get("/search.csv", query_string={"q": "Москва"})
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.data.startswith("\ufeff".encode())  # a BOM: Excel reads it as UTF-8
    text = r.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # «;»: a Russian-locale Excel
    assert rows[0] == ["permalink", "date", "source", "title", "snippet", "url", "id",
                       "persons", "organisations", "locations", "reprint_of", "missing"]
    assert len(rows) - 1 == min(total, 1000)
    assert all(len(row) == 12 for row in rows)
    ids = [row[6] for row in rows[1:]]
    assert len(set(ids)) == len(ids)
    for row in rows[1:]:
        assert row[0] == f"http://localhost/articles/{row[6]}"
        assert row[5], "the url column is filled (the original, else the permalink)"
        assert "<" not in row[4] and "&lt;" not in row[4]


def test_csv_of_a_filtered_search(client) -> None:
    r = client.get("/search.csv", query_string={"q": "муратест"})
    rows = list(csv.DictReader(io.StringIO(r.data.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row["id"] for row in rows) == ["extra/web/plural-one", "extra/web/plural-two"]
    assert {row["date"] for row in rows} == {"2021-05-01", "2021-05-02"}
    assert all("муратест" in row["snippet"].lower() for row in rows)


def test_bad_feed_and_export_parameters(client) -> None:
    assert client.get("/search.atom?q=a&page=x").status_code == 400
    assert client.get("/search.csv?q=a&sort=x").status_code == 400


# --- serving --------------------------------------------------------------------------------


def test_serve_arguments(monkeypatch) -> None:
    from web import serve

    monkeypatch.delenv("MURAGAT_PORT", raising=False)
    args = serve.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    monkeypatch.setenv("MURAGAT_PORT", "8123")
    assert serve.parse_args([]).port == 8123
    assert serve.parse_args(["--port", "9000", "--threads", "8"]).threads == 8
    assert args.workers == serve.cores() >= 1 and args.threads == 2
    assert serve.parse_args(["--workers", "3"]).workers == 3


def test_work_limits_are_told_in_russian(client) -> None:
    words = " ".join(f"слово{i}" for i in range(40))
    page = client.get("/search", query_string={"q": words})
    assert page.status_code == 200
    assert "часть его не учитывалась" in page.get_data(as_text=True)
    plain = client.get("/search", query_string={"q": "конституция"})
    assert "часть его не учитывалась" not in plain.get_data(as_text=True)
