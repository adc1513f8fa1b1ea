"""A request's time budget: the work left when it runs out is skipped, and said."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

LATE = "time limit reached: "  # how the warnings of work cut short begin


class Budget:
    """``late(what)`` tells whether the deadline (``time.perf_counter()``) has passed, and notes
    in ``warnings`` that ``what`` was cut short; no deadline, never late."""

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = deadline
        self.warnings: list[str] = []

    def late(self, what: str) -> bool:
        if self.deadline is None or time.perf_counter() < self.deadline:
            return False
        note = f"{LATE}{what}"
        if note not in self.warnings:
            self.warnings.append(note)
        return True

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent inside does not count (waiting for a once-per-index read, such as the
        vocabulary, is not this request's work)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            if self.deadline is not None:
                self.deadline += time.perf_counter() - started
