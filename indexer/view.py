"""One opened version of the index, with the per-version arrays search needs.

An ``IndexView`` pins one build folder at one Whoosh generation. It reads, once, what every
query needs in bulk: dates, sources and entities as numpy arrays over the global document
numbers, field lengths for BM25, and an id → docnum map. Term postings (docnums, weights and the
encoded positions with character offsets) are read straight from the segment files and cached,
so a query works on dense numpy arrays instead of Whoosh's per-posting matcher loop.

Whoosh's readers share file handles (seek + read), so every read goes through ``self.lock``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound

from indexer.codec import PostingArrays, read_facets
from indexer.schema import ENTITY_FIELDS

TEXT_FIELDS = ("title", "body")
# Postings kept decoded in memory per view (a posting is ~ a docnum, a weight and a few bytes).
CACHE_POSTINGS = 4_000_000
CACHE_STORED = 2000  # documents' stored fields kept (title, text, …: ~6 KB each)
NO_DATE = -1
_EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass
class Postings:
    """One term's postings over the whole index: sorted global docnums, weights (term frequency,
    times the field boost) and encoded values (positions with character offsets) by row, read
    when first asked for (``Values``) or all at once."""

    docs: np.ndarray
    weights: np.ndarray
    values: Sequence[bytes]
    # Every posting's positions from the postings arrays, when all its segments have them:
    # read on first use, as (indptr over the rows before deletions, positions), and ``kept``
    # (row → row before deletions, or None).
    position_arrays: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None
    kept: np.ndarray | None = None
    _decoded: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    _positions: dict[int, list[int]] = field(default_factory=dict)
    _arrays: tuple[np.ndarray, np.ndarray] | None = None

    def index_of(self, docnum: int) -> int:
        """The row of ``docnum`` in this list, or -1."""
        i = int(np.searchsorted(self.docs, docnum))
        return i if i < len(self.docs) and self.docs[i] == docnum else -1

    def occurrences(self, docnum: int) -> list[tuple[int, int, int]]:
        """(position, startchar, endchar) of the term in one document."""
        cached = self._decoded.get(docnum)
        if cached is not None:
            return cached
        i = self.index_of(docnum)
        occ = decode_characters(self.values[i]) if i >= 0 else []
        self._decoded[docnum] = occ
        return occ

    def positions_in(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every occurrence in the documents of ``mask``: (docnum, position) arrays in docnum,
        position order. From the postings arrays where there are, else decoded from the values
        once per document and kept."""
        if self.position_arrays is not None:
            return self._positions_from_arrays(np.flatnonzero(mask[self.docs]))
        docs: list[int] = []
        positions: list[int] = []
        cache = self._positions
        for row in np.flatnonzero(mask[self.docs]).tolist():
            docnum = int(self.docs[row])
            found = cache.get(docnum)
            if found is None:
                found = cache[docnum] = decode_positions(self.values[row])
            docs += [docnum] * len(found)
            positions += found
        return np.array(docs, np.int64), np.array(positions, np.int64)

    def _positions_from_arrays(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._arrays is None:
            self._arrays = self.position_arrays()
        indptr, positions = self._arrays
        at = self.kept[rows] if self.kept is not None else rows
        starts, counts = indptr[at], indptr[at + 1] - indptr[at]
        total = int(counts.sum())
        # The positions of each row in turn: its start, plus 0 … count - 1.
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = positions[np.repeat(starts, counts) + within]
        return np.repeat(self.docs[rows].astype(np.int64), counts), picked.astype(np.int64)


EMPTY = Postings(np.zeros(0, np.int32), np.zeros(0, np.float32), [])


class Blocks:
    """The values of one term in one segment, read from its posting blocks one block at a time
    when a row is asked for (a snippet needs 10 documents' values, not a frequent term's
    100,000)."""

    def __init__(self, make_matcher: Callable[[], W3LeafMatcher], rows: np.ndarray,
                 offsets: np.ndarray) -> None:
        self._make_matcher = make_matcher
        self._matcher: W3LeafMatcher | None = None
        self._rows = rows.tolist()
        self._offsets = offsets.tolist()
        self._blocks: dict[int, Sequence[bytes]] = {}

    def __getitem__(self, row: int) -> bytes:
        b = bisect_right(self._rows, row) - 1
        values = self._blocks.get(b)
        if values is None:
            m = self._matcher = self._matcher or self._make_matcher()
            m._goto(m._baseoffset + self._offsets[b])
            m._read_data()
            values = self._blocks[b] = m._data[2]
        return values[row - self._rows[b]]


class Values:
    """A term's values over all segments by row: parts starting at given rows (lists read at
    once, or ``Blocks``), less the rows of deleted documents (``rows``: kept row → row)."""

    def __init__(self, parts: list[tuple[int, Sequence[bytes]]], rows: np.ndarray | None):
        self._starts = [start for start, _ in parts]
        self._parts = [part for _, part in parts]
        self._rows = rows

    def __getitem__(self, row: int) -> bytes:
        if self._rows is not None:
            row = int(self._rows[row])
        k = bisect_right(self._starts, row) - 1
        return self._parts[k][row - self._starts[k]]


class SegmentArrays:
    """A segment's postings arrays (``indexer.codec.PostingArrays``), read with ``pread``."""

    def __init__(self, folder: Path, segid: str, index: np.ndarray) -> None:
        self.postings_offsets = np.ascontiguousarray(index[:, 0])
        self.index = index
        self.fd = os.open(folder / (segid + PostingArrays.DATA), os.O_RDONLY)

    @staticmethod
    def open(folder: Path, segid: str) -> SegmentArrays | None:
        """The segment's arrays; None when it has none of this version (it is then read
        through its posting blocks alone)."""
        path = folder / (segid + PostingArrays.INDEX)
        if not path.exists():
            return None
        raw = np.fromfile(path, np.int64)
        if not len(raw) or raw[0] != PostingArrays.MAGIC or (len(raw) - 1) % PostingArrays.COLUMNS:
            return None
        return SegmentArrays(folder, segid, raw[1:].reshape(-1, PostingArrays.COLUMNS))

    def find(self, postings_offset: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, Callable[[], tuple[np.ndarray, np.ndarray]]
    ] | None:
        """Docnums, weights, block rows and block offsets of the term whose postings start at
        ``postings_offset``, and a function reading its (occurrence counts, positions); None
        when it has no arrays."""
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


def decode_characters(value: bytes) -> list[tuple[int, int, int]]:
    """Whoosh's Characters format, decoded (same as ``Characters.decode_characters``)."""
    if not value.endswith(b"."):
        value += b"."
    codes = loads(value[4:])
    positions = accumulate(c[0] for c in codes)
    out = []
    end = 0
    for pos, (_, dstart, length) in zip(positions, codes, strict=True):
        start = dstart + end
        end = start + length
        out.append((pos, start, end))
    return out


def decode_positions(value: bytes) -> list[int]:
    """Only the positions of a Characters value."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(c[0] for c in loads(value[4:])))


@dataclass
class Facet:
    """A categorical field as arrays: ``values[codes[doc]]`` for single-valued fields, or
    doc → value ids in CSR form (``indptr``/``indices``) for multi-valued ones."""

    values: list[str]
    codes: np.ndarray | None = None
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value."""
        if self.codes is not None:
            codes = self.codes[mask]
            return np.bincount(codes[codes >= 0], minlength=len(self.values))
        lengths = np.diff(self.indptr)
        picked = self.indices[np.repeat(mask, lengths)]
        return np.bincount(picked, minlength=len(self.values))

    def docs_with(self, value_ids: list[int], n: int) -> np.ndarray:
        """A mask of the documents holding any of the values."""
        wanted = np.zeros(len(self.values) + 1, bool)
        wanted[value_ids] = True
        if self.codes is not None:
            return wanted[self.codes]
        hit = wanted[self.indices]
        doc_of = np.repeat(np.arange(n), np.diff(self.indptr))
        mask = np.zeros(n, bool)
        mask[doc_of[hit]] = True
        return mask

    def of_doc(self, docnum: int) -> list[str]:
        if self.codes is not None:
            code = self.codes[docnum]
            return [self.values[code]] if code >= 0 else []
        lo, hi = self.indptr[docnum], self.indptr[docnum + 1]
        return [self.values[i] for i in self.indices[lo:hi]]


def _leaf_values(leaf, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """An entity field's values in one segment, with the local docnums and value index of
    every posting, read value by value."""
    try:
        values = list(leaf.field_terms(name)) if name in leaf.schema else []
    except TermNotFound:
        values = []
    docs: list[int] = []
    vids: list[int] = []
    for i, value in enumerate(values):
        ids = list(leaf.postings(name, value).all_ids())
        docs += ids
        vids += [i] * len(ids)
    return values, np.array(docs, np.int64), np.array(vids, np.int64)


def _joined_positions(parts: list[Callable[[], tuple[np.ndarray, np.ndarray]]]
                      ) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """One term's positions over its segments: (indptr over its rows, positions)."""

    def read() -> tuple[np.ndarray, np.ndarray]:
        counts, positions = zip(*(part() for part in parts), strict=True)
        indptr = np.zeros(sum(len(c) for c in counts) + 1, np.int64)
        np.cumsum(np.concatenate(counts), out=indptr[1:])
        return indptr, np.concatenate(positions)

    return read


class IndexView:
    """One generation of one build, opened with everything search reads in bulk."""

    def __init__(self, build: Path, version: str):
        self.build = build
        self.version = version
        self.lock = threading.RLock()
        # Read segment files, never memory-map them: a file truncated or replaced under a
        # mapping kills the whole process with SIGBUS; a read of it fails as an exception.
        self.ix = FileStorage(str(build), supports_mmap=False, readonly=True).open_index()
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self.arrays = [SegmentArrays.open(build, leaf.segment().segid)
                       for leaf, _ in self.leaves]
        self.n = self.reader.doc_count_all()
        self.alive = np.ones(self.n, bool)
        for leaf, base in self.leaves:
            if leaf.has_deletions():
                self.alive[[base + d for d in leaf.deleted_docs_set]] = False
        self.doc_count = int(self.alive.sum())
        self._cache: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._cached_postings = 0
        self._stored: OrderedDict[int, dict] = OrderedDict()
        self._read_columns()
        self._read_lengths()
        files = [read_facets(str(build), leaf.segment().segid) for leaf, _ in self.leaves]
        self.facets = {name: self._entity_facet(name, files) for name in ENTITY_FIELDS}
        self.facets["source"] = self._column_facet(self._column("source"))
        info = build / "muragat-build.json"
        self.build_info = json.loads(info.read_text()) if info.exists() else {}

    def close(self) -> None:
        with self.lock:
            self.searcher.close()
            for arrays in self.arrays:
                if arrays is not None:
                    arrays.close()

    # Bulk arrays, read once per view

    def _column(self, name: str) -> list:
        out: list = [None] * self.n
        for leaf, base in self.leaves:
            if not leaf.has_column(name):
                continue
            col = leaf.column_reader(name)
            for i in range(leaf.doc_count_all()):
                out[base + i] = col[i]
        return out

    def _read_columns(self) -> None:
        ids = self._column("id")
        self.ids = ids
        self.docnum_of = {d: i for i, d in enumerate(ids) if d is not None and self.alive[i]}
        dates = self._column("date")
        ordinal = np.full(self.n, NO_DATE, np.int32)
        for i, value in enumerate(dates):
            if value:
                try:
                    ordinal[i] = dt.date.fromisoformat(value).toordinal() - _EPOCH
                except ValueError:
                    pass
        ordinal[~self.alive] = NO_DATE
        self.dates = ordinal  # days since 1970-01-01, NO_DATE when undated
        self.dated = self.dates != NO_DATE

    def _read_lengths(self) -> None:
        self.lengths: dict[str, np.ndarray] = {}
        self.avg_length: dict[str, float] = {}
        for name in TEXT_FIELDS:
            lengths = np.zeros(self.n, np.float32)
            for leaf, base in self.leaves:
                for i in range(leaf.doc_count_all()):
                    lengths[base + i] = leaf.doc_field_length(i, name) or 0
            self.lengths[name] = lengths
            total = sum(leaf.field_length(name) for leaf, _ in self.leaves)
            self.avg_length[name] = max(1.0, total / max(1, self.n))

    def _column_facet(self, column: list) -> Facet:
        values = sorted({v for v in column if v})
        index = {v: i for i, v in enumerate(values)}
        codes = np.array([index.get(v, -1) if v else -1 for v in column], np.int32)
        codes[~self.alive] = -1
        return Facet(values, codes=codes)

    def _entity_facet(self, name: str, files: list[dict | None]) -> Facet:
        """Doc → value ids in CSR form: from each segment's facets file (``files``, read once
        per view) where it has one, else from the postings of the field's values there."""
        parts: list[tuple[list[str], np.ndarray, np.ndarray]] = []
        for (leaf, base), found in zip(self.leaves, files, strict=True):
            if found is not None:
                values, counts, docs = found.get(name, ([], b"", b""))
                local = np.frombuffer(docs, np.uint32).astype(np.int64)
                vids = np.repeat(np.arange(len(values)), np.frombuffer(counts, np.uint32))
            else:
                values, local, vids = _leaf_values(leaf, name)
            parts.append((values, local + base, vids))
        values = sorted({v for vals, _, _ in parts for v in vals})
        index = {v: i for i, v in enumerate(values)}
        docs = [np.zeros(0, np.int64)]
        ids = [np.zeros(0, np.int64)]
        for vals, d, vids in parts:
            if len(vals):
                docs.append(d)
                ids.append(np.array([index[v] for v in vals], np.int64)[vids])
        all_docs, all_vids = np.concatenate(docs), np.concatenate(ids)
        keep = self.alive[all_docs]
        all_docs, all_vids = all_docs[keep], all_vids[keep].astype(np.int32)
        order = np.lexsort((all_vids, all_docs))
        all_docs, all_vids = all_docs[order], all_vids[order]
        indptr = np.zeros(self.n + 1, np.int64)
        np.cumsum(np.bincount(all_docs, minlength=self.n), out=indptr[1:])
        return Facet(values, indptr=indptr, indices=all_vids)

    # Postings

    def postings(self, fieldname: str, term: str, cache: bool = True) -> Postings:
        """All live postings of a term (cached)."""
        key = (fieldname, term)
        with self.lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            p = self._read_postings(fieldname, term)
            if cache:
                self._cache[key] = p
                self._cached_postings += len(p.docs) + 1
                while self._cached_postings > CACHE_POSTINGS and len(self._cache) > 1:
                    _, old = self._cache.popitem(last=False)
                    self._cached_postings -= len(old.docs) + 1
            return p

    def _read_postings(self, fieldname: str, term: str) -> Postings:
        docs: list = []
        weights: list = []
        parts: list[tuple[int, Sequence[bytes]]] = []
        position_parts: list[Callable[[], tuple[np.ndarray, np.ndarray]]] = []
        all_arrays = True
        rows = 0
        fmt = self.reader.schema[fieldname].format
        for (leaf, base), arrays in zip(self.leaves, self.arrays, strict=True):
            tbytes = leaf._text_to_bytes(fieldname, term)
            terms = leaf._terms
            try:  # one term-table lookup (``term in leaf`` and then a matcher are two)
                info = terms.term_info(fieldname, tbytes)
            except TermNotFound:
                continue
            found = arrays.find(info.extent()[0]) if arrays and not info.is_inlined() else None
            if found is not None:
                d, w, block_rows, block_offsets, positions = found
                position_parts.append(positions)
                docs.append(d.astype(np.int64) + base)
                weights.append(w)
                parts.append((rows, Blocks(
                    lambda terms=terms, info=info, key=(fieldname, tbytes):
                        terms._codec.postings_reader(terms._postfile, info, fmt, term=key),
                    block_rows, block_offsets)))
                rows += len(d)
                continue
            all_arrays = False
            m = terms._codec.postings_reader(terms._postfile, info, fmt, term=(fieldname, tbytes))
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
            else:
                docs.append(np.asarray(list(m._ids), np.int64) + base)
                ws = m._weights if m._weights is not None else [1.0] * len(m._ids)
                weights.append(np.asarray(list(ws), np.float32))
                vs = m._values if m._values is not None else [b""] * len(m._ids)
                values.extend(vs)
            parts.append((rows, values))
            rows += len(values)
        if not docs:
            return EMPTY
        d = np.concatenate(docs).astype(np.int32)
        w = np.concatenate(weights).astype(np.float32, copy=False)
        keep = self.alive[d]
        kept = None
        if not keep.all():
            kept = np.flatnonzero(keep)
            d, w = d[keep], w[keep]
        values = parts[0][1] if len(parts) == 1 and kept is None else Values(parts, kept)
        arrays = _joined_positions(position_parts) if all_arrays else None
        return Postings(d, w, values, arrays, kept)

    def dense_tf(self, fieldname: str, term: str) -> np.ndarray:
        """The term's weight in every document, as a dense array (0 where absent)."""
        p = self.postings(fieldname, term)
        out = np.zeros(self.n, np.float32)
        out[p.docs] = p.weights
        return out

    def stored(self, docnum: int) -> dict:
        """The stored fields of a document (kept for the most recently read ones)."""
        with self.lock:
            hit = self._stored.get(docnum)
            if hit is not None:
                self._stored.move_to_end(docnum)
                return hit
            fields = self.searcher.stored_fields(docnum)
            self._stored[docnum] = fields
            if len(self._stored) > CACHE_STORED:
                self._stored.popitem(last=False)
            return fields

    def doc_frequency(self, fieldname: str, term: str) -> int:
        with self.lock:
            return self.reader.doc_frequency(fieldname, term)
