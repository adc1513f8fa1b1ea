"""Entity facet values of articles: the extractor's canonical names, per facet field,
served from the on-disk cache where the same text was seen before."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from indexer.catalog import ENTITY_FIELDS, FIELD_OF_ENTITY
from indexer.records import Entity


@lru_cache(maxsize=4)
def _entity_cache(path: Path):
    """One open cache per process and path (worker processes open their own)."""
    from indexer.entities.cache import EntityCache

    return EntityCache(path)


def group(entities: list[Entity]) -> dict[str, list[str]]:
    """Distinct names per facet field, in order of first mention."""
    values: dict[str, list[str]] = {name: [] for name in ENTITY_FIELDS}
    for e in entities:
        names = values[FIELD_OF_ENTITY[e.kind]]
        if e.name not in names:
            names.append(e.name)
    return values


def facet_values(texts: list[str], cache: Path) -> list[dict[str, list[str]]]:
    """For each text, its persons, organisations and locations (cached in ``cache``)."""
    from indexer.entities.cache import extract_many_cached

    return [group(entities) for entities in extract_many_cached(texts, _entity_cache(cache))]
