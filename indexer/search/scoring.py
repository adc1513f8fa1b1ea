"""BM25F over a word's lemmas, as dense arrays over every document.

Each field's term frequency, normalised by its length (b per field) and weighted, is summed and
then saturated once (k1), with one IDF per word (documents holding it in any field). Title
postings carry the schema's field boost (2.5); ``FIELD_WEIGHT`` 0.4 makes a title occurrence
count as one of the body. An ambiguous form is scored by its likeliest pymorphy3 reading, and
forms of the text that are unlikely readings of a lemma count only in part; the word in the
very form typed adds ``EXACT_WEIGHT`` of its BM25F again. Tuned on the known-item benchmark
(bench/known_item.py, seeds 1–5).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.morphology import morph
from indexer.text.normalise import normalise

K1 = 0.8
FIELD_WEIGHT = {"title": 0.4, "body": 1.0}
FIELD_B = {"title": 0.5, "body": 0.75}
EXACT_WEIGHT = 0.6


class Scorer:
    """Scores words over one index version: over every document, or over ``rows`` only (sorted
    docnums holding every document a score can be above 0 for; the same values there, computed
    on arrays of their length)."""

    def __init__(self, view: IndexView, rows: np.ndarray | None = None) -> None:
        self.view = view
        self.rows = rows
        self._norms: dict[str, np.ndarray] = {}
        self._rows_at: np.ndarray | None = None

    def zeros(self) -> np.ndarray:
        return np.zeros(self.view.n if self.rows is None else len(self.rows), np.float32)

    def dense_tf(self, fieldname: str, term: str) -> np.ndarray:
        """The term's weight in every document (or row), 0 where absent."""
        if self.rows is None:
            return self.view.dense_tf(fieldname, term)
        p = self.view.postings(fieldname, term)
        out = self.zeros()
        at = self._row_of()[p.docs]
        inside = at >= 0
        out[at[inside]] = p.weights[inside]
        return out

    def _row_of(self) -> np.ndarray:
        """Each document's index in ``rows`` (-1 for one not in them), made once: a look-up
        per posting instead of a binary search of the rows."""
        if self._rows_at is None:
            assert self.rows is not None
            self._rows_at = np.full(self.view.n, -1, np.int32)
            self._rows_at[self.rows] = np.arange(len(self.rows), dtype=np.int32)
        return self._rows_at

    def word(self, wt: WordTerms, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Match mask and score of one word over ``fields``: BM25F of its lemma (per reading,
        for an ambiguous word), plus the exact-form bonus."""
        # Each reading's counts, computed once: the best reading's make the word's frequency,
        # and an ambiguous word scores each reading on its own too.
        by_group = [{f: self.group_tf(f, group) for f in fields} for group in wt.groups]
        lemma_tf = {f: _best([tfs[f] for tfs in by_group], self.zeros) for f in fields}
        mask = np.logical_or.reduce([tf > 0 for tf in lemma_tf.values()])
        df = int(mask.sum())
        if len(wt.groups) > 1:
            weights = lemma_weights(wt.word)
            score = self.zeros()
            for group, tfs in zip(wt.groups, by_group, strict=True):
                gdf = int(np.logical_or.reduce([tf > 0 for tf in tfs.values()]).sum())
                score = np.maximum(score, weights.get(group[1], 1.0) * self.bm25f(tfs, gdf))
        else:
            score = self.bm25f(lemma_tf, df)
        if not wt.exact and EXACT_WEIGHT:
            same = {f: self.dense_tf(f, wt.word) for f in fields}
            sdf = int(np.logical_or.reduce([tf > 0 for tf in same.values()]).sum())
            score += EXACT_WEIGHT * self.bm25f(same, sdf)
        return mask, score

    def bm25f(self, tfs: dict[str, np.ndarray], df: int) -> np.ndarray:
        """BM25F: the fields' length-normalised frequencies, weighted, added up and then
        saturated once (a word in the title and the body is not counted twice)."""
        if df == 0:
            return self.zeros()
        pseudo = self.zeros()
        for f, tf in tfs.items():
            pseudo += tf * self.field_norm(f)
        n = self.view.doc_count
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        return (idf * pseudo * (K1 + 1) / (pseudo + K1)).astype(np.float32)

    def field_norm(self, f: str) -> np.ndarray:
        """The field's weight over its length normalisation, per document (once per view)."""
        key = ("bm25f norm", f, FIELD_WEIGHT[f], FIELD_B[f])
        norm = self.view.derived.get(key)
        if norm is None:
            lengths = self.view.lengths[f] / self.view.avg_length[f]
            norm = (FIELD_WEIGHT[f] / (1 - FIELD_B[f] + FIELD_B[f] * lengths)).astype(np.float32)
            self.view.derived[key] = norm
        if self.rows is None:
            return norm
        if f not in self._norms:
            self._norms[f] = norm[self.rows]
        return self._norms[f]

    def group_tf(self, fieldname: str, group: tuple[str, ...]) -> np.ndarray:
        """The count of a lemma's positions per document; forms of the text that are unlikely
        readings of the lemma («осени» for «осенить») count only in part."""
        total = self.dense_tf(fieldname, group[0])
        for term in group[1:]:
            total = total + self.dense_tf(fieldname, term)
        if len(group) > 1:
            for form, weight in unlikely_forms(group[1]):
                total -= (1 - weight) * self.dense_tf(fieldname, form)
            np.maximum(total, 0, out=total)
        return total

    def tf(self, fieldname: str, wt: WordTerms) -> np.ndarray:
        """The word's frequency per document: the best lemma's count of positions."""
        return _best([self.group_tf(fieldname, group) for group in wt.groups], self.zeros)


def _best(counts: list[np.ndarray], zeros: Callable[[], np.ndarray]) -> np.ndarray:
    """The largest of the readings' counts per document (zeros when the word has none)."""
    if not counts:
        return zeros()
    best = counts[0]
    for total in counts[1:]:
        best = np.maximum(best, total)
    return best


@lru_cache(maxsize=100_000)
def lemma_weights(word: str) -> dict[str, float]:
    """How likely each pymorphy3 reading of the word is, relative to the likeliest (lemmas
    added by rule, such as a surname's base, are not listed and count fully)."""
    scores: dict[str, float] = {}
    for p in morph().parse(word):
        lemma = normalise(p.normal_form)
        scores[lemma] = scores.get(lemma, 0.0) + p.score
    top = max(scores.values(), default=0.0)
    return {k: v / top for k, v in scores.items()} if top else {}


@lru_cache(maxsize=20_000)
def unlikely_forms(lemma: str) -> tuple[tuple[str, float], ...]:
    """The forms of ``lemma`` that are likelier read as another word, with how likely the
    ``lemma`` reading is relative to the likeliest («осени»: осень rather than осенить)."""
    forms = {normalise(f.word) for p in morph().parse(lemma)
             if normalise(p.normal_form) == lemma for f in p.lexeme}
    out = []
    for form in sorted(forms - {lemma}):
        weight = lemma_weights(form).get(lemma, 1.0)
        if weight < 1.0:
            out.append((form, weight))
    return tuple(out)
