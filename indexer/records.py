"""Records that flow from the archive reader to the index."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


@dataclass(slots=True)
class Article:
    """One article as read from the archive."""

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    source: str = ""
    url: str = ""
    topic: str = ""
    path: str = ""
    checksum: str = ""
    stamp: str = ""  # "<file>|<size>|<mtime_ns>" of the file it came from


@dataclass(slots=True)
class Problem:
    """A file or line that was skipped (``skipped=True``) or read with a warning."""

    path: str
    reason: str
    line: int | None = None
    skipped: bool = True

    @property
    def kind(self) -> str:
        """The reason without its particulars: «duplicate id», «invalid JSON», «bad date»."""
        return self.reason.split(":")[0].split(" '")[0].split(" (")[0]

    def __str__(self) -> str:
        """One line, whatever the file name holds (a newline in a name cannot forge a line
        of the summary; bytes that are not UTF-8 show as ``\\xNN``)."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return escaped(f"{where}: {self.reason}")


def escaped(text: str) -> str:
    """``text`` fit for one line of a terminal: control characters, line and paragraph
    separators, bidirectional overrides and undecodable bytes (lone surrogates from
    ``os.fsdecode``) written as escapes; everything else, Cyrillic included, as it is."""
    return _UNPRINTABLE.sub(_escape, text)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"  # a byte os.fsdecode could not decode
    return char.encode("unicode_escape").decode("ascii")


@dataclass(slots=True)
class Entity:
    """A named entity mention: kind is PER, ORG or LOC; name is the canonical form; post, for
    a person, the post the text gives before the name («начальник УНК ГУ МВД по Москве»)."""

    kind: str
    name: str
    start: int
    end: int
    post: str = ""


@dataclass(slots=True)
class ReadReport:
    """What reading an archive found besides the articles."""

    problems: list[Problem] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)

    def count_encoding(self, encoding: str) -> None:
        """One more file (or JSON Lines file) read in ``encoding``."""
        self.encodings[encoding] = self.encodings.get(encoding, 0) + 1
