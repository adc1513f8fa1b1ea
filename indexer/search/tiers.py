"""Full matches, then partial ones: the ranking of a query's results in two tiers.

The query's top-level clauses are of three kinds. **Words** (plain words, and what one typed
word was expanded into: ``rewrite.Alternatives``) are required in the first tier; an article
missing one of them (two, for five words or more) still comes in the second. **Strict** clauses
(quoted phrases and words, ``!word``, ``NOT``, field prefixes, filters) hold in every tier.
**Optional** clauses are the function and question words of a plain query («почему», «в»):
they add to the score where an article holds them and never exclude one (unless the query is
nothing else: then they are all required, «что где когда»).

The first tier is ranked as ever (BM25F, then proximity over its words). The second is shown
only when the first does not fill the first page (``fill``), after every full match, ranked by
how much of the query an article holds (its share: the IDF of its words over that of all)
together with the same BM25F and proximity over the words it holds: score × share². (Share
first and score second, strictly, ranks the known item of a query with one wrong word lower:
MRR@10 0.398 against 0.523 on bench/known_item.py's extra-word queries, seeds 1–2; the words
held are IDF-weighted in BM25F already.) The engine is used only through ``Engine.evaluate``
(a tree → mask and score) and ``Reranker.rerank``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.search.expansion import Alternatives
from indexer.search.function_words import is_function_word
from indexer.search.matching import Engine, highlight_words
from indexer.search.ordering import ordered
from indexer.search.proximity import Reranker
from indexer.search.query import And, Node, Or, Text
from indexer.search.view import IndexView
from indexer.search.words import WordTerms

OPTIONAL_WEIGHT = 1.0  # of a function word's BM25F, where an article holds it
ALIAS_WEIGHT = 0.5  # an article naming the thing otherwise than typed scores this much less
MANY_WORDS = 5  # from this many words, an article may miss two
PARTIAL_RERANK = 30  # best partial matches re-ranked for proximity (windows only)
SHARE_POWER = 2.0  # a partial match scores score × share of the query held ** SHARE_POWER


@dataclass
class Clause:
    node: Node
    kind: str  # "word", "strict" or "optional"
    label: str = ""  # the word(s) searched, for a hit's ``missing``
    proximity: list[WordTerms] = field(default_factory=list)  # its words for proximity


@dataclass
class Ranking:
    """The results in order (full matches, then partial), with what each partial one lacks."""

    order: np.ndarray
    score: np.ndarray
    full: int
    partial: int
    missing: dict[int, list[str]]
    highlight: list[WordTerms]
    relaxed: bool = False  # the second tier was looked for
    optional: list[str] = field(default_factory=list)  # function words that did not exclude
    left_out: int = 0  # full matches among the ``counted`` articles (not shown)


def clauses_of(node: Node) -> list[Clause]:
    """The top-level clauses of a query tree, each with its kind."""
    items = node.items if isinstance(node, And) else [node]
    clauses = [_clause(item) for item in items]
    words = [c for c in clauses if c.kind == "word"]
    if words and all(is_function_word(c.label) for c in words):
        for c in words:  # only function words: they are the query, all of it
            c.kind = "strict"
        return clauses
    for c in words:
        if is_function_word(c.label) and isinstance(c.node, Text):
            c.kind = "optional"
    return clauses


def _clause(node: Node) -> Clause:
    if isinstance(node, Text) and _plain(node):
        return Clause(node, "word", node.words[0], [WordTerms.of(node.words[0], False)])
    if isinstance(node, Alternatives):
        return Clause(node, "word", node.label, [_combined(node)])
    if isinstance(node, Or) and all(isinstance(i, Text) and _plain(i) for i in node.items):
        return Clause(node, "word", " | ".join(i.words[0] for i in node.items
                                               if isinstance(i, Text)))
    return Clause(node, "strict")


def _plain(node: Text) -> bool:
    return not (node.exact or node.phrase or node.quoted or node.field) and len(node.words) == 1


def _combined(node: Alternatives) -> WordTerms:
    """One word for proximity made of the single-word alternatives' terms."""
    groups = tuple(g for wt in highlight_words(node) if len(wt.word.split()) == 1
                   for g in wt.groups)
    return WordTerms(node.label, False, groups)


class Tiers:
    """Ranks a query's results over one view: ``engine`` evaluates, ``reranker`` re-ranks;
    ``within``: the request's filters; ``counted``: articles outside them whose full matches
    are only counted (the undated ones a date range leaves out); ``need``: how many full
    matches must be in order (all when None)."""

    def __init__(self, view: IndexView, engine: Engine, reranker: Reranker,
                 within: np.ndarray, counted: np.ndarray | None = None,
                 need: int | None = None) -> None:
        self.view = view
        self.need = need
        self.engine = engine
        self.reranker = reranker
        self.within = within
        self.counted = counted

    def rank(self, node: Node, by_relevance: bool, fill: int, by_date) -> Ranking:
        """``fill``: the first page's size (fewer full matches and the second tier is added);
        ``by_date(docs, score)``: docs in date order, for the date sorts."""
        clauses = clauses_of(node)
        masks, scores = self._evaluate(clauses)
        kinds = [c.kind for c in clauses]
        matched = np.ones(self.view.n, bool)  # every strict clause and every word
        for kind, mask in zip(kinds, masks, strict=True):
            if kind == "strict":
                matched &= mask
        strict = matched & self.within
        words = [i for i, k in enumerate(kinds) if k == "word"]
        for i in words:
            matched &= masks[i]
        full = matched & self.within
        left_out = int(np.count_nonzero(matched & self.counted)) if self.counted is not None else 0
        score = np.zeros(self.view.n, np.float32)
        for kind, s in zip(kinds, scores, strict=True):
            score += OPTIONAL_WEIGHT * s if kind == "optional" else s
        docs = np.flatnonzero(full)
        if by_relevance:
            optional = [i for i, k in enumerate(kinds) if k == "optional"]
            score = self._rerank_full(docs, score, clauses, words, optional, masks)
            order = ordered(docs, -score[docs], -self.view.dates[docs], self.need,
                            self.view.reprints.group)
        else:
            order = by_date(docs, score)
        missing: dict[int, list[str]] = {}
        partial = np.zeros(0, np.int64)
        relaxed = len(words) >= 2 and len(docs) < fill
        if relaxed:
            partial = self._partial(clauses, words, masks, strict & ~full, score, missing,
                                    by_relevance, by_date)
        return Ranking(np.concatenate([order, partial]).astype(np.int64), score, len(docs),
                       len(partial), missing, list(self.engine.highlight), relaxed,
                       [c.label for c in clauses if c.kind == "optional"], left_out)

    def _rerank_full(self, docs: np.ndarray, score: np.ndarray, clauses: list[Clause],
                     words: list[int], optional: list[int], masks: list[np.ndarray]
                     ) -> np.ndarray:
        """Full matches by BM25F and proximity over the query's words. Function words join
        them only when fewer than two other words are left (then, for the articles holding
        them all, re-ranked apart: one lacking «сейчас» is ranked as before, not marked down
        for the gap); otherwise where a «почему» stands says nothing of the article."""
        proximity = [wt for i in words for wt in clauses[i].proximity]
        if not optional or len(words) >= 2:
            return self.reranker.rerank(docs, score, proximity, sentences=True)
        holds = np.logical_and.reduce([masks[i] for i in optional])[docs]
        with_all = [wt for i in sorted(words + optional) for wt in clauses[i].proximity]
        final = score.copy()
        for group, terms in ((docs[holds], with_all), (docs[~holds], proximity)):
            if len(group):
                final[group] = self.reranker.rerank(group, score, terms, sentences=True)[group]
        return final

    def _evaluate(self, clauses: list[Clause]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Each clause's mask and score; clauses past the time limit are left out (match all,
        score nothing), the first always evaluated."""
        masks, scores = [], []
        for i, clause in enumerate(clauses):
            if i and self.engine.budget.late("some words of the query were left out"):
                masks.append(np.ones(self.view.n, bool))
                scores.append(np.zeros(self.view.n, np.float32))
                continue
            if isinstance(clause.node, Alternatives):
                mask, score = self._alternatives(clause.node)
            else:
                ev = self.engine.evaluate(clause.node)
                mask, score = ev.mask, ev.score
            masks.append(mask)
            scores.append(score)
        return masks, scores

    def _alternatives(self, node: Alternatives) -> tuple[np.ndarray, np.ndarray]:
        """Any of the ways of writing one thing, scored by the best of them in each article
        (an article saying «Россия» and «РФ» is not twice about it); another name than the
        one typed counts ALIAS_WEIGHT (the words of a prefix are all typed alike)."""
        mask = np.zeros(self.view.n, bool)
        score = np.zeros(self.view.n, np.float32)
        for i, item in enumerate(node.items):
            ev = self.engine.evaluate(item)
            mask |= ev.mask
            weight = 1.0 if i == 0 or node.label.endswith("*") else ALIAS_WEIGHT
            np.maximum(score, weight * ev.score, out=score)
        return mask, score

    def _partial(self, clauses: list[Clause], words: list[int], masks: list[np.ndarray],
                 candidates: np.ndarray, score: np.ndarray, missing: dict[int, list[str]],
                 by_relevance: bool, by_date) -> np.ndarray:
        """The second tier in order, filling ``missing``: by score × share², the share being
        how much of the query an article holds (the IDF of its words over that of all); the
        best PARTIAL_RERANK re-ranked for proximity over the words each holds first."""
        allowed = 2 if len(words) >= MANY_WORDS else 1
        held = np.zeros(self.view.n, np.int16)
        pattern = np.zeros(self.view.n, np.int64)  # bit k: the article lacks words[k]
        for k, i in enumerate(words):
            held += masks[i]
            pattern |= (~masks[i]).astype(np.int64) << k
        docs = np.flatnonzero(candidates & (held >= len(words) - allowed) & (held > 0))
        idf = np.array([self._idf(masks[i]) for i in words])
        lacking = {bits: [k for k in range(len(words)) if bits >> k & 1]
                   for bits in np.unique(pattern[docs]).tolist()}
        share = np.zeros(self.view.n, np.float32)
        for bits, lacks in lacking.items():
            share[docs[pattern[docs] == bits]] = 1 - idf[lacks].sum() / max(idf.sum(), 1e-9)
        if by_relevance:
            key = score[docs] * share[docs] ** SHARE_POWER
            top = docs[np.argsort(-key, kind="stable")]
            head, tail = top[:PARTIAL_RERANK], top[PARTIAL_RERANK:]
            for bits, lacks in lacking.items():
                group = head[pattern[head] == bits]
                if len(group):
                    held_words = [wt for k, i in enumerate(words) if k not in lacks
                                  for wt in clauses[i].proximity]
                    score[group] = self.reranker.rerank(group, score, held_words)[group]
            key = score[head] * share[head] ** SHARE_POWER
            order = np.concatenate([head[np.lexsort((-self.view.dates[head], -key))], tail])
        else:
            order = by_date(docs, score)
        for d in order.tolist():
            missing[d] = [clauses[words[k]].label for k in lacking[int(pattern[d])]]
        return order

    def _idf(self, mask: np.ndarray) -> float:
        n = self.view.doc_count
        df = int(mask.sum())
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
