"""Sentences of a body text as the ranking sees them: where each starts (in characters and in
word positions) and how many words of four or more letters it holds.

One definition for both sides: the build writes it into each segment's sentence maps
(``indexer.store.sentence_maps``), and the search computes it from the stored text where an
index has no maps (built before them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from indexer.text.tokens import HYPHENS, WORD_RE

# A sentence starts after . ! ? … (with closing quotes or brackets) and white space before a
# capital, a quote, a digit or a dash, and after every line break.
SENTENCE_BREAK = re.compile(r"[.!?…]+[\"»)]*\s+(?=[A-ZА-ЯЁ«\"0-9—–-])|\n")
LONG_WORD = re.compile(r"\w{4,}")


def sentence_cuts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The start characters of the text's sentences (the first is 0) and how many words of
    four or more letters each holds (not clipped; no word crosses a sentence start, which
    follows white space)."""
    cuts = [0] + [m.end() for m in SENTENCE_BREAK.finditer(text)]
    ends = [*cuts[1:], len(text)]
    counts = [len(LONG_WORD.findall(text, a, b)) for a, b in zip(cuts, ends, strict=True)]
    return np.array(cuts, np.int64), np.array(counts, np.int64)


def token_starts(text: str) -> np.ndarray:
    """The first character of the word at each position, numbered as the analyser numbers them
    (``indexer.text.analyzer.lemma_analyzer()``: a hyphenated compound takes one position per
    part, the whole sharing its first part's): every word's start, and after every hyphen
    inside a word, its next part's."""
    spans = np.array([m.span() for m in WORD_RE.finditer(text)], np.int64).reshape(-1, 2)
    if "-" not in text and "\u2011" not in text:
        return spans[:, 0]
    hyphens = np.array([m.start() for m in HYPHENS.finditer(text)], np.int64)
    word = np.searchsorted(spans[:, 0], hyphens, side="right") - 1
    inside = (word >= 0) & (spans[np.maximum(word, 0), 1] > hyphens)
    return np.sort(np.concatenate([spans[:, 0], hyphens[inside] + 1]))


def sentence_positions(text: str, starts: Sequence[int] | np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first word position, first character, long-word count) of each sentence: a
    sentence's position is that of the first word starting at or after its first character,
    so that «the word at position p is in sentence i» is the same as «its first character is».
    ``starts``: the text's ``token_starts`` when the analyser gave them already."""
    cuts, counts = sentence_cuts(text)
    first = token_starts(text) if starts is None else np.array(starts, np.int64)
    return np.searchsorted(first, cuts, side="left"), cuts, counts
