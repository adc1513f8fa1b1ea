"""The words of one index version, read once: every word as written in titles and bodies with
the number of articles holding it, for truncation (``голун*``), typo corrections and the
keyboard-layout and script checks.

Read from each segment's term table on first use (one pass over its keys, no postings) and kept
with the version, so no request walks the term tables. Words with a digit are kept for
truncation only.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from dataclasses import dataclass, field

import numpy as np
from whoosh.filedb.filetables import _lengths as _LENGTHS

from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.store.schema import TEXT_FIELDS
from indexer.text.morphology import LEMMA_MARK


@dataclass
class Vocabulary:
    """Sorted words and their document frequencies (the larger of title and body), and the
    alphabetic words by length and first letter, and by length and second letter, for
    candidate searches."""

    words: list[str]
    frequencies: np.ndarray
    by_first: dict[tuple[int, str], list[str]] = field(default_factory=dict)
    by_second: dict[tuple[int, str], list[str]] = field(default_factory=dict)

    @staticmethod
    def read(view: IndexView) -> Vocabulary:
        tables = [_read_table(leaf) for leaf, _ in view.local_leaves()]
        counts: dict[str, int] = {}
        for table in tables:
            for word, df in _words(*table):
                if df > counts.get(word, 0):
                    counts[word] = df
        words = sorted(counts)
        vocabulary = Vocabulary(words, np.array([counts[w] for w in words], np.int32))
        for w in words:
            if w.isalpha() and len(w) > 1:
                vocabulary.by_first.setdefault((len(w), w[0]), []).append(w)
                vocabulary.by_second.setdefault((len(w), w[1]), []).append(w)
        return vocabulary

    def frequency(self, word: str) -> int:
        """The articles holding ``word`` as written (0 when none)."""
        i = bisect_left(self.words, word)
        return int(self.frequencies[i]) if i < len(self.words) and self.words[i] == word else 0

    def starting(self, prefix: str) -> tuple[list[str], np.ndarray]:
        """The words that start with ``prefix`` and their frequencies."""
        lo = bisect_left(self.words, prefix)
        hi = bisect_left(self.words, prefix + "\U0010ffff", lo)
        return self.words[lo:hi], self.frequencies[lo:hi]

    def near(self, word: str, edits: int, first_letter: bool = True) -> list[str]:
        """The alphabetic words whose length is within ``edits`` of the word's and that could be
        it with its first letter right (``first_letter``) or wrong (then they start with its
        second letter, or have its first or second as theirs)."""
        lengths = range(len(word) - edits, len(word) + edits + 1)
        if first_letter:
            keys = [(self.by_first, (n, word[0])) for n in lengths]
        else:
            keys = [(table, (n, letter)) for n in lengths
                    for table, letter in ((self.by_first, word[1]), (self.by_second, word[0]),
                                          (self.by_second, word[1]))]
        return [w for table, key in keys for w in table.get(key, ())]


_INDEX_TYPES = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


def _read_table(leaf) -> tuple[bytes, np.ndarray, list[int]]:
    """A segment's term table at once: its records and the array of where each starts, and the
    field numbers of the title and body."""
    terms = leaf._terms
    table = terms._tindex
    fields = [terms._fieldmap[f] for f in TEXT_FIELDS if f in terms._fieldmap]
    if not table.indexlen:
        return b"", np.zeros(0, np.int64), fields
    dtype = np.dtype(_INDEX_TYPES[table.extras["indextype"]])
    starts = np.frombuffer(table.dbfile.get(table.indexbase, table.indexlen * table.indexsize),
                           dtype).astype(np.int64) - table.startofdata
    return table.dbfile.get(table.startofdata, table.endofdata - table.startofdata), starts, fields


def _words(blob: bytes, starts: np.ndarray, fields: list[int]) -> list[tuple[str, int]]:
    """The words of a term table's titles and bodies (lemma terms left out) with their document
    frequencies: each record is two lengths (``!ii``), the key (field number ``!H`` and term)
    and the term info (the document frequency is its third item, ``!BfI…``), taken apart with
    numpy rather than term by term through Whoosh."""
    data = np.frombuffer(blob, np.uint8)
    keylen = _int(data, starts, 4)
    key = starts + _LENGTHS.size
    keep = np.isin(_int(data, key, 2), fields) & (keylen > 2)
    keep[keep] = data[key[keep] + 2] != ord(LEMMA_MARK)
    key, keylen = key[keep], keylen[keep]
    frequency = _int(data, key + keylen + 5, 4)
    return [(blob[k + 2:k + n].decode("utf-8"), df) for k, n, df in
            zip(key.tolist(), keylen.tolist(), frequency.tolist(), strict=True)]


def _int(data: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """The big-endian unsigned integers of ``size`` bytes at the offsets ``at``."""
    out = np.zeros(len(at), np.int64)
    for i in range(size):
        out = (out << 8) | data[at + i]
    return out


@dataclass
class _Slot:
    """A view's vocabulary, being read or read."""

    done: threading.Event = field(default_factory=threading.Event)
    value: Vocabulary | None = None
    error: BaseException | None = None


_SLOTS: weakref.WeakKeyDictionary[IndexView, _Slot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _slot(view: IndexView) -> tuple[_Slot, bool]:
    """The view's slot, and whether it was just made (then the caller fills it)."""
    with _LOCK:
        slot = _SLOTS.get(view)
        if slot is None:
            slot = _SLOTS[view] = _Slot()
            return slot, True
        return slot, False


def _fill(view: IndexView, slot: _Slot) -> None:
    try:
        slot.value = Vocabulary.read(view)
    except BaseException as err:  # the next use tries again
        slot.error = err
        with _LOCK:
            _SLOTS.pop(view, None)
    finally:
        slot.done.set()


def vocabulary(view: IndexView) -> Vocabulary:
    """The vocabulary of ``view``, read by the first request that needs it (others needing it
    meanwhile wait for that read) and kept as long as the view. Not read in the background
    when the view opens: that would slow every request of the first second and a half for
    the few that need it."""
    slot, made = _slot(view)
    if made:
        _fill(view, slot)
    slot.done.wait()
    if slot.value is None:
        raise slot.error or RuntimeError("the vocabulary could not be read")
    return slot.value


def knows(view: IndexView, word: str) -> bool:
    """Whether some article holds ``word`` in any form (as written, or a form of its lemma).
    Through the view's postings cache: a query word's postings are read for its evaluation
    anyway."""
    return any(len(view.postings(f, t).docs) for t in (word, *WordTerms.of(word, False).terms)
               for f in TEXT_FIELDS)


def frequency(view: IndexView, word: str) -> int:
    """The articles holding ``word`` as written in their body (through the postings cache)."""
    return len(view.postings("body", word).docs)
