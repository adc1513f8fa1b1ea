"""A segment's frequent terms as plain arrays beside its Whoosh files, written and read here.

For each term of ``ARRAY_POSTINGS`` postings or more: its docnums and weights and where each of
its posting blocks starts (read with one ``pread`` to match and score, instead of decoding every
block of a frequent term), then its occurrences per posting and their positions (read when a
phrase or a proximity window is checked, only for the rows asked for).

``<segid>.parr`` holds the arrays; ``<segid>.pidx`` one row per term, ordered as the terms'
postings in the segment: (postings offset, array offset, postings, blocks, positions) as int64.
A segment without them (written by Whoosh's own writer) is read through its posting blocks.
"""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import numpy as np

from indexer.store.blocks import Piece

# Terms with at least this many postings in a segment also go into its postings arrays.
ARRAY_POSTINGS = 128
DATA, INDEX = ".parr", ".pidx"
# The index file starts with this int64: a reader that does not know it ignores the arrays.
MAGIC = 0x4D55524152520002  # "MURARR", version 2: (…, positions) rows of 5
COLUMNS = 5

# Byte gaps up to this are read through rather than split into two ``pread``s.
READ_THROUGH = 4096


class TermPositions:
    """One term's positions in one segment, read by rows: where each row's positions end comes
    with the term's other arrays; the positions of the rows asked for are read with a few
    ``pread``s (neighbouring rows together), never the whole list: a frequent word's positions
    are megabytes, of which a query needs its candidates' few hundred."""

    __slots__ = ("_arrays", "_start", "ends")

    def __init__(self, arrays: SegmentArrays, start: int, counts: np.ndarray) -> None:
        self._arrays = arrays
        self._start = start  # where the positions start in the file
        ends = np.cumsum(counts, dtype=np.int64)
        self.ends = ends.astype(np.uint32) if not len(ends) or ends[-1] < 2**32 else ends

    @property
    def nbytes(self) -> int:
        return self.ends.nbytes

    def row(self, row: int) -> list[int]:
        """The positions of one row."""
        lo = int(self.ends[row - 1]) if row else 0
        hi = int(self.ends[row])
        return np.frombuffer(self._arrays.read(self._start + 4 * lo, 4 * (hi - lo)),
                             np.uint32).tolist()

    def rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(occurrences per row, the rows' positions one row after another) of sorted rows."""
        if not len(rows):
            return np.zeros(0, np.int64), np.zeros(0, np.uint32)
        hi = self.ends[rows].astype(np.int64)
        lo = np.where(rows > 0, self.ends[np.maximum(rows - 1, 0)], 0).astype(np.int64)
        counts = hi - lo
        lo, hi = lo * 4 + self._start, hi * 4 + self._start
        # Runs of rows whose bytes lie close together, each read at once.
        cut = np.flatnonzero(lo[1:] - hi[:-1] > READ_THROUGH) + 1
        firsts = np.concatenate(([0], cut)).tolist()
        lasts = (np.concatenate((cut, [len(rows)])) - 1).tolist()
        parts = []
        for a, b in zip(firsts, lasts, strict=True):
            run_lo = int(lo[a])
            buf = np.frombuffer(self._arrays.read(run_lo, int(hi[b]) - run_lo), np.uint32)
            n = counts[a:b + 1]
            if len(buf) == int(n.sum()):
                parts.append(buf)  # the rows are neighbours
            else:
                offsets = (lo[a:b + 1] - run_lo) // 4
                within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
                parts.append(buf[np.repeat(offsets, n) + within])
        return counts, np.concatenate(parts)


# What ``SegmentArrays.find`` gives: docnums, weights, block rows, block offsets, and the
# term's positions by rows.
Found = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, TermPositions]


class PostingArrays:
    """Writes a segment's postings arrays, a term at a time, in the order of its postings."""

    def __init__(self, folder: str, segid: str) -> None:
        self._data = open(os.path.join(folder, segid + DATA), "wb")
        self._index_path = os.path.join(folder, segid + INDEX)
        self._rows = array("q", [MAGIC])

    def add(self, postings_offset: int, piece: Piece) -> None:
        stats, (_, _, docs, weights, rows, offsets, counts, positions) = piece
        if stats[1] < ARRAY_POSTINGS:
            return
        self._rows.extend((postings_offset, self._data.tell(), stats[1], len(rows) // 4,
                           len(positions) // 4))
        for part in (docs, weights, rows, offsets, counts, positions):
            self._data.write(part)

    def close(self) -> None:
        self._data.close()
        with open(self._index_path, "wb") as f:
            f.write(self._rows.tobytes())


class SegmentArrays:
    """A segment's postings arrays, read with ``pread`` (never memory-mapped: a file cut short
    under a mapping kills the process with SIGBUS, a short read is an error)."""

    def __init__(self, folder: Path, segid: str, index: np.ndarray) -> None:
        self.postings_offsets = np.ascontiguousarray(index[:, 0])
        self.index = index
        self.fd = os.open(folder / (segid + DATA), os.O_RDONLY)

    @staticmethod
    def open(folder: Path, segid: str) -> SegmentArrays | None:
        """The segment's arrays; None when it has none of this version."""
        path = folder / (segid + INDEX)
        if not path.exists():
            return None
        raw = np.fromfile(path, np.int64)
        if not len(raw) or raw[0] != MAGIC or (len(raw) - 1) % COLUMNS:
            return None
        return SegmentArrays(folder, segid, raw[1:].reshape(-1, COLUMNS))

    def find(self, postings_offset: int) -> Found | None:
        """The arrays of the term whose postings start at ``postings_offset``; None when it
        has none."""
        i = int(np.searchsorted(self.postings_offsets, postings_offset))
        if i == len(self.postings_offsets) or self.postings_offsets[i] != postings_offset:
            return None
        _, start, n, blocks, _m = (int(x) for x in self.index[i])
        buf = self.read(start, 12 * n + 12 * blocks)  # docnums … block offsets, counts
        counts = np.frombuffer(buf, np.uint32, n, 8 * n + 12 * blocks)  # kept as their sums
        return (np.frombuffer(buf, np.uint32, n, 0), np.frombuffer(buf, np.float32, n, 4 * n),
                np.frombuffer(buf, np.uint32, blocks, 8 * n),
                np.frombuffer(buf, np.uint64, blocks, 8 * n + 4 * blocks),
                TermPositions(self, start + 12 * n + 12 * blocks, counts))

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
