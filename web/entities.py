"""Entity pages: ``/entities/<kind>/<name>`` (a person, an organisation or a place: mentions per
month, who and what is mentioned with it, its name's forms, posts, first and last mention,
latest articles), ``/entities`` (the most mentioned, with a name filter), and their JSON twins
under ``/api/entities``. ``kind`` is the search's parameter name: person, org, loc."""

from __future__ import annotations

from typing import Any

import numpy as np
from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from indexer.catalog import BY_FIELD, BY_NAME, ENTITY_KINDS
from indexer.search import BadRequest, IndexUnavailable, SearchRequest
from indexer.search.days import to_days
from indexer.search.entity_pages import KIND_BY_PARAM, EntityPage
from indexer.search.facets import date_histogram
from web import api, errors, searcher
from web.api import _conditional as conditional_json
from web.api import _error as json_error
from web.charts import Chart, histogram
from web.links import Links, path_quoted, query_string

bp = Blueprint("entities", __name__)
api_bp = Blueprint("entities_api", __name__, url_prefix="/api/entities")
MAX_NAME = 300  # characters; a longer name is a bad request
KIND_LABELS = {"person": "Персона", "org": "Организация", "loc": "Место"}


@bp.app_template_global()
def entity_url(kind: str, name: str) -> str:
    """The page of a value of a facet (``kind``: persons/organisations/locations, or the
    parameter name person/org/loc): what ``url_for`` gives, without its routing work per
    link (a results page links a few hundred values)."""
    param = kind if kind in KIND_BY_PARAM else (BY_NAME.get(kind) or BY_FIELD[kind]).param
    bases = g.setdefault("entity_url_bases", {})
    base = bases.get(param)
    if base is None:
        base = bases[param] = url_for("entities.entity", kind=param, name="_")[:-1]
    return base + path_quoted(name)


def _kind(kind: str) -> str:
    if kind not in KIND_BY_PARAM:
        raise BadRequest("bad_kind", f"kind must be one of {', '.join(KIND_BY_PARAM)}",
                         "Неизвестный вид сущности: нужен person, org или loc")
    return kind


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise BadRequest("bad_name", f"the name must have 1 to {MAX_NAME} characters",
                         f"Имя должно быть длиной от 1 до {MAX_NAME} символов")
    return name


@bp.get("/entities")
def entities() -> str:
    """The most mentioned persons, organisations and places, filtered by name or post."""
    q = request.args.get("q", "").strip()[:MAX_NAME]
    kind = request.args.get("kind") or None
    lists = searcher().entities(q, _kind(kind) if kind else None)
    return render_template("entities.html", q=q, kind=kind, lists=lists,
                           kinds=ENTITY_KINDS)


@bp.get("/entities/<kind>/<path:name>")
def entity(kind: str, name: str) -> Any:
    found = searcher().entity(_kind(kind), _name(name))
    if isinstance(found, str):
        return redirect(url_for("entities.entity", kind=kind, name=found))
    if found is None:
        suggestions = searcher().entities(name, kind)
        return render_template("entity_missing.html", kind=kind, name=name,
                               label=KIND_LABELS[kind], suggestions=suggestions), 404
    return render_template("entity.html", page=found, label=KIND_LABELS[kind],
                           chart=_chart(found), links=EntityLinks(found))


def _chart(page: EntityPage) -> Chart:
    """Mentions over time as the search page draws them: by month, or by year (or spans of
    years) when the months are too many for bars a finger can hit."""
    req = SearchRequest()
    setattr(req, page.kind.name, [page.name])
    links = Links(req)
    bins: list[dict] = page.months
    granularity: str | None = "month"
    if len(page.months) > 1:  # a month's mentions at its first day: month or year bins exact
        starts = np.array([to_days(b["from"]) for b in page.months], np.int32)
        counts = np.array([b["count"] for b in page.months])
        granularity, bins = date_histogram(np.repeat(starts, counts))
    return histogram(bins, granularity, lambda b: links.period(b["from"], b["to"]))


class EntityLinks:
    """Searches an entity's page links to: its articles, and its articles with another."""

    def __init__(self, page: EntityPage) -> None:
        self.page = page

    def articles(self) -> str:
        return url_for("pages.search") + query_string([(self.page.kind.param, self.page.name)])

    def together(self, other_kind: str, value: str) -> str:
        """Articles that mention both (one kind's values are ORed as filters, so a second
        value of the same kind goes into the query)."""
        kind = BY_NAME[other_kind]
        params = [(self.page.kind.param, self.page.name)]
        if kind.field == self.page.kind.field:
            params.insert(0, ("q", f'{kind.prefixes[0]}:"{value}"'))
        else:
            params.append((kind.param, value))
        return url_for("pages.search") + query_string(params)


@api_bp.get("")
def api_entities() -> Response:
    q = request.args.get("q", "").strip()[:MAX_NAME]
    kind = request.args.get("kind") or None
    checked = _kind(kind) if kind else None
    return conditional_json(lambda: {"q": q, "kind": checked,
                                     "entities": searcher().entities(q, checked)})


@api_bp.get("/<kind>/<path:name>")
def api_entity(kind: str, name: str) -> Response:
    kind, name = _kind(kind), _name(name)

    def build() -> dict:
        found = searcher().entity(kind, name)
        if found is None:
            raise _Unknown(kind, name)
        if isinstance(found, str):
            page = searcher().entity(kind, found)
            assert isinstance(page, EntityPage)
            return {**page.to_json(), "asked": name}
        return found.to_json()

    return conditional_json(build)


class _Unknown(Exception):
    def __init__(self, kind: str, name: str) -> None:
        super().__init__(name)
        self.kind, self.name = kind, name


@api_bp.errorhandler(_Unknown)
def _unknown(err: _Unknown) -> Response:
    return json_error(404, "not_found", f"no {err.kind} named {err.name!r} in the index")


@api_bp.errorhandler(BadRequest)
def _bad(err: BadRequest) -> Response:
    return json_error(400, err.code, err.message)


# The pages' and the API's error handling, as for the other pages and endpoints.
bp.register_error_handler(BadRequest, errors._bad_request)
bp.register_error_handler(IndexUnavailable, errors._unavailable)
api_bp.register_error_handler(IndexUnavailable, api._unavailable)
api_bp.register_error_handler(HTTPException, api._http)
api_bp.register_error_handler(Exception, api._unexpected)
api_bp.after_request(api._cors)
