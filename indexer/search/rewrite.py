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

These replace words: the text searched is the typed one with them applied. Then ``expansion``
expands the tree (``word*``, other names). With ``correct`` off («search exactly what I typed»)
only truncation is done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cyrtranslit import to_cyrillic
from transliterate import translit

from indexer.search import layout, spelling
from indexer.search.budget import Budget
from indexer.search.expansion import Correction, Expander
from indexer.search.query import Node, parse_bounded, plain_tokens, words_of
from indexer.search.view import IndexView
from indexer.search.vocabulary import Vocabulary, frequency, knows, vocabulary
from indexer.text.morphology import morph
from indexer.text.normalise import normalise
from indexer.text.tokens import WORD_RE

MAX_CORRECTED = 6  # query words looked up for a correction; the rest are searched as typed
_LATIN = re.compile(r"[a-z]+")


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
        if node is not None:
            expander = Expander(lambda: self.vocabulary, self.corrections, warnings)
            node = expander.expand(node, correct)
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

def transliterations(word: str) -> list[str]:
    """Cyrillic readings of a Latin word, from two transliteration packages (they differ on
    «y», «kh», «ts»: «Tokayev» → «токаев» and «токаыев», «Zhanaozen» → «жанаозен»)."""
    out = [to_cyrillic(word, "ru"), translit(word, "ru")]
    return list(dict.fromkeys(normalise(w) for w in out if w and WORD_RE.fullmatch(w)))


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
