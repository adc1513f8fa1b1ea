"""Article dates as the archive gives them."""

from __future__ import annotations

import datetime as dt
import re

from indexer.records import Problem

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not a real date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def article_date(value: str | None, rel: str, line: int | None
                 ) -> tuple[dt.date | None, Problem | None]:
    """The date of an article, and the warning when it has none or a bad one (it is then
    indexed undated)."""
    if value is None:
        return None, Problem(rel, "no date: indexed undated", line, skipped=False)
    date = parse_date(value)
    if date is None:
        return None, Problem(rel, f"bad date {value!r}: indexed undated", line, skipped=False)
    return date, None
