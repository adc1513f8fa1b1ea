"""Organisations' and places' names in the nominative.

The head of a name — its leading adjectives and first noun («Национальной гвардии»,
«Калининградскую высшую школу», «Каменске-Уральском», «Боснии и Герцеговины») — is put into
the nominative, its words agreeing in case, number and gender; what follows the head
(genitive modifiers, quoted names: «Почты России», «Заливе Свиней») stays as written. A
head noun is read from pymorphy3's dictionary where it knows the word and otherwise from the
declension patterns of ``declension`` (Мармарисе → Мармарис, Гуджранвале → Гуджранвала,
Хезболла stays); the preposition before the name, a mild prior for the nominative and the
article's own other forms of the word decide between readings. Kazakh letters, Latin, digits
and abbreviations are never inflected.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import lru_cache

from indexer.entities.context import Evidence, left_evidence
from indexer.entities.declension import CASES, SKIY_FORMS, join_parts, name_readings
from indexer.entities.persons import Alternative, choose
from indexer.entities.word_facts import RULES_CACHE, dictionary_parses, facts
from indexer.entities.words import WORD_RE, is_cap, recase, squash, untouchable
from indexer.text.morphology import inflect, lexeme

Key = tuple[str, str, str]  # (case, number, gender); gender "" in the plural
Readings = dict[Key, dict[str, float]]  # → nominative → weight
Group = list[tuple[int, int, bool]]  # a name's head: (start, end, is an adjective) per word

_ABBR_CASE_RE = re.compile(r"^([A-ZА-ЯЁ]{2,})([а-яё]{1,3})$")
_ADJ = frozenset({"ADJF", "PRTF"})
_QUOTES = '«"“„'
PRIOR = {"nomn": 0.3, "gent": 0.2}
DOC_BONUS = 1.5


def _add(out: Readings, key: Key, nominative: str, weight: float) -> None:
    noms = out.setdefault(key, {})
    if weight > noms.get(nominative, 0.0):
        noms[nominative] = weight


def _closest_form(parse, grammemes: set[str], word: str) -> str | None:
    """The form of ``parse``'s lexeme with ``grammemes`` closest to ``word`` in spelling
    («высшую» → «высшая», not «высочайшая»)."""
    degree = {"Supr", "Cmp2", "Poss"}
    keep = degree & parse.tag.grammemes
    quick = inflect(parse, frozenset(grammemes))
    if quick is not None and degree & quick.tag.grammemes == keep and (
            quick.word[:2] == word[:2]):
        return quick.word  # the usual case; the lexeme is read only when inflect strays
    best, best_common = None, -1
    for form in lexeme(parse) or parse.lexeme:
        tag = form.tag
        if not grammemes <= tag.grammemes or degree & tag.grammemes != keep:
            continue
        common = len(_common_prefix(form.word, word))
        if common > best_common:
            best, best_common = form.word, common
    return best


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


@lru_cache(maxsize=RULES_CACHE)
def noun_readings(low: str) -> Readings:
    """Readings of a lower-case head noun of a place or organisation (cached)."""
    out: Readings = {}
    known = [p for p in dictionary_parses(low) if p.tag.POS == "NOUN" and p.tag.case in CASES]
    for p in known:
        tag = p.tag
        proper = bool({"Geox", "Orgn"} & tag.grammemes)
        weight = (2.0 if proper else 1.5) + 0.5 * p.score
        if tag.number == "plur" and not {"Pltm"} & tag.grammemes:
            weight *= 0.3
        number = str(tag.number or "sing")
        wanted = {"nomn", number}
        nom = _closest_form(p, wanted, low)
        if nom is not None:
            gender = str(tag.gender or "") if number == "sing" else ""
            _add(out, (str(tag.case), number, gender), nom, weight)
    share = 0.5 if known else 1.0
    neuter = low[-1] == "о" and low.isalpha()  # Измайлово, Косово: neuter, indeclinable
    for r in name_readings(low):
        if not (neuter and r.nominative == low):
            _add(out, (r.case, "sing", r.gender), r.nominative, r.weight * share)
    if neuter:
        for case in CASES:
            _add(out, (case, "sing", "neut"), low, share)
    if low.endswith(("ове", "еве", "ине", "ыне")) and len(low) > 5:  # в Кемерове → Кемерово
        _add(out, ("loct", "sing", "neut"), low[:-1] + "о", 0.8 * share)
    return out


@lru_cache(maxsize=RULES_CACHE)
def adjective_readings(low: str) -> Readings:
    """Readings of a lower-case adjective of a name (cached)."""
    out: Readings = {}
    for p in dictionary_parses(low):
        tag = p.tag
        if tag.POS not in _ADJ or tag.case not in CASES:
            continue
        number = str(tag.number or "sing")
        gender = str(tag.gender or "") if number == "sing" else ""
        if number == "sing" and gender not in ("masc", "femn", "neut"):
            continue
        wanted = {"nomn", number} | ({gender} if gender else set())
        nom = _closest_form(p, wanted, low)
        if nom is not None:
            _add(out, (str(tag.case), number, gender), nom, 1.0 + 0.5 * p.score)
    if not out:
        for ending, case, gender in SKIY_FORMS:
            if low.endswith("ск" + ending) and len(low) > len(ending) + 4:
                base = low[: len(low) - len(ending)]
                _add(out, (case, "sing", gender), base + ("ая" if gender == "femn" else "ий"),
                     0.8)
    return out


@lru_cache(maxsize=RULES_CACHE)
def _is_adjective(low: str) -> bool:
    return bool(adjective_readings(low)) and not any(
        p.tag.POS == "NOUN" and p.score > 0.5 for p in dictionary_parses(low))


def _part_readings(part: str, is_adj: bool) -> Readings:
    return adjective_readings(part) if is_adj else noun_readings(part)


@lru_cache(maxsize=RULES_CACHE)
def word_readings(low: str, adjective: bool) -> Readings:
    """A head word's readings; a hyphenated one part by part, a part with no reading for a
    reading of the whole staying as written (Ростове-на-Дону, Нью-Гэмпшире, Алма-Аты), an
    adjective part agreeing with the noun part (Каменске-Уральском)."""
    parts = re.split(r"([-‐])", low)
    if len(parts) == 1:
        return _part_readings(low, adjective)
    words, seps = parts[::2], parts[1::2]
    inner = next((i for i, w in enumerate(words) if i and w in _INNER_WORDS), None)
    if inner is not None:  # Ростове-на-Дону: the first part declines, the rest stays
        declines = {0}
    elif not adjective and _is_adjective(words[-1]):  # Каменске-Уральском: noun + adjective
        declines = {0, len(words) - 1}
    else:  # Лас-Вегасе, Куала-Лумпура, Левада-Центра: the last part declines
        declines = {len(words) - 1}
    part_readings = [
        _part_readings(w, adjective or i > 0 and _is_adjective(w)) if i in declines else {}
        for i, w in enumerate(words)
    ]
    out: Readings = {}
    for key in sorted({k for r in part_readings for k in r}):
        name, weight, _ = join_parts(words, seps, part_readings, key, lambda _i: 0.5)
        _add(out, key, name, weight)
    return out


_INNER_WORDS = frozenset("на над под де ла ле сюр сан ан дель ду".split())


def _head_group(span: str) -> Group:
    """The words of the head: leading adjectives and a noun."""
    group: Group = []
    for m in WORD_RE.finditer(span):
        word = m.group()
        if any(q in span[: m.start()] for q in _QUOTES) or untouchable(word):
            break
        if not is_cap(word) and not group and not _lower_head_ok(word):
            break
        adjective = _adjective_word(word.lower())
        group.append((m.start(), m.end(), adjective))
        if not adjective:
            break
    return group


def _adjective_word(low: str) -> bool:
    """An adjective, or a compound one (Восточно-Китайском, not Каменске-Уральском)."""
    parts = re.split(r"[-‐]", low)
    if len(parts) == 1:
        return _is_adjective(low)
    return _is_adjective(parts[-1]) and not facts(parts[0]).noun_forms


def _lower_head_ok(word: str) -> bool:
    """A lower-case first word may head a name it qualifies («мэрии Перми»)."""
    from indexer.entities.bodies import is_generic_head

    return is_generic_head(word)


def _agree(span: str, group: Group, ctx: Evidence) -> list[tuple[float, list[str], Key]]:
    """Scored nominatives of the head group's words, for each reading they agree on."""
    readings = [word_readings(span[s:e].lower(), adj) for s, e, adj in group]
    weights = {case: w for (kind, case), w in ctx if kind == "c"}
    found: list[tuple[float, list[str], Key]] = []
    for key in readings[-1]:
        total = PRIOR.get(key[0], 0.0) + weights.get(key[0], 0.0)
        noms = _agreeing(readings, lambda k, key=key: k == key)
        if noms is not None:
            found.append((total + noms[0], noms[1], key))
    return found


def _agreeing(readings: list[Readings], fits) -> tuple[float, list[str]] | None:
    """Each word's best nominative among its readings that ``fits``, and their weight."""
    total, noms = 0.0, []
    for r in readings:
        options = {n: w for k, o in r.items() if fits(k) for n, w in o.items()}
        if not options:
            return None
        best = max(options, key=options.__getitem__)
        noms.append(best)
        total += options[best]
    return total, noms


_AND = re.compile(r"\s+и\s+")


def _coordinated(span: str, group: Group) -> Group:
    """The head group of a second name joined by «и» (Боснии и Герцеговины), offsets into
    ``span``; empty when there is none."""
    m = _AND.match(span, group[-1][1])
    if m is None or not is_cap(span[m.end() : m.end() + 1]):
        return []
    return [(s + m.end(), e + m.end(), adj) for s, e, adj in _head_group(span[m.end():])]


def _second_nominatives(span: str, group: Group, key: Key) -> list[str] | None:
    """The coordinated group in the case and number of the first (any gender)."""
    readings = [word_readings(span[s:e].lower(), adj) for s, e, adj in group]
    found = _agreeing(readings, lambda k: k[:2] == key[:2])
    return found[1] if found else None


@lru_cache(maxsize=RULES_CACHE)
def name_alternatives(kind: str, span: str, ctx: Evidence) -> tuple[Alternative, ...]:
    """The likeliest nominatives of an ORG or LOC ``span`` in a context, best first."""
    group = _head_group(span)
    if not group:
        return ((0.0, squash(_fix_abbr_case(span)), ()),)
    scored = _agree(span, group, ctx)
    if not scored:
        return ((0.0, squash(_fix_abbr_case(span)), ()),)
    out: list[Alternative] = []
    lows = [span[s:e].lower() for s, e, _ in group]
    second = _coordinated(span, group)
    for score, noms, key in sorted(scored, key=lambda x: -x[0])[:6]:
        more = _second_nominatives(span, second, key) if second else None
        name = _rebuild(span, group + second if more else group, noms + (more or []))
        confirm = tuple(n for n, low in zip(noms, lows, strict=True) if n != low)[-1:]
        out.append((score, name, confirm))
    best = out[0][0]
    return tuple(a for a in out if a[0] > best - 2 * DOC_BONUS)


def _rebuild(span: str, group: Group, noms: list[str]) -> str:
    out, pos = [], 0
    for (s, e, _), nom in zip(group, noms, strict=True):
        out.append(span[pos:s])
        word = span[s:e]
        form = recase(word, nom)
        out.append(form[:1].upper() + form[1:] if s == 0 else form)
        pos = e
    out.append(span[pos:])
    return squash("".join(out))


def _fix_abbr_case(span: str) -> str:
    m = _ABBR_CASE_RE.match(span)
    return m.group(1) if m else span


def normalise_name(
    kind: str, text: str, start: int, end: int, doc_words: Container[str] = frozenset()
) -> str:
    """Nominative form of an ORG or LOC."""
    ctx = left_evidence(text, start, person=False)
    return choose(name_alternatives(kind, text[start:end], ctx), doc_words)
