"""What a search gives: its hits, with highlighted titles and snippets, and the result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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

    def to_json(self) -> dict:
        data = asdict(self)
        del data["fragments_html"]
        return data


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
    # Facet values asked for that matched other values: {"field", "value", "matched"}.
    value_matches: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        """The /api/search response."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "size": self.size,
            "took_ms": self.took_ms,
            "suggestion": self.suggestion,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
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
              stored: dict | None = None, snippet: bool = True) -> Hit:
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
    )
