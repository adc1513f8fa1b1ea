"""The words of one index version, read once: every word as written in titles and bodies with
the number of articles holding it, for truncation (``голун*``), typo corrections and the
keyboard-layout and script checks.

Read on first use from the generation's vocabulary file (``indexer.store.vocabulary_file``,
written by the build), or from the segments' term tables where an older index has none, and
kept with the version, so no request walks the term tables. Words with a digit are kept for
truncation only.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.store.schema import TEXT_FIELDS
from indexer.store.vocabulary_file import WordTable, read_vocabulary, segments_vocabulary


class Vocabulary:
    """Sorted words and their document frequencies (the larger of title and body), and the
    alphabetic words by length and first letter, and by length and second letter, for
    candidate searches."""

    def __init__(self, table: WordTable):
        self.table = table
        self.words = table.words
        self.frequencies = table.frequencies

    @staticmethod
    def read(view: IndexView) -> Vocabulary:
        """The generation's vocabulary file, or (an index built before it existed) the same
        from the segments' term tables."""
        table = read_vocabulary(str(view.build), view.reader.generation())
        return Vocabulary(table if table is not None
                          else segments_vocabulary(view.local_leaves()))

    def frequency(self, word: str) -> int:
        """The articles holding ``word`` as written (0 when none)."""
        i = bisect_left(self.words, word)
        return int(self.frequencies[i]) if i < len(self.words) and self.words[i] == word else 0

    def starting(self, prefix: str) -> tuple[Sequence[str], np.ndarray]:
        """The words that start with ``prefix`` and their frequencies."""
        lo = bisect_left(self.words, prefix)
        hi = bisect_left(self.words, prefix + "\U0010ffff", lo)
        return self.words[lo:hi], self.frequencies[lo:hi]

    def near(self, word: str, edits: int, first_letter: bool = True) -> list[str]:
        """The alphabetic words whose length is within ``edits`` of the word's and that could be
        it with its first letter right (``first_letter``) or wrong (then they start with its
        second letter, or have its first or second as theirs)."""
        lengths = range(len(word) - edits, len(word) + edits + 1)
        group = self.table.group
        if first_letter:
            return [w for n in lengths for w in group(n, word[0], False)]
        return [w for n in lengths
                for letter, second in ((word[1], False), (word[0], True), (word[1], True))
                for w in group(n, letter, second)]


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
