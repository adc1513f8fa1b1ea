"""Per article: each mention normalised, then names made consistent within the article (one
person, one value: «Токаев», «Касым-Жомарта Токаева» → «Касым-Жомарт Токаев»; aliases; one
kind per name)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indexer.entities.aliases import apply_aliases
from indexer.entities.chunks import KINDS, Mention
from indexer.entities.names import normalise_name
from indexer.entities.persons import normalise_person
from indexer.entities.words import WORD_RE, squash
from indexer.records import Entity
from indexer.text.normalise import normalise

_PARENS_RE = re.compile(r"\s*\([^()]*(?:\)|$)")


@dataclass(slots=True)
class _Named:
    kind: str
    name: str
    start: int
    end: int
    surface: str


def canonicalise(text: str, mentions: Sequence[Mention]) -> list[Entity]:
    """Normalise each mention, then make names consistent within the article.

    Also used by the benchmark on gold spans, so gold and predictions share one normaliser.
    """
    doc_words = frozenset(m.group().lower() for m in WORD_RE.finditer(text))
    named = []
    for m in mentions:
        surface = text[m.start : m.end]
        if m.kind == "PER":
            name = normalise_person(text, m.start, m.end, doc_words)
        else:
            name = normalise_name(m.kind, text, m.start, m.end, doc_words)
        name = _PARENS_RE.sub("", name).strip() or name  # «Дэвид Саутер (David Souter)»
        name = _quote_style(name)
        if name:
            named.append(_Named(m.kind, name, m.start, m.end, surface))
    apply_aliases(named, text)
    _merge_persons(named)
    _vote_kinds(named)
    return [Entity(n.kind, n.name, n.start, n.end) for n in named]


_PAIRED_QUOTES_RE = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]')


def _quote_style(name: str) -> str:
    """One quoting style in facet values: «…»; quotes around the whole name are dropped."""
    name = _PAIRED_QUOTES_RE.sub(lambda m: "«" + next(g for g in m.groups() if g) + "»", name)
    if name.startswith("«") and name.endswith("»") and name.count("«") == 1:
        name = name[1:-1]
    return name.strip() or name


_INFLECTION_ENDINGS = frozenset(
    "| а у ом ым ем е ой ую ая ий ого ому им я ю ы и ей ых ыми".split(" ")
) | {""}


def _same_surname(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    if common < 4:
        return False
    return a[common:] in _INFLECTION_ENDINGS and b[common:] in _INFLECTION_ENDINGS


_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*\.?")


def _name_words(name: str) -> list[str]:
    return _NAME_WORD_RE.findall(name)


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def _surname_key(word: str) -> str:
    """Bucket for surname comparison (``_same_surname`` needs a common prefix of 4 letters)."""
    return normalise(word)[:4]


def _merge_persons(named: list[_Named]) -> None:
    """One person, one value: map short mentions (``Токаев``, ``Д.Медведев``) to the fullest
    name of the same person in the article."""
    groups, shorts = _full_name_groups([n for n in named if n.kind == "PER"])
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_first: dict[str, list[str]] = defaultdict(list)
    for key, bucket in groups.items():
        for g in bucket:
            name = _group_name(g)
            for n in g:
                n.name = name
            by_surname[key].append(name)
            by_first[_name_words(name)[0]].append(name)
    left: dict[str, list[list[_Named]]] = defaultdict(list)
    for name, ns in sorted(shorts.items(), key=lambda item: -len(item[1])):
        target = _full_name_of(name, by_surname, by_first)
        if target is not None:
            for n in ns:
                n.name = target
        else:
            _join_variants(left, name, ns)


def _full_name_groups(persons: list[_Named]
                      ) -> tuple[dict[str, list[list[_Named]]], dict[str, list[_Named]]]:
    """Mentions with a first name and a surname grouped by person (bucketed by surname key),
    and the short ones (a surname alone, or initials) by name."""
    groups: dict[str, list[list[_Named]]] = defaultdict(list)
    shorts: dict[str, list[_Named]] = defaultdict(list)
    for n in persons:
        words = _name_words(n.name)
        if len(words) < 2 or _is_initial(words[0]) or _is_initial(words[-1]):
            shorts[n.name].append(n)
            continue
        bucket = groups[_surname_key(words[-1])]
        for g in bucket:
            if _same_person(g[0].name, n.name):
                g.append(n)
                break
        else:
            bucket.append([n])
    return groups, shorts


def _full_name_of(name: str, by_surname: dict[str, list[str]],
                  by_first: dict[str, list[str]]) -> str | None:
    """The one full name of the article a short name stands for, if there is exactly one."""
    words = _name_words(name) or [name]
    first = words[0][:1].lower() if len(words) > 1 else ""
    matches = {
        c
        for c in by_surname.get(_surname_key(words[-1]), ())
        if _same_surname(_name_words(c)[-1], words[-1])
        and (not first or c[:1].lower() == first)
    }
    if not matches and len(words) == 1 and len(name) > 3:
        matches = set(by_first.get(name, ()))
    return next(iter(matches)) if len(matches) == 1 else None


def _join_variants(left: dict[str, list[list[_Named]]], name: str, ns: list[_Named]) -> None:
    """Short names that are case variants of each other: the most common form wins."""
    words = _name_words(name) or [name]
    bucket = left[_surname_key(words[-1])]
    for other in bucket:
        rep = other[0].name
        if _same_person(rep, name) if " " in name else _same_surname(name, rep):
            for n in ns:
                n.name = rep
            other.extend(ns)
            return
    bucket.append(list(ns))


def _same_person(a: str, b: str) -> bool:
    wa, wb = _name_words(a) or [a], _name_words(b) or [b]
    if not _same_surname(wa[-1], wb[-1]):
        return False
    return wa[0][:1].lower() == wb[0][:1].lower()


def _group_name(group: list[_Named]) -> str:
    """Most frequent canonical form; longer names and forms seen verbatim win ties."""
    votes: dict[str, float] = defaultdict(float)
    for n in group:
        votes[n.name] += 1.0 + (0.5 if squash(n.surface) == n.name else 0.0)
        votes[n.name] += 0.1 * len(n.name.split())
    return max(votes, key=lambda k: votes[k])


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
