"""Words of a text: Cyrillic (with the Kazakh letters), Latin and digits; a hyphenated compound
is one word and also its parts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

KAZAKH_LETTERS = "әғқңөұүһі"
_WORD = r"[^\W_]+"
# A word, or a hyphenated compound of words (both ASCII hyphen and the non-breaking one).
WORD_RE = re.compile(rf"{_WORD}(?:[-\u2011]{_WORD})*")
HYPHENS = re.compile(r"[-\u2011]")


def is_compound(word: str) -> bool:
    return "-" in word or "\u2011" in word


def compound_parts(word: str, start: int = 0) -> list[tuple[int, str, int]]:
    """The parts of a hyphenated compound: (position offset, part, start character), the
    characters counted from ``start``. «Касым-Жомарт» gives (0, Касым, 0), (1, Жомарт, 6)."""
    parts = []
    offset = start
    for i, part in enumerate(HYPHENS.split(word)):
        parts.append((i, part, offset))
        offset += len(part) + 1
    return parts


def positions_taken(word: str) -> int:
    """How many positions a word takes in the index: one per part of a compound."""
    return len(HYPHENS.split(word))


class RussianTokenizer(Tokenizer):
    """Splits text into words; a hyphenated compound is one token at the position of its
    first part, and its parts follow at consecutive positions.

    «Касым-Жомарт Токаев» gives касым-жомарт@0, касым@0, жомарт@1, токаев@2, so both the whole
    compound and each part can be found, and phrases over the parts still line up.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            yield _whole(token, value, positions, chars, start_pos, start_char)
            return
        pos = start_pos
        for match in WORD_RE.finditer(value):
            word = match.group()
            pieces = [(0, word, match.start())]
            if is_compound(word):
                pieces += compound_parts(word, match.start())
            for i, text, start in pieces:
                token.boost = 1.0
                token.stopped = False
                token.text = text
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos + i
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + start + len(text)
                yield token
            pos += pieces[-1][0] + 1


def _whole(token: Token, value: str, positions: bool, chars: bool, start_pos: int,
           start_char: int) -> Token:
    token.original = token.text = value
    token.boost = 1.0
    if positions:
        token.pos = start_pos
    if chars:
        token.startchar = start_char
        token.endchar = start_char + len(value)
    return token
