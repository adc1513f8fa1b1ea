"""Dates as people type them in a search: ``ДД.ММ.ГГГГ``, ``ММ.ГГГГ``, ``ГГГГ`` and ISO
(``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), read as the first or the last day of the period."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from indexer.search.errors import BadRequest

# ISO: 2019, 2019-06, 2019-06-19; Russian: 19.06.2019, 6.2019 (also with «/»).
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", re.ASCII)
_DOTTED = re.compile(r"^(?:(\d{1,2})[./])?(\d{1,2})[./](\d{4})$", re.ASCII)
FORMATS_EN = "DD.MM.YYYY, MM.YYYY, YYYY, YYYY-MM or YYYY-MM-DD"
FORMATS_RU = "ДД.ММ.ГГГГ, ММ.ГГГГ, ГГГГ или ГГГГ-ММ-ДД"
FIELD_NAMES_RU = {"from": "«с даты»", "to": "«по дату»"}


def _parts(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a typed date, month and day None where not given."""
    iso = _ISO.match(text)
    if iso:
        year, month, day = iso.groups()
        return int(year), int(month) if month else None, int(day) if day else None
    dotted = _DOTTED.match(text)
    if dotted:
        day, month, year = dotted.groups()
        return int(year), int(month), int(day) if day else None
    return None


def read_date(value: str, end: bool, param: str = "from") -> str:
    """The typed date as ISO ``YYYY-MM-DD``: the first day of the period, or with ``end`` the
    last. Raises BadRequest naming the field (``param``) and the formats it takes."""
    text = value.strip()
    parts = _parts(text)
    try:
        if parts is None or parts[0] < 1:
            raise ValueError(text)
        year, month, day = parts
        if day is not None and month is not None:
            return dt.date(year, month, day).isoformat()
        if month is not None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, last if end else 1).isoformat()
        return dt.date(year, 12 if end else 1, 31 if end else 1).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        field = FIELD_NAMES_RU.get(param, f"«{param}»")
        raise BadRequest(
            "bad_date", f"{param}: not a date ({FORMATS_EN}): {value!r}",
            f"Поле {field}: «{text}» — не дата. Можно так: {FORMATS_RU}.") from None


def dotted(iso: str | None) -> str:
    """An ISO date as people here write it: «2019-06-19» → «19.06.2019»; "" for None."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"
