"""What a rebuild or update did, and how it fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.records import Problem

if TYPE_CHECKING:
    from indexer.entities.cache import CacheStats

Progress = Callable[[int], None]


class BuildError(RuntimeError):
    """A rebuild that failed; the live index is untouched. ``detail``: a worker's traceback."""

    detail: str = ""


@dataclass
class BuildReport:
    """What a rebuild or update did, for the summary and ``index stats``."""

    articles: int = 0
    added: int = 0
    replaced: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_bytes: int = 0
    entities: bool = True
    stale_lock_pid: int | None = None
    removed_partials: int = 0
    merged_segments: int = 0
    entity_sources: CacheStats = field(default_factory=lambda: _sources())

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "articles": self.articles,
            "skipped": len(self.skipped),
            "warnings": len(self.warnings),
            "encodings": self.encodings,
            "seconds": round(self.seconds, 2),
            "articles_per_second": round(self.rate, 1),
            "index_bytes": self.index_bytes,
            "entities": self.entities,
            "entity_sources": {"cached": self.entity_sources.cached,
                               "rules": self.entity_sources.rules,
                               "model": self.entity_sources.model},
            "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        }

    def note(self, problem: Problem) -> None:
        """A problem met while reading: a skipped file or line, or a warning."""
        (self.skipped if problem.skipped else self.warnings).append(problem)


def _sources() -> CacheStats:
    from indexer.entities.cache import CacheStats

    return CacheStats()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
