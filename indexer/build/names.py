"""The forms and posts of a segment's entity values, gathered while its articles are written
and kept beside it (``<segid>.names``), for the archive-wide book (``book``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from indexer.store.entity_book import SegmentNames, write_segment_names

EntityValues = dict[str, list]  # field → names (str) or FacetValue records


def plain_values(values: EntityValues | None) -> dict[str, list[str]] | None:
    """An article's values as names only (what the index stores)."""
    if values is None:
        return None
    return {name: [v if isinstance(v, str) else v.name for v in found]
            for name, found in values.items()}


class NameBook:
    """Counts, over one segment's articles, each value's forms and posts."""

    def __init__(self) -> None:
        self.forms: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int)))
        self.posts: dict[str, dict[str, dict[str, list]]] = defaultdict(
            lambda: defaultdict(dict))

    def add(self, values: EntityValues, date: dt.date | None) -> None:
        """One article's values (names alone carry nothing to count)."""
        day = date.isoformat() if date else ""
        for fieldname, found in values.items():
            for value in found:
                if isinstance(value, str):
                    continue
                forms = self.forms[fieldname][value.name]
                for form in value.surfaces:
                    forms[form] += 1
                if value.post:
                    seen = self.posts[fieldname][value.name].setdefault(value.post, [0, ""])
                    seen[0] += 1
                    seen[1] = max(seen[1], day)

    def merge(self, other: SegmentNames) -> None:
        """Add another segment's names (an update writing small segments again as one)."""
        for fieldname, values in other.items():
            for value, (forms, posts) in values.items():
                mine = self.forms[fieldname][value]
                for form, count in forms.items():
                    mine[form] += count
                for post, (count, day) in posts.items():
                    seen = self.posts[fieldname][value].setdefault(post, [0, ""])
                    seen[0] += count
                    seen[1] = max(seen[1], day)

    def data(self) -> SegmentNames:
        out: SegmentNames = {}
        for fieldname in set(self.forms) | set(self.posts):
            values = set(self.forms[fieldname]) | set(self.posts[fieldname])
            out[fieldname] = {
                value: (dict(self.forms[fieldname][value]),
                        {p: (c, d) for p, (c, d) in self.posts[fieldname][value].items()})
                for value in values
            }
        return out

    def write(self, folder: str, segid: str) -> None:
        write_segment_names(folder, segid, self.data())
