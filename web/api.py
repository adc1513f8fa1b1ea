"""The public read-only JSON API: a thin Flask layer over ``indexer.search``.

Every response carries CORS headers; successful ones an ETag keyed to the index version and
the request, honoured with 304 on If-None-Match. Errors are ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from indexer.search import BadRequest, IndexUnavailable, bounded_query, parse_request
from web import searcher
from web.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")
log = logging.getLogger(__name__)
MAX_AGE = 60
SIMILAR_LIMIT = 20


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(BadRequest)
def _bad_request(err: BadRequest) -> Response:
    return _error(400, err.code, err.message)


@bp.errorhandler(RecursionError)
def _too_deep(err: RecursionError) -> Response:
    # A last guard: the parser bounds nesting (MAX_DEPTH) and falls back to plain words.
    return _error(400, "bad_query", "the query is nested too deeply")


@bp.errorhandler(IndexUnavailable)
def _unavailable(err: IndexUnavailable) -> Response:
    response = _error(503, "index_unavailable", err.message)
    response.headers["Retry-After"] = "30"
    return response


@bp.errorhandler(HTTPException)
def _http(err: HTTPException) -> Response:
    code = (err.name or "error").lower().replace(" ", "_")
    return _error(err.code or 500, code, err.description or err.name)


@bp.errorhandler(Exception)
def _unexpected(err: Exception) -> Response:
    log.exception("API request failed: %s", request.path)
    return _error(500, "internal_error", "the request could not be answered")


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.headers.setdefault("Vary", "Accept-Encoding")
    return response


def _conditional(build: Callable[[], object], max_age: int = MAX_AGE) -> Response:
    """The JSON of ``build()``, or 304 when the client holds the current version already.

    ``If-None-Match`` compares weakly (RFC 9110 13.1.2: a proxy may have weakened our tag to
    ``W/"…"``); ``*`` matches only what exists, so ``build()`` runs to tell (a 404 stays one).
    """
    version = searcher().version
    tag = hashlib.sha1(f"{version}|{request.full_path}".encode()).hexdigest()[:20]
    held = request.if_none_match
    if held.star_tag:
        build()
    if held.contains_weak(tag):
        response = Response(status=304)
    else:
        response = jsonify(build())
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/search")
def search() -> Response:
    req = parse_request(request.args)
    return _conditional(lambda: searcher().search(req).to_json())


@bp.get("/articles/<path:id>/similar")
def similar(id: str) -> Response:
    limit = request.args.get("limit", "5")
    # isascii: "²".isdigit() is true but int("²") raises (a 500 before this check)
    if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= SIMILAR_LIMIT:
        raise BadRequest("bad_param", f"limit must be an integer from 1 to {SIMILAR_LIMIT}",
                         f"limit: целое число от 1 до {SIMILAR_LIMIT}")

    def build() -> dict:
        hits = searcher().similar(id, int(limit))
        if hits is None:
            raise _NotFound(id)
        return {"id": id, "hits": [h.to_json() for h in hits]}

    return _conditional(build)


@bp.get("/articles/<path:id>")
def article(id: str) -> Response:
    q = bounded_query(request.args.get("q"))

    def build() -> dict:
        data = searcher().article(id, q)
        if data is None:
            raise _NotFound(id)
        return data

    return _conditional(build)


@bp.get("/stats")
def stats() -> Response:
    return _conditional(lambda: searcher().stats())


@bp.get("/openapi.json")
def openapi() -> Response:
    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


class _NotFound(Exception):
    def __init__(self, id: str):
        super().__init__(id)
        self.id = id


@bp.errorhandler(_NotFound)
def _not_found(err: _NotFound) -> Response:
    return _error(404, "not_found", f"no article with id {err.id!r}")
