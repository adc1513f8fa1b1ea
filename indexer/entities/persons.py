"""Persons' names in the nominative: every word of a name agrees in case and gender.

Each word of a name has readings (case, gender → nominative, weight): pymorphy3's dictionary
parses of first names, patronymics and surnames, its adjectives (adjectival surnames: Яровой →
Яровая), its common nouns (Учителя → Учитель) and the declension patterns of
``declension`` (what an unknown name may be). The reading of the whole name is the (case,
gender) that its words, the words around it (``context``) and a mild prior (men and the
nominative and genitive are most common in news) favour most; inner words of foreign names may
stay as written («Ким Чен Ына» → «Ким Чен Ын»). Where readings still compete, a nominative the
article itself uses elsewhere decides («Лиле Брик» and «Лиля Брик сказала»).

The reading of a span in a context is cached (``alternatives``), so an article only checks its
own words against the few candidates left.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache
from typing import NamedTuple

from indexer.entities.context import Evidence, evidence
from indexer.entities.declension import CASES, Reading, join_parts, name_readings
from indexer.entities.word_facts import RULES_CACHE, dictionary_parses
from indexer.entities.words import WORD_RE, is_seniority, recase, squash, untouchable
from indexer.text.morphology import inflect

Hyp = tuple[str, str]  # (case, gender)
WordReadings = dict[Hyp, dict[str, float]]  # hypothesis → nominative → weight

PARTICLES = frozenset("де ди да дель делла дос дер ван фон фан тер ле ла аль эль ибн бен бин"
                      .split())
PRIOR = {("c", "nomn"): 0.3, ("c", "gent"): 0.2, ("g", "masc"): 0.3}
DOC_BONUS = 1.5  # a nominative the article uses elsewhere
CONTEXT_REACH = 7.0  # more than a context can lift one reading over another (PRIOR + 2 × 1.5),
# plus the 2 × DOC_BONUS that ``alternatives`` keeps: cutting here changes no result
FROZEN = 0.3  # a word left as written that has no nominative reading
FROZEN_SHARE = 0.8  # an inner word left as written: this share of its nominative's weight
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


def _dictionary(low: str) -> list[Reading]:
    """Readings from pymorphy3's dictionary: names, adjectives, nouns (singular)."""
    out = []
    for p in dictionary_parses(low):
        tag = p.tag
        if tag.number != "sing" or tag.case not in CASES:
            continue
        grammemes = tag.grammemes
        if _NAME_TAGS & grammemes:
            weight = (1.5 if "Surn" in grammemes else 2.0) + 0.5 * p.score
        elif tag.POS == "ADJF":
            weight = 1.2  # below the -ов/-ин pattern: Светова, not «Световая»
        elif tag.POS == "NOUN" and "Geox" not in grammemes:
            weight = 1.1
        else:
            continue
        genders = (str(tag.gender),) if tag.gender in ("masc", "femn") else ("masc", "femn")
        if tag.POS == "ADJF" and tag.gender not in ("masc", "femn"):
            continue
        nominative = _nominative(p)
        if nominative is None:
            continue
        for gender in genders:
            out.append(Reading(str(tag.case), gender, nominative, weight))
    return out


def _nominative(p) -> str | None:
    """A parse's nominative singular, in its gender for an adjective. (Not its normal form:
    that is the masculine of a feminine surname or patronymic, Петровна → петрович, and
    another spelling for some, Григорьевич → григориевич.)"""
    tag = p.tag
    wanted = {"nomn", "sing"} | ({tag.gender} if tag.POS == "ADJF" else set())
    found = inflect(p, frozenset(wanted))
    return found.word if found is not None else None


def _merge(readings: list[Reading] | tuple[Reading, ...]) -> WordReadings:
    merged: WordReadings = {}
    for r in readings:
        noms = merged.setdefault((r.case, r.gender), {})
        if r.weight > noms.get(r.nominative, 0.0):
            noms[r.nominative] = r.weight
    return merged


@lru_cache(maxsize=RULES_CACHE)
def word_readings(low: str) -> WordReadings:
    """Readings of one lower-case name word; a hyphenated word is read part by part, a part
    that has no reading for a hypothesis staying as written (Лопесом-Алегрия → Лопес-Алегрия).
    Cached: callers must not change the result."""
    parts = re.split(r"([-‐])", low)
    if len(parts) == 1:
        known = _dictionary(low)
        # A first name or surname the dictionary knows is read as it says; the patterns stay
        # as a weaker fallback.
        share = 0.25 if any(r.weight >= 2.0 for r in known) else 1.0
        patterns = [r._replace(weight=r.weight * share) for r in name_readings(low)]
        return _merge(known + patterns)
    words, seps = parts[::2], parts[1::2]
    # «-младший», «-старший» agree with the name as adjectives do: only their own (case,
    # gender) readings, never a surname's.
    agreeing = [i for i, w in enumerate(words) if i and is_seniority(w)]
    readings = [_merge(_dictionary(w)) if i in agreeing else word_readings(w)
                for i, w in enumerate(words)]
    out: WordReadings = {}
    for hyp in sorted({h for r in readings for h in r}):
        if any(hyp not in readings[i] for i in agreeing):
            continue
        # A part left as written (Жан-Жака, Лопесом-Алегрия) weighs its best nominative.
        name, weight, read = join_parts(words, seps, readings, hyp,
                                        lambda i: nominative_weight(readings[i]))
        if read:
            out[hyp] = {name: weight}
    return out


def nominative_weight(readings: WordReadings) -> float:
    """What a word left as written weighs: its best nominative reading, else ``FROZEN``."""
    weights = [w for (case, _), noms in readings.items() if case == "nomn"
               for w in noms.values()]
    return max(weights, default=FROZEN)


def _is_particle(word: str, is_last: bool) -> bool:
    return not is_last and word.lower() in PARTICLES


Alternative = tuple[float, str, tuple[str, ...]]  # score, name, nominatives to look for


class NameReading(NamedTuple):
    """One (case, gender) reading of a name: its words' weight, and the name it gives."""

    case: str
    gender: str
    # Its words' weights, added one by one after the context's (a sum in another order may
    # round another way and break a tie otherwise).
    weights: tuple[float, ...]
    name: str
    confirm: tuple[str, ...]  # the nominatives (other than the words as written) to look for


@lru_cache(maxsize=RULES_CACHE)
def span_readings(span: str) -> tuple[NameReading, ...]:
    """Every reading of a person's name as written, whatever the context (cached per span:
    a context only adds its weights, ``alternatives``)."""
    found = [(m.start(), m.end()) for m in WORD_RE.finditer(span)]
    content = [
        (s, e) for i, (s, e) in enumerate(found)
        if not untouchable(span[s:e]) and not _is_particle(span[s:e], i == len(found) - 1)
    ]
    if not content:
        return ()
    lows = [span[s:e].lower() for s, e in content]
    readings = [word_readings(low) for low in lows]
    scored: list[tuple[float, Hyp, list[float], list[str]]] = []
    for hyp in sorted({h for r in readings for h in r}):
        parts: list[float] = []
        noms: list[str] = []
        for i, (low, r) in enumerate(zip(lows, readings, strict=True)):
            options = r.get(hyp)
            if options:
                best = max(options, key=options.__getitem__)
                noms.append(best)
                parts.append(options[best])
            elif i < len(lows) - 1:
                noms.append(low)
                parts.append(FROZEN_SHARE * nominative_weight(r))
            else:
                break
        else:
            scored.append((sum(parts), hyp, parts, noms))
    if not scored:
        return ()
    top = max(t for t, _, _, _ in scored)
    return tuple(
        NameReading(hyp[0], hyp[1], tuple(parts), _rebuild(span, content, noms),
                    tuple(n for n, low in zip(noms, lows, strict=True) if n != low))
        for total, hyp, parts, noms in scored if total > top - CONTEXT_REACH
    )


@lru_cache(maxsize=RULES_CACHE)
def alternatives(span: str, ctx: Evidence) -> tuple[Alternative, ...]:
    """The likeliest readings of a person's name ``span`` in a context, best first: the
    name in the nominative, its score, and the nominatives (other than the words as written)
    that the article may confirm."""
    readings = span_readings(span)
    if not readings:
        return ((0.0, squash(span), ()),)
    weights = dict(PRIOR)
    for key, weight in ctx:
        weights[key] = weights.get(key, 0.0) + weight
    scored = sorted(((_score(r, weights), i) for i, r in enumerate(readings)),
                    key=lambda x: (-x[0], x[1]))
    top = scored[0][0]
    return tuple((score, readings[i].name, readings[i].confirm)
                 for score, i in scored[:6] if score > top - 2 * DOC_BONUS)


def _score(reading: NameReading, weights: dict[tuple[str, str], float]) -> float:
    total = weights.get(("c", reading.case), 0.0) + weights.get(("g", reading.gender), 0.0)
    for weight in reading.weights:
        total += weight
    return total


def _rebuild(span: str, content: list[tuple[int, int]], noms: list[str]) -> str:
    out, pos = [], 0
    for (s, e), nom in zip(content, noms, strict=True):
        out.append(span[pos:s])
        out.append(recase(span[s:e], nom))
        pos = e
    out.append(span[pos:])
    return squash("".join(out))


def choose(options: tuple[Alternative, ...], doc_words: Container[str]) -> str:
    """The alternative that scores best once the article's own words are counted."""
    if len(options) == 1:
        return options[0][1]
    best_name, best_score = options[0][1], float("-inf")
    for score, name, confirm in options:
        if confirm:  # the share of the changed words the article confirms
            score += DOC_BONUS * sum(1 for n in confirm if n in doc_words) / len(confirm)
        if score > best_score:
            best_name, best_score = name, score
    return best_name


def normalise_person(
    text: str, start: int, end: int, doc_words: Container[str] = frozenset()
) -> str:
    """Nominative form of a person's name (all name words agree in case and gender)."""
    return choose(alternatives(text[start:end], evidence(text, start, end)), doc_words)
