"""Hostile queries and parameters against every search and article endpoint (hypothesis).

Whatever the query language or the URL holds — unbalanced quotes and brackets, 10,000
characters, control characters and NUL, SQL and HTML/JS payloads, huge or negative or float
numbers, repeated and unknown parameters, bytes that are not UTF-8, RTL marks, emoji,
combining marks — the answer is never a 500: the status is one of 200, 302 (the search page
redirects home when there is nothing to search), 304, 400 and 404; API errors are
``{"error": {"code", "message"}}``; HTML pages only hold our own markup (the payload is
escaped; only ``<mark>`` comes from the search layer); the Atom feed is well-formed XML.
Bounded time per request is not asserted here.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from web import create_app

EXAMPLES = 120
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
OK = {200, 302, 304, 400, 404}
SEARCH_PAGES = ("/search", "/search.atom", "/search.csv")
PARAMS = ("q", "page", "size", "sort", "from", "to", "person", "org", "loc", "source", "facets",
          "facet_size", "limit")

XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(document.cookie)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example>",
    "{{7*7}}{% raw %}",
    "</mark><script>alert(1)</script><mark>",
)
SQL = ("' OR 1=1 --", "1; DROP TABLE articles; --", "\" OR \"\"=\"", "1' UNION SELECT NULL--",
       "%' AND 1=0 --", "admin'/*")
WEIRD = (
    "\u202eанитуп\u202c", "\u200fпутин\u200e", "\u200b\u200c\u200d\ufeff", "😀👍🏽🇰🇿",
    "e\u0301\u0301\u0301",
    "й\u0306\u0306", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ｐｕｔｉｎ", "٣٤٥", "²³", "\ufffd\ufffe\uffff", "ǅ", "ﬁ", "İı",
    "\x00", "a\x00b", "\x01\x02\x1b[31m", "\x7f\x85\u2028\u2029", "\t\r\n\x0b\x0c",
)
SYNTAX = ("(", ")", '"', "'", "!", "-", "|", "~", "~3", "~-1", "~999999999999999999999", ":",
          "OR", "NOT", "AND", "or", "title:", "person:", "org:", "loc:", "source:", "body:",
          "*", "?", "\\", "/", "&", "%", "+", "=", "#", "[", "]", "{", "}", "<", ">", ";")
WORDS = ("конституция", "референдум", "Токаев", "нефть", "газ", "стали", "Казахстан", "выборы",
         "Путин", "Астана", "ёж", "а", "и", "the", "2024", "Касым-Жомарт", "Нур-Султан")
NUMBERS = ("0", "-1", "1", "2", "10", "100", "101", "9999", "10000", "10001",
           "99999999999999999999", "1.5", "-0", "+3", " 3 ", "1e3", "0x10", "1_0", "NaN", "inf",
           "", " ", "３", "٣", "²", "1,000", "true", "null")
DATES = ("2020", "2020-02", "2020-02-30", "2020-13", "0000", "9999-12-31", "1970-01-01",
         "20-1-1", "2020/01/01", "yesterday", "²⁰²⁰", "٢٠٢٠", "2020-01-01T00:00", "-2020")

token = st.one_of(
    st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.sampled_from(XSS), st.sampled_from(SQL),
    st.sampled_from(WEIRD), st.text(max_size=8),
)
# The query language's pieces put together in any order, with or without spaces.
query = st.one_of(
    st.lists(token, max_size=12).flatmap(
        lambda parts: st.sampled_from((" ", "", "  ")).map(lambda sep: sep.join(parts))),
    st.text(max_size=60),
    st.sampled_from(XSS + SQL + WEIRD),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS + SYNTAX), st.integers(1, 2000)),
    st.builds(lambda o, n: o * n + "а" + ")" * n, st.sampled_from(("(", "-(", "!(", "NOT (")),
              st.integers(1, 500)),
)
value = st.one_of(st.sampled_from(NUMBERS), st.sampled_from(DATES), query)
params = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMS), st.sampled_from(("", "x", "q[]", "__proto__")),
                        st.text(max_size=5)),
              value),
    max_size=8,
)


class _Tags(HTMLParser):
    """Start tags with their attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


@pytest.fixture(scope="module")
def client(built_index: Path) -> FlaskClient:
    """The app on the shared test index; exceptions propagate (TESTING) instead of a 500."""
    return create_app({"INDEX": str(built_index), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def article_id(client: FlaskClient) -> str:
    return client.get("/api/search?q=конституция").get_json()["hits"][0]["id"]


@pytest.fixture(scope="module")
def own_markup(client: FlaskClient, article_id: str) -> set[str]:
    """Every tag name our templates produce, from benign pages of every kind."""
    names: set[str] = set()
    for url in ("/", "/search?q=конституция", "/search?q=нефть+OR+газ&page=2",
                "/search?q=канституция", "/search?q=zzzzqqq", "/search?q=(",
                "/search?q=конституция+жираф", "/search?q=бегемот+крокодил",
                "/search?page=0&q=a", f"/articles/{article_id}?q=конституция", "/nowhere"):
        names |= {tag for tag, _ in _tags(client.get(url).get_data(as_text=True))}
    assert {"mark", "a", "form"} <= names
    return names


def _check(response: TestResponse, url: str, own_markup: set[str], payloads: list[str]) -> None:
    """The invariants of every answer."""
    status = response.status_code
    assert status in OK, f"{status} for {url!r}"
    body = response.get_data(as_text=True)
    if url.startswith("/api/"):
        assert response.mimetype == "application/json", url
        data = response.get_json()
        if status >= 400:
            error = data["error"]
            assert isinstance(error["code"], str) and error["code"], url
            assert isinstance(error["message"], str) and error["message"], url
        elif status == 200:
            for hit in data.get("hits", []):
                _check_html_fragment(hit["title_html"] + hit["snippet_html"])
            if "body_html" in data:
                _check_html_fragment(data["title_html"] + data["body_html"], ("mark", "p"))
    elif response.mimetype == "text/html":
        _check_page(body, own_markup, payloads)
    elif response.mimetype == "application/atom+xml":
        ET.fromstring(response.data)  # well-formed, whatever the query held
    elif response.mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
        assert rows[0][0] == "permalink"
        assert all(len(row) == len(rows[0]) for row in rows), url
    else:
        assert status in (302, 304), (status, response.mimetype, url)


def _check_page(body: str, own_markup: set[str], payloads: list[str]) -> None:
    """Only our tags, no event handler or javascript: URL, no payload left raw."""
    for tag, attrs in _tags(body):
        assert tag in own_markup, f"foreign tag <{tag}>"
        for name, val in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            assert not (val or "").strip().lower().startswith("javascript:"), (tag, name, val)
    for payload in payloads:
        for attack in XSS:
            # A payload that escaping leaves as it is (a template's «{{7*7}}») is rightly shown
            # as typed; ``test_template_syntax_is_shown_as_typed`` checks it is not evaluated.
            if attack in payload and _ESCAPED.search(attack):
                assert attack not in body, f"raw {attack!r} in the page"


_ESCAPED = re.compile(r"[<>&\"']")


def test_template_syntax_is_shown_as_typed(client) -> None:
    """Jinja never evaluates what a user typed: «{{7*7}}» is shown, not «49»."""
    body = client.get("/search", query_string={"q": "{{7*7}}{% raw %} жираф"}).get_data(
        as_text=True)
    assert "{{7*7}}{% raw %} жираф" in body
    assert "49{%" not in body and ">49<" not in body


def _check_html_fragment(fragment: str, tags: tuple[str, ...] = ("mark",)) -> None:
    """A title, snippet or body of the API: escaped text; only ``tags`` are markup."""
    own = "|".join(tags)
    assert not re.search(rf"<(?!/?(?:{own})>)", fragment), fragment[:200]


def _get(client: FlaskClient, path: str, pairs: list[tuple[str, str]]) -> TestResponse:
    return client.get(path, query_string=pairs)


@SETTINGS
@given(q=query)
def test_any_query_on_every_search_endpoint(client: FlaskClient, own_markup: set[str],
                                            article_id: str, q: str) -> None:
    for path in ("/api/search", *SEARCH_PAGES, f"/articles/{article_id}",
                 f"/api/articles/{article_id}"):
        _check(_get(client, path, [("q", q)]), path, own_markup, [q])


@SETTINGS
@given(pairs=params)
def test_any_parameters_on_every_endpoint(client: FlaskClient, own_markup: set[str],
                                          article_id: str, pairs: list[tuple[str, str]]) -> None:
    payloads = [v for _, v in pairs] + [k for k, _ in pairs]
    for path in ("/api/search", *SEARCH_PAGES, f"/articles/{article_id}",
                 f"/api/articles/{article_id}", f"/api/articles/{article_id}/similar"):
        _check(_get(client, path, pairs), path, own_markup, payloads)


@SETTINGS
@given(raw=st.lists(st.one_of(
    st.sampled_from(("%FF", "%FE", "%C0%AF", "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%E2%82",
                     "%00", "%", "%G1", "%%", "&", "=", "==", ";", "+", "%2B", "%26q%3D")),
    st.text(alphabet="aб1 (\")", max_size=3)), max_size=10),
    key=st.sampled_from(PARAMS))
def test_query_strings_that_are_not_utf8(client: FlaskClient, own_markup: set[str],
                                         article_id: str, raw: list[str], key: str) -> None:
    """Percent-escapes of bytes that are no UTF-8 (surrogates, overlongs, cut sequences)."""
    qs = f"{key}=" + "".join(quote(p, safe="%&=;+") if "%" not in p else p for p in raw)
    for path in ("/api/search", *SEARCH_PAGES, f"/api/articles/{article_id}/similar"):
        _check(client.get(path, query_string=qs), path, own_markup, [])


@SETTINGS
@given(id=st.one_of(query, st.sampled_from(("..", "../..", "../../etc/passwd", "%00", "a/../b",
                                            "kazpravda/", "/", "//", "a" * 5000))))
def test_any_article_id(client: FlaskClient, own_markup: set[str], id: str) -> None:
    path = quote(id, safe="")
    for prefix, suffix in (("/articles/", ""), ("/api/articles/", ""),
                           ("/api/articles/", "/similar")):
        url = f"{prefix}{path}{suffix}"
        response = client.get(url)
        assert response.status_code in {200, 308, 404}, (response.status_code, url)
        if response.status_code != 308:  # "a/" and "//": werkzeug's slash merge redirect
            _check(response, url, own_markup, [id])


@pytest.mark.parametrize("pairs", [
    [("q", "x" * 10_000)],
    [("q", "конституция " * 800)],
    [("q", "(" * 300 + "а" + ")" * 300)],
    [("q", "-(" * 300 + "а")],
    [("q", "\x00" * 500)],
    [("page", "10000"), ("size", "100"), ("q", "и")],
    [("page", "10001")], [("size", "-5")], [("size", "2.5")], [("size", "")], [("page", "")],
    [("q", "а"), ("q", "б"), ("page", "1"), ("page", "2"), ("size", "1"), ("size", "x")],
    [("person", "x" * 10_000), ("source", "<script>alert(1)</script>")],
    [("from", "2030"), ("to", "2000")], [("from", "9999-12-31"), ("to", "9999")],
    [("facet_size", "0")], [("facet_size", "201")], [("limit", "²")], [("limit", "0")],
    [("utm_source", "x"), ("callback", "alert(1)"), ("q", '"><img src=x onerror=alert(1)>')],
], ids=lambda pairs: "&".join(k for k, _ in pairs)[:40])
def test_known_hostile_requests(client: FlaskClient, own_markup: set[str], article_id: str,
                                pairs: list[tuple[str, str]]) -> None:
    payloads = [v for _, v in pairs]
    for path in ("/api/search", *SEARCH_PAGES, f"/articles/{article_id}",
                 f"/api/articles/{article_id}", f"/api/articles/{article_id}/similar"):
        _check(_get(client, path, pairs), path, own_markup, payloads)


def test_page_escapes_the_query_it_echoes(client: FlaskClient) -> None:
    """The query box and the 400 page show the payload as text, escaped."""
    payload = '"><img src=x onerror=alert(1)>'
    for url_q in (payload, payload + " " + "(" * 300 + "а"):
        r = client.get("/search", query_string={"q": url_q})
        body = r.get_data(as_text=True)
        assert payload not in body
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    r = client.get("/search", query_string={"q": "<b>" * 3_000})
    assert r.status_code == 400 and "длиннее 1000 символов" in r.get_data(as_text=True)
    assert "<b>" not in r.get_data(as_text=True)
