"""pymorphy3, loaded once per process: the lemmas of a word, and bounded caches of parses.

Words with Kazakh letters, Latin and digits are their own lemma: pymorphy3 would invent lemmas
(Құрылтай → «құрылтая»). Russian surnames get their masculine base, so that Токаев (which
pymorphy3 reads as «токай»), Токаева, Токаеву and Савельева, Савельевой meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pymorphy3.units import DictionaryAnalyzer

from indexer.text.normalise import normalise
from indexer.text.tokens import KAZAKH_LETTERS

_CYRILLIC_ONLY = re.compile(r"^[а-яё-]+$")
_HAS_KAZAKH = re.compile(f"[{KAZAKH_LETTERS}]")
# Russian surname inflections: Токаев-а/-у/-ым/-е, Савельев-а/-ой/-у, Путин-а/-ым, Иванов-ых.
_SURNAME = re.compile(r"^(.{2,}?(?:ов|ев|ин|ын))(а|у|ым|ом|е|ой|ою|ых|ыми)$")
_SURNAME_BASE = re.compile(r"^.{3,}(?:ов|ев|ин|ын)$")
# Indexed after a word at its position: each of its lemmas, marked («~сталь» after «стали»).
LEMMA_MARK = "~"
# Bounded caches of pymorphy3 results for the entity rules: a word is parsed, and a parse
# inflected, once while it stays frequent. They cost about 1 KB per word: a 200,000-entry
# cache grew to ~100 MB in a rebuild worker; 4,096 entries keep most of the hits.
PARSE_CACHE = 4_096


@lru_cache(maxsize=1)
def morph():
    """The pymorphy3 analyser, loaded once per process."""
    import pymorphy3

    analyzer = pymorphy3.MorphAnalyzer()
    # A tag's POS, case, … as plain strings: pymorphy3's checked ones (a str subclass made on
    # every access, compared in Python) were a fifth of the entity rules' time. The check only
    # raises on a comparison with a misspelt grammeme, which no code of ours makes.
    analyzer.TagClass.typed_grammemes = False
    return analyzer


@lru_cache(maxsize=500_000)
def lemmas(word: str) -> tuple[str, ...]:
    """The normal forms of a normalised word (which may include the word itself)."""
    if not _CYRILLIC_ONLY.match(word) or _HAS_KAZAKH.search(word):
        return (word,)
    parses = morph().parse(word)
    forms = {normalise(p.normal_form) for p in parses}
    match = _SURNAME.match(word)
    if match and (any("Surn" in p.tag for p in parses) or not morph().word_is_known(word)):
        forms.add(match.group(1))
    elif _SURNAME_BASE.match(word):
        forms.add(word)
    return tuple(sorted(forms))


def marked(word: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    """The lemma terms of ``forms`` indexed after ``word``; a lemma equal to the word itself is
    left out, since the word's own term already stands at that position."""
    return tuple(LEMMA_MARK + f for f in forms if f != word)


@lru_cache(maxsize=500_000)
def lemma_terms(word: str) -> tuple[str, ...]:
    """The marked lemma terms indexed after ``word``."""
    return marked(word, lemmas(word))


def any_form_terms(word: str) -> tuple[str, ...]:
    """Terms that find ``word`` (normalised) in any inflected form: each lemma as a marked
    lemma term, and as a word written in that very form."""
    terms: list[str] = []
    for form in lemmas(word):
        terms += [LEMMA_MARK + form, form]
    return tuple(terms)


@lru_cache(maxsize=PARSE_CACHE)
def parse(word: str) -> tuple:
    """pymorphy3's parses of ``word`` (bounded cache)."""
    return tuple(morph().parse(word))


@lru_cache(maxsize=PARSE_CACHE)
def known_parses(word: str) -> tuple:
    """The dictionary parses of ``word`` (``is_known`` is a lookup on every access)."""
    return tuple(p for p in parse(word) if p.is_known)


@lru_cache(maxsize=PARSE_CACHE)
def inflect(parsed, grammemes: frozenset[str]):
    """``parsed.inflect(grammemes)``, cached; the lexeme it chooses from is built once for all
    the forms of a dictionary word (pymorphy3 rebuilds it on every call: ~90 µs, and the entity
    rules ask for 30,000 inflections of 8,000 lexemes in 1,700 articles)."""
    forms = lexeme(parsed)
    if forms is None:
        return parsed.inflect(set(grammemes))
    # pymorphy3's own choice (MorphAnalyzer._inflect) over the shared lexeme.
    wanted: frozenset[str] | set[str] = grammemes
    possible = [f for f in forms if wanted <= f.tag.grammemes]
    if not possible:
        wanted = type(parsed.tag).fix_rare_cases(grammemes)
        possible = [f for f in forms if wanted <= f.tag.grammemes]
    if not possible:
        return None
    target = parsed.tag.updated_grammemes(wanted)
    return max(possible, key=lambda f: len(target & f.tag.grammemes)
               - 0.1 * len(target ^ f.tag.grammemes))


def lexeme(parsed) -> tuple | None:
    """The lexeme of a dictionary parse (shared by all its forms: keyed by the lemma and the
    paradigm), ``None`` for a guessed one."""
    stack = parsed.methods_stack
    if len(stack) != 1 or not isinstance(stack[0][0], DictionaryAnalyzer):
        return None
    key = (parsed.normal_form, stack[0][2])  # (lemma, paradigm id)
    found = _LEXEMES.get(key)
    if found is None:
        if len(_LEXEMES) >= PARSE_CACHE:
            _LEXEMES.clear()  # starts afresh: atomic, whichever thread asks
        found = _LEXEMES[key] = tuple(parsed.lexeme)
    return found


_LEXEMES: dict[tuple[str, int], tuple] = {}
