"""The reference analysis for tests: what the Whoosh analyser (``lemma_analyzer()``) yields."""

from __future__ import annotations

from indexer.text.analyzer import lemma_analyzer


def whoosh_occurrences(text: str) -> list[tuple[str, int, int, int]]:
    """(term, position, start, end) of every token ``lemma_analyzer()`` yields, in order."""
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in lemma_analyzer()(text, positions=True, chars=True)]


def occurrences_by_term(text: str) -> dict[str, list[tuple[int, int, int]]]:
    """Each term of ``text`` with its (position, start, end) occurrences in order."""
    grouped: dict[str, list[tuple[int, int, int]]] = {}
    for term, pos, start, end in whoosh_occurrences(text):
        grouped.setdefault(term, []).append((pos, start, end))
    return grouped
