"""The proximity windows of many documents at once are those of one document at a time."""

from __future__ import annotations

import numpy as np

from indexer.search.windows import Window, window_arrays


def test_window_arrays_are_window_of_for_every_document() -> None:
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(300):
        k = int(rng.integers(2, 5))
        docs = np.sort(rng.choice(500, int(rng.integers(1, 40)), replace=False))
        lists = {int(d): [sorted(set(rng.integers(0, int(rng.integers(2, 60)),
                                                  int(rng.integers(0, 6))).tolist()))
                          for _ in range(k)] for d in docs}
        keys = [np.array(sorted((d << 32) | p for d in lists for p in lists[d][j]), np.int64)
                for j in range(k)]
        found, span, ordered, lo, hi = window_arrays(keys, docs)
        for row, d in enumerate(docs.tolist()):
            w = Window.of(lists[d], k)
            assert (found[row], span[row], ordered[row]) == (w.found, w.span, w.ordered)
            if w.span:
                assert (lo[row], hi[row]) == (w.lo, w.hi)
            checked += 1
    assert checked > 3000
