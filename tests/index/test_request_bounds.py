"""Every request bounded in work and output: filter values capped like query words, query
length bounded on every page, one time budget for a whole search (the CSV export included),
hits, facets and suggestions left out past it and said."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from indexer.search import execute
from indexer.search.request import MAX_FILTER_VALUES, MAX_QUERY
from web import create_app


@pytest.fixture(scope="module")
def client(built_index: Path):
    return create_app({"INDEX": str(built_index)}).test_client()


@pytest.fixture(scope="module")
def persons(client) -> list[str]:
    values = [v["value"] for v in client.get("/api/stats").get_json()["persons"]]
    assert len(values) >= 5
    return values


def test_a_thousand_filter_values_are_cut_to_32_and_said(client, persons: list[str]) -> None:
    """1,000 person= values held every search for seconds and made a page of 146 MB."""
    asked = persons[:3] + [f"Никто Никтоевич {n}" for n in range(997)]
    found = client.get("/api/search", query_string={"person": asked}).get_json()
    assert f"filters use at most {MAX_FILTER_VALUES} values: 968 left out" in found["warnings"]
    assert found["total"] > 0  # the real persons come first and are kept
    assert all(set(h["persons"]) & set(persons[:3]) for h in found["hits"])
    page = client.get("/search", query_string={"q": "", "person": asked})
    assert page.status_code == 200
    assert len(page.data) < 2_000_000, len(page.data)
    assert "часть его не учитывалась" in page.get_data(as_text=True)


def test_every_kind_asked_for_still_narrows_the_search(client, persons: list[str]) -> None:
    """Values of a kind are ORed: dropping the only source of a request would widen it."""
    source = client.get("/api/stats").get_json()["sources"][-1]
    many = [f"Некто {n}" for n in range(40)] + persons[:1]
    found = client.get("/api/search", query_string={"person": many, "source": source["value"]})
    data = found.get_json()
    assert any("left out" in w for w in data["warnings"])
    assert all(h["source"] == source["value"] for h in data["hits"])
    assert data["total"] <= source["count"]


def test_repeated_filter_values_count_once(client, persons: list[str]) -> None:
    found = client.get("/api/search", query_string={"person": [persons[0]] * 500}).get_json()
    assert found["warnings"] == [] and found["total"] > 0


def test_query_length_is_bounded_on_every_page(client) -> None:
    """The article page took any q: a 72 KB query made a 580 KB page."""
    long_q = "слово " * (MAX_QUERY // 6 + 1)
    article = client.get("/api/search?size=1").get_json()["hits"][0]["id"]
    for path in (f"/articles/{article}", f"/api/articles/{article}", "/search", "/api/search",
                 "/search.atom", "/search.csv"):
        response = client.get(path, query_string={"q": long_q})
        assert response.status_code == 400, path
    assert "Запрос длиннее" in client.get(f"/articles/{article}",
                                          query_string={"q": long_q}).get_data(as_text=True)
    assert client.get("/api/search", query_string={"person": "x" * (MAX_QUERY + 1)}
                      ).status_code == 400
    assert client.get(f"/articles/{article}", query_string={"q": "слово"}).status_code == 200


def test_past_the_time_budget_snippets_facets_and_corrections_are_left_out(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that used up its time adds no more costly work: a snippet for the first hit
    only, no facets, no typo correction, and each said in the warnings."""
    query = {"q": "Москва канституция"}
    full = client.get("/api/search", query_string=query).get_json()
    assert full["corrected_query"] == "Москва конституция"
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 0.0)
    monkeypatch.setattr(execute, "TIME_BUDGET", 0.0)
    found = client.get("/api/search", query_string=query).get_json()
    assert found["corrected_query"] is None
    assert found["hits"] and found["hits"][0]["snippet_html"]
    assert not any(h["snippet_html"] for h in found["hits"][1:])
    assert all(found["facets"][name] == [] for name in ("persons", "organisations",
                                                          "locations", "sources"))
    assert "time limit reached: some facets were not counted" in found["warnings"]
    assert "time limit reached: some words were not checked for typos" in found["warnings"]
    assert "time limit reached: snippets only for the first 1 results" in found["warnings"]


def test_the_csv_export_is_one_search_with_one_budget(client,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The export ran a search per 100 rows, each with its own time budget (3.1 s for a
    hostile query): now one search; past its budget the rows come without snippets, and
    the header says so."""
    query = {"q": "Москва OR Казахстан"}
    total = client.get("/api/search", query_string=query).get_json()["total"]
    full = client.get("/search.csv", query_string=query)
    rows = list(csv.reader(io.StringIO(full.data.decode("utf-8-sig"))))
    assert len(rows) - 1 == total > 10 and "X-Muragat-Warnings" not in full.headers
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 0.0)
    cut = client.get("/search.csv", query_string=query)
    rows = list(csv.reader(io.StringIO(cut.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == total  # every row, only the first with its snippet
    snippet = rows[0].index("snippet")
    assert rows[1][snippet] and not any(row[snippet] for row in rows[2:])
    assert "snippets only for the first 1 results" in cut.headers["X-Muragat-Warnings"]


def test_the_page_says_a_search_ran_out_of_time_not_that_it_was_too_long(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 0.0)
    page = client.get("/search", query_string={"q": "Москва"}).get_data(as_text=True)
    assert "Поиск не уложился в отведённое время" in page
    assert "Запрос слишком длинный или сложный" not in page
    many = " ".join(f"слово{i}" for i in range(40))  # over the 32 words a query may have
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 600.0)
    page = client.get("/search", query_string={"q": many}).get_data(as_text=True)
    assert "Запрос слишком длинный или сложный" in page
