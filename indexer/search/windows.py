"""How close the query words stand in a document: the smallest window of positions holding
one of each word, and the smallest holding them in query order."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

# closeness adds up: the smallest window holding all words; the smallest holding them in query
# order (ORDER_WEIGHT); the share of words inside it in the very form typed (EXACT_WINDOW_WEIGHT).
ORDER_WEIGHT = 4.0
EXACT_WINDOW_WEIGHT = 2.0
SLACK = 6  # a window this many words wider than the query still counts as fully close


@dataclass
class Window:
    """How close the query words stand in one document's body: the share of the words found
    (``found`` of ``k``), the smallest window holding one of each (``span`` positions, or 0),
    the smallest holding them in query order (``ordered``, or 0), and the first and last
    position of the ordered window if any, else of the unordered one."""

    k: int
    found: int = 0
    span: int = 0
    ordered: int = 0
    lo: int = 0
    hi: int = 0
    exact: float = 0.0  # share of the words inside the window in the very form typed

    @property
    def closeness(self) -> float:
        span = self.ordered or self.span
        return min(1.0, (self.found + SLACK) / span) ** 0.5 if span else 0.0

    def boost(self) -> float:
        if not self.span:
            return 0.0
        share = (self.found / self.k) ** 2
        close = share * min(1.0, (self.found + SLACK) / self.span)
        if self.ordered:
            close += ORDER_WEIGHT * min(1.0, (self.found + SLACK) / self.ordered)
        return close + EXACT_WINDOW_WEIGHT * self.exact

    @staticmethod
    def of(lists: list[list[int]], k: int) -> Window:
        """From each word's sorted positions, in query order."""
        present = [positions for positions in lists if positions]
        w = Window(k, len(present))
        if len(present) < 2:
            return w
        w.span, w.lo, w.hi = smallest_window(present)
        if len(present) == len(lists):
            w.ordered, lo, hi = ordered_window(present)
            if w.ordered:
                w.lo, w.hi = lo, hi
        return w


def smallest_window(lists: list[list[int]]) -> tuple[int, int, int]:
    """(length, first, last position) of the smallest window holding an element of every
    list (the lists sorted)."""
    merged = sorted((p, i) for i, positions in enumerate(lists) for p in positions)
    need = len(lists)
    count = [0] * need
    have = 0
    best = (1 << 30, 0, 0)
    left = 0
    for p, i in merged:
        if count[i] == 0:
            have += 1
        count[i] += 1
        while have == need:
            lp, li = merged[left]
            if p - lp + 1 < best[0]:
                best = (p - lp + 1, lp, p)
            count[li] -= 1
            if count[li] == 0:
                have -= 1
            left += 1
    return best


def ordered_window(lists: list[list[int]]) -> tuple[int, int, int]:
    """Like ``smallest_window``, with the elements in list order (length 0 when there is
    none): for each start, each next word's first occurrence after the previous one."""
    best = (0, 0, 0)
    for first in lists[0]:
        cur = first
        for positions in lists[1:]:
            i = bisect.bisect_right(positions, cur)
            if i == len(positions):
                return best  # later starts cannot complete either
            cur = positions[i]
        if not best[0] or cur - first + 1 < best[0]:
            best = (cur - first + 1, first, cur)
    return best


def min_span(lists: list[list[int]]) -> int:
    """Length of the smallest window of positions holding one element of every list."""
    return smallest_window(lists)[0]
