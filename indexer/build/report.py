"""What a rebuild or update did, and how it fails."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from indexer.records import Problem

if TYPE_CHECKING:
    from indexer.entities.cache import CacheStats

Progress = Callable[[int], None]
# Skipped files and warnings kept in memory for the summary, each; all of them are counted by
# reason and written to the problems file (a million duplicate lines made a 69 MB summary).
KEEP_PROBLEMS = 1000


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
    skipped: list[Problem] = field(default_factory=list)  # the first KEEP_PROBLEMS
    warnings: list[Problem] = field(default_factory=list)  # the first KEEP_PROBLEMS
    skipped_count: int = 0
    warning_count: int = 0
    # (skipped, what kind of problem) → how many: «duplicate id», «bad date», …
    reasons: Counter[tuple[bool, str]] = field(default_factory=Counter)
    problems_file: Path | None = None  # every problem, one a line
    _log: TextIO | None = field(default=None, repr=False, compare=False)
    _partial: Path | None = field(default=None, repr=False, compare=False)
    encodings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_bytes: int = 0
    entities: bool = True
    stale_lock_pid: int | None = None
    removed_partials: int = 0
    merged_segments: int = 0
    reprint_groups: int = 0  # groups of near-duplicate articles in the index
    reprint_seconds: float = 0.0  # the grouping pass at the end of a rebuild
    entity_sources: CacheStats = field(default_factory=lambda: _sources())

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "articles": self.articles,
            "skipped": self.skipped_count,
            "warnings": self.warning_count,
            "encodings": self.encodings,
            "seconds": round(self.seconds, 2),
            "articles_per_second": round(self.rate, 1),
            "index_bytes": self.index_bytes,
            "entities": self.entities,
            "reprint_groups": self.reprint_groups,
            "entity_sources": {"cached": self.entity_sources.cached,
                               "rules": self.entity_sources.rules,
                               "model": self.entity_sources.model},
            "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        }

    def note(self, problem: Problem) -> None:
        """A problem met while reading: a skipped file or line, or a warning."""
        kept = self.skipped if problem.skipped else self.warnings
        if len(kept) < KEEP_PROBLEMS:
            kept.append(problem)
        if problem.skipped:
            self.skipped_count += 1
        else:
            self.warning_count += 1
        self.reasons[(problem.skipped, problem.kind)] += 1
        if self._log is not None:
            try:
                self._log.write(f"{'skipped' if problem.skipped else 'warning'}\t{problem}\n")
            except OSError:
                self._drop_log()  # a full disk: the list is lost, never the build

    def log_problems(self, path: Path) -> None:
        """Write every problem noted from now on to ``path`` (in place when ``close_log``)."""
        self._partial = path.with_name(path.name + ".partial")
        self.problems_file = path
        try:
            self._log = self._partial.open("w", encoding="utf-8")
        except OSError:
            self._drop_log()

    def close_log(self, keep: bool) -> None:
        """The problems file complete (``keep``), or removed after a failed run; a run without
        problems leaves none (nor the file of an earlier run). Never raises."""
        if self._log is None or self._partial is None or self.problems_file is None:
            return
        try:
            self._log.close()
            self._log = None
            if keep and self.skipped_count + self.warning_count:
                self._partial.replace(self.problems_file)
                return
            if keep:
                self.problems_file.unlink(missing_ok=True)
        except OSError:
            pass
        self._drop_log()

    def _drop_log(self) -> None:
        """No problems file after all (it could not be written)."""
        if self._log is not None:
            try:
                self._log.close()
            except OSError:
                pass
        self._log = None
        if self._partial is not None:
            try:
                self._partial.unlink(missing_ok=True)
            except OSError:
                pass
        self.problems_file = None


def problems_path(index: Path) -> Path:
    """Every problem of the last rebuild or update, beside the index."""
    return index.with_name(index.name + ".problems.txt")


def _sources() -> CacheStats:
    from indexer.entities.cache import CacheStats

    return CacheStats()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
