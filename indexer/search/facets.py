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
MAX_BUCKETS = 200
SPANS = ((1, "year"), (10, "decade"), (100, "century"), (1000, "millennium"))


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
    first to the last (empty ones with 0): (granularity, [{"key","count","from","to"}]).
    At most ``MAX_BUCKETS`` bins, whatever the dates (years 1 and 9999 in one result made
    9,999): past that, only the years that hold articles, else decades, centuries."""
    if not len(days):
        return None, []
    lo, hi = int(days.min()), int(days.max())
    d = days.astype("datetime64[D]")
    if hi - lo > DAYS_BY_YEAR:
        years = d.astype("datetime64[Y]").astype(np.int64) + 1970
        return _by_years(years)
    if hi - lo > DAYS_BY_MONTH:
        months = d.astype("datetime64[M]").astype(np.int64)
        first = int(months.min())
        counts = np.bincount(months - first)
        out = []
        for i, c in enumerate(counts):
            year, month = divmod(first + i, 12)
            year += 1970
            last = calendar.monthrange(year, month + 1)[1]
            key = f"{year:04d}-{month + 1:02d}"
            out.append({"key": key, "count": int(c), "from": f"{key}-01", "to": f"{key}-{last}"})
        return "month", out
    counts = np.bincount(days - lo)
    out = []
    for i, c in enumerate(counts):
        day = (EPOCH + dt.timedelta(days=lo + i)).isoformat()
        out.append({"key": day, "count": int(c), "from": day, "to": day})
    return "day", out


def _by_years(years: np.ndarray) -> tuple[str, list[dict]]:
    """Year bins: every year from the first to the last when they are few enough, else the
    years that hold articles, else spans of 10, 100 or 1,000 years that hold articles."""
    first = int(years.min())
    if int(years.max()) - first < MAX_BUCKETS:
        counts = np.bincount(years - first)
        return "year", [_years(first + i, first + i, int(c)) for i, c in enumerate(counts)]
    for step, name in SPANS:
        starts, counts = np.unique(years // step * step, return_counts=True)
        if len(starts) <= MAX_BUCKETS:
            return name, [_years(int(y), int(y) + step - 1, int(c))
                          for y, c in zip(starts, counts, strict=True)]
    raise AssertionError("dates span more than 9,999 years")  # years are 1–9999


def _years(start: int, end: int, count: int) -> dict:
    start, end = max(start, 1), min(end, 9999)
    key = f"{start:04d}" if start == end else f"{start:04d}–{end:04d}"
    return {"key": key, "count": count, "from": f"{start:04d}-01-01", "to": f"{end:04d}-12-31"}
