"""The facets and sort orders, declared once: the query parser, the request parsing, the
pages, the OpenAPI document and the ``index`` command all read them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FacetKind:
    """One kind of facet value an article has."""

    name: str  # in requests, results and the JSON API: "persons", …, "sources"
    field: str  # the index field: "persons", …, "source"
    param: str  # the URL parameter: "person", …, "source"
    prefixes: tuple[str, ...]  # query prefixes: person:…
    label: str  # the Russian heading on the pages
    entity: str | None = None  # the entity kind it holds: PER, ORG, LOC


FACET_KINDS: tuple[FacetKind, ...] = (
    FacetKind("persons", "persons", "person", ("person",), "Персоны", "PER"),
    FacetKind("organisations", "organisations", "org", ("org",), "Организации", "ORG"),
    FacetKind("locations", "locations", "loc", ("loc",), "Места", "LOC"),
    FacetKind("sources", "source", "source", ("source",), "Источники"),
)
ENTITY_KINDS = tuple(f for f in FACET_KINDS if f.entity)
ENTITY_FIELDS = tuple(f.field for f in ENTITY_KINDS)
FIELD_OF_ENTITY = {f.entity: f.field for f in ENTITY_KINDS}
BY_NAME = {f.name: f for f in FACET_KINDS}
BY_FIELD = {f.field: f for f in FACET_KINDS}


@dataclass(frozen=True)
class Sort:
    name: str
    label: str  # Russian, for the pages


SORTS: tuple[Sort, ...] = (
    Sort("relevance", "по релевантности"),
    Sort("newest", "сначала новые"),
    Sort("oldest", "сначала старые"),
)
SORT_NAMES = tuple(s.name for s in SORTS)
