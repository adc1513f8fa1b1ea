"""Finding an entity field's values by name: exactly (any case, ё = е), by a value merged into
it across the archive («Путин» → «Владимир Путин»), or loosely by its words («путин» finds
«Владимир Путин» and «Игорь Путин»; «путина» through its lemmas). Built once per index
version, on the first query that needs it, so that a query never scans every value."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from indexer.text.morphology import lemmas
from indexer.text.normalise import normalise
from indexer.text.tokens import WORD_RE


def value_words(value: str) -> list[str]:
    """The words of a value, normalised."""
    return [normalise(m.group()) for m in WORD_RE.finditer(value)]


class ValueNames:
    """Value ids by normalised name and by word, over canonical values and their members. Kept
    as tuples of ids: tuples of numbers are left out of Python's garbage collections, where
    tens of thousands of sets were walked in every full collection of the serving process."""

    def __init__(self, values: Sequence[str], merge: dict[str, str]) -> None:
        index = {v: i for i, v in enumerate(values)}
        by_name: dict[str, set[int]] = defaultdict(set)
        by_word: dict[str, set[int]] = defaultdict(set)
        names = [(v, i) for v, i in index.items()]
        names += [(member, index[c]) for member, c in merge.items() if c in index]
        for name, i in names:
            by_name[normalise(name)].add(i)
            for word in value_words(name):
                by_word[word].add(i)
        self.by_name: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_name.items()}
        self.by_word: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_word.items()}

    def exact(self, value: str) -> set[int]:
        """Values named ``value`` (or with a merged value so named)."""
        return set(self.by_name.get(normalise(value.strip()), ()))

    def loose(self, value: str) -> set[int]:
        """Values that hold every word of ``value``, each as written or as one of its lemmas."""
        found: set[int] | None = None
        for word in value_words(value):
            ids = set(self.by_word.get(word, ()))
            if not ids:
                for lemma in lemmas(word):
                    ids.update(self.by_word.get(lemma, ()))
            found = ids if found is None else found & ids
            if not found:
                return set()
        return found or set()
