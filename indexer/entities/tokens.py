"""The NER model's tokens: razdel's tokenisation rules (its atom regex and join rules), without
its per-atom objects; the same tokens as ``razdel.tokenize``."""

from __future__ import annotations

from razdel.segmenters.punct import DASHES, ENDINGS
from razdel.segmenters.tokenize import ATOM, SMILE

_RU, _LAT, _INT, _PUNCT, _OTHER = "RU", "LAT", "INT", "PUNCT", "OTHER"
_WORDISH = (_OTHER, _RU, _LAT)


def tokenize(text: str) -> tuple[list[int], list[int], list[str]]:
    """razdel.tokenize(text) as (starts, stops, texts): same atoms, same join rules."""
    starts: list[int] = []
    stops: list[int] = []
    types: list[str] = []
    words: list[str] = []
    for m in ATOM.finditer(text):
        s, e = m.span()
        starts.append(s)
        stops.append(e)
        types.append(m.lastgroup or "")
        words.append(m.group())
    n = len(words)
    out_s: list[int] = []
    out_e: list[int] = []
    out_t: list[str] = []
    if not n:
        return out_s, out_e, out_t
    tok_start = starts[0]
    for i in range(1, n):
        if starts[i] != stops[i - 1] or not _join(text, tok_start, i, starts, types, words):
            out_s.append(tok_start)
            out_e.append(stops[i - 1])
            out_t.append(text[tok_start : stops[i - 1]])
            tok_start = starts[i]
    out_s.append(tok_start)
    out_e.append(stops[-1])
    out_t.append(text[tok_start : stops[-1]])
    return out_s, out_e, out_t


def _join(
    text: str, tok_start: int, i: int, starts: list[int], types: list[str], words: list[str]
) -> bool:
    """razdel's RULES (dash, underscore, float, fraction, punct, other, yahoo) for the split
    between atoms ``i - 1`` and ``i``, which touch."""
    left, right = words[i - 1], words[i]
    lt, rt = types[i - 1], types[i]
    if _rule_2112(i, types, words):
        return True
    if lt == _PUNCT and rt == _PUNCT:
        if SMILE.match(text[tok_start : starts[i]] + right):
            return True
        if left in ENDINGS and right in ENDINGS:
            return True
        if left + right in ("--", "**"):
            return True
    if lt == _OTHER and rt in _WORDISH or lt in _WORDISH and rt == _OTHER:
        return True
    return left.lower() == "yahoo" and right == "!"


def _rule_2112(i: int, types: list[str], words: list[str]) -> bool:
    """razdel's 2-1-1-2 rules: the delimiter atom is the left one (cho-|to) or else the right
    one (cho|-to), and the atoms one further (across spaces too, as razdel's window does)
    decide."""
    left, right = words[i - 1], words[i]
    left2 = i - 2 if i >= 2 else None
    right2 = i + 1 if i + 1 < len(words) else None
    a: int | None
    b: int | None
    for kind in ("dash", "underscore", "float", "fraction"):
        if _is_delim(kind, left):
            a, b = left2, i
        elif _is_delim(kind, right):
            a, b = i - 1, right2
        else:
            continue
        if a is None or b is None:
            continue
        ta, tb = types[a], types[b]
        if kind in ("dash", "underscore"):
            if ta != _PUNCT and tb != _PUNCT:
                return True
        elif ta == _INT and tb == _INT:
            return True
    return False


def _is_delim(kind: str, atom: str) -> bool:
    if kind == "dash":
        return atom in DASHES
    if kind == "underscore":
        return atom == "_"
    if kind == "float":
        return atom in ".,"
    return atom in "/\\"
