"""Muragat web front end: an application factory serving the search pages and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask.json.provider import DefaultJSONProvider

from indexer.config import index_dir
from indexer.search import Searcher


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app; ``config`` overrides settings (``INDEX``: the live index path).

    Settings also come from ``MURAGAT_*`` environment variables (``MURAGAT_INDEX``).
    """
    app = Flask(__name__)
    app.config.from_mapping(INDEX=str(index_dir()), JSON_AS_ASCII=False)
    app.config.from_prefixed_env("MURAGAT")
    if config:
        app.config.update(config)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False
    app.extensions["muragat.searcher"] = Searcher(Path(app.config["INDEX"]))

    from web import api, entities, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(entities.api_bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(entities.bp)
    return app


def searcher() -> Searcher:
    """The app's searcher: opened once per process, following index swaps."""
    return current_app.extensions["muragat.searcher"]
