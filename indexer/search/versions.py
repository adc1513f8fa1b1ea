"""Following the live index: the version to search now, opened once and swapped when a rebuild
or an update makes a new one; old versions stay open a while for requests still using them."""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.search.errors import IndexUnavailable
from indexer.search.view import IndexView
from indexer.store import generations

CHECK_EVERY = 0.5  # seconds between checks for a new index version
RETIRE_AFTER = 60.0  # seconds an old version stays open for requests still using it
# What reading a damaged index raises (a segment file truncated or rewritten under us).
_READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


def locate(index_path: Path) -> tuple[Path, str]:
    """The build folder the live index points at, and a version naming it and its latest
    Whoosh generation. Raises IndexUnavailable."""
    build = generations.target(index_path)
    tocs = []
    if build is not None:
        try:
            tocs = [n for n in os.listdir(build) if n.startswith("_MAIN_") and n.endswith(".toc")]
        except OSError:
            tocs = []
    if build is None or not tocs:
        raise IndexUnavailable(f"there is no index at {index_path}; run `index rebuild`",
                               "Индекс ещё не построен: запустите «index rebuild»")
    generation = max(int(n[len("_MAIN_"):-len(".toc")]) for n in tocs)
    return build, f"{build.name}.{generation}"


class Versions:
    """The live index's current version (checked at most every ``CHECK_EVERY`` seconds).
    Thread-safe."""

    def __init__(self, index_path: Path):
        self.index_path = Path(index_path)
        self._view: IndexView | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._retired: list[tuple[float, IndexView]] = []

    def current(self) -> IndexView:
        view = self._view
        if view is not None and time.monotonic() - self._checked < CHECK_EVERY:
            return view
        # One thread checks (and opens a new version, which takes a while); the others keep
        # searching the version they have meanwhile instead of waiting for it.
        if not self._lock.acquire(blocking=view is None):
            return view  # type: ignore[return-value]  # not None: acquire blocks when it is
        try:
            return self._check()
        finally:
            self._lock.release()

    def _check(self) -> IndexView:
        """Open the live version if it changed (called with the lock held)."""
        now = time.monotonic()
        if self._view is not None and now - self._checked < CHECK_EVERY:
            return self._view
        self._checked = now
        try:
            build, version = locate(self.index_path)
            if self._view is None or self._view.version != version:
                new = IndexView(build, version)
                if self._view is not None:
                    self._retired.append((now, self._view))
                self._view = new
        except Exception as err:
            if self._view is not None:
                return self._view  # keep serving the version we have
            if isinstance(err, IndexUnavailable):
                raise
            raise IndexUnavailable(f"the index cannot be opened: {err}",
                                   "Индекс не удаётся открыть") from err
        self._close_retired(now)
        return self._view

    def _close_retired(self, now: float) -> None:
        keep = []
        for since, old in self._retired:
            if now - since > RETIRE_AFTER:
                old.close()
            else:
                keep.append((since, old))
        self._retired = keep


@contextmanager
def reading(view: IndexView) -> Iterator[None]:
    """Read ``view`` (no lock: searches run side by side); a damaged index becomes
    IndexUnavailable (a 503), not a crash."""
    try:
        yield
    except Exception as err:
        # Whoosh reports some damage with a bare Exception («Block tag error»).
        if not isinstance(err, _READ_ERRORS) and type(err) is not Exception:
            raise
        raise IndexUnavailable(f"the index cannot be read: {err}",
                               "Индекс повреждён и не читается") from err
