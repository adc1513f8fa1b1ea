"""Values that are no one entity, left out of the facets: words with no capital letter
(«полиция», «британского»), a generic body alone («Правительство», «СМИ»: ``bodies``), and a
lone word tagged as a person that is no surname: an adjective («Нобелевская»), a common noun
(«Кандидатки»), or a first name alone («Мария») — unless a post or a descriptor stands before it
(«патриарх Кирилл», «певица Мадонна»); and the eponym of a disease («болезнь Паркинсона»,
«синдрома Дауна»), which names the illness, not the doctor; a family («семья Бекхэмов», «клан
Шаймиевых»); a word with no vowel (the initial «Дж» of «Дж.Коми» cut from its name)."""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.entities.bodies import is_generic
from indexer.entities.context import left_evidence_role
from indexer.entities.word_facts import RULES_CACHE, dictionary_parses
from indexer.entities.words import WORD_RE

_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_ROMAN = re.compile(r"[ \u00a0]+[IVX]{1,5}\b")
_DISEASE = re.compile(r"(?:болезн|синдром)\w{0,4}[ \u00a0]+$", re.IGNORECASE)
_FAMILY = re.compile(r"\b(?:семь[яиеюё]й?|семейств[оаеу]|клан[аеу]?|чет[аыеу]"
                     r"|супруг(?:и|ов|ам|ами|ах))[ \u00a0]+$", re.IGNORECASE)
_PLURAL_SURNAME = re.compile(r"^[^\W\d_]+(?:ов|ев|ёв|ых|их|ей)$", re.IGNORECASE)
_VOWELS = frozenset("аеёиоуыэюяaeiouyәөұүі")


def is_entity(kind: str, name: str, text: str, start: int, end: int) -> bool:
    """Whether a canonical value names an entity the facets should show."""
    if kind == "PER" and (_DISEASE.search(text, max(0, start - 16), start)
                          or _is_family(name, text, start)):
        return False
    verdict = _verdict(kind, name)
    if (verdict and kind == "PER" and len(WORD_RE.findall(name)) == 1
            and _lone_word_kind(text[start:end].lower()) == "word"):
        verdict = None  # «Кандидатке» read as a name it is not («Кандидатк»): the words decide
    if verdict is not None:
        return verdict
    return left_evidence_role(text, start) == "post" or _ROMAN.match(text, end) is not None


def _is_family(name: str, text: str, start: int) -> bool:
    """A surname in the plural after «семья», «клан» («семьёй Харрисонов»), not a person's
    family («семья Нельсона Манделы», «клану Суркова»)."""
    return (_PLURAL_SURNAME.search(name) is not None
            and _FAMILY.search(text, max(0, start - 16), start) is not None)


@lru_cache(maxsize=RULES_CACHE)
def _verdict(kind: str, name: str) -> bool | None:
    """A value's verdict from itself; None when the words around it decide (a lone word
    tagged as a person that is no surname)."""
    if is_generic(name):
        return False
    if kind != "PER" or len(WORD_RE.findall(name)) != 1:
        return True
    if not _VOWELS.intersection(name.lower()):
        return False
    return True if _lone_word_kind(name.lower()) == "name" else None


@lru_cache(maxsize=RULES_CACHE)
def _lone_word_kind(low: str) -> str:
    """``name`` (a surname, or a word no dictionary knows), ``first`` (a first name only) or
    ``word`` (a dictionary word that is no name)."""
    parses = dictionary_parses(low)
    if not parses:
        return "name"
    tags = [_NAME_TAGS & p.tag.grammemes for p in parses]
    if any("Surn" in t or "Patr" in t for t in tags):
        return "name"
    return "first" if any(tags) else "word"
