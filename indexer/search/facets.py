"""Facet counts over a result set, in bulk from the per-view arrays (no per-hit loops)."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from indexer.search.days import EPOCH
from indexer.search.facet_arrays import Facet

# Results spanning more than this many days are counted by year, else by month when they
# span more than DAYS_BY_MONTH days, else by day.
DAYS_BY_YEAR = 3 * 365
DAYS_BY_MONTH = 62


def top_values(facet: Facet, mask: np.ndarray, size: int) -> list[dict]:
    """The ``size`` most frequent values among the documents in ``mask``: [{"value","count"}]."""
    counts = facet.counts(mask)
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > size:
        part = np.argpartition(-counts[nonzero], size - 1)[:size]
        # Include every value tied with the last one kept, then sort and cut, so ties are
        # broken by name rather than by the partition's whim.
        floor = counts[nonzero[part]].min()
        nonzero = nonzero[counts[nonzero] >= floor]
    ranked = sorted(nonzero.tolist(), key=lambda i: (-counts[i], facet.values[i]))[:size]
    return [{"value": facet.values[i], "count": int(counts[i])} for i in ranked]


def date_histogram(days: np.ndarray) -> tuple[str | None, list[dict]]:
    """Counts of the dates (days since 1970-01-01) by year, month or day, every bin from the
    first to the last (empty ones with 0): (granularity, [{"key","count","from","to"}])."""
    if not len(days):
        return None, []
    lo, hi = int(days.min()), int(days.max())
    d = days.astype("datetime64[D]")
    if hi - lo > DAYS_BY_YEAR:
        years = d.astype("datetime64[Y]").astype(np.int64) + 1970
        first = int(years.min())
        counts = np.bincount(years - first)
        return "year", [
            {"key": str(first + i), "count": int(c), "from": f"{first + i}-01-01",
             "to": f"{first + i}-12-31"}
            for i, c in enumerate(counts)
        ]
    if hi - lo > DAYS_BY_MONTH:
        months = d.astype("datetime64[M]").astype(np.int64)
        first = int(months.min())
        counts = np.bincount(months - first)
        out = []
        for i, c in enumerate(counts):
            year, month = divmod(first + i, 12)
            year += 1970
            last = calendar.monthrange(year, month + 1)[1]
            key = f"{year}-{month + 1:02d}"
            out.append({"key": key, "count": int(c), "from": f"{key}-01", "to": f"{key}-{last}"})
        return "month", out
    counts = np.bincount(days - lo)
    out = []
    for i, c in enumerate(counts):
        day = (EPOCH + dt.timedelta(days=lo + i)).isoformat()
        out.append({"key": day, "count": int(c), "from": day, "to": day})
    return "day", out
