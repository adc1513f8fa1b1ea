"""Where query words stand in one document: positions and character offsets, read from the
values of their terms (for highlighting, sentence checks and ``~N`` windows)."""

from __future__ import annotations

from indexer.search.view import IndexView
from indexer.search.words import WordTerms, unique

Span = tuple[int, int]


def positions(view: IndexView, fieldname: str, wt: WordTerms, docnum: int) -> list[int]:
    """Sorted positions of the word (any of its terms) in one document."""
    found: set[int] = set()
    for term in wt.terms:
        for pos, _, _ in view.postings(fieldname, term).occurrences(docnum):
            found.add(pos)
    return sorted(found)


def spans(view: IndexView, fieldname: str, wts: list[WordTerms], docnum: int) -> list[Span]:
    """(startchar, endchar) of every occurrence of the words in one document."""
    found: set[Span] = set()
    for wt in wts:
        for term in wt.terms:
            for _, start, end in view.postings(fieldname, term).occurrences(docnum):
                found.add((start, end))
    return sorted(found)


def starts(view: IndexView, terms: tuple[str, ...], docnum: int) -> list[int]:
    """The start characters of the terms' occurrences in one document's body."""
    return [st for term in terms for _, st, _ in view.postings("body", term).occurrences(docnum)]


def window_chars(view: IndexView, required: list[WordTerms], docnum: int, lo: int, hi: int
                 ) -> Span:
    """The characters of the body from the start of the word at position ``lo`` to the end of
    the word at position ``hi``."""
    first, last = [], []
    for wt in unique(required):
        for term in wt.terms:
            for pos, start, end in view.postings("body", term).occurrences(docnum):
                if pos == lo:
                    first.append(start)
                if pos == hi:
                    last.append(end)
    return min(first), max(last)
