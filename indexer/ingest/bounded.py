"""Reading an archive file in bounded memory: an article, a JSON line and a gzip stream each
have a limit, and what passes it is skipped with its size instead of being read whole.

A news article is a few kilobytes; the limits are far above any real one and low enough that
the indexer stays under 1 GB with any file the archive may hold (a 2 GB line without a newline,
a 200 MB article, a gzip bomb).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BufferedIOBase

MB = 2**20
MAX_ARTICLE_BYTES = 50 * MB  # an article's text (a native file, a JSON line's "text"), UTF-8
MAX_LINE_BYTES = 128 * MB  # a JSON line (escapes make it longer than its text)
# A gzip stream may give this many bytes whatever its size, and past that at most
# ``GZIP_RATIO`` times its compressed size (text compresses 3–5 times; a bomb of zeros 1,000).
GZIP_FREE_BYTES = 256 * MB
GZIP_RATIO = 100
_CHUNK = MB


def size_text(size: int) -> str:
    """A byte count for a reader: «200.0 MB», «812 bytes»."""
    return f"{size / MB:,.1f} MB" if size >= MB // 10 else f"{size:,} bytes"


def too_large(size: int, limit: int = MAX_ARTICLE_BYTES) -> str | None:
    """The skip reason of an article of ``size`` bytes, None when it is within the limit."""
    if size <= limit:
        return None
    return f"article too large: {size_text(size)} (the limit is {size_text(limit)})"


def text_too_large(text: str) -> str | None:
    """``too_large`` for a text, by its UTF-8 size (measured only when it could be over)."""
    if len(text) <= MAX_ARTICLE_BYTES // 4:  # a character is at most 4 bytes
        return None
    return too_large(len(text.encode("utf-8", "surrogatepass")))


def read_article(f: BufferedIOBase, size: int) -> bytes | str:
    """The bytes of a native article file of ``size`` bytes (its ``fstat`` size), or the
    reason it is skipped; never more than the limit is read (the file may grow meanwhile)."""
    reason = too_large(size)
    if reason:
        return reason
    data = f.read(MAX_ARTICLE_BYTES + 1)
    return too_large(len(data)) or data


@dataclass(frozen=True, slots=True)
class LongLine:
    """A line longer than ``MAX_LINE_BYTES``, skipped: its size in bytes."""

    size: int

    @property
    def reason(self) -> str:
        return f"line too long: {size_text(self.size)} (the limit is {size_text(MAX_LINE_BYTES)})"


class GzipBomb(ValueError):
    """A gzip stream that decompresses to far more than such a file holds."""


def bounded_lines(f: BufferedIOBase, compressed: int | None = None,
                  max_line: int = MAX_LINE_BYTES) -> Iterator[bytes | bytearray | LongLine]:
    """The lines of ``f``, each at most ``max_line`` bytes; a longer one is read through in
    chunks and given as ``LongLine``. ``compressed``: the size of the gzip file ``f``
    decompresses, to raise ``GzipBomb`` past its ratio."""
    limit = _gzip_limit(compressed)
    total = 0
    while start := f.readline(_CHUNK):
        line: bytes | bytearray | LongLine = start
        if not start.endswith(b"\n"):
            line = _rest_of_line(f, start, max_line, None if limit is None else limit - total)
        total += line.size if isinstance(line, LongLine) else len(line)
        yield line
        if limit is not None and total > limit:
            raise GzipBomb(f"it decompresses to more than {size_text(limit)}, "
                           f"{GZIP_RATIO} times its {size_text(compressed or 0)}: stopped there")


def _rest_of_line(f: BufferedIOBase, start: bytes, max_line: int, left: int | None
                  ) -> bytearray | LongLine:
    """A line longer than a chunk, read chunk by chunk; past ``max_line`` the chunks are
    dropped as they come (held whole, a readline of the limit costs twice the limit), and
    reading stops past ``left`` bytes (what a gzip stream may still give)."""
    line: bytearray | None = bytearray(start)
    size = len(start)
    while True:
        chunk = f.readline(_CHUNK)
        size += len(chunk)
        if line is not None:
            line += chunk
            if size > max_line:
                line = None
        if not chunk or chunk.endswith(b"\n") or (left is not None and size > left):
            return line if line is not None else LongLine(size)


def _gzip_limit(compressed: int | None) -> int | None:
    return None if compressed is None else max(GZIP_FREE_BYTES, GZIP_RATIO * compressed)


def count_lines(f: BufferedIOBase, compressed: int | None = None) -> int:
    """The non-blank lines of ``f``, read in chunks (a line may be any length); for a gzip
    stream (``compressed``: its file's size) up to where ``bounded_lines`` would stop, and up
    to where it is damaged."""
    limit = _gzip_limit(compressed)
    lines = total = 0
    pending = False  # whether the line not yet ended holds anything but white space
    try:
        while chunk := f.read1(_CHUNK):
            total += len(chunk)
            *ended, rest = chunk.split(b"\n")
            for part in ended:
                lines += pending or bool(part.strip())
                pending = False
            pending = pending or bool(rest.strip())
            if limit is not None and total > limit:
                break
    except (OSError, EOFError, zlib.error):
        pass  # a damaged file: its lines so far (the reader reports it)
    return lines + pending
