"""The one normaliser of words: lower case, with ё and е the same letter, and a word typed in
two scripts written in one.

Real archives hold words with a Latin letter among Cyrillic ones or the other way round
(«Cергей» with a Latin C, «CША», «Pacпaxнул», «МI5»; 551 of 8.4 million words in the 9,034
real articles): the letters that look alike in both scripts are written in the word's own
script (that of its letters without a twin), so that such a word is found, lemmatised and
counted as the word it shows. Letters without a twin stay as they are («RTД»); so do words in
one script.
"""

from __future__ import annotations

import re

# Letters that look the same in Latin and Cyrillic (lower and upper case), in the same order.
_LATIN = "aceopxykACEOPXYKMTHB"
_CYRILLIC = "асеорхукАСЕОРХУКМТНВ"
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
_TO_LATIN = str.maketrans(_CYRILLIC, _LATIN)
_HAS_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\w+")
_CYRILLIC_LETTER = re.compile(r"[А-Яа-яЁё]")
_LONGEST = 64  # longer «words» (hostile input) are left as they are


def _one_script(match: re.Match) -> str:
    """The word in the script of its letters that have no twin (п, ш, л / s, n, i), or, when
    those do not decide, of most of its letters."""
    word = match.group()
    if word.isascii() or len(word) > _LONGEST:
        return word
    latin = _HAS_LATIN.findall(word)
    if not latin:
        return word
    cyrillic = _CYRILLIC_LETTER.findall(word)
    if not cyrillic:
        return word
    own_latin = sum(c not in _LATIN for c in latin)
    own_cyrillic = sum(c not in _CYRILLIC for c in cyrillic)
    if own_latin == own_cyrillic:
        own_latin, own_cyrillic = len(latin), len(cyrillic)
    return word.translate(_TO_CYRILLIC if own_cyrillic >= own_latin else _TO_LATIN)


def one_script(text: str) -> str:
    """``text`` with each word typed in two scripts written in its main one (same length)."""
    if text.isascii() or not _HAS_LATIN.search(text):
        return text
    return _WORD.sub(_one_script, text)


def normalise(text: str) -> str:
    """``text`` lower-cased, ё written е, a word's look-alike letters in its main script: how
    words are indexed, queried and compared."""
    text = one_script(text).lower()
    return text.replace("ё", "е") if "ё" in text else text


def without_yo(text: str) -> str:
    """``text`` with ё written е (Ё as Е), its case kept."""
    return text.replace("ё", "е").replace("Ё", "Е")
