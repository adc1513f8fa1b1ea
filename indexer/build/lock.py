"""One writer at a time: an exclusive lock file held by the rebuilding process.

The lock is an ``flock`` on a file beside the index, so the kernel releases it when the process
dies, even by ``kill -9``; the file keeps the holder's pid to name it in messages.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import time
from pathlib import Path

_held: set[int] = set()
_PR_SET_PDEATHSIG = 1


def _in_child() -> None:
    """A worker forked by the writer must neither keep the lock alive after the writer died
    (fork shares the flock) nor outlive it waiting for work that will never come."""
    if not _held:
        return
    for fd in _held:
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


os.register_at_fork(after_in_child=_in_child)


class LockedError(RuntimeError):
    """Another process is writing this index."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_free(path: Path) -> None:
    """Raise ``LockedError`` at once when another process holds the lock at ``path``; the lock
    file is left as it is (a stale holder's pid stays for the writer to report)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(_held_message(fd)) from None
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _held_message(fd: int) -> str:
    holder = os.pread(fd, 200, 0).decode(errors="replace").split()
    who = f" (pid {holder[0]}, since {' '.join(holder[1:])})" if holder else ""
    return f"another rebuild or update is writing this index{who}; try again later"


class WriterLock:
    """``with WriterLock(path):`` holds the lock or raises ``LockedError`` at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stale_pid: int | None = None
        self._fd: int | None = None

    def __enter__(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = _held_message(fd)
            os.close(fd)
            raise LockedError(message) from None
        previous = os.pread(fd, 200, 0).decode(errors="replace").split()
        if previous and previous[0].isdigit() and not _alive(int(previous[0])):
            self.stale_pid = int(previous[0])
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        self._fd = fd
        _held.add(fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            _held.discard(self._fd)
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
