"""An article as the index's fields, and back from what the index stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.catalog import ENTITY_FIELDS
from indexer.records import Article, Problem

BATCH = 32  # articles handed to a segment writer at a time (entities are looked up per batch)


def document(article: Article, entities: dict[str, list[str]] | None) -> dict:
    """The Whoosh fields of one article."""
    date = article.date.isoformat() if article.date else ""
    doc = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "body": article.text,
        "date": date,
        "month": date[:7],
        "year": date[:4],
        "source": article.source,
        "url": article.url,
        "topic": article.topic,
        "checksum": article.checksum,
        "stamp": article.stamp,
    }
    for name in ENTITY_FIELDS:
        doc[name] = ",".join(entities.get(name, [])) if entities else ""
    # Whoosh indexes an empty string as a term; leave empty fields out instead.
    return {k: v for k, v in doc.items() if v}


def stored_article(stored: dict, stamp: str) -> tuple[Article, dict[str, list[str]]]:
    """The article and entity values an index stores for a document (to write it again into
    another segment when segments are merged)."""
    date = stored.get("date") or ""
    article = Article(
        id=stored["id"], text=stored.get("body", ""), title=stored.get("title", ""),
        date=dt.date.fromisoformat(date) if date else None, source=stored.get("source", ""),
        url=stored.get("url", ""), topic=stored.get("topic", ""), path=stored.get("path", ""),
        checksum=stored.get("checksum", ""), stamp=stamp,
    )
    values = {name: [v for v in (stored.get(name) or "").split(",") if v]
              for name in ENTITY_FIELDS}
    return article, values


def entity_cache_path(index: Path) -> Path:
    """The entity cache lives beside the index, outliving every build."""
    return index.with_name(index.name + ".entities.sqlite")


def articles_only(items: Iterable[Article | Problem], report) -> Iterator[Article]:
    """The articles of a read, the problems noted in ``report`` (a ``BuildReport``)."""
    for item in items:
        if isinstance(item, Problem):
            report.note(item)
        else:
            yield item


def batches(articles: Iterable, size: int = BATCH) -> Iterator[list]:
    batch: list = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
