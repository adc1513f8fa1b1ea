"""Results in order without sorting all of them: the first ``need`` (the pages up to the one
asked for) are found with a partition and sorted; the rest follow unsorted. A page of a
100,000-article result sorts a few hundred articles, not 100,000.

The order of the first ``need`` is exactly that of a full sort (ties at the cut included: every
article with a key up to the ``need``-th one is sorted). Reprints shown once
(``indexer.search.reprints.collapse``) take an article's place from the group's best-ranked
member, which lies in the sorted head whenever any member does; so it is enough that the head
holds ``need`` articles besides any reprint members in it, else it is made larger.
"""

from __future__ import annotations

import numpy as np

from indexer.search.days import NO_DATE
from indexer.search.view import IndexView

NEED_MAX_ROUNDS = 4


def ordered(docs: np.ndarray, key: np.ndarray, second: np.ndarray, need: int | None,
            group: np.ndarray | None = None) -> np.ndarray:
    """``docs`` by ``key``, then ``second``, then position (all ascending): the first ``need``
    in that order, then the others unordered (all in order when ``need`` is None or not much
    smaller than the result). ``group``: the reprint group of every docnum (-1: none)."""
    size = need or 0  # the sorted head, grown until the page's ``need`` can be filled
    for _ in range(NEED_MAX_ROUNDS):
        if need is None or not 0 < size < len(docs) // 2:
            break
        kth = np.partition(key, size - 1)[size - 1]
        head = key <= kth
        shown = int(np.count_nonzero(head))
        if group is not None:
            shown -= int(np.count_nonzero(group[docs[head]] >= 0))
        if shown >= need:  # the page's own need: a larger head is not asked to fill more
            first = np.flatnonzero(head)
            first = first[np.lexsort((second[first], key[first]))]
            return np.concatenate([docs[first], docs[~head]])
        size *= 2
    return docs[np.lexsort((second, key))]


def by_date(view: IndexView, docs: np.ndarray, newest: bool,
            score: np.ndarray | None = None, need: int | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum; only the first ``need``
    in order (``ordering.ordered``), all when None."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return ordered(docs, key, second, need, view.reprints.group)
