"""Entity facet values of articles: the extractor's canonical names, per facet field, served from
the on-disk cache where the same text (or the same model spans) was seen before; with each
value, the forms the text writes it in and, for a person, the post it gives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from indexer.catalog import ENTITY_FIELDS, FIELD_OF_ENTITY
from indexer.entities.words import squash
from indexer.records import Entity


def _entity_cache(path: Path):
    """One open cache per process, path and versions (worker processes open their own)."""
    import indexer.entities as entities_package

    return _open_cache(path, entities_package.VERSION, entities_package.MODEL_VERSION)


@lru_cache(maxsize=4)
def _open_cache(path: Path, version: str, model_version: str):
    from indexer.entities.cache import EntityCache

    return EntityCache(path, version, model_version)


@dataclass
class FacetValue:
    """One value of an article: its name, how the text writes it, the post given (persons)."""

    name: str
    surfaces: list[str] = field(default_factory=list)
    post: str = ""


ArticleNames = dict[str, list[FacetValue]]  # facet field → its values, in order of mention


def names_of(text: str, entities: Sequence[Entity]) -> ArticleNames:
    """The facet values of one article's entities, with their forms and posts."""
    out: ArticleNames = {name: [] for name in ENTITY_FIELDS}
    seen: dict[tuple[str, str], FacetValue] = {}
    for e in entities:
        key = (FIELD_OF_ENTITY[e.kind], e.name)
        value = seen.get(key)
        if value is None:
            value = seen[key] = FacetValue(e.name)
            out[key[0]].append(value)
        surface = squash(text[e.start : e.end])
        if surface and surface not in value.surfaces:
            value.surfaces.append(surface)
        if e.post and not value.post:
            value.post = e.post
    return out


def group(entities: list[Entity]) -> dict[str, list[str]]:
    """Distinct names per facet field, in order of first mention."""
    values: dict[str, list[str]] = {name: [] for name in ENTITY_FIELDS}
    for e in entities:
        names = values[FIELD_OF_ENTITY[e.kind]]
        if e.name not in names:
            names.append(e.name)
    return values


def article_names(texts: list[str], cache: Path) -> list[ArticleNames]:
    """For each text, its facet values with forms and posts (through the cache at ``cache``)."""
    from indexer.entities.cache import extract_many_cached

    found = extract_many_cached(texts, _entity_cache(cache))
    return [names_of(text, entities) for text, entities in zip(texts, found, strict=True)]


def cache_stats(cache: Path):
    """What this process's cache at ``cache`` has served so far (``CacheStats``)."""
    return _entity_cache(cache).stats


def facet_values(texts: list[str], cache: Path) -> list[dict[str, list[str]]]:
    """For each text, its persons, organisations and locations (cached in ``cache``)."""
    from indexer.entities.cache import extract_many_cached

    return [group(entities) for entities in extract_many_cached(texts, _entity_cache(cache))]
