"""Shared fixtures: a small real archive and a real index built from it once per session.

The suites mirror the packages: ``unit/`` (text, ingest, entities: no index), ``index/`` (a real
index on disk: build, search, the web app, the CLI), ``system/`` (a real browser, hostile input,
faults, fuzzing, the project's own checks). Slow suites are marked ``slow``: ``pytest -m "not
slow"`` is the quick loop.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.build import rebuild

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpora"
# A fixed slice of the shipped sample archive, plus hand-made articles in tests/data/archive.
SAMPLE_FILES = sorted((ROOT / "archive" / "meduza").rglob("*.txt"))[:20] + sorted(
    (ROOT / "archive" / "wikinews").rglob("*.txt")
)[:40] + sorted((ROOT / "archive" / "kazpravda").rglob("*.txt"))


def make_archive(dest: Path) -> Path:
    """Copy the test archive to ``dest`` (keeping the layout, so ids are stable)."""
    for path in SAMPLE_FILES:
        target = dest / path.relative_to(ROOT / "archive")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.copytree(ROOT / "tests" / "data" / "archive", dest / "extra", dirs_exist_ok=True)
    return dest


SLOW_FOLDERS = ("system",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of a slow folder is marked ``slow``."""
    for item in items:
        if Path(item.path).parent.name in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> Path:
    """The live index path of an index built, with entities, from the test archive.

    Shared by the whole session: tests must not write to it (build their own instead).
    """
    base = tmp_path_factory.mktemp("built")
    archive = make_archive(base / "archive")
    index = base / "instance" / "index"
    rebuild(archive, index, workers=2, entities=True)
    return index


@pytest.fixture(scope="session")
def test_archive(built_index) -> Path:
    """The archive the shared index was built from."""
    return built_index.parent.parent / "archive"
