"""Typo corrections from the index's own words.

Candidates are the words of the index (``vocabulary``) within one edit of a word of up to
``SHORT`` letters, two of a longer one (optimal string alignment: a swap of neighbours is one
edit), found with rapidfuzz among the words of the same first letter and a similar length (then,
when none is, among those that could be it with the first letter mistyped). The best has the
fewest edits, then the most articles (each edit costs ``EDIT_COST`` in log document frequency).
The correction keeps the form typed where the candidate's lexeme (pymorphy3) has a form closer
to it. A word of pymorphy3's dictionary is never corrected: the archive just lacks it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.search.vocabulary import Vocabulary
from indexer.text.morphology import known_parses
from indexer.text.normalise import normalise

MIN_LETTERS = 3  # shorter words are never corrected
SHORT = 5  # up to this many letters, one edit; longer words, two
MAX_LETTERS = 30  # longer words are not corrected (no real word is that long)
EDIT_COST = 4.0  # one more edit is worth this much log document frequency
# A word found in at most RARE articles, not in pymorphy3's dictionary, with a neighbour in
# RATIO times as many, is probably a typo too: suggested («Возможно, вы имели в виду»), never
# replaced.
RARE = 3
RATIO = 100


@dataclass(frozen=True)
class Candidate:
    word: str
    edits: int
    frequency: int

    @property
    def cost(self) -> float:
        return self.edits * EDIT_COST - math.log(self.frequency + 1)


def max_edits(word: str) -> int:
    return 1 if len(word) <= SHORT else 2


def candidates(vocabulary: Vocabulary, word: str, edits: int, first_letter_wrong: bool = True
               ) -> list[Candidate]:
    """The words of the index within ``edits`` of ``word`` (not ``word`` itself): those with
    its first letter; when there is none, and ``first_letter_wrong`` allows, those that could
    be it with the first letter mistyped."""
    if not MIN_LETTERS <= len(word) <= MAX_LETTERS or not word.isalpha():
        return []
    found = _within(vocabulary, word, vocabulary.near(word, edits), edits)
    if not found and first_letter_wrong:
        found = _within(vocabulary, word, vocabulary.near(word, edits, first_letter=False),
                        edits)
    return found


def _within(vocabulary: Vocabulary, word: str, choices: list[str], edits: int
            ) -> list[Candidate]:
    return [Candidate(w, int(d), vocabulary.frequency(w))
            for w, d, _ in process.extract(word, choices, scorer=OSA.distance,
                                           score_cutoff=edits, limit=None) if w != word]


def best(vocabulary: Vocabulary, word: str) -> Candidate | None:
    """The likeliest word meant by ``word``, or None."""
    found = candidates(vocabulary, word, max_edits(word))
    return min(found, key=lambda c: (c.cost, c.word)) if found else None


def correct(vocabulary: Vocabulary, word: str) -> str | None:
    """The correction of a word no article holds in any form, in the form typed where the
    candidate's lexeme allows; None when no word of the index is near, or when the word is
    one of pymorphy3's dictionary (a real word the archive lacks, «крокодил», is no typo of
    «проводил»)."""
    word = normalise(word)
    if known_parses(word):
        return None
    found = best(vocabulary, word)
    return keep_form(word, found.word) if found else None


def rarer_than_neighbour(vocabulary: Vocabulary, word: str) -> str | None:
    """For a word the index holds in few articles, a neighbour one edit away found in far more
    (a suggestion, not a replacement); None otherwise."""
    word = normalise(word)
    frequency = vocabulary.frequency(word)
    if not 0 < frequency <= RARE or known_parses(word):  # a rare form of a real word is fine
        return None
    found = [c for c in candidates(vocabulary, word, 1, first_letter_wrong=False)
             if c.frequency >= RATIO * frequency]
    return max(found, key=lambda c: (c.frequency, c.word)).word if found else None


def keep_form(typed: str, candidate: str) -> str:
    """The form of ``candidate``'s lexeme closest to what was typed («канституция» →
    «конституции» → «конституция»), the candidate itself on a tie."""
    best_form, best_distance = candidate, OSA.distance(typed, candidate)
    for parse in known_parses(candidate):
        for form in parse.lexeme:
            text = normalise(form.word)
            distance = OSA.distance(typed, text)
            if distance < best_distance:
                best_form, best_distance = text, distance
    return best_form
