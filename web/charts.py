"""The date histogram: an SVG of bars (each a link) with HTML labels under it, no JavaScript.

The bins come from the search (at most 31: each bar is at least 12 px wide on a 390 px
phone). The SVG stretches to the width of the page; its labels are HTML cells of equal width
under it, so they keep their size: years, or months and days with their year. A bar of a year
leads to its months, a month to its days. Undated articles are a bar of their own. On a touch
screen (no hover, no tooltips) every bar is also listed with its count.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from web import format as fmt

HEIGHT = 60  # viewBox units; the SVG is as tall as the stylesheet says
STEP = 20  # viewBox units per bar; the SVG is stretched to the page's width
LABELS = 8  # at most this many labels in a row (each needs room on a phone)
# Characters of an axis label that fit under one column on a 390 px phone (12 columns or more
# at 0.75rem): «2010» needs two columns, «2010–19» three, «мар» one.
COLUMN_CHARS = 3
COLUMNS = 12  # at least this many columns: two bins do not become two half-page bars


@dataclass
class Bar:
    x: float
    w: float
    y: float
    h: float
    count: int
    label: str  # the period in words: «март 2017»
    short: str  # on the axis: «мар»
    url: str | None
    active: bool


@dataclass
class Chart:
    bars: list[Bar]
    width: int
    height: int
    unit: str  # «в год», «в месяц», «в день»
    top: int  # the tallest bar's count (the y axis)
    ticks: list[str]  # one cell per bar: the axis label or ""
    spans: list[str]  # one cell per bar: the year (or month and year) where it starts, or ""
    undated: int = 0
    undated_url: str | None = None
    undated_active: bool = False
    up: list[tuple[str, str]] = field(default_factory=list)  # (label, url) to zoom out


def histogram(bins: list[dict], granularity: str | None, url: Callable[[dict], str],
              active: tuple[str | None, str | None] = (None, None)) -> Chart:
    """The chart of ``bins`` ({"key", "count", "from", "to"}); ``url(bin)`` is a bar's link."""
    top = max((b["count"] for b in bins), default=0)
    columns = max(len(bins), COLUMNS)
    width = STEP * columns
    gap = STEP * 0.04
    bars = []
    for i, b in enumerate(bins):
        h = round(b["count"] / top * (HEIGHT - 2), 1) if b["count"] else 0
        bars.append(Bar(
            x=round(i * STEP + gap / 2, 2), w=round(STEP - gap, 2), y=round(HEIGHT - h, 1),
            h=max(h, 1.5) if b["count"] else 0, count=b["count"],
            label=_label(b, granularity), short=_short(b, granularity),
            url=url(b) if b["count"] else None,
            active=(b.get("from"), b.get("to")) == active,
        ))
    ticks, spans = _axis(bins, granularity)
    blank = [""] * (columns - len(bins))
    return Chart(bars, width, HEIGHT, fmt.UNITS.get(granularity or "", ""), top, ticks + blank,
                 spans + blank)


def year_bins(years: list[dict]) -> list[dict]:
    """The archive's articles per year ({"key", "count"}) as histogram bins, every year from
    the first to the last."""
    if not years:
        return []
    counts = {int(y["key"]): y["count"] for y in years}
    first, last = min(counts), max(counts)
    return [{"key": f"{y:04d}", "count": counts.get(y, 0), "from": f"{y:04d}-01-01",
             "to": f"{y:04d}-12-31"} for y in range(first, last + 1)]


def _years_of(b: dict) -> tuple[int, int]:
    return int(b["from"][:4]), int(b["to"][:4])


def _label(b: dict, granularity: str | None) -> str:
    if granularity == "year":
        first, last = _years_of(b)
        return str(first) if first == last else f"{first}–{last}"
    return fmt.period(b["key"])


def _short(b: dict, granularity: str | None) -> str:
    if granularity == "year":
        first, last = _years_of(b)
        if first == last:
            return str(first)
        a, z = str(first), str(last)
        same_century = len(a) == len(z) == 4 and a[:2] == z[:2]  # «2010–19», but «1–499»
        return f"{a}–{z[2:]}" if same_century else f"{a}–{z}"
    if granularity == "month":
        return fmt.MONTHS_SHORT[int(b["key"][5:7]) - 1]
    return str(int(b["key"][8:10]))


def _axis(bins: list[dict], granularity: str | None) -> tuple[list[str], list[str]]:
    """Axis labels (every k-th bar, so that at most ``LABELS`` show and none is wider than the
    columns it has on a phone) and, for months and days,
    a second row naming the year (or month) where the chart starts and where a new one
    begins."""
    shorts = [_short(b, granularity) for b in bins]
    widest = max((len(t) for t in shorts), default=1)
    every = max(1, math.ceil(len(bins) / LABELS), math.ceil(widest / COLUMN_CHARS))
    ticks = [t if i % every == 0 else "" for i, t in enumerate(shorts)]
    spans = [""] * len(bins)
    if granularity in ("month", "day"):
        for i, b in enumerate(bins):
            start = dt.date.fromisoformat(b["from"])
            new = i == 0 or (start.month == 1 if granularity == "month" else start.day == 1)
            if new:
                spans[i] = (str(start.year) if granularity == "month"
                            else f"{fmt.MONTHS_NOMINATIVE[start.month - 1]} {start.year}")
    named = [i for i, s in enumerate(spans) if s]
    for i, j in zip(named, named[1:], strict=False):
        if j - i < 4:  # no room for both: the later one names what most of the chart shows
            spans[i] = ""
    return ticks, spans
