"""Where query words stand in one document: positions (from the postings arrays or the
posting blocks) and character offsets (for highlighting, and the sentence checks of an index
without sentence maps).

With sentence maps (``indexer.store.sentence_maps``) the characters of a matched position are
found by reading again only the sentences that hold a match, never from the postings' character
offsets: the words are found as the analyser finds them, so the spans are the same.
"""

from __future__ import annotations

import numpy as np

from indexer.search.view import IndexView
from indexer.search.words import WordTerms, unique
from indexer.text.analyzer import word_terms
from indexer.text.tokens import WORD_RE, compound_parts, is_compound

Span = tuple[int, int]


def term_positions(view: IndexView, fieldname: str, terms: tuple[str, ...] | set[str],
                   docnum: int) -> list[int]:
    """Sorted positions of any of the terms in one document's field."""
    found: set[int] = set()
    for term in terms:
        found.update(view.postings(fieldname, term).positions_of(docnum))
    return sorted(found)


def positions(view: IndexView, fieldname: str, wt: WordTerms, docnum: int) -> list[int]:
    """Sorted positions of the word (any of its terms) in one document."""
    return term_positions(view, fieldname, wt.terms, docnum)


def spans(view: IndexView, fieldname: str, wts: list[WordTerms], docnum: int) -> list[Span]:
    """(startchar, endchar) of every occurrence of the words in one document."""
    if view.sentence_maps is not None:
        return _spans_read_again(view, fieldname, wts, docnum)
    found: set[Span] = set()
    for wt in wts:
        for term in wt.terms:
            for _, start, end in view.postings(fieldname, term).occurrences(docnum):
                found.add((start, end))
    return sorted(found)


def _spans_read_again(view: IndexView, fieldname: str, wts: list[WordTerms], docnum: int
                      ) -> list[Span]:
    """``spans`` from positions: the body's sentences holding a matched position (by its
    sentence map) are read again, a title whole."""
    terms = {t for wt in wts for t in wt.terms}
    wanted = set(term_positions(view, fieldname, terms, docnum))
    if not wanted:
        return []
    text = view.stored(docnum).get(fieldname, "") or ""
    if fieldname != "body":
        return sorted(set(spans_at(text, 0, len(text), 0, wanted, terms)))
    cut_positions, cut_chars, _ = view.sentence_map(docnum)
    sentences = np.searchsorted(cut_positions, sorted(wanted), side="right") - 1
    found: set[Span] = set()
    for i in np.unique(sentences).tolist():
        hi = int(cut_chars[i + 1]) if i + 1 < len(cut_chars) else len(text)
        found.update(spans_at(text, int(cut_chars[i]), hi, int(cut_positions[i]), wanted, terms))
    return sorted(found)


def spans_at(text: str, lo: int, hi: int, pos: int, wanted: set[int], terms: set[str]
             ) -> list[Span]:
    """The characters of the words of ``text[lo:hi]`` (whose first word is at position
    ``pos``) at the ``wanted`` positions. A hyphenated compound and its first part share a
    position: of those, the ones indexed under one of ``terms``."""
    out = []
    for m in WORD_RE.finditer(text, lo, hi):
        word = m.group()
        if is_compound(word):
            if pos in wanted and terms.intersection(word_terms(word)):
                out.append(m.span())
            parts = compound_parts(word, m.start())
            for i, part, start in parts:
                if pos + i in wanted and terms.intersection(word_terms(part)):
                    out.append((start, start + len(part)))
            pos += parts[-1][0]
        elif pos in wanted:
            out.append(m.span())
        pos += 1
    return out


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
