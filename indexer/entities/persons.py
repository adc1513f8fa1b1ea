"""Persons' names in the nominative: every name word agrees in case and gender, read from
pymorphy3's name parses, surname suffix rules, the words just before the name and the other
forms the article uses («Касым-Жомарта Токаева» → «Касым-Жомарт Токаев»)."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from indexer.entities.words import WORD_RE, is_cap, is_title, recase, squash, untouchable
from indexer.text.morphology import PARSE_CACHE, inflect, known_parses, parse

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")

# Surname endings: (ending after the -ов/-ев/-ин stem, case, gender).
OV_FORMS = (
    ("", "nomn", "masc"),
    ("а", "gent", "masc"),
    ("а", "accs", "masc"),
    ("а", "nomn", "femn"),
    ("у", "datv", "masc"),
    ("у", "accs", "femn"),
    ("ым", "ablt", "masc"),
    ("е", "loct", "masc"),
    ("ой", "gent", "femn"),
    ("ой", "datv", "femn"),
    ("ой", "ablt", "femn"),
    ("ой", "loct", "femn"),
)
_SKIY_FORMS = (
    ("ий", "nomn", "masc"),
    ("ого", "gent", "masc"),
    ("ого", "accs", "masc"),
    ("ому", "datv", "masc"),
    ("им", "ablt", "masc"),
    ("ом", "loct", "masc"),
    ("ая", "nomn", "femn"),
    ("ой", "gent", "femn"),
    ("ой", "datv", "femn"),
    ("ой", "ablt", "femn"),
    ("ой", "loct", "femn"),
    ("ую", "accs", "femn"),
)
# Crude endings for unknown (often Kazakh or foreign) first names: masculine declension.
_UNKNOWN_MASC = (
    ("а", "gent", ""),
    ("а", "accs", ""),
    ("я", "gent", "й"),
    ("у", "datv", ""),
    ("ом", "ablt", ""),
    ("ем", "ablt", "й"),
    ("е", "loct", ""),
)

Hyp = tuple[str, str]  # (case, gender)


def surname_forms(low: str) -> dict[Hyp, str]:
    """Case/gender readings of a Russian-type surname and the nominative for each."""
    found: dict[Hyp, str] = {}
    for stem_end in ("ов", "ев", "ёв", "ин", "ын"):
        for ending, case, gender in OV_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("а" if gender == "femn" else "")
    for stem_end in ("ск", "цк"):
        for ending, case, gender in _SKIY_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("ая" if gender == "femn" else "ий")
    return found


@lru_cache(maxsize=PARSE_CACHE)
def _person_readings(word: str) -> tuple[dict[Hyp, str], float]:
    """Readings of one name word: {(case, gender): nominative} and a weight of the evidence
    (cached: callers must not change the dict)."""
    low = word.lower()
    if untouchable(word) or word.endswith("."):
        return {}, 0.0
    readings: dict[Hyp, str] = {}
    known = [p for p in parse(low) if p.is_known and {"Name", "Surn", "Patr"} & p.tag.grammemes]
    for p in known:
        if p.tag.number != "sing" or p.tag.case not in CASES:
            continue
        nom = inflect(p, frozenset({"nomn"}))
        if nom is None:
            continue
        gender = p.tag.gender
        for g in (gender,) if gender in ("masc", "femn") else ("masc", "femn"):
            readings.setdefault((p.tag.case, g), nom.word)
    if readings:
        return readings, 2.0
    readings = surname_forms(low)
    if readings:
        return readings, 1.5
    # Unknown word (often Kazakh): nominative as is, or a masculine oblique form.
    readings = {("nomn", "masc"): low, ("nomn", "femn"): low}
    last = re.split(r"[-‐]", low)[-1]
    for ending, case, repl in _UNKNOWN_MASC:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            readings.setdefault((case, "masc"), low[: len(low) - len(ending)] + repl)
    return readings, 1.0


_PREP_CASES = {
    **dict.fromkeys("у от до без для из около после против среди возле кроме со".split(), "gent"),
    **dict.fromkeys("к ко по".split(), "datv"),
    **dict.fromkeys("с над под перед между".split(), "ablt"),
    **dict.fromkeys("о об обо при".split(), "loct"),
    **dict.fromkeys("на в во за про через".split(), "accs"),
}


def _context_cases(text: str, start: int) -> dict[str, float]:
    """Case evidence from the words just left of a name: a preposition or a title in apposition."""
    left = text[max(0, start - 80) : start]
    cut = max(left.rfind(ch) for ch in ".!?;:\n")
    words = WORD_RE.findall(left[cut + 1 :])[-4:]
    if not words:
        return {}
    prep = _PREP_CASES.get(words[-1].lower())
    if prep:
        return {c: 1.0 for c in CASES if c != "nomn"} | {prep: 2.0}
    for word in reversed(words):
        if (is_cap(word) or word.isupper()) and not is_title(word):
            continue  # genitive modifiers such as ``Мажилиса``, ``США``
        parses = known_parses(word.lower())
        if not parses or parses[0].tag.POS != "NOUN":
            return {}
        if any(p.tag.case == "gent" and "inan" in p.tag.grammemes for p in parses):
            if not is_title(word):
                continue  # ``государства`` in ``Главы государства``
        if is_title(word) or "anim" in parses[0].tag.grammemes:
            weight = 1.5 if is_title(word) else 1.0
            return {p.tag.case: weight for p in parses if p.tag.number == "sing" and p.tag.case}
        return {}
    return {}


def _hypothesis_scores(readings: list[tuple[dict[Hyp, str], float]],
                       context: dict[str, float], doc_words: frozenset[str]
                       ) -> dict[Hyp, float]:
    """How much speaks for each (case, gender) of a name: its words' readings, the words just
    before it, and the nominatives the article uses elsewhere."""
    scores: dict[Hyp, float] = defaultdict(float)
    for found, weight in readings:
        for hyp in found:
            scores[hyp] += weight
    for case, weight in context.items():
        for gender in ("masc", "femn"):
            if (case, gender) in scores:
                scores[(case, gender)] += weight
    for found, _ in readings:  # a nominative seen elsewhere in the article is strong evidence
        for hyp, nom in found.items():
            if nom in doc_words and hyp[0] != "nomn":
                scores[hyp] += 1.0
    return scores


def normalise_person(
    text: str, start: int, end: int, doc_words: frozenset[str] = frozenset()
) -> str:
    """Nominative form of a person's name (all name words agree in case and gender)."""
    span = text[start:end]
    parts = [(m.start(), m.end()) for m in WORD_RE.finditer(span)]
    readings = [_person_readings(span[s:e]) for s, e in parts]
    scores = _hypothesis_scores(readings, _context_cases(text, start), doc_words)
    if not scores:
        return squash(span)
    best = max(scores.values())
    ties = [h for h in scores if scores[h] == best]
    hyp = min(ties, key=lambda h: (h[0] != "nomn", h[1] != "masc"))
    if hyp[0] == "nomn":
        return squash(span)
    out: list[str] = []
    pos = 0
    for (s, e), (found, _) in zip(parts, readings, strict=True):
        word = span[s:e]
        reading = found.get(hyp)
        out.append(span[pos:s])
        out.append(recase(word, reading) if reading else word)
        pos = e
    out.append(span[pos:])
    return squash("".join(out))
