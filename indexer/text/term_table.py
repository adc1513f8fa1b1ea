"""A text's terms as numbers, for the segment writer: the analysis of ``lemma_analyzer()`` as
arrays of term ids and positions, each distinct word analysed once per table.

The table keeps, for every word it has seen, the terms the word is indexed under with the
position offset of each (a hyphenated compound's parts stand at the following positions) and
the first character of each position it takes. A text is then split by the regular expression
in C (``findall``/``split``), its words looked up with ``map``, and its occurrences gathered
with numpy: no Python work per word or per term, only per new word.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from indexer.text.analyzer import word_terms
from indexer.text.tokens import WORD_RE, compound_parts, is_compound


@dataclass
class TextTerms:
    """A text's occurrences in text order: term ids and positions (int32 arrays of one
    length); when asked for, the first character of the word at each position (``starts``)
    and each occurrence's first character and the one after its last (``chars``, n × 2)."""

    ids: np.ndarray
    positions: np.ndarray
    starts: np.ndarray | None = None
    chars: np.ndarray | None = None


def ragged(first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indexes ``first[i]``, ``first[i] + 1``, … ``counts[i]`` of them, for every i in turn."""
    total = int(counts.sum())
    if total == len(counts):  # one each: the common case
        return first.astype(np.int64, copy=False)
    ends = np.cumsum(counts)
    return np.arange(total) + np.repeat(first - (ends - counts), counts)


class TermTable:
    """Term ids for the words of many texts (``clear`` forgets them all)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.terms: list[str] = []  # id -> term
        self._term_ids: dict[str, int] = {}
        self._words: dict[str, int] = {}  # word as written -> word id
        # Per word id: its first entry and entry count; an entry is a term id and the offset
        # of its position from the word's. Per word id: the positions it takes and, for each,
        # the offset of its first character from the word's (in ``_char_offsets`` from
        # ``_first_char``).
        self._first_entry = array("q")
        self._entries = array("q")
        self._entry_terms = array("i")
        self._entry_offsets = array("i")
        self._entry_chars = array("q")  # an entry's first character from the word's
        self._entry_lengths = array("q")
        self._widths = array("q")
        self._first_char = array("q")
        self._char_offsets = array("q")

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def words(self) -> int:
        """The distinct words analysed since the table was made or cleared."""
        return len(self._widths)

    def analyse(self, text: str, starts: bool = False, chars: bool = False) -> TextTerms:
        """The occurrences of ``text``'s terms (with each position's first character when
        ``starts``, each occurrence's characters when ``chars``)."""
        words = WORD_RE.findall(text)
        ids = list(map(self._words.get, words))
        if None in ids:
            for i in [i for i, found in enumerate(ids) if found is None]:
                ids[i] = self._words.get(words[i])
                if ids[i] is None:
                    ids[i] = self._add(words[i])
        wid = np.array(ids, np.int64)
        widths = np.frombuffer(self._widths, np.int64)[wid]
        word_pos = np.cumsum(widths) - widths
        counts = np.frombuffer(self._entries, np.int64)[wid]
        entry = ragged(np.frombuffer(self._first_entry, np.int64)[wid], counts)
        term_ids = np.frombuffer(self._entry_terms, np.int32)[entry]
        positions = (np.repeat(word_pos, counts).astype(np.int32)
                     + np.frombuffer(self._entry_offsets, np.int32)[entry])
        found = TextTerms(term_ids, positions)
        if not (starts or chars):
            return found
        gaps = WORD_RE.split(text)
        lengths = np.fromiter(map(len, words), np.int64, len(words))
        word_start = np.cumsum(np.fromiter(map(len, gaps[:-1]), np.int64, len(words)))
        word_start[1:] += np.cumsum(lengths)[:-1]
        if starts:
            at = ragged(np.frombuffer(self._first_char, np.int64)[wid], widths)
            found.starts = (np.repeat(word_start, widths)
                            + np.frombuffer(self._char_offsets, np.int64)[at])
        if chars:
            first = (np.repeat(word_start, counts)
                     + np.frombuffer(self._entry_chars, np.int64)[entry])
            last = first + np.frombuffer(self._entry_lengths, np.int64)[entry]
            found.chars = np.stack([first, last], axis=1)
        return found

    def _add(self, word: str) -> int:
        """A new word's id, with its entries and positions."""
        wid = len(self._widths)
        self._words[word] = wid
        pieces = [(0, word, 0)]
        if is_compound(word):
            pieces += compound_parts(word)
        self._first_entry.append(len(self._entry_terms))
        for offset, piece, start in pieces:
            for term in word_terms(piece):
                self._entry_terms.append(self._term_id(term))
                self._entry_offsets.append(offset)
                self._entry_chars.append(start)
                self._entry_lengths.append(len(piece))
        self._entries.append(len(self._entry_terms) - self._first_entry[-1])
        self._widths.append(pieces[-1][0] + 1)
        self._first_char.append(len(self._char_offsets))
        self._char_offsets.extend([0] + [start for offset, _, start in pieces[2:]])
        return wid

    def _term_id(self, term: str) -> int:
        tid = self._term_ids.get(term)
        if tid is None:
            tid = self._term_ids[term] = len(self.terms)
            self.terms.append(term)
        return tid
