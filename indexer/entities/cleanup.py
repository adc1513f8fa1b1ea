"""Clean-up of the model's spans: quotes and punctuation at the edges, posts and titles before
a name («депутат Мажилиса Даулет Турлыханов» → PER «Даулет Турлыханов» and ORG «Мажилис»),
run-on spans split at verbs, noise dropped (single letters, numbers, spans of many words)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.entities.chunks import Mention
from indexer.entities.declension import surname_forms
from indexer.entities.words import WORD_RE, is_cap, is_name_part, is_title
from indexer.text.morphology import known_parses

MAX_WORDS = 6
_EDGE_JUNK = " \t\r\n«»“”„\"'‘’()[]{}<>.,;:!?–—-…*/\\|"
_TOKEN_RE = re.compile(r"\w+(?:[-‐'’.]\w+)*\.?|[^\w\s]", re.UNICODE)
_LAST_WORD_RE = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)\s+$")


def _is_verbish(word: str) -> bool:
    known = known_parses(word.lower())
    return bool(known) and known[0].tag.POS in {"VERB", "INFN", "GRND", "PRED"}


def _is_common_inan(word: str) -> bool:
    """A dictionary common noun that is never a name part (``Мажилиса``, ``Правительства``)."""
    low = word.lower()
    known = known_parses(low)
    if not known or is_name_part(word) or surname_forms(low):
        return False
    return any(p.tag.case == "gent" for p in known) and all(
        p.tag.POS == "NOUN" and "inan" in p.tag.grammemes and p.tag.number == "sing" for p in known
    )


def _is_adjective(word: str) -> bool:
    known = known_parses(word.lower())
    return bool(known) and all(p.tag.POS in {"ADJF", "ADJS"} for p in known)


def _title_before(text: str, start: int) -> bool:
    """Is the word right before ``start`` a post (``депутаты Мажилиса``)?"""
    m = _LAST_WORD_RE.search(text, max(0, start - 40), start)
    return m is not None and is_title(m.group(1))


def _noun_follows(text: str, end: int, adjective: str) -> bool:
    """Is the single-word span an adjective cut off from its lowercase noun (``Воинскую часть``)?"""
    if not _is_adjective(adjective):
        return False
    m = WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    if m is None or not m.group()[:1].islower():
        return False
    adj_cases = {(p.tag.case, p.tag.number) for p in known_parses(adjective.lower())}
    return any(p.tag.POS == "NOUN" and (p.tag.case, p.tag.number) in adj_cases
               for p in known_parses(m.group()))


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
    out: list[Mention] = []
    for m in mentions:
        for part in _split_runon(text, m):
            out.extend(_strip_titles(text, part))
    cleaned = []
    for m in out:
        start, end = _balance_quotes(text, *_trim(text, m.start, m.end))
        start, end = _trim(text, start, end)
        span = text[start:end]
        if _is_noise(span):
            continue
        kind = m.kind
        if " " not in span and not is_cap(re.split(r"[-‐]", span)[-1]):
            continue
        if kind != "PER" and " " not in span and _noun_follows(text, end, span):
            continue  # ``Воинскую`` cut from ``Воинскую часть``
        if (
            kind == "PER"
            and " " not in span
            and _is_common_inan(span)
            and _title_before(text, start)
        ):
            # ``депутаты Мажилиса``: the model reads the institution as a person
            kind = "ORG"
        cleaned.append(Mention(kind, start, end))
    return cleaned


def _split_runon(text: str, m: Mention) -> list[Mention]:
    """Split a span at verbs (the model runs ORG spans across clauses)."""
    parts, cur = [], m.start
    for s, e in _tokens(text, m.start, m.end):
        word = text[s:e]
        if word[:1].islower() and _is_verbish(word):
            if s > cur:
                parts.append(Mention(m.kind, cur, s))
            cur = e
    if cur < m.end:
        parts.append(Mention(m.kind, cur, m.end))
    return parts


def _strip_titles(text: str, m: Mention) -> list[Mention]:
    """Drop leading posts (``депутат``, ``Главы государства``); a stripped body becomes its own ORG.

    If titles stood before what looks like a person (capitalised name words), the remainder is a
    PER whatever the model said.
    """
    toks = [(s, e) for s, e in _tokens(text, m.start, m.end) if text[s:e].strip()]
    if len(toks) < 2:
        return [m]
    i, titled, extra = 0, False, []
    while i < len(toks) - 1:
        word = text[toks[i][0] : toks[i][1]]
        if not word[:1].isalpha() and not word[:1].isdigit():
            break
        if is_title(word) or (not is_cap(word) and not _is_particle(word)):
            titled = titled or is_title(word)
            i += 1
            continue
        if (
            (titled or m.kind == "PER" and _title_before(text, m.start))
            and _is_common_inan(word)
            and is_cap(word)
        ):
            # ``депутат Мажилиса Даулет …``: the institution is an entity of its own.
            extra.append(Mention("ORG", toks[i][0], toks[i][1]))
            i += 1
            continue
        break
    if i == 0:
        return [m]
    rest = Mention(m.kind, toks[i][0], m.end)
    if titled and m.kind != "PER" and _looks_like_person(text[rest.start : rest.end]):
        rest.kind = "PER"
    return [*extra, rest]


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
    return any(is_name_part(w) or surname_forms(w.lower()) for w in words)


def _is_noise(span: str) -> bool:
    words = WORD_RE.findall(span)
    if not words or len(span.split()) > MAX_WORDS:
        return True
    return len(span) < 2 or (len(words) == 1 and len(words[0]) < 2 and not _has_digit(span))


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)
