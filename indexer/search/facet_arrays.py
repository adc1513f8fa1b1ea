"""Categorical fields as arrays over the global docnums, built once per index version: sources
(one value per article) and entities (many per article, in CSR form)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from whoosh.reading import TermNotFound

from indexer.search.value_names import ValueNames

# Below one document in this many, a multi-valued facet is counted over the result's documents
# rather than over a mask of every value of every document; above all but one in this many,
# as every document's counts less those of the documents left out.
SPARSE_SHARE = 4


@dataclass
class Facet:
    """A categorical field as arrays: ``values[codes[doc]]`` for single-valued fields, or
    doc → value ids in CSR form (``indptr``/``indices``) for multi-valued ones. An entity
    field's values are the archive-wide canonical ones (``merge``): ``names`` finds a value by
    any of the values merged into it, or by its words."""

    values: tuple[str, ...]
    codes: np.ndarray | None = None
    indptr: np.ndarray | None = None
    indices: np.ndarray | None = None
    merge: dict[str, str] = field(default_factory=dict)  # stored value → canonical value
    _names: ValueNames | None = field(default=None, repr=False, compare=False)
    _all: np.ndarray | None = field(default=None, repr=False, compare=False)  # every document's

    @property
    def names(self) -> ValueNames:
        """The lookup of values by name and words (built on first use)."""
        if self._names is None:
            self._names = ValueNames(self.values, self.merge)
        return self._names

    def canonical(self, value: str) -> str:
        return self.merge.get(value, value)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """How many documents in ``mask`` hold each value."""
        if self.codes is not None:
            codes = self.codes[mask]
            return np.bincount(codes[codes >= 0], minlength=len(self.values))
        assert self.indptr is not None and self.indices is not None
        held = np.count_nonzero(mask)
        if held * SPARSE_SHARE < len(mask):
            return self._gathered(np.flatnonzero(mask))
        if (len(mask) - held) * SPARSE_SHARE < len(mask):
            # Most documents: every document's counts less those of the few left out.
            if self._all is None:
                self._all = np.bincount(self.indices, minlength=len(self.values))
            return self._all - self._gathered(np.flatnonzero(~mask))
        picked = self.indices[np.repeat(mask, np.diff(self.indptr))]
        return np.bincount(picked, minlength=len(self.values))

    def _gathered(self, docs: np.ndarray) -> np.ndarray:
        """The counts of the values of ``docs``, their runs of value ids gathered."""
        assert self.indptr is not None and self.indices is not None
        starts = self.indptr[docs]
        lengths = self.indptr[docs + 1] - starts
        ends = np.cumsum(lengths)
        at = np.arange(int(ends[-1]) if len(ends) else 0) + np.repeat(starts - ends + lengths,
                                                                      lengths)
        return np.bincount(self.indices[at], minlength=len(self.values))

    def exact_ids(self, value: str) -> list[int]:
        """The ids of the values named ``value`` case-insensitively (ё = е), or with a value so
        named merged into them, from a table made at the first lookup (a scan of every value
        took 0.1 s per filter value at 79,000 values)."""
        return sorted(self.names.exact(value))

    def docs_with(self, value_ids: list[int], n: int) -> np.ndarray:
        """A mask of the documents holding any of the values."""
        wanted = np.zeros(len(self.values) + 1, bool)
        wanted[value_ids] = True
        if self.codes is not None:
            return wanted[self.codes]
        assert self.indptr is not None and self.indices is not None
        hit = wanted[self.indices]
        doc_of = np.repeat(np.arange(n), np.diff(self.indptr))
        mask = np.zeros(n, bool)
        mask[doc_of[hit]] = True
        return mask

    def of_doc(self, docnum: int) -> list[str]:
        if self.codes is not None:
            code = self.codes[docnum]
            return [self.values[code]] if code >= 0 else []
        assert self.indptr is not None and self.indices is not None
        lo, hi = self.indptr[docnum], self.indptr[docnum + 1]
        return [self.values[i] for i in self.indices[lo:hi]]


def column_facet(column: list, alive: np.ndarray) -> Facet:
    """A single-valued facet from a column's value per document."""
    values = tuple(sorted({v for v in column if v}))  # a tuple: see IndexView._read_columns
    index = {v: i for i, v in enumerate(values)}
    codes = np.array([index.get(v, -1) if v else -1 for v in column], np.int32)
    codes[~alive] = -1
    return Facet(values, codes=codes)


# One segment's part of an entity field: its values, and the local docnum and value index of
# every posting.
SegmentValues = tuple[list[str], np.ndarray, np.ndarray]


def segment_values(found: dict | None, leaf, name: str) -> SegmentValues:
    """An entity field's values in one segment: from its facets file (``found``), else read
    value by value from its postings (a segment written by Whoosh's own writer)."""
    if found is not None:
        values, counts, raw = found.get(name, ([], b"", b""))
        local = np.frombuffer(raw, np.uint32).astype(np.int64)
        return values, local, np.repeat(np.arange(len(values)),
                                         np.frombuffer(counts, np.uint32))
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


def entity_facet(parts: list[tuple[SegmentValues, int]], alive: np.ndarray,
                 merge: dict[str, str] | None = None) -> Facet:
    """Doc → value ids in CSR form from each segment's values (with the segment's base); with
    ``merge``, values merged into their canonical one, each counted once per document."""
    n = len(alive)
    merge = merge or {}
    values = tuple(sorted({merge.get(v, v) for (vals, _, _), _ in parts for v in vals}))
    index = {v: i for i, v in enumerate(values)}
    index.update({v: index[c] for v, c in merge.items() if c in index})
    docs = [np.zeros(0, np.int64)]
    ids = [np.zeros(0, np.int64)]
    for (vals, local, vids), base in parts:
        if len(vals):
            docs.append(local + base)
            ids.append(np.array([index[v] for v in vals], np.int64)[vids])
    all_docs, all_vids = np.concatenate(docs), np.concatenate(ids)
    keep = alive[all_docs]
    all_docs, all_vids = all_docs[keep], all_vids[keep].astype(np.int32)
    order = np.lexsort((all_vids, all_docs))
    all_docs, all_vids = all_docs[order], all_vids[order]
    if merge and len(all_docs):  # two merged values of one document count once
        first = np.ones(len(all_docs), bool)
        first[1:] = (all_docs[1:] != all_docs[:-1]) | (all_vids[1:] != all_vids[:-1])
        all_docs, all_vids = all_docs[first], all_vids[first]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(all_docs, minlength=n), out=indptr[1:])
    return Facet(values, indptr=indptr, indices=all_vids, merge=merge)
