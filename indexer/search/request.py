"""A search request: its URL parameters, checked and bounded, and back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from indexer.catalog import FACET_KINDS, SORT_NAMES
from indexer.search.date_input import read_date
from indexer.search.errors import BadRequest

MAX_SIZE = 100
MAX_PAGE = 10**9  # a page past the last is empty (cheap: only the page's hits are built)
MAX_QUERY = 1000  # characters; a longer query (or filter value) is a bad request
MAX_FILTER_VALUES = 32  # facet filter values in a request, like the words of a query
FACET_SIZE = 15
MAX_FACET_SIZE = 200  # a larger facet_size is lowered to this, with a warning
# With a date range: leave undated articles out (""), count them in ("include"), or ask for
# nothing but the undated ("only", no range then).
UNDATED = ("", "include", "only")
ALL = "all"  # ``person_mode=all``: every value asked for must be mentioned (else any of them)


def mode_param(param: str) -> str:
    """The URL parameter saying how the values of a kind combine: ``person_mode``."""
    return f"{param}_mode"


def not_param(param: str) -> str:
    """The URL parameter of the values a kind must not have: ``not_person``."""
    return f"not_{param}"


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
    undated: str = ""  # one of UNDATED
    match_all: list[str] = field(default_factory=list)  # kinds whose values must all be there
    excluded: dict[str, list[str]] = field(default_factory=dict)  # kind → values left out
    collapse: bool = True  # reprints of one story shown as one hit
    facets: bool = True
    facet_size: int = FACET_SIZE
    correct: bool = True  # typos, layout, script and other names; off: only what was typed
    # The size of the first page that partial matches fill up when full ones do not (the
    # page's own size unless a caller fetching more at a time, as the CSV export, says so).
    fill: int | None = None
    warnings: list[str] = field(default_factory=list)  # what was cut to keep the request bounded
    snippets: bool = True  # highlighted snippets in the hits (the CSV export needs none)
    # URL parameter ("from", "to") → why its value was not used (Russian, for the page).
    field_errors: dict[str, str] = field(default_factory=dict)

    def filters(self) -> dict[str, list[str]]:
        """The facet filters by facet name («persons» → the values asked for)."""
        return {kind.name: getattr(self, kind.name) for kind in FACET_KINDS}

    def dated_range(self) -> bool:
        """Whether a date range narrows the search."""
        return bool(self.date_from or self.date_to) and self.undated != "only"

    def filtered(self) -> bool:
        """Whether a date, a facet value or an exclusion narrows the search."""
        return bool(self.date_from or self.date_to or self.undated == "only"
                    or any(self.filters().values()) or any(self.excluded.values()))


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
    """A typed date (``ДД.ММ.ГГГГ``, ``ММ.ГГГГ``, ``ГГГГ`` or ISO) as ``YYYY-MM-DD``: the first
    day of the period, or with ``end`` the last. Raises BadRequest."""
    return read_date(value, end, "to" if end else "from")


def _dates(params, lenient: bool) -> tuple[str | None, str | None, dict[str, str]]:
    """The date range asked for; with ``lenient`` a bad bound is left out and explained
    (param → Russian message) instead of failing the request."""
    bounds: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for param, end in (("from", False), ("to", True)):
        raw = (_one(params, param) or "").strip()
        try:
            bounds[param] = read_date(raw, end, param) if raw else None
        except BadRequest as err:
            if not lenient:
                raise
            bounds[param], errors[param] = None, err.message_ru
    lo, hi = bounds["from"], bounds["to"]
    if lo and hi and lo > hi:
        if not lenient:
            raise BadRequest("bad_date", "from is after to", "Начальная дата позже конечной")
        errors["to"] = "Поле «по дату» раньше, чем «с даты»: период не применён."
        lo = hi = None
    return lo, hi, errors


def _choice(params, key: str, allowed: tuple[str, ...], ru: str) -> str:
    value = (_one(params, key) or "").strip().lower()
    if value not in allowed:
        raise BadRequest("bad_param", f"{key} must be one of {', '.join(allowed)}, not {value!r}",
                         f"Параметр {key}: {ru}")
    return value


def _flag(params, key: str, default: bool) -> bool:
    value = (_one(params, key) or "").strip().lower()
    if value not in ("0", "1", "false", "true", "no", "yes", "off", "on", ""):
        raise BadRequest("bad_param", f"{key} must be 0 or 1, not {value!r}",
                         f"Параметр {key}: 0 или 1")
    return default if value == "" else value not in ("0", "false", "no", "off")


def _clean(values: list[str]) -> list[str]:
    """Values stripped, empty ones and repeats dropped, in the order given."""
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def bounded_query(q: str | None, name: str = "q") -> str:
    """A query (or a filter value) of at most ``MAX_QUERY`` characters, stripped; a longer
    one is a bad request, on every page that takes one."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        what = "Запрос" if name == "q" else f"Значение фильтра {name}"
        raise BadRequest("bad_param", f"{name} is longer than {MAX_QUERY} characters",
                         f"{what} длиннее {MAX_QUERY} символов")
    return q


def parse_request(params, lenient_dates: bool = False) -> SearchRequest:
    """A SearchRequest from URL parameters (a MultiDict or a mapping). Raises BadRequest; with
    ``lenient_dates`` (the pages) a bad date is left out and said in ``field_errors``."""
    q = bounded_query(_one(params, "q"))
    warnings: list[str] = []
    sort = (_one(params, "sort") or "relevance").strip() or "relevance"
    if sort not in SORT_NAMES:
        raise BadRequest("bad_sort", f"sort must be one of {', '.join(SORT_NAMES)}, not {sort!r}",
                         "Неизвестный порядок сортировки")
    date_from, date_to, errors = _dates(params, lenient_dates)
    undated = _choice(params, "undated", UNDATED, "include или only")
    req = SearchRequest(
        q=q,
        page=_int(params, "page", 1, 1, MAX_PAGE, "bad_page", "Номер страницы"),
        size=_int(params, "size", 10, 1, MAX_SIZE, "bad_size", "Размер страницы"),
        sort=sort,
        date_from=None if undated == "only" else date_from,
        date_to=None if undated == "only" else date_to,
        undated=undated,
        facet_size=_int(params, "facet_size", FACET_SIZE, 1, 10**9, "bad_param",
                        "Число значений фасета"),
        warnings=warnings,
        field_errors=errors,
    )
    if req.facet_size > MAX_FACET_SIZE:
        req.facet_size = MAX_FACET_SIZE
        warnings.append(f"facets show at most {MAX_FACET_SIZE} values")
    _set_filters(req, params)
    for kind in FACET_KINDS:
        mode = _choice(params, mode_param(kind.param), ("", "any", ALL), "any или all")
        if mode == ALL:
            req.match_all.append(kind.name)
    req.facets = _flag(params, "facets", True)
    req.collapse = _flag(params, "collapse", True)
    req.correct = _flag(params, "correct", True)
    return req


def _set_filters(req: SearchRequest, params) -> None:
    """The facet filters and exclusions, at most ``MAX_FILTER_VALUES`` values in all (repeats
    dropped): the first wanted value of each kind first, so that every kind asked for still
    narrows the search, then the other wanted values in order, then the excluded ones."""
    def asked(param: str) -> list[str]:
        return _clean([bounded_query(v, param) for v in _values(params, param)])

    wanted = {kind.name: asked(kind.param) for kind in FACET_KINDS}
    unwanted = {kind.name: asked(not_param(kind.param)) for kind in FACET_KINDS}
    kept = {name: values[:1] for name, values in wanted.items()}
    room = MAX_FILTER_VALUES - sum(map(len, kept.values()))
    for name, values in wanted.items():
        more = values[1:1 + max(0, room)]
        kept[name] += more
        room -= len(more)
    for name, values in kept.items():
        setattr(req, name, values)
    for name, values in unwanted.items():
        left = values[:max(0, room)]
        room -= len(left)
        if left:
            req.excluded[name] = left
    total = sum(map(len, wanted.values())) + sum(map(len, unwanted.values()))
    left_out = total - sum(map(len, kept.values())) - sum(map(len, req.excluded.values()))
    if left_out:
        req.warnings.append(f"filters use at most {MAX_FILTER_VALUES} values: "
                            f"{left_out} left out")


def request_params(req: SearchRequest, **changes) -> list[tuple[str, str]]:
    """The URL parameters of a request (defaults left out), with ``changes`` applied."""
    r = replace(req, **changes)
    scalars = [("q", r.q), ("from", r.date_from or ""), ("to", r.date_to or ""),
               ("undated", r.undated)]
    out = [(k, v) for k, v in scalars if v]
    for kind in FACET_KINDS:
        out += [(kind.param, v) for v in getattr(r, kind.name)]
        if kind.name in r.match_all:
            out.append((mode_param(kind.param), ALL))
        out += [(not_param(kind.param), v) for v in r.excluded.get(kind.name, [])]
    defaults = [("sort", r.sort, "relevance"), ("size", str(r.size), "10"),
                ("page", str(r.page), "1"), ("facets", "1" if r.facets else "0", "1"),
                ("facet_size", str(r.facet_size), str(FACET_SIZE)),
                ("collapse", "1" if r.collapse else "0", "1"),
                ("correct", "1" if r.correct else "0", "1")]
    return out + [(k, v) for k, v, default in defaults if v != default]
