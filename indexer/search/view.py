"""One opened version of the index, with the per-version arrays search needs.

An ``IndexView`` pins one build folder at one Whoosh generation. It reads, once, what every
query needs in bulk: dates, sources and entities as numpy arrays over the global document
numbers, field lengths for BM25, and an id → docnum map. Term postings are read straight from
the segment files (``postings``) and cached, and so are the bodies' sentence maps
(``sentence_map``).

No lock is held for a search. The arrays are read once and never written, so threads share
them; Whoosh's readers seek and read on shared file handles, so each thread reads through its
own (``leaves()``: the segment readers opened for that thread, once per view); the postings
arrays are read with ``pread``. ``self.lock`` guards only the caches' bookkeeping, for
microseconds.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage

from indexer.catalog import ENTITY_FIELDS
from indexer.search.days import NO_DATE, to_days
from indexer.search.facet_arrays import Facet, column_facet, entity_facet, segment_values
from indexer.search.postings import Postings, read_postings
from indexer.search.reprints import load_reprints
from indexer.store.entity_book import read_book
from indexer.store.facets_file import read_facets
from indexer.store.generations import BUILD_INFO
from indexer.store.posting_arrays import SegmentArrays
from indexer.store.schema import TEXT_FIELDS
from indexer.store.sentence_maps import IndexSentenceMaps, SentenceMap

# Memory of the postings kept per view (docnums, weights and where each posting's positions
# end: 12 bytes a posting; the positions themselves are read by rows when needed): the terms of
# a few hundred queries at 50,000 long articles take ~75 MB, so that a working set of queries
# does not read the same lists over and over.
CACHE_BYTES = 128 * 2**20
CACHE_STORED = 2000  # documents' stored fields kept (title, text, …: ~6 KB each)


class IndexView:
    """One generation of one build, opened with everything search reads in bulk."""

    def __init__(self, build: Path, version: str):
        self.build = build
        self.version = version
        self.lock = threading.Lock()
        # Read segment files, never memory-map them: a file truncated or replaced under a
        # mapping kills the whole process with SIGBUS; a read of it fails as an exception.
        self.ix = FileStorage(str(build), supports_mmap=False, readonly=True).open_index()
        self._local = threading.local()
        self._searchers: list = []  # every thread's, to close with the view
        self.searcher = self.thread_searcher()
        self.reader = self.searcher.reader()
        self.leaves = self.local_leaves()  # the opening thread's: for reads while opening
        self.arrays = [SegmentArrays.open(build, leaf.segment().segid)
                       for leaf, _ in self.leaves]
        self.sentence_maps = IndexSentenceMaps.open(
            build, self.leaves, CACHE_STORED, lambda d: self.stored(d).get("body") or "")
        self.n = self.reader.doc_count_all()
        self.alive = np.ones(self.n, bool)
        for leaf, base in self.leaves:
            if leaf.has_deletions():
                self.alive[[base + d for d in leaf.deleted_docs_set]] = False
        self.doc_count = int(self.alive.sum())
        self.postings_cache = PostingsCache()
        self._stored: OrderedDict[int, dict] = OrderedDict()
        self.derived: dict = {}  # arrays computed once per view on first use (entity pages)
        self._read_columns()
        self.lengths, self.avg_length = field_lengths(self.leaves, self.n)
        # The archive-wide merge of entity values and what is known of each (none in an index
        # built before the book existed: its values are searched as stored).
        self.book = read_book(str(build), self.reader.generation())
        self.facets = self._facets()
        self.reprints = load_reprints(build, self.docnum_of, self.n)
        info = build / BUILD_INFO
        self.build_info = json.loads(info.read_text()) if info.exists() else {}

    def thread_searcher(self):
        """This thread's Whoosh searcher over the view's segments (opened at its first read)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.ix.searcher()
            self._local.leaves = list(searcher.reader().leaf_readers())
            with self.lock:
                self._searchers.append(searcher)
        return searcher

    def local_leaves(self) -> list:
        """This thread's segment readers with their first docnums: (reader, base)."""
        self.thread_searcher()
        return self._local.leaves

    def close(self) -> None:
        with self.lock:
            for searcher in self._searchers:
                searcher.close()
            for arrays in self.arrays:
                if arrays is not None:
                    arrays.close()
            self.sentence_maps.close()

    # Bulk arrays, read once per view

    def _read_columns(self) -> None:
        # Tuples, not lists, for what a view holds for its life: Python's collector leaves a
        # tuple of strings out of its collections, but walks a list's every item in each one.
        ids = tuple(column(self.leaves, self.n, "id"))
        self.ids = ids
        self.docnum_of = {d: i for i, d in enumerate(ids) if d is not None and self.alive[i]}
        days = np.full(self.n, NO_DATE, np.int32)
        for i, value in enumerate(column(self.leaves, self.n, "date")):
            if value:
                try:
                    days[i] = to_days(value)
                except ValueError:
                    pass
        days[~self.alive] = NO_DATE
        self.dates = days  # days since 1970-01-01, NO_DATE when undated
        self.dated = self.dates != NO_DATE

    def _facets(self) -> dict[str, Facet]:
        """The entity facets, from each segment's facets file (read once per view) and merged
        as the generation's entity book says, and the sources."""
        files = [read_facets(str(self.build), leaf.segment().segid) for leaf, _ in self.leaves]
        facets = {
            name: entity_facet([(segment_values(found, leaf, name), base)
                                for (leaf, base), found in zip(self.leaves, files, strict=True)],
                               self.alive, self.book.merge.get(name) if self.book else None)
            for name in ENTITY_FIELDS
        }
        facets["source"] = column_facet(column(self.leaves, self.n, "source"), self.alive)
        return facets

    # Postings and stored fields

    def postings(self, fieldname: str, term: str, cache: bool = True) -> Postings:
        """All live postings of a term (cached). Read with this thread's readers, outside any
        lock: two threads asking for one term at once both read it, and one copy is kept."""
        key = (fieldname, term)
        hit = self.postings_cache.get(key)
        if hit is not None:
            return hit
        p = read_postings(self.local_leaves(), self.arrays, self.alive, fieldname, term,
                          self.local_leaves)
        if cache:
            self.postings_cache.put(key, p)
        return p

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
        fields = self.thread_searcher().stored_fields(docnum)
        with self.lock:
            self._stored[docnum] = fields
            if len(self._stored) > CACHE_STORED:
                self._stored.popitem(last=False)
        return fields

    def sentence_map(self, docnum: int) -> SentenceMap:
        """(first word position, first character, long-word count) of each sentence of the
        body (``indexer.store.sentence_maps``), read with one ``pread`` (computed from the
        stored body in a segment built before the maps) and kept for the most recently read
        documents."""
        return self.sentence_maps.get(docnum)

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.thread_searcher().reader().doc_frequency(fieldname, term)


def column(leaves: list, n: int, name: str) -> list:
    """A stored column's values over the global docnums (None where a segment lacks it)."""
    out: list = [None] * n
    for leaf, base in leaves:
        if not leaf.has_column(name):
            continue
        col = leaf.column_reader(name)
        for i in range(leaf.doc_count_all()):
            out[base + i] = col[i]
    return out


def field_lengths(leaves: list, n: int) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Each text field's length per document (for BM25F), and its average."""
    lengths: dict[str, np.ndarray] = {}
    average: dict[str, float] = {}
    for name in TEXT_FIELDS:
        values = np.zeros(n, np.float32)
        for leaf, base in leaves:
            for i in range(leaf.doc_count_all()):
                values[base + i] = leaf.doc_field_length(i, name) or 0
        lengths[name] = values
        total = sum(leaf.field_length(name) for leaf, _ in leaves)
        average[name] = max(1.0, total / max(1, n))
    return lengths, average


class PostingsCache:
    """Terms' postings, the least recently used dropped while their arrays take more than
    ``CACHE_BYTES``; its lock guards the bookkeeping only."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self.sizes: dict[tuple[str, str], int] = {}
        self.nbytes = 0

    def get(self, key: tuple[str, str]) -> Postings | None:
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def put(self, key: tuple[str, str], p: Postings) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = p
            self.sizes[key] = p.nbytes
            self.nbytes += p.nbytes
            while self.nbytes > CACHE_BYTES and len(self.entries) > 1:
                old, _ = self.entries.popitem(last=False)
                self.nbytes -= self.sizes.pop(old)
