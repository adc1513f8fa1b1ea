"""Reprints at search time: the groups of near-duplicate articles found at build time
(``indexer.store.reprints_file``) as docnum arrays, and a ranked list with each group shown
once, as its earliest article, the others under it. Counts and facets still count articles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.search.days import NO_DATE
from indexer.store.reprints_file import read_groups


@dataclass
class Reprints:
    """Group number per docnum (-1: no reprints) and each group's docnums, earliest first."""

    group: np.ndarray
    members: list[np.ndarray] = field(default_factory=list)
    _age: np.ndarray | None = field(default=None, repr=False, compare=False)

    def age(self, dates: np.ndarray) -> np.ndarray:
        """Every docnum's place in the order of groups, then dates (undated last), then
        docnums: within a group, the smaller the earlier (computed once)."""
        if self._age is None:
            day = np.where(dates == NO_DATE, np.int64(1) << 40, dates.astype(np.int64))
            by_age = np.lexsort((np.arange(len(self.group)), day, self.group))
            age = np.empty(len(self.group), np.int64)
            age[by_age] = np.arange(len(self.group))
            self._age = age
        return self._age

    def of(self, docnum: int) -> np.ndarray:
        """The docnums of the group ``docnum`` belongs to (earliest first); empty when none."""
        g = int(self.group[docnum])
        return self.members[g] if g >= 0 else np.zeros(0, np.int64)


def load_reprints(build: Path, docnum_of: dict[str, int], n: int) -> Reprints:
    """The build's reprint groups over its live docnums (ids no longer there are skipped)."""
    group = np.full(n, -1, np.int32)
    members: list[np.ndarray] = []
    for ids in read_groups(build):
        docs = [docnum_of[i] for i in ids if i in docnum_of]
        if len(docs) > 1:
            group[docs] = len(members)
            members.append(np.array(docs, np.int64))
    return Reprints(group, members)


def collapse(order: np.ndarray, reprints: Reprints, dates: np.ndarray, by_rank: bool
             ) -> np.ndarray:
    """``order`` with each group of reprints once, as the earliest of its articles in
    ``order``: at the place of the group's best-ranked article (``by_rank``), else at the
    place of the article shown (a sort by date)."""
    if not reprints.members or not len(order):
        return order
    groups = reprints.group[order]
    at = np.flatnonzero(groups >= 0)
    if not len(at):
        return order
    g = groups[at]
    # The earliest article of each group (undated last, ties by docnum) ...
    age = reprints.age(dates)[order[at]]
    earliest = np.full(len(reprints.members), np.iinfo(np.int64).max)
    np.minimum.at(earliest, g, age)
    chosen = np.flatnonzero(age == earliest[g])  # one per group present, in order's order
    present = g[chosen]
    out = order.copy()
    keep = np.ones(len(order), bool)
    keep[at] = False
    if by_rank:
        # ... at the place of the group's best-ranked article.
        best = np.full(len(reprints.members), len(order), np.int64)
        np.minimum.at(best, g, at)
        place = best[present]
        out[place] = order[at[chosen]]
    else:
        place = at[chosen]
    keep[place] = True
    return out[keep]


def reprints_in(view, docnum: int, mask: np.ndarray) -> list[dict]:
    """The other articles of ``docnum``'s group among the results (``mask``), earliest first,
    as {"id", "title", "date", "source"}."""
    others = [int(d) for d in view.reprints.of(docnum) if d != docnum and mask[d]]
    return [reprint_ref(view, d) for d in others]


def reprint_of(view, docnum: int) -> str | None:
    """The id of the earliest article of ``docnum``'s group when ``docnum`` is a later one."""
    group = view.reprints.of(docnum)
    return view.ids[int(group[0])] if len(group) and group[0] != docnum else None


def reprint_ref(view, docnum: int) -> dict:
    stored = view.stored(docnum)
    return {"id": stored.get("id", ""), "title": stored.get("title", ""),
            "date": stored.get("date") or None, "source": stored.get("source", "")}
