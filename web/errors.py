"""Error pages (in Russian) and the security headers of every response."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search import BadRequest, IndexUnavailable

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def register(bp: Blueprint) -> None:
    """The pages' error handlers on ``bp``; the app-wide ones (404, 405, 500, headers) too."""
    bp.register_error_handler(BadRequest, _bad_request)
    bp.register_error_handler(RecursionError, _too_deep)
    bp.register_error_handler(IndexUnavailable, _unavailable)
    bp.app_errorhandler(404)(_not_found)
    bp.app_errorhandler(405)(_not_found)
    bp.app_errorhandler(500)(_server_error)
    bp.after_app_request(_security_headers)


def _bad_request(err: BadRequest) -> tuple[str, int]:
    message = getattr(err, "message_ru", None) or "Не удалось разобрать запрос."
    q = request.args.get("q", "")
    return render_template("error.html", status=400, title="Ошибка в запросе",
                           message=message, q=q), 400


def _too_deep(err: RecursionError) -> tuple[str, int]:
    # A last guard: the parser bounds nesting (MAX_DEPTH) and falls back to plain words.
    return render_template("error.html", status=400, title="Ошибка в запросе",
                           message="Запрос слишком сложный: слишком много вложенных скобок.",
                           q=request.args.get("q", "")), 400


def _unavailable(err: IndexUnavailable) -> tuple[str, int, dict[str, str]]:
    message = getattr(err, "message_ru", None) or "Индекс архива сейчас недоступен."
    return (render_template("error.html", status=503, title="Поиск временно недоступен",
                            message=message), 503, {"Retry-After": "60"})


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


def _server_error(err: Exception) -> Any:
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": "internal", "message": "internal error"}}), 500
    return render_template("error.html", status=500, title="Внутренняя ошибка",
                           message="Что-то пошло не так. Попробуйте ещё раз позже."), 500


def _security_headers(response: Response) -> Response:
    """CSP (no inline script), nosniff and a referrer policy on every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response
