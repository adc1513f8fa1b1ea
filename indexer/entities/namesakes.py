"""Whether two person names may be one person: the same surname in another form (Путин,
Путина; Скрипаль, Скрипаля), the same first letter («В. Путин», «Владимир Путин»). Used within
an article (``person_merge``) and across the archive (``archive``)."""

from __future__ import annotations

import os
import re

from indexer.text.normalise import normalise

INFLECTION_ENDINGS = frozenset(
    "| а у ом ым ем е ой ую ая ий ого ому им я ю ы и ей ых ыми ь й".split(" ")
) | {""}
_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*\.?")


def name_words(name: str) -> list[str]:
    """The words of a name, initials with their dot («В.», «Путин»)."""
    return _NAME_WORD_RE.findall(name)


def is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def surname_key(word: str) -> str:
    """Bucket for surname comparison (``same_surname`` needs a common prefix of 4 letters)."""
    return normalise(word)[:4]


def same_surname(a: str, b: str) -> bool:
    """One surname in two forms: equal, or a common stem of 4 letters or more and endings that
    are case or gender endings (Путин, Путина; Ракова, Раков)."""
    a, b = normalise(a), normalise(b)
    if a == b:
        return True
    common = len(os.path.commonprefix([a, b]))
    if common < 4:
        return False
    return a[common:] in INFLECTION_ENDINGS and b[common:] in INFLECTION_ENDINGS


def same_person(a: str, b: str) -> bool:
    """Two names with the same surname and first letter («В. Путин», «Владимир Путин»)."""
    wa, wb = name_words(a) or [a], name_words(b) or [b]
    if not same_surname(wa[-1], wb[-1]):
        return False
    return wa[0][:1].lower() == wb[0][:1].lower()


def is_full_name(name: str) -> bool:
    """A first name and a surname, not initials («Владимир Путин», not «В. Путин»)."""
    words = name_words(name)
    return len(words) >= 2 and not is_initial(words[0]) and not is_initial(words[-1])
