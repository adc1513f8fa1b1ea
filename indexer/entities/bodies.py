"""Bodies qualified by their country or city, and words that are not organisations.

A generic body followed by its place in the genitive is one organisation: «МИД Германии»,
«Верховный суд Пакистана», «мэрии Перми» → «Мэрия Перми» (the place stays an entity of its
own). The model tags such a body as ORG «МИД» + LOC «Германии», or tags only the place when the
body is written in lower case; ``join_qualified`` makes them one span again. The qualifier of
a value is written the one way the alias table gives (МИД РФ → МИД России).

A body without its whose («Правительство», «Совет») and words such as «СМИ» or «Интернет» name
no one organisation: ``is_generic`` tells the facet to leave them out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.aliases import ENTRIES, entry_of
from indexer.entities.chunks import Mention
from indexer.entities.context import words_before
from indexer.entities.word_facts import RULES_CACHE, dictionary_parses, facts
from indexer.entities.words import WORD_RE, is_cap
from indexer.text.morphology import inflect
from indexer.text.normalise import normalise

# Lemmas of nouns that name a kind of body, which a place in the genitive makes one body.
GENERIC_HEADS = frozenset(
    """министерство минобороны минфин минздрав минюст минэкономразвития минэнерго минтранс
    минсельхоз минкультуры минобрнауки минпросвещения минтруд минприроды минстрой минспорт
    минпромторг минцифры минэкономики минсвязи мид мвд мчс фсб фсин генштаб прокуратура
    генпрокуратура правительство кабмин парламент сенат конгресс сейм посольство консульство
    генконсульство мэрия администрация полиция нацполиция милиция суд сборная армия
    спецслужба разведка центробанк нацбанк цик избирком таможня погранслужба служба
    управление палата ассамблея собрание дума комитет ведомство агентство минобразования
    правоохранитель власть""".split()
)
# Values that name no one organisation or place on their own.
GENERIC_VALUES = frozenset(
    """сми сеть совет интернет гу сизо центр университет правительство парламент полиция
    суд министерство мэрия администрация прокуратура посольство консульство сборная армия
    милиция фонд компания банк группа партия комитет служба агентство управление
    департамент институт академия школа театр музей клуб федерация ассоциация союз
    корпорация холдинг концерн завод штаб кабмин власть власти ведомство палата собрание
    дума ассамблея спецслужба спецслужбы разведка таможня колония больница редакция
    телеканал газета журнал издание сайт соцсеть соцсети""".split()
)
_ABBR = re.compile(r"^[A-ZА-ЯЁ]{2,}$")
# Streets and residences that stand for a government, found where the model misses them (it
# does not tag «на Даунинг-стрит»): their forms, and the kind of value they give.
RESIDENCES = (
    (re.compile(r"\bДаунинг-стрит\b"), "LOC", "Даунинг-стрит"),
    (re.compile(r"\bКремл(?:ь|я|е|ю|ём|ем)\b"), "ORG", "Кремль"),
    (re.compile(r"\bБел(?:ый|ого|ом|ому|ым) дом(?:а|е|у|ом)?\b"), "ORG", "Белый дом"),
    (re.compile(r"\bА[кқ] ?[Оо]рд(?:а|ы|е|у|ой)\b"), "ORG", "Акорда"),
    (re.compile(r"\bЕлисейск(?:ий|ого|ом|ому|им) двор(?:ец|ца|це|цу|цом)\b"), "ORG",
     "Елисейский дворец"),
)


@lru_cache(maxsize=RULES_CACHE)
def is_generic_head(word: str) -> bool:
    """Is ``word`` (any form) a noun naming a kind of body (министерство, мэрия, суд, МИД)?"""
    low = normalise(word)
    if low in GENERIC_HEADS:
        return True
    return any(normalise(p.normal_form) in GENERIC_HEADS and p.tag.POS == "NOUN"
               for p in dictionary_parses(low))


def is_generic(value: str) -> bool:
    """A value that is no one entity: a generic word alone, or no capital letter at all."""
    if not any(ch.isupper() for ch in value):
        return True
    return normalise(value) in GENERIC_VALUES


def _is_place_genitive(text: str, mention: Mention) -> bool:
    """Does a LOC mention read as a genitive (Германии, США, Москвы)?"""
    return _reads_genitive(text[mention.start : mention.end])


@lru_cache(maxsize=RULES_CACHE)
def _reads_genitive(surface: str) -> bool:
    words = WORD_RE.findall(surface)
    if not words:
        return False
    first = words[0]
    if _ABBR.match(first):
        return True
    f = facts(first.lower())
    if f.known:
        return f.genitive
    return first.lower().endswith(("ии", "ы", "и", "а", "я"))


def join_qualified(text: str, mentions: list[Mention]) -> list[Mention]:
    """Qualified bodies as one ORG span each (the place kept as its own LOC): an ORG whose
    last word is a generic body right before a LOC in the genitive; a lower-case generic body
    word (with its adjectives) right before a LOC that the model did not tag."""
    out: list[Mention] = []
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    for i, m in enumerate(ordered):
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if (
            m.kind == "ORG" and nxt is not None and nxt.kind == "LOC"
            and text[m.end : nxt.start] == " " and _ends_with_body(text, m)
            and _is_place_genitive(text, nxt)
        ):
            out.append(Mention("ORG", m.start, nxt.end))
            continue
        if m.kind == "LOC" and _is_place_genitive(text, m):
            start = _body_before(text, m.start)
            if start is not None and not any(o.end > start and o.start < m.start
                                             for o in ordered if o is not m):
                out.append(Mention("ORG", start, m.end))
        out.append(m)
    return out


# Looked for only in a text that holds one of these (a substring test costs little; five
# expressions over every article cost more than a millisecond).
_RESIDENCE_HINTS = ("Даунинг", "Кремл", "ый дом", "ого дом", "ом доме", "ому дому", "ым домом",
                    "Акорд", "Ақорд", "к Орд", "қ Орд", "к орд", "қ орд", "Елисейск")


def residences(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions of the residences the model left untagged, added to ``mentions``."""
    if not any(hint in text for hint in _RESIDENCE_HINTS):
        return mentions
    found = []
    for pattern, kind, _ in RESIDENCES:
        for m in pattern.finditer(text):
            if not any(o.start < m.end() and m.start() < o.end for o in mentions):
                found.append(Mention(kind, m.start(), m.end()))
    if not found:
        return mentions
    return sorted(mentions + found, key=lambda m: (m.start, m.end))


_ANY_RESIDENCE = re.compile("|".join(f"(?P<r{i}>{p.pattern})"
                                    for i, (p, _, _) in enumerate(RESIDENCES)))


def residence(surface: str) -> tuple[str, str] | None:
    """(kind, name) when a mention is one of the residences in any form («Кремле»)."""
    m = _ANY_RESIDENCE.fullmatch(surface)
    if m is None or m.lastgroup is None:
        return None
    _, kind, name = RESIDENCES[int(m.lastgroup[1:])]
    return kind, name


def _ends_with_body(text: str, m: Mention) -> bool:
    """Is an ORG span a body that a place may qualify (МИД, Конституционного суда,
    Министерство образования)?"""
    return _head_is_body(text[m.start : m.end])




def _body_before(text: str, start: int) -> int | None:
    """Where a lower-case generic body before ``start`` begins, if there is one: «мэрии»,
    «министерства обороны», «управления полиции» (up to three lower-case words of its
    complement between the body and the place; adjectives before it, «городской», are left
    out)."""
    for word, begin, _ in reversed(words_before(text, start)):
        if is_cap(word):
            return None
        if is_generic_head(word):
            return begin
        if not _is_genitive_word(word):
            return None
    return None


def _is_genitive_word(word: str) -> bool:
    return facts(word.lower()).genitive


def _is_adjective(word: str) -> bool:
    return facts(word.lower()).pos in ("ADJF", "PRTF")


def qualified_value(value: str, text: str | None = None) -> str:
    """A body's value with its head and its place each written the one way the alias table
    gives: «Министерство иностранных дел Германии» → «МИД Германии», «МИД РФ» → «МИД
    России». Other values come back as they are. Only a place the alias table calls
    ambiguous (РК …) needs the article's text; other values are cached."""
    if text is not None and value.split(" ")[-1].lower() in _AMBIGUOUS:
        return _qualified(value, text)
    return _qualified_cached(value)


_AMBIGUOUS = frozenset(normalise(name) for entry in ENTRIES for name in entry.needs)


@lru_cache(maxsize=RULES_CACHE)
def _qualified_cached(value: str) -> str:
    return _qualified(value, None)


def _qualified(value: str, text: str | None) -> str:
    words = value.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        head, place = " ".join(words[:cut]), " ".join(words[cut:])
        if not is_cap(words[cut]) or not _head_is_body(head):
            continue
        entry = entry_of(head, text)
        if entry is not None:
            head = entry.canonical
        return f"{head} {_place_genitive(place, text)}"
    return value


@lru_cache(maxsize=RULES_CACHE)
def _head_is_body(head: str) -> bool:
    words = WORD_RE.findall(head)
    if not words:
        return False
    entry = entry_of(head)
    if entry is not None and entry.kind == "ORG":
        return True
    nouns = [w for w in words if not _is_adjective(w)]
    return bool(nouns) and is_generic_head(nouns[0])


def _place_genitive(place: str, text: str | None) -> str:
    """The place of a qualified body as the alias table names it, in the genitive."""
    from indexer.entities.names import name_alternatives

    nominative = name_alternatives("LOC", place, ())[0][1]
    entry = entry_of(nominative, text) or entry_of(place, text)
    if entry is None or entry.kind != "LOC" or normalise(entry.canonical) == normalise(
            nominative):
        return place
    return genitive(entry.canonical)


@lru_cache(maxsize=1024)
def genitive(name: str) -> str:
    """A one-word place name in the genitive (Россия → России; США stays)."""
    if " " in name or _ABBR.match(name):
        return name
    for p in dictionary_parses(name.lower()):
        if p.tag.POS == "NOUN" and p.tag.case == "nomn" and "Geox" in p.tag.grammemes:
            form = inflect(p, frozenset({"gent"}))
            if form is not None:
                return name[:1] + form.word[1:]
    return name
