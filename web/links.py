"""URLs of the pages, derived from a search request: every link keeps the whole state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from indexer.catalog import FACET_KINDS
from indexer.search import SearchRequest, request_params


def query_string(params: Iterable[tuple[str, str]]) -> str:
    encoded = urlencode(list(params))
    return f"?{encoded}" if encoded else ""


class Links:
    """URLs derived from one search request (toggle a facet, another page, drop a filter)."""

    def __init__(self, req: SearchRequest) -> None:
        self.req = req

    def search(self, **changes: Any) -> str:
        """The search page with ``changes`` applied (back to page 1 unless a page is given)."""
        changes.setdefault("page", 1)
        return url_for("pages.search") + query_string(request_params(self.req, **changes))

    def has(self, field: str, value: str) -> bool:
        return value in getattr(self.req, field)

    def toggle(self, field: str, value: str) -> str:
        """Add ``value`` to the ``field`` filter, or remove it when already there."""
        values = list(getattr(self.req, field))
        values = [v for v in values if v != value] if value in values else [*values, value]
        return self.search(**{field: values})

    def add(self, field: str, value: str) -> str:
        """Filter by ``value`` too (the link of an entity chip on a hit)."""
        values = list(getattr(self.req, field))
        return self.search(**{field: values if value in values else [*values, value]})

    def period(self, date_from: str | None, date_to: str | None) -> str:
        return self.search(date_from=date_from, date_to=date_to)

    def page(self, number: int) -> str:
        return self.search(page=number)

    def sort(self, sort: str) -> str:
        return self.search(sort=sort)

    def without_filters(self) -> str:
        """Only the query and sort: every facet and date filter dropped."""
        empty: dict[str, Any] = {kind.name: [] for kind in FACET_KINDS}
        return self.search(date_from=None, date_to=None, **empty)

    def query(self, q: str) -> str:
        return self.search(q=q)

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
