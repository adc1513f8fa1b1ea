"""On-disk cache of entities: the model's raw spans apart from what the rules make of them.

Two tables in one SQLite file beside the index, both keyed by a hash of a version and the text:

- ``spans``: the NER model's spans of a text, keyed by the model's version. Only a new or
  changed text, or a new model, runs the model (minutes at 10,000 articles).
- ``results``: the entities the rules make of those spans, keyed by the model's and the rules'
  version (``RULES_VERSION``). A change of the clean-up, normalisation or alias rules makes
  every result stale, but not the spans: the rules run again over the cached spans (seconds),
  not the model.

SQLite in WAL mode with short transactions, so several worker processes read and write the
same file. Results of other rules versions are dropped by ``prune`` at the start of a build.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import indexer.entities as entities_package
from indexer.entities import KINDS, Mention, canonicalise, clean_spans
from indexer.records import Entity

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS spans (key TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results "
    "(key TEXT PRIMARY KEY, version TEXT NOT NULL, data TEXT NOT NULL)",
    # The cache of builds before 2026-12-02 kept only the rules' output, which a rules change
    # cannot reuse.
    "DROP TABLE IF EXISTS entities",
)
_CHUNK = 500  # keys per SELECT (SQLite's host-parameter limit is 999 on old builds)

SpansOf = Callable[[list[str]], list[list[Mention]]]


def text_key(text: str, version: str | None = None) -> str:
    """Cache key: SHA-256 of a version (the model's and the rules', by default) and the
    text."""
    version = version if version is not None else entities_package.VERSION
    h = hashlib.sha256(version.encode("utf-8"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _dump_spans(spans: Sequence[Mention]) -> bytes:
    flat = array("I")
    for m in spans:
        flat.extend((KINDS.index(m.kind), m.start, m.end))
    return flat.tobytes()


def _load_spans(data: bytes) -> list[Mention]:
    flat = array("I")
    flat.frombytes(data)
    return [Mention(KINDS[flat[i]], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]


def _dump(found: Sequence[Entity]) -> str:
    return json.dumps([[e.kind, e.name, e.start, e.end, e.post] for e in found],
                      ensure_ascii=False)


def _load(data: str) -> list[Entity]:
    return [Entity(kind, name, start, end, post)
            for kind, name, start, end, post in json.loads(data)]


@dataclass
class CacheStats:
    """Where the entities of a build's texts came from."""

    cached: int = 0  # results of these rules, as stored
    rules: int = 0  # cached model spans, the rules run again (after a rules change)
    model: int = 0  # the NER model run (new or changed texts, or a new model)

    def add(self, other: CacheStats) -> None:
        self.cached += other.cached
        self.rules += other.rules
        self.model += other.model

    def since(self, before: CacheStats) -> CacheStats:
        """What was served after ``before`` (a copy of these counts, taken earlier)."""
        return CacheStats(self.cached - before.cached, self.rules - before.rules,
                          self.model - before.model)


class EntityCache:
    """Spans and results over a SQLite file; safe for concurrent processes."""

    def __init__(self, path: str | Path, version: str | None = None,
                 model_version: str | None = None) -> None:
        self.path = Path(path)
        # The versions as they are when the cache is opened (read from the package then, so
        # that a benchmark can stand a rules change in for one: bench/rebuild.py).
        self.version = version or entities_package.VERSION
        self.model_version = model_version or entities_package.MODEL_VERSION
        self.stats = CacheStats()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        # Switching to WAL takes an exclusive lock that SQLite's busy timeout does not wait for,
        # so workers opening a new cache at the same moment retry briefly.
        for attempt in range(50):
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                for statement in _SCHEMA:
                    self._db.execute(statement)
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or attempt == 49:
                    raise
                time.sleep(0.1)

    def _select(self, table: str, keys: list[str]) -> dict[str, object]:
        found: dict[str, object] = {}
        for i in range(0, len(keys), _CHUNK):
            part = keys[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, data FROM {table} WHERE key IN ({marks})", part)
            found.update(rows)
        return found

    def get_many(self, texts: Sequence[str]) -> list[list[Entity] | None]:
        """The rules' entities per text, ``None`` where the text (or a version) is new."""
        keys = [text_key(t, self.version) for t in texts]
        found = self._select("results", keys)
        return [_load(found[k]) if k in found else None for k in keys]  # type: ignore[arg-type]

    def put_many(self, texts: Sequence[str], results: Sequence[Sequence[Entity]]) -> None:
        """Store the rules' entities of texts (one short transaction)."""
        rows = [(text_key(t, self.version), self.version, _dump(r))
                for t, r in zip(texts, results, strict=True)]
        self._write("INSERT OR REPLACE INTO results (key, version, data) VALUES (?, ?, ?)", rows)

    def get_spans(self, texts: Sequence[str]) -> list[list[Mention] | None]:
        """The model's spans per text, ``None`` where the text (or the model) is new."""
        keys = [text_key(t, self.model_version) for t in texts]
        found = self._select("spans", keys)
        return [_load_spans(found[k]) if k in found else None  # type: ignore[arg-type]
                for k in keys]

    def put_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Mention]]) -> None:
        rows = [(text_key(t, self.model_version), _dump_spans(s))
                for t, s in zip(texts, spans, strict=True)]
        self._write("INSERT OR REPLACE INTO spans (key, data) VALUES (?, ?)", rows)

    def _write(self, statement: str, rows: list[tuple]) -> None:
        if not rows:
            return
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(statement, rows)

    def prune(self) -> int:
        """Drop results of other rules versions; how many went."""
        with self._db:
            return self._db.execute("DELETE FROM results WHERE version != ?",
                                    (self.version,)).rowcount

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EntityCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rules(text: str, spans: Sequence[Mention]) -> list[Entity]:
    """What the rules make of a text's model spans."""
    return canonicalise(text, clean_spans(text, spans))


def extract_many_cached(
    texts: Sequence[str],
    cache: EntityCache,
    spans_of: SpansOf | None = None,
) -> list[list[Entity]]:
    """Entities for each text: stored results where there are; else the rules over cached
    spans; the model (``spans_of``) only for texts it has never seen. ``cache.stats`` counts
    which was which."""
    if spans_of is None:
        from indexer.entities.chunks import ner_spans

        spans_of = ner_spans
    results = cache.get_many(texts)
    missing = [i for i, r in enumerate(results) if r is None]
    cache.stats.cached += len(texts) - len(missing)
    if not missing:
        return results  # type: ignore[return-value]
    spans = cache.get_spans([texts[i] for i in missing])
    unseen = [i for i, s in zip(missing, spans, strict=True) if s is None]
    if unseen:
        fresh = spans_of([texts[i] for i in unseen])
        cache.put_spans([texts[i] for i in unseen], fresh)
        by_index = dict(zip(unseen, fresh, strict=True))
        spans = [s if s is not None else by_index[i]
                 for i, s in zip(missing, spans, strict=True)]
    cache.stats.model += len(unseen)
    cache.stats.rules += len(missing) - len(unseen)
    made = [rules(texts[i], s) for i, s in zip(missing, spans, strict=True)]  # type: ignore[arg-type]
    cache.put_many([texts[i] for i in missing], made)
    for i, r in zip(missing, made, strict=True):
        results[i] = r
    return results  # type: ignore[return-value]
