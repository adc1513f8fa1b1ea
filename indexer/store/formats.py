"""The posting format of the text fields: Whoosh's ``Positions``, with a value of a few bytes.

Whoosh's ``Positions`` encodes a posting's positions as a count and a pickled list of deltas
(13 bytes for one position), which the W3 block pickles once more: about a third of an index.
``PositionDeltas`` keeps the same information, the deltas as variable-length integers
(LEB128, 7 bits a byte): one byte for most postings. Whoosh reads it through the format object
pickled with the schema, like any of its own formats (the schema's analyser is ours too), and
its own writer writes it: values stay bytes.
"""

from __future__ import annotations

from whoosh.formats import Positions

# The varints of 0 … 16,383 (one or two bytes): nearly every delta within an article.
VARINTS = [bytes([n]) for n in range(128)] + [bytes([n & 127 | 128, n >> 7])
                                              for n in range(128, 16384)]


def varint(n: int) -> bytes:
    """One LEB128 varint."""
    if n < 16384:
        return VARINTS[n]
    out = bytearray()
    while n >= 128:
        out.append(n & 127 | 128)
        n >>= 7
    out.append(n)
    return bytes(out)


def encode_deltas(positions: list[int]) -> bytes:
    """Sorted positions as LEB128 deltas."""
    if len(positions) == 1:
        return varint(positions[0])
    out = []
    base = 0
    for pos in positions:
        out.append(varint(pos - base))
        base = pos
    return b"".join(out)


def decode_deltas(value: bytes) -> list[int]:
    """The positions of an ``encode_deltas`` value."""
    if len(value) == 1:  # one position below 128: most postings
        return [value[0]]
    positions = []
    pos = n = shift = 0
    for byte in value:
        n |= (byte & 127) << shift
        if byte & 128:
            shift += 7
            continue
        pos += n
        positions.append(pos)
        n = shift = 0
    return positions


class PositionDeltas(Positions):
    """``Positions`` with each value the LEB128 deltas of its positions (see the module)."""

    def encode(self, poslist: list[int]) -> bytes:
        return encode_deltas(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_deltas(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        # One byte without the continuation bit ends each delta.
        return len(valuestring) - sum(b >> 7 for b in valuestring)

    def combine(self, vs: list[bytes]) -> bytes:
        found: set[int] = set()
        for v in vs:
            found.update(decode_deltas(v))
        return encode_deltas(sorted(found))
