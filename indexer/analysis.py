"""Russian text analysis as a Whoosh pipeline, shared by indexing and querying.

``lemma_analyzer()``: words (Cyrillic with the Kazakh letters, Latin, digits; hyphenated
compounds whole and in parts), lower-cased with ё = е. Each word is indexed twice at the same
position, so phrases match either way: as written («стали», for exact-form search ``!word``)
and as every other pymorphy3 normal form, marked with ``LEMMA_MARK`` («~сталь», «~стать»),
for search in any inflected form (see ``any_form_terms``). One field holds both, so an article
is analysed once and the index holds no second copy of its words.
``surface_analyzer()``: the same words without lemmas, for queries in exact form.

Every token keeps the character offsets of the original word, so highlighting shows the text as
written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

KAZAKH_LETTERS = "әғқңөұүһі"
_WORD = r"[^\W_]+"
# A word, or a hyphenated compound of words (both ASCII hyphen and the non-breaking one).
WORD_RE = re.compile(rf"{_WORD}(?:[-\u2011]{_WORD})*")
_HYPHENS = re.compile(r"[-\u2011]")
_CYRILLIC_ONLY = re.compile(r"^[а-яё-]+$")
_HAS_KAZAKH = re.compile(f"[{KAZAKH_LETTERS}]")
# Russian surname inflections: Токаев-а/-у/-ым/-е, Савельев-а/-ой/-у, Путин-а/-ым, Иванов-ых.
_SURNAME = re.compile(r"^(.{2,}?(?:ов|ев|ин|ын))(а|у|ым|ом|е|ой|ою|ых|ыми)$")
_SURNAME_BASE = re.compile(r"^.{3,}(?:ов|ев|ин|ын)$")
LEMMA_MARK = "~"


class RussianTokenizer(Tokenizer):
    """Splits text into words; a hyphenated compound is one token at the position of its
    first part, and its parts follow at consecutive positions.

    «Касым-Жомарт Токаев» gives касым-жомарт@0, касым@0, жомарт@1, токаев@2, so both the whole
    compound and each part can be found, and phrases over the parts still line up.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD_RE.finditer(value):
            word = match.group()
            start = match.start()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            token.text = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + match.end()
            yield token
            if "-" in word or "\u2011" in word:
                offset = start
                for i, part in enumerate(_HYPHENS.split(word)):
                    token.text = part
                    if keeporiginal:
                        token.original = part
                    if positions:
                        token.pos = pos + i
                    if chars:
                        token.startchar = start_char + offset
                        token.endchar = start_char + offset + len(part)
                    offset += len(part) + 1
                    yield token
                pos += i
            pos += 1


class YoFilter(Filter):
    """Makes ё and е the same letter (after lower-casing)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if "ё" in t.text:
                t.text = t.text.replace("ё", "е")
            yield t


@lru_cache(maxsize=1)
def morph():
    """The pymorphy3 analyser, loaded once per process."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=500_000)
def lemmas(word: str) -> tuple[str, ...]:
    """The normal forms of a lower-cased word (which may include the word itself).

    Words with Kazakh letters, Latin and digits are their own lemma: pymorphy3 would invent
    lemmas (Құрылтай → «құрылтая»). Russian surnames get their masculine base, so that
    Токаев (which pymorphy3 reads as «токай»), Токаева, Токаеву and Савельева, Савельевой meet.
    """
    if not _CYRILLIC_ONLY.match(word) or _HAS_KAZAKH.search(word):
        return (word,)
    parses = morph().parse(word)
    forms = {p.normal_form.replace("ё", "е") for p in parses}
    match = _SURNAME.match(word)
    if match and (any("Surn" in p.tag for p in parses) or not morph().word_is_known(word)):
        forms.add(match.group(1))
    elif _SURNAME_BASE.match(word):
        forms.add(word)
    return tuple(sorted(forms))


@lru_cache(maxsize=500_000)
def lemma_terms(word: str) -> tuple[str, ...]:
    """The marked lemma terms indexed after ``word``; a lemma equal to the word itself is
    left out, since the word's own term already stands at that position."""
    return _marked(word, lemmas(word))


def _marked(word: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(LEMMA_MARK + f for f in forms if f != word)


def any_form_terms(word: str) -> tuple[str, ...]:
    """Terms that find ``word`` (analysed) in any inflected form: each lemma as a marked
    lemma term, and as a word written in that very form."""
    terms: list[str] = []
    for form in lemmas(word):
        terms += [LEMMA_MARK + form, form]
    return tuple(terms)


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
    """The terms a word as written gives at its position: itself lower-cased with ё = е, then
    its lemma terms (what ``LowercaseFilter | YoFilter | LemmaFilter`` yield for it)."""
    text = word.lower()
    if "ё" in text:
        text = text.replace("ё", "е")
    # Not through ``lemma_terms``: a third cache of the whole vocabulary costs memory for nothing.
    return (text, *_marked(text, lemmas(text)))


Occurrences = dict[str, list[tuple[int, int, int]]]


def index_occurrences(text: str) -> Occurrences:
    """Each term of ``text`` with its (position, startchar, endchar) list, in order: what
    ``lemma_analyzer()`` yields with positions and chars, grouped by term as Whoosh's
    ``Characters`` format groups them, in one loop instead of a chain of generators."""
    seen: Occurrences = defaultdict(list)
    pos = 0
    for match in WORD_RE.finditer(text):
        word = match.group()
        start, end = match.span()
        occurrence = (pos, start, end)
        for term in _terms_of(word):
            seen[term].append(occurrence)
        if "-" in word or "\u2011" in word:
            offset = start
            for i, part in enumerate(_HYPHENS.split(word)):
                occurrence = (pos + i, offset, offset + len(part))
                for term in _terms_of(part):
                    seen[term].append(occurrence)
                offset += len(part) + 1
            pos += i
        pos += 1
    return seen


def surface_analyzer():
    """Words as written (lower-cased, ё = е): the exact-form field."""
    return RussianTokenizer() | LowercaseFilter() | YoFilter()


def lemma_analyzer():
    """Words with their lemmas stacked: the main search fields."""
    return RussianTokenizer() | LowercaseFilter() | YoFilter() | LemmaFilter()


def positions(analyzer, text: str) -> list[list[str]]:
    """The analysed terms of ``text`` grouped by position, in order: one list per position."""
    grouped: dict[int, list[str]] = {}
    for t in analyzer(text, positions=True):
        terms = grouped.setdefault(t.pos, [])
        if t.text not in terms:
            terms.append(t.text)
    return [grouped[p] for p in sorted(grouped)]
