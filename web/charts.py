"""The date histogram as an inline SVG chart: bars, labels and links, no JavaScript."""

from __future__ import annotations

from typing import Any

from web import format as fmt


def fill_gaps(buckets: list[dict]) -> list[dict]:
    """Year or month buckets with the missing periods added as empty ones, so time is to scale."""
    keys = [b["key"] for b in buckets]
    if len(keys) < 2 or any(len(k) not in (4, 7) or len(k) != len(keys[0]) for k in keys):
        return buckets
    by_key = {b["key"]: b for b in buckets}
    try:
        if len(keys[0]) == 4:
            periods = [str(y) for y in range(int(min(keys)), int(max(keys)) + 1)]
        else:
            start, end = (int(k[:4]) * 12 + int(k[5:]) - 1 for k in (min(keys), max(keys)))
            periods = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]
    except ValueError:
        return buckets
    if len(periods) > 400:
        return buckets
    return [by_key.get(k) or {"key": k, "count": 0, "from": k, "to": k} for k in periods]


def histogram(buckets: list[dict], url: Any, active: tuple[str | None, str | None] = (None, None),
              width: int = 300, height: int = 90) -> dict:
    """Bars of an inline SVG chart: geometry, labels and links (``url(bucket)``)."""
    buckets = fill_gaps(buckets)
    top = max((b["count"] for b in buckets), default=0) or 1
    step = width / max(len(buckets), 8)  # a few buckets do not become very wide bars
    offset = (width - step * len(buckets)) / 2
    gap = min(2.0, step * 0.2)
    bars = []
    for i, b in enumerate(buckets):
        h = round(b["count"] / top * (height - 4), 1) if b["count"] else 0
        if b["count"] and h < 2:
            h = 2
        bars.append({
            "x": round(offset + i * step + gap / 2, 2), "w": round(step - gap, 2),
            "y": round(height - h, 1), "h": h, "count": b["count"],
            "label": fmt.period(b["key"]), "url": url(b) if b["count"] else None,
            "active": (b.get("from"), b.get("to")) == active and active != (None, None),
        })
    return {
        "bars": bars, "width": width, "height": height,
        "first": fmt.period_short(buckets[0]["key"]) if buckets else "",
        "last": fmt.period_short(buckets[-1]["key"]) if buckets else "",
    }
