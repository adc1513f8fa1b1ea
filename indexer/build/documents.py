"""An article as the index's fields, and back from what the index stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.catalog import ENTITY_FIELDS
from indexer.records import Article, Problem
from indexer.text.tokens import WORD_RE

BATCH = 32  # articles handed to a segment writer at a time (entities are looked up per batch)
# An article's distinct words, at most: each costs the segment writer a few hundred bytes until
# its next spill, and an article is never split between spills (5 million took a rebuild to
# 3.4 GB); a news article has a few thousand, a long law a few tens of thousands.
MAX_DISTINCT_WORDS = 500_000


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
    """The articles of a read, the problems noted in ``report`` (a ``BuildReport``); an
    article of too many distinct words is skipped as a problem."""
    for item in items:
        if isinstance(item, Problem):
            report.note(item)
        elif (reason := too_many_words(item.text)) is not None:
            path, _, line = item.path.rpartition(":")
            report.note(Problem(path, reason, int(line)) if line.isdigit() and path
                        else Problem(item.path, reason))
        else:
            yield item


def too_many_words(text: str, limit: int | None = None) -> str | None:
    """The skip reason of a text of more than ``limit`` (``MAX_DISTINCT_WORDS``) distinct
    words, else None. Counted only for a text long enough to hold that many (two characters a
    word at least), and only up to the limit: the count costs a set of ``limit`` words."""
    limit = MAX_DISTINCT_WORDS if limit is None else limit
    if len(text) <= 2 * limit:
        return None
    seen: set[str] = set()
    for match in WORD_RE.finditer(text):
        seen.add(match.group())
        if len(seen) > limit:
            return (f"too many distinct words: more than {limit:,} "
                    "(a news article has a few thousand)")
    return None


def batches(articles: Iterable, size: int = BATCH) -> Iterator[list]:
    batch: list = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
