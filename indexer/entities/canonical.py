"""Per article: each mention normalised, then names made consistent within the article (one
person, one value: «Токаев», «Касым-Жомарта Токаева» → «Касым-Жомарт Токаев»; aliases; one
kind per name)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from indexer.entities.aliases import apply_aliases
from indexer.entities.bodies import join_qualified, qualified_value, residence
from indexer.entities.chunks import KINDS, Mention
from indexer.entities.names import normalise_name
from indexer.entities.noise import is_entity
from indexer.entities.person_merge import merge_persons
from indexer.entities.persons import normalise_person
from indexer.entities.posts import post_before
from indexer.entities.word_facts import RULES_CACHE
from indexer.records import Entity
from indexer.text.normalise import without_yo

_PARENS_RE = re.compile(r"\s*\([^()]*(?:\)|$)")
# Brackets inside a name («Сергей Семенович [Собянин») and commas, which the index stores
# between values.
_STRAY_RE = re.compile(r"[\[\],]")


@dataclass(slots=True)
class _Named:
    kind: str
    name: str
    start: int
    end: int
    surface: str
    post: str = ""


def canonicalise(text: str, mentions: Sequence[Mention]) -> list[Entity]:
    """Normalise each mention, then make names consistent within the article.

    Also used by the benchmark on gold spans, so gold and predictions share one normaliser.
    """
    doc_words = DocWords(text)
    named = []
    for m in join_qualified(text, list(mentions)):
        surface = text[m.start : m.end]
        if m.kind == "PER":
            name = normalise_person(text, m.start, m.end, doc_words)
        else:
            name = normalise_name(m.kind, text, m.start, m.end, doc_words)
        name = _tidy(name)
        kind = m.kind
        known = residence(surface)
        if known is not None:  # «в Кремле»: one value and one kind whatever the model said
            kind, name = known
        if name:
            post = post_before(text, m.start) if kind == "PER" else ""
            named.append(_Named(kind, name, m.start, m.end, surface, post))
    apply_aliases(named, text)
    for n in named:
        if n.kind == "ORG":
            n.name = qualified_value(n.name, text)
    _same_as_before_parentheses(named, text)
    merge_persons(named)
    _vote_kinds(named)
    return [Entity(n.kind, without_yo(n.name), n.start, n.end, n.post if n.kind == "PER" else "")
            for n in named if is_entity(n.kind, n.name, text, n.start, n.end)]


def _same_as_before_parentheses(named: list[_Named], text: str) -> None:
    """A name in parentheses right after another is the same entity written another way
    («Дэвид Саутер (David Souter)», «Международный валютный фонд (МВФ)»): one value."""
    for prev, n in zip(named, named[1:], strict=False):
        between = text[prev.end : n.start]
        if between.strip() == "(" and text[n.end : n.end + 1] == ")":
            n.kind, n.name = prev.kind, prev.name


class DocWords:
    """Whether the article uses a word (lower case, whole word), looked up only for the few
    forms a name asks about."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lower: str | None = None
        self._seen: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        found = self._seen.get(word)
        if found is None:
            found = self._seen[word] = self._find(word)
        return found

    def _find(self, word: str) -> bool:
        if self._lower is None:
            self._lower = self.text.lower()
        text, pos = self._lower, 0
        while (pos := text.find(word, pos)) >= 0:
            end = pos + len(word)
            if (pos == 0 or not text[pos - 1].isalpha()) and (
                    end == len(text) or not text[end].isalpha()):
                return True
            pos = end
        return False


@lru_cache(maxsize=RULES_CACHE)
def _tidy(name: str) -> str:
    """Parentheses («Дэвид Саутер (David Souter)»), stray brackets and commas dropped; one
    quoting style."""
    name = _PARENS_RE.sub("", name).strip() or name
    return _quote_style(_STRAY_RE.sub("", name))


_PAIRED_QUOTES_RE = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]')


def _quote_style(name: str) -> str:
    """One quoting style in facet values: «…»; quotes around the whole name are dropped."""
    name = _PAIRED_QUOTES_RE.sub(lambda m: "«" + next(g for g in m.groups() if g) + "»", name)
    if name.startswith("«") and name.endswith("»") and name.count("«") == 1:
        name = name[1:-1]
    return name.strip() or name


def _vote_kinds(named: list[_Named]) -> None:
    """One kind per name within an article (the most frequent one)."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for n in named:
        kinds[n.name.lower()][n.kind] += 1
    for n in named:
        counts = kinds[n.name.lower()]
        if len(counts) > 1:
            n.kind = max(KINDS, key=lambda k: (counts[k], k == n.kind))


def facets(entities: Iterable[Entity]) -> dict[str, list[str]]:
    """Distinct canonical names per kind, in order of first mention (what the index stores)."""
    out: dict[str, dict[str, None]] = {k: {} for k in KINDS}
    for e in entities:
        out[e.kind].setdefault(e.name, None)
    return {k: list(v) for k, v in out.items()}
