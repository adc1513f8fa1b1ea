"""The entity book: what the index knows of its entity values beyond which article holds which.

- ``<segid>.names`` beside each segment: for each entity value of the segment's articles, the
  forms the texts write it in and the posts they give a person, each with the number of
  articles (and, for a post, the latest date it was given).
- ``entities-<generation>.book`` beside the segments of one Whoosh generation: the archive-wide
  merge of values that name one entity («Путин», «Путина» → «Владимир Путин»), and for each
  canonical value its merged values, forms and posts over the whole archive. Written by a
  rebuild or an update before it commits that generation; the search applies it when it opens
  the generation (an index without one is searched unmerged).

Both are pickles of plain dicts, lists and tuples with a version number.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from typing import NamedTuple

NAMES = ".names"
NAMES_VERSION = 1
BOOK_VERSION = 1

# value → (form → articles, post → (articles, latest date "YYYY-MM-DD" or ""))
ValueNames = tuple[dict[str, int], dict[str, tuple[int, str]]]
SegmentNames = dict[str, dict[str, ValueNames]]  # facet field → value → its names


class ValueInfo(NamedTuple):
    """What the archive says of one canonical value."""

    members: tuple[str, ...] = ()  # values merged into it (itself first)
    forms: tuple[tuple[str, int], ...] = ()  # (form as written, articles)
    posts: tuple[tuple[str, int, str], ...] = ()  # (post, articles, latest)


# A ValueInfo as a plain tuple. A searcher holds one per value (67,000 at 100,000 articles):
# Python's collector leaves plain tuples of strings and numbers out of its collections, but
# walks every NamedTuple (and list) in each full collection, a pause of every request of the
# process.
PlainInfo = tuple[tuple[str, ...], tuple[tuple[str, int], ...], tuple[tuple[str, int, str], ...]]


@dataclass
class EntityBook:
    """The archive-wide merge and what is known of each canonical value."""

    merge: dict[str, dict[str, str]] = field(default_factory=dict)  # field → value → canonical
    info: dict[str, dict[str, PlainInfo]] = field(default_factory=dict)  # field → canonical →

    def canonical(self, fieldname: str, value: str) -> str:
        return self.merge.get(fieldname, {}).get(value, value)

    def value_info(self, fieldname: str, value: str) -> ValueInfo | None:
        """What is known of a canonical value; None for one the book does not list."""
        found = self.info.get(fieldname, {}).get(value)
        return None if found is None else ValueInfo._make(found)

    def post_of(self, fieldname: str, value: str) -> str:
        """The commonest post the texts give a canonical value ("" for none), read straight
        from its plain tuple (lists of values ask it of thousands)."""
        found = self.info.get(fieldname, {}).get(value)
        posts = found[2] if found is not None else ()
        return posts[0][0] if posts else ""


def write_segment_names(folder: str, segid: str, names: SegmentNames) -> None:
    with open(os.path.join(folder, segid + NAMES), "wb") as f:
        pickle.dump((NAMES_VERSION, names), f, pickle.HIGHEST_PROTOCOL)


def read_segment_names(folder: str, segid: str) -> SegmentNames | None:
    """What ``write_segment_names`` wrote; None when there is no such file (a segment written
    before the book existed, or without entities) or one of another version."""
    return _read(os.path.join(folder, segid + NAMES), NAMES_VERSION)


def book_file(generation: int) -> str:
    return f"entities-{generation}.book"


def write_book(folder: str, generation: int, book: EntityBook) -> None:
    """Write the book of a generation (atomically: a reader sees all of it or none)."""
    path = os.path.join(folder, book_file(generation))
    data = {
        "merge": book.merge,
        "info": {name: {value: tuple(i) for value, i in values.items()}
                 for name, values in book.info.items()},
    }
    with open(path + ".tmp", "wb") as f:
        pickle.dump((BOOK_VERSION, data), f, pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".tmp", path)


def read_book(folder: str, generation: int) -> EntityBook | None:
    """The book of a generation; None for an index without one."""
    data = _read(os.path.join(folder, book_file(generation)), BOOK_VERSION)
    if data is None:
        return None
    info = {name: {value: (tuple(m), tuple(map(tuple, f)), tuple(map(tuple, p)))
                   for value, (m, f, p) in values.items()} for name, values in data["info"].items()}
    return EntityBook(data["merge"], info)


def _read(path: str, version: int):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        found, data = pickle.load(f)
    return data if found == version else None
