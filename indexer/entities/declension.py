"""How a name word may decline: for a word as written, every (case, gender) it may stand in
and the nominative it would then have, from the shape of its ending alone.

Names are mostly words no dictionary holds (Скрипаль, Небензя, Мармарис, Гуджранвала), so
pymorphy3's guesser, which reads them as Russian common nouns («Скрипаля» → «скрипалй»,
«Хезболла» → «хезболл»), is not asked. The patterns here are the Russian declensions of names:

- hard and soft masculine nouns (Макрон, Скрипаль, Цой): -а/-я, -у/-ю, -ом/-ем, -е;
  a feminine name of that shape does not decline (Юлия Скрипаль, Ангела Меркель);
- the -а/-я declension, for either gender (Асия, Небензя, Кучма, Гуджранвала);
- surnames in -ов/-ев/-ин/-ын and adjectival ones in -ский/-цкий (their own tables);
- indeclinable words: a final о, е, и, у, ю, э, ы or -их/-ых (Шойгу, Санду as written, Черных).

Each reading carries a weight: how usual that reading of the shape is. Callers add what the
dictionary, the sentence and the article say, and choose.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import NamedTuple

from indexer.entities.word_facts import RULES_CACHE

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
VOWELS = frozenset("аеёиоуыэюя")
_HISSING = frozenset("жшчщц")
_VELAR = frozenset("гкх")
_OBLIQUE_ENDINGS = ("ом", "ем", "ём", "ым", "им", "ой", "ей")
# How often a final letter marks a name that does not decline (Гюго, Дали, Моне, Шойгу).
_INDECLINABLE = {"о": 1.0, "э": 1.0, "и": 0.8, "е": 0.4, "у": 0.15, "ю": 0.15, "ы": 0.3}
# Consonants after which a name in -я is usual (Оля, Таня, Настя, Ася): «Оли» → «Оля».
_SOFT_BEFORE_YA = frozenset("лнрдтсз")
# Surname endings after an -ов/-ев/-ин/-ын stem: (ending, case, gender).
OV_FORMS = (
    ("", "nomn", "masc"), ("а", "gent", "masc"), ("а", "accs", "masc"), ("а", "nomn", "femn"),
    ("у", "datv", "masc"), ("у", "accs", "femn"), ("ым", "ablt", "masc"), ("е", "loct", "masc"),
    ("ой", "gent", "femn"), ("ой", "datv", "femn"), ("ой", "ablt", "femn"),
    ("ой", "loct", "femn"),
)
SKIY_FORMS = (
    ("ий", "nomn", "masc"), ("ого", "gent", "masc"), ("ого", "accs", "masc"),
    ("ому", "datv", "masc"), ("им", "ablt", "masc"), ("ом", "loct", "masc"),
    ("ая", "nomn", "femn"), ("ой", "gent", "femn"), ("ой", "datv", "femn"),
    ("ой", "ablt", "femn"), ("ой", "loct", "femn"), ("ую", "accs", "femn"),
)


class Reading(NamedTuple):
    case: str
    gender: str  # masc or femn
    nominative: str
    weight: float


def _soft(stem: str) -> str:
    """The nominative of a soft masculine stem: Скрипал-я → Скрипаль, Цо-я → Цой."""
    return stem + ("й" if stem[-1] in VOWELS else "ь")


def _consonant(ch: str) -> bool:
    return ch.isalpha() and ch not in VOWELS and ch not in "ьй"


def surname_forms(low: str) -> dict[tuple[str, str], str]:
    """Case/gender readings of a Russian-type surname (-ов/-ев/-ин/-ын, -ский/-цкий) and the
    nominative for each."""
    found: dict[tuple[str, str], str] = {}
    for stem_end in ("ов", "ев", "ёв", "ин", "ын"):
        for ending, case, gender in OV_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("а" if gender == "femn" else "")
    for stem_end in ("ск", "цк"):
        for ending, case, gender in SKIY_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("ая" if gender == "femn" else "ий")
    return found


# Masculine endings: (ending, case, how the nominative is made from the stem, weight).
# «hard»: the stem (Макрон-а); «soft»: stem + ь, or + й after a vowel (Скрипал-я, Цо-я);
# «ем»: after ж, ш, ч, щ, ц the stem (Абрамович-ем), else soft (Кол-ем).
_MASCULINE_ENDINGS = (
    ("а", "gent", "hard", 1.0), ("а", "accs", "hard", 0.6), ("я", "gent", "soft", 1.0),
    ("я", "accs", "soft", 0.6), ("у", "datv", "hard", 1.0), ("ю", "datv", "soft", 1.0),
    ("ом", "ablt", "hard", 1.0), ("ем", "ablt", "ем", 1.0), ("ём", "ablt", "soft", 1.0),
    ("е", "loct", "hard", 1.0), ("е", "loct", "soft", 0.6),
)
# -а/-я endings: (ending, case, nominative ending, which letter may precede, weight).
_ANY, _VELAR_HISSING, _PLAIN, _SOFT = "any", "velar", "plain", "soft"
_FIRST_ENDINGS = (
    ("а", "nomn", "а", _ANY, 1.0), ("я", "nomn", "я", _ANY, 1.0),
    ("ы", "gent", "а", _PLAIN, 1.0),
    ("ии", "gent", "ия", _ANY, 1.0), ("ии", "datv", "ия", _ANY, 1.0),
    ("ии", "loct", "ия", _ANY, 1.0),
    ("и", "gent", "а", _VELAR_HISSING, 1.0), ("и", "gent", "я", _SOFT, 1.0),
    ("е", "datv", "а", _ANY, 0.8), ("е", "loct", "а", _ANY, 0.8),
    ("е", "datv", "я", _ANY, 0.8), ("е", "loct", "я", _ANY, 0.8),
    ("у", "accs", "а", _ANY, 1.0), ("ю", "accs", "я", _ANY, 1.0),
    ("ой", "ablt", "а", _ANY, 1.0), ("ою", "ablt", "а", _ANY, 1.0),
    ("ей", "ablt", "я", _ANY, 1.0), ("ею", "ablt", "я", _ANY, 1.0),
    ("ей", "ablt", "а", _VELAR_HISSING, 1.0),
)


def _masculine(low: str) -> list[Reading]:
    """Readings as a hard or soft masculine noun (Макрон, Скрипаль, Цой)."""
    out: list[Reading] = []
    if _consonant(low[-1]) or low[-1] in "ьй":
        # A word ending as an oblique form usually is one: «Колем», «Думой», «Пеном».
        oblique = low.endswith(_OBLIQUE_ENDINGS) and len(low) > 4
        out.append(Reading("nomn", "masc", low, 0.4 if oblique else 1.0))
    if len(low) < 4:
        return out
    for ending, case, how, weight in _MASCULINE_ENDINGS:
        if not low.endswith(ending):
            continue
        stem = low[: -len(ending)]
        soft = how == "soft" or how == "ем" and stem[-1] not in _HISSING
        if not (_consonant(stem[-1]) or soft and stem[-1] in VOWELS):
            continue
        out.append(Reading(case, "masc", _soft(stem) if soft else stem, weight))
        if stem[-1] == "ц" and len(stem) >= 3 and _consonant(stem[-2]) and not soft:
            out.append(Reading(case, "masc", stem[:-1] + "ец", weight * 0.6))  # Муромца
    return out


def _may_precede(ch: str, which: str) -> bool:
    if which == _ANY:
        return True
    if which == _VELAR_HISSING:
        return ch in _VELAR or ch in _HISSING
    if which == _PLAIN:  # -ы: not after к, ж…, but after ц (Кустурицы, Ниццы)
        return ch not in _VELAR and (ch not in _HISSING or ch == "ц")
    return ch in _SOFT_BEFORE_YA


def _first_declension(low: str) -> list[Reading]:
    """Readings in the -а/-я declension (Асия, Небензя, Гуджранвала), either gender."""
    out: list[Reading] = []
    for ending, case, nom_ending, which, weight in _FIRST_ENDINGS:
        if not low.endswith(ending) or case != "nomn" and len(low) < 3:
            continue
        stem = low[: -len(ending)]
        if not stem or not _may_precede(stem[-1], which):
            continue
        if ending == "и" and low.endswith("ии"):
            continue  # Марии: the -ия rows
        nominative = stem + nom_ending
        if len(nominative) < 3 or not _consonant(nominative[-2]) and nominative[-2] != "и":
            continue
        out.append(Reading(case, "femn", nominative, weight))
        out.append(Reading(case, "masc", nominative, 0.7 * weight))
    return out


def _third_declension(low: str) -> list[Reading]:
    """Feminine nouns in -ь, where the form is unmistakable: «под Катынью», «Любовью»."""
    if low.endswith("ью") and len(low) > 4 and _consonant(low[-3]):
        return [Reading("ablt", "femn", low[:-1], 1.0)]
    return []


def _indeclinable(low: str) -> list[Reading]:
    """A word that does not decline: foreign vowel endings (Шойгу, Дали, Моне, Гюго), -их/-ых;
    a feminine name of masculine shape (Скрипаль, Меркель)."""
    last = low[-1]
    genders: tuple[str, ...]
    if low.endswith(("их", "ых")):
        genders, weight = ("masc", "femn"), 1.0
    elif last in _INDECLINABLE:
        genders, weight = ("masc", "femn"), _INDECLINABLE[last]
    elif _consonant(last) or last in "ьй":
        genders = ("femn",)
        weight = 0.3 if low.endswith(_OBLIQUE_ENDINGS) else 1.0
    else:
        return []
    return [Reading(case, g, low, weight) for case in CASES for g in genders]


@lru_cache(maxsize=RULES_CACHE)
def name_readings(low: str) -> tuple[Reading, ...]:
    """Every reading of a lower-case name word (one part of a hyphenated one) by its shape."""
    if len(low) < 2 or not low.isalpha():
        return ()
    out = [Reading(case, gender, nom, 1.3) for (case, gender), nom in surname_forms(low).items()]
    if out:  # an -ов or -ский surname; other readings stay, weaker (Дерипаской → Дерипаска)
        out += [r._replace(weight=r.weight * 0.7) for r in _first_declension(low)]
        return tuple(out)
    return tuple(_masculine(low) + _first_declension(low) + _third_declension(low)
                 + _indeclinable(low))


def join_parts(words: list[str], seps: list[str], options: list[dict], key: Hashable,
               left: Callable[[int], float]) -> tuple[str, float, bool]:
    """A hyphenated name read part by part under one ``key`` (a case, or a case and gender):
    each part's likeliest form under it, or the part as written, weighing ``left(i)``. Returns
    the name, its mean weight, and whether any part was read."""
    chosen, total, read = [], 0.0, False
    for i, (w, by_key) in enumerate(zip(words, options, strict=True)):
        forms = by_key.get(key)
        if forms:
            best = max(forms, key=forms.__getitem__)
            chosen.append(best)
            total += forms[best]
            read = True
        else:
            chosen.append(w)
            total += left(i)
    name = chosen[0] + "".join(s + c for s, c in zip(seps, chosen[1:], strict=True))
    return name, total / len(words), read
