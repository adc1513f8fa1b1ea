"""«Did you mean»: corrections of unknown query words from the index's own vocabulary."""

from __future__ import annotations

import re

from indexer.search.view import IndexView
from indexer.text.morphology import LEMMA_MARK

RARE = 5  # a correction found in fewer articles makes us look two edits away too


def distance(a: str, b: str) -> int:
    """Levenshtein distance (with adjacent transpositions counted as one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _candidates(view: IndexView, word: str, maxdist: int) -> set[str]:
    # Per segment: a segment reader walks its term list with a Levenshtein automaton, where
    # the multi-segment reader would compute the distance to every term.
    with view.lock:
        return {t for leaf, _ in view.leaves for f in ("body", "title")
                for t in leaf.terms_within(f, word, maxdist, prefix=1)
                if t != word and not t.startswith(LEMMA_MARK)}


def _best(view: IndexView, word: str, candidates: set[str], maxdist: int
          ) -> tuple[int, int, str] | None:
    """(distance, -frequency, term) of the closest, then most frequent, candidate."""
    scored = [(d, -view.doc_frequency("body", t), t) for t in candidates
              if (d := distance(word, t)) <= maxdist]
    return min(scored) if scored else None


def correct(view: IndexView, word: str) -> str | None:
    """The most frequent indexed word (as written) within one or two edits of ``word``
    (a swap of neighbours counts as one); cached per index version."""
    cache: dict[str, str | None] = view.__dict__.setdefault("_corrections", {})
    if word in cache:
        return cache[word]
    best = None
    if len(word) >= 3 and word.isalpha():
        best = _best(view, word, _candidates(view, word, 1), 1)
        # A rare one-edit word may hide a common word two automaton edits away (a swap).
        if len(word) > 4 and (best is None or -best[1] < RARE):
            wider = _best(view, word, _candidates(view, word, 2), 2)
            if wider is not None and (best is None or -wider[1] > -best[1] * 10):
                best = wider
    if len(cache) > 10_000:
        cache.clear()
    cache[word] = best[2] if best else None
    return cache[word]


def suggest(view: IndexView, query: str, unknown: list[str]) -> str | None:
    """The query with its unknown words corrected, or None when nothing can be corrected."""
    fixed = query
    changed = False
    for word in dict.fromkeys(unknown):
        better = correct(view, word)
        if better is None:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(word).replace("е", "[её]") + r"(?!\w)",
                             re.IGNORECASE)
        fixed, n = pattern.subn(better, fixed)
        changed = changed or n > 0
    return fixed if changed else None
