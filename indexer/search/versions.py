"""Following the live index: the version to search now, opened once and swapped when a rebuild
or an update makes a new one; old versions stay open a while for requests still using them."""

from __future__ import annotations

import logging
import os
import pickle
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.search.errors import IndexUnavailable
from indexer.search.view import IndexView
from indexer.store import generations

CHECK_EVERY = 0.5  # seconds between checks for a new index version
SWAP_WAIT = 0.5  # seconds the request that finds a new version waits for it to open
RETIRE_AFTER = 60.0  # seconds an old version stays open for requests still using it
# What reading a damaged index raises (a segment file truncated or rewritten under us).
_READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)
log = logging.getLogger("muragat.versions")


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
    Thread-safe.

    A new version is opened (and made ready by ``prepare``, e.g. warmed) in a thread of its
    own while the requests go on searching the version they have: at 100,000 articles opening
    takes about a second, several under load, and a request that waited for it held up its
    worker's queue. The request that finds the change waits ``SWAP_WAIT`` at most, so that a
    small index is searched at once. A version that cannot be opened, or whose preparation
    cannot read it, is not swapped in: the one open keeps serving."""

    def __init__(self, index_path: Path,
                 prepare: Callable[[IndexView], None] | None = None):
        self.index_path = Path(index_path)
        self._view: IndexView | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._retired: list[tuple[float, IndexView]] = []
        self._prepare = prepare
        self._opening: threading.Thread | None = None
        self._failed: str | None = None  # the last version that could not be opened

    def current(self) -> IndexView:
        view = self._view
        if view is not None and time.monotonic() - self._checked < CHECK_EVERY:
            return view
        if view is None:
            with self._lock:
                return self._first()
        # One thread checks; the others keep searching the version they have meanwhile.
        if not self._lock.acquire(blocking=False):
            return view
        try:
            opening = self._check(view)
        finally:
            self._lock.release()
        if opening is not None:
            opening.join(SWAP_WAIT)
        return self._view  # type: ignore[return-value]  # never None once opened

    def _first(self) -> IndexView:
        """Open the live version when none is open yet (called with the lock held)."""
        if self._view is not None:
            return self._view
        self._checked = time.monotonic()
        try:
            build, version = locate(self.index_path)
            self._view = IndexView(build, version)
        except IndexUnavailable:
            raise
        except Exception as err:
            raise IndexUnavailable(f"the index cannot be opened: {err}",
                                   "Индекс не удаётся открыть") from err
        return self._view

    def _check(self, view: IndexView) -> threading.Thread | None:
        """Start opening the live version if it changed (called with the lock held); the
        thread opening it, or None."""
        now = time.monotonic()
        if now - self._checked < CHECK_EVERY:
            return None
        self._checked = now
        self._close_retired(now)
        if self._opening is not None and self._opening.is_alive():
            return None
        try:
            build, version = locate(self.index_path)
        except Exception:
            return None  # keep serving the version we have
        if version == view.version:
            return None
        self._opening = threading.Thread(target=self._open, args=(build, version),
                                         name=f"muragat-open-{version}", daemon=True)
        self._opening.start()
        return self._opening

    def _open(self, build: Path, version: str) -> None:
        """Open and prepare ``version``, then make it the current one (in its own thread)."""
        new: IndexView | None = None
        try:
            new = IndexView(build, version)
            if self._prepare is not None:
                try:
                    with reading(new):
                        self._prepare(new)
                except IndexUnavailable:
                    raise
                except Exception:  # preparing only saves time: the version still serves
                    log.exception("preparing index version %s failed", version)
        except Exception as err:
            if new is not None:
                new.close()
            if self._failed != version:  # said once, tried again at every check
                self._failed = version
                log.warning("index version %s cannot be opened (%s); still serving %s",
                            version, err, self._view.version if self._view else "none")
            return
        with self._lock:
            if self._view is not None:
                self._retired.append((time.monotonic(), self._view))
            self._view = new

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
