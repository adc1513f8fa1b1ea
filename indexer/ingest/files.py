"""The archive's article files: walked inside the archive's real root, opened safely."""

from __future__ import annotations

import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from indexer.records import Problem, ReadReport

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
# Files beside the articles that are not articles.
NOT_ARTICLES = re.compile(r"^(readme|licen[cs]e|copying|notice)\b", re.IGNORECASE)


def archive_files(root: Path, report: ReadReport) -> Iterator[tuple[Path, str]]:
    """Article files below ``root`` in sorted order, as (real path, path relative to the
    root); unreadable folders are reported.

    The archive is a jail: only files whose real path lies inside the archive's real root are
    yielded (``root`` itself may be a link; its target is the root). A link leading out of the
    archive (to ``/etc/passwd``, ``../../secret.txt``) is reported and skipped, never read:
    the indexer often runs as root, and whatever it indexes the web app publishes. Links to
    folders are not followed at all.
    """
    real_root = os.path.realpath(root)
    if not os.path.isdir(real_root):
        report.problems.append(Problem(str(root), "archive folder does not exist"))
        return

    def on_error(err: OSError) -> None:
        report.problems.append(Problem(str(err.filename), f"cannot read folder: {err.strerror}"))

    for folder, dirs, files in os.walk(real_root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or NOT_ARTICLES.match(name):
                continue
            if not name.endswith(ARTICLE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, real_root).replace(os.sep, "/")
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root:
                report.problems.append(Problem(rel, "outside the archive: a link leading out "
                                                    "of the archive folder is not read"))
                continue
            yield Path(real), rel


class NotRegular(OSError):
    """An archive entry that is not a regular file."""


def open_regular(path: Path) -> BinaryIO:
    """A binary file object of ``path``, which must be a regular file and not a link.

    Opened without following a link in its last part (``path`` is already resolved, so a link
    put there since is refused) and without blocking (a FIFO would block the open); anything
    but a regular file (a FIFO, a socket, a device such as ``/dev/zero``) raises ``NotRegular``.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_stamp(path: Path, rel: str) -> str:
    """What tells that a file may have changed: its size and modification time."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{rel}|{st.st_size}|{st.st_mtime_ns}"


def count_articles(root: Path) -> int:
    """A quick count of the articles below ``root``, for the progress bar's ETA."""
    total = 0
    for path, _ in archive_files(root, ReadReport()):
        if path.name.endswith(".txt"):
            total += _is_regular(path)
            continue
        try:
            with open_regular(path) as raw:
                f = gzip.GzipFile(fileobj=raw) if path.name.endswith(".gz") else raw
                total += sum(1 for line in f if line.strip())
        except (OSError, EOFError, zlib.error):
            continue
    return total


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
