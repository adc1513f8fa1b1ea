"""Evaluating a query tree over an ``IndexView``: match masks and scores as dense numpy arrays.

Scoring: BM25 per field (title weights carry the schema's field boost, so a title match counts
more), summed over fields and words; a word found in the very form typed adds a fraction of its
BM25 again (exact-form boost). The best ``RERANK`` candidates are then re-scored for proximity
from the positions stored in the index: the tighter the smallest window of body text holding all
required words, the higher.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from indexer.analysis import LEMMA_MARK, lemmas
from indexer.query import And, Node, Not, Or, Text, Value, words_of
from indexer.view import IndexView

K1 = 1.2
B = 0.75
# The title's weights carry the schema's field boost (2.5); this brings it down to 1.25 times
# the body: enough to rank title matches first among equals, not so much that a title word
# outweighs the body sentence a known-item query was taken from.
TITLE_WEIGHT = 0.5
EXACT_WEIGHT = 0.6
# Proximity, for queries of two or more required words: the best RERANK candidates by BM25 get
# score × (1 + PROX_WEIGHT × closeness) / (body length / average) ** LENGTH_PRIOR, where
# closeness adds up: the smallest window holding all words; the smallest holding them in query
# order (ORDER_WEIGHT); the share of words inside it in the very form typed (EXACT_WINDOW_WEIGHT);
# and, for the best SENTENCE_CHECK, whether it lies inside one sentence (SENTENCE_WEIGHT).
# The length prior says a query taken from one sentence is likelier from a short article.
# Tuned on the known-item benchmark (bench/known_item.py).
PROX_WEIGHT = 10.0
ORDER_WEIGHT = 4.0
EXACT_WINDOW_WEIGHT = 2.0
SENTENCE_WEIGHT = 4.0
LENGTH_PRIOR = 0.4
SLACK = 6  # a window this many words wider than the query still counts as fully close
RERANK = 400
SENTENCE_CHECK = 50
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"»)]*\s+(?=[A-ZА-ЯЁ«\"0-9—–-])|\n")


@dataclass(frozen=True)
class WordTerms:
    """How one query word is looked up. ``groups``: the terms of each lemma (the marked lemma
    and the lemma as written — never both at one position, so their counts add up); with
    ``exact``, only the word as typed."""

    word: str
    exact: bool
    groups: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t for g in self.groups for t in g)

    @staticmethod
    def of(word: str, exact: bool) -> WordTerms:
        if exact:
            return WordTerms(word, True, ((word,),))
        return WordTerms(word, False, tuple((LEMMA_MARK + f, f) for f in lemmas(word)))


@dataclass
class Evaluation:
    mask: np.ndarray
    score: np.ndarray
    # Positive words, for highlighting; required top-level words, for proximity.
    highlight: list[WordTerms] = field(default_factory=list)
    required: list[WordTerms] = field(default_factory=list)
    # Words of the query the index does not know (for suggestions).
    unknown: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, view: IndexView):
        self.view = view
        self.n = view.n
        self.highlight: list[WordTerms] = []
        self.unknown: list[str] = []
        self.words: list[str] = []

    def evaluate(self, node: Node) -> Evaluation:
        mask, score = self._eval(node, positive=True)
        ev = Evaluation(mask & self.view.alive, score, self.highlight, [], self.unknown,
                        self.words)
        items = node.items if isinstance(node, And) else [node]
        for item in items:
            if isinstance(item, Text) and item.field is None:
                ev.required += [WordTerms.of(w, item.exact) for w in item.words]
        return ev

    # Tree

    def _eval(self, node: Node, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, Text):
            return self._text(node, positive)
        if isinstance(node, Value):
            return self.value_mask(node.field, node.value, loose=True), self._zeros()
        if isinstance(node, Not):
            mask, _ = self._eval(node.item, not positive)
            return ~mask, self._zeros()
        if isinstance(node, And):
            mask = np.ones(self.n, bool)
            score = self._zeros()
            for item in node.items:
                m, s = self._eval(item, positive)
                mask &= m
                score += s
            return mask, score * mask
        if isinstance(node, Or):
            mask = np.zeros(self.n, bool)
            score = self._zeros()
            for item in node.items:
                m, s = self._eval(item, positive)
                mask |= m
                score += s
            return mask, score
        raise TypeError(node)

    def _zeros(self) -> np.ndarray:
        return np.zeros(self.n, np.float32)

    def _text(self, node: Text, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        fields = ("title", "body") if node.field is None else (node.field,)
        mask = np.ones(self.n, bool)
        score = self._zeros()
        wts = [WordTerms.of(w, node.exact) for w in node.words]
        for wt in wts:
            m, s = self._word(wt, fields)
            if positive:
                self.highlight.append(wt)
                self.words.append(wt.word)
                if not m.any():
                    self.unknown.append(wt.word)
            mask &= m
            score += s
        if node.phrase:
            mask = self._phrase(mask, wts, node.offsets, node.slop, fields)
        return mask, score * mask

    def _word(self, wt: WordTerms, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros(self.n, bool)
        score = self._zeros()
        for f in fields:
            tf = self.tf(f, wt)
            present = tf > 0
            mask |= present
            weight = TITLE_WEIGHT if f == "title" else 1.0
            score += weight * self.bm25(tf, int(present.sum()), f)
            if not wt.exact and EXACT_WEIGHT:
                same = self.view.dense_tf(f, wt.word)
                score += weight * EXACT_WEIGHT * self.bm25(same, int((same > 0).sum()), f)
        return mask, score

    def tf(self, fieldname: str, wt: WordTerms) -> np.ndarray:
        """The word's frequency per document: the best lemma's count of positions."""
        best = None
        for group in wt.groups:
            total = self.view.dense_tf(fieldname, group[0])
            for term in group[1:]:
                total = total + self.view.dense_tf(fieldname, term)
            best = total if best is None else np.maximum(best, total)
        return best

    def bm25(self, tf: np.ndarray, df: int, fieldname: str) -> np.ndarray:
        if df == 0:
            return self._zeros()
        n = self.view.doc_count
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * self.view.lengths[fieldname] / self.view.avg_length[fieldname])
        return (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)

    # Positions

    def positions(self, fieldname: str, wt: WordTerms, docnum: int) -> list[int]:
        """Sorted positions of the word (any of its terms) in one document."""
        found: set[int] = set()
        for term in wt.terms:
            for pos, _, _ in self.view.postings(fieldname, term).occurrences(docnum):
                found.add(pos)
        return sorted(found)

    def spans(self, fieldname: str, wts: list[WordTerms], docnum: int) -> list[tuple[int, int]]:
        """(startchar, endchar) of every occurrence of the words in one document."""
        found: set[tuple[int, int]] = set()
        for wt in wts:
            for term in wt.terms:
                for _, start, end in self.view.postings(fieldname, term).occurrences(docnum):
                    found.add((start, end))
        return sorted(found)

    def _phrase(self, mask: np.ndarray, wts: list[WordTerms], offsets: list[int], slop: int,
                fields: tuple[str, ...]) -> np.ndarray:
        """The documents of ``mask`` where the words stand in a row (or, with ``slop``, within
        a window ``slop`` words wider than the phrase), in any one field.

        Vectorised over all candidates: each occurrence is a key docnum << 32 | position."""
        out = np.zeros(self.n, bool)
        reach = offsets[-1] + slop
        for f in fields:
            first = self._keys(f, wt=wts[0], mask=mask)
            ok = np.ones(len(first), bool)
            for off, wt in zip(offsets[1:], wts[1:], strict=True):
                if not ok.any():
                    break
                # Only documents where the phrase can still match are decoded for later words.
                candidates = np.zeros(self.n, bool)
                candidates[first[ok] >> 32] = True
                other = self._keys(f, wt, candidates)
                if not len(other):
                    ok[:] = False
                elif slop == 0:
                    ok &= np.isin(first + off, other)
                else:
                    i = np.searchsorted(other, first - reach)
                    ok &= (i < len(other)) & (other[np.minimum(i, len(other) - 1)]
                                              <= first + reach)
            docs = np.unique(first[ok] >> 32)
            if slop:
                docs = [d for d in docs.tolist()
                        if min_span([self.positions(f, wt, d) for wt in wts]) <= reach + 1]
            out[docs] = True
        return out

    def _keys(self, fieldname: str, wt: WordTerms, mask: np.ndarray) -> np.ndarray:
        """Sorted keys docnum << 32 | position of the word's occurrences in ``mask``."""
        parts = []
        for term in wt.terms:
            docs, positions = self.view.postings(fieldname, term).positions_in(mask)
            parts.append((docs << 32) | positions)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)

    def rerank(self, docs: np.ndarray, score: np.ndarray, required: list[WordTerms],
               text: Callable[[int], str] | None = None) -> np.ndarray:
        """Scores raised by how close together the required words stand in the body (see the
        constants above); ``text(docnum)`` gives the body for the sentence check."""
        if len({w.word for w in required}) < 2 or not len(docs) or not PROX_WEIGHT:
            return score
        s = score[docs]
        top = docs[np.argpartition(-s, RERANK)[:RERANK]] if len(docs) > RERANK else docs
        windows = self.windows(required, top)
        boost = np.array([w.boost() for w in windows], np.float32)
        final = score.copy()
        final[top] *= 1 + PROX_WEIGHT * boost
        if text is not None and SENTENCE_WEIGHT:
            best = np.argsort(-final[top], kind="stable")[:SENTENCE_CHECK]
            for row in best.tolist():
                w = windows[row]
                if w.span and not _SENTENCE_BREAK.search(text(int(top[row])), w.start, w.end):
                    docnum = top[row]
                    final[docnum] += score[docnum] * PROX_WEIGHT * SENTENCE_WEIGHT * w.closeness
        if LENGTH_PRIOR:
            length = self.view.lengths["body"] / self.view.avg_length["body"]
            final[docs] /= np.maximum(length[docs], 0.05) ** LENGTH_PRIOR
        return final

    def windows(self, required: list[WordTerms], docs: np.ndarray) -> list[Window]:
        """For each doc, the smallest windows of body text holding the required words."""
        unique = list({wt.word: wt for wt in required}.values())
        k = len(unique)
        # Which candidates hold each term at all, in one vectorised pass per term.
        present: dict[str, np.ndarray] = {}
        for wt in unique:
            for term in wt.terms:
                if term not in present:
                    present[term] = np.isin(docs, self.view.postings("body", term).docs)
        out = []
        for row, docnum in enumerate(docs.tolist()):
            lists: list[list[tuple[int, int, int]]] = []
            for wt in unique:
                found: set[tuple[int, int, int]] = set()
                for term in wt.terms:
                    if present[term][row]:
                        found.update(self.view.postings("body", term).occurrences(docnum))
                lists.append(sorted(found))
            w = Window.of(lists, k)
            if w.span and EXACT_WINDOW_WEIGHT:
                w.exact = sum(
                    any(w.start <= st and en <= w.end for _, st, en in
                        self.view.postings("body", wt.word).occurrences(docnum))
                    for wt in unique) / k
            out.append(w)
        return out

    # Facet values

    def value_mask(self, fieldname: str, value: str, loose: bool = False) -> np.ndarray:
        """Documents with the facet value (case-insensitive); ``loose`` also accepts values that
        contain all the given words («путин» → «Владимир Путин»)."""
        facet = self.view.facets[fieldname]
        ids = value_ids(facet.values, value, loose)
        if not ids:
            return np.zeros(self.n, bool)
        return facet.docs_with(ids, self.n)


def value_ids(values: list[str], value: str, loose: bool) -> list[int]:
    want = value.strip().lower().replace("ё", "е")
    ids = [i for i, v in enumerate(values) if v.lower().replace("ё", "е") == want]
    if ids or not loose:
        return ids
    words = set(words_of(want)[0])
    if not words:
        return []
    return [i for i, v in enumerate(values) if words <= set(words_of(v)[0])]


@dataclass
class Window:
    """How close the query words stand in one document's body: the share of the words found
    (``found`` of ``k``), the smallest window holding one of each (``span`` positions, or 0),
    the smallest holding them in query order (``ordered``, or 0), and the characters of the
    ordered window if any, else of the unordered one."""

    k: int
    found: int = 0
    span: int = 0
    ordered: int = 0
    start: int = 0
    end: int = 0
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
    def of(lists: list[list[tuple[int, int, int]]], k: int) -> Window:
        """From each word's sorted (position, startchar, endchar) occurrences, in query order."""
        present = [occ for occ in lists if occ]
        w = Window(k, len(present))
        if len(present) < 2:
            return w
        positions = [[o[0] for o in occ] for occ in present]
        w.span, lo, hi = smallest_window(positions)
        w.start, w.end = _chars(present, lo, hi)
        if len(present) == len(lists):
            w.ordered, lo, hi = ordered_window(positions)
            if w.ordered:
                w.start, w.end = _chars(present, lo, hi)
        return w


def _chars(lists: list[list[tuple[int, int, int]]], lo: int, hi: int) -> tuple[int, int]:
    starts = [o[1] for occ in lists for o in occ if o[0] == lo]
    ends = [o[2] for occ in lists for o in occ if o[0] == hi]
    return min(starts), max(ends)


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
