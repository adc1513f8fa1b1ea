"""A query word and the index terms that find it."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.text.morphology import LEMMA_MARK, lemmas


@dataclass(frozen=True)
class WordTerms:
    """How one query word is looked up. ``groups``: the terms of each lemma (the marked lemma
    and the lemma as written — never both at one position, so their counts add up); with
    ``exact``, only the word as typed."""

    word: str
    exact: bool
    groups: tuple[tuple[str, ...], ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(t for g in self.groups for t in g)

    @staticmethod
    def of(word: str, exact: bool) -> WordTerms:
        if exact:
            return WordTerms(word, True, ((word,),))
        return WordTerms(word, False, tuple((LEMMA_MARK + f, f) for f in lemmas(word)))


def unique(words: list[WordTerms]) -> list[WordTerms]:
    """The words without repeats, in order."""
    return list({wt.word: wt for wt in words}.values())
