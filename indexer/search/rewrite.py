"""The query as searched: what was typed, rewritten before evaluation, each change recorded.

In this order, only on plain words (never in quotes, after ``!``, a field prefix or ``NOT``):

1. **Keyboard layout** (``layout``): a piece typed on the keys of the other layout is switched
   when its reading there holds words the index knows and the piece as typed does not
   («rjycnbnewbz» → «конституция», «пщщпду» → «google»); once one piece is switched, the
   others whose other reading is the more frequent follow («d» → «в»).
2. **Script**: a Latin word no article holds whose Cyrillic transliteration one does
   («Golunov» → «Голунов»; candidates from the ``cyrtranslit`` and ``transliterate`` packages).
3. **Typos** (``spelling``): a word no article holds in any form is replaced by the likeliest
   word of the index; a rare word with a far more frequent neighbour is only suggested.

These replace words: the text searched is the typed one with them applied. Then the tree is
expanded: ``word*`` into the indexed words it starts (the most frequent ``MAX_EXPANSIONS``), and
a name of an entry of ``indexer.aliases`` (a word, or plain words in a row that are a
multi-word name in any form) into every name of the entry (multi-word names as phrases). With
``correct`` off («search exactly what I typed») only truncation is done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from cyrtranslit import to_cyrillic
from transliterate import translit

from indexer.aliases import ENTRIES, Entry, by_name
from indexer.search import layout, spelling
from indexer.search.budget import Budget
from indexer.search.query import (
    And,
    Node,
    Not,
    Or,
    Prefix,
    Text,
    parse_bounded,
    plain_tokens,
    words_of,
)
from indexer.search.view import IndexView
from indexer.search.vocabulary import Vocabulary, frequency, knows, vocabulary
from indexer.text.morphology import lemmas, morph
from indexer.text.normalise import normalise
from indexer.text.tokens import WORD_RE

MAX_EXPANSIONS = 50  # indexed words one ``word*`` stands for (the most frequent)
MAX_CORRECTED = 6  # query words looked up for a correction; the rest are searched as typed
REASONS = ("typo", "layout", "transliteration", "abbreviation")
_LATIN = re.compile(r"[a-z]+")


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


@dataclass
class Rewritten:
    typed: str
    text: str  # the query searched: the typed one with the replacements applied
    node: Node | None
    corrections: list[Correction] = field(default_factory=list)
    suggestion: str | None = None  # «Возможно, вы имели в виду …»
    warnings: list[str] = field(default_factory=list)

    @property
    def replaced(self) -> bool:
        """Whether words were replaced (not only expanded): the page says so."""
        return self.text != self.typed


def rewrite(view: IndexView, query: str, correct: bool = True,
            budget: Budget | None = None) -> Rewritten:
    """The query as it will be searched over ``view``."""
    return _Rewriter(view, budget or Budget()).run(query, correct)


class _Rewriter:
    def __init__(self, view: IndexView, budget: Budget) -> None:
        self.view = view
        self.budget = budget
        self._vocabulary: Vocabulary | None = None
        self.corrections: list[Correction] = []
        self.suggestions: dict[str, str] = {}
        self._known: dict[str, bool] = {}

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            with self.budget.paused():
                self._vocabulary = vocabulary(self.view)
        return self._vocabulary

    def knows(self, word: str) -> bool:
        word = normalise(word)
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = knows(self.view, word)
        return known

    def run(self, query: str, correct: bool) -> Rewritten:
        with self.budget.paused():  # loaded once per process, not this request's work
            morph()
        text = query
        if correct:
            text = self.switch_layout(text)
            text = self.fix_words(text)
        else:
            self.suggest_only(text)
        node, warnings = parse_bounded(text)
        node = self.expand(node, correct, warnings) if node is not None else None
        suggestion = _replace_words(text, self.suggestions) if self.suggestions else None
        return Rewritten(query, text, node, self.corrections, suggestion, warnings)

    # 1. keyboard layout

    def switch_layout(self, text: str) -> str:
        pieces = [(span, other) for span in plain_tokens(text)
                  if (other := layout.other_layout(text[span[0]:span[1]])) is not None]
        if not pieces:
            return text
        # A piece is switched when its other reading is all known words and it is no known
        # word as typed (keys that are no word as typed, «l;tqrj,c», count as unknown); then
        # the pieces whose other reading is the more frequent follow.
        typed = {span: text[span[0]:span[1]] for span, _ in pieces}
        known = {span: WORD_RE.fullmatch(t) is not None and self.knows(t)
                 for span, t in typed.items()}
        strong = [(span, other) for span, other in pieces
                  if not known[span] and self._all_known(other)]
        if not strong:
            return text
        weak = [(span, other) for span, other in pieces if known[span]
                and self._all_known(other) and self._more_frequent(other, typed[span])]
        changes = sorted(strong + weak, reverse=True)
        for (start, end), other in changes:
            self.corrections.append(Correction(text[start:end], other, "layout"))
            text = text[:start] + other + text[end:]
        self.corrections.reverse()
        return text

    def _all_known(self, text: str) -> bool:
        words = words_of(text)[0]
        return bool(words) and all(self.knows(w) for w in words)

    def _more_frequent(self, other: str, typed: str) -> bool:
        return (min(frequency(self.view, w) for w in words_of(other)[0])
                > frequency(self.view, normalise(typed)))

    # 2 and 3. script and typos

    def fix_words(self, text: str) -> str:
        changes: list[tuple[int, int, str]] = []
        fixed: dict[str, str | None] = {}
        for start, end in plain_tokens(text):
            for m in WORD_RE.finditer(text, start, end):
                word = m.group()
                if word not in fixed:
                    if len(fixed) >= MAX_CORRECTED or self.budget.late(
                            "some words were not checked for typos"):
                        break
                    fixed[word] = self._fixed(word)
                better = fixed[word]
                if better is not None:
                    changes.append((m.start(), m.end(), better))
        for start, end, better in reversed(changes):
            text = text[:start] + better + text[end:]
        return text

    def _fixed(self, word: str) -> str | None:
        """The replacement of an unknown word (recorded), or None."""
        if self.knows(word):
            self._rare(word)
            return None
        found = self._transliterated(word) or self._typo(word)
        if found is None:
            return None
        self.corrections.append(Correction(word, *found))
        return found[0]

    def _transliterated(self, word: str) -> tuple[str, str] | None:
        lower = normalise(word)
        if not _LATIN.fullmatch(lower):
            return None
        found = [c for c in transliterations(lower) if self.knows(c)]
        if not found:
            fixed = [spelling.best(self.vocabulary, c) for c in transliterations(lower)]
            found = [c.word for c in fixed if c is not None and c.edits == 1]
        if not found:
            return None
        best = max(found, key=lambda c: (self.vocabulary.frequency(c), c))
        return _like(word, best), "transliteration"

    def _typo(self, word: str) -> tuple[str, str] | None:
        fixed = spelling.correct(self.vocabulary, word)
        return (_like(word, fixed), "typo") if fixed else None

    def _rare(self, word: str) -> None:
        if frequency(self.view, normalise(word)) > spelling.RARE:
            return
        better = spelling.rarer_than_neighbour(self.vocabulary, word)
        if better is not None:
            self.suggestions[word] = _like(word, better)

    def suggest_only(self, text: str) -> None:
        """With corrections off: what they would have done, as a suggestion."""
        for start, end in plain_tokens(text)[:MAX_CORRECTED]:
            for m in WORD_RE.finditer(text, start, end):
                word = m.group()
                if self.knows(word):
                    self._rare(word)
                elif (fixed := spelling.correct(self.vocabulary, word)) is not None:
                    self.suggestions[word] = _like(word, fixed)

    # The tree: truncation and other names

    def expand(self, node: Node, correct: bool, warnings: list[str]) -> Node:
        if isinstance(node, Prefix):
            return self.truncation(node, warnings)
        if isinstance(node, Not):
            return Not(self.expand(node.item, False, warnings))
        if isinstance(node, And | Or):
            items = [self.expand(item, correct, warnings) for item in node.items]
            if correct and isinstance(node, And):
                items = self.multi_word_names(items)
            return type(node)(items)
        if correct and isinstance(node, Text) and _plain_word(node):
            return self.other_names(node)
        return node

    def truncation(self, node: Prefix, warnings: list[str]) -> Node:
        words, frequencies = self.vocabulary.starting(node.prefix)
        label = node.prefix + "*"
        if not words:
            return Text([node.prefix], [0], node.field, exact=True)
        order = sorted(range(len(words)), key=lambda i: (-int(frequencies[i]), words[i]))
        if len(order) > MAX_EXPANSIONS:
            warnings.append(f"«{label}»: only the {MAX_EXPANSIONS} most frequent of "
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


def transliterations(word: str) -> list[str]:
    """Cyrillic readings of a Latin word, from two transliteration packages (they differ on
    «y», «kh», «ts»: «Tokayev» → «токаев» and «токаыев», «Zhanaozen» → «жанаозен»)."""
    out = [to_cyrillic(word, "ru"), translit(word, "ru")]
    return list(dict.fromkeys(normalise(w) for w in out if w and WORD_RE.fullmatch(w)))


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


def _like(typed: str, word: str) -> str:
    """``word`` written in the case of ``typed`` (capitalised, upper or lower)."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _replace_words(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each whole word of ``replacements`` replaced."""
    for word, better in replacements.items():
        pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
        text = pattern.sub(better, text)
    return text
