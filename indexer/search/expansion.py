"""Expanding a query tree: ``word*`` into the indexed words it starts (the most frequent
``MAX_EXPANSIONS``, a warning when cut), and a name of an entry of ``indexer.aliases`` (a
plain word, or plain words in a row that are a multi-word name in any form) into every name of
the entry (multi-word names as phrases), recorded as ``Correction``s («abbreviation»)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from indexer.aliases import ENTRIES, Entry, by_name
from indexer.search.query import And, Node, Not, Or, Prefix, Text, words_of
from indexer.search.vocabulary import Vocabulary
from indexer.text.morphology import lemmas
from indexer.text.normalise import normalise

MAX_EXPANSIONS = 50  # indexed words one ``word*`` stands for (the most frequent)
REASONS = ("typo", "layout", "transliteration", "abbreviation")


@dataclass(frozen=True)
class Correction:
    """One change: ``original`` searched as ``replacement`` (or also as it, for an
    abbreviation), and why (one of REASONS)."""

    original: str
    replacement: str
    reason: str

    def to_json(self) -> dict:
        return {"from": self.original, "to": self.replacement, "reason": self.reason}


@dataclass
class Alternatives(Or):
    """Several ways of writing one thing the user typed once (a word and its other names, the
    words a prefix starts): one word of the query for the tiers, under ``label``."""

    label: str = ""


class Expander:
    """Expands trees over one index version (``vocabulary()`` gives its words, read only if
    a ``word*`` needs them), adding to ``corrections`` and ``warnings``."""

    def __init__(self, vocabulary: Callable[[], Vocabulary], corrections: list[Correction],
                 warnings: list[str]) -> None:
        self.vocabulary = vocabulary
        self.corrections = corrections
        self.warnings = warnings

    def expand(self, node: Node, correct: bool) -> Node:
        """The tree with ``word*`` expanded and, with ``correct``, other names added (not
        under NOT: it stays strict)."""
        if isinstance(node, Prefix):
            return self.truncation(node)
        if isinstance(node, Not):
            return Not(self.expand(node.item, False))
        if isinstance(node, And | Or):
            items = [self.expand(item, correct) for item in node.items]
            if correct and isinstance(node, And):
                items = self.multi_word_names(items)
            return type(node)(items)
        if correct and isinstance(node, Text) and _plain_word(node):
            return self.other_names(node)
        return node

    def truncation(self, node: Prefix) -> Node:
        words, frequencies = self.vocabulary().starting(node.prefix)
        label = node.prefix + "*"
        if not words:
            return Text([node.prefix], [0], node.field, exact=True)
        order = sorted(range(len(words)), key=lambda i: (-int(frequencies[i]), words[i]))
        if len(order) > MAX_EXPANSIONS:
            self.warnings.append(f"«{label}»: only the {MAX_EXPANSIONS} most frequent of "
                            f"{len(order)} words starting so are searched")
        items: list[Node] = [Text([words[i]], [0], node.field, exact=True)
                             for i in order[:MAX_EXPANSIONS]]
        return Alternatives(items, label=label)

    def other_names(self, node: Text) -> Node:
        word = node.words[0]
        entry = _entry_of(word)
        if entry is None:
            return node
        return self._alternatives(word, entry, [node])

    def multi_word_names(self, items: list[Node]) -> list[Node]:
        """Plain words in a row that are a multi-word name of an entry, in any form, as one
        Alternatives («европейского союза» → the phrase, «ЕС», «Евросоюз»)."""
        out: list[Node] = []
        i = 0
        while i < len(items):
            found = _name_at(items, i)
            if found is None:
                out.append(items[i])
                i += 1
                continue
            entry, size = found
            texts = [t for t in items[i:i + size] if isinstance(t, Text)]
            words = [t.words[0] for t in texts]
            phrase = Text(words, words_of(" ".join(words))[1], phrase=True)
            out.append(self._alternatives(" ".join(words), entry, [phrase]))
            i += size
        return out

    def _alternatives(self, typed: str, entry: Entry, keep: list[Node]) -> Node:
        typed_forms = _forms(normalise(typed)) if " " not in typed else frozenset()
        # Not the name typed (in any form), nor an ambiguous one: it cannot be told apart here.
        names = [n for n in entry.names if normalise(n) != normalise(typed)
                 and not (" " not in n and _forms(normalise(n)) & typed_forms)
                 and n not in entry.needs]
        items = list(keep)
        for name in names:
            words, offsets = words_of(name)
            items.append(Text(words, offsets, phrase=len(words) > 1))
            self.corrections.append(Correction(typed, name, "abbreviation"))
        return Alternatives(items, label=typed) if len(items) > 1 else keep[0]


def _plain_word(node: Text) -> bool:
    return not (node.exact or node.phrase or node.quoted or node.field) and len(node.words) == 1


def _entry_of(word: str) -> Entry | None:
    names = by_name()
    for form in (word, *lemmas(word)):
        entry = names.get(form)
        if entry is not None and " " not in form:
            return entry
    return None


@cache
def _multi_word_names() -> dict[str, list[tuple[tuple[frozenset[str], ...], Entry]]]:
    """Each multi-word name as the forms (word and lemmas) of its words, by the forms of its
    first word, longest names first."""
    out: dict[str, list[tuple[tuple[frozenset[str], ...], Entry]]] = {}
    names = sorted(((name, entry) for entry in ENTRIES for name in entry.names if " " in name),
                   key=lambda n: -len(n[0].split()))
    for name, entry in names:
        forms = tuple(_forms(w) for w in words_of(name)[0])
        for first in forms[0]:
            out.setdefault(first, []).append((forms, entry))
    return out


def _forms(word: str) -> frozenset[str]:
    return frozenset((word, *lemmas(word)))


def _name_at(items: list[Node], i: int) -> tuple[Entry, int] | None:
    """The entry whose multi-word name the plain words from ``items[i]`` on are, and its
    length in words."""
    first = items[i]
    if not (isinstance(first, Text) and _plain_word(first)):
        return None
    seen: set[int] = set()
    for form in _forms(first.words[0]):
        for name, entry in _multi_word_names().get(form, []):
            run = items[i:i + len(name)]
            if id(name) in seen or len(run) < len(name):
                continue
            seen.add(id(name))
            if all(isinstance(t, Text) and _plain_word(t) and _forms(t.words[0]) & forms
                   for t, forms in zip(run, name, strict=True)):
                return entry, len(name)
    return None
