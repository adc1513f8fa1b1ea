"""The process-wide ``Searcher``: searches, articles, similar articles, the latest articles and
the archive's statistics over the live index, whichever version is live. Thread-safe."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

import numpy as np

from indexer.catalog import BY_NAME, ENTITY_FIELDS
from indexer.search.days import to_iso
from indexer.search.entity_pages import (
    KIND_BY_PARAM,
    EntityPage,
    entity_list,
    entity_page,
    find_value,
)
from indexer.search.execute import Search
from indexer.search.facets import top_values
from indexer.search.matching import highlight_words
from indexer.search.occurrences import spans
from indexer.search.ordering import by_date, ordered
from indexer.search.reprints import reprint_ref
from indexer.search.request import SearchRequest
from indexer.search.results import Hit, SearchResult, build_hit
from indexer.search.rewrite import rewrite
from indexer.search.similar import similar_scores
from indexer.search.snippets import body_html
from indexer.search.versions import Versions, reading
from indexer.search.view import IndexView

# A misspelt word, a word in the Latin keyboard layout, a phrase and a field: the paths of a
# search that load something once (the first request after a start took 400 ms without them).
WARM_QUERIES = ("канституция", "rjycnbnewbz", '"верховный суд"', "person:путин")


class Searcher:
    """Searches the live index; opens it lazily, once, and follows rebuilds and updates."""

    def __init__(self, index_path: Path):
        self.index_path = Path(index_path)
        self.versions = Versions(index_path, prepare=warm_view)
        self._stats: tuple[str, dict] | None = None

    def _current(self) -> IndexView:
        return self.versions.current()

    @property
    def version(self) -> str:
        return self._current().version

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        view = self._current()
        with reading(view):
            result = Search(view, req).run()
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def values(self, req: SearchRequest, kind: str, contains: str = "", limit: int = 500
               ) -> tuple[list[dict], int]:
        """Every value of the facet ``kind`` («persons») in the results of ``req`` whose name
        contains ``contains``, most frequent first, at most ``limit``; and how many there
        are."""
        view = self._current()
        with reading(view):
            return Search(view, req).values(BY_NAME[kind].field, contains, limit)

    def article(self, id: str, q: str = "") -> dict | None:
        """An article with the words of ``q`` highlighted; None when there is no such one."""
        view = self._current()
        with reading(view):
            docnum = view.docnum_of.get(id)
            if docnum is None:
                return None
            stored = view.stored(docnum)
            words = highlight_words(rewrite(view, q).node) if q else []
            text = stored.get("body", "")
            data = build_hit(view, docnum, 0.0, words, stored, snippet=False)
            group = [int(d) for d in view.reprints.of(docnum)]
            return {
                "id": data.id,
                "title": data.title,
                "title_html": data.title_html,
                "date": data.date,
                "source": data.source,
                "url": data.url,
                "topic": stored.get("topic", ""),
                "path": stored.get("path", ""),
                "text": text,
                "body_html": body_html(text, spans(view, "body", words, docnum)),
                "persons": data.persons,
                "organisations": data.organisations,
                "locations": data.locations,
                # The group of reprints of the same story, earliest first (itself included).
                "reprints": [dict(reprint_ref(view, d), this=d == docnum) for d in group],
            }

    def similar(self, id: str, limit: int = 5) -> list[Hit] | None:
        """The articles most like ``id``; None when there is no such article."""
        view = self._current()
        with reading(view):
            docnum = view.docnum_of.get(id)
            if docnum is None:
                return None
            score = similar_scores(view, docnum)
            score[view.reprints.of(docnum)] = 0  # its reprints are listed apart
            found = np.flatnonzero(score > 0)
            top = ordered(found, -score[found], np.zeros(len(found)), limit)[:limit]
            return [build_hit(view, int(d), float(score[d]), []) for d in top]

    def entity(self, param: str, name: str) -> EntityPage | str | None:
        """The page of an entity (``param``: person, org or loc); the canonical name when
        ``name`` is a value merged into another (the caller redirects); None when unknown."""
        kind = KIND_BY_PARAM[param]
        view = self._current()
        with reading(view):
            value = find_value(view, kind, name)
            if value is None:
                return None
            if value != name:
                return value
            return entity_page(view, kind, value)

    def entities(self, q: str = "", param: str | None = None) -> dict[str, list[dict]]:
        """The most mentioned entities of each kind (or of one), filtered by name or post."""
        view = self._current()
        with reading(view):
            return entity_list(view, q, KIND_BY_PARAM[param] if param else None)

    def latest(self, limit: int = 10) -> list[Hit]:
        view = self._current()
        with reading(view):
            order = by_date(view, np.flatnonzero(view.alive), newest=True, need=limit)[:limit]
            return [build_hit(view, int(d), 0.0, []) for d in order]

    def indexed_at(self, ids: list[str]) -> dict[str, str]:
        """When each article was written into the index (its segment's file time, ISO UTC):
        the date an undated article is given in a feed."""
        view = self._current()
        out: dict[str, str] = {}
        with reading(view):
            times = []
            for leaf, base in view.leaves:
                seg = view.build / f"{view.ix.indexname}_{leaf.segment().segid}.seg"
                stamp = dt.datetime.fromtimestamp(seg.stat().st_mtime, dt.UTC)
                times.append((base, base + leaf.doc_count_all(),
                              stamp.isoformat(timespec="seconds").replace("+00:00", "Z")))
            for article_id in ids:
                docnum = view.docnum_of.get(article_id)
                found = [t for lo, hi, t in times if docnum is not None and lo <= docnum < hi]
                if found:
                    out[article_id] = found[0]
        return out

    def stats(self) -> dict:
        """The archive in numbers: articles, dates, years, sources, top entities, the index."""
        view = self._current()
        cached = self._stats
        if cached is not None and cached[0] == view.version:
            return cached[1]
        with reading(view):
            dated = view.dates[view.dated & view.alive]
            years = dated.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
            year_counts = Counter(years.tolist())
            stats = {
                "articles": view.doc_count,
                "undated": int(view.alive.sum()) - len(dated),
                "reprint_groups": len(view.reprints.members),
                "date_min": to_iso(int(dated.min())) if len(dated) else None,
                "date_max": to_iso(int(dated.max())) if len(dated) else None,
                "years": [{"key": str(y), "count": c} for y, c in sorted(year_counts.items())],
                "sources": top_values(view.facets["source"], view.alive, 1000),
                **{name: top_values(view.facets[name], view.alive, 20) for name in ENTITY_FIELDS},
                "index_bytes": sum(p.stat().st_size for p in view.build.iterdir() if p.is_file()),
                "built_at": view.build_info.get("built_at"),
                "build_seconds": view.build_info.get("seconds"),
                "version": view.version,
            }
        self._stats = (view.version, stats)
        return stats


def warm(searcher: Searcher) -> None:
    """Open the live version and load what its first searches would otherwise load inside
    their time budget (``warm_view``). For a server's worker before it takes requests; a
    version swapped in later is warmed before it serves."""
    warm_view(searcher.versions.current())


def warm_view(view: IndexView) -> None:
    """Load what a version's first searches would otherwise load inside their time budget: the
    vocabulary of the typo search, the layout and script readings, modules imported on first
    use."""
    for q in WARM_QUERIES:
        Search(view, SearchRequest(q=q)).run()
