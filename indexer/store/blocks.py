"""Posting blocks: a term's postings as Whoosh's W3 codec writes them, and their values.

A posting's value holds the positions of the term in the document, in the field's format:
``PositionDeltas`` (``indexer.store.formats``), or in an index built before it Whoosh's
``Positions`` (``Characters``, with character offsets, before those were dropped).
``value_encoder`` and ``positions_decoder`` give the functions for a format. ``BlockEncoder``
writes a whole term's blocks at once (what ``W3PostingsWriter`` would write posting by
posting, pickled with protocol 5 where Whoosh uses 2, and with whole-number weights as
integers: Whoosh's reader unpickles any protocol and scores with any number, and the blocks
are half the size).
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable
from itertools import accumulate, chain
from operator import sub
from pickle import dumps, loads

from whoosh.formats import Characters, Format
from whoosh.system import pack_int, pack_uint, unpack_int
from whoosh.util.numeric import length_to_byte

from indexer.store.codec import MIN_COMPRESSED_POSTINGS, MuragatCodec
from indexer.store.formats import PositionDeltas, decode_deltas, encode_deltas, varint

# A term's stats: (sum of weights, postings, min length or None, max length, max weight, first
# docnum, last docnum).
Stats = tuple[float, int, int | None, int, float, int, int]
# An encoded term: its stats and (its posting blocks, the offset of the last block's length in
# them, then as bytes its docnums (uint32), weights (float32), where each block starts: the
# row of its first posting (uint32) and its offset in the blocks (uint64), and the number of
# occurrences per posting and their positions (uint32)).
Piece = tuple[Stats, tuple[bytes, int, bytes, bytes, bytes, bytes, bytes, bytes]]

# Postings per block (Whoosh's W3 default).
BLOCK_LIMIT = 128
_ONE = pack_uint(1)
# The pickle protocol of the blocks (Whoosh writes 2: bytes as ``_codecs.encode`` calls).
PROTOCOL = 5
# A one-block term's block rows and offsets (see ``Piece``).
_FIRST_ROW = array("I", [0]).tobytes()
_FIRST_OFFSET = array("Q", [0]).tobytes()

Occurrence = tuple[int, int, int]  # position, first character, character after the last


def value_encoder(fmt: Format) -> Callable[[list[Occurrence]], bytes]:
    """The function making a posting value of ``fmt`` from a document's occurrences."""
    if isinstance(fmt, PositionDeltas):
        return encode_delta_positions
    if isinstance(fmt, Characters):
        return encode_characters
    return encode_positions


def positions_decoder(fmt: Format) -> Callable[[bytes], list[int]]:
    """The function reading the positions back from a posting value of ``fmt``."""
    return decode_deltas if isinstance(fmt, PositionDeltas) else decode_positions


def encode_delta_positions(occurrences: list[Occurrence]) -> bytes:
    """A ``PositionDeltas`` value from (position, startchar, endchar) occurrences."""
    if len(occurrences) == 1:  # most postings
        return varint(occurrences[0][0])
    return encode_deltas([o[0] for o in occurrences])


def encode_characters(occurrences: list[Occurrence]) -> bytes:
    """A posting value in Whoosh's ``Characters`` format (same bytes as its ``encode``)."""
    if len(occurrences) == 1:  # most terms occur once in a document
        pos, start, end = occurrences[0]
        return _ONE + dumps([(pos, start, end - start)], 2)
    deltas = []
    posbase = charbase = 0
    for pos, start, end in occurrences:
        deltas.append((pos - posbase, start - charbase, end - start))
        posbase = pos
        charbase = end
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def encode_positions(occurrences: list[Occurrence]) -> bytes:
    """A posting value in Whoosh's ``Positions`` format (the bytes its ``encode`` gives: the
    count, then the pickled list of position deltas) from (position, startchar, endchar)
    occurrences. The pickle is put together from a table of pickled integers: a call of
    ``pickle.dumps`` per posting was a tenth of the build."""
    if len(occurrences) == 1:  # most terms occur once in a document
        return _ONE_HEAD + _pickled_int(occurrences[0][0]) + b"a."
    deltas = []
    base = 0
    for pos, _, _ in occurrences:
        deltas.append(pos - base)
        base = pos
    return pack_uint(len(deltas)) + pickled_ints(deltas)


# Protocol 2 pickles: PROTO 2, EMPTY_LIST, BINPUT 0; then the items in batches of 1,000 (MARK,
# items, APPENDS; a list of one: the item, APPEND); STOP. Non-negative integers below 256 are
# BININT1, below 65,536 BININT2, else BININT (4 bytes, signed).
_HEAD = b"\x80\x02]q\x00"
_ONE_HEAD = _ONE + _HEAD
_INTS = [b"K" + bytes([i]) for i in range(256)] + [b"M" + i.to_bytes(2, "little")
                                                    for i in range(256, 65536)]


def _pickled_int(n: int) -> bytes:
    return _INTS[n] if n < 65536 else b"J" + n.to_bytes(4, "little", signed=True)


def pickled_ints(values: list[int]) -> bytes:
    """``pickle.dumps(values, 2)`` for a list of non-negative integers below 2**31."""
    if len(values) == 1:
        return _HEAD + _pickled_int(values[0]) + b"a."
    out = [_HEAD]
    for lo in range(0, len(values), 1000):
        out.append(b"(")
        out += [_INTS[n] if n < 65536 else _pickled_int(n) for n in values[lo:lo + 1000]]
        out.append(b"e")
    out.append(b".")
    return b"".join(out)


def decode_positions(value: bytes) -> list[int]:
    """The positions of a Positions value, or of a Characters value (an index built before
    character offsets were dropped)."""
    if not value.endswith(b"."):
        value += b"."
    codes = loads(value[4:])
    if codes and isinstance(codes[0], tuple):
        return list(accumulate(c[0] for c in codes))
    return list(accumulate(codes))


class TermPostings:
    """One term's postings in a segment being built, in document order."""

    __slots__ = ("docs", "weights", "values", "counts", "positions")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []
        # Occurrences per posting and their positions, for the postings arrays.
        self.counts = array("I")
        self.positions = array("I")

    @staticmethod
    def of(docs: bytes, weights: bytes, values: list[bytes], counts: bytes, positions: bytes
           ) -> TermPostings:
        p = TermPostings.__new__(TermPostings)
        p.docs, p.weights, p.values = array("I", docs), array("f", weights), values
        p.counts, p.positions = array("I", counts), array("I", positions)
        return p


class BlockEncoder:
    """Encodes one term's postings into W3 posting blocks, the bytes ``W3PostingsWriter`` would
    write posting by posting, computed a term at a time (most terms have one short block)."""

    def __init__(self, field, lengths: array | None, name: str = "") -> None:
        self.name = name
        self.blocklimit = BLOCK_LIMIT
        self.level = MuragatCodec()._compression
        self.lengths = lengths
        self.value_size = field.format.fixed_value_size()

    def encode_bytes(self, docs: bytes, weights: bytes, values: list[bytes], counts: bytes,
                     positions: bytes) -> Piece:
        """``encode`` for postings given as bytes (as a run holds them); a term of one block
        (nearly every term) without building its arrays twice or a block list."""
        ids = array("I", docs)
        total = len(ids)
        if total > self.blocklimit:
            return self.encode(TermPostings.of(docs, weights, values, counts, positions))
        ws = array("f", weights)
        parts: list[bytes] = []
        minlength, maxlength, maxweight = self._block(parts, ids, ws, values, last=True)
        stats = (sum(ws), total, minlength, maxlength, maxweight, ids[0], ids[-1])
        return stats, (b"".join(parts), 0, docs, weights, _FIRST_ROW, _FIRST_OFFSET, counts,
                       positions)

    def encode(self, postings: TermPostings) -> Piece:
        """The term's postings encoded (see ``Piece``)."""
        docs, weights, values = postings.docs, postings.weights, postings.values
        total = len(docs)
        parts: list[bytes] = []
        minlength = None
        maxlength = 0
        maxweight = 0.0
        last_at = offset = 0
        rows, offsets = array("I"), array("Q")
        for lo in range(0, total, self.blocklimit):
            hi = min(lo + self.blocklimit, total)
            last_at = offset
            rows.append(lo)
            offsets.append(offset)
            block_min, block_max, block_weight = self._block(
                parts, docs[lo:hi], weights[lo:hi], values[lo:hi], last=hi == total
            )
            offset += len(parts[-3]) + len(parts[-2]) + len(parts[-1])
            if block_min is not None and (minlength is None or block_min < minlength):
                minlength = block_min
            maxlength = max(maxlength, block_max)
            maxweight = max(maxweight, block_weight)
        stats = (sum(weights), total, minlength, maxlength, maxweight, docs[0], docs[-1])
        return stats, (b"".join(parts), last_at, docs.tobytes(), weights.tobytes(),
                       rows.tobytes(), offsets.tobytes(), postings.counts.tobytes(),
                       postings.positions.tobytes())

    def _block(
        self, parts: list[bytes], ids: array, weights: array, values: list[bytes], last: bool
    ) -> tuple[int | None, int, float]:
        """Append one block's bytes to ``parts``; its min and max length and max weight."""
        minlength = None
        maxlength = 0
        if self.lengths is not None:
            known = [n for n in map(self.lengths.__getitem__, ids) if n]
            if known:
                minlength, maxlength = min(known), max(known)
        maxweight = max(weights)
        data = dumps((_deltas(ids), _mini_weights(weights), self._mini_values(values)),
                     PROTOCOL)
        comp = self.level if len(ids) >= MIN_COMPRESSED_POSTINGS else 0
        if comp:
            data = zlib.compress(data, comp)
        info = dumps(
            (len(ids), ids[-1], maxweight, comp, length_to_byte(minlength),
             length_to_byte(maxlength)),
            2,
        )
        size = len(info) + len(data)
        parts += (pack_int(-size if last else size), info, data)
        return minlength, maxlength, maxweight

    def _mini_values(self, values: list[bytes]) -> tuple[bytes, ...] | bytes | None:
        """As ``W3PostingsWriter._mini_values``: fixed-size values joined, empty ones left out."""
        if self.value_size is None or self.value_size < 0:
            return tuple(values)
        return b"".join(values) if self.value_size else None


def _mini_weights(weights: array) -> tuple[float, ...] | float | None:
    """As W3: no weights when all are 1, one when all are equal, else each (whole numbers as
    integers: 2 bytes pickled instead of 9)."""
    if len(weights) == 1:
        return None if weights[0] == 1.0 else weights[0]
    top, bottom = max(weights), min(weights)
    if top == 1.0 and bottom == 1.0:
        return None
    if bottom == top:
        return weights[0]
    if top < 65536:  # counts times a whole boost: every weight a whole number
        whole = list(map(int, weights))
        if whole == weights.tolist():
            return tuple(whole)
    return tuple(int(w) if w.is_integer() and w < 65536 else w for w in weights)


def _deltas(ids: array) -> tuple[int, ...]:
    return tuple(map(sub, ids, chain((0,), ids)))


def join(pieces: list[Piece]) -> Piece:
    """One term's encoded pieces (in docnum order) as one: their blocks, each delta-coded from
    zero, joined as they are, the «last block» mark cleared in every piece but the final one."""
    parts: list[bytes] = []
    docs, weights, rows, offsets = (array("I"), array("f"), array("I"), array("Q"))
    counts, positions = array("I"), array("I")
    row = size = 0
    for i, (stats, (data, last_at, d, w, r, o, c, pos)) in enumerate(pieces):
        if i < len(pieces) - 1:
            block = bytearray(data)
            block[last_at:last_at + 4] = pack_int(-unpack_int(data[last_at:last_at + 4])[0])
            data = bytes(block)
        parts.append(data)
        docs.frombytes(d)
        weights.frombytes(w)
        counts.frombytes(c)
        positions.frombytes(pos)
        rows.extend(n + row for n in array("I", r))
        offsets.extend(n + size for n in array("Q", o))
        row += stats[1]
        size += len(data)
    all_stats = [p[0] for p in pieces]
    lengths = [s[2] for s in all_stats if s[2] is not None]
    joined = (
        sum(s[0] for s in all_stats), sum(s[1] for s in all_stats),
        min(lengths) if lengths else None, max(s[3] for s in all_stats),
        max(s[4] for s in all_stats), all_stats[0][5], all_stats[-1][6],
    )
    return joined, (b"".join(parts), 0, docs.tobytes(), weights.tobytes(), rows.tobytes(),
                    offsets.tobytes(), counts.tobytes(), positions.tobytes())
