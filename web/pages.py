"""The HTML pages: home, search, article, help, the Atom feed and the CSV export of a search."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
from html import unescape
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from indexer.catalog import BY_NAME, FACET_KINDS, SORTS
from indexer.search import (
    BadRequest,
    SearchRequest,
    bounded_query,
    parse_request,
    request_params,
)
from indexer.search.budget import LATE
from indexer.search.execute import PAST_LAST_PAGE
from indexer.search.facets import one_period
from web import errors, searcher
from web import format as fmt
from web.charts import Chart, histogram, year_bins
from web.links import Links, action, apply_action, page_numbers, query_string
from web.markup import entity_chips, facet_rows
from web.notices import Notices

# Templates and static files live in web/templates and web/static, the app's own folders.
bp = Blueprint("pages", __name__)

FEED_SIZE = 20
ATOM_ID = "tag:muragat,2026:"  # ids of the feeds and their entries (RFC 4151)
VALUES_LIMIT = 500  # values listed on a «показать все» page (a filter narrows them)
CSV_LIMIT = 1000
CSV_FIELDS = ("permalink", "date", "source", "title", "snippet", "url", "id", "persons",
              "organisations", "locations", "reprint_of", "missing")
_TAG = re.compile(r"<[^>]+>")
_P = re.compile(r"<p>")
_MARK = re.compile(r"<mark>")
_ELLIPSIS_START = re.compile(r"^(?:…|\.\.\.)\s*")
_ELLIPSIS_END = re.compile(r"\s*(?:…|\.\.\.)$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# --- pages ---------------------------------------------------------------------------------


@bp.app_template_global()
def public_url(path: str) -> str:
    """A link for a feed: absolute on the configured public address (``PUBLIC_URL``,
    ``MURAGAT_PUBLIC_URL``), else relative to the feed. Never built from the request's Host
    header, which any client may set."""
    base = current_app.config.get("PUBLIC_URL") or ""
    return base.rstrip("/") + path if base else path


@bp.app_template_global()
def atom_id(article_id: str) -> str:
    """An article's permanent Atom id: a tag URI (RFC 4151), the same whatever address the
    site is served at, so a feed reader never sees an entry twice."""
    return f"{ATOM_ID}article/{quote(article_id, safe='/')}"


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


@bp.app_template_filter("anchored")
def anchored(body_html: str) -> Markup:
    """An article's body (escaped by the search layer) with anchors: paragraphs ``p1``,
    ``p2`` …, matched words ``m1``, ``m2`` … in reading order."""
    paragraphs = itertools.count(1)
    marks = itertools.count(1)
    html = _P.sub(lambda _m: f'<p id="p{next(paragraphs)}">', body_html)
    return Markup(_MARK.sub(lambda _m: f'<mark id="m{next(marks)}">', html))  # noqa: S704


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"fmt": fmt, "FACETS": FACET_KINDS, "SORTS": SORTS, "action": action,
            "entity_chips": entity_chips, "facet_rows": facet_rows}


@bp.get("/")
def index() -> str:
    """The search box and an overview of the archive."""
    s = searcher()
    stats = s.stats()
    links = Links(SearchRequest())
    chart = histogram(year_bins(stats.get("years", [])), "year",
                      lambda b: links.period(b["from"], b["to"]))
    chart.undated, chart.undated_url = stats.get("undated", 0), links.undated("only")
    return render_template("index.html", stats=stats, chart=chart, latest=s.latest(10),
                           links=links)


@bp.get("/search")
def search() -> Any:
    """Results with facets, sort, pagination and suggestion; every state is in the URL."""
    req = parse_request(request.args, lenient_dates=True)
    do = request.args.get("do")
    if do is not None:
        changed = apply_action(req, do)
        if changed is None:
            raise BadRequest("bad_param", f"unknown change {do!r}", "Неизвестное действие")
        return redirect(Links(changed).search(), code=303)
    if not req.q.strip() and not req.filtered() and not req.field_errors:
        return redirect(url_for("pages.index"))
    result = searcher().search(req)
    links = Links(req)
    past_last_page = req.page > result.pages and result.entries > 0
    work_warnings = [w for w in result.warnings if not w.startswith(PAST_LAST_PAGE)]
    late = [w for w in work_warnings if w.startswith(LATE)]
    work_warnings = [w for w in work_warnings if not w.startswith(LATE)]
    body = render_template(
        "search.html", req=req, result=result, links=links, chart=results_chart(req, result, links),
        filtered=req.filtered(), pages=page_numbers(req.page, result.pages),
        past_last_page=past_last_page, work_warnings=work_warnings, late=late,
        active_count=active_filters(req),
        typed={k: request.args.get(k, "") for k in ("from", "to")},
        notices=Notices(req, result, links),
    )
    return (body, 404) if past_last_page else body


@bp.get("/search/values/<kind>")
def facet_values(kind: str) -> Any:
    """Every value of one facet kind in the results, filtered by part of its name: the
    «показать все» of a facet, server side."""
    if kind not in BY_NAME:
        abort(404)
    req = parse_request(request.args, lenient_dates=True)
    contains = request.args.get("fq", "").strip()[:100]
    values, total = searcher().values(req, kind, contains, VALUES_LIMIT)
    return render_template("facet_values.html", req=req, kind=BY_NAME[kind], values=values,
                           total=total, contains=contains, links=Links(req),
                           limit=VALUES_LIMIT)


def results_chart(req: SearchRequest, result: Any, links: Links) -> Chart:
    """The results' date histogram: bars that narrow to their period, a bar of the undated
    articles, and links up from a month to its year, from a year to all dates."""
    chart = histogram(result.facets.get("dates", []), result.date_granularity,
                      lambda b: links.period(b["from"], b["to"]),
                      active=(req.date_from, req.date_to))
    chart.undated, chart.undated_url = result.undated, links.undated("only")
    chart.undated_active = req.undated == "only"
    if req.date_from or req.date_to:
        whole_month = (one_period(req.date_from, req.date_to) is not None and req.date_from
                       and req.date_to and req.date_from[:7] == req.date_to[:7])
        if whole_month and req.date_from:
            year = req.date_from[:4]
            chart.up.append((f"{year} год", links.period(f"{year}-01-01", f"{year}-12-31")))
        chart.up.append(("все даты", links.period(None, None)))
    return chart


def active_filters(req: SearchRequest) -> int:
    """How many filters narrow the search (on the phone's «Фильтры» button)."""
    values = sum(len(v) for v in req.filters().values())
    excluded = sum(len(v) for v in req.excluded.values())
    return values + excluded + (1 if req.date_from or req.date_to or req.undated else 0)


@bp.get("/search.atom")
def search_atom() -> Response:
    """The search as an Atom feed, newest first, so a topic can be followed. An undated
    article is dated by when it was indexed, and its entry says so."""
    asked = parse_request_or_400()
    size = asked.size if "size" in request.args else FEED_SIZE
    req = dataclasses.replace(asked, sort="newest", page=1, size=size, facets=False,
                              fill=asked.size)
    result = searcher().search(req)
    indexed = searcher().indexed_at([h.id for h in result.hits if not h.date])
    stamps = {h.id: f"{h.date}T00:00:00Z" if h.date else indexed.get(h.id, "")
              for h in result.hits}
    updated = max((v for v in stamps.values() if v), default=None) or (
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"))
    canonical = query_string(request_params(asked, sort="newest", page=1))
    body = render_template("search.atom.xml", req=req, result=result, updated=updated,
                           stamps=stamps, feed_id=f"{ATOM_ID}search{canonical}",
                           self_url=public_url(request.full_path.rstrip("?")),
                           page_url=public_url(url_for("pages.search") + canonical))
    # Control characters of the query or an article are not XML, even escaped: drop them.
    return Response(_XML_ILLEGAL.sub("", body), mimetype="application/atom+xml")


@bp.get("/search.csv")
def search_csv() -> Response:
    """Up to 1,000 results of the search, every article a row, as CSV that a spreadsheet in a
    Russian locale opens in columns: «;» between cells, UTF-8 with a BOM, a permalink back to
    each article and its snippet as plain text.

    One search with one time budget for the whole export (a search per 100 rows ran the
    budget ten times); what the budget cut is said in the ``X-Muragat-Warnings`` header."""
    req = dataclasses.replace(parse_request_or_400(), collapse=False)
    result = searcher().search(dataclasses.replace(  # partial matches as on req's page
        req, page=1, size=CSV_LIMIT, facets=False, fill=req.size))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for hit in result.hits:
        permalink = url_for("pages.article", id=hit.id, _external=True)
        writer.writerow([_cell(v) for v in (
            permalink, hit.date or "", hit.source, hit.title, plain_text(hit.snippet_html),
            safe_url(hit.url) or permalink, hit.id, "; ".join(hit.persons),
            "; ".join(hit.organisations), "; ".join(hit.locations), hit.reprint_of or "",
            "; ".join(hit.missing),
        )])
    headers = {"Content-Disposition": 'attachment; filename="muragat-search.csv"'}
    if result.warnings:
        headers["X-Muragat-Warnings"] = "; ".join(result.warnings)
    return Response(out.getvalue(), mimetype="text/csv", headers=headers)


def plain_text(html: str) -> str:
    """A snippet's text without its <mark> tags and escapes."""
    return " ".join(unescape(_TAG.sub("", html)).split())


def _cell(value: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/articles/<path:id>")
def article(id: str) -> str:
    """One article, the words of the search it was opened from highlighted, with its
    entities, its reprints, similar articles and the way back to those very results."""
    try:
        state = parse_request(request.args, lenient_dates=True)
    except BadRequest:  # a bad filter only loses the way back; a too long query is refused
        state = SearchRequest(q=bounded_query(request.args.get("q")))
    s = searcher()
    doc = s.article(id, q=state.q)
    if doc is None:
        abort(404)
    similar = s.similar(id, limit=5) or []
    searched = bool(state.q or state.filtered())
    return render_template("article.html", doc=doc, q=state.q, similar=similar,
                           links=Links(state), searched=searched,
                           marks=doc["body_html"].count("<mark"))


@bp.get("/help")
def help() -> str:
    """The query language, with examples."""
    return render_template("help.html")


def parse_request_or_400() -> SearchRequest:
    """The search request of the URL; a bad parameter raises BadRequest (a 400 page)."""
    return parse_request(request.args)


errors.register(bp)
