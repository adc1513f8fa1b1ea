"""Evaluating a query tree over an ``IndexView``: match masks and scores as dense numpy arrays.

A word matches through its lemma terms (``!word`` through the word as typed) and is scored by
``scoring``; phrases are checked by ``phrases``, only inside the request's filters; facet values
(``person:…``) match through the facet arrays. With a budget that runs out, the clauses left are
skipped and said in ``warnings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from indexer.search.budget import Budget
from indexer.search.facet_arrays import Facet
from indexer.search.phrases import PhraseMatcher
from indexer.search.query import And, Node, Not, Or, Text, Value
from indexer.search.scoring import Scorer
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.normalise import normalise


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
    """Evaluates query trees over one view within a budget. ``within``: the documents the
    result is limited to anyway (the request's filters): phrases are checked only there, so a
    filter makes a phrase cheaper rather than dearer."""

    def __init__(self, view: IndexView, budget: Budget | None = None,
                 within: np.ndarray | None = None):
        self.view = view
        self.n = view.n
        self.budget = budget or Budget()
        self.within = within
        self.scorer = Scorer(view)
        self.phrases = PhraseMatcher(view, self.budget)
        self.highlight: list[WordTerms] = []
        self.unknown: list[str] = []
        self.words: list[str] = []
        self.value_matches: list[dict] = []  # facet values asked for that matched others

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

    def _eval(self, node: Node, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, Text):
            return self._text(node, positive)
        if isinstance(node, Value):
            return self.value_mask(node.field, node.value, loose=True), self.scorer.zeros()
        if isinstance(node, Not):
            mask, _ = self._eval(node.item, not positive)
            return ~mask, self.scorer.zeros()
        if isinstance(node, And | Or):
            return self._combine(node, positive)
        raise TypeError(node)

    def _combine(self, node: And | Or, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        both = isinstance(node, And)
        mask = np.ones(self.n, bool) if both else np.zeros(self.n, bool)
        score = self.scorer.zeros()
        for i, item in enumerate(node.items):
            if i and self.budget.late("some words of the query were left out"):
                break
            m, s = self._eval(item, positive)
            if both:
                mask &= m
            else:
                mask |= m
            score += s
        return mask, score * mask if both else score

    def _text(self, node: Text, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        fields = ("title", "body") if node.field is None else (node.field,)
        mask = np.ones(self.n, bool)
        score = self.scorer.zeros()
        wts = [WordTerms.of(w, node.exact) for w in node.words]
        for wt in wts:
            m, s = self.scorer.word(wt, fields)
            if positive:
                self.highlight.append(wt)
                self.words.append(wt.word)
                if not m.any():
                    self.unknown.append(wt.word)
            mask &= m
            score += s
        if node.phrase and not self.budget.late("a phrase was searched as separate words"):
            where = mask & self.within if self.within is not None else mask
            mask = self.phrases.match(where, wts, node.offsets, node.slop, fields)
        return mask, score * mask

    def value_mask(self, fieldname: str, value: str, loose: bool = False) -> np.ndarray:
        """Documents with the facet value (case-insensitive); ``loose`` also accepts values that
        contain all the given words («путин» → «Владимир Путин»)."""
        facet = self.view.facets[fieldname]
        ids = value_ids(facet, value, loose)
        note_matches(self.value_matches, fieldname, value, facet, ids)
        if not ids:
            return np.zeros(self.n, bool)
        return facet.docs_with(ids, self.n)


def value_ids(facet: Facet, value: str, loose: bool) -> list[int]:
    """The ids of the facet values named ``value`` (case-insensitive, ё = е), or merged with a
    value so named; with ``loose``, also every value that holds all its words — not only when
    no value is named so, or one stray value «Путин» would hide «Владимир Путин»."""
    ids = facet.names.exact(value)
    if loose:
        ids |= facet.names.loose(value)
    return sorted(ids)


def note_matches(found: list[dict], fieldname: str, value: str, facet: Facet,
                 ids: list[int]) -> None:
    """Say which values a facet value asked for matched, unless it matched just itself."""
    names = [facet.values[i] for i in ids]
    if names and [normalise(n) for n in names] != [normalise(value.strip())]:
        entry = {"field": fieldname, "value": value, "matched": names}
        if entry not in found:
            found.append(entry)


def highlight_words(node: Node | None, positive: bool = True) -> list[WordTerms]:
    """The words a query asks for (not those under ``NOT``), to highlight: what ``Engine``
    collects in ``highlight`` while evaluating, without evaluating."""
    if isinstance(node, Text):
        return [WordTerms.of(w, node.exact) for w in node.words] if positive else []
    if isinstance(node, Not):
        return highlight_words(node.item, not positive)
    if isinstance(node, And | Or):
        return [wt for item in node.items for wt in highlight_words(item, positive)]
    return []
