"""URLs of the pages, derived from a search request: every link keeps the whole state.

A page's size stays linear in the number of filter values: the links (pages, sorts, histogram
bars, articles) each carry the state once, and the many per-value controls (facet values,
chips) are buttons of forms that carry the state once as hidden fields and name only their own
change (``do=add:person:Собянин``); ``/search`` applies the change and redirects to the
canonical URL, so every state still is a plain URL (a permalink).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from flask import url_for

from indexer.catalog import BY_NAME, FACET_KINDS
from indexer.search import SearchRequest, request_params

# The changes a form button asks for: op:param:value. add/drop a value, exclude one or take
# its exclusion back, and how a kind's values combine (mode:person:all or any).
OPS = ("add", "drop", "not", "undo_not", "mode")
BY_PARAM = {kind.param: kind for kind in FACET_KINDS}
PATH_SAFE = "!$&'()*+,/:;=@"  # what werkzeug's converters leave unquoted in a path


@lru_cache(maxsize=65_536)
def path_quoted(name: str) -> str:
    """``name`` as a path parameter of a route (``<path:…>``), quoted as ``url_for`` quotes it
    (memoised: a page links a few hundred names)."""
    return quote(name, safe=PATH_SAFE)


def query_string(params: Iterable[tuple[str, str]]) -> str:
    encoded = urlencode(list(params))
    return f"?{encoded}" if encoded else ""


def action(op: str, field: str, value: str) -> str:
    """The value of a ``do`` button: ``action("add", "persons", "Собянин")``."""
    return f"{op}:{BY_NAME[field].param}:{value}"


def apply_action(req: SearchRequest, do: str) -> SearchRequest | None:
    """``req`` with the change a ``do`` button asks for (back to page 1); None when it is not
    one."""
    op, _, rest = do.partition(":")
    param, _, value = rest.partition(":")
    kind = BY_PARAM.get(param)
    value = value.strip()
    if op not in OPS or kind is None or not value:
        return None
    name = kind.name
    values = [v for v in getattr(req, name) if v != value]
    excluded = {k: list(v) for k, v in req.excluded.items()}
    others = [v for v in excluded.get(name, []) if v != value]
    match_all = [k for k in req.match_all if k != name]
    if op == "add":
        values.append(value)
        excluded[name] = others
    elif op == "not":
        excluded[name] = [*others, value]
    elif op == "undo_not":
        excluded[name] = others
    elif op == "mode":
        values = list(getattr(req, name))
        match_all += [name] if value == "all" else []
    changes: dict[str, Any] = {name: values, "match_all": match_all, "page": 1,
                               "excluded": {k: v for k, v in excluded.items() if v}}
    return replace(req, **changes)


class Links:
    """URLs derived from one search request (another page, sort or period, an article)."""

    def __init__(self, req: SearchRequest) -> None:
        self.req = req
        # A page links a search a few dozen times and an article per hit: the routes' URLs and
        # the request's own parameters are made once.
        self._search_url: str | None = None
        self._article_base: str | None = None
        self._state_query: str | None = None

    def search(self, **changes: Any) -> str:
        """The search page with ``changes`` applied (back to page 1 unless a page is given)."""
        changes.setdefault("page", 1)
        if self._search_url is None:
            self._search_url = url_for("pages.search")
        return self._search_url + query_string(request_params(self.req, **changes))

    def results(self) -> str:
        """The very results page of the request (its page included): where «back» goes."""
        return self.search(page=self.req.page)

    def has(self, field: str, value: str) -> bool:
        return value in getattr(self.req, field)

    def excluded(self, field: str, value: str) -> bool:
        return value in self.req.excluded.get(field, [])

    def add(self, field: str, value: str) -> str:
        """The search narrowed by one more value (kept once)."""
        values = list(getattr(self.req, field))
        return self.search(**{field: values if value in values else [*values, value]})

    def period(self, date_from: str | None, date_to: str | None) -> str:
        undated = self.req.undated if self.req.undated != "only" else ""
        return self.search(date_from=date_from, date_to=date_to, undated=undated)

    def undated(self, mode: str) -> str:
        """The same search with undated articles left out (""), included or alone."""
        if mode == "only":
            return self.search(date_from=None, date_to=None, undated="only")
        return self.search(undated=mode)

    def page(self, number: int) -> str:
        return self.search(page=number)

    def sort(self, sort: str) -> str:
        return self.search(sort=sort)

    def without_filters(self) -> str:
        """Only the query and sort: every facet and date filter dropped."""
        empty: dict[str, Any] = {kind.name: [] for kind in FACET_KINDS}
        return self.search(date_from=None, date_to=None, undated="", excluded={},
                           match_all=[], **empty)

    def query(self, q: str) -> str:
        return self.search(q=q)

    def article(self, article_id: str) -> str:
        """An article page carrying the whole search (its page too), for highlighting and
        for its way back to these very results."""
        if self._article_base is None or self._state_query is None:
            self._article_base = url_for("pages.article", id="_")[:-1]
            self._state_query = query_string(request_params(self.req))
        return self._article_base + path_quoted(article_id) + self._state_query

    def values(self, field: str, contains: str = "") -> str:
        """Every value of one facet kind in these results («показать все»)."""
        params = request_params(self.req, page=1)
        if contains:
            params.append(("fq", contains))
        return url_for("pages.facet_values", kind=field) + query_string(params)

    def state(self, *leave_out: str) -> list[tuple[str, str]]:
        """The request as hidden form fields, without the parameters ``leave_out`` (and the
        page: a form starts again at page 1)."""
        return [(k, v) for k, v in request_params(self.req, page=1) if k not in leave_out]

    def twin(self, endpoint: str) -> str:
        """This search as JSON, Atom or CSV (the page parameter is kept)."""
        params = request_params(self.req)
        if endpoint == "api":
            return url_for("api.search") + query_string(params)
        params = [(k, v) for k, v in params if k not in ("page", "size", "facet_size")]
        return url_for(f"pages.{endpoint}") + query_string(params)


def page_numbers(page: int, last: int, around: int = 2) -> list[int | None]:
    """Page links: the first, the last and the current neighbourhood; None marks a gap."""
    shown = sorted({1, last, *range(max(1, page - around), min(last, page + around) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers
