"""Phrases: the documents where the words stand in a row («"новая конституция"»), or within a
window of ``~N`` more words, checked on stored positions, vectorised over all candidates (each
occurrence a key docnum << 32 | position)."""

from __future__ import annotations

import numpy as np

from indexer.search.budget import Budget
from indexer.search.occurrences import occurrence_keys, positions
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
        within a window ``slop`` words wider than the phrase), in any one field.

        The rarest word's occurrences anchor the phrase; each other word, rarest first, is
        looked up only in the documents still holding a candidate, term by term (its forms'
        sorted keys searched, never merged): «"таким образом президент"» reads the positions of
        «таким» and «образом» only where «президент» stands."""
        out = np.zeros(self.view.n, bool)
        reach = offsets[-1] + slop
        for f in fields:
            order = sorted(range(len(wts)), key=lambda i: self._occurrences(f, wts[i], mask))
            # Where the phrase would start; with ``slop``, where the anchor stands (the other
            # words must stand within ``reach`` of it, in any order).
            shift = 0 if slop else offsets[order[0]]
            starts = occurrence_keys(self.view, f, wts[order[0]].terms, mask) - shift
            for i in order[1:]:
                if not len(starts):
                    break
                candidates = np.zeros(self.view.n, bool)
                candidates[starts >> 32] = True
                at = starts + (0 if slop else offsets[i])
                ok = np.zeros(len(starts), bool)
                for term in wts[i].terms:
                    docs, found = self.view.postings(f, term).positions_in(candidates)
                    if len(docs):
                        ok |= _near((docs << 32) | found, at, reach if slop else 0)
                starts = starts[ok]
            docs = np.unique(starts >> 32)
            out[self._within(f, wts, docs.tolist(), reach + 1) if slop else docs] = True
        return out

    def _occurrences(self, fieldname: str, wt: WordTerms, mask: np.ndarray) -> float:
        """About how many times the word occurs in the documents of ``mask`` (its terms'
        weights there: a term's frequency times the field's boost)."""
        total = 0.0
        for term in wt.terms:
            p = self.view.postings(fieldname, term)
            total += float(p.weights[mask[p.docs]].sum()) if len(p.docs) else 0.0
        return total

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


def _near(keys: np.ndarray, at: np.ndarray, reach: int) -> np.ndarray:
    """For each of ``at``: whether the sorted ``keys`` hold it (``reach`` 0), or a key within
    ``reach`` of it either way."""
    i = np.searchsorted(keys, at - reach)
    found = keys[np.minimum(i, len(keys) - 1)]
    return (i < len(keys)) & (found <= at + reach) & (found >= at - reach)
