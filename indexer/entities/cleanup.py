"""Clean-up of the model's spans: quotes and punctuation at the edges, posts and titles before
a name («депутат Мажилиса Даулет Турлыханов» → PER «Даулет Турлыханов» and ORG «Мажилис»),
run-on spans split at verbs, noise dropped (single letters, numbers, spans of many words)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from indexer.entities.bodies import is_generic_head, residences
from indexer.entities.chunks import Mention
from indexer.entities.context import words_before
from indexer.entities.declension import surname_forms
from indexer.entities.person_spans import fix_person_spans, starts_sentence
from indexer.entities.word_facts import RULES_CACHE, facts, guessed_name_part
from indexer.entities.words import WORD_RE, is_cap, is_seniority, is_title

MAX_WORDS = 6
_EDGE_JUNK = " \t\r\n\u00a0\u00ad\u200b\u202f«»“”„\"'‘’()[]{}<>.,;:!?–—-…*/\\|"
_TOKEN_RE = re.compile(r"\w+(?:[-‐'’.]\w+)*\.?|[^\w\s]", re.UNICODE)


def _is_common_inan(word: str) -> bool:
    """A dictionary common noun that is never a name part (``Мажилиса``, ``Правительства``)."""
    low = word.lower()
    f = facts(low)
    if not f.known or f.name_part or surname_forms(low):
        return False
    return f.genitive and f.inanimate_singular


def _title_before(text: str, start: int) -> bool:
    """Is the word right before ``start`` a post (``депутаты Мажилиса``)?"""
    before = words_before(text, start, 1)
    return bool(before) and before[0][2] == start - 1 and is_title(before[0][0])


def _noun_follows(text: str, end: int, adjective: str) -> bool:
    """Is the single-word span an adjective cut off from its lowercase noun (``Воинскую часть``)?"""
    adj = facts(adjective.lower())
    if not adj.adjective:
        return False
    m = WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    if m is None or not m.group()[:1].islower():
        return False
    return bool(adj.adj_forms & facts(m.group()).noun_forms)


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _TOKEN_RE.finditer(text[start:end])]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip quotes, brackets and punctuation at the edges, keeping initials (``Л.Н.``) and a
    closing quote whose opening quote is inside the span."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        ch = text[end - 1]
        if (
            ch == "."
            and end - start >= 2
            and text[end - 2].isupper()
            and text[end - 2] not in "IVX"  # «Харальд V.»: a numeral, no initial
            and (end - start == 2 or not text[end - 3].isalpha())
        ):
            break
        if ch in '»)"' and _opened(text, start, end, ch):
            break
        end -= 1
    return start, end


def _opened(text: str, start: int, end: int, ch: str) -> bool:
    """Does the span's last character ``ch`` close a quote or bracket opened inside the span?"""
    if ch == '"':
        return text.count('"', start, end) >= 2
    left = "«" if ch == "»" else "("
    return text.count(left, start, end) >= text.count(ch, start, end)


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Include the closing quote or bracket right after a span that opened it, else cut before."""
    for left, right in ("«»", "()", '""'):
        opened = text.count(left, start, end)
        if left == right:
            unbalanced = opened % 2 == 1
        else:
            unbalanced = opened > text.count(right, start, end)
        if unbalanced:
            if end < len(text) and text[end] == right:
                end += 1
            elif left == right and text[end - 1] == right:
                pass  # ``ЗАО "ПО "Сибтяжмаш"``: nested quotes of one kind
            else:
                end = text.rindex(left, start, end)
    return start, end


def clean_spans(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Fix span boundaries: quotes, titles before names, run-on spans; drop noise."""
    cleaned = []
    for m in mentions:
        titled = m.kind == "PER" and _title_before(text, m.start)
        first = m.kind == "PER" and starts_sentence(text, m.start)
        for kind, rel_start, rel_end in _plan(m.kind, text[m.start : m.end], titled, first):
            start, end = _balance_quotes(text, m.start + rel_start, m.start + rel_end)
            start, end = _trim(text, start, end)
            checked = _checked_kind(text, kind, start, end)
            if checked:
                cleaned.append(Mention(checked, start, end))
    return residences(text, fix_person_spans(text, cleaned))


def _checked_kind(text: str, kind: str, start: int, end: int) -> str | None:
    """The kind of a trimmed span, or None for noise."""
    span = text[start:end]
    if _is_noise(span):
        return None
    if " " in span:
        return kind
    last = re.split(r"[-‐]", span)[-1]
    if not is_cap(last) and not (kind == "PER" and is_seniority(last)):
        return None
    if kind != "PER" and _noun_follows(text, end, span):
        return None  # ``Воинскую`` cut from ``Воинскую часть``
    if kind == "PER" and _is_common_inan(span) and _title_before(text, start):
        return "ORG"  # ``депутаты Мажилиса``: the model reads the institution as a person
    if kind == "PER" and _is_epithet(span):
        return None  # «Кембриджский» of «герцог Кембриджский»: no name without the title
    return kind


_PLACE_ADJECTIVE = re.compile(r"\w{3,}[сц]к(?:ий|ая|ого|ой|ому|им|ую|ом|ие|их)$")


def _is_epithet(word: str) -> bool:
    """An adjective of a place or a house before or instead of a name, never a name part
    itself («Баварский Луитпольд», «герцог Кембриджский»; not «Вернадский», whose
    dictionary parses include a surname, nor «Святая Тереза»)."""
    low = word.lower()
    if not _PLACE_ADJECTIVE.match(low):
        return False
    f = facts(low)
    return f.adjective and not f.name_part


Part = tuple[str, int, int]  # kind, start and end within the model's span


@lru_cache(maxsize=RULES_CACHE)
def _plan(kind: str, surface: str, title_before: bool, sentence_start: bool = False
          ) -> tuple[Part, ...]:
    """What the clean-up makes of a span from its own text (cached): run-on spans split at
    verbs, leading posts stripped, edges trimmed; ``title_before``: a post stands right before
    the span; ``sentence_start``: the span starts a sentence, so its first word's capital says
    nothing («Восьмидесятилетний Маккейн», «Карьера Гандольфини»)."""
    out: list[Part] = []
    for part in _split_runon(surface, Mention(kind, 0, len(surface))):
        first = sentence_start and part.start == 0
        for m in _strip_titles(surface, part, title_before, first):
            start, end = _trim(surface, m.start, m.end)
            if start < end:
                out.append((m.kind, start, end))
    return tuple(out)


def _split_runon(text: str, m: Mention) -> list[Mention]:
    """Split a span at verbs (the model runs ORG spans across clauses)."""
    parts, cur = [], m.start
    for s, e in _tokens(text, m.start, m.end):
        word = text[s:e]
        if word[:1].islower() and facts(word.lower()).verbish:
            if s > cur:
                parts.append(Mention(m.kind, cur, s))
            cur = e
    if cur < m.end:
        parts.append(Mention(m.kind, cur, m.end))
    return parts


def _strip_titles(text: str, m: Mention, title_before: bool, sentence_start: bool = False
                  ) -> list[Mention]:
    """Drop leading posts and descriptors (``депутат``, ``Главы государства``, «Племянник»); a
    stripped body becomes its own ORG. Before an organisation or a place, lower-case words go
    too, but a generic body that a place qualifies stays («мэрии Перми»).

    If titles stood before what looks like a person (capitalised name words), the remainder is a
    PER whatever the model said.
    """
    toks = [(s, e) for s, e in _tokens(text, m.start, m.end) if text[s:e].strip()]
    if len(toks) < 2:
        return [m]
    if m.kind == "PER" and len(toks) >= 3 and all(e - s <= 3 for s, e in toks):
        return [m]  # a Korean or Chinese name of short syllables: «Пан Ги Мун» («пан», sir)
    i, titled, extra = 0, False, []
    while i < len(toks) - 1:
        word = text[toks[i][0] : toks[i][1]]
        if not word[:1].isalpha() and not word[:1].isdigit():
            break
        if m.kind != "PER" and not is_cap(word) and is_generic_head(word):
            break  # «мэрии Перми», «министерства обороны Израиля»
        if is_title(word) or (not is_cap(word) and not _is_particle(word)) or (
            m.kind == "PER" and (i == 0 and _is_descriptor(word, sentence_start)
                                 or _is_epithet(word))
        ):
            titled = titled or is_title(word)
            i += 1
            continue
        if (titled or m.kind == "PER" and title_before) and _is_common_inan(word) and is_cap(word):
            # ``депутат Мажилиса Даулет …``: the institution is an entity of its own.
            extra.append(Mention(_body_or_place(word), toks[i][0], toks[i][1]))
            i += 1
            continue
        break
    if i == 0:
        return [m]
    rest = Mention(m.kind, toks[i][0], m.end)
    if titled and m.kind != "PER" and _looks_like_person(text[rest.start : rest.end]):
        rest.kind = "PER"
    return [*extra, rest]


def _body_or_place(word: str) -> str:
    """The kind of a word between a post and a name: ``Мажилиса`` a body, ``Руанды`` a place."""
    return "LOC" if facts(word.lower()).place else "ORG"


_AGED = re.compile(r"\w*летн(?:ий|яя|его|ей|ему|им|юю|ие|их|ими)$")


def _is_descriptor(word: str, sentence_start: bool = False) -> bool:
    """A capitalised word before a person's name that is no part of it, where a sentence
    starts: a common noun for a person («Племянник Алишер …», «Кронпринц Нарухито»,
    «Экс-советник Трампа»), an age («Восьмидесятилетний Маккейн»), any word the dictionary
    knows only as some other word than a noun («Поддерживаемый Кремлём», «Вдобавок
    С.Антуфьев»; not a noun: «Лес Хинтон», «Пак Нам Ки», «Ума Турман»). In mid-sentence such
    a descriptor is written in lower case: a capitalised common noun there is the name's own
    («предшественника Фрица Хендерсона», «Кроме Эмира Кустурицы»)."""
    if not sentence_start:
        return False
    low = word.lower()
    f = facts(low)
    if f.name_part:
        return False
    if f.animate_noun or _AGED.match(low):
        return True
    if "-" in low and any(facts(part).title for part in low.split("-")):
        return True  # «Экс-советник», «Писатель-сатирик»
    return f.known and not f.noun_forms and not _is_particle(word)


def _is_particle(word: str) -> bool:
    return word.lower() in {
        "де",
        "ди",
        "да",
        "дель",
        "ван",
        "фон",
        "бен",
        "ибн",
        "аль",
        "эль",
        "ла",
    }


def _looks_like_person(span: str) -> bool:
    words = WORD_RE.findall(span)
    if not 1 <= len(words) <= 4 or not all(is_cap(w) for w in words):
        return False
    return any(guessed_name_part(w.lower()) or surname_forms(w.lower()) for w in words)


def _is_noise(span: str) -> bool:
    words = WORD_RE.findall(span)
    if not words or len(span.split()) > MAX_WORDS:
        return True
    return len(span) < 2 or (len(words) == 1 and len(words[0]) < 2 and not _has_digit(span))


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)
