"""An entity's page: how often it is mentioned per month, who and what is mentioned with it (counted
with numpy over all of its articles, not article by article), the forms the texts write it in,
the posts they give a person, its first and last mention and its latest articles; and the list of
entities with a name filter.

Everything counts articles of the current index version, with the archive-wide merge of values
applied (``entity_book``): the page of «Владимир Путин» counts the articles that say «Путин»
alone too.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

import numpy as np

from indexer.catalog import ENTITY_KINDS, FacetKind
from indexer.search.days import to_iso
from indexer.search.facets import top_values
from indexer.search.ordering import by_date
from indexer.search.results import Hit, build_hit
from indexer.search.value_names import value_words
from indexer.search.view import IndexView
from indexer.search.words import WordTerms
from indexer.text.normalise import normalise

RELATED = 10  # co-mentioned values shown per kind
LATEST = 10  # latest articles shown
LIST_SIZE = 50  # values per kind on the list page
KIND_BY_PARAM = {kind.param: kind for kind in ENTITY_KINDS}


@dataclass
class EntityPage:
    kind: FacetKind
    name: str
    articles: int
    months: list[dict]  # {"key": "YYYY-MM", "count", "from", "to"}, every month first to last
    first: str | None  # date of the first and the last dated mention
    last: str | None
    undated: int  # articles without a date
    related: dict[str, list[dict]]  # facet name → [{"value", "count"}]
    forms: list[tuple[str, int]]  # as the texts write it, with articles
    members: list[str]  # the values merged into it
    posts: list[tuple[str, int, str]]  # (post, articles, latest date)
    latest: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "kind": self.kind.param,
            "name": self.name,
            "articles": self.articles,
            "first_mention": self.first,
            "last_mention": self.last,
            "undated": self.undated,
            "months": self.months,
            "related": self.related,
            "forms": [{"form": f, "articles": c} for f, c in self.forms],
            "merged_values": self.members,
            "posts": [{"post": p, "articles": c, "latest": d or None} for p, c, d in self.posts],
            "latest": [h.to_json() for h in self.latest],
        }


def find_value(view: IndexView, kind: FacetKind, name: str) -> str | None:
    """The canonical value a name stands for (itself, or a value merged into one); None when
    the index has no such value."""
    facet = view.facets[kind.field]
    ids = sorted(facet.names.exact(name))
    if not ids:
        return None
    exact = [i for i in ids if normalise(facet.values[i]) == normalise(name.strip())]
    return facet.values[(exact or ids)[0]]


def entity_page(view: IndexView, kind: FacetKind, name: str) -> EntityPage:
    """The page of a canonical value (``find_value`` gives it)."""
    facet = view.facets[kind.field]
    vid = facet.values.index(name)
    mask = facet.docs_with([vid], view.n) & view.alive
    docs = np.flatnonzero(mask)
    dated = view.dates[docs][view.dated[docs]]
    info = view.book.value_info(kind.field, name) if view.book else None
    words = [WordTerms.of(w, False) for w in value_words(name)]
    latest = [build_hit(view, int(d), 0.0, words)
              for d in by_date(view, docs, newest=True)[:LATEST]]
    return EntityPage(
        kind=kind, name=name, articles=len(docs), months=month_counts(dated),
        first=to_iso(int(dated.min())) if len(dated) else None,
        last=to_iso(int(dated.max())) if len(dated) else None,
        undated=int(len(docs) - len(dated)),
        related=_related(view, kind, vid, mask),
        forms=list(info.forms) if info else [],
        members=[m for m in info.members if m != name] if info else [],
        posts=list(info.posts) if info else [],
        latest=latest,
    )


def _related(view: IndexView, kind: FacetKind, vid: int, mask: np.ndarray
             ) -> dict[str, list[dict]]:
    """The values most often mentioned with the entity, per kind (itself left out)."""
    out = {}
    for other in ENTITY_KINDS:
        facet = view.facets[other.field]
        top = top_values(facet, mask, RELATED + 1)
        if other.field == kind.field:
            top = [t for t in top if t["value"] != facet.values[vid]]
        out[other.name] = top[:RELATED]
    return out


def month_counts(days: np.ndarray) -> list[dict]:
    """Articles per month, every month from the first to the last (empty ones with 0)."""
    if not len(days):
        return []
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first = int(months.min())
    counts = np.bincount(months - first)
    out = []
    for i, count in enumerate(counts.tolist()):
        year, month = divmod(first + i, 12)
        year += 1970
        key = f"{year}-{month + 1:02d}"
        last_day = calendar.monthrange(year, month + 1)[1]
        out.append({"key": key, "count": count, "from": f"{key}-01", "to": f"{key}-{last_day}"})
    return out


def entity_list(view: IndexView, q: str = "", kind: FacetKind | None = None,
                limit: int = LIST_SIZE) -> dict[str, list[dict]]:
    """The most mentioned values of each kind (or of ``kind``), whose name or post holds ``q``
    (any case, ё = е): {facet name: [{"value", "count", "post"?}]}."""
    wanted = normalise(q.strip())
    out = {}
    for k in ENTITY_KINDS if kind is None else (kind,):
        facet = view.facets[k.field]
        counts = _all_counts(view, k.field)
        order = np.argsort(-counts, kind="stable")
        found: list[dict] = []
        for i in order.tolist():
            if counts[i] == 0 or len(found) >= limit:
                break
            value = facet.values[i]
            post = view.book.post_of(k.field, value) if view.book else ""
            if wanted and wanted not in normalise(value) and wanted not in normalise(post):
                continue
            item = {"value": value, "count": int(counts[i])}
            if post:
                item["post"] = post
            found.append(item)
        out[k.name] = found
    return out


def _all_counts(view: IndexView, fieldname: str) -> np.ndarray:
    """Articles per value over the whole index (once per view)."""
    cached = view.derived.get(("all_counts", fieldname))
    if cached is None:
        cached = view.derived[("all_counts", fieldname)] = view.facets[fieldname].counts(
            view.alive)
    return cached


def with_posts(view: IndexView, fieldname: str, items: list[dict]) -> list[dict]:
    """Facet items of persons with each one's commonest post, where the texts give one."""
    book = view.book
    for item in items:
        post = book.post_of(fieldname, item["value"]) if book else ""
        if post:
            item["post"] = post
    return items
