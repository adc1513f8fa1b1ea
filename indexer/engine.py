"""Evaluating a query tree over an ``IndexView``: match masks and scores as dense numpy arrays.

Scoring: BM25F per word (title and body frequencies combined before saturation; an ambiguous
form scored by its likeliest reading), summed over words; a word found in the very form typed
adds a fraction of its BM25F again (exact-form boost). The best ``RERANK`` candidates are then
re-scored for proximity from the positions stored in the index: the tighter the smallest window
of body text holding all required words, the higher; the best ``PASSAGE_CHECK`` also by the short
sentences holding them all.
"""

from __future__ import annotations

import bisect
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from indexer.analysis import LEMMA_MARK, lemmas, morph
from indexer.query import And, Node, Not, Or, Text, Value, words_of
from indexer.view import IndexView

# BM25F: each field's term frequency, normalised by its length (b per field) and weighted, is
# summed and then saturated once (k1), with one IDF per word (documents holding it in any field).
# Title postings carry the schema's field boost (2.5); FIELD_WEIGHT 0.4 makes a title occurrence
# count as one of the body.
K1 = 0.8
FIELD_WEIGHT = {"title": 0.4, "body": 1.0}
FIELD_B = {"title": 0.5, "body": 0.75}
EXACT_WEIGHT = 0.6
# Proximity, for queries of two or more required words: the best RERANK candidates by BM25 get
# score × (1 + PROX_WEIGHT × closeness) / (body length / average) ** LENGTH_PRIOR, where
# closeness adds up: the smallest window holding all words; the smallest holding them in query
# order (ORDER_WEIGHT); the share of words inside it in the very form typed (EXACT_WINDOW_WEIGHT);
# and, for the best SENTENCE_CHECK, whether it lies inside one sentence (SENTENCE_WEIGHT).
# The length prior says a query taken from one sentence is likelier from a short article.
# Then the best PASSAGE_CHECK get × (1 + density / PASSAGE_SCALE) ** PASSAGE_WEIGHT, where
# density sums, over the body's sentences that hold every required word, 1 / C(n, k) (n: the
# sentence's words of four or more letters, k: the query's words; a short sentence holding them
# all is a tighter match), times 1 + PASSAGE_EXACT × the share of the words in the form typed,
# divided by the body's number of sentences.
# Tuned on the known-item benchmark (bench/known_item.py, seeds 1–5).
PROX_WEIGHT = 10.0
ORDER_WEIGHT = 4.0
EXACT_WINDOW_WEIGHT = 2.0
SENTENCE_WEIGHT = 4.0
LENGTH_PRIOR = 0.25
SLACK = 6  # a window this many words wider than the query still counts as fully close
RERANK = 400
SENTENCE_CHECK = 30
PASSAGE_WEIGHT = 1.0
PASSAGE_SCALE = 1e-4
PASSAGE_EXACT = 3.0
PASSAGE_CHECK = 30
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
    """Evaluates query trees over one view; with a ``deadline`` (``time.perf_counter()``),
    clauses and re-ranking left when it passes are skipped and said in ``warnings``."""

    def __init__(self, view: IndexView, deadline: float | None = None,
                 within: np.ndarray | None = None):
        self.view = view
        self.n = view.n
        self.deadline = deadline
        # The documents the result is limited to anyway (the request's filters): phrases are
        # checked only there, so a filter makes a phrase cheaper rather than dearer.
        self.within = within
        self.highlight: list[WordTerms] = []
        self.unknown: list[str] = []
        self.words: list[str] = []
        self.warnings: list[str] = []

    def late(self, what: str) -> bool:
        """Whether the deadline has passed (noting that ``what`` was cut short)."""
        if self.deadline is None or time.perf_counter() < self.deadline:
            return False
        note = f"time limit reached: {what}"
        if note not in self.warnings:
            self.warnings.append(note)
        return True

    def evaluate(self, node: Node) -> Evaluation:
        mask, score = self._eval(node, positive=True)
        ev = Evaluation(mask & self.view.alive, score, self.highlight, [], self.unknown,
                        self.words)
        items = node.items if isinstance(node, And) else [node]
        evaluated = set(self.words)  # past the deadline, not every word was looked up
        for item in items:
            if isinstance(item, Text) and item.field is None:
                ev.required += [WordTerms.of(w, item.exact) for w in item.words
                                if w in evaluated]
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
            for i, item in enumerate(node.items):
                if i and self.late("some words of the query were left out"):
                    break
                m, s = self._eval(item, positive)
                mask &= m
                score += s
            return mask, score * mask
        if isinstance(node, Or):
            mask = np.zeros(self.n, bool)
            score = self._zeros()
            for i, item in enumerate(node.items):
                if i and self.late("some words of the query were left out"):
                    break
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
        if node.phrase and not self.late("a phrase was searched as separate words"):
            mask = self._phrase(mask, wts, node.offsets, node.slop, fields)
        return mask, score * mask

    def _word(self, wt: WordTerms, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Match mask and score of one word over ``fields``: BM25F of its lemma (per reading,
        for an ambiguous word), plus the exact-form bonus."""
        lemma_tf = {f: self.tf(f, wt) for f in fields}
        mask = np.logical_or.reduce([tf > 0 for tf in lemma_tf.values()])
        df = int(mask.sum())
        if len(wt.groups) > 1:
            weights = lemma_weights(wt.word)
            score = self._zeros()
            for group in wt.groups:
                tfs = {f: self.group_tf(f, group) for f in fields}
                gdf = int(np.logical_or.reduce([tf > 0 for tf in tfs.values()]).sum())
                score = np.maximum(score, weights.get(group[1], 1.0) * self.bm25f(tfs, gdf))
        else:
            score = self.bm25f(lemma_tf, df)
        if not wt.exact and EXACT_WEIGHT:
            same = {f: self.view.dense_tf(f, wt.word) for f in fields}
            sdf = int(np.logical_or.reduce([tf > 0 for tf in same.values()]).sum())
            score += EXACT_WEIGHT * self.bm25f(same, sdf)
        return mask, score

    def bm25f(self, tfs: dict[str, np.ndarray], df: int) -> np.ndarray:
        """BM25F: the fields' length-normalised frequencies, weighted, added up and then
        saturated once (a word in the title and the body is not counted twice)."""
        if df == 0:
            return self._zeros()
        pseudo = self._zeros()
        for f, tf in tfs.items():
            lengths = self.view.lengths[f] / self.view.avg_length[f]
            pseudo += FIELD_WEIGHT[f] * tf / (1 - FIELD_B[f] + FIELD_B[f] * lengths)
        n = self.view.doc_count
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        return (idf * pseudo * (K1 + 1) / (pseudo + K1)).astype(np.float32)

    def group_tf(self, fieldname: str, group: tuple[str, ...]) -> np.ndarray:
        """The count of a lemma's positions per document; forms of the text that are unlikely
        readings of the lemma («осени» for «осенить») count only in part."""
        total = self.view.dense_tf(fieldname, group[0])
        for term in group[1:]:
            total = total + self.view.dense_tf(fieldname, term)
        if len(group) > 1:
            for form, weight in unlikely_forms(group[1]):
                total -= (1 - weight) * self.view.dense_tf(fieldname, form)
            np.maximum(total, 0, out=total)
        return total

    def tf(self, fieldname: str, wt: WordTerms) -> np.ndarray:
        """The word's frequency per document: the best lemma's count of positions."""
        best = None
        for group in wt.groups:
            total = self.group_tf(fieldname, group)
            best = total if best is None else np.maximum(best, total)
        return best

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
        if self.within is not None:
            mask = mask & self.within
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
                docs = self._within(f, wts, docs.tolist(), reach + 1)
            out[docs] = True
        return out

    def _within(self, fieldname: str, wts: list[WordTerms], docs: list[int], span: int
                ) -> list[int]:
        """The docs where a window of ``span`` positions holds every word; past the deadline,
        the docs left unchecked are kept."""
        out = []
        for i, d in enumerate(docs):
            if i % 64 == 63 and self.late("a phrase's ~N was not checked in every result"):
                return out + docs[i:]
            if min_span([self.positions(fieldname, wt, d) for wt in wts]) <= span:
                out.append(d)
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
        if self.late("results were not ranked by proximity"):
            return score
        s = score[docs]
        top = docs[np.argpartition(-s, RERANK)[:RERANK]] if len(docs) > RERANK else docs
        top = top[np.argsort(-score[top], kind="stable")]  # best first, for a cut-short pass
        windows = self.windows(required, top)
        top = top[:len(windows)]
        boost = np.array([w.boost() for w in windows], np.float32)
        final = score.copy()
        final[top] *= 1 + PROX_WEIGHT * boost
        if text is not None and SENTENCE_WEIGHT:
            best = np.argsort(-final[top], kind="stable")[:SENTENCE_CHECK]
            for row in best.tolist():
                w = windows[row]
                if not w.span:
                    continue
                start, end = self.window_chars(required, int(top[row]), w)
                if not _SENTENCE_BREAK.search(text(int(top[row])), start, end):
                    docnum = top[row]
                    final[docnum] += score[docnum] * PROX_WEIGHT * SENTENCE_WEIGHT * w.closeness
        if LENGTH_PRIOR:
            length = self.view.lengths["body"] / self.view.avg_length["body"]
            final[docs] /= np.maximum(length[docs], 0.05) ** LENGTH_PRIOR
        if text is not None and PASSAGE_WEIGHT:
            self._passages(final, docs, required, text)
        return final

    def _sentence_ids(self, cuts: np.ndarray, docnum: int, terms: tuple[str, ...]) -> set[int]:
        starts = [st for term in terms
                  for _, st, _ in self.view.postings("body", term).occurrences(docnum)]
        return set(np.searchsorted(cuts, starts, side="right").tolist())

    def _passages(self, final: np.ndarray, docs: np.ndarray, required: list[WordTerms],
                  text: Callable[[int], str]) -> None:
        """Raises the best PASSAGE_CHECK scores by the sentences that hold every required word,
        each counted by how short it is (1 / C(long words in it, k)), per sentence of the body."""
        unique = list({wt.word: wt for wt in required}.values())
        k = len(unique)
        n = min(PASSAGE_CHECK, len(docs))
        best = docs[np.argsort(-final[docs], kind="stable")[:n]]
        for docnum in best.tolist():
            if self.late("fewer results were ranked by sentence"):
                break
            cuts, sizes = sentences(text(docnum))
            common: set[int] | None = None
            exact: list[set[int]] = []
            for wt in unique:
                ids = self._sentence_ids(cuts, docnum, wt.terms)
                common = ids if common is None else common & ids
                exact.append(self._sentence_ids(cuts, docnum, (wt.word,)))
            if not common:
                continue
            density = sum((1 + PASSAGE_EXACT * sum(i in e for e in exact) / k)
                          / math.comb(max(int(sizes[i - 1]), k), k) for i in common)
            final[docnum] *= (1 + density / len(sizes) / PASSAGE_SCALE) ** PASSAGE_WEIGHT

    def windows(self, required: list[WordTerms], docs: np.ndarray) -> list[Window]:
        """For each doc, the smallest windows of body text holding the required words, from
        the words' positions (read for all docs at once; from the postings arrays where the
        terms have them)."""
        unique = list({wt.word: wt for wt in required}.values())
        k = len(unique)
        candidates = np.zeros(self.n, bool)
        candidates[docs] = True
        words = [self._doc_positions(wt.terms, candidates, docs) for wt in unique]
        typed = ([self._doc_positions((wt.word,), candidates, docs) for wt in unique]
                 if EXACT_WINDOW_WEIGHT else [])
        out: list[Window] = []
        for row in range(len(docs)):
            if row % 50 == 49 and self.late("fewer results were ranked by proximity"):
                break
            w = Window.of([positions[row] for positions in words], k)
            if w.span and typed:
                w.exact = sum(any(w.lo <= p <= w.hi for p in t[row]) for t in typed) / k
            out.append(w)
        return out

    def _doc_positions(self, terms: tuple[str, ...], mask: np.ndarray, docs: np.ndarray
                       ) -> list[list[int]]:
        """For each of ``docs`` (all in ``mask``), the sorted body positions of the terms."""
        keys = [(d << 32) | p for d, p in
                (self.view.postings("body", term).positions_in(mask) for term in terms)]
        found = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
        at = found >> 32
        positions = (found & 0xFFFFFFFF).tolist()
        lo = np.searchsorted(at, docs).tolist()
        hi = np.searchsorted(at, docs, side="right").tolist()
        return [positions[a:b] for a, b in zip(lo, hi, strict=True)]

    def window_chars(self, required: list[WordTerms], docnum: int, w: Window
                     ) -> tuple[int, int]:
        """The characters of a window: from the start of its first word to the end of its
        last (read from the values of the words in that one document)."""
        starts, ends = [], []
        for wt in {wt.word: wt for wt in required}.values():
            for term in wt.terms:
                for pos, start, end in self.view.postings("body", term).occurrences(docnum):
                    if pos == w.lo:
                        starts.append(start)
                    if pos == w.hi:
                        ends.append(end)
        return min(starts), max(ends)

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


@lru_cache(maxsize=100_000)
def lemma_weights(word: str) -> dict[str, float]:
    """How likely each pymorphy3 reading of the word is, relative to the likeliest (lemmas
    added by rule, such as a surname's base, are not listed and count fully)."""
    scores: dict[str, float] = {}
    for p in morph().parse(word):
        lemma = p.normal_form.replace("ё", "е")
        scores[lemma] = scores.get(lemma, 0.0) + p.score
    top = max(scores.values(), default=0.0)
    return {k: v / top for k, v in scores.items()} if top else {}


_LONG_WORD = re.compile(r"\w{4,}")


@lru_cache(maxsize=4000)
def sentences(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The start offsets of the text's sentences and how many words of four or more letters
    each holds (at least 1)."""
    cuts = np.array([0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)], np.int64)
    words = np.array([m.start() for m in _LONG_WORD.finditer(text)], np.int64)
    counts = np.diff(np.searchsorted(words, np.append(cuts, len(text) + 1)))
    return cuts, np.maximum(counts, 1)


@lru_cache(maxsize=20_000)
def unlikely_forms(lemma: str) -> tuple[tuple[str, float], ...]:
    """The forms of ``lemma`` that are likelier read as another word, with how likely the
    ``lemma`` reading is relative to the likeliest («осени»: осень rather than осенить)."""
    forms = {f.word.replace("ё", "е") for p in morph().parse(lemma)
             if p.normal_form.replace("ё", "е") == lemma for f in p.lexeme}
    out = []
    for form in sorted(forms - {lemma}):
        weight = lemma_weights(form).get(lemma, 1.0)
        if weight < 1.0:
            out.append((form, weight))
    return tuple(out)


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

