"""Words of entity names: what a word is (a name part, a post, a word never inflected) and
how a name's spelling is kept."""

from __future__ import annotations

import re

from indexer.entities.word_facts import dictionary_parses, facts
from indexer.text.normalise import without_yo

KAZAKH = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# A word of letters, hyphenated or with an apostrophe (no digits).
WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*", re.UNICODE)

def is_cap(word: str) -> bool:
    return word[:1].isupper()


def is_name_part(word: str) -> bool:
    return facts(word.lower()).name_part


def is_title(word: str) -> bool:
    return facts(word.lower()).title


_SENIORITY = frozenset({"младший", "старший"})


def is_seniority(word: str) -> bool:
    """A form of «младший» or «старший», the lower-case part of «Буш-младший»,
    «Уильямс-младшая», «Лукашенко-старшего»."""
    return any(p.tag.POS == "ADJF" and p.normal_form in _SENIORITY
               for p in dictionary_parses(word.lower()))


def untouchable(word: str) -> bool:
    """Words we never inflect: Kazakh letters, Latin, digits, abbreviations, initials."""
    if any(c in KAZAKH for c in word) or any("a" <= c.lower() <= "z" for c in word):
        return True
    if any(c.isdigit() for c in word) or len(word) <= 1:
        return True
    return word.isupper()


_SEPARATOR = re.compile(r"[-‐'’]")


def recase(src: str, dst: str) -> str:
    """Give ``dst`` the capitalisation style of ``src`` (per hyphen part), and its е for ё."""
    if "ё" not in src.lower():
        dst = without_yo(dst)
    if src.isupper() and len(src) > 1:
        return dst.upper()
    if not _SEPARATOR.search(src) and not _SEPARATOR.search(dst):
        return dst[:1].upper() + dst[1:] if is_cap(src) else dst
    sp, dp = re.split(r"([-‐'’])", src), re.split(r"([-‐'’])", dst)
    if len(sp) != len(dp):
        return dst[:1].upper() + dst[1:] if is_cap(src) else dst
    return "".join(d[:1].upper() + d[1:] if is_cap(s) else d for s, d in zip(sp, dp, strict=True))


def squash(s: str) -> str:
    """One space between words; no soft hyphen or zero-width space (invisible, but a value
    with one would be another value)."""
    return " ".join(s.replace("\u00ad", "").replace("\u200b", "").split())
