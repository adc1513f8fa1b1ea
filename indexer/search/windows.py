"""How close the query words stand in a document: the smallest window of positions holding
one of each word, and the smallest holding them in query order; for one document
(``Window.of``) or for all candidates at once with numpy (``window_arrays``, the same windows)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

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


Keys = np.ndarray  # sorted unique int64 keys docnum << 32 | position
_FAR = np.iinfo(np.int64).max


def window_arrays(words: list[Keys], docs: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``Window.of`` for many documents at once, in a few array passes instead of a Python loop
    per document. ``words``: each query word's keys docnum << 32 | position; ``docs``: the
    documents. Per document: the words found, the smallest window's span (0 when fewer than
    two words are found), the smallest ordered window's span (0 when none, or not every word
    is found) and the window's first and last position (the ordered one's when there is one),
    as ``smallest_window`` and ``ordered_window`` find them, ties to the first."""
    nd = len(docs)
    row_of = np.full(int(docs.max()) + 1 if nd else 0, -1, np.int64)
    row_of[docs] = np.arange(nd)
    rows = [row_of[w >> 32] for w in words]
    present = np.zeros((len(words), nd), bool)
    for j, r in enumerate(rows):
        present[j, r] = True
    found = present.sum(axis=0)
    span, lo, hi = _smallest(words, rows, present, found, nd)
    ordered = np.zeros(nd, np.int64)
    if len(words) >= 2 and len(words[0]):
        _ordered(words, row_of, found, ordered, lo, hi)
    return found, span, ordered, lo, hi


def _smallest(words: list[Keys], rows: list[np.ndarray], present: np.ndarray,
              found: np.ndarray, nd: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every occurrence by (document, position, word) as a window's right end: its left end is
    the earliest of each found word's latest occurrence up to it; the narrowest per document,
    the first of equals."""
    span, lo, hi = np.zeros(nd, np.int64), np.zeros(nd, np.int64), np.zeros(nd, np.int64)
    row = np.concatenate(rows)
    pos = np.concatenate([w & 0xFFFFFFFF for w in words])
    word = np.concatenate([np.full(len(w), j) for j, w in enumerate(words)])
    order = np.lexsort((word, pos, row))
    row, pos, word = row[order], pos[order], word[order]
    m = len(row)
    if not m:
        return span, lo, hi
    idx = np.arange(m)
    first_of_row = np.zeros(nd, np.int64)
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    first_of_row[row[starts]] = starts
    doc_start = first_of_row[row]
    start = np.full(m, _FAR)
    valid = np.ones(m, bool)
    for j in range(len(words)):
        last = np.maximum.accumulate(np.where(word == j, idx, -1))
        has = last >= doc_start
        need = present[j, row]
        valid &= has | ~need
        start = np.where(need & has, np.minimum(start, pos[np.maximum(last, 0)]), start)
    ok = valid & (found[row] >= 2)
    width = np.where(ok, pos - start + 1, _FAR)
    pick = np.lexsort((idx, width, row))
    firsts = pick[np.r_[True, row[pick][1:] != row[pick][:-1]]]
    good = firsts[ok[firsts]]
    span[row[good]] = width[good]
    lo[row[good]] = start[good]
    hi[row[good]] = pos[good]
    return span, lo, hi


def _ordered(words: list[Keys], row_of: np.ndarray, found: np.ndarray, ordered: np.ndarray,
             lo: np.ndarray, hi: np.ndarray) -> None:
    """From each occurrence of the first word, each next word's first occurrence after the
    previous one, in the same document; the narrowest per document, the first of equals."""
    first = words[0]
    r0 = row_of[first >> 32]
    every = found[r0] == len(words)
    first, r0 = first[every], r0[every]
    cur = first.copy()
    ok = np.ones(len(first), bool)
    for w in words[1:]:
        i = np.searchsorted(w, cur, side="right")
        ok &= i < len(w)
        nxt = w[np.minimum(i, len(w) - 1)] if len(w) else cur
        ok &= (nxt >> 32) == (first >> 32)
        cur = np.where(ok, nxt, cur)
    if not ok.any():
        return
    length = np.where(ok, cur - first + 1, _FAR)
    pick = np.lexsort((np.arange(len(first)), length, r0))
    firsts = pick[np.r_[True, r0[pick][1:] != r0[pick][:-1]]]
    good = firsts[ok[firsts]]
    ordered[r0[good]] = length[good]
    lo[r0[good]] = first[good] & 0xFFFFFFFF
    hi[r0[good]] = cur[good] & 0xFFFFFFFF
