"""Paths and settings from the environment, with defaults that suit a checkout."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def archive_dir() -> Path:
    """The archive to index: ``MURAGAT_ARCHIVE`` or ``archive/`` of the checkout."""
    return Path(os.environ.get("MURAGAT_ARCHIVE") or PROJECT_ROOT / "archive")


def index_dir() -> Path:
    """The live index: ``MURAGAT_INDEX`` or ``instance/index`` of the checkout."""
    return Path(os.environ.get("MURAGAT_INDEX") or PROJECT_ROOT / "instance" / "index")


def instance_dir() -> Path:
    """Where caches live: the folder holding the index (Flask's instance folder)."""
    return index_dir().parent
