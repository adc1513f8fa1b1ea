"""Bytes of an archive file as text: UTF-8 (with or without BOM), UTF-16 with BOM, or
Windows-1251 where the text is not UTF-8 and reads as Cyrillic."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from indexer.ingest.bounded import LongLine

# Control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes) -> tuple[str, str, str | None]:
    """Text, encoding name, and the reason when the bytes are not usable text."""
    if not data.strip():
        return "", "", "empty file"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            return "", "", "undecodable UTF-16 text"
    if b"\x00" in data[:8192]:
        return "", "", "binary file (NUL bytes)"
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding, problem = _not_utf8(data)
        if problem:
            return "", "", problem
    if _control_ratio(text) > 0.01:
        return "", "", "binary file (control characters)"
    return text, encoding, None


def _not_utf8(data: bytes) -> tuple[str, str, str | None]:
    text = data.decode("utf-8-sig", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) // 1000):
        # A few broken bytes (a copy cut mid-letter) in UTF-8, not Windows-1251.
        return text, "utf-8 with undecodable bytes", None
    undecodable = "undecodable text (neither UTF-8 nor Windows-1251)"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return "", "", undecodable
    if not _looks_russian(text):
        return "", "", undecodable
    return text, "cp1251", None


def decoded_lines(f: Iterable[bytes | bytearray | LongLine], encodings: set[str]
                  ) -> Iterator[str | LongLine]:
    """Lines of a binary file as text: UTF-8, or Windows-1251 line by line where it is not;
    the encodings met are added to ``encodings``. A line left out is passed on as it is."""
    for number, raw in enumerate(f):
        if isinstance(raw, LongLine):
            yield raw
            continue
        if number == 0:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            line, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            line, encoding = raw.decode("cp1251", errors="replace"), "cp1251"
        if line.strip():
            encodings.add(encoding)
        yield line


def _looks_russian(text: str) -> bool:
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return False
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    return cyrillic / len(letters) > 0.5


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))
