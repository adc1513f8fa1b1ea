"""One search over one index version: filters, evaluation, ranking, the page of hits, facets."""

from __future__ import annotations

import time

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.budget import Budget
from indexer.search.entity_pages import with_posts
from indexer.search.facet_values import values_containing
from indexer.search.facets import date_histogram, one_period, top_values
from indexer.search.filters import date_filter, facet_filters
from indexer.search.matching import Engine
from indexer.search.ordering import by_date
from indexer.search.proximity import Reranker
from indexer.search.reprints import collapse, reprint_of, reprints_in
from indexer.search.request import SearchRequest
from indexer.search.results import Hit, SearchResult, build_hit
from indexer.search.rewrite import Rewritten, rewrite
from indexer.search.tiers import Ranking, Tiers
from indexer.search.view import IndexView
from indexer.text.morphology import morph

PAST_LAST_PAGE = "the page is past the last page"  # a warning the pages tell apart
TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far
# Seconds of the whole search, filters to suggestions: past it no more hits, facets or
# suggestions are added (and it is said), so that no request holds a worker for long.
REQUEST_BUDGET = 0.5


class Search:
    """One search over one view (no lock: its state is its own, the view's arrays are read
    only)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        self.value_matches: list[dict] = []  # facet values asked for that matched others
        morph()  # its dictionaries load at the first use: not on the request's time budget
        started = time.perf_counter()
        self.rest = Budget(started + REQUEST_BUDGET)
        self.others = facet_filters(view, req, self.value_matches)  # all but the dates
        self.date_kept = date_filter(view, req)
        self.filters = self.others & self.date_kept if self.date_kept is not None else self.others
        # With a date range, undated articles are matched too, to say how many it leaves out.
        self.counting_undated = req.dated_range() and req.undated == ""
        within = self.filters | (self.others & ~view.dated) if self.counting_undated else None
        self.budget = Budget(started + TIME_BUDGET)
        self.need = req.page * req.size  # results in order: up to the end of the page asked
        self.engine = Engine(view, self.budget,
                             within=within if within is not None else self.filters)

    def ranking(self) -> tuple[Rewritten, Ranking]:
        """The query as searched, and its results in order: full matches, then partial ones
        when the full ones do not fill the first page."""
        view, req = self.view, self.req
        rewritten = rewrite(view, req.q, req.correct, self.budget)
        undated = self.others & ~view.dated if self.counting_undated else None
        if rewritten.node is None:
            docs = np.flatnonzero(self.filters)
            score = np.zeros(view.n, np.float32)
            ranking = Ranking(by_date(view, docs, newest=req.sort != "oldest",
                                      need=self.need), score, len(docs), 0, {}, [])
            ranking.left_out = int(np.count_nonzero(undated)) if undated is not None else 0
            return rewritten, ranking
        tiers = Tiers(view, self.engine, Reranker(view, self.budget), self.filters,
                      counted=undated, need=self.need)
        return rewritten, tiers.rank(
            rewritten.node, req.sort == "relevance", req.fill or req.size,
            lambda docs, score: by_date(view, docs, req.sort != "oldest", score, self.need))


    def run(self) -> SearchResult:
        view, req = self.view, self.req
        rewritten, ranking = self.ranking()
        warnings = rewritten.warnings
        order, score = ranking.order, ranking.score
        ranked = rewritten.node is not None and req.sort == "relevance"
        entries = collapse(order, view.reprints, view.dates, ranked) if req.collapse else order
        mask = np.zeros(view.n, bool)
        mask[order] = True  # what the pages show: full matches, and partial ones if any
        start = (req.page - 1) * req.size
        page = entries[start:start + req.size]
        if start >= len(entries) > 0:
            warnings.append(f"{PAST_LAST_PAGE} ({(len(entries) - 1) // req.size + 1})")
        hits = self._hits(page, score, ranking)
        for hit, d in zip(hits, page, strict=True):
            hit.reprint_of = reprint_of(view, int(d))
            if req.collapse:
                hit.reprints = reprints_in(view, int(d), mask)
        granularity, facets, totals = self._facets(mask) if req.facets else (None, {}, {})
        notes = list(dict.fromkeys(req.warnings + warnings + self.budget.warnings
                                   + self.rest.warnings))
        result = SearchResult(req.q, ranking.full, req.page, req.size, 0.0,
                              rewritten.suggestion, hits, facets, granularity, notes,
                              partial=ranking.partial, searched=rewritten.text,
                              corrections=rewritten.corrections, relaxed=ranking.relaxed,
                              optional=ranking.optional)
        result.entries = len(entries)
        result.pages = max(1, -(-len(entries) // req.size))
        result.undated = int(np.count_nonzero(mask & ~view.dated))
        result.undated_left_out = ranking.left_out
        result.facet_totals = totals
        result.value_matches = self.value_matches + [
            m for m in self.engine.value_matches if m not in self.value_matches]
        return result

    def _hits(self, page: np.ndarray, score: np.ndarray, ranking: Ranking) -> list[Hit]:
        """The page's hits; snippets (the costly part) while the request's time lasts, the
        first always: a hit without one is a read of its stored fields."""
        hits: list[Hit] = []
        snippets = self.req.snippets
        for d in page:
            if snippets and hits and self.rest.late(
                    f"snippets only for the first {len(hits)} results"):
                snippets = False
            hits.append(build_hit(self.view, int(d), float(score[d]), ranking.highlight,
                                  snippet=snippets, missing=ranking.missing.get(int(d), [])))
        return hits

    def _facets(self, mask: np.ndarray
                ) -> tuple[str | None, dict[str, list[dict]], dict[str, int]]:
        """The date histogram's granularity, the facets, and how many values of each kind
        the results hold; each kind counted while the request's time lasts (an empty list for
        those left out)."""
        view, req = self.view, self.req
        granularity, dates = date_histogram(view.dates[mask & view.dated],
                                            one_period(req.date_from, req.date_to))
        facets = {"dates": dates}
        totals = {}
        for kind in FACET_KINDS:
            if self.rest.late("some facets were not counted"):
                facets[kind.name] = []
                continue
            facet = view.facets[kind.field]
            counts = facet.counts(mask)
            facets[kind.name] = top_values(facet, mask, req.facet_size, counts)
            if kind.entity == "PER":
                with_posts(view, kind.field, facets[kind.name])
            totals[kind.name] = int(np.count_nonzero(counts))
        return granularity, facets, totals

    def values(self, field: str, contains: str, limit: int) -> tuple[list[dict], int]:
        """The values of one facet kind in the results whose name contains ``contains``
        (case-insensitive, ё = е), most frequent first, at most ``limit``; and how many
        such values there are."""
        facet = self.view.facets[field]
        _, ranking = self.ranking()
        mask = np.zeros(self.view.n, bool)
        mask[ranking.order] = True
        counts = facet.counts(mask)
        if contains:
            counts = counts * values_containing(facet, contains)
        return top_values(facet, self.view.alive, limit, counts), int(np.count_nonzero(counts))
