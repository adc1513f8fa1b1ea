"""Sentence maps beside a segment: for each article, where the sentences of its body start, in
word positions and in characters, and how many long words each holds (written and read here).

What the proximity re-ranking's sentence check and passage density need, and what a snippet
needs to find the characters of a matched position, in one small record per article read with
one ``pread``: neither reads character offsets from the postings nor (for ranking) the stored
text. ``indexer.text.sentences`` defines the sentences.

``<segid>.smap`` holds the records one after another, each: uint32 k (the sentences, counting
the one at 0), k uint32 positions, k uint32 characters, k uint16 long-word counts (at most
65,535), padded to 4 bytes; ``<segid>.smapx`` starts with the int64 ``MAGIC``, then n + 1
int64 record offsets. A segment without them (built before them) has its maps computed from
its stored bodies when asked for.
"""

from __future__ import annotations

import os
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from indexer.text.sentences import sentence_positions

DATA, INDEX = ".smap", ".smapx"
MAGIC = 0x4D55525345310001  # "MURSE1", version 1

SentenceMap = tuple[np.ndarray, np.ndarray, np.ndarray]  # positions, characters, counts


def encode(text: str, starts: Sequence[int] | np.ndarray | None = None) -> bytes:
    """The record of one body text (``starts``: its words' first characters, if known)."""
    positions, chars, counts = sentence_positions(text, starts)
    out = b"".join((np.array([len(chars)], np.uint32).tobytes(),
                    positions.astype(np.uint32).tobytes(), chars.astype(np.uint32).tobytes(),
                    np.minimum(counts, 65535).astype(np.uint16).tobytes()))
    return out + bytes(-len(out) % 4)


def decode(record: bytes) -> SentenceMap:
    """(positions, characters, long-word counts) of a record, as int64 arrays."""
    k = int(np.frombuffer(record, np.uint32, 1, 0)[0])
    positions = np.frombuffer(record, np.uint32, k, 4).astype(np.int64)
    chars = np.frombuffer(record, np.uint32, k, 4 + 4 * k).astype(np.int64)
    counts = np.frombuffer(record, np.uint16, k, 4 + 8 * k).astype(np.int64)
    return positions, chars, counts


class SentenceMapWriter:
    """Writes a segment's sentence maps, an article at a time in docnum order."""

    def __init__(self, folder: str, segid: str) -> None:
        self._data = open(os.path.join(folder, segid + DATA), "wb")
        self._index_path = os.path.join(folder, segid + INDEX)
        self._offsets = array("q", [MAGIC, 0])

    def add(self, body: str, starts: Sequence[int] | np.ndarray | None = None) -> None:
        record = encode(body, starts)
        self._data.write(record)
        self._offsets.append(self._offsets[-1] + len(record))

    def close(self) -> None:
        self._data.close()
        with open(self._index_path, "wb") as f:
            f.write(self._offsets.tobytes())


class SentenceMaps:
    """A segment's sentence maps, read a record at a time with ``pread`` (not memory-mapped,
    as the postings arrays: a short read is an error, not a SIGBUS)."""

    def __init__(self, folder: Path, segid: str, offsets: np.ndarray) -> None:
        self.offsets = offsets
        self.fd = os.open(folder / (segid + DATA), os.O_RDONLY)

    @staticmethod
    def open(folder: Path, segid: str, docs: int) -> SentenceMaps | None:
        """The segment's maps; None when it has none (of this version, for ``docs`` articles)."""
        path = folder / (segid + INDEX)
        if not path.exists():
            return None
        raw = np.fromfile(path, np.int64)
        if len(raw) != docs + 2 or raw[0] != MAGIC:
            return None
        return SentenceMaps(folder, segid, raw[1:])

    def record(self, local: int) -> SentenceMap:
        start, end = int(self.offsets[local]), int(self.offsets[local + 1])
        buf = os.pread(self.fd, end - start, start)
        if len(buf) != end - start:
            raise EOFError(f"sentence maps cut short at {start}")
        return decode(buf)

    def close(self) -> None:
        os.close(self.fd)


class IndexSentenceMaps:
    """The sentence maps of every segment of an index version, by global docnum, the most
    recently read ``keep`` kept. A segment without maps (None) has them computed from the
    stored body (``body``: docnum → text), as the build would have written them."""

    def __init__(self, segments: list[SentenceMaps | None], bases: list[int], keep: int,
                 body: Callable[[int], str]) -> None:
        self.segments = segments
        self.bases = bases
        self.keep = keep
        self.body = body
        self.lock = threading.Lock()
        self._cache: OrderedDict[int, SentenceMap] = OrderedDict()

    @staticmethod
    def open(build: Path, leaves: list, keep: int, body: Callable[[int], str]
             ) -> IndexSentenceMaps:
        """The maps of the segments ``leaves`` ((leaf reader, base) pairs)."""
        maps = [SentenceMaps.open(build, leaf.segment().segid, leaf.doc_count_all())
                for leaf, _ in leaves]
        return IndexSentenceMaps(maps, [base for _, base in leaves], keep, body)

    @property
    def computed(self) -> bool:
        """Whether some segment's maps are computed from the stored bodies."""
        return any(m is None for m in self.segments)

    def get(self, docnum: int) -> SentenceMap:
        with self.lock:
            hit = self._cache.get(docnum)
            if hit is not None:
                return hit
        k = bisect_right(self.bases, docnum) - 1
        segment = self.segments[k]
        found = (segment.record(docnum - self.bases[k]) if segment is not None
                 else sentence_positions(self.body(docnum)))
        with self.lock:
            self._cache[docnum] = found
            if len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        return found

    def close(self) -> None:
        for m in self.segments:
            if m is not None:
                m.close()
