"""«More like this»: an article's most characteristic lemmas as one OR query."""

from __future__ import annotations

from collections import Counter

import numpy as np

from indexer.search.scoring import Scorer
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.morphology import LEMMA_MARK, lemmas
from indexer.text.normalise import normalise
from indexer.text.tokens import WORD_RE

SIMILAR_TERMS = 25


def key_words(view: IndexView, title: str, body: str) -> list[WordTerms]:
    """The lemmas that best characterise an article (tf × idf)."""
    counts: Counter[str] = Counter()
    for m in WORD_RE.finditer((title + "\n") * 2 + body[:20000]):
        word = normalise(m.group())
        if len(word) < 4 or not word.isalpha():
            continue
        counts[lemmas(word)[0]] += 1
    n = max(1, view.doc_count)
    weighted = []
    for lemma, tf in counts.items():
        df = view.doc_frequency("body", LEMMA_MARK + lemma) + view.doc_frequency("body", lemma)
        if df <= 1 or df > n * 0.2:
            continue
        weighted.append((tf * np.log(n / df), lemma))
    weighted.sort(reverse=True)
    return [WordTerms.of(lemma, False) for _, lemma in weighted[:SIMILAR_TERMS]]


def similar_scores(view: IndexView, docnum: int) -> np.ndarray:
    """Every article's score as «more like» ``docnum`` (0 for itself and deleted ones)."""
    stored = view.stored(docnum)
    scorer = Scorer(view)
    score = scorer.zeros()
    for wt in key_words(view, stored.get("title", ""), stored.get("body", "")):
        score += scorer.word(wt, ("title", "body"))[1]
    score[docnum] = 0
    score[~view.alive] = 0
    return score
