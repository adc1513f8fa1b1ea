"""On-disk cache of extracted entities, keyed by a hash of the text and the extractor version.

A rebuild asks the cache first and runs NER only for new or changed articles. SQLite in WAL mode
with short transactions, so several worker processes can read and write the same file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.entities import VERSION, extract_many
from indexer.records import Entity

_SCHEMA = "CREATE TABLE IF NOT EXISTS entities (key TEXT PRIMARY KEY, data TEXT NOT NULL)"
_CHUNK = 500  # keys per SELECT (SQLite's host-parameter limit is 999 on old builds)


def text_key(text: str, version: str = VERSION) -> str:
    """Cache key: SHA-256 of the extractor version and the text."""
    h = hashlib.sha256(version.encode("utf-8"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _dump(found: Sequence[Entity]) -> str:
    return json.dumps([[e.kind, e.name, e.start, e.end] for e in found], ensure_ascii=False)


def _load(data: str) -> list[Entity]:
    return [Entity(kind, name, start, end) for kind, name, start, end in json.loads(data)]


class EntityCache:
    """``get_many``/``put_many`` over a SQLite file; safe for concurrent processes."""

    def __init__(self, path: str | Path, version: str = VERSION) -> None:
        self.path = Path(path)
        self.version = version
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        # Switching to WAL takes an exclusive lock that SQLite's busy timeout does not wait for,
        # so workers opening a new cache at the same moment retry briefly.
        for attempt in range(50):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute(_SCHEMA)
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or attempt == 49:
                    raise
                time.sleep(0.1)

    def get_many(self, texts: Sequence[str]) -> list[list[Entity] | None]:
        """Cached entities per text, ``None`` where the text (or the version) is new."""
        keys = [text_key(t, self.version) for t in texts]
        found: dict[str, str] = {}
        for i in range(0, len(keys), _CHUNK):
            part = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, data FROM entities WHERE key IN ({marks})", part)
            found.update(rows)
        return [_load(found[k]) if k in found else None for k in keys]

    def put_many(self, texts: Sequence[str], results: Sequence[Sequence[Entity]]) -> None:
        """Store results (one short transaction)."""
        rows = [(text_key(t, self.version), _dump(r)) for t, r in zip(texts, results, strict=True)]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO entities (key, data) VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EntityCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def extract_many_cached(
    texts: Sequence[str],
    cache: EntityCache,
    extract: Callable[[list[str]], list[list[Entity]]] = extract_many,
) -> list[list[Entity]]:
    """Entities for each text, running the extractor only on cache misses."""
    results = cache.get_many(texts)
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        fresh = extract([texts[i] for i in missing])
        cache.put_many([texts[i] for i in missing], fresh)
        for i, r in zip(missing, fresh, strict=True):
            results[i] = r
    return results  # type: ignore[return-value]
