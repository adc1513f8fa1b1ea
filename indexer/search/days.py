"""Dates as search keeps them: days since 1970-01-01 in an int32 array, ``NO_DATE`` when an
article has none (the int32 minimum, millions of years before year 1: no date is ever it,
where −1 was 1969-12-31)."""

from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1970, 1, 1)
NO_DATE = -(2**31)
_EPOCH_ORDINAL = EPOCH.toordinal()


def to_days(value: str | dt.date) -> int:
    """An ISO date (or a date) as days since 1970-01-01."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return day.toordinal() - _EPOCH_ORDINAL


def to_iso(days: int) -> str | None:
    """Days since 1970-01-01 as an ISO date; None for ``NO_DATE``."""
    return dt.date.fromordinal(days + _EPOCH_ORDINAL).isoformat() if days != NO_DATE else None
