"""One search over one index version: filters, evaluation, ranking, the page of hits, facets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from indexer.catalog import FACET_KINDS
from indexer.search.budget import Budget
from indexer.search.days import NO_DATE, to_days
from indexer.search.facet_values import values_containing
from indexer.search.facets import date_histogram, one_period, top_values
from indexer.search.matching import Engine
from indexer.search.proximity import Reranker
from indexer.search.query import Node, parse_bounded
from indexer.search.reprints import collapse, reprint_of, reprints_in
from indexer.search.request import SearchRequest
from indexer.search.results import Hit, SearchResult, build_hit
from indexer.search.suggest import suggest
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.morphology import morph

PAST_LAST_PAGE = "the page is past the last page"  # a warning the pages tell apart
TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far
# Seconds of the whole search, filters to suggestions: past it no more hits, facets or
# suggestions are added (and it is said), so that no request holds a worker for long.
REQUEST_BUDGET = 0.5


@dataclass
class Matches:
    """What the query and the filters select: a mask and scores over the docnums, the words to
    highlight and to re-rank by, the unknown ones, and the undated articles a date range left
    out."""

    node: Node | None
    mask: np.ndarray
    score: np.ndarray
    warnings: list[str]
    highlight: list[WordTerms] = field(default_factory=list)
    required: list[WordTerms] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    undated_left_out: int = 0


class Search:
    """One search over one view (run with the view's lock held)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        morph()  # its dictionaries load at the first use: not on the request's time budget
        started = time.perf_counter()
        self.rest = Budget(started + REQUEST_BUDGET)
        self.others = self._facet_filters()  # every filter but the dates
        self.date_kept = self._date_filter()
        self.filters = self.others & self.date_kept if self.date_kept is not None else self.others
        # With a date range, undated articles are matched too, to say how many it leaves out.
        self.counting_undated = req.dated_range() and req.undated == ""
        within = self.filters | (self.others & ~view.dated) if self.counting_undated else None
        self.budget = Budget(started + TIME_BUDGET)
        self.engine = Engine(view, self.budget,
                             within=within if within is not None else self.filters)

    def matches(self) -> Matches:
        """The articles the query and the filters select, with their scores."""
        view = self.view
        node, warnings = parse_bounded(self.req.q)
        if node is None:
            found = Matches(None, view.alive.copy(), np.zeros(view.n, np.float32), warnings)
        else:
            ev = self.engine.evaluate(node)
            found = Matches(node, ev.mask, ev.score, warnings, ev.highlight, ev.required,
                            ev.unknown)
        if self.counting_undated:
            found.undated_left_out = int(np.count_nonzero(found.mask & self.others
                                                          & ~view.dated))
        found.mask &= self.filters
        return found

    def run(self) -> SearchResult:
        view, req = self.view, self.req
        found = self.matches()
        mask, score, warnings = found.mask, found.score, found.warnings
        docs = np.flatnonzero(mask)
        ranked = found.node is not None and req.sort == "relevance"
        if ranked:
            score = Reranker(view, self.budget).rerank(
                docs, score, found.required, lambda d: view.stored(d).get("body", ""))
            order = docs[np.lexsort((-view.dates[docs], -score[docs]))]
        else:
            order = by_date(view, docs, newest=req.sort != "oldest", score=score)
        entries = collapse(order, view.reprints, view.dates, ranked) if req.collapse else order
        start = (req.page - 1) * req.size
        page = entries[start:start + req.size]
        if start >= len(entries) > 0:
            warnings.append(f"{PAST_LAST_PAGE} ({(len(entries) - 1) // req.size + 1})")
        hits = self._hits(page, score, found.highlight)
        for hit, d in zip(hits, page, strict=True):
            hit.reprint_of = reprint_of(view, int(d))
            if req.collapse:
                hit.reprints = reprints_in(view, int(d), mask)
        granularity, facets, totals = self._facets(mask) if req.facets else (None, {}, {})
        suggestion = (suggest(view, req.q, found.unknown)
                      if found.unknown and not self.rest.late("no spelling suggestion")
                      else None)
        notes = list(dict.fromkeys(req.warnings + warnings + self.budget.warnings
                                   + self.rest.warnings))
        result = SearchResult(req.q, len(docs), req.page, req.size, 0.0, suggestion, hits,
                              facets, granularity, notes)
        result.entries = len(entries)
        result.pages = max(1, -(-len(entries) // req.size))
        result.undated = int(np.count_nonzero(mask & ~view.dated))
        result.undated_left_out = found.undated_left_out
        result.facet_totals = totals
        return result

    def _hits(self, page: np.ndarray, score: np.ndarray, highlight: list[WordTerms]
              ) -> list[Hit]:
        """The page's hits; snippets (the costly part) while the request's time lasts, the
        first always: a hit without one is a read of its stored fields."""
        hits: list[Hit] = []
        snippets = self.req.snippets
        for d in page:
            if snippets and hits and self.rest.late(
                    f"snippets only for the first {len(hits)} results"):
                snippets = False
            hits.append(build_hit(self.view, int(d), float(score[d]), highlight,
                                  snippet=snippets))
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
            totals[kind.name] = int(np.count_nonzero(counts))
        return granularity, facets, totals

    def values(self, field: str, contains: str, limit: int) -> tuple[list[dict], int]:
        """The values of one facet kind in the results whose name contains ``contains``
        (case-insensitive, ё = е), most frequent first, at most ``limit``; and how many
        such values there are."""
        facet = self.view.facets[field]
        counts = facet.counts(self.matches().mask)
        if contains:
            counts = counts * values_containing(facet, contains)
        return top_values(facet, self.view.alive, limit, counts), int(np.count_nonzero(counts))

    def _date_filter(self) -> np.ndarray | None:
        """The articles the date filter keeps; None without one."""
        view, req = self.view, self.req
        if req.undated == "only":
            return ~view.dated
        if not req.dated_range():
            return None
        lo = to_days(req.date_from) if req.date_from else -(1 << 30)
        hi = to_days(req.date_to) if req.date_to else 1 << 30
        kept = view.dated & (view.dates >= lo) & (view.dates <= hi)
        return kept | ~view.dated if req.undated == "include" else kept

    def _facet_filters(self) -> np.ndarray:
        """The live articles with the values asked for (any or all of a kind's) and none of
        those excluded."""
        view, req = self.view, self.req
        mask = view.alive.copy()
        for kind in FACET_KINDS:
            facet = view.facets[kind.field]
            wanted = getattr(req, kind.name)
            groups = ([wanted] if kind.name not in req.match_all else [[v] for v in wanted]
                      ) if wanted else []
            for values in groups:
                ids = sorted({i for v in values for i in facet.exact_ids(v)})
                mask &= facet.docs_with(ids, view.n) if ids else False
            excluded = req.excluded.get(kind.name, [])
            ids = sorted({i for v in excluded for i in facet.exact_ids(v)})
            if ids:
                mask &= ~facet.docs_with(ids, view.n)
        return mask


def by_date(view: IndexView, docs: np.ndarray, newest: bool,
            score: np.ndarray | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return docs[np.lexsort((second, key))]
