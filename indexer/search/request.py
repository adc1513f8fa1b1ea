"""A search request: its URL parameters, checked and bounded, and back."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from indexer.catalog import FACET_KINDS, SORT_NAMES
from indexer.search.errors import BadRequest

MAX_SIZE = 100
MAX_PAGE = 10**9  # a page past the last is empty (cheap: only the page's hits are built)
MAX_QUERY = 1000  # characters; a longer query is a bad request
FACET_SIZE = 15
MAX_FACET_SIZE = 200  # a larger facet_size is lowered to this, with a warning
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    size: int = 10
    sort: str = "relevance"
    date_from: str | None = None
    date_to: str | None = None
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    facets: bool = True
    facet_size: int = FACET_SIZE
    correct: bool = True  # typos, layout, script and other names; off: only what was typed
    # The size of the first page that partial matches fill up when full ones do not (the
    # page's own size unless a caller fetching more at a time, as the CSV export, says so).
    fill: int | None = None
    warnings: list[str] = field(default_factory=list)  # what was cut to keep the request bounded

    def filters(self) -> dict[str, list[str]]:
        """The facet filters by facet name («persons» → the values asked for)."""
        return {kind.name: getattr(self, kind.name) for kind in FACET_KINDS}

    def filtered(self) -> bool:
        """Whether a date or a facet value narrows the search."""
        return bool(self.date_from or self.date_to or any(self.filters().values()))


def _values(params, key: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [str(v) for v in params.getlist(key)]
    value = params.get(key) if isinstance(params, Mapping) else None
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _one(params, key: str) -> str | None:
    values = _values(params, key)
    return values[0] if values else None


def _int(params, key: str, default: int, lo: int, hi: int, code: str, ru: str) -> int:
    raw = _one(params, key)
    if raw is None or raw.strip() == "":
        return default
    digits = raw.strip()
    # Only ASCII digits: int() would also take «1_0», full-width «５» and Arabic-Indic digits.
    value = int(digits) if digits.isascii() and digits.lstrip("-").isdigit() else None
    if value is None or not lo <= value <= hi:
        raise BadRequest(code, f"{key} must be an integer from {lo} to {hi}, not {raw!r}",
                         f"{ru}: целое число от {lo} до {hi}")
    return value


def normalise_date(value: str, end: bool) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as ``YYYY-MM-DD``: the first day of the period,
    or with ``end`` the last. Raises BadRequest."""
    m = _DATE.match(value.strip())
    try:
        if not m:
            raise ValueError(value)
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            last = calendar.monthrange(int(year), int(month))[1]
            return dt.date(int(year), int(month), last if end else 1).isoformat()
        return dt.date(int(year), 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError:
        raise BadRequest("bad_date", f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}",
                         f"Неверная дата «{value}»: нужен формат ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД"
                         ) from None


def parse_request(params) -> SearchRequest:
    """A SearchRequest from URL parameters (a MultiDict or a mapping). Raises BadRequest."""
    q = (_one(params, "q") or "").strip()
    if len(q) > MAX_QUERY:
        raise BadRequest("bad_param", f"q is longer than {MAX_QUERY} characters",
                         f"Запрос длиннее {MAX_QUERY} символов")
    warnings: list[str] = []
    sort = (_one(params, "sort") or "relevance").strip() or "relevance"
    if sort not in SORT_NAMES:
        raise BadRequest("bad_sort", f"sort must be one of {', '.join(SORT_NAMES)}, not {sort!r}",
                         "Неизвестный порядок сортировки")
    date_from = (_one(params, "from") or "").strip()
    date_to = (_one(params, "to") or "").strip()
    req = SearchRequest(
        q=q,
        page=_int(params, "page", 1, 1, MAX_PAGE, "bad_page", "Номер страницы"),
        size=_int(params, "size", 10, 1, MAX_SIZE, "bad_size", "Размер страницы"),
        sort=sort,
        date_from=normalise_date(date_from, end=False) if date_from else None,
        date_to=normalise_date(date_to, end=True) if date_to else None,
        facet_size=_int(params, "facet_size", FACET_SIZE, 1, 10**9, "bad_param",
                        "Число значений фасета"),
        warnings=warnings,
    )
    if req.facet_size > MAX_FACET_SIZE:
        req.facet_size = MAX_FACET_SIZE
        warnings.append(f"facets show at most {MAX_FACET_SIZE} values")
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise BadRequest("bad_date", "from is after to", "Начальная дата позже конечной")
    for kind in FACET_KINDS:
        setattr(req, kind.name, [v.strip() for v in _values(params, kind.param) if v.strip()])
    req.facets = _flag(params, "facets")
    req.correct = _flag(params, "correct")
    return req


def _flag(params, key: str) -> bool:
    """A yes/no parameter, yes when absent."""
    value = (_one(params, key) or "1").strip().lower()
    if value not in ("0", "1", "false", "true", "no", "yes", "off", "on", ""):
        raise BadRequest("bad_param", f"{key} must be 0 or 1, not {value!r}",
                         f"Параметр {key}: 0 или 1")
    return value not in ("0", "false", "no", "off")


def request_params(req: SearchRequest, **changes) -> list[tuple[str, str]]:
    """The URL parameters of a request (defaults left out), with ``changes`` applied."""
    r = replace(req, **changes)
    out: list[tuple[str, str]] = []
    if r.q:
        out.append(("q", r.q))
    if r.date_from:
        out.append(("from", r.date_from))
    if r.date_to:
        out.append(("to", r.date_to))
    for kind in FACET_KINDS:
        out += [(kind.param, v) for v in getattr(r, kind.name)]
    if r.sort != "relevance":
        out.append(("sort", r.sort))
    if r.size != 10:
        out.append(("size", str(r.size)))
    if r.page != 1:
        out.append(("page", str(r.page)))
    out += [(flag, "0") for flag in ("facets", "correct") if not getattr(r, flag)]
    if r.facet_size != FACET_SIZE:
        out.append(("facet_size", str(r.facet_size)))
    return out
