"""One search over one index version: filters, evaluation, ranking, the page of hits, facets."""

from __future__ import annotations

import time

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.budget import Budget
from indexer.search.days import NO_DATE, to_days
from indexer.search.facets import date_histogram, top_values
from indexer.search.matching import Engine
from indexer.search.proximity import Reranker
from indexer.search.query import parse_bounded
from indexer.search.request import SearchRequest
from indexer.search.results import Hit, SearchResult, build_hit
from indexer.search.suggest import suggest
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.morphology import morph

TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far
# Seconds of the whole search, filters to suggestions: past it no more hits, facets or
# suggestions are added (and it is said), so that no request holds a worker for long.
REQUEST_BUDGET = 0.5


class Search:
    """One search over one view (run with the view's lock held)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        morph()  # its dictionaries load at the first use: not on the request's time budget
        started = time.perf_counter()
        self.rest = Budget(started + REQUEST_BUDGET)
        self.filters = self._filters()
        self.budget = Budget(started + TIME_BUDGET)
        self.engine = Engine(view, self.budget, within=self.filters)

    def run(self) -> SearchResult:
        view, req = self.view, self.req
        node, warnings = parse_bounded(req.q)
        highlight: list[WordTerms] = []
        required: list[WordTerms] = []
        unknown: list[str] = []
        if node is None:
            mask = view.alive.copy()
            score = np.zeros(view.n, np.float32)
        else:
            ev = self.engine.evaluate(node)
            mask, score = ev.mask, ev.score
            highlight, required, unknown = ev.highlight, ev.required, ev.unknown
        mask &= self.filters
        docs = np.flatnonzero(mask)
        if node is not None and req.sort == "relevance":
            score = Reranker(view, self.budget).rerank(
                docs, score, required, lambda d: view.stored(d).get("body", ""))
            order = docs[np.lexsort((-view.dates[docs], -score[docs]))]
        else:
            order = by_date(view, docs, newest=req.sort != "oldest", score=score)
        start = (req.page - 1) * req.size
        page = order[start:start + req.size]
        if start >= len(order) > 0:
            warnings.append(f"page {req.page} is past the last page "
                            f"({(len(order) - 1) // req.size + 1})")
        hits = self._hits(page, score, highlight)
        granularity, facets = self._facets(mask) if req.facets else (None, {})
        suggestion = (suggest(view, req.q, unknown)
                      if unknown and not self.rest.late("no spelling suggestion") else None)
        notes = list(dict.fromkeys(req.warnings + warnings + self.budget.warnings
                                   + self.rest.warnings))
        return SearchResult(req.q, len(docs), req.page, req.size, 0.0, suggestion, hits,
                            facets, granularity, notes)

    def _hits(self, page: np.ndarray, score: np.ndarray, highlight: list[WordTerms]
              ) -> list[Hit]:
        """The page's hits, as many as the request's time allows (the first always)."""
        hits: list[Hit] = []
        for d in page:
            if hits and self.rest.late(f"only the first {len(hits)} results are listed"):
                break
            hits.append(build_hit(self.view, int(d), float(score[d]), highlight,
                                  snippet=self.req.snippets))
        return hits

    def _facets(self, mask: np.ndarray) -> tuple[str | None, dict[str, list[dict]]]:
        """Dates and every facet kind, each counted while the request's time lasts (an empty
        list for those left out)."""
        view = self.view
        granularity, dates = date_histogram(view.dates[mask & view.dated])
        facets = {"dates": dates}
        for kind in FACET_KINDS:
            late = self.rest.late("some facets were not counted")
            facets[kind.name] = [] if late else top_values(view.facets[kind.field], mask,
                                                           self.req.facet_size)
        return granularity, facets

    def _filters(self) -> np.ndarray:
        view, req = self.view, self.req
        mask = view.alive.copy()
        if req.date_from or req.date_to:
            lo = to_days(req.date_from) if req.date_from else -(1 << 30)
            hi = to_days(req.date_to) if req.date_to else 1 << 30
            mask &= view.dated & (view.dates >= lo) & (view.dates <= hi)
        for kind in FACET_KINDS:
            wanted = getattr(req, kind.name)
            if wanted:
                facet = view.facets[kind.field]
                ids = sorted({i for v in wanted for i in facet.exact_ids(v)})
                mask &= facet.docs_with(ids, view.n) if ids else False
        return mask


def by_date(view: IndexView, docs: np.ndarray, newest: bool,
            score: np.ndarray | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return docs[np.lexsort((second, key))]
