"""Highlighted snippets from the spans of matched words (``occurrences.spans``: positions,
then the matched sentences read again).

Everything from the article is HTML-escaped; only the ``<mark>`` tags are markup.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from indexer.ingest.leads import lead

FRAGMENT = 200
FRAGMENTS = 3
ELLIPSIS = "…"
# A sentence ends at . ! ? … (and closing quotes or brackets) before white space, or at a line
# break; but not at the full stop of an abbreviation («по г. Алматы», «в 2019 г. было», «т. е.»)
# or an initial («А. С. Пушкин»), nor before a lower-case word.
_SENTENCE_END = re.compile(r"[.!?…](?:[»\"')\]]*)(?=\s|$)|\n")
ABBREVIATIONS = frozenset((
    "гг", "вв", "ул", "пр", "просп", "пер", "им", "др", "пр", "ст", "см", "стр", "рис", "тыс",
    "млн", "млрд", "трлн", "руб", "коп", "долл", "обл", "р-н", "пос", "дер", "чел", "км", "акад",
    "проф", "доц", "зам", "ген", "англ", "нем", "франц", "лат", "каз", "рус", "ок", "мин",
    "сек", "напр", "тел", "бульв", "кв", "корп", "ред", "изд",
))


def _ends_sentence(text: str, m: re.Match) -> bool:
    dot = m.start()
    if text[dot] != ".":
        return True
    start = dot
    while start > 0 and dot - start < 8 and text[start - 1].isalpha():
        start -= 1
    word = text[start:dot]
    if len(word) == 1 or word.lower() in ABBREVIATIONS:
        return False
    after, n = m.end(), len(text)
    while after < n and text[after].isspace():
        after += 1
    return not (after < n and (text[after].islower() or text[after].isdigit()))


def sentence_ends(text: str, lo: int, hi: int) -> list[int]:
    """Where sentences end in ``text[lo:hi]`` (the offsets just past their last mark)."""
    return [m.end() for m in _SENTENCE_END.finditer(text, lo, hi) if _ends_sentence(text, m)]


def _first_end(text: str, lo: int, hi: int) -> int | None:
    return next((m.end() for m in _SENTENCE_END.finditer(text, lo, hi)
                 if _ends_sentence(text, m)), None)


def _last_end(text: str, lo: int, hi: int) -> int | None:
    found = list(_SENTENCE_END.finditer(text, lo, hi))
    return next((m.end() for m in reversed(found) if _ends_sentence(text, m)), None)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
READING_PARAGRAPH = 1200  # characters: a longer paragraph is shown as pieces of sentences

Span = tuple[int, int]


def mark(text: str, spans: list[Span], lo: int = 0, hi: int | None = None) -> str:
    """``text[lo:hi]`` escaped, with the spans inside it wrapped in ``<mark>``."""
    hi = len(text) if hi is None else hi
    out = []
    pos = lo
    for start, end in spans:
        if start < pos or end > hi:
            continue
        out.append(escape(text[pos:start], quote=False))
        out.append("<mark>" + escape(text[start:end], quote=False) + "</mark>")
        pos = end
    out.append(escape(text[pos:hi], quote=False))
    return " ".join("".join(out).split())


def _windows(text: str, spans: list[Span], size: int) -> list[tuple[float, int, int]]:
    """(score, first span, last span) of a window starting a little before each span; the
    score prefers windows with more distinct matched words."""
    keys = [text[s:e].lower() for s, e in spans]
    out = []
    counts: Counter[str] = Counter()
    j = 0
    for i, (start, _) in enumerate(spans):
        limit = start + size * 2 // 3
        while j < len(spans) and spans[j][1] <= limit:
            counts[keys[j]] += 1
            j += 1
        if j <= i:  # a single very long span
            counts[keys[i]] += 1
            j = i + 1
        out.append((len(counts) + 0.1 * (j - i), i, j - 1))
        counts[keys[i]] -= 1
        if not counts[keys[i]]:
            del counts[keys[i]]
    return out


def _expand(text: str, first: int, last: int, size: int) -> tuple[int, int, bool, bool]:
    """A fragment around text[first:last], widened to sentence (else word) boundaries;
    returns (lo, hi, cut at the start, cut at the end)."""
    room = max(0, size - (last - first))
    lo = max(0, first - room // 3)
    end = _last_end(text, max(0, first - room), first)
    if end is not None and first - end <= room:
        lo, cut_lo = end, False
    elif lo == 0:
        cut_lo = False
    else:
        space = text.find(" ", lo, first)
        lo, cut_lo = (space + 1 if space >= 0 else lo), True
    hi_limit = lo + max(size, last - lo)
    end = _first_end(text, last, min(len(text), hi_limit + 40))
    if end is not None:
        return lo, end, cut_lo, False
    if hi_limit >= len(text):
        return lo, len(text), cut_lo, False
    space = text.rfind(" ", last, hi_limit)
    return lo, (space if space > last else hi_limit), cut_lo, True


def fragments(text: str, spans: list[Span], count: int = FRAGMENTS,
              size: int = FRAGMENT) -> list[str]:
    """Up to ``count`` highlighted fragments of about ``size`` characters, in text order."""
    remaining = sorted(spans)
    chosen: list[tuple[int, int, bool, bool]] = []
    while remaining and len(chosen) < count:
        _, i, j = max(_windows(text, remaining, size), key=lambda w: (w[0], -w[1]))
        lo, hi, cut_lo, cut_hi = _expand(text, remaining[i][0], remaining[j][1], size)
        chosen.append((lo, hi, cut_lo, cut_hi))
        remaining = [s for s in remaining if s[1] <= lo or s[0] >= hi]
        # Spans that would make a fragment overlap one already chosen are dropped too.
        remaining = [s for s in remaining
                     if all(not (lo2 - size < s[0] < hi2 + size // 3) for lo2, hi2, _, _ in chosen)]
    out = []
    for lo, hi, cut_lo, cut_hi in sorted(chosen):
        html = mark(text, spans, lo, hi)
        out.append((ELLIPSIS if cut_lo else "") + html + (ELLIPSIS if cut_hi else ""))
    return out


def lead_fragment(text: str, size: int = FRAGMENT) -> str:
    """The lead, cut at a sentence (else word) boundary near ``size`` characters; escaped."""
    first = lead(text)
    if len(first) <= size + 40:
        return escape(" ".join(first.split()), quote=False)
    end = _first_end(first, size // 2, size + 40)
    if end is not None:
        return escape(" ".join(first[:end].split()), quote=False)
    cut = first.rfind(" ", 0, size)
    return escape(" ".join(first[: cut if cut > 0 else size].split()), quote=False) + ELLIPSIS


def reading_pieces(text: str, lo: int, hi: int, size: int = READING_PARAGRAPH
                   ) -> list[tuple[int, int]]:
    """``text[lo:hi]`` (a paragraph) as pieces of whole sentences of about ``size // 2`` to
    ``size`` characters, so that a 10,000-character paragraph reads as several."""
    pieces = []
    while hi - lo > size:
        end = _last_end(text, lo + size // 2, lo + size)
        if end is None:
            break
        pieces.append((lo, end))
        lo = end
        while lo < hi and text[lo].isspace():
            lo += 1
    return [*pieces, (lo, hi)] if lo < hi else pieces


def body_html(text: str, spans: list[Span]) -> str:
    """The whole text as escaped ``<p>`` paragraphs (a long one cut into pieces of whole
    sentences) with the spans marked."""
    out = []
    pos = 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[pos:end].strip():
            out += ["<p>" + mark(text, spans, lo, hi) + "</p>"
                    for lo, hi in reading_pieces(text, pos, end)]
        pos = m.end() if m else end
    return "\n".join(out)
