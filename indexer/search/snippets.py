"""Highlighted snippets from the character offsets stored in the index (no re-analysis).

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
_SENTENCE_END = re.compile(r"[.!?…](?:[»\"')\]]*)(?=\s|$)|\n")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

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
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, first - room), first)]
    if ends and first - ends[-1] <= room:
        lo, cut_lo = ends[-1], False
    elif lo == 0:
        cut_lo = False
    else:
        space = text.find(" ", lo, first)
        lo, cut_lo = (space + 1 if space >= 0 else lo), True
    hi_limit = lo + max(size, last - lo)
    m = _SENTENCE_END.search(text, last, min(len(text), hi_limit + 40))
    if m:
        return lo, m.end(), cut_lo, False
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
    m = _SENTENCE_END.search(first, size // 2, size + 40)
    if m:
        return escape(" ".join(first[: m.end()].split()), quote=False)
    cut = first.rfind(" ", 0, size)
    return escape(" ".join(first[: cut if cut > 0 else size].split()), quote=False) + ELLIPSIS


def body_html(text: str, spans: list[Span]) -> str:
    """The whole text as escaped ``<p>`` paragraphs with the spans marked."""
    out = []
    pos = 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if text[pos:end].strip():
            out.append("<p>" + mark(text, spans, pos, end) + "</p>")
        pos = m.end() if m else end
    return "\n".join(out)
