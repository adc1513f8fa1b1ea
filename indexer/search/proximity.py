"""Re-ranking for proximity, for queries of two or more required words.

The best ``RERANK`` candidates by BM25F get score × (1 + PROX_WEIGHT × closeness) / (body length
/ average) ** LENGTH_PRIOR, where closeness is a ``Window``'s boost and, for the best
``SENTENCE_CHECK``, whether the window lies inside one sentence (SENTENCE_WEIGHT). The length
prior says a query taken from one sentence is likelier from a short article. Then the best
``PASSAGE_CHECK`` get × (1 + density / PASSAGE_SCALE) ** PASSAGE_WEIGHT, where density sums, over
the body's sentences that hold every required word, 1 / C(n, k) (n: the sentence's words of four
or more letters, k: the query's words; a short sentence holding them all is a tighter match),
times 1 + PASSAGE_EXACT × the share of the words in the form typed, divided by the body's number
of sentences. Tuned on the known-item benchmark (bench/known_item.py, seeds 1–5).

The sentences come from the index's sentence maps (``IndexView.sentence_map``: word positions,
one ``pread`` an article).
"""

from __future__ import annotations

import math

import numpy as np

from indexer.search import windows as window_weights
from indexer.search.budget import Budget
from indexer.search.occurrences import occurrence_keys
from indexer.search.view import IndexView
from indexer.search.windows import Window, window_arrays
from indexer.search.words import WordTerms, unique

PROX_WEIGHT = 10.0
SENTENCE_WEIGHT = 4.0
LENGTH_PRIOR = 0.25
RERANK = 400
SENTENCE_CHECK = 30
PASSAGE_WEIGHT = 1.0
PASSAGE_SCALE = 1e-4
PASSAGE_EXACT = 3.0
PASSAGE_CHECK = 30


class Reranker:
    """Re-ranks candidates over one index version, within a request's budget."""

    def __init__(self, view: IndexView, budget: Budget) -> None:
        self.view = view
        self.budget = budget

    def rerank(self, docs: np.ndarray, score: np.ndarray, required: list[WordTerms],
               sentences: bool = False) -> np.ndarray:
        """Scores raised by how close together the required words stand in the body, and
        with ``sentences`` by whether they stand in one sentence and by passages."""
        if len({w.word for w in required}) < 2 or not len(docs) or not PROX_WEIGHT:
            return score
        if self.budget.late("results were not ranked by proximity"):
            return score
        s = score[docs]
        top = docs[np.argpartition(-s, RERANK)[:RERANK]] if len(docs) > RERANK else docs
        top = top[np.argsort(-score[top], kind="stable")]  # best first, for a cut-short pass
        found = self.windows(required, top)
        top = top[:len(found)]
        boost = np.array([w.boost() for w in found], np.float32)
        final = score.copy()
        final[top] *= 1 + PROX_WEIGHT * boost
        if sentences and SENTENCE_WEIGHT:
            self._sentences(final, score, top, found)
        if LENGTH_PRIOR:
            length = self.view.lengths["body"] / self.view.avg_length["body"]
            final[docs] /= np.maximum(length[docs], 0.05) ** LENGTH_PRIOR
        if sentences and PASSAGE_WEIGHT:
            self._passages(final, docs, required)
        return final

    def _sentences(self, final: np.ndarray, score: np.ndarray, top: np.ndarray,
                   found: list[Window]) -> None:
        """Raises the best SENTENCE_CHECK whose window lies inside one sentence."""
        best = np.argsort(-final[top], kind="stable")[:SENTENCE_CHECK]
        for row in best.tolist():
            w = found[row]
            if w.span and self._one_sentence(int(top[row]), w):
                docnum = int(top[row])
                final[docnum] += score[docnum] * PROX_WEIGHT * SENTENCE_WEIGHT * w.closeness

    def _one_sentence(self, docnum: int, w: Window) -> bool:
        """Whether the window lies inside one sentence: no sentence starts in (lo, hi]."""
        cuts = self.view.sentence_map(docnum)[0]
        return bool(np.searchsorted(cuts, w.lo, side="right")
                    == np.searchsorted(cuts, w.hi, side="right"))

    def _passages(self, final: np.ndarray, docs: np.ndarray, required: list[WordTerms]
                  ) -> None:
        """Raises the best PASSAGE_CHECK scores by the sentences that hold every required word,
        each counted by how short it is (1 / C(long words in it, k)), per sentence of the body.
        All the documents at once: their sentences numbered across them (each a key docnum
        << 32 | its first position), every word's occurrences looked up among them."""
        words = unique(required)
        k = len(words)
        best = np.sort(docs[np.argsort(-final[docs], kind="stable")[:PASSAGE_CHECK]])
        if not len(best) or self.budget.late("fewer results were ranked by sentence"):
            return
        maps = [self.view.sentence_map(d) for d in best.tolist()]
        counts = np.array([len(m[0]) for m in maps])
        cuts = np.concatenate([(d << 32) | m[0] for d, m in zip(best.tolist(), maps,
                                                                 strict=True)])
        sizes = np.maximum(np.concatenate([m[2] for m in maps]), 1)
        mask = np.zeros(self.view.n, bool)
        mask[best] = True

        def sentences(terms: tuple[str, ...]) -> np.ndarray:
            keys = occurrence_keys(self.view, "body", terms, mask)
            return np.unique(np.searchsorted(cuts, keys, side="right") - 1)

        common = sentences(words[0].terms)
        for wt in words[1:]:
            common = np.intersect1d(common, sentences(wt.terms), assume_unique=True)
        if not len(common):
            return
        exact = np.sum([np.isin(common, sentences((wt.word,))) for wt in words], axis=0)
        weight = [(1 + PASSAGE_EXACT * e / k) / math.comb(max(int(n), k), k)
                  for e, n in zip(exact.tolist(), sizes[common].tolist(), strict=True)]
        owner = np.searchsorted(np.cumsum(counts), common, side="right")
        density = np.zeros(len(best))
        np.add.at(density, owner, weight)
        final[best] *= (1 + density / counts / PASSAGE_SCALE) ** PASSAGE_WEIGHT

    def windows(self, required: list[WordTerms], docs: np.ndarray) -> list[Window]:
        """For each doc, the smallest windows of body text holding the required words, from
        the words' positions (read for all docs at once; from the postings arrays where the
        terms have them), computed for all docs at once (``window_arrays``)."""
        words = unique(required)
        k = len(words)
        candidates = np.zeros(self.view.n, bool)
        candidates[docs] = True
        keys = [self._keys(wt.terms, candidates) for wt in words]
        typed = ([self._keys((wt.word,), candidates) for wt in words]
                 if window_weights.EXACT_WINDOW_WEIGHT else [])
        found, span, ordered, lo, hi = window_arrays(keys, docs)
        exact = np.zeros(len(docs))
        base = docs.astype(np.int64) << 32
        for t in typed:  # the words inside the window in the form typed
            exact += (np.searchsorted(t, base | lo, side="left")
                      < np.searchsorted(t, base | hi, side="right"))
        out = []
        for row, (f, s, o, a, b) in enumerate(zip(found.tolist(), span.tolist(),
                                                 ordered.tolist(), lo.tolist(), hi.tolist(),
                                                 strict=True)):
            w = Window(k, f, s, o, a, b)
            if s and typed:
                w.exact = float(exact[row]) / k
            out.append(w)
        return out

    def _keys(self, terms: tuple[str, ...], mask: np.ndarray) -> np.ndarray:
        """Sorted unique keys docnum << 32 | position of the terms' body occurrences in
        ``mask``."""
        return np.unique(occurrence_keys(self.view, "body", terms, mask))
