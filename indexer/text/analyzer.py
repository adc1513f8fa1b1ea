"""The Russian analyser as a Whoosh pipeline, shared by indexing and querying.

``lemma_analyzer()``: words lower-cased with ё = е, each indexed twice at the same position, so
phrases match either way: as written («стали», for exact-form search ``!word``) and as every
other pymorphy3 normal form, marked with ``LEMMA_MARK`` («~сталь», «~стать»), for search in any
inflected form. One field holds both, so an article is analysed once and the index holds no
second copy of its words. ``surface_analyzer()``: the same words without lemmas.
``word_terms`` gives one word's terms (cached): what the segment writer's analysis as arrays
(``term_table``) is made of. Every token keeps the character offsets of the original word, so
highlighting shows the text as written.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, Token

from indexer.text.morphology import lemma_terms, lemmas, marked
from indexer.text.normalise import normalise, one_script
from indexer.text.tokens import RussianTokenizer


class OneScriptFilter(Filter):
    """Writes a word typed in two scripts in its own (``normalise.one_script``); before
    lower-casing, which would lose which capitals were Latin («Тwitter»)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = one_script(t.text)
            yield t


class YoFilter(Filter):
    """Makes ё and е the same letter (after lower-casing)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = normalise(t.text)
            yield t


class LemmaFilter(Filter):
    """After each word, stacks its lemma terms at the word's own position."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            word = t.text
            yield t
            for lemma in lemma_terms(word):
                t.text = lemma
                yield t
            t.text = word


@lru_cache(maxsize=500_000)
def _terms_of(word: str) -> tuple[str, ...]:
    """The terms a word as written gives at its position: itself normalised, then its lemma
    terms (what ``LowercaseFilter | YoFilter | LemmaFilter`` yield for it)."""
    text = normalise(word)
    # Not through ``lemma_terms``: a third cache of the whole vocabulary costs memory for nothing.
    return (text, *marked(text, lemmas(text)))


def word_terms(word: str) -> tuple[str, ...]:
    """The terms one word as written (or one part of a compound) is indexed under."""
    return _terms_of(word)


def surface_analyzer():
    """Words as written (lower-cased, ё = е): the exact-form field."""
    return RussianTokenizer() | OneScriptFilter() | LowercaseFilter() | YoFilter()


def lemma_analyzer():
    """Words with their lemmas stacked: the main search fields."""
    return RussianTokenizer() | OneScriptFilter() | LowercaseFilter() | YoFilter() | LemmaFilter()


def positions(analyzer, text: str) -> list[list[str]]:
    """The analysed terms of ``text`` grouped by position, in order: one list per position."""
    grouped: dict[int, list[str]] = {}
    for t in analyzer(text, positions=True):
        terms = grouped.setdefault(t.pos, [])
        if t.text not in terms:
            terms.append(t.text)
    return [grouped[p] for p in sorted(grouped)]
