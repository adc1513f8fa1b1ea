"""A term's postings over the whole index as numpy arrays, read straight from the segments.

Docnums and weights (term frequency, times the field boost) come from the postings arrays
where a term has them (one ``pread``), else from its posting blocks, decoded a block at a time
with numpy. The values (positions) are read only for the rows asked for:
a snippet needs 10 documents' values, not a frequent term's 100,000.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from indexer.store.blocks import positions_decoder
from indexer.store.posting_arrays import SegmentArrays, TermPositions


class RowValues(Protocol):
    """A term's encoded values by row: a list, or read on demand (``Blocks``, ``Values``)."""

    def __getitem__(self, row: int, /) -> bytes: ...


@dataclass
class Postings:
    """One term's postings over the whole index: sorted global docnums, weights and encoded
    values by row, read when first asked for (``Values``) or all at once."""

    docs: np.ndarray
    weights: np.ndarray
    values: RowValues
    # Each segment's positions by rows (its ``TermPositions`` in the postings arrays, else
    # ``DecodedPositions`` of its values) with the row (before deletions) it starts at, and
    # ``kept`` (row → row before deletions, or None).
    positions: list[tuple[int, TermPositions | DecodedPositions]] = field(default_factory=list)
    kept: np.ndarray | None = None

    @property
    def _starts(self) -> list[int]:
        return [start for start, _ in self.positions]

    @property
    def nbytes(self) -> int:
        """The memory of its arrays (docnums, weights, where each row's positions end)."""
        return (self.docs.nbytes + self.weights.nbytes + 64
                + sum(p.nbytes for _, p in self.positions))

    def index_of(self, docnum: int) -> int:
        """The row of ``docnum`` in this list, or -1."""
        i = int(np.searchsorted(self.docs, docnum))
        return i if i < len(self.docs) and self.docs[i] == docnum else -1

    def positions_of(self, docnum: int) -> list[int]:
        """The term's positions in one document (no character offsets): from the postings
        arrays where its segment has them, else decoded from the values."""
        i = self.index_of(docnum)
        if i < 0:
            return []
        at = int(self.kept[i]) if self.kept is not None else i
        k = bisect_right(self._starts, at) - 1
        start, segment = self.positions[k]
        return segment.row(at - start)

    def positions_in(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every occurrence in the documents of ``mask``: (docnum, position) arrays in docnum,
        position order; only the rows of ``mask`` read."""
        return self._positions_from_arrays(np.flatnonzero(mask[self.docs]))

    def _positions_from_arrays(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(docnum per occurrence, position) of the sorted ``rows``, segment by segment."""
        at = self.kept[rows] if self.kept is not None else rows
        counts: list[np.ndarray] = []
        found: list[np.ndarray] = []
        bounds = [start for start, _ in self.positions[1:]]
        for k, piece in enumerate(np.split(at, np.searchsorted(at, bounds))):
            if len(piece):
                start, segment = self.positions[k]
                c, p = segment.rows(piece - start)
                counts.append(c)
                found.append(p)
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        n = np.concatenate(counts)
        return (np.repeat(self.docs[rows].astype(np.int64), n),
                np.concatenate(found).astype(np.int64))


EMPTY = Postings(np.zeros(0, np.int32), np.zeros(0, np.float32), [])


class Blocks:
    """The values of one term in one segment, read from its posting blocks one block at a time
    when a row is asked for."""

    def __init__(self, make_matcher: Callable[[], W3LeafMatcher], rows: np.ndarray,
                 offsets: np.ndarray) -> None:
        self._make_matcher = make_matcher  # over the calling thread's file handles
        self._local = threading.local()  # a matcher per thread: they seek and read
        self._rows = rows.tolist()
        self._offsets = offsets.tolist()
        self._blocks: dict[int, list[bytes]] = {}

    def __getitem__(self, row: int) -> bytes:
        b = bisect_right(self._rows, row) - 1
        values = self._blocks.get(b)
        if values is None:
            m = getattr(self._local, "matcher", None)
            if m is None:
                m = self._local.matcher = self._make_matcher()
            m._goto(m._baseoffset + self._offsets[b])
            m._read_data()
            values = self._blocks[b] = m._data[2]
        return values[row - self._rows[b]]


class DecodedPositions:
    """One term's positions in a segment without postings arrays for it (a term of fewer than
    128 postings there, e.g. in the small segment an ``index update`` adds), decoded from its
    values by rows: so that its other segments' arrays still serve the rest."""

    nbytes = 0  # the values are held (and counted) by the segment's ``Blocks``

    def __init__(self, values: RowValues, decode: Callable[[bytes], list[int]]) -> None:
        self._values = values
        self._decode = decode

    def row(self, row: int) -> list[int]:
        return self._decode(self._values[row])

    def rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(occurrences per row, the rows' positions one row after another)."""
        found = [self._decode(self._values[r]) for r in rows.tolist()]
        counts = np.fromiter(map(len, found), np.int64, len(found))
        flat = np.fromiter((p for f in found for p in f), np.uint32, int(counts.sum()))
        return counts, flat


class Values:
    """A term's values over all segments by row: parts starting at given rows (lists read at
    once, or ``Blocks``), less the rows of deleted documents (``rows``: kept row → row)."""

    def __init__(self, parts: list[tuple[int, RowValues]], rows: np.ndarray | None):
        self._starts = [start for start, _ in parts]
        self._parts = [part for _, part in parts]
        self._rows = rows

    def __getitem__(self, row: int) -> bytes:
        if self._rows is not None:
            row = int(self._rows[row])
        k = bisect_right(self._starts, row) - 1
        return self._parts[k][row - self._starts[k]]


class _Parts:
    """A term's postings gathered segment by segment."""

    def __init__(self) -> None:
        self.docs: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.values: list[tuple[int, RowValues]] = []
        self.positions: list[tuple[int, TermPositions | DecodedPositions]] = []
        self.rows = 0

    def add(self, docs: np.ndarray, weights: np.ndarray, values: RowValues, n: int
            ) -> None:
        self.docs.append(docs)
        self.weights.append(weights)
        self.values.append((self.rows, values))
        self.rows += n


def read_postings(leaves: list, arrays: list[SegmentArrays | None], alive: np.ndarray,
                  fieldname: str, term: str, leaves_now: Callable[[], list] | None = None
                  ) -> Postings:
    """All live postings of a term in the segments ``leaves`` (with their ``arrays``).
    ``leaves_now``: the segment readers of the thread reading the values later (a cached
    term's values are read by whichever thread needs them), by default ``leaves``."""
    parts = _Parts()
    for k, ((leaf, base), segment_arrays) in enumerate(zip(leaves, arrays, strict=True)):
        tbytes = leaf._text_to_bytes(fieldname, term)
        terms = leaf._terms
        try:  # one term-table lookup (``term in leaf`` and then a matcher are two)
            info = terms.term_info(fieldname, tbytes)
        except TermNotFound:
            continue
        found = (segment_arrays.find(info.extent()[0])
                 if segment_arrays and not info.is_inlined() else None)
        fmt = leaf.schema[fieldname].format
        decode = positions_decoder(fmt)
        key = (fieldname, tbytes)

        def matcher(k=k, info=info, fmt=fmt, key=key) -> W3LeafMatcher:
            terms = (leaves_now() if leaves_now else leaves)[k][0]._terms
            return terms._codec.postings_reader(terms._postfile, info, fmt, term=key)

        if found is not None:
            d, w, block_rows, block_offsets, positions = found
            parts.positions.append((parts.rows, positions))
            parts.add(d.astype(np.int64) + base, w, Blocks(matcher, block_rows, block_offsets),
                      len(d))
        else:
            start = parts.rows
            _add_from_blocks(parts, matcher(), base)
            parts.positions.append((start, DecodedPositions(parts.values[-1][1], decode)))
    if not parts.docs:
        return EMPTY
    d = np.concatenate(parts.docs).astype(np.int32)
    w = np.concatenate(parts.weights).astype(np.float32, copy=False)
    keep = alive[d]
    kept = None
    if not keep.all():
        kept = np.flatnonzero(keep)
        d, w = d[keep], w[keep]
    values: RowValues = (parts.values[0][1] if len(parts.values) == 1 and kept is None
                         else Values(parts.values, kept))
    return Postings(d, w, values, parts.positions, kept)


def _add_from_blocks(parts: _Parts, m, base: int) -> None:
    """A segment's postings of a term without arrays, from its posting blocks."""
    docs: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    values: list[bytes] = []
    if isinstance(m, W3LeafMatcher):
        # Whole blocks at a time, decoded with numpy rather than Whoosh's per-posting
        # generators (the ids are delta-coded; weights all 1, all equal, or listed).
        while m.is_active():
            m._read_data()
            ids, ws, vs = m._data
            ids = np.asarray(ids, np.int64)
            docs.append((ids if m._byteids else np.cumsum(ids)) + base)
            if ws is None or isinstance(ws, float):
                weights.append(np.full(len(ids), ws or 1.0, np.float32))
            else:
                weights.append(np.asarray(ws, np.float32))
            values.extend(vs)
            m._next_block()
    else:  # a term inlined in the term table
        docs.append(np.asarray(list(m._ids), np.int64) + base)
        ws = m._weights if m._weights is not None else [1.0] * len(m._ids)
        weights.append(np.asarray(list(ws), np.float32))
        values.extend(m._values if m._values is not None else [b""] * len(m._ids))
    for d, w in zip(docs, weights, strict=True):
        parts.docs.append(d)
        parts.weights.append(w)
    parts.values.append((parts.rows, values))
    parts.rows += len(values)
