"""Where query words stand in one document: positions (from the postings arrays or the
posting blocks) and character offsets (for highlighting).

The index keeps positions only: the characters of a matched position are found by reading
again only the sentences that hold a match (``indexer.store.sentence_maps``), the words found
as the analyser finds them.
"""

from __future__ import annotations

import numpy as np

from indexer.search.view import IndexView
from indexer.search.words import WordTerms
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


def occurrence_keys(view: IndexView, fieldname: str, terms: tuple[str, ...],
                    mask: np.ndarray) -> np.ndarray:
    """Keys docnum << 32 | position of the terms' occurrences in the documents of ``mask``,
    term after term (each term's sorted; a position held by two terms comes twice)."""
    parts = [(docs << 32) | found for docs, found in
             (view.postings(fieldname, term).positions_in(mask) for term in terms)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def positions(view: IndexView, fieldname: str, wt: WordTerms, docnum: int) -> list[int]:
    """Sorted positions of the word (any of its terms) in one document."""
    return term_positions(view, fieldname, wt.terms, docnum)


def spans(view: IndexView, fieldname: str, wts: list[WordTerms], docnum: int) -> list[Span]:
    """(startchar, endchar) of every occurrence of the words in one document: the body's
    sentences holding a matched position (by its sentence map) are read again, a title
    whole."""
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
    if text.find("-", lo, hi) < 0 and text.find("\u2011", lo, hi) < 0:
        # No compound: the n-th word stands at position pos + n.
        found = [p - pos for p in wanted if p >= pos]
        if not found:
            return []
        words = list(WORD_RE.finditer(text, lo, hi))
        return [words[i].span() for i in sorted(found) if i < len(words)]
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

