"""The request's filters as masks over the docnums: facet values (any or all of a kind's,
and those excluded) and the date range."""

from __future__ import annotations

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.days import to_days
from indexer.search.matching import note_matches, value_ids
from indexer.search.request import SearchRequest
from indexer.search.view import IndexView


def date_filter(view: IndexView, req: SearchRequest) -> np.ndarray | None:
    """The articles the date filter keeps; None without one."""
    if req.undated == "only":
        return ~view.dated
    if not req.dated_range():
        return None
    lo = to_days(req.date_from) if req.date_from else -(1 << 30)
    hi = to_days(req.date_to) if req.date_to else 1 << 30
    kept = view.dated & (view.dates >= lo) & (view.dates <= hi)
    return kept | ~view.dated if req.undated == "include" else kept


def facet_filters(view: IndexView, req: SearchRequest, value_matches: list[dict]
                  ) -> np.ndarray:
    """The live articles with the values asked for (any or all of a kind's) and none of
    those excluded; which values a value asked for matched goes into ``value_matches``."""
    mask = view.alive.copy()
    for kind in FACET_KINDS:
        facet = view.facets[kind.field]
        wanted = getattr(req, kind.name)
        groups = ([wanted] if kind.name not in req.match_all else [[v] for v in wanted]
                  ) if wanted else []
        for values in groups:
            ids: set[int] = set()
            for value in values:
                found = value_ids(facet, value, loose=kind.entity is not None)
                note_matches(value_matches, kind.field, value, facet, found)
                ids.update(found)
            mask &= facet.docs_with(sorted(ids), view.n) if ids else False
        excluded = req.excluded.get(kind.name, [])
        out = sorted({i for v in excluded
                      for i in value_ids(facet, v, loose=kind.entity is not None)})
        if out:
            mask &= ~facet.docs_with(out, view.n)
    return mask
