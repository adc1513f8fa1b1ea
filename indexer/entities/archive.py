"""One value per entity across the archive: which values name the same entity as another,
more complete one, decided from how many articles hold each value.

Within an article the rules give one person one value («Путин» → «Владимир Путин» when the
article names him in full); an article that names him by surname only keeps «Путин». Across the
archive:

- a surname alone, or initials and a surname («Путин», «Путина», «В. Путин»), go to the full
  name with that surname (and initial) when one full name holds at least ``DOMINANT`` of the
  articles of all such full names (one «Обама» with «Барак Обама» 22 and «Мишель Обама» 1);
- full names that differ only in the endings of their words («Анастасий Раков», «Анастасия
  Ракова»; a patronymic more or less) go to the commonest when it holds at least ``OUTWEIGH``
  times the other's articles (Александр Иванов and Александра Иванова, both common, stay two);
- organisations and places written in another case or capitalisation («Медузы», «Медуза»; «Оон»,
  «ООН») go to their commonest form when the rarer one reads as a form of it.
"""

from __future__ import annotations

import os
from collections import defaultdict

from indexer.entities.namesakes import (
    is_full_name,
    is_initial,
    name_words,
    same_surname,
    surname_key,
)
from indexer.text.normalise import normalise

DOMINANT = 0.8
_PLURAL_ENDINGS = ("ых", "ыми", "ей", "ым")
OUTWEIGH = 2.0
_KIND_OF_FIELD = {"persons": "PER", "organisations": "ORG", "locations": "LOC"}

Counts = dict[str, int]  # value → articles
Merge = dict[str, str]  # value → canonical value (only values that move)


def merge_values(counts: dict[str, Counts],
                 attested: dict[str, set[str]] | None = None) -> dict[str, Merge]:
    """For each entity field, the values that go into another, and where. Of values that
    name one entity, the one a text writes verbatim somewhere (``attested``) is preferred to
    a commoner one no text writes («Криштиану Роналду», not the «Криштиану Роналд» the rules
    make of «Криштиану Роналду» read as a dative)."""
    out: dict[str, Merge] = {}
    for fieldname, values in counts.items():
        kind = _KIND_OF_FIELD.get(fieldname)
        if kind is None:
            continue
        rank = _Rank(values, (attested or {}).get(fieldname, set()))
        merge = _same_spelling(values, rank)
        rest = _fold(values, merge)
        rank = _Rank(rest, rank.attested)
        if kind == "PER":
            merge.update(_persons(rest, rank))
        else:
            merge.update(_inflected(rest, kind, rank))
        out[fieldname] = _resolve(merge)
    return out


class _Rank:
    """Which of a few values names their entity best: written verbatim by some text, then the
    commonest, then the one with more capitals (ООН, not Оон), then the longer."""

    def __init__(self, counts: Counts, attested: set[str]) -> None:
        self.counts = counts
        self.attested = {normalise(v) for v in attested}

    def key(self, value: str) -> tuple:
        return (normalise(value) in self.attested, self.counts.get(value, 0),
                sum(ch.isupper() for ch in value), len(value), value)

    def best(self, values) -> str:
        return max(values, key=self.key)


def _fold(values: Counts, merge: Merge) -> Counts:
    """The counts once ``merge`` is applied."""
    out: Counts = defaultdict(int)
    for value, count in values.items():
        out[merge.get(value, value)] += count
    return dict(out)


def _resolve(merge: Merge) -> Merge:
    """Follow chains (a → b → c becomes a → c)."""
    out = {}
    for value in merge:
        target, seen = merge[value], {value}
        while target in merge and target not in seen:
            seen.add(target)
            target = merge[target]
        if target != value:
            out[value] = target
    return out


def _same_spelling(counts: Counts, rank: _Rank) -> Merge:
    """Values that differ only in capitals or ё go to the commonest spelling (the one with more
    capitals when as common: ВГИК, not Вгик)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for value in counts:
        groups[normalise(value)].append(value)
    merge: Merge = {}
    for group in groups.values():
        if len(group) > 1:
            best = max(group, key=lambda v: (rank.counts[v], sum(c.isupper() for c in v), v))
            merge.update({v: best for v in group if v != best})
    return merge


def _same_first_name(a: str, b: str) -> bool:
    """One first name in two forms (Анастасия, Анастасий); initials compare by letter."""
    a, b = normalise(a.rstrip(".")), normalise(b.rstrip("."))
    if a == b:
        return True
    common = len(os.path.commonprefix([a, b]))
    return common >= 4 and len(a) - common <= 2 and len(b) - common <= 2


def _persons(counts: Counts, rank: _Rank) -> Merge:
    merge: Merge = {}
    full: dict[str, list[str]] = defaultdict(list)  # surname key → full names
    for value in counts:
        if is_full_name(value):
            full[surname_key(name_words(value)[-1])].append(value)
    groups: dict[str, list[list[str]]] = {}
    for key, names in full.items():
        groups[key] = _variant_groups(names, rank, merge)
    totals = {v: 0 for v in counts}
    for value, count in counts.items():
        totals[merge.get(value, value)] += count
    for value in counts:
        if is_full_name(value):
            continue
        target = _full_name_for(value, groups, merge, totals)
        if target is not None:
            merge[value] = target
    return merge


def _variant_groups(names: list[str], rank: _Rank, merge: Merge) -> list[list[str]]:
    """Full names of one surname bucket grouped by person (the best-ranked first); the other
    forms of a person go into ``merge`` when the best outweighs them or no text writes them."""
    counts = rank.counts
    groups: list[list[str]] = []
    for name in sorted(names, key=rank.key, reverse=True):
        words = name_words(name)
        for group in groups:
            head = name_words(group[0])
            if same_surname(head[-1], words[-1]) and _same_first_name(head[0], words[0]):
                group.append(name)
                unwritten = normalise(group[0]) in rank.attested and (
                    normalise(name) not in rank.attested)
                if unwritten or counts[group[0]] >= OUTWEIGH * counts[name]:
                    merge[name] = group[0]
                break
        else:
            groups.append([name])
    return groups


def _full_name_for(value: str, groups: dict[str, list[list[str]]], merge: Merge,
                   totals: Counts) -> str | None:
    """The one full name a surname alone, or initials and a surname, stand for in the archive."""
    words = name_words(value)
    if not words:
        return None
    initial = words[0][:1].lower() if len(words) > 1 and is_initial(words[0]) else ""
    if len(words) > 1 and not initial:
        return None
    surname = words[-1]
    if len(words) == 1 and normalise(surname).endswith(_PLURAL_ENDINGS):
        return None  # «Романовых», «Скрипалей»: a family, not one person
    candidates = {
        merge.get(group[0], group[0])
        for group in groups.get(surname_key(surname), ())
        if same_surname(name_words(group[0])[-1], surname)
        and (not initial or group[0][:1].lower() == initial)
    }
    if not candidates:
        return None
    total = sum(totals[c] for c in candidates)
    best = max(candidates, key=lambda c: (totals[c], c))
    return best if totals[best] >= DOMINANT * total else None


def _inflected(counts: Counts, kind: str, rank: _Rank) -> Merge:
    """One-word organisations and places in another case go to their commonest form when the
    rules read the rarer one as a form of it («Медузы» → «Медуза»)."""
    from indexer.entities.names import name_alternatives

    buckets: dict[str, list[str]] = defaultdict(list)
    for value in counts:
        if " " not in value and len(value) >= 4:
            buckets[normalise(value)[:4]].append(value)
    merge: Merge = {}
    for values in buckets.values():
        if len(values) < 2:
            continue
        ranked = sorted(values, key=rank.key, reverse=True)
        for i, rare in enumerate(ranked[1:], start=1):
            nominative = normalise(name_alternatives(kind, rare, ())[0][1])
            for common in ranked[:i]:
                if normalise(common) == nominative and same_surname(common, rare):
                    merge[rare] = common
                    break
    return merge
