"""What a search gives: its hits, with highlighted titles and snippets, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from indexer.search.expansion import Correction
from indexer.search.occurrences import spans
from indexer.search.snippets import fragments, lead_fragment, mark
from indexer.search.view import IndexView
from indexer.search.words import WordTerms


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    date: str | None
    source: str
    url: str
    score: float
    snippet_html: str
    fragments_html: list[str]
    persons: list[str]
    organisations: list[str]
    locations: list[str]
    # Other articles of the results that reprint this one's story (id, title, date, source),
    # earliest first; shown under it instead of as hits of their own.
    reprints: list[dict] = field(default_factory=list)
    reprint_of: str | None = None  # the earliest article of its story, when this is a reprint
    missing: list[str] = field(default_factory=list)  # query words it lacks (a partial match)

    def to_json(self) -> dict:
        # Its fields one level deep, not ``asdict``'s recursive deep copy (180 calls a page).
        data = {name: getattr(self, name) for name in _HIT_JSON}
        for name in ("persons", "organisations", "locations", "missing"):
            data[name] = list(data[name])
        data["reprints"] = [dict(r) for r in self.reprints]
        return data


_HIT_JSON = tuple(f.name for f in fields(Hit) if f.name != "fragments_html")


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    size: int
    took_ms: float
    suggestion: str | None
    hits: list[Hit]
    facets: dict[str, list[dict]]
    date_granularity: str | None
    warnings: list[str] = field(default_factory=list)  # parts of the request left out
    entries: int = 0  # hits after reprints are grouped: what the pages are counted in
    pages: int = 1
    undated: int = 0  # undated articles among the results
    undated_left_out: int = 0  # undated articles the date range left out
    facet_totals: dict[str, int] = field(default_factory=dict)  # kind → values in the results
    partial: int = 0  # articles lacking a word or two, after the ``total`` full matches
    searched: str = ""  # the query searched: ``query`` with corrections applied
    corrections: list[Correction] = field(default_factory=list)
    relaxed: bool = False  # partial matches were looked for (the page says what was tried)
    optional: list[str] = field(default_factory=list)  # function words that did not exclude

    @property
    def corrected(self) -> str | None:
        """The query searched instead of the one typed, None when it was searched as typed."""
        return self.searched if self.searched and self.searched != self.query else None
    # Facet values asked for that matched other values: {"field", "value", "matched"}.
    value_matches: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        """The /api/search response."""
        return {
            "query": self.query,
            "corrected_query": self.corrected,
            "corrections": [c.to_json() for c in self.corrections],
            "total": self.total,
            "entries": self.entries,
            "pages": self.pages,
            "undated": self.undated,
            "undated_left_out": self.undated_left_out,
            "date_granularity": self.date_granularity,
            "partial": self.partial,
            "page": self.page,
            "size": self.size,
            "took_ms": self.took_ms,
            "suggestion": self.suggestion,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
            "facet_totals": self.facet_totals,
            "warnings": self.warnings,
            "value_matches": self.value_matches,
        }


def entities_of(stored: dict, name: str, view: IndexView | None = None) -> list[str]:
    """An article's values of an entity field, as the archive-wide merge names them (each
    once)."""
    values = [v.strip() for v in (stored.get(name) or "").split(",") if v.strip()]
    if view is None:
        return values
    facet = view.facets[name]
    return list(dict.fromkeys(facet.canonical(v) for v in values))


def build_hit(view: IndexView, docnum: int, score: float, words: list[WordTerms],
              stored: dict | None = None, snippet: bool = True,
              missing: list[str] | None = None) -> Hit:
    """A hit: the document's stored fields, its title and snippet with ``words`` marked."""
    stored = stored if stored is not None else view.stored(docnum)
    title = stored.get("title", "")
    body = stored.get("body", "")
    frags: list[str] = []
    if snippet:
        found = spans(view, "body", words, docnum) if words else []
        frags = fragments(body, found) if found else [lead_fragment(body)]
    return Hit(
        id=stored.get("id", ""),
        title=title,
        title_html=mark(title, spans(view, "title", words, docnum) if words else []),
        date=stored.get("date") or None,
        source=stored.get("source", ""),
        url=stored.get("url", ""),
        score=round(score, 4),
        snippet_html=" … ".join(frags),
        fragments_html=frags,
        persons=entities_of(stored, "persons", view),
        organisations=entities_of(stored, "organisations", view),
        locations=entities_of(stored, "locations", view),
        missing=missing or [],
    )
