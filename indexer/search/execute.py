"""One search over one index version: filters, evaluation, ranking, the page of hits, facets."""

from __future__ import annotations

import time

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.budget import Budget
from indexer.search.days import NO_DATE, to_days
from indexer.search.facets import date_histogram, top_values
from indexer.search.matching import Engine, value_ids
from indexer.search.proximity import Reranker
from indexer.search.request import SearchRequest
from indexer.search.results import SearchResult, build_hit
from indexer.search.rewrite import rewrite
from indexer.search.tiers import Ranking, Tiers
from indexer.search.view import IndexView

TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far


class Search:
    """One search over one view (run with the view's lock held)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        self.filters = self._filters()
        self.budget = Budget(time.perf_counter() + TIME_BUDGET)
        self.engine = Engine(view, self.budget, within=self.filters)

    def run(self) -> SearchResult:
        view, req = self.view, self.req
        rewritten = rewrite(view, req.q, req.correct, self.budget)
        warnings = rewritten.warnings
        if rewritten.node is None:
            docs = np.flatnonzero(view.alive & self.filters)
            score = np.zeros(view.n, np.float32)
            ranking = Ranking(by_date(view, docs, newest=req.sort != "oldest"), score,
                              len(docs), 0, {}, [])
        else:
            tiers = Tiers(view, self.engine, Reranker(view, self.budget), self.filters)
            ranking = tiers.rank(
                rewritten.node, req.sort == "relevance", req.fill or req.size,
                lambda docs, score: by_date(view, docs, req.sort != "oldest", score))
        order, score = ranking.order, ranking.score
        start = (req.page - 1) * req.size
        page = order[start:start + req.size]
        if start >= len(order) > 0:
            warnings.append(f"page {req.page} is past the last page "
                            f"({(len(order) - 1) // req.size + 1})")
        hits = [build_hit(view, int(d), float(score[d]), ranking.highlight,
                          missing=ranking.missing.get(int(d), [])) for d in page]
        mask = np.zeros(view.n, bool)
        mask[order] = True  # what the pages show: full matches, and partial ones if any
        granularity, facets = self._facets(mask) if req.facets else (None, {})
        notes = list(dict.fromkeys(req.warnings + warnings + self.budget.warnings))
        return SearchResult(req.q, ranking.full, req.page, req.size, 0.0,
                            rewritten.suggestion, hits, facets, granularity, notes,
                            partial=ranking.partial, searched=rewritten.text,
                            corrections=rewritten.corrections, relaxed=ranking.relaxed,
                            optional=ranking.optional)

    def _facets(self, mask: np.ndarray) -> tuple[str | None, dict[str, list[dict]]]:
        view = self.view
        granularity, dates = date_histogram(view.dates[mask & view.dated])
        facets = {"dates": dates}
        for kind in FACET_KINDS:
            facets[kind.name] = top_values(view.facets[kind.field], mask, self.req.facet_size)
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
                ids = sorted({i for v in wanted for i in value_ids(facet.values, v, False)})
                mask &= facet.docs_with(ids, view.n) if ids else False
        return mask


def by_date(view: IndexView, docs: np.ndarray, newest: bool,
            score: np.ndarray | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return docs[np.lexsort((second, key))]
