"""One search over one index version: filters, evaluation, ranking, the page of hits, facets."""

from __future__ import annotations

import time

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.budget import Budget
from indexer.search.days import NO_DATE, to_days
from indexer.search.facets import date_histogram, top_values
from indexer.search.matching import Engine, note_matches, value_ids
from indexer.search.proximity import Reranker
from indexer.search.query import parse_bounded
from indexer.search.request import SearchRequest
from indexer.search.results import SearchResult, build_hit
from indexer.search.suggest import suggest
from indexer.search.view import IndexView
from indexer.search.words import WordTerms

TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far


class Search:
    """One search over one view (run with the view's lock held)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        self.value_matches: list[dict] = []  # facet values asked for that matched others
        self.filters = self._filters()
        self.budget = Budget(time.perf_counter() + TIME_BUDGET)
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
        hits = [build_hit(view, int(d), float(score[d]), highlight) for d in page]
        granularity, facets = self._facets(mask) if req.facets else (None, {})
        suggestion = suggest(view, req.q, unknown) if unknown else None
        notes = list(dict.fromkeys(req.warnings + warnings + self.budget.warnings))
        matches = self.value_matches + [m for m in self.engine.value_matches
                                        if m not in self.value_matches]
        return SearchResult(req.q, len(docs), req.page, req.size, 0.0, suggestion, hits,
                            facets, granularity, notes, matches)

    def _facets(self, mask: np.ndarray) -> tuple[str | None, dict[str, list[dict]]]:
        view = self.view
        granularity, dates = date_histogram(view.dates[mask & view.dated])
        facets = {"dates": dates}
        for kind in FACET_KINDS:
            facets[kind.name] = top_values(view.facets[kind.field], mask, self.req.facet_size)
            if kind.entity == "PER":
                from indexer.search.entity_pages import with_posts

                with_posts(view, kind.field, facets[kind.name])
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
                ids: set[int] = set()
                for value in wanted:
                    found = value_ids(facet, value, loose=kind.entity is not None)
                    note_matches(self.value_matches, kind.field, value, facet, found)
                    ids.update(found)
                mask &= facet.docs_with(sorted(ids), view.n) if ids else False
        return mask


def by_date(view: IndexView, docs: np.ndarray, newest: bool,
            score: np.ndarray | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return docs[np.lexsort((second, key))]
