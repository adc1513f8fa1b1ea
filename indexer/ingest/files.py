"""The archive's article files: walked inside the archive's real root, opened safely."""

from __future__ import annotations

import gzip
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path

from indexer.ingest.bounded import count_lines
from indexer.records import Problem, ReadReport

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
# Files beside the articles that are not articles.
NOT_ARTICLES = re.compile(r"^(readme|licen[cs]e|copying|notice)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """An article file: the archive's real root, the file's real path below it (``inner``,
    with ``/``) and the path the archive shows (``rel``: where a link inside the archive
    leads elsewhere inside it, the link's own path)."""

    root: str
    inner: str
    rel: str

    @property
    def path(self) -> Path:
        return Path(self.root, self.inner)

    @property
    def name(self) -> str:
        return self.inner.rsplit("/", 1)[-1]


def archive_files(root: Path, report: ReadReport) -> Iterator[ArchiveFile]:
    """Article files below ``root`` in sorted order; unreadable folders and file names that
    cannot be indexed are reported.

    The archive is a jail: only files whose real path lies inside the archive's real root are
    yielded (``root`` itself may be a link; its target is the root). A link leading out of the
    archive (to ``/etc/passwd``, ``../../secret.txt``) is reported and skipped, never read:
    the indexer often runs as root, and whatever it indexes the web app publishes. Links to
    folders are not followed at all. ``open_regular`` opens what is yielded without following
    any link, so a link swapped in after this check is refused too.
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
            if not _utf8(rel):
                report.problems.append(Problem(rel, "the file name is not UTF-8 (an id must be "
                                                    "text): rename the file"))
                continue
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root or real == real_root:
                report.problems.append(Problem(rel, "outside the archive: a link leading out "
                                                    "of the archive folder is not read"))
                continue
            inner = os.path.relpath(real, real_root).replace(os.sep, "/")
            yield ArchiveFile(real_root, inner, rel)


def _utf8(name: str) -> bool:
    """Whether a name read from the file system is text (undecodable bytes come back from
    ``os.walk`` as lone surrogates, which no index or page can hold)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class NotRegular(OSError):
    """An archive entry that is not a regular file."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def open_regular(file: ArchiveFile) -> BufferedReader:
    """A binary file object of ``file``, which must be a regular file inside the archive.

    Opened from the archive's root one part of its path at a time, none of them followed if
    it is a link (a folder or the file swapped for a link since the walk is refused: ELOOP or
    ENOTDIR), and without blocking (a FIFO would block the open); anything but a regular file
    (a FIFO, a socket, a device such as ``/dev/zero``) raises ``NotRegular``.
    """
    *folders, name = file.inner.split("/")
    fd = os.open(file.root, _DIR_FLAGS)
    try:
        for folder in folders:
            inner = os.open(folder, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = inner
        inner = os.open(name, _FILE_FLAGS, dir_fd=fd)
        os.close(fd)
        fd = inner
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(file.rel)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def file_stamp(file: ArchiveFile) -> str:
    """What tells that a file may have changed: its size and modification time."""
    try:
        st = file.path.stat()
    except OSError:
        return ""
    return f"{file.rel}|{st.st_size}|{st.st_mtime_ns}"


def count_articles(root: Path) -> int:
    """A quick count of the articles below ``root``, for the progress bar's ETA."""
    total = 0
    for file in archive_files(root, ReadReport()):
        if file.name.endswith(".txt"):
            total += _is_regular(file.path)
            continue
        try:
            with open_regular(file) as raw:
                if file.name.endswith(".gz"):
                    with gzip.GzipFile(fileobj=raw) as f:
                        total += count_lines(f, os.fstat(raw.fileno()).st_size)
                else:
                    total += count_lines(raw)
        except (OSError, EOFError, zlib.error):
            continue  # the reader reports it
    return total


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
