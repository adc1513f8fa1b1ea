"""Edge cases of dates, caching and feeds, each a reproduction from issue 14.

A small index of articles dated at the ends of what a date can be (year 1, 1969-12-31 — the day
before the epoch —, year 9999) served by the real app.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.build import rebuild
from web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
DATED = {"eve": "1969-12-31", "first": "0001-01-01", "last": "9999-12-31", "now": "2024-05-01"}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("edges")
    archive = root / "archive"
    archive.mkdir()
    for name, date in DATED.items():
        (archive / f"{name}.txt").write_text(
            f"date {date}\ntitle Заметка {name}\n\nМажилис обсудил бюджет, заметка {name}.\n",
            encoding="utf-8")
    (archive / "undated.txt").write_text("Мажилис обсудил бюджет без даты.\n", encoding="utf-8")
    index = root / "instance" / "index"
    rebuild(archive, index, workers=1, entities=False)
    return index


@pytest.fixture(scope="module")
def client(index: Path):
    return create_app({"INDEX": str(index)}).test_client()


def api(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def test_a_period_up_to_year_9999_is_not_a_server_error(client) -> None:
    """/search?q=x&from=2000&to=9999 was a 500: «to» + one day overflowed the date type."""
    page = client.get("/search", query_string={"q": "бюджет", "from": "2000", "to": "9999"})
    assert page.status_code == 200
    assert "2000–9999" in page.get_data(as_text=True)
    found = api(client, q="бюджет", **{"from": "2000", "to": "9999"})
    assert {h["id"] for h in found["hits"]} == {"now", "last"}
    assert client.get("/search?q=x&from=0001&to=9999").status_code == 200


def test_the_day_before_the_epoch_is_a_date(client) -> None:
    """1969-12-31 is day −1, which was also the «no date» marker: it read as undated."""
    found = api(client, q="бюджет", **{"from": "1969-12-31", "to": "1969-12-31"})
    assert [(h["id"], h["date"]) for h in found["hits"]] == [("eve", "1969-12-31")]
    oldest = api(client, q="бюджет", sort="oldest")
    assert [h["id"] for h in oldest["hits"]] == ["first", "eve", "now", "last", "undated"]
    stats = client.get("/api/stats").get_json()
    assert (stats["date_min"], stats["date_max"]) == ("0001-01-01", "9999-12-31")
    assert {y["key"] for y in stats["years"]} == {"1", "1969", "2024", "9999"}
    page = client.get("/articles/eve").get_data(as_text=True)
    assert "31\xa0декабря 1969" in page


def test_years_1_and_9999_do_not_make_ten_thousand_bars(client) -> None:
    dates = api(client, q="бюджет")["facets"]["dates"]
    assert len(dates) <= 31 and sum(b["count"] for b in dates) == 4  # spans of 500 years
    assert [(b["key"], b["count"]) for b in dates if b["count"]] == [
        ("0001", 1), ("1500", 1), ("2000", 1), ("9500", 1)]
    assert (dates[0]["from"], dates[-1]["to"]) == ("0001-01-01", "9999-12-31")
    page = client.get("/search", query_string={"q": "бюджет"})
    assert page.status_code == 200
    bars = page.get_data(as_text=True).count('class="histogram__bar"')
    assert 4 <= bars <= 200
    ticks = re.findall(r"<li>([^<]*)</li>", page.get_data(as_text=True).split(
        'class="histogram__ticks"')[1].split("</ol>")[0])
    assert ticks[0] == "1–499" and not any(t.startswith("0") for t in ticks)  # not «0001»
    # Every bar's period is a valid filter.
    for b in dates:
        assert client.get("/api/search", query_string={
            "q": "бюджет", "from": b["from"], "to": b["to"]}).status_code == 200


def test_the_feed_does_not_trust_the_host_header(index: Path) -> None:
    """Atom ids and links came from the Host header any client may send: a cache could then
    serve a feed pointing at evil.example to everyone."""
    client = create_app({"INDEX": str(index)}).test_client()
    r = client.get("/search.atom?q=бюджет", headers={"Host": "evil.example"})
    assert r.status_code == 200 and b"evil.example" not in r.data
    feed = ET.fromstring(r.data)
    assert feed.find(f"{ATOM}id").text == ("tag:muragat,2026:search?"
                                          + urlencode({"q": "бюджет", "sort": "newest"}))
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text.startswith("tag:muragat,2026:article/")
    assert entry.find(f"{ATOM}link").get("href").startswith("/articles/")

    public = create_app({"INDEX": str(index), "PUBLIC_URL": "https://archive.example.kz/"})
    r = public.test_client().get("/search.atom?q=бюджет", headers={"Host": "evil.example"})
    assert b"evil.example" not in r.data
    feed = ET.fromstring(r.data)
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith("https://archive.example.kz/") for h in hrefs), hrefs
    ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
    assert ids == [e.find(f"{ATOM}id").text
                   for e in ET.fromstring(client.get("/search.atom?q=бюджет").data)
                   .findall(f"{ATOM}entry")], "ids do not depend on the address"


def test_if_none_match_star_only_matches_what_exists(client) -> None:
    assert client.get("/api/articles/no-such", headers={"If-None-Match": "*"}).status_code == 404
    assert client.get("/api/articles/eve", headers={"If-None-Match": "*"}).status_code == 304


def test_a_weak_etag_is_matched(client) -> None:
    """A proxy that compresses a response weakens its ETag to W/"…": still ours."""
    first = client.get("/api/articles/eve")
    tag = first.headers["ETag"]
    assert tag.startswith('"')
    for held in (tag, f"W/{tag}", f'"other", W/{tag}'):
        again = client.get("/api/articles/eve", headers={"If-None-Match": held})
        assert again.status_code == 304, held
    assert client.get("/api/articles/eve",
                      headers={"If-None-Match": '"other"'}).status_code == 200
