"""The first results in order without a full sort are those of a full sort, ties included,
and a reprint-collapsed page is the same."""

from __future__ import annotations

import numpy as np

from indexer.search.days import NO_DATE
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


def _collapsed_by_loop(order: np.ndarray, reprints: Reprints, dates: np.ndarray,
                       by_rank: bool) -> list[int]:
    """What ``collapse`` promises, one article at a time: each group once, as its earliest
    article in ``order`` (undated last, then by docnum), at the place of its best-ranked one
    (``by_rank``) or of that earliest article."""
    def age(d: int) -> tuple:
        return (dates[d] == NO_DATE, int(dates[d]), d)

    present: dict[int, list[int]] = {}
    for d in order.tolist():
        if reprints.group[d] >= 0:
            present.setdefault(int(reprints.group[d]), []).append(d)
    shown = {g: min(ds, key=age) for g, ds in present.items()}
    out, done = [], set()
    for d in order.tolist():
        g = int(reprints.group[d])
        if g < 0:
            out.append(d)
        elif g not in done and (by_rank or d == shown[g]):
            done.add(g)
            out.append(shown[g])
    return out


def test_collapse_shows_each_group_once_as_its_earliest_article() -> None:
    rng = np.random.default_rng(5)
    for _ in range(60):
        n = int(rng.integers(5, 400))
        group = np.full(n, -1, np.int32)
        members = []
        for _ in range(int(rng.integers(0, n // 2 + 1))):
            docs_g = rng.choice(n, int(rng.integers(2, 6)), replace=False)
            if (group[docs_g] >= 0).any():
                continue
            group[docs_g] = len(members)
            members.append(np.sort(docs_g).astype(np.int64))
        reprints = Reprints(group, members)
        dates = rng.integers(0, 30, n).astype(np.int32)  # ties of dates
        dates[rng.random(n) < 0.2] = NO_DATE
        order = rng.permutation(n)[: int(rng.integers(1, n + 1))]
        for by_rank in (True, False):
            got = collapse(order, reprints, dates, by_rank).tolist()
            assert got == _collapsed_by_loop(order, reprints, dates, by_rank)


def test_pages_when_most_results_are_reprints() -> None:
    """Four articles in five in groups: the head grows until the page can be filled, and the
    page is that of a full sort."""
    rng = np.random.default_rng(3)
    n = 20_000
    group = np.full(n, -1, np.int32)
    members = []
    docs_all = rng.permutation(n)
    for start in range(0, int(n * 0.8), 8):
        docs_g = docs_all[start:start + 8]
        group[docs_g] = len(members)
        members.append(np.sort(docs_g).astype(np.int64))
    reprints = Reprints(group, members)
    dates = rng.integers(0, 9000, n).astype(np.int32)
    docs = np.arange(n)
    key = rng.random(n)
    for page, size in ((1, 10), (2, 10), (5, 20)):
        need = page * size
        full = collapse(_full(docs, key, -dates), reprints, dates, True)
        got = collapse(ordered(docs, key, -dates, need, group), reprints, dates, True)
        assert got[(page - 1) * size:need].tolist() == full[(page - 1) * size:need].tolist()
