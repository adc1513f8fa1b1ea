"""One person, one value within an article: short mentions («Токаев», «Д.Медведев») take the
fullest name of the same person the article gives («Касым-Жомарт Токаев»); full names that
are forms of one another take the most common one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from indexer.entities.namesakes import (
    is_initial,
    name_words,
    same_person,
    same_surname,
    surname_key,
)
from indexer.entities.words import squash


class _Named(Protocol):
    kind: str
    name: str
    surface: str


def merge_persons(named: Sequence[_Named]) -> None:
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
            by_first[name_words(name)[0]].append(name)
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
        words = name_words(n.name)
        if len(words) < 2 or is_initial(words[0]) or is_initial(words[-1]):
            shorts[n.name].append(n)
            continue
        bucket = groups[surname_key(words[-1])]
        for g in bucket:
            if same_person(g[0].name, n.name):
                g.append(n)
                break
        else:
            bucket.append([n])
    return groups, shorts


def _full_name_of(name: str, by_surname: dict[str, list[str]],
                  by_first: dict[str, list[str]]) -> str | None:
    """The one full name of the article a short name stands for, if there is exactly one."""
    words = name_words(name) or [name]
    first = words[0][:1].lower() if len(words) > 1 else ""
    matches = {
        c
        for c in by_surname.get(surname_key(words[-1]), ())
        if same_surname(name_words(c)[-1], words[-1])
        and (not first or c[:1].lower() == first)
    }
    if not matches and len(words) == 1 and len(name) > 3:
        matches = set(by_first.get(name, ()))
    return next(iter(matches)) if len(matches) == 1 else None


def _join_variants(left: dict[str, list[list[_Named]]], name: str, ns: list[_Named]) -> None:
    """Short names that are case variants of each other: the most common form wins."""
    words = name_words(name) or [name]
    bucket = left[surname_key(words[-1])]
    for other in bucket:
        rep = other[0].name
        if same_person(rep, name) if " " in name else same_surname(name, rep):
            for n in ns:
                n.name = rep
            other.extend(ns)
            return
    bucket.append(list(ns))


def _group_name(group: list[_Named]) -> str:
    """Most frequent canonical form; longer names and forms seen verbatim win ties."""
    votes: dict[str, float] = defaultdict(float)
    for n in group:
        votes[n.name] += 1.0 + (0.5 if squash(n.surface) == n.name else 0.0)
        votes[n.name] += 0.1 * len(n.name.split())
    return max(votes, key=lambda k: votes[k])


