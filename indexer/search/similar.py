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
FIELDS = ("title", "body")
# Lemmas whose body document frequency is kept per index version: an article's few hundred
# distinct lemmas are each two term lookups in every segment's hash table otherwise.
DF_MEMO = 200_000


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
        df = body_frequency(view, lemma)
        if df <= 1 or df > n * 0.2:
            continue
        weighted.append((tf * np.log(n / df), lemma))
    weighted.sort(reverse=True)
    return [WordTerms.of(lemma, False) for _, lemma in weighted[:SIMILAR_TERMS]]


def body_frequency(view: IndexView, lemma: str) -> int:
    """The articles whose body holds ``lemma`` (as a lemma or as written), memoised per view."""
    memo = view.derived.setdefault("similar: body frequency", {})
    df = memo.get(lemma)
    if df is None:
        if len(memo) >= DF_MEMO:
            memo.clear()
        df = memo[lemma] = (view.doc_frequency("body", LEMMA_MARK + lemma)
                            + view.doc_frequency("body", lemma))
    return df


def similar_scores(view: IndexView, docnum: int) -> np.ndarray:
    """Every article's score as «more like» ``docnum`` (0 for itself and deleted ones).

    The key words are scored only over the articles holding one of them (the same BM25F values
    as over every article, on arrays a fraction of the index's length)."""
    stored = view.stored(docnum)
    words = key_words(view, stored.get("title", ""), stored.get("body", ""))
    holding = np.zeros(view.n, bool)
    for wt in words:
        for term in {*wt.terms, wt.word}:
            for f in FIELDS:
                holding[view.postings(f, term).docs] = True
    rows = np.flatnonzero(holding)
    scorer = Scorer(view, rows)
    part = scorer.zeros()
    for wt in words:
        part += scorer.word(wt, FIELDS)[1]
    score = np.zeros(view.n, np.float32)
    score[rows] = part
    score[docnum] = 0
    score[~view.alive] = 0
    return score
