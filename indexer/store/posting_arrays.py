"""A segment's frequent terms as plain arrays beside its Whoosh files, written and read here.

For each term of ``ARRAY_POSTINGS`` postings or more: its docnums and weights and where each of
its posting blocks starts (read with one ``pread`` to match and score, instead of decoding every
block of a frequent term), then its occurrences per posting and their positions (read when a
phrase or a proximity window is checked). Only the blocks whose values (character offsets) are
needed, for snippets and sentence checks, are decoded.

``<segid>.parr`` holds the arrays; ``<segid>.pidx`` one row per term, ordered as the terms'
postings in the segment: (postings offset, array offset, postings, blocks, positions) as int64.
A segment without them (written by Whoosh's own writer) is read through its posting blocks.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer.store.blocks import Piece

# Terms with at least this many postings in a segment also go into its postings arrays.
ARRAY_POSTINGS = 128
DATA, INDEX = ".parr", ".pidx"
# The index file starts with this int64: a reader that does not know it ignores the arrays.
MAGIC = 0x4D55524152520002  # "MURARR", version 2: (…, positions) rows of 5
COLUMNS = 5

# What ``SegmentArrays.find`` gives: docnums, weights, block rows, block offsets, and a function
# reading (occurrence counts, positions).
Found = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
              Callable[[], tuple[np.ndarray, np.ndarray]]]


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
        _, start, n, blocks, m = (int(x) for x in self.index[i])
        buf = self._read(start, 8 * n + 12 * blocks)

        def positions() -> tuple[np.ndarray, np.ndarray]:
            more = self._read(start + 8 * n + 12 * blocks, 4 * n + 4 * m)
            return np.frombuffer(more, np.uint32, n, 0), np.frombuffer(more, np.uint32, m, 4 * n)

        return (np.frombuffer(buf, np.uint32, n, 0), np.frombuffer(buf, np.float32, n, 4 * n),
                np.frombuffer(buf, np.uint32, blocks, 8 * n),
                np.frombuffer(buf, np.uint64, blocks, 8 * n + 4 * blocks), positions)

    def _read(self, start: int, size: int) -> bytes:
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
