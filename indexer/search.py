"""Search over the live index: requests, results, and the process-wide ``Searcher``.

The web API, the HTML pages and ``index search`` all use this module; it knows nothing of Flask.
See ``indexer.query`` for the query language, ``indexer.engine`` for matching and ranking,
``indexer.facets``, ``indexer.snippets`` and ``indexer.suggest`` for the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import pickle
import re
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from indexer import generations
from indexer.analysis import WORD_RE, lemmas
from indexer.engine import Engine, WordTerms, value_ids
from indexer.facets import date_histogram, top_values
from indexer.query import parse, parse_bounded
from indexer.schema import ENTITY_FIELDS
from indexer.snippets import body_html, fragments, lead_fragment, mark
from indexer.suggest import suggest
from indexer.view import NO_DATE, IndexView

SORTS = ("relevance", "newest", "oldest")
MAX_SIZE = 100
MAX_PAGE = 10**9  # a page past the last is empty (cheap: only the page's hits are built)
MAX_QUERY = 1000  # characters; a longer query is a bad request
FACET_SIZE = 15
MAX_FACET_SIZE = 200  # a larger facet_size is lowered to this, with a warning
TIME_BUDGET = 0.25  # seconds of evaluation and re-ranking; then the best results so far
CHECK_EVERY = 0.5  # seconds between checks for a new index version
RETIRE_AFTER = 60.0  # seconds an old version stays open for requests still using it
SIMILAR_TERMS = 25
FILTER_PARAMS = {"person": "persons", "org": "organisations", "loc": "locations",
                 "source": "sources"}
_EPOCH = dt.date(1970, 1, 1).toordinal()
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


class BadRequest(ValueError):
    """A bad query parameter. ``code`` (machine, e.g. "bad_page"), ``message`` (English, for
    the JSON API), ``message_ru`` (Russian, for the HTML pages)."""

    def __init__(self, code: str, message: str, message_ru: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_ru = message_ru


class IndexUnavailable(RuntimeError):
    """No index yet, or the index cannot be opened."""

    def __init__(self, message: str, message_ru: str):
        super().__init__(message)
        self.message = message
        self.message_ru = message_ru


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    size: int = 10
    sort: str = "relevance"
    date_from: str | None = None
    date_to: str | None = None
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    facets: bool = True
    facet_size: int = FACET_SIZE
    warnings: list[str] = field(default_factory=list)  # what was cut to keep the request bounded


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
        }


# Request parameters


def _values(params, key: str) -> list[str]:
    if hasattr(params, "getlist"):
        return [str(v) for v in params.getlist(key)]
    value = params.get(key) if isinstance(params, Mapping) else None
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _one(params, key: str) -> str | None:
    values = _values(params, key)
    return values[0] if values else None


def _int(params, key: str, default: int, lo: int, hi: int, code: str, ru: str) -> int:
    raw = _one(params, key)
    if raw is None or raw.strip() == "":
        return default
    digits = raw.strip()
    # Only ASCII digits: int() would also take «1_0», full-width «５» and Arabic-Indic digits.
    value = int(digits) if digits.isascii() and digits.lstrip("-").isdigit() else None
    if value is None or not lo <= value <= hi:
        raise BadRequest(code, f"{key} must be an integer from {lo} to {hi}, not {raw!r}",
                         f"{ru}: целое число от {lo} до {hi}")
    return value


def normalise_date(value: str, end: bool) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as ``YYYY-MM-DD``: the first day of the period,
    or with ``end`` the last. Raises BadRequest."""
    m = _DATE.match(value.strip())
    try:
        if not m:
            raise ValueError(value)
        year, month, day = m.group(1), m.group(2), m.group(3)
        if day:
            return dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            last = calendar.monthrange(int(year), int(month))[1]
            return dt.date(int(year), int(month), last if end else 1).isoformat()
        return dt.date(int(year), 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError:
        raise BadRequest("bad_date", f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}",
                         f"Неверная дата «{value}»: нужен формат ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД"
                         ) from None


def parse_request(params) -> SearchRequest:
    """A SearchRequest from URL parameters (a MultiDict or a mapping). Raises BadRequest."""
    q = (_one(params, "q") or "").strip()
    if len(q) > MAX_QUERY:
        raise BadRequest("bad_param", f"q is longer than {MAX_QUERY} characters",
                         f"Запрос длиннее {MAX_QUERY} символов")
    warnings: list[str] = []
    sort = (_one(params, "sort") or "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise BadRequest("bad_sort", f"sort must be one of {', '.join(SORTS)}, not {sort!r}",
                         "Неизвестный порядок сортировки")
    date_from = (_one(params, "from") or "").strip()
    date_to = (_one(params, "to") or "").strip()
    req = SearchRequest(
        q=q,
        page=_int(params, "page", 1, 1, MAX_PAGE, "bad_page", "Номер страницы"),
        size=_int(params, "size", 10, 1, MAX_SIZE, "bad_size", "Размер страницы"),
        sort=sort,
        date_from=normalise_date(date_from, end=False) if date_from else None,
        date_to=normalise_date(date_to, end=True) if date_to else None,
        facet_size=_int(params, "facet_size", FACET_SIZE, 1, 10**9, "bad_param",
                        "Число значений фасета"),
        warnings=warnings,
    )
    if req.facet_size > MAX_FACET_SIZE:
        req.facet_size = MAX_FACET_SIZE
        warnings.append(f"facets show at most {MAX_FACET_SIZE} values")
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise BadRequest("bad_date", "from is after to", "Начальная дата позже конечной")
    for key, attr in FILTER_PARAMS.items():
        setattr(req, attr, [v.strip() for v in _values(params, key) if v.strip()])
    facets = (_one(params, "facets") or "1").strip().lower()
    if facets not in ("0", "1", "false", "true", "no", "yes", "off", "on", ""):
        raise BadRequest("bad_param", f"facets must be 0 or 1, not {facets!r}",
                         "Параметр facets: 0 или 1")
    req.facets = facets not in ("0", "false", "no", "off")
    return req


def request_params(req: SearchRequest, **changes) -> list[tuple[str, str]]:
    """The URL parameters of a request (defaults left out), with ``changes`` applied."""
    r = replace(req, **changes)
    out: list[tuple[str, str]] = []
    if r.q:
        out.append(("q", r.q))
    if r.date_from:
        out.append(("from", r.date_from))
    if r.date_to:
        out.append(("to", r.date_to))
    for key, attr in FILTER_PARAMS.items():
        out += [(key, v) for v in getattr(r, attr)]
    if r.sort != "relevance":
        out.append(("sort", r.sort))
    if r.size != 10:
        out.append(("size", str(r.size)))
    if r.page != 1:
        out.append(("page", str(r.page)))
    if not r.facets:
        out.append(("facets", "0"))
    if r.facet_size != FACET_SIZE:
        out.append(("facet_size", str(r.facet_size)))
    return out


# The searcher


def _days(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal() - _EPOCH


def _iso(days: int) -> str | None:
    return dt.date.fromordinal(days + _EPOCH).isoformat() if days != NO_DATE else None


def locate(index_path: Path) -> tuple[Path, str]:
    """The build folder the live index points at, and a version naming it and its latest
    Whoosh generation. Raises IndexUnavailable."""
    build = generations.target(index_path)
    tocs = []
    if build is not None:
        try:
            tocs = [n for n in os.listdir(build) if n.startswith("_MAIN_") and n.endswith(".toc")]
        except OSError:
            tocs = []
    if build is None or not tocs:
        raise IndexUnavailable(f"there is no index at {index_path}; run `index rebuild`",
                               "Индекс ещё не построен: запустите «index rebuild»")
    generation = max(int(n[len("_MAIN_"):-len(".toc")]) for n in tocs)
    return build, f"{build.name}.{generation}"


# What reading a damaged index raises (a segment file truncated or rewritten under us).
_READ_ERRORS = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError)


@contextmanager
def _reading(view: IndexView) -> Iterator[None]:
    """Hold the view's lock; a damaged index becomes IndexUnavailable (a 503), not a crash."""
    with view.lock:
        try:
            yield
        except Exception as err:
            # Whoosh reports some damage with a bare Exception («Block tag error»).
            if not isinstance(err, _READ_ERRORS) and type(err) is not Exception:
                raise
            raise IndexUnavailable(f"the index cannot be read: {err}",
                                   "Индекс повреждён и не читается") from err


class Searcher:
    """Searches the live index; opens it lazily, once, and follows rebuilds and updates
    (checked at most every ``CHECK_EVERY`` seconds). Thread-safe."""

    def __init__(self, index_path: Path):
        self.index_path = Path(index_path)
        self._view: IndexView | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._retired: list[tuple[float, IndexView]] = []
        self._stats: tuple[str, dict] | None = None

    # Versions

    def _current(self) -> IndexView:
        view = self._view
        if view is not None and time.monotonic() - self._checked < CHECK_EVERY:
            return view
        with self._lock:
            now = time.monotonic()
            if self._view is not None and now - self._checked < CHECK_EVERY:
                return self._view
            self._checked = now
            try:
                build, version = locate(self.index_path)
                if self._view is None or self._view.version != version:
                    new = IndexView(build, version)
                    if self._view is not None:
                        self._retired.append((now, self._view))
                    self._view = new
            except Exception as err:
                if self._view is not None:
                    return self._view  # keep serving the version we have
                if isinstance(err, IndexUnavailable):
                    raise
                raise IndexUnavailable(f"the index cannot be opened: {err}",
                                       "Индекс не удаётся открыть") from err
            self._close_retired(now)
            return self._view

    def _close_retired(self, now: float) -> None:
        keep = []
        for since, old in self._retired:
            if now - since > RETIRE_AFTER:
                old.close()
            else:
                keep.append((since, old))
        self._retired = keep

    @property
    def version(self) -> str:
        return self._current().version

    # Search

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        view = self._current()
        with _reading(view):
            result = _Search(view, req).run()
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def article(self, id: str, q: str = "") -> dict | None:
        view = self._current()
        with _reading(view):
            docnum = view.docnum_of.get(id)
            if docnum is None:
                return None
            stored = view.stored(docnum)
            words: list[WordTerms] = []
            node = parse(q) if q else None
            engine = Engine(view)
            if node is not None:
                words = engine.evaluate(node).highlight
            text = stored.get("body", "")
            data = _hit(view, engine, docnum, 0.0, words, stored, snippet=False)
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
                "body_html": body_html(text, engine.spans("body", words, docnum)),
                "persons": data.persons,
                "organisations": data.organisations,
                "locations": data.locations,
            }

    def similar(self, id: str, limit: int = 5) -> list[Hit] | None:
        view = self._current()
        with _reading(view):
            docnum = view.docnum_of.get(id)
            if docnum is None:
                return None
            stored = view.stored(docnum)
            engine = Engine(view)
            score = np.zeros(view.n, np.float32)
            for wt in _key_words(view, stored.get("title", ""), stored.get("body", "")):
                score += engine._word(wt, ("title", "body"))[1]
            score[docnum] = 0
            score[~view.alive] = 0
            top = np.argsort(-score, kind="stable")[:limit]
            return [_hit(view, engine, int(d), float(score[d]), [])
                    for d in top if score[d] > 0]

    def latest(self, limit: int = 10) -> list[Hit]:
        view = self._current()
        with _reading(view):
            order = _by_date(view, np.flatnonzero(view.alive), newest=True)[:limit]
            engine = Engine(view)
            return [_hit(view, engine, int(d), 0.0, []) for d in order]

    def stats(self) -> dict:
        view = self._current()
        cached = self._stats
        if cached is not None and cached[0] == view.version:
            return cached[1]
        with _reading(view):
            dated = view.dates[view.dated & view.alive]
            years = dated.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
            year_counts = Counter(years.tolist())
            stats = {
                "articles": view.doc_count,
                "date_min": _iso(int(dated.min())) if len(dated) else None,
                "date_max": _iso(int(dated.max())) if len(dated) else None,
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


class _Search:
    """One search over one view (called with the view's lock held)."""

    def __init__(self, view: IndexView, req: SearchRequest):
        self.view = view
        self.req = req
        self.filters = self._filters()
        self.engine = Engine(view, deadline=time.perf_counter() + TIME_BUDGET,
                             within=self.filters)

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
            score = self.engine.rerank(docs, score, required,
                                       lambda d: view.stored(d).get("body", ""))
            order = docs[np.lexsort((-view.dates[docs], -score[docs]))]
        else:
            order = _by_date(view, docs, newest=req.sort != "oldest", score=score)
        start = (req.page - 1) * req.size
        page = order[start:start + req.size]
        if start >= len(order) > 0:
            warnings.append(f"page {req.page} is past the last page "
                            f"({(len(order) - 1) // req.size + 1})")
        hits = [_hit(view, self.engine, int(d), float(score[d]), highlight) for d in page]
        facets: dict[str, list[dict]] = {}
        granularity = None
        if req.facets:
            granularity, facets["dates"] = date_histogram(view.dates[mask & view.dated])
            for name in ENTITY_FIELDS:
                facets[name] = top_values(view.facets[name], mask, req.facet_size)
            facets["sources"] = top_values(view.facets["source"], mask, req.facet_size)
        suggestion = suggest(view, req.q, unknown) if unknown else None
        notes = list(dict.fromkeys(req.warnings + warnings + self.engine.warnings))
        return SearchResult(req.q, len(docs), req.page, req.size, 0.0, suggestion, hits,
                            facets, granularity, notes)

    def _filters(self) -> np.ndarray:
        view, req = self.view, self.req
        mask = view.alive.copy()
        if req.date_from or req.date_to:
            lo = _days(req.date_from) if req.date_from else -(1 << 30)
            hi = _days(req.date_to) if req.date_to else 1 << 30
            mask &= view.dated & (view.dates >= lo) & (view.dates <= hi)
        for attr, facet_name in (("persons", "persons"), ("organisations", "organisations"),
                                 ("locations", "locations"), ("sources", "source")):
            wanted = getattr(req, attr)
            if wanted:
                facet = view.facets[facet_name]
                ids = sorted({i for v in wanted for i in value_ids(facet.values, v, False)})
                mask &= facet.docs_with(ids, view.n) if ids else False
        return mask


def _by_date(view: IndexView, docs: np.ndarray, newest: bool,
             score: np.ndarray | None = None) -> np.ndarray:
    """Documents by date (undated last), ties by score then docnum."""
    dates = view.dates[docs].astype(np.int64)
    key = np.where(dates == NO_DATE, 1 << 40, -dates if newest else dates)
    second = -score[docs] if score is not None else np.zeros(len(docs))
    return docs[np.lexsort((second, key))]


def _entities(stored: dict, name: str) -> list[str]:
    return [v.strip() for v in (stored.get(name) or "").split(",") if v.strip()]


def _hit(view: IndexView, engine: Engine, docnum: int, score: float, words: list[WordTerms],
         stored: dict | None = None, snippet: bool = True) -> Hit:
    stored = stored if stored is not None else view.stored(docnum)
    title = stored.get("title", "")
    body = stored.get("body", "")
    frags: list[str] = []
    if snippet:
        spans = engine.spans("body", words, docnum) if words else []
        frags = fragments(body, spans) if spans else [lead_fragment(body)]
    return Hit(
        id=stored.get("id", ""),
        title=title,
        title_html=mark(title, engine.spans("title", words, docnum) if words else []),
        date=stored.get("date") or None,
        source=stored.get("source", ""),
        url=stored.get("url", ""),
        score=round(score, 4),
        snippet_html=" … ".join(frags),
        fragments_html=frags,
        persons=_entities(stored, "persons"),
        organisations=_entities(stored, "organisations"),
        locations=_entities(stored, "locations"),
    )


def _key_words(view: IndexView, title: str, body: str) -> list[WordTerms]:
    """The lemmas that best characterise an article (tf × idf), for «more like this»."""
    counts: Counter[str] = Counter()
    for m in WORD_RE.finditer((title + "\n") * 2 + body[:20000]):
        word = m.group().lower().replace("ё", "е")
        if len(word) < 4 or not word.isalpha():
            continue
        counts[lemmas(word)[0]] += 1
    n = max(1, view.doc_count)
    weighted = []
    for lemma, tf in counts.items():
        df = view.doc_frequency("body", "~" + lemma) + view.doc_frequency("body", lemma)
        if df <= 1 or df > n * 0.2:
            continue
        weighted.append((tf * np.log(n / df), lemma))
    weighted.sort(reverse=True)
    return [WordTerms.of(lemma, False) for _, lemma in weighted[:SIMILAR_TERMS]]


__all__ = [
    "BadRequest", "Hit", "IndexUnavailable", "SearchRequest", "SearchResult", "Searcher",
    "normalise_date", "parse_request", "request_params",
]
