"""The OpenAPI 3.1 description of the JSON API (``GET /api/openapi.json``)."""

from __future__ import annotations

from functools import cache

from indexer.catalog import FACET_KINDS, SORT_NAMES
from indexer.search.expansion import REASONS
from indexer.search.request import mode_param, not_param

STR_LIST = {"type": "array", "items": {"type": "string"}}
NULLABLE_STR = {"type": ["string", "null"]}
VALUE_COUNTS = {"type": "array", "items": {"$ref": "#/components/schemas/ValueCount"}}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
REPRINT = {"type": "object", "additionalProperties": False,
           "required": ["id", "title", "date", "source"],
           "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                          "date": NULLABLE_DATE, "source": {"type": "string"},
                          "this": {"type": "boolean",
                                   "description": "the article asked for (Article only)"}}}
ENTITY_PARAMS = [kind.param for kind in FACET_KINDS if kind.entity]


def _obj(props: dict, required: list[str] | None = None, extra: bool = False) -> dict:
    return {"type": "object", "properties": props,
            "required": required if required is not None else list(props),
            "additionalProperties": extra}


SCHEMAS = {
    "Error": _obj({"error": _obj({"code": {"type": "string"}, "message": {"type": "string"}})}),
    "ValueCount": _obj({"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1},
                        "post": {"type": "string", "description": "a person's commonest post "
                                 "in the archive («начальник УНК ГУ МВД по Москве»)"}},
                       required=["value", "count"]),
    "ValueMatch": _obj({
        "field": {"type": "string", "enum": [kind.field for kind in FACET_KINDS]},
        "value": {"type": "string", "description": "the value asked for (person:… or person=…)"},
        "matched": {**STR_LIST, "description": "the values it matched: the one entity under "
                    "its archive-wide name, or every value holding its words"},
    }),
    "DateBin": _obj({
        "key": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                "description": "YYYY, YYYY-MM or YYYY-MM-DD by the granularity (a bin of "
                               "several years is keyed by its first; from and to say)"},
        "count": {"type": "integer", "minimum": 0},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    }),
    "Hit": _obj({
        "id": {"type": "string"},
        "title": {"type": "string"},
        "title_html": {"type": "string", "description": "escaped; matched words in <mark>"},
        "date": {"type": ["string", "null"], "format": "date"},
        "source": {"type": "string"},
        "url": {"type": "string"},
        "score": {"type": "number"},
        "snippet_html": {"type": "string",
                         "description": "up to three fragments joined with ' … '; escaped "
                                        "except <mark>"},
        "persons": STR_LIST,
        "organisations": STR_LIST,
        "locations": STR_LIST,
        "reprints": {"type": "array", "items": REPRINT,
                     "description": "other results that reprint this article's story "
                                    "(near-duplicate texts), earliest first; shown under it"},
        "reprint_of": {**NULLABLE_STR, "description": "the id of the earliest article of "
                       "the story when this one is a later reprint of it"},
        "missing": {**STR_LIST, "description": "the query words this article lacks: empty for "
                    "a full match; for a partial match (after every full match), one word, "
                    "or two of a query of five words or more"},
    }),
    "Correction": _obj({
        "from": {"type": "string", "description": "as typed"},
        "to": {"type": "string", "description": "what was searched instead (typo, layout, "
               "transliteration) or as well (abbreviation: another name of the same thing)"},
        "reason": {"type": "string", "enum": list(REASONS)},
    }),
    "Facets": _obj({
        "dates": {"type": "array", "items": {"$ref": "#/components/schemas/DateBin"}},
        **{kind.name: VALUE_COUNTS for kind in FACET_KINDS},
    }, required=[]),
    "FacetTotals": _obj({kind.name: {"type": "integer", "minimum": 0} for kind in FACET_KINDS},
                        required=[]),
    "SearchResponse": _obj({
        "query": {"type": "string", "description": "the query as typed"},
        "corrected_query": {**NULLABLE_STR, "description": "the query searched instead of the "
                            "one typed (typos, keyboard layout, script corrected); null when it "
                            "was searched as typed. correct=0 searches it as typed"},
        "corrections": {"type": "array", "items": {"$ref": "#/components/schemas/Correction"},
                        "description": "what was changed or added, and why"},
        "total": {"type": "integer", "minimum": 0,
                  "description": "articles holding every word of the query (full matches)"},
        "partial": {"type": "integer", "minimum": 0,
                    "description": "articles lacking a word (two of five or more), listed after "
                                   "the full matches when those do not fill the first page"},
        "entries": {"type": "integer", "minimum": 0,
                    "description": "hits after the reprints of a story are grouped into one "
                                   "(collapse=1): what the pages count"},
        "pages": {"type": "integer", "minimum": 1},
        "undated": {"type": "integer", "minimum": 0,
                    "description": "undated articles among the results"},
        "undated_left_out": {"type": "integer", "minimum": 0,
                             "description": "undated articles the date range left out "
                                            "(undated=include counts them in)"},
        "date_granularity": {"type": ["string", "null"], "enum": ["day", "month", "year", None]},
        "page": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 1, "maximum": 100},
        "took_ms": {"type": "number"},
        "suggestion": {**NULLABLE_STR, "description": "a query to try instead («did you mean»), "
                       "when a word looks misspelt but was searched as typed"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {"$ref": "#/components/schemas/Facets"},
        "facet_totals": {"$ref": "#/components/schemas/FacetTotals",
                         "description": "how many values of each kind the results hold"},
        "warnings": {**STR_LIST, "description": "parts of the query left out by the limits "
                     "on a request's work (words, nesting, phrase length, time)"},
        "value_matches": {"type": "array", "items": {"$ref": "#/components/schemas/ValueMatch"},
                          "description": "facet values asked for that matched other values"},
    }),
    "Article": _obj({
        "id": {"type": "string"},
        "title": {"type": "string"},
        "title_html": {"type": "string"},
        "date": {"type": ["string", "null"], "format": "date"},
        "source": {"type": "string"},
        "url": {"type": "string"},
        "topic": {"type": "string"},
        "path": {"type": "string"},
        "text": {"type": "string"},
        "body_html": {"type": "string",
                      "description": "escaped text in <p> paragraphs, words of q in <mark>"},
        "persons": STR_LIST,
        "organisations": STR_LIST,
        "locations": STR_LIST,
        "reprints": {"type": "array", "items": REPRINT,
                     "description": "the group of near-duplicate texts (reprints of one "
                                    "story) the article belongs to, earliest first, itself "
                                    "included; empty when it has none"},
    }),
    "EntityPage": _obj({
        "kind": {"type": "string", "enum": ENTITY_PARAMS},
        "name": {"type": "string", "description": "the archive-wide canonical value"},
        "asked": {"type": "string", "description": "the name asked for, when it is a value "
                  "merged into this one"},
        "articles": {"type": "integer", "minimum": 0},
        "first_mention": {"type": ["string", "null"], "format": "date"},
        "last_mention": {"type": ["string", "null"], "format": "date"},
        "undated": {"type": "integer", "minimum": 0},
        "months": {"type": "array", "items": {"$ref": "#/components/schemas/DateBin"}},
        "related": _obj({kind.name: VALUE_COUNTS for kind in FACET_KINDS if kind.entity}),
        "forms": {"type": "array", "items": _obj({"form": {"type": "string"},
                                                  "articles": {"type": "integer"}})},
        "merged_values": STR_LIST,
        "posts": {"type": "array", "items": _obj({"post": {"type": "string"},
                                                  "articles": {"type": "integer"},
                                                  "latest": {"type": ["string", "null"]}})},
        "latest": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    }, required=["kind", "name", "articles", "first_mention", "last_mention", "undated",
                 "months", "related", "forms", "merged_values", "posts", "latest"]),
    "EntityList": _obj({
        "q": {"type": "string"},
        "kind": {"type": ["string", "null"], "enum": [*ENTITY_PARAMS, None]},
        "entities": _obj({kind.name: VALUE_COUNTS for kind in FACET_KINDS if kind.entity},
                         required=[]),
    }),
    "SimilarResponse": _obj({
        "id": {"type": "string"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
    }),
    "Stats": _obj({
        "articles": {"type": "integer", "minimum": 0},
        "date_min": {"type": ["string", "null"], "format": "date"},
        "date_max": {"type": ["string", "null"], "format": "date"},
        "undated": {"type": "integer", "minimum": 0},
        "reprint_groups": {"type": "integer", "minimum": 0},
        "years": {"type": "array", "items": _obj({"key": {"type": "string"},
                                                  "count": {"type": "integer"}})},
        **{kind.name: VALUE_COUNTS for kind in FACET_KINDS},
        "index_bytes": {"type": "integer"},
        "built_at": NULLABLE_STR,
        "build_seconds": {"type": ["number", "null"]},
        "version": {"type": "string"},
    }),
}


def _param(name: str, schema: dict, description: str, repeat: bool = False) -> dict:
    if repeat:
        schema = {"type": "array", "items": schema}
    param = {"name": name, "in": "query", "required": False, "schema": schema,
             "description": description}
    if repeat:
        param.update(style="form", explode=True)
    return param


DATE_PARAM = {"type": "string",
              "pattern": r"^(\d{4}(-\d{1,2}(-\d{1,2})?)?|(\d{1,2}[./])?\d{1,2}[./]\d{4})$"}
DATE_FORMATS = "DD.MM.YYYY, MM.YYYY, YYYY, YYYY-MM or YYYY-MM-DD"
SEARCH_PARAMS = [
    _param("q", {"type": "string", "maxLength": 1000},
           "the query: words (all required, any inflected form; function and question words "
           "optional), OR / ИЛИ, AND / И, NOT / НЕ / -word, (…), \"phrase\", \"phrase\"~N, "
           "!word (exact form, no other names), word* (words starting so), "
           "title: person: org: loc: source:"),
    _param("page", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}, "page"),
    _param("size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
           "hits per page"),
    _param("sort", {"type": "string", "enum": list(SORT_NAMES), "default": "relevance"},
           "order of the hits"),
    _param("from", DATE_PARAM, f"first date ({DATE_FORMATS})"),
    _param("to", DATE_PARAM, f"last date ({DATE_FORMATS}; the end of the period)"),
    _param("undated", {"type": "string", "enum": ["", "include", "only"], "default": ""},
           "with a date range, include: undated articles too; only: nothing but the undated "
           "(from and to ignored)"),
    *(p for kind in FACET_KINDS for p in (
        _param(kind.param, {"type": "string"},
               f"{kind.name} filter (any of the values, or all with {mode_param(kind.param)})",
               repeat=True),
        _param(mode_param(kind.param), {"type": "string", "enum": ["any", "all"],
                                        "default": "any"},
               f"all: every {kind.param} value must be there; any: one is enough"),
        _param(not_param(kind.param), {"type": "string"},
               f"{kind.name} that must not be there", repeat=True),
    )),
    _param("collapse", {"type": "string", "enum": ["0", "1"], "default": "1"},
           "1: the reprints of a story (near-duplicate texts) are one hit, the others in its "
           "reprints; 0: every article a hit of its own"),
    _param("facets", {"type": "string", "enum": ["0", "1"], "default": "1"},
           "0 to skip the facets"),
    _param("correct", {"type": "string", "enum": ["0", "1"], "default": "1"},
           "0 to search the query exactly as typed: no corrections of typos, keyboard layout "
           "or script, no other names of abbreviations"),
    _param("facet_size", {"type": "integer", "minimum": 1, "maximum": 200, "default": 15},
           "values per facet"),
]
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
            "description": "the article id; may contain slashes (meduza/2017/meduza-golunov-005)"}


def _json(ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


ERRORS = {
    "400": _json("Error", "bad parameter"),
    "304": {"description": "not modified (If-None-Match matched the ETag)"},
    "503": _json("Error", "no index, or it cannot be opened"),
}


@cache
def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Muragat search API", "version": "1.0.0",
                 "description": "Full-text search over Russian-language news archives. "
                                "Read-only; CORS open; ETag keyed to the index version."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search articles",
                "parameters": SEARCH_PARAMS,
                "responses": {"200": _json("SearchResponse", "results"), **ERRORS},
            }},
            "/api/articles/{id}": {"get": {
                "operationId": "article", "summary": "One whole article",
                "parameters": [ID_PARAM, _param("q", {"type": "string"}, "words to mark")],
                "responses": {"200": _json("Article", "the article"),
                              "404": _json("Error", "unknown article"), **ERRORS},
            }},
            "/api/articles/{id}/similar": {"get": {
                "operationId": "similar", "summary": "Articles most similar to one",
                "parameters": [ID_PARAM, _param("limit", {"type": "integer", "minimum": 1,
                                                          "maximum": 20, "default": 5},
                                                "how many")],
                "responses": {"200": _json("SimilarResponse", "similar articles"),
                              "404": _json("Error", "unknown article"), **ERRORS},
            }},
            "/api/entities": {"get": {
                "operationId": "entities",
                "summary": "The most mentioned persons, organisations and places",
                "parameters": [
                    _param("q", {"type": "string"}, "part of the name or of a person's post"),
                    _param("kind", {"type": "string", "enum": ENTITY_PARAMS}, "one kind only"),
                ],
                "responses": {"200": _json("EntityList", "values with their articles"),
                              **ERRORS},
            }},
            "/api/entities/{kind}/{name}": {"get": {
                "operationId": "entity", "summary": "One entity: mentions, co-mentions, forms",
                "parameters": [
                    {"name": "kind", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": ENTITY_PARAMS}},
                    {"name": "name", "in": "path", "required": True,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 300},
                     "description": "a value, or a value merged into one (answered as that "
                                    "one, with asked)"},
                ],
                "responses": {"200": _json("EntityPage", "the entity"),
                              "404": _json("Error", "no such entity"), **ERRORS},
            }},
            "/api/stats": {"get": {
                "operationId": "stats", "summary": "What the index holds",
                "responses": {"200": _json("Stats", "index statistics"), **ERRORS},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": {"description": "the OpenAPI document",
                                      "content": {"application/json": {}}}},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
