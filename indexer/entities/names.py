"""Organisations' and places' names in the nominative: the leading adjectives and the head
noun agree («Национальной гвардии» → «Национальная гвардия», «Астане» → «Астана»); words
after the head (genitive modifiers, quoted names) stay as they are; Kazakh letters, Latin,
digits and abbreviations are never inflected."""

from __future__ import annotations

import re
from typing import Any

from indexer.entities.persons import CASES
from indexer.entities.words import WORD_RE, is_cap, recase, squash, untouchable
from indexer.text.morphology import inflect, known_parses, parse
from indexer.text.normalise import without_yo

_ABBR_CASE_RE = re.compile(r"^([A-ZА-ЯЁ]{2,})([а-яё]{1,3})$")


def normalise_name(
    kind: str, text: str, start: int, end: int, doc_words: frozenset[str] = frozenset()
) -> str:
    """Nominative form of an ORG or LOC: the leading adjective(s) + head noun are put in the
    nominative; words after the head (genitive modifiers, quoted names) stay as they are."""
    span = text[start:end]
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(span)]
    if not words:
        return squash(span)
    head_group: list[tuple[int, int]] = []
    for s, e in words:
        if any(q in span[:s] for q in '«"“„'):
            break
        word = span[s:e]
        if untouchable(word) or not is_cap(word) and not head_group:
            break
        head_group.append((s, e))
        if _pos_of(word) not in _ADJ_POS:
            break
    if not head_group:
        return squash(_fix_abbr_case(span))
    forms = _agree_nominative([span[s:e] for s, e in head_group], doc_words)
    if forms is None:
        return squash(_fix_abbr_case(span))
    out, pos = [], 0
    for (s, e), form in zip(head_group, forms, strict=True):
        out.append(span[pos:s])
        out.append(recase(span[s:e], form))
        pos = e
    out.append(span[pos:])
    return squash("".join(out))


def _fix_abbr_case(span: str) -> str:
    m = _ABBR_CASE_RE.match(span)
    return m.group(1) if m else span


_ADJ_POS = frozenset({"ADJF", "PRTF"})


def _pos_of(word: str) -> str | None:
    parses = known_parses(word.lower()) or parse(word.lower())
    return parses[0].tag.POS if parses else None


def _agree_nominative(words: list[str], doc_words: frozenset[str]) -> list[str] | None:
    """Put adjectives + noun into the nominative, keeping number (and gender of the noun)."""
    head = words[-1].lower()
    noun_parses = [p for p in parse(head) if p.tag.POS == "NOUN" and p.tag.case in CASES]
    if not noun_parses:
        return None
    if not any(p.is_known for p in noun_parses) and len(words) == 1:
        # Unknown single word: trust it only if the guesser cannot read it as a nominative.
        if any(p.tag.case == "nomn" for p in noun_parses):
            return None
    best = _best_reading(words, noun_parses, doc_words)
    if best is None:
        return None
    noun, adjs = best
    if noun.tag.case == "nomn":
        return words
    number = noun.tag.number or "sing"
    nom = inflect(noun, frozenset({"nomn", number})) or inflect(noun, frozenset({"nomn"}))
    if nom is None or not _plausible_change(head, nom.word):
        return None
    out = []
    for word, adj in zip(words, adjs, strict=False):
        grams = {"nomn", number} | (
            {noun.tag.gender} if number == "sing" and noun.tag.gender else set()
        )
        a = inflect(adj, frozenset(grams))
        out.append(a.word if a else word)
    out.append(nom.word)
    return out


def _best_reading(words: list[str], noun_parses: list, doc_words: frozenset[str]
                  ) -> tuple[Any, list] | None:
    """The likeliest reading of the head noun with which every adjective agrees, and the
    adjectives' readings."""
    head = words[-1].lower()
    best = None
    for noun in noun_parses:
        adjs = []
        for adj_word in words[:-1]:
            adj = _agreeing_adj(adj_word.lower(), noun)
            if adj is None:
                break
            adjs.append(adj)
        else:
            score = noun.score + sum(a.score for a in adjs) + _evidence(noun, head, doc_words)
            if best is None or score > best[0]:
                best = (score, noun, adjs)
    return (best[1], best[2]) if best is not None else None


def _evidence(noun, head: str, doc_words: frozenset[str]) -> float:
    """What speaks for a reading of the head noun besides pymorphy3's score."""
    score = 1.0 if noun.is_known else 0.0
    score += 0.5 if noun.tag.case == "nomn" else 0.0  # ties go to keeping the text
    if "Geox" in noun.tag.grammemes or "Orgn" in noun.tag.grammemes:
        score += 0.5
    if doc_words and noun.tag.case != "nomn":
        # An oblique reading confirmed by its nominative elsewhere in the article:
        # «Спецкор «Медузы»» next to «Медуза сообщила» is the genitive of «Медуза».
        nom = inflect(noun, frozenset({"nomn"}))
        confirmed = nom is not None and nom.word != head and nom.word in doc_words
        score += 1.0 if confirmed else 0.0
    return score


def _agreeing_adj(word: str, noun):
    for p in parse(word):
        if (
            p.tag.POS not in _ADJ_POS
            or p.tag.case != noun.tag.case
            or p.tag.number != noun.tag.number
        ):
            continue
        if noun.tag.number == "sing" and noun.tag.gender and p.tag.gender != noun.tag.gender:
            continue
        return p
    return None


def _plausible_change(src: str, dst: str) -> bool:
    """Reject guesser nonsense: the nominative must keep all but the last few letters."""
    src, dst = without_yo(src), without_yo(dst)
    common = 0
    for a, b in zip(src, dst, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(2, min(len(src), len(dst)) - 3)


# ----------------------------------------------------------------------------- per article
