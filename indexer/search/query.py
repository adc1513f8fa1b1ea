"""The query language, parsed into a small tree that the search engine evaluates.

Syntax: words (all required, any inflected form), ``OR`` / ``ИЛИ`` / ``|`` (and a lower-case
``or`` between two operands), ``AND`` / ``И``, ``NOT`` / ``НЕ`` / ``-word`` (the Russian operators
in upper case only: «и», «не» stay words), parentheses, ``"phrase"`` and ``"phrase"~N``,
``!word`` / ``!"phrase"`` (exact form), ``word*`` (every indexed word starting so, expanded by
``rewrite``), and the field prefixes ``title:``, ``person:``, ``org:``, ``loc:``, ``source:``. A
query that does not parse falls back to its plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.catalog import FACET_KINDS
from indexer.text.normalise import normalise
from indexer.text.tokens import WORD_RE, positions_taken

# Prefixes the user types → fields of the index (no prefix: title and body).
FIELD_PREFIXES = {"title": "title", "заголовок": "title"} | {
    prefix: kind.field for kind in FACET_KINDS for prefix in kind.prefixes}
VALUE_FIELDS = {kind.field for kind in FACET_KINDS}
# Bounds on the work one query may ask for: the excess is ignored, and said in ``warnings``.
MAX_SLOP = 100  # "…"~N
MAX_TERMS = 32  # words and field values in the whole query
MAX_PHRASE = 12  # words in one phrase
MAX_DEPTH = 8  # nested parentheses; deeper pairs are dropped
MIN_PREFIX = 3  # letters before ``*``; a shorter prefix is searched as a word

OR_WORDS = ("OR", "ИЛИ", "|")
AND_WORDS = ("AND", "И")
NOT_WORDS = ("NOT", "НЕ")
OPERATORS = (*OR_WORDS, *AND_WORDS, *NOT_WORDS)
LOOSE_OR = "or"  # an OR only between two operands; elsewhere a word
_OPERATOR_WORDS = re.compile(r"(?<!\w)(?:OR|ИЛИ|AND|И|NOT|НЕ|or)(?!\w)")

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
    quoted: bool = False  # typed in quotes (a phrase, or one word kept as typed)


@dataclass
class Prefix:
    """``word*``: every indexed word that starts with ``prefix`` (expanded before evaluation)."""

    prefix: str
    field: str | None = None


@dataclass
class Value:
    """A facet value: ``person:``, ``org:``, ``loc:``, ``source:``."""

    field: str
    value: str


@dataclass
class And:
    items: list[Node] = field(default_factory=list)


@dataclass
class Or:
    items: list[Node] = field(default_factory=list)


@dataclass
class Not:
    item: Node


Node = Text | Prefix | Value | And | Or | Not


def words_of(text: str) -> tuple[list[str], list[int]]:
    """The words of a piece of query text, with their position offsets in the index."""
    words: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in WORD_RE.finditer(text):
        word = normalise(match.group())
        words.append(word)
        offsets.append(pos)
        pos += positions_taken(word)
    return words, offsets


def parse(query: str) -> Node | None:
    """The query tree (None for an empty query). Never raises: on a syntax error the query's
    plain words are ANDed."""
    return parse_bounded(query)[0]


def parse_bounded(query: str) -> tuple[Node | None, list[str]]:
    """The query tree and what was left out of it to keep it within the bounds above."""
    try:
        parser = _Parser(query)
        return parser.parse(), parser.warnings
    except (ParseError, RecursionError):
        warnings: list[str] = []
        return plain(query, warnings), warnings


def plain(query: str, warnings: list[str] | None = None) -> Node | None:
    words, _ = words_of(_OPERATOR_WORDS.sub(" ", query))
    if len(words) > MAX_TERMS and warnings is not None:
        warnings.append(_too_many())
    items: list[Node] = [Text([w], [0]) for w in words[:MAX_TERMS]]
    return _simplify(And(items)) if items else None


def _too_many() -> str:
    return f"only the first {MAX_TERMS} words of the query are searched"


def _simplify(node: Node) -> Node | None:
    if isinstance(node, And | Or):
        items = [n for n in (_simplify(i) for i in node.items) if n is not None]
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        return type(node)(items)
    return node


Tokens = list[tuple[str, re.Match]]


def _lex(query: str) -> Tokens:
    tokens = []
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or ""
        if kind == "space":
            continue
        if kind in ("pbang", "ptext", "slop"):
            kind = "phrase"
        if kind == "quote":
            raise ParseError("unbalanced quote")
        tokens.append((kind, m))
    return tokens


def _flatten(tokens: Tokens) -> tuple[Tokens, bool]:
    """The tokens without the pairs of parentheses nested deeper than MAX_DEPTH, and whether
    there were any."""
    out = []
    depth = 0
    deep = False
    for kind, m in tokens:
        if kind == "lpar":
            depth += 1
        if kind in ("lpar", "rpar") and depth > MAX_DEPTH:
            deep = True
        else:
            out.append((kind, m))
        if kind == "rpar":
            depth -= 1
    return out, deep


def _is_or(tokens: Tokens, i: int) -> bool:
    """Whether ``tokens[i]`` is an OR: ``OR``, ``ИЛИ``, ``|``, or a lower-case ``or`` with an
    operand on either side (not first, not last, not next to a bracket)."""
    if i >= len(tokens) or tokens[i][0] != "word":
        return False
    text = tokens[i][1].group()
    if text in OR_WORDS:
        return True
    if text != LOOSE_OR or i == 0 or i + 1 >= len(tokens):
        return False
    return tokens[i - 1][0] not in ("lpar", "minus", "field") and tokens[i + 1][0] != "rpar"


class _Parser:
    def __init__(self, query: str):
        self.warnings: list[str] = []
        self.tokens, deep = _flatten(_lex(query))
        if deep:
            self.warn(f"parentheses nested deeper than {MAX_DEPTH} are ignored")
        self.i = 0
        self.terms = 0  # words and values taken so far

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def take(self, count: int) -> int:
        """How many of ``count`` more words fit within MAX_TERMS (and takes them)."""
        fit = max(0, min(count, MAX_TERMS - self.terms))
        self.terms += fit
        if fit < count:
            self.warn(_too_many())
        return fit

    def kind(self) -> str | None:
        """The kind of the next token, None at the end."""
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def peek(self) -> tuple[str, str] | None:
        if self.i >= len(self.tokens):
            return None
        kind, m = self.tokens[self.i]
        return kind, m.group()

    def at_or(self) -> bool:
        return _is_or(self.tokens, self.i)

    def parse(self) -> Node | None:
        node = self.parse_or()
        if self.i < len(self.tokens):
            raise ParseError("unexpected " + self.tokens[self.i][1].group())
        return _simplify(node) if node is not None else None

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while self.at_or():
            self.i += 1
            items.append(self.parse_and())
        operands = [i for i in items if i is not None]
        if len(operands) < len(items):
            if self.terms < MAX_TERMS:
                raise ParseError("OR without an operand")
            if not operands:  # operands past MAX_TERMS
                return None
        return operands[0] if len(operands) == 1 else Or(operands)

    def parse_and(self) -> Node | None:
        items = []
        while (tok := self.peek()) and tok[0] != "rpar" and not self.at_or():
            if tok[0] == "word" and tok[1] in AND_WORDS:
                self.i += 1
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)

    def parse_unary(self) -> Node | None:
        kind, m = self.tokens[self.i]
        text = m.group()
        if kind == "word" and text in NOT_WORDS:
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
            if self.kind() != "rpar":
                raise ParseError("unbalanced parenthesis")
            self.i += 1
            return node
        if kind == "rpar":
            raise ParseError("unbalanced parenthesis")
        if kind == "field":
            fieldname = FIELD_PREFIXES[m.group()[:-1].lower()]
            if self.kind() not in ("word", "phrase"):
                raise ParseError("a field prefix without a value")
            k2, m2 = self.tokens[self.i]
            self.i += 1
            if fieldname in VALUE_FIELDS:
                raw = m2.group("ptext") if k2 == "phrase" else m2.group()
                return Value(fieldname, raw.strip()) if raw.strip() and self.take(1) else None
            return self._text(k2, m2, fieldname)
        return self._text(kind, m, None)

    def _text(self, kind: str, m: re.Match, fieldname: str | None) -> Node | None:
        if kind == "phrase":
            words, offsets = words_of(m.group("ptext"))
            if len(words) > MAX_PHRASE:
                self.warn(f"only the first {MAX_PHRASE} words of a phrase are searched")
            keep = self.take(min(len(words), MAX_PHRASE))
            words, offsets = words[:keep], offsets[:keep]
            if not words:
                return None
            slop = int(m.group("slop") or 0)
            if slop > MAX_SLOP:
                self.warn(f"a phrase's ~N is at most {MAX_SLOP}")
                slop = MAX_SLOP
            return Text(words, offsets, fieldname, exact=bool(m.group("pbang")),
                        phrase=len(words) > 1, slop=slop, quoted=True)
        raw = m.group()
        exact = raw.startswith("!")
        if raw.endswith("*"):
            prefix = self._prefix(raw.lstrip("!").rstrip("*"), fieldname)
            if prefix is not None:
                return prefix
        words, _ = words_of(raw)
        items: list[Node] = [Text([w], [0], fieldname, exact=exact)
                             for w in words[:self.take(len(words))]]
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)

    def _prefix(self, text: str, fieldname: str | None) -> Prefix | None:
        """``text*`` as a Prefix, or None to search it as a word (too short, or not one word)."""
        words, _ = words_of(text)
        if len(words) != 1 or WORD_RE.fullmatch(text) is None:
            return None
        if len(words[0]) < MIN_PREFIX:
            self.warn(f"«{text}*»: a prefix needs at least {MIN_PREFIX} letters; "
                      "searched as a word")
            return None
        return Prefix(words[0], fieldname) if self.take(1) else None


def plain_tokens(query: str) -> list[tuple[int, int]]:
    """The spans of the query's plain words: not quoted, not ``!exact``, not ``prefix*``, not
    after a field prefix, ``-`` or ``NOT``, not an operator. What corrections may rewrite; a
    query that does not parse is all plain words, as ``parse`` reads it then."""
    try:
        tokens = _lex(query)
    except ParseError:
        return [m.span() for m in re.finditer(r"[^\s()\"]+", query)
                if not _OPERATOR_WORDS.fullmatch(m.group())]
    spans = []
    for i, (kind, m) in enumerate(tokens):
        before = tokens[i - 1] if i else None
        text = m.group()
        if (kind != "word" or text in OPERATORS or text == LOOSE_OR
                or text.startswith("!") or text.endswith("*")):
            continue
        if before is not None and (before[0] in ("field", "minus")
                                   or before[1].group() in NOT_WORDS):
            continue
        spans.append(m.span())
    return spans
