"""Records that flow from the archive reader to the index."""

from __future__ import annotations

import datetime as dt
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

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


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
