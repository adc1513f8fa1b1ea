"""The JSON API over the real test index, checked against its own OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from web import create_app

CONSTITUTION = "extra/search/constitution"
SCRIPT = "extra/search/script"


@pytest.fixture(scope="module")
def client(built_index: Path):
    app = create_app({"INDEX": str(built_index), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def openapi(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check(openapi: dict, response, schema: str, status: int = 200) -> dict:
    """The response's JSON, after checking its status and validating it against a schema."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    validator = Draft202012Validator({**openapi, "$ref": f"#/components/schemas/{schema}"},
                                     format_checker=FormatChecker())
    errors = [e.message for e in validator.iter_errors(data)]
    assert not errors, errors
    return data


def test_openapi_document(openapi: dict) -> None:
    assert openapi["openapi"].startswith("3.1")
    assert set(openapi["paths"]) == {"/api/search", "/api/articles/{id}",
                                     "/api/articles/{id}/similar", "/api/stats",
                                     "/api/entities", "/api/entities/{kind}/{name}",
                                     "/api/openapi.json"}
    Draft202012Validator.check_schema({"$defs": openapi["components"]["schemas"]})
    names = [p["name"] for p in openapi["paths"]["/api/search"]["get"]["parameters"]]
    assert names == ["q", "page", "size", "sort", "from", "to", "undated",
                     "person", "person_mode", "not_person", "org", "org_mode", "not_org",
                     "loc", "loc_mode", "not_loc", "source", "source_mode", "not_source",
                     "collapse", "facets", "correct", "facet_size"]


@pytest.mark.parametrize("query", [
    "q=конституция+референдум",
    "q=&sort=newest",
    "q=жираф&size=2&page=2",
    "q=канституция",
    'q="новая+конституция"&from=2021&to=2021-12-31',
    "q=жираф&source=Вестник+Теста&source=Цирковой+листок&facets=0",
    "q=уязвимость&facet_size=1",
    "q=жираф+вертолет+бегемот",
    "q=ЕС+санкции&correct=0",
])
def test_search_matches_schema(client, openapi: dict, query: str) -> None:
    data = check(openapi, client.get(f"/api/search?{query}"), "SearchResponse")
    assert data["total"] + data["partial"] >= len(data["hits"])
    if "facets=0" in query:
        assert data["facets"] == {}


def test_search_hits(client, openapi: dict) -> None:
    data = check(openapi, client.get("/api/search?q=конституция+референдум"), "SearchResponse")
    hit = next(h for h in data["hits"] if h["id"] == CONSTITUTION)
    assert "<mark>Конституции</mark>" in hit["snippet_html"]
    assert data["query"] == "конституция референдум" and data["page"] == 1 and data["size"] == 10
    data = check(openapi, client.get("/api/search?q=канституция&correct=0"), "SearchResponse")
    assert data["suggestion"].startswith("конституци")


def test_article_with_slashes_in_id(client, openapi: dict) -> None:
    data = check(openapi, client.get(f"/api/articles/{SCRIPT}?q=уязвимость"), "Article")
    assert data["id"] == SCRIPT and "<mark>" in data["body_html"]
    assert "<script" not in data["body_html"] and "<script>" in data["text"]
    similar = check(openapi, client.get(f"/api/articles/{CONSTITUTION}/similar?limit=3"),
                    "SimilarResponse")
    assert CONSTITUTION not in [h["id"] for h in similar["hits"]]


def test_stats(client, openapi: dict) -> None:
    data = check(openapi, client.get("/api/stats"), "Stats")
    assert data["articles"] > 0 and data["version"]


@pytest.mark.parametrize("query,code", [
    ("page=0", "bad_page"),
    ("size=1000", "bad_size"),
    ("from=2026-13-45", "bad_date"),
    ("sort=unknown", "bad_sort"),
    ("facets=maybe", "bad_param"),
    ("facet_size=0", "bad_param"),
])
def test_bad_parameters(client, openapi: dict, query: str, code: str) -> None:
    data = check(openapi, client.get(f"/api/search?q=жираф&{query}"), "Error", 400)
    assert data["error"]["code"] == code


def test_unknown_article(client, openapi: dict) -> None:
    data = check(openapi, client.get("/api/articles/no/such/article"), "Error", 404)
    assert data["error"]["code"] == "not_found"
    check(openapi, client.get("/api/articles/no/such/article/similar"), "Error", 404)
    check(openapi, client.get(f"/api/articles/{CONSTITUTION}/similar?limit=0"), "Error", 400)


def test_etag_and_304(client) -> None:
    first = client.get("/api/search?q=жираф")
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/search?q=жираф", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    other = client.get("/api/search?q=сталь", headers={"If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200


def test_cors_preflight(client) -> None:
    response = client.options("/api/search")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_no_index_is_503(tmp_path: Path, openapi: dict) -> None:
    client = create_app({"INDEX": str(tmp_path / "missing"), "TESTING": True}).test_client()
    for path in ("/api/search?q=x", "/api/stats", "/api/articles/a/b"):
        data = check(openapi, client.get(path), "Error", 503)
        assert data["error"]["code"] == "index_unavailable"


def test_work_limits_are_reported_in_warnings(client) -> None:
    words = " ".join(f"слово{i}" for i in range(40)) + " конституция"
    plain = client.get("/api/search", query_string={"q": "конституция"}).get_json()
    capped = client.get("/api/search", query_string={"q": words}).get_json()
    assert plain["warnings"] == []
    assert capped["warnings"] and "32" in capped["warnings"][0]
