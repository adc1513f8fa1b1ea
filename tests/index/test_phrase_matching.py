"""Phrase matching (rarest word first, forms searched term by term) finds exactly the articles
where the words stand in a row, as the analyser put them, in the title or the body."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

from indexer.search.budget import Budget
from indexer.search.phrases import PhraseMatcher
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.store import generations
from tests.analysed import occurrences_by_term


def brute_force(view: IndexView, wts: list[WordTerms], slop: int) -> set[int]:
    """The articles where every word has a position at its offset from the first's (with
    ``slop``: all within a window ``slop`` wider than the phrase, in any order)."""
    found = set()
    for docnum in np.flatnonzero(view.alive).tolist():
        for field in ("title", "body"):
            occurrences = occurrences_by_term(view.stored(docnum).get(field) or "")
            at = [{p for t in wt.terms for p, _, _ in occurrences.get(t, ())} for wt in wts]
            if slop == 0:
                if any(all(p + i in at[i] for i in range(1, len(wts))) for p in at[0]):
                    found.add(docnum)
            else:
                span = len(wts) + slop
                if any(all(any(s <= p < s + span for p in a) for a in at)
                       for s in {p - k for p in at[0] for k in range(span)}):
                    found.add(docnum)
    return found


def test_phrases_match_where_the_words_stand(built_index: Path) -> None:
    view = IndexView(generations.target(built_index), "phrases")
    rng = random.Random(7)
    try:
        phrases = ["в том числе", "по словам", "президент республики"]
        for docnum in rng.sample(range(view.n), 12):
            words = re.findall(r"\w+", view.stored(docnum).get("body") or "")
            if len(words) > 10:
                start = rng.randrange(len(words) - 3)
                phrases.append(" ".join(words[start:start + rng.choice((2, 3))]))
        checked = 0
        for phrase in phrases:
            wts = [WordTerms.of(w.lower(), False) for w in phrase.split()]
            for slop in (0, 2):
                offsets = list(range(len(wts)))
                got = PhraseMatcher(view, Budget()).match(view.alive.copy(), wts, offsets, slop,
                                                          ("title", "body"))
                assert set(np.flatnonzero(got).tolist()) == brute_force(view, wts, slop), phrase
                checked += bool(got.any())
        assert checked >= 15  # most phrases are found somewhere
    finally:
        view.close()
