"""Phrases: the documents where the words stand in a row («"новая конституция"»), or within a
window of ``~N`` more words, checked on stored positions, vectorised over all candidates (each
occurrence a key docnum << 32 | position)."""

from __future__ import annotations

import numpy as np

from indexer.search.budget import Budget
from indexer.search.occurrences import positions
from indexer.search.view import IndexView
from indexer.search.windows import min_span
from indexer.search.words import WordTerms


class PhraseMatcher:
    """Checks phrases over one index version, within a request's budget."""

    def __init__(self, view: IndexView, budget: Budget) -> None:
        self.view = view
        self.budget = budget

    def match(self, mask: np.ndarray, wts: list[WordTerms], offsets: list[int], slop: int,
              fields: tuple[str, ...]) -> np.ndarray:
        """The documents of ``mask`` where the words stand at their ``offsets`` (with ``slop``,
        within a window ``slop`` words wider than the phrase), in any one field."""
        out = np.zeros(self.view.n, bool)
        reach = offsets[-1] + slop
        for f in fields:
            first = self.keys(f, wts[0], mask)
            ok = np.ones(len(first), bool)
            for off, wt in zip(offsets[1:], wts[1:], strict=True):
                if not ok.any():
                    break
                # Only documents where the phrase can still match are decoded for later words.
                candidates = np.zeros(self.view.n, bool)
                candidates[first[ok] >> 32] = True
                other = self.keys(f, wt, candidates)
                if not len(other):
                    ok[:] = False
                elif slop == 0:
                    ok &= np.isin(first + off, other)
                else:
                    i = np.searchsorted(other, first - reach)
                    ok &= (i < len(other)) & (other[np.minimum(i, len(other) - 1)]
                                              <= first + reach)
            docs = np.unique(first[ok] >> 32)
            out[self._within(f, wts, docs.tolist(), reach + 1) if slop else docs] = True
        return out

    def _within(self, fieldname: str, wts: list[WordTerms], docs: list[int], span: int
                ) -> list[int]:
        """The docs where a window of ``span`` positions holds every word; past the deadline,
        the docs left unchecked are kept."""
        out: list[int] = []
        for i, d in enumerate(docs):
            if i % 64 == 63 and self.budget.late("a phrase's ~N was not checked in every result"):
                return out + docs[i:]
            if min_span([positions(self.view, fieldname, wt, d) for wt in wts]) <= span:
                out.append(d)
        return out

    def keys(self, fieldname: str, wt: WordTerms, mask: np.ndarray) -> np.ndarray:
        """Sorted keys docnum << 32 | position of the word's occurrences in ``mask``."""
        parts = []
        for term in wt.terms:
            docs, found = self.view.postings(fieldname, term).positions_in(mask)
            parts.append((docs << 32) | found)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
