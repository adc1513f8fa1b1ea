"""Facet counts of a multi-valued field: gathered over a small result's documents, as every
document's counts less the few left out for a large one, or through a mask of every value in
between; each counts what a loop over the documents counts."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.search.facet_arrays import SPARSE_SHARE, Facet


def csr_facet(rng: np.random.Generator, n: int, values: int) -> tuple[Facet, list[list[int]]]:
    per_doc = [sorted(set(rng.integers(0, values, rng.integers(0, 6)).tolist())) for _ in range(n)]
    indptr = np.zeros(n + 1, np.int64)
    indptr[1:] = np.cumsum([len(v) for v in per_doc])
    indices = np.array([i for v in per_doc for i in v], np.int32)
    return Facet([f"v{i}" for i in range(values)], indptr=indptr, indices=indices), per_doc


@pytest.mark.parametrize("share", [0.0, 0.001, 0.05, 1 / SPARSE_SHARE - 0.01, 0.5,
                                   1 - 1 / SPARSE_SHARE + 0.01, 0.95, 1.0])
def test_counts_of_small_and_large_results(share: float) -> None:
    rng = np.random.default_rng(7)
    facet, per_doc = csr_facet(rng, 4000, 50)
    mask = rng.random(4000) < share
    expected = np.zeros(50, np.int64)
    for doc in np.flatnonzero(mask):
        for value in per_doc[doc]:
            expected[value] += 1
    assert np.array_equal(facet.counts(mask), expected)
    assert np.array_equal(facet.counts(mask), expected)  # again, every document's counts kept
