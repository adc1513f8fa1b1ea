"""The HTML pages: home, search, article, help, the Atom feed and the CSV export of a search."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from indexer.search import (
    BadRequest,
    IndexUnavailable,
    SearchRequest,
    parse_request,
    request_params,
)
from web import format as fmt
from web import searcher

# Templates and static files live in web/templates and web/static, the app's own folders.
bp = Blueprint("pages", __name__)

# URL parameter, SearchRequest field and Russian heading of every entity/source facet.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("person", "persons", "Персоны"),
    ("org", "organisations", "Организации"),
    ("loc", "locations", "Места"),
    ("source", "sources", "Источники"),
)
SORTS: tuple[tuple[str, str], ...] = (
    ("relevance", "по релевантности"),
    ("newest", "сначала новые"),
    ("oldest", "сначала старые"),
)
FEED_SIZE = 20
CSV_LIMIT = 1000
CSV_PAGE = 100
CSV_FIELDS = ("id", "date", "title", "source", "url", "persons", "organisations", "locations")
_ELLIPSIS_START = re.compile(r"^(?:…|\.\.\.)\s*")
_ELLIPSIS_END = re.compile(r"\s*(?:…|\.\.\.)$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# --- links --------------------------------------------------------------------------------


def _query(params: Iterable[tuple[str, str]]) -> str:
    encoded = urlencode(list(params))
    return f"?{encoded}" if encoded else ""


class Links:
    """URLs derived from one search request (toggle a facet, another page, drop a filter)."""

    def __init__(self, req: SearchRequest) -> None:
        self.req = req

    def search(self, **changes: Any) -> str:
        """The search page with ``changes`` applied (back to page 1 unless a page is given)."""
        changes.setdefault("page", 1)
        return url_for("pages.search") + _query(request_params(self.req, **changes))

    def has(self, field: str, value: str) -> bool:
        return value in getattr(self.req, field)

    def toggle(self, field: str, value: str) -> str:
        """Add ``value`` to the ``field`` filter, or remove it when already there."""
        values = list(getattr(self.req, field))
        values = [v for v in values if v != value] if value in values else [*values, value]
        return self.search(**{field: values})

    def add(self, field: str, value: str) -> str:
        """Filter by ``value`` too (the link of an entity chip on a hit)."""
        values = list(getattr(self.req, field))
        return self.search(**{field: values if value in values else [*values, value]})

    def period(self, date_from: str | None, date_to: str | None) -> str:
        return self.search(date_from=date_from, date_to=date_to)

    def page(self, number: int) -> str:
        return self.search(page=number)

    def sort(self, sort: str) -> str:
        return self.search(sort=sort)

    def without_filters(self) -> str:
        """Only the query and sort: every facet and date filter dropped."""
        empty: dict[str, Any] = {field: [] for _, field, _ in FACETS}
        return self.search(date_from=None, date_to=None, **empty)

    def query(self, q: str) -> str:
        return self.search(q=q)

    def twin(self, endpoint: str) -> str:
        """This search as JSON, Atom or CSV (the page parameter is kept)."""
        params = request_params(self.req)
        if endpoint == "api":
            return url_for("api.search") + _query(params)
        params = [(k, v) for k, v in params if k not in ("page", "size", "facet_size")]
        return url_for(f"pages.{endpoint}") + _query(params)


def has_filters(req: SearchRequest) -> bool:
    return bool(req.date_from or req.date_to or any(getattr(req, f) for _, f, _ in FACETS))


def page_numbers(page: int, last: int, around: int = 2) -> list[int | None]:
    """Page links: the first, the last and the current neighbourhood; None marks a gap."""
    shown = sorted({1, last, *range(max(1, page - around), min(last, page + around) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:  # type: ignore[operator]
            numbers.append(None)
        numbers.append(n)
    return numbers


def fill_gaps(buckets: list[dict]) -> list[dict]:
    """Year or month buckets with the missing periods added as empty ones, so time is to scale."""
    keys = [b["key"] for b in buckets]
    if len(keys) < 2 or any(len(k) not in (4, 7) or len(k) != len(keys[0]) for k in keys):
        return buckets
    by_key = {b["key"]: b for b in buckets}
    try:
        if len(keys[0]) == 4:
            periods = [str(y) for y in range(int(min(keys)), int(max(keys)) + 1)]
        else:
            start, end = (int(k[:4]) * 12 + int(k[5:]) - 1 for k in (min(keys), max(keys)))
            periods = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]
    except ValueError:
        return buckets
    if len(periods) > 400:
        return buckets
    return [by_key.get(k) or {"key": k, "count": 0, "from": k, "to": k} for k in periods]


def histogram(buckets: list[dict], url: Any, active: tuple[str | None, str | None] = (None, None),
              width: int = 300, height: int = 90) -> dict:
    """Bars of an inline SVG chart: geometry, labels and links (``url(bucket)``)."""
    buckets = fill_gaps(buckets)
    top = max((b["count"] for b in buckets), default=0) or 1
    step = width / max(len(buckets), 8)  # a few buckets do not become very wide bars
    offset = (width - step * len(buckets)) / 2
    gap = min(2.0, step * 0.2)
    bars = []
    for i, b in enumerate(buckets):
        h = round(b["count"] / top * (height - 4), 1) if b["count"] else 0
        if b["count"] and h < 2:
            h = 2
        bars.append({
            "x": round(offset + i * step + gap / 2, 2), "w": round(step - gap, 2),
            "y": round(height - h, 1), "h": h, "count": b["count"],
            "label": fmt.period(b["key"]), "url": url(b) if b["count"] else None,
            "active": (b.get("from"), b.get("to")) == active and active != (None, None),
        })
    return {
        "bars": bars, "width": width, "height": height,
        "first": fmt.period_short(buckets[0]["key"]) if buckets else "",
        "last": fmt.period_short(buckets[-1]["key"]) if buckets else "",
    }


# --- pages ---------------------------------------------------------------------------------


@bp.app_template_global()
def articles_url(article_id: str, q: str = "") -> str:
    """The article page, carrying the query whose words it highlights."""
    return url_for("pages.article", id=article_id, **({"q": q} if q else {}))


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
    return {"fmt": fmt, "FACETS": FACETS, "SORTS": SORTS}


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
    if not req.q.strip() and not has_filters(req):
        return redirect(url_for("pages.index"))
    result = searcher().search(req)
    links = Links(req)
    dates = result.facets.get("dates", [])
    chart = histogram(dates, lambda b: links.period(b.get("from"), b.get("to")),
                      active=(req.date_from, req.date_to))
    last = max(1, math.ceil(result.total / req.size))
    return render_template(
        "search.html", req=req, result=result, links=links, chart=chart,
        filtered=has_filters(req), last_page=last, pages=page_numbers(req.page, last),
    )


@bp.get("/search.atom")
def search_atom() -> Response:
    """The search as an Atom feed, newest first, so a topic can be followed."""
    asked = parse_request_or_400()
    size = asked.size if "size" in request.args else FEED_SIZE
    req = dataclasses.replace(asked, sort="newest", page=1, size=size, facets=False)
    result = searcher().search(req)
    dates = [h.date for h in result.hits if h.date]
    updated = max(dates) if dates else dt.date.today().isoformat()
    page_url = url_for("pages.search", _external=True) + _query(
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
        )])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="muragat-search.csv"',
    })


def _all_hits(req: SearchRequest, limit: int) -> Iterator[Any]:
    """Hits of every page of ``req`` up to ``limit``."""
    page, given = 1, 0
    while given < limit:
        result = searcher().search(
            dataclasses.replace(req, page=page, size=CSV_PAGE, facets=False))
        for hit in result.hits[: limit - given]:
            yield hit
            given += 1
        if not result.hits or page * CSV_PAGE >= result.total:
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


# --- errors and headers --------------------------------------------------------------------


def parse_request_or_400() -> SearchRequest:
    """The search request of the URL; a bad parameter raises BadRequest (a 400 page)."""
    return parse_request(request.args)


@bp.errorhandler(BadRequest)
def _bad_request(err: BadRequest) -> tuple[str, int]:
    message = getattr(err, "message_ru", None) or "Не удалось разобрать запрос."
    q = request.args.get("q", "")
    return render_template("error.html", status=400, title="Ошибка в запросе",
                           message=message, q=q), 400


@bp.errorhandler(RecursionError)
def _too_deep(err: RecursionError) -> tuple[str, int]:
    # Stopgap until indexer.query limits nesting: "(" * 250 + "a" overflows the parser.
    return render_template("error.html", status=400, title="Ошибка в запросе",
                           message="Запрос слишком сложный: слишком много вложенных скобок.",
                           q=request.args.get("q", "")), 400


@bp.errorhandler(IndexUnavailable)
def _unavailable(err: IndexUnavailable) -> tuple[str, int, dict[str, str]]:
    message = getattr(err, "message_ru", None) or "Индекс архива сейчас недоступен."
    return (render_template("error.html", status=503, title="Поиск временно недоступен",
                            message=message), 503, {"Retry-After": "60"})


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def _not_found(err: HTTPException) -> Any:
    code = err.code or 404
    # A 405 must list the allowed methods (RFC 9110); werkzeug's own headers carry Allow.
    headers = {k: v for k, v in err.get_headers() if k == "Allow"}
    if request.path.startswith("/api/"):
        name = (err.name or "error").lower().replace(" ", "_")
        return jsonify({"error": {"code": name, "message": err.description}}), code, headers
    if code == 405:
        return render_template("error.html", status=405, title="Метод не поддерживается",
                               message="Эта страница открывается только обычным переходом."
                               ), 405, headers
    return render_template("error.html", status=404, title="Страница не найдена",
                           message="Такой страницы или статьи в архиве нет. "
                           "Проверьте адрес или воспользуйтесь поиском."), 404


@bp.app_errorhandler(500)
def _server_error(err: Exception) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": "internal", "message": "internal error"}}), 500
    return render_template("error.html", status=500, title="Внутренняя ошибка",
                           message="Что-то пошло не так. Попробуйте ещё раз позже."), 500


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    """CSP (no inline script), nosniff and a referrer policy on every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
