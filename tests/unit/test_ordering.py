"""The first results in order without a full sort are those of a full sort, ties included,
and a reprint-collapsed page is the same."""

from __future__ import annotations

import numpy as np

from indexer.search.ordering import ordered
from indexer.search.reprints import Reprints, collapse


def _full(docs: np.ndarray, key: np.ndarray, second: np.ndarray) -> np.ndarray:
    return docs[np.lexsort((second, key))]


def test_the_first_need_are_in_the_order_of_a_full_sort() -> None:
    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(1, 3000))
        docs = np.sort(rng.choice(10_000, n, replace=False))
        key = rng.integers(0, 50 if trial % 2 else 10_000, n).astype(np.float32)  # ties
        second = rng.integers(0, 5, n)
        need = int(rng.integers(1, 200))
        got = ordered(docs, key, second, need)
        full = _full(docs, key, second)
        assert got[:need].tolist() == full[:need].tolist()
        assert sorted(got.tolist()) == docs.tolist()  # every document, once


def test_pages_of_collapsed_reprints_are_those_of_a_full_sort() -> None:
    rng = np.random.default_rng(11)
    n = 20_000
    group = np.full(n, -1, np.int32)
    members = []
    for _ in range(3000):  # half the articles in groups of five
        docs_g = rng.choice(n, 5, replace=False)
        if (group[docs_g] >= 0).any():
            continue
        group[docs_g] = len(members)
        members.append(np.sort(docs_g).astype(np.int64))
    reprints = Reprints(group, members)
    dates = rng.integers(0, 9000, n).astype(np.int32)
    docs = np.arange(n)
    key = rng.random(n)  # no ties: the head is no larger than asked
    second = -dates
    for page, size in ((1, 10), (2, 10), (3, 10), (7, 50)):
        need = page * size
        full = collapse(_full(docs, key, second), reprints, dates, True)
        got = collapse(ordered(docs, key, second, need, group), reprints, dates, True)
        start = (page - 1) * size
        assert got[start:need].tolist() == full[start:need].tolist()
        assert len(got) == len(full)
