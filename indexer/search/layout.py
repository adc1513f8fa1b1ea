"""Text typed with the wrong keyboard layout: the Latin keys under the Russian ЙЦУКЕН letters
(«rjycnbnewbz» is «конституция», «k.,jdm» is «любовь») and back («пщщпду» is «google»)."""

from __future__ import annotations

import re

# The keys of the two layouts, row by row (ё on the key left of 1).
RUSSIAN_KEYS = "ёйцукенгшщзхъфывапролджэячсмитьбю"
LATIN_KEYS = "`qwertyuiop[]asdfghjkl;'zxcvbnm,."

_LETTERS = [(r, e) for r, e in zip(RUSSIAN_KEYS, LATIN_KEYS, strict=True)]
TO_RUSSIAN = str.maketrans(
    {e: r for r, e in _LETTERS}
    | {e.upper(): r.upper() for r, e in _LETTERS if e.isalpha()})
TO_LATIN = str.maketrans(
    {r: e for r, e in _LETTERS}
    | {r.upper(): e.upper() for r, e in _LETTERS if e.isalpha()})

# A piece of a query that may have been typed in the other layout: only the keys of one
# layout's letters (with the punctuation keys where the other layout has letters).
LATIN_TYPED = re.compile(r"[A-Za-z\[\];',.`]*[A-Za-z][A-Za-z\[\];',.`]*")
RUSSIAN_TYPED = re.compile(r"[ЁА-ЯёА-я]+")


def as_russian(text: str) -> str:
    """What ``text`` typed on Latin keys says on the Russian ones."""
    return text.translate(TO_RUSSIAN)


def as_latin(text: str) -> str:
    """What ``text`` typed on Russian keys says on the Latin ones."""
    return text.translate(TO_LATIN)


def other_layout(chunk: str) -> str | None:
    """``chunk`` read in the other layout, or None when it is not all keys of one layout."""
    if LATIN_TYPED.fullmatch(chunk):
        return as_russian(chunk)
    if RUSSIAN_TYPED.fullmatch(chunk):
        return as_latin(chunk)
    return None
