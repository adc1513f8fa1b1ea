"""Facet counts over a result set, in bulk from the per-view arrays (no per-hit loops)."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from indexer.search.days import EPOCH, to_days
from indexer.search.facet_arrays import Facet

# At most this many bars in the date histogram, so that each is at least 12 px wide on a phone:
# a month by days, 31 months by months, else years (grouped by 2, 5, 10 … past 31 years).
MAX_BINS = 31
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def top_values(facet: Facet, mask: np.ndarray, size: int,
               counts: np.ndarray | None = None) -> list[dict]:
    """The ``size`` most frequent values among the documents in ``mask`` (or of ``counts``
    already made): [{"value","count"}]."""
    counts = facet.counts(mask) if counts is None else counts
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > size:
        part = np.argpartition(-counts[nonzero], size - 1)[:size]
        # Include every value tied with the last one kept, then sort and cut, so ties are
        # broken by name rather than by the partition's whim.
        floor = counts[nonzero[part]].min()
        nonzero = nonzero[counts[nonzero] >= floor]
    ranked = sorted(nonzero.tolist(), key=lambda i: (-counts[i], facet.values[i]))[:size]
    return [{"value": facet.values[i], "count": int(counts[i])} for i in ranked]


def _day(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=days)


def one_period(date_from: str | None, date_to: str | None) -> tuple[int, int] | None:
    """The range of a filter that is exactly one calendar month or year (a histogram
    drill-down), as days; else None."""
    if not date_from or not date_to:
        return None
    start, end = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    if start.day != 1 or start.year != end.year:
        return None
    month_end = end.day == calendar.monthrange(end.year, end.month)[1]
    whole_month = start.month == end.month and month_end
    whole_year = (start.month, end.month, end.day) == (1, 12, 31)
    return (to_days(start), to_days(end)) if whole_month or whole_year else None


def date_histogram(days: np.ndarray, period: tuple[int, int] | None = None
                   ) -> tuple[str | None, list[dict]]:
    """Counts of the dates (days since 1970-01-01) by day, month or year, every bin from the
    first to the last (empty ones with 0), at most ``MAX_BINS``: (granularity,
    [{"key","count","from","to"}]). ``period`` (a filter of one month or year) is shown whole."""
    if not len(days):
        return None, []
    lo, hi = int(days.min()), int(days.max())
    if period is not None:
        lo, hi = min(lo, period[0]), max(hi, period[1])
    first, last = _day(lo), _day(hi)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if hi - lo + 1 <= MAX_BINS:
        counts = np.bincount(days - lo, minlength=hi - lo + 1)
        return "day", [_bin(_day(lo + i), _day(lo + i), c) for i, c in enumerate(counts)]
    if months <= MAX_BINS:
        d = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        base = (first.year - 1970) * 12 + first.month - 1
        counts = np.bincount(d - base, minlength=months)
        out = []
        for i, c in enumerate(counts):
            year, month = divmod(base + i, 12)
            start = dt.date(year + 1970, month + 1, 1)
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            out.append(_bin(start, end, c, start.isoformat()[:7]))
        return "month", out
    return "year", _years(days, first.year, last.year)


def _years(days: np.ndarray, first: int, last: int) -> list[dict]:
    """Bins of one year, or of 2, 5, 10 … years (aligned on multiples of the step) when there
    are more than ``MAX_BINS`` years."""
    step = next(s for s in YEAR_STEPS if last // s - first // s + 1 <= MAX_BINS)
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    start = first // step * step
    counts = np.bincount((years - start) // step, minlength=(last - start) // step + 1)
    out = []
    for i, c in enumerate(counts):
        y0 = start + i * step
        y1 = min(y0 + step - 1, dt.MAXYEAR)
        out.append(_bin(dt.date(max(y0, 1), 1, 1), dt.date(y1, 12, 31), c, f"{max(y0, 1):04d}"))
    return out


def _bin(start: dt.date, end: dt.date, count, key: str | None = None) -> dict:
    return {"key": key or start.isoformat(), "count": int(count), "from": start.isoformat(),
            "to": end.isoformat()}
