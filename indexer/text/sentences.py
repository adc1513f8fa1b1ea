"""Sentences of a body text as the ranking sees them: where each starts (in characters and in
word positions) and how many words of four or more letters it holds.

One definition for both sides: the build writes it into each segment's sentence maps
(``indexer.store.sentence_maps``), and the search computes it from the stored text where an
index has no maps (built before them).
"""

from __future__ import annotations

import re
from array import array

import numpy as np

from indexer.text.tokens import HYPHENS, WORD_RE, is_compound

# A sentence starts after . ! ? … (with closing quotes or brackets) and white space before a
# capital, a quote, a digit or a dash, and after every line break.
SENTENCE_BREAK = re.compile(r"[.!?…]+[\"»)]*\s+(?=[A-ZА-ЯЁ«\"0-9—–-])|\n")
LONG_WORD = re.compile(r"\w{4,}")


def sentence_cuts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The start characters of the text's sentences (the first is 0) and how many words of
    four or more letters each holds (not clipped)."""
    cuts = np.array([0] + [m.end() for m in SENTENCE_BREAK.finditer(text)], np.int64)
    words = np.array([m.start() for m in LONG_WORD.finditer(text)], np.int64)
    counts = np.diff(np.searchsorted(words, np.append(cuts, len(text) + 1)))
    return cuts, counts


def token_starts(text: str) -> array:
    """The first character of the word at each position, numbered as the analyser numbers them
    (``indexer.text.analyzer.index_occurrences``: a hyphenated compound takes one position per
    part, the whole sharing its first part's)."""
    starts = array("I")
    for m in WORD_RE.finditer(text):
        word = m.group()
        offset = m.start()
        starts.append(offset)
        if is_compound(word):
            for part in HYPHENS.split(word)[:-1]:
                offset += len(part) + 1
                starts.append(offset)
    return starts


def sentence_positions(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first word position, first character, long-word count) of each sentence: a
    sentence's position is that of the first word starting at or after its first character,
    so that «the word at position p is in sentence i» is the same as «its first character is»."""
    cuts, counts = sentence_cuts(text)
    starts = token_starts(text)
    st = np.frombuffer(starts, np.uint32) if len(starts) else np.zeros(0, np.uint32)
    return np.searchsorted(st, cuts, side="left").astype(np.int64), cuts, counts
