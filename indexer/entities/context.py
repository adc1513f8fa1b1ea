"""What the words around a name say about its case and gender: a preposition («с Юлией …»), a
post or descriptor in apposition («христианку Асию Биби», «певицы Жанны Фриске»), an agreeing
adjective («53-летней Дариги …»), a noun that governs the genitive («кончиной Дмитрия …»,
«сын Алишера …»), a verb that agrees with it («… Мэй заявила»)."""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.entities.word_facts import dictionary_parses
from indexer.entities.words import WORD_RE, is_cap, is_title

# Evidence: ("c", case) or ("g", gender) → weight.
Evidence = tuple[tuple[tuple[str, str], float], ...]

PREP_CASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys("у от до без для из около после против среди возле кроме вокруг "
                    "вместо мимо ради напротив внутри".split(), ("gent",)),
    **dict.fromkeys("к ко по благодаря согласно вопреки навстречу".split(), ("datv",)),
    **dict.fromkeys("над под перед между".split(), ("ablt",)),
    **dict.fromkeys("с со".split(), ("ablt", "gent")),
    **dict.fromkeys("о об обо при".split(), ("loct",)),
    **dict.fromkeys("на в во".split(), ("accs", "loct")),
    **dict.fromkeys("за".split(), ("accs", "ablt")),
    **dict.fromkeys("про через".split(), ("accs",)),
}
_OBLIQUE = ("gent", "datv", "accs", "ablt", "loct")
# Nouns that take the genitive of a person after them: «сын Путина», not «сын Путин».
KIN = frozenset(
    """сын дочь жена муж брат сестра отец мать вдова вдовец внук внучка племянник племянница
    зять тесть теща свекор свекровь невестка дядя тетя супруг супруга родственник
    родственница наследник наследница кузен кузина""".split()
)


@lru_cache(maxsize=32_768)
def _word_evidence(word: str) -> tuple[str, Evidence]:
    """What one word just before a name says: (role, evidence). Roles: ``prep``, ``skip``
    (a capitalised modifier between a post and the name), ``gen-noun`` (a genitive noun
    there), ``post`` (apposition), ``gov`` (a noun governing the genitive), ``adj``,
    ``verb``, ``stop``."""
    low = word.lower()
    if low in PREP_CASES:
        cases = PREP_CASES[low]
        return "prep", tuple((("c", c), 1.5 if c in cases else 0.5) for c in _OBLIQUE)
    title = is_title(word)
    if (is_cap(word) or word.isupper()) and not title:
        return "skip", ()
    parses = dictionary_parses(low)
    if not parses:
        return "stop", ()
    pos = parses[0].tag.POS
    if pos == "NOUN":
        return _noun_evidence(parses, title)
    if pos in ("ADJF", "PRTF"):
        return "adj", _adjective_evidence(parses)
    if pos == "VERB":
        return "verb", _verb_evidence(parses)
    return "stop", ()


def _noun_evidence(parses, title: bool) -> tuple[str, Evidence]:
    if any(p.normal_form in KIN for p in parses):
        return "gov", ((("c", "gent"), 1.0),)
    if title or "anim" in parses[0].tag.grammemes:
        cases = {p.tag.case for p in parses if p.tag.POS == "NOUN" and p.tag.number == "sing"}
        ev = [(("c", c), 1.2) for c in cases if c]
        if all(p.tag.gender == "femn" for p in parses if p.tag.POS == "NOUN"):
            ev.append((("g", "femn"), 1.5))
        return "post", tuple(ev)
    if any(p.tag.case == "gent" for p in parses):
        return "gen-noun", ((("c", "gent"), 1.0),)  # «главы государства Касым-Жомарта»
    return "gov", ((("c", "gent"), 1.0),)


def _adjective_evidence(parses) -> Evidence:
    ev: dict[tuple[str, str], float] = {}
    for p in parses:
        if p.tag.POS in ("ADJF", "PRTF") and p.tag.number == "sing" and p.tag.case:
            ev[("c", p.tag.case)] = 0.7
            if p.tag.gender in ("masc", "femn"):
                ev[("g", p.tag.gender)] = 0.7
    return tuple(ev.items())


def _verb_evidence(parses) -> Evidence:
    genders = {p.tag.gender for p in parses if p.tag.POS == "VERB" and "past" in p.tag.grammemes
               and p.tag.number == "sing"}
    if len(genders) != 1 or None in genders:
        return ()
    return ((("c", "nomn"), 1.0), (("g", genders.pop()), 1.0))


def left_evidence(text: str, start: int, person: bool = True) -> Evidence:
    """Case and gender evidence from the words left of a name in its clause. Before a place
    or an organisation, a noun means a genitive («глава Роскосмоса»), not apposition."""
    words = _left_words(text, start)
    found: dict[tuple[str, str], float] = {}
    for word in reversed(words):
        role, ev = _word_evidence(word)
        if role == "verb":
            break
        if not person and role in ("post", "gov", "gen-noun"):
            ev = ((("c", "gent"), 1.0),)
            role = "gov"
        if role == "gen-noun":
            continue  # before a person, a genitive noun sits between a post and the name
        for key, weight in ev:
            found[key] = max(found.get(key, 0.0), weight)
        if role in ("skip", "adj"):
            continue
        break
    return tuple(sorted(found.items()))


def left_evidence_role(text: str, start: int) -> str:
    """The role of the word right before a name in its clause (``post``: a title or a
    descriptor: «патриарх Кирилл»)."""
    words = _left_words(text, start)
    return _word_evidence(words[-1])[0] if words else ""


# Greedy: matches up to the last end of a clause in the text it is given.
_UP_TO_CLAUSE_END = re.compile(r".*[.!?;:()\n«»\"—–]", re.DOTALL)


def _left_words(text: str, start: int) -> list[str]:
    """Up to four words before ``start`` in its clause."""
    return [word for word, _, _ in words_before(text, start)]


Word = tuple[str, int, int]  # a word and its offsets in the text


def words_before(text: str, start: int, count: int = 4) -> tuple[Word, ...]:
    """Up to ``count`` words before ``start`` in its clause, with their offsets."""
    return _clause_words(text, start)[-count:]


@lru_cache(maxsize=256)
def _clause_words(text: str, start: int) -> tuple[Word, ...]:
    """The last words of the clause before ``start`` (several rules ask for one name's: once
    per name; a text caches its hash, so the key costs little)."""
    lo = max(0, start - 80)
    cut = _UP_TO_CLAUSE_END.match(text, lo, start)
    found = [(m.group(), m.start(), m.end())
             for m in WORD_RE.finditer(text, cut.end() if cut else lo, start)]
    return tuple(found[-4:])


_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")


def right_evidence(text: str, end: int) -> Evidence:
    """Case and gender evidence from a past-tense verb right after a name («Мэй заявила»)."""
    m = _NEXT_WORD.match(text, end)
    if m is None or not m.group(1)[:1].islower():
        return ()
    role, ev = _word_evidence(m.group(1))
    return ev if role == "verb" else ()


def evidence(text: str, start: int, end: int) -> Evidence:
    """Both sides' evidence, merged (the larger weight of a key wins). After a preposition a
    name is no subject, so a verb after it says nothing of it («с Олегом Дерипаской прошла
    встреча»)."""
    merged = dict(left_evidence(text, start))
    if merged.get(("c", "nomn"), 0.0) == 0.0 and any(k[0] == "c" for k in merged):
        return tuple(sorted(merged.items()))
    for key, weight in right_evidence(text, end):
        merged[key] = max(merged.get(key, 0.0), weight)
    return tuple(sorted(merged.items()))
