"""The query language, parsed into a small tree that the search engine evaluates.

Syntax: words (all required, any inflected form), ``OR`` / ``|``, ``NOT`` / ``-word``,
parentheses, ``"phrase"`` and ``"phrase"~N``, ``!word`` / ``!"phrase"`` (exact form), and the
field prefixes ``title:``, ``person:``, ``org:``, ``loc:``, ``source:``. A query that does not
parse falls back to its plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis import _HYPHENS, WORD_RE

# Prefixes the user types → fields of the index; "text" means title and body.
FIELD_PREFIXES = {
    "title": "title",
    "заголовок": "title",
    "person": "persons",
    "org": "organisations",
    "loc": "locations",
    "source": "source",
}
ENTITY_PREFIXES = {"persons", "organisations", "locations", "source"}
MAX_SLOP = 100

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lpar>\()
  | (?P<rpar>\))
  | (?P<phrase>(?P<pbang>!)?"(?P<ptext>[^"]*)"(?:~(?P<slop>\d+))?)
  | (?P<quote>")
  | (?P<minus>-)(?=[^\s\-])
  | (?P<field>(?:"""
    + "|".join(FIELD_PREFIXES)
    + r"""):)(?=[^\s)])
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


class ParseError(ValueError):
    """The query does not follow the syntax; the caller falls back to plain words."""


@dataclass
class Text:
    """Words to find in the title and body (or the title only): one word, or a phrase whose
    ``offsets`` are each word's position relative to the first (compounds take one position
    per part)."""

    words: list[str]
    offsets: list[int]
    field: str | None = None  # None: title and body; "title": the title only
    exact: bool = False
    phrase: bool = False
    slop: int = 0


@dataclass
class Value:
    """A facet value: ``person:``, ``org:``, ``loc:``, ``source:``."""

    field: str
    value: str


@dataclass
class And:
    items: list = field(default_factory=list)


@dataclass
class Or:
    items: list = field(default_factory=list)


@dataclass
class Not:
    item: object


Node = Text | Value | And | Or | Not


def normalise(word: str) -> str:
    return word.lower().replace("ё", "е")


def words_of(text: str) -> tuple[list[str], list[int]]:
    """The words of a piece of query text, with their position offsets in the index."""
    words: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in WORD_RE.finditer(text):
        word = normalise(match.group())
        words.append(word)
        offsets.append(pos)
        pos += len(_HYPHENS.split(word))
    return words, offsets


def parse(query: str) -> Node | None:
    """The query tree (None for an empty query). Never raises: on a syntax error the query's
    plain words are ANDed."""
    try:
        return _Parser(query).parse()
    except ParseError:
        return plain(query)


def plain(query: str) -> Node | None:
    words, _ = words_of(re.sub(r"\b(?:OR|AND|NOT)\b", " ", query))
    items = [Text([w], [0]) for w in words]
    return _simplify(And(items)) if items else None


def _simplify(node: Node) -> Node | None:
    if isinstance(node, And | Or):
        items = [n for n in (_simplify(i) for i in node.items) if n is not None]
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        return type(node)(items)
    return node


class _Parser:
    def __init__(self, query: str):
        self.tokens = self._lex(query)
        self.i = 0

    @staticmethod
    def _lex(query: str) -> list[tuple[str, re.Match]]:
        tokens = []
        for m in _TOKEN.finditer(query):
            kind = m.lastgroup
            if kind == "space":
                continue
            if kind in ("pbang", "ptext", "slop"):
                kind = "phrase"
            if kind == "quote":
                raise ParseError("unbalanced quote")
            tokens.append((kind, m))
        return tokens

    def peek(self) -> tuple[str, str] | None:
        if self.i >= len(self.tokens):
            return None
        kind, m = self.tokens[self.i]
        return kind, m.group()

    def parse(self) -> Node | None:
        node = self.parse_or()
        if self.i < len(self.tokens):
            raise ParseError("unexpected " + self.tokens[self.i][1].group())
        return _simplify(node) if node is not None else None

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while (tok := self.peek()) and tok[0] == "word" and tok[1] in ("OR", "|"):
            self.i += 1
            items.append(self.parse_and())
        if any(i is None for i in items):
            raise ParseError("OR without an operand")
        return items[0] if len(items) == 1 else Or(items)

    def parse_and(self) -> Node | None:
        items = []
        while (tok := self.peek()) and tok[0] != "rpar" and tok[1] not in ("OR", "|"):
            if tok == ("word", "AND"):
                self.i += 1
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)

    def parse_unary(self) -> Node | None:
        kind, text = self.peek()
        if kind == "word" and text == "NOT":
            self.i += 1
            if self.peek() is None:
                raise ParseError("NOT without an operand")
            item = self.parse_unary()
            return Not(item) if item is not None else None
        if kind == "minus":
            self.i += 1
            if self.peek() is None:
                return None
            item = self.parse_unary()
            return Not(item) if item is not None else None
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        kind, m = self.tokens[self.i]
        self.i += 1
        if kind == "lpar":
            node = self.parse_or()
            if self.peek() is None or self.peek()[0] != "rpar":
                raise ParseError("unbalanced parenthesis")
            self.i += 1
            return node
        if kind == "rpar":
            raise ParseError("unbalanced parenthesis")
        if kind == "field":
            fieldname = FIELD_PREFIXES[m.group()[:-1].lower()]
            if self.peek() is None or self.peek()[0] not in ("word", "phrase"):
                raise ParseError("a field prefix without a value")
            k2, m2 = self.tokens[self.i]
            self.i += 1
            if fieldname in ENTITY_PREFIXES:
                raw = m2.group("ptext") if k2 == "phrase" else m2.group()
                return Value(fieldname, raw.strip()) if raw.strip() else None
            return self._text(k2, m2, fieldname)
        return self._text(kind, m, None)

    def _text(self, kind: str, m: re.Match, fieldname: str | None) -> Node | None:
        if kind == "phrase":
            words, offsets = words_of(m.group("ptext"))
            if not words:
                return None
            slop = min(int(m.group("slop") or 0), MAX_SLOP)
            return Text(words, offsets, fieldname, exact=bool(m.group("pbang")),
                        phrase=len(words) > 1, slop=slop)
        raw = m.group()
        exact = raw.startswith("!")
        words, _ = words_of(raw)
        items = [Text([w], [0], fieldname, exact=exact) for w in words]
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)
