"""The Russian analyser as a Whoosh pipeline, shared by indexing and querying.

``lemma_analyzer()``: words lower-cased with ё = е, each indexed twice at the same position, so
phrases match either way: as written («стали», for exact-form search ``!word``) and as every
other pymorphy3 normal form, marked with ``LEMMA_MARK`` («~сталь», «~стать»), for search in any
inflected form. One field holds both, so an article is analysed once and the index holds no
second copy of its words. ``surface_analyzer()``: the same words without lemmas.
``index_occurrences`` is what ``lemma_analyzer()`` yields, grouped by term, in one loop: the
segment writer's fast path. Every token keeps the character offsets of the original word, so
highlighting shows the text as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, Token

from indexer.text.morphology import lemma_terms, lemmas, marked
from indexer.text.normalise import normalise, one_script
from indexer.text.tokens import WORD_RE, RussianTokenizer, compound_parts, is_compound


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


Occurrences = dict[str, list[tuple[int, int, int]]]


def index_occurrences(text: str, starts: list[int] | None = None) -> Occurrences:
    """Each term of ``text`` with its (position, startchar, endchar) list, in order: what
    ``lemma_analyzer()`` yields with positions and chars, grouped by term as Whoosh's
    ``Characters`` format groups them, in one loop instead of a chain of generators.
    ``starts``, when given, gets the first character of the word at each position."""
    seen: Occurrences = defaultdict(list)
    pos = 0
    for match in WORD_RE.finditer(text):
        word = match.group()
        start, end = match.span()
        if starts is not None:
            starts.append(start)
        occurrence = (pos, start, end)
        for term in _terms_of(word):
            seen[term].append(occurrence)
        if is_compound(word):
            parts = compound_parts(word, start)
            for i, part, offset in parts:
                if i and starts is not None:
                    starts.append(offset)
                occurrence = (pos + i, offset, offset + len(part))
                for term in _terms_of(part):
                    seen[term].append(occurrence)
            pos += parts[-1][0]
        pos += 1
    return seen


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
