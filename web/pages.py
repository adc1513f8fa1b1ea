"""The HTML pages: home, search, article, help, the Atom feed and the CSV export of a search."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from indexer.catalog import FACET_KINDS, SORTS
from indexer.search import SearchRequest, parse_request, request_params
from web import errors, searcher
from web import format as fmt
from web.charts import histogram
from web.links import Links, page_numbers, query_string
from web.notices import Notices

# Templates and static files live in web/templates and web/static, the app's own folders.
bp = Blueprint("pages", __name__)

FEED_SIZE = 20
CSV_LIMIT = 1000
CSV_PAGE = 100
CSV_FIELDS = ("id", "date", "title", "source", "url", "persons", "organisations", "locations",
              "missing")
_ELLIPSIS_START = re.compile(r"^(?:…|\.\.\.)\s*")
_ELLIPSIS_END = re.compile(r"\s*(?:…|\.\.\.)$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# --- pages ---------------------------------------------------------------------------------


@bp.app_template_global()
def articles_url(article_id: str, q: str = "") -> str:
    """The article page, carrying the query whose words it highlights."""
    return url_for("pages.article", id=article_id, q=q or None)


@bp.app_template_filter("safe_url")
def safe_url(url: str | None) -> str | None:
    """An archive URL fit for a link: only http(s), anything else (javascript:…) dropped."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@bp.app_template_filter("fragments")
def fragments(parts: list[str]) -> Markup:
    """Snippet fragments (already escaped, only <mark> raw) joined by one ellipsis each."""
    cleaned = [p.strip() for p in parts if p and p.strip()]
    if not cleaned:
        return Markup("")
    head = "…" if _ELLIPSIS_START.match(cleaned[0]) else ""
    tail = "…" if _ELLIPSIS_END.search(cleaned[-1]) else ""
    inner = [_ELLIPSIS_END.sub("", _ELLIPSIS_START.sub("", p)) or p for p in cleaned]
    sep = ' <span class="hit__sep" aria-hidden="true">…</span> '
    return Markup(head + sep.join(inner) + tail)  # noqa: S704 - escaped by the search layer


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"fmt": fmt, "FACETS": FACET_KINDS, "SORTS": SORTS}


@bp.get("/")
def index() -> str:
    """The search box and an overview of the archive."""
    s = searcher()
    stats = s.stats()
    years = [dict(y, **{"from": y["key"], "to": y["key"]}) for y in stats.get("years", [])]
    links = Links(SearchRequest())
    chart = histogram(years, lambda b: links.period(b["from"], b["to"]), width=600, height=110)
    return render_template("index.html", stats=stats, chart=chart, latest=s.latest(10))


@bp.get("/search")
def search() -> Any:
    """Results with facets, sort, pagination and suggestion; every state is in the URL."""
    req = parse_request_or_400()
    if not req.q.strip() and not req.filtered():
        return redirect(url_for("pages.index"))
    result = searcher().search(req)
    links = Links(req)
    dates = result.facets.get("dates", [])
    chart = histogram(dates, lambda b: links.period(b.get("from"), b.get("to")),
                      active=(req.date_from, req.date_to))
    last = max(1, math.ceil((result.total + result.partial) / req.size))
    return render_template(
        "search.html", req=req, result=result, links=links, chart=chart,
        filtered=req.filtered(), last_page=last, pages=page_numbers(req.page, last),
        notices=Notices(req, result, links),
    )


@bp.get("/search.atom")
def search_atom() -> Response:
    """The search as an Atom feed, newest first, so a topic can be followed."""
    asked = parse_request_or_400()
    size = asked.size if "size" in request.args else FEED_SIZE
    req = dataclasses.replace(asked, sort="newest", page=1, size=size, facets=False,
                              fill=asked.size)
    result = searcher().search(req)
    dates = [h.date for h in result.hits if h.date]
    updated = max(dates) if dates else dt.date.today().isoformat()
    page_url = url_for("pages.search", _external=True) + query_string(
        request_params(asked, sort="newest", page=1))
    body = render_template("search.atom.xml", req=req, result=result, updated=updated,
                           self_url=request.url, page_url=page_url)
    # Control characters of the query or an article are not XML, even escaped: drop them.
    return Response(_XML_ILLEGAL.sub("", body), mimetype="application/atom+xml")


@bp.get("/search.csv")
def search_csv() -> Response:
    """Up to 1,000 results of the search as CSV (UTF-8 with a BOM, so spreadsheets cope)."""
    req = parse_request_or_400()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for hit in _all_hits(req, CSV_LIMIT):
        writer.writerow([_cell(v) for v in (
            hit.id, hit.date or "", hit.title, hit.source, hit.url,
            "; ".join(hit.persons), "; ".join(hit.organisations), "; ".join(hit.locations),
            "; ".join(hit.missing),
        )])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="muragat-search.csv"',
    })


def _all_hits(req: SearchRequest, limit: int) -> Iterator[Any]:
    """Hits of every page of ``req`` up to ``limit``."""
    page, given = 1, 0
    while given < limit:
        result = searcher().search(  # partial matches as on the page of ``req``
            dataclasses.replace(req, page=page, size=CSV_PAGE, facets=False, fill=req.size))
        for hit in result.hits[: limit - given]:
            yield hit
            given += 1
        if not result.hits or page * CSV_PAGE >= result.total + result.partial:
            return
        page += 1


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/articles/<path:id>")
def article(id: str) -> str:
    """One article, the words of ``q`` highlighted, with its entities and similar articles."""
    q = request.args.get("q", "")
    s = searcher()
    doc = s.article(id, q=q)
    if doc is None:
        abort(404)
    similar = s.similar(id, limit=5) or []
    return render_template("article.html", doc=doc, q=q, similar=similar,
                           links=Links(SearchRequest()))


@bp.get("/help")
def help() -> str:
    """The query language, with examples."""
    return render_template("help.html")


def parse_request_or_400() -> SearchRequest:
    """The search request of the URL; a bad parameter raises BadRequest (a 400 page)."""
    return parse_request(request.args)


errors.register(bp)
