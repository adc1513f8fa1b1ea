"""The postings of an analysed text field while its segment is built, held as arrays.

Each article's term ids and positions (``indexer.text.term_table``) are kept as they come; when
the builder spills or finishes, they are sorted once (term, then article; positions stay in
text order) into postings, with their values (``PositionDeltas``: LEB128 position deltas)
encoded for all postings at once. No Python work per posting but for the few with more than
one position.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np

from indexer.store.blocks import BlockEncoder, value_encoder
from indexer.store.formats import VARINTS, PositionDeltas
from indexer.store.runs import Record
from indexer.text.term_table import TextTerms

# The shared value objects of one position below 16,384 (``formats.varint`` returns these):
# a block's pickle writes a repeated object once, then refers to it.
_VARINT_OBJECTS = np.array(VARINTS, dtype=object)


class FieldPostings:
    """One text field's occurrences in the articles added since the last spill."""

    def __init__(self) -> None:
        self._ids: list[np.ndarray] = []
        self._positions: list[np.ndarray] = []
        self._chars: list[np.ndarray] = []  # for a format other than ``PositionDeltas``
        self._docs = array("i")
        self._sizes = array("q")

    def add(self, docnum: int, found: TextTerms) -> None:
        if not len(found.ids):
            return
        self._ids.append(found.ids)
        self._positions.append(found.positions)
        if found.chars is not None:
            self._chars.append(found.chars)
        self._docs.append(docnum)
        self._sizes.append(len(found.ids))

    def records(self, name: str, terms: list[str], encoder: BlockEncoder, field
                ) -> Iterator[Record]:
        """The field's postings as run records in term order (see ``runs``): a term with a
        full block or more encoded, a smaller one as its postings' bytes. Values in
        ``field``'s format: ``PositionDeltas``, or (an index built before it, being updated)
        Whoosh's ``Positions``/``Characters``, encoded posting by posting from ``chars``."""
        if not self._ids:
            return
        ids = np.concatenate(self._ids)
        positions = np.concatenate(self._positions)
        docs = np.repeat(np.frombuffer(self._docs, np.int32), np.frombuffer(self._sizes, np.int64))
        chars = np.concatenate(self._chars) if self._chars else None
        self._ids, self._positions, self._chars = [], [], []
        present = np.unique(ids).tolist()
        # Python orders str by code point, as Whoosh orders the UTF-8 bytes of terms.
        present.sort(key=terms.__getitem__)
        rank = np.zeros(len(terms), np.int32)
        rank[present] = np.arange(len(present), dtype=np.int32)
        order = np.argsort(rank[ids], kind="stable")  # keeps article and text order
        ids, docs, positions = ids[order], docs[order], positions[order]
        if chars is not None:
            chars = chars[order]
        del order, rank
        n = len(ids)
        starts_posting = np.ones(n, bool)
        starts_posting[1:] = (ids[1:] != ids[:-1]) | (docs[1:] != docs[:-1])
        first = np.flatnonzero(starts_posting)  # each posting's first occurrence
        bounds = np.append(first, n)
        counts = np.diff(bounds)
        posting_terms = ids[first]
        docs_bytes = docs[first].astype(np.uint32).tobytes()
        del ids, docs
        term_first = np.flatnonzero(np.r_[True, posting_terms[1:] != posting_terms[:-1]])
        term_edges = np.append(term_first, len(first))

        if isinstance(field.format, PositionDeltas):
            values = _delta_values(positions, starts_posting, first, counts)
        else:
            values = _legacy_values(value_encoder(field.format), positions, chars, bounds)
        # Python lists per term, not per posting (a list of a million ints is 36 MB).
        term_bounds = term_edges.tolist()
        occurrence_bounds = bounds[term_edges].tolist()
        del starts_posting, first, bounds, chars
        weights_bytes = (counts * field.format.field_boost).astype(np.float32).tobytes()
        counts_bytes = counts.astype(np.uint32).tobytes()
        positions_bytes = positions.astype(np.uint32).tobytes()
        del positions, counts
        value_list = values.tolist()
        del values
        term_of = posting_terms[term_first].tolist()
        for k, tid in enumerate(term_of):
            lo, hi = term_bounds[k], term_bounds[k + 1]
            olo, ohi = occurrence_bounds[k], occurrence_bounds[k + 1]
            payload = (docs_bytes[4 * lo:4 * hi], weights_bytes[4 * lo:4 * hi],
                       value_list[lo:hi], counts_bytes[4 * lo:4 * hi],
                       positions_bytes[4 * olo:4 * ohi])
            if hi - lo < encoder.blocklimit:
                yield name, terms[tid], None, payload
            else:
                yield name, terms[tid], *encoder.encode_bytes(*payload)


def _delta_values(positions: np.ndarray, starts_posting: np.ndarray, first: np.ndarray,
                  counts: np.ndarray) -> np.ndarray:
    """Each posting's ``PositionDeltas`` value (an object array of bytes)."""
    deltas = positions.astype(np.int64)
    deltas[~starts_posting] -= positions[:-1][~starts_posting[1:]]
    buffer, offsets = varints(deltas)
    bounds = np.append(offsets[first], len(buffer))
    first_pos = positions[first]
    values = _VARINT_OBJECTS[np.minimum(first_pos, len(VARINTS) - 1)]
    own = np.flatnonzero((counts > 1) | (first_pos >= len(VARINTS)))
    raw = buffer.tobytes()
    for i, lo, hi in zip(own.tolist(), bounds[own].tolist(), bounds[own + 1].tolist(),
                         strict=True):
        values[i] = raw[lo:hi]
    return values


def _legacy_values(encode, positions: np.ndarray, chars: np.ndarray | None,
                   bounds: np.ndarray) -> np.ndarray:
    """Each posting's value in an older format, from its (position, start, end) occurrences."""
    if chars is None:
        raise ValueError("a field of an older format needs its occurrences' characters")
    occurrences = list(zip(positions.tolist(), *chars.T.tolist(), strict=True))
    edges = bounds.tolist()
    values = np.empty(len(edges) - 1, dtype=object)
    for i in range(len(edges) - 1):
        values[i] = encode(occurrences[edges[i]:edges[i + 1]])
    return values


def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integers as LEB128 varints one after another (uint8), and where each
    starts."""
    sizes = np.ones(len(values), np.int64)
    for bits in (7, 14, 21, 28, 35):
        sizes += values >= (1 << bits)
    offsets = np.cumsum(sizes) - sizes
    out = np.zeros(int(sizes.sum()), np.uint8)
    for k in range(int(sizes.max(initial=1))):
        at = np.flatnonzero(sizes > k)
        more = (sizes[at] > k + 1).astype(np.int64) << 7
        out[offsets[at] + k] = ((values[at] >> (7 * k)) & 127) | more
    return out, offsets
