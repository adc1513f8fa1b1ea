"""A segment's frequent terms as plain arrays beside its Whoosh files, written and read here.

For each term of ``ARRAY_POSTINGS`` postings or more: where each of its posting blocks starts,
its docnums and its occurrences per posting (read with one ``pread`` to match and score,
instead of decoding every block of a frequent term), then the positions (read when a phrase or
a proximity window is checked, only for the rows asked for). Each array is as narrow as the
term's values allow (docnums and positions 2 or 4 bytes, counts 1, 2 or 4); the weights are
the counts times the field's boost, which the row records (weights that are not are stored).

``<segid>.parr`` holds the arrays; ``<segid>.pidx`` one row per term, ordered as the terms'
postings in the segment: (postings offset, array offset, postings, blocks, positions, layout)
as int64. Version 2 (every array 4 bytes wide, weights stored, rows of 5) is still read. A
segment without them (written by Whoosh's own writer) is read through its posting blocks.
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.store.blocks import Piece

# Terms with at least this many postings in a segment also go into its postings arrays.
ARRAY_POSTINGS = 128
DATA, INDEX = ".parr", ".pidx"
# The index file starts with this int64: a reader that does not know it ignores the arrays.
MAGIC = 0x4D55524152520003  # "MURARR", version 3: (…, positions, layout) rows of 6
COLUMNS = 6
MAGIC_V2 = 0x4D55524152520002  # version 2: rows of 5, every array 4 bytes wide
COLUMNS_V2 = 5
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32}

# Byte gaps up to this are read through rather than split into two ``pread``s.
READ_THROUGH = 4096


class TermPositions:
    """One term's positions in one segment, read by rows: where each row's positions end comes
    with the term's other arrays; the positions of the rows asked for are read with a few
    ``pread``s (neighbouring rows together), never the whole list: a frequent word's positions
    are megabytes, of which a query needs its candidates' few hundred."""

    __slots__ = ("_arrays", "_start", "_width", "ends")

    def __init__(self, arrays: SegmentArrays, start: int, counts: np.ndarray, width: int = 4
                 ) -> None:
        self._arrays = arrays
        self._start = start  # where the positions start in the file
        self._width = width  # bytes per position
        ends = np.cumsum(counts, dtype=np.int64)
        self.ends = ends.astype(np.uint32) if not len(ends) or ends[-1] < 2**32 else ends

    @property
    def nbytes(self) -> int:
        return self.ends.nbytes

    def row(self, row: int) -> list[int]:
        """The positions of one row."""
        lo = int(self.ends[row - 1]) if row else 0
        hi = int(self.ends[row])
        w = self._width
        return np.frombuffer(self._arrays.read(self._start + w * lo, w * (hi - lo)),
                             _UINT[w]).tolist()

    def rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(occurrences per row, the rows' positions one row after another) of sorted rows."""
        if not len(rows):
            return np.zeros(0, np.int64), np.zeros(0, np.uint32)
        hi = self.ends[rows].astype(np.int64)
        lo = np.where(rows > 0, self.ends[np.maximum(rows - 1, 0)], 0).astype(np.int64)
        counts = hi - lo
        w = self._width
        lo, hi = lo * w + self._start, hi * w + self._start
        # Runs of rows whose bytes lie close together, each read at once.
        cut = np.flatnonzero(lo[1:] - hi[:-1] > READ_THROUGH) + 1
        firsts = np.concatenate(([0], cut)).tolist()
        lasts = (np.concatenate((cut, [len(rows)])) - 1).tolist()
        parts = []
        for a, b in zip(firsts, lasts, strict=True):
            run_lo = int(lo[a])
            buf = np.frombuffer(self._arrays.read(run_lo, int(hi[b]) - run_lo), _UINT[w])
            n = counts[a:b + 1]
            if len(buf) == int(n.sum()):
                parts.append(buf)  # the rows are neighbours
            else:
                offsets = (lo[a:b + 1] - run_lo) // w
                within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
                parts.append(buf[np.repeat(offsets, n) + within])
        return counts, np.concatenate(parts).astype(np.uint32, copy=False)


# What ``SegmentArrays.find`` gives: docnums, weights, block rows, block offsets, and the
# term's positions by rows.
Found = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, TermPositions]


def _width(largest: int, narrowest: int) -> int:
    """The fewest bytes (of 1, 2, 4; at least ``narrowest``) an unsigned value fits in."""
    for w in (1, 2, 4):
        if w >= narrowest and largest < 1 << (8 * w):
            return w
    raise ValueError(f"{largest} does not fit in 4 bytes")


@dataclass(frozen=True)
class Layout:
    """How one term's arrays are stored: bytes per docnum, count and position; whether the
    weights are the counts times ``boost`` (else they are stored, as float32)."""

    docs: int
    counts: int
    positions: int
    derived: bool
    boost: float

    def pack(self) -> int:
        boost_bits = int(np.float32(self.boost).view(np.uint32))
        return (self.docs | self.counts << 4 | self.positions << 8 | self.derived << 12
                | boost_bits << 32)

    @staticmethod
    def unpack(n: int) -> Layout:
        boost = float(np.uint32(n >> 32 & 0xFFFFFFFF).view(np.float32))
        return Layout(n & 15, n >> 4 & 15, n >> 8 & 15, bool(n >> 12 & 1), boost)


class PostingArrays:
    """Writes a segment's postings arrays, a term at a time, in the order of its postings."""

    def __init__(self, folder: str, segid: str) -> None:
        self._data = open(os.path.join(folder, segid + DATA), "wb")
        self._index_path = os.path.join(folder, segid + INDEX)
        self._rows = array("q", [MAGIC])

    def add(self, postings_offset: int, piece: Piece, boost: float) -> None:
        """Add a term's arrays (``boost``: its field's, which makes its weights)."""
        stats, (_, _, docs, weights, rows, offsets, counts, positions) = piece
        if stats[1] < ARRAY_POSTINGS:
            return
        d = np.frombuffer(docs, np.uint32)
        c = np.frombuffer(counts, np.uint32)
        p = np.frombuffer(positions, np.uint32)
        w = np.frombuffer(weights, np.float32)
        derived = bool(c[0]) and np.array_equal(c * np.float32(boost), w)
        layout = Layout(_width(int(d[-1]), 2), _width(int(c.max()), 1),
                        _width(int(p.max()) if len(p) else 0, 2), derived, boost)
        self._rows.extend((postings_offset, self._data.tell(), len(d), len(rows) // 4, len(p),
                           layout.pack()))
        self._data.write(offsets)
        self._data.write(rows)
        self._data.write(d.astype(_UINT[layout.docs]).tobytes())
        self._data.write(c.astype(_UINT[layout.counts]).tobytes())
        if not derived:
            self._data.write(weights)
        self._data.write(p.astype(_UINT[layout.positions]).tobytes())

    def close(self) -> None:
        self._data.close()
        with open(self._index_path, "wb") as f:
            f.write(self._rows.tobytes())


class SegmentArrays:
    """A segment's postings arrays, read with ``pread`` (never memory-mapped: a file cut short
    under a mapping kills the process with SIGBUS, a short read is an error)."""

    def __init__(self, folder: Path, segid: str, index: np.ndarray, version: int = 3) -> None:
        self.postings_offsets = np.ascontiguousarray(index[:, 0])
        self.index = index
        self.version = version
        self.fd = os.open(folder / (segid + DATA), os.O_RDONLY)

    @staticmethod
    def open(folder: Path, segid: str) -> SegmentArrays | None:
        """The segment's arrays; None when it has none of this version."""
        path = folder / (segid + INDEX)
        if not path.exists():
            return None
        raw = np.fromfile(path, np.int64)
        if not len(raw):
            return None
        for magic, columns, version in ((MAGIC, COLUMNS, 3), (MAGIC_V2, COLUMNS_V2, 2)):
            if raw[0] == magic and not (len(raw) - 1) % columns:
                return SegmentArrays(folder, segid, raw[1:].reshape(-1, columns), version)
        return None

    def find(self, postings_offset: int) -> Found | None:
        """The arrays of the term whose postings start at ``postings_offset``; None when it
        has none."""
        i = int(np.searchsorted(self.postings_offsets, postings_offset))
        if i == len(self.postings_offsets) or self.postings_offsets[i] != postings_offset:
            return None
        row = [int(x) for x in self.index[i]]
        start, n, blocks = row[1:4]
        if self.version == 2:
            buf = self.read(start, 12 * n + 12 * blocks)  # docnums … block offsets, counts
            counts = np.frombuffer(buf, np.uint32, n, 8 * n + 12 * blocks)  # kept as sums
            return (np.frombuffer(buf, np.uint32, n, 0), np.frombuffer(buf, np.float32, n, 4 * n),
                    np.frombuffer(buf, np.uint32, blocks, 8 * n),
                    np.frombuffer(buf, np.uint64, blocks, 8 * n + 4 * blocks),
                    TermPositions(self, start + 12 * n + 12 * blocks, counts))
        layout = Layout.unpack(row[5])
        size = 12 * blocks + (layout.docs + layout.counts + (0 if layout.derived else 4)) * n
        buf = self.read(start, size)  # block offsets and rows, docnums, counts (weights)
        at = 12 * blocks + layout.docs * n
        counts = np.frombuffer(buf, _UINT[layout.counts], n, at)
        at += layout.counts * n
        weights = (counts * np.float32(layout.boost) if layout.derived
                   else np.frombuffer(buf, np.float32, n, at))
        return (np.frombuffer(buf, _UINT[layout.docs], n, 12 * blocks), weights,
                np.frombuffer(buf, np.uint32, blocks, 8 * blocks),
                np.frombuffer(buf, np.uint64, blocks, 0),
                TermPositions(self, start + size, counts, layout.positions))

    def read(self, start: int, size: int) -> bytes:
        buf = os.pread(self.fd, size, start)
        if len(buf) != size:
            raise EOFError(f"postings arrays cut short at {start}")
        return buf

    def close(self) -> None:
        os.close(self.fd)


# The suffixes of the files we keep beside a Whoosh segment: the postings arrays, the facets
# file (``facets_file.FACETS``) and the sentence maps (``sentence_maps``).
SIDE_SUFFIXES = (DATA, INDEX, ".facets", ".smap", ".smapx")


def side_files(segid: str) -> tuple[str, ...]:
    """The names of the files we keep beside a Whoosh segment."""
    return tuple(segid + ext for ext in SIDE_SUFFIXES)
