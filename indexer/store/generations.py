"""Where index builds live, and the atomic swap between them.

The live index path (``instance/index``) is a symbolic link to one build under
``instance/index.builds/``; ``instance/index.previous`` links to the build before it, kept for
one rollback. A new build is written to a ``*.partial`` folder, which only becomes a build once
it is complete, and goes live by replacing the link in one ``rename``: readers see either the
old index or the new one, never half of one.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

PARTIAL = ".partial"
BUILD_INFO = "muragat-build.json"  # what a build reports of itself, in its folder


def builds_dir(index: Path) -> Path:
    return index.with_name(index.name + ".builds")


def previous_link(index: Path) -> Path:
    return index.with_name(index.name + ".previous")


def lock_path(index: Path) -> Path:
    return index.with_name(index.name + ".lock")


def target(link: Path) -> Path | None:
    """The build a link points at, or None when there is none."""
    if link.is_symlink():
        resolved = link.resolve()
        return resolved if resolved.is_dir() else None
    return link if link.is_dir() else None


def new_partial(index: Path) -> Path:
    """A fresh folder for a build in progress."""
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{now % 1:.6f}"[1:]
    path = builds_dir(index) / f"{stamp}-{os.getpid()}{PARTIAL}"
    path.mkdir(parents=True)
    return path


def remove_partials(index: Path) -> list[Path]:
    """Remove builds left half-done by an interrupted rebuild (call while holding the lock)."""
    removed = []
    folder = builds_dir(index)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name.endswith(PARTIAL):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def _point(link: Path, build: Path) -> None:
    """Make ``link`` point at ``build`` in one atomic rename."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(build, link.parent), tmp)
    os.replace(tmp, link)


def adopt_plain_folder(index: Path) -> None:
    """An index folder made by hand (not a link) becomes a build, so it can be kept."""
    if index.is_dir() and not index.is_symlink():
        dest = builds_dir(index) / f"adopted-{time.strftime('%Y%m%dT%H%M%S')}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.rename(index, dest)
        _point(index, dest)


def publish(index: Path, partial: Path) -> Path:
    """Make a complete build live; the live one becomes the previous; older ones go."""
    adopt_plain_folder(index)
    build = partial.with_name(partial.name[: -len(PARTIAL)])
    os.rename(partial, build)
    live = target(index)
    if live is not None:
        _point(previous_link(index), live)
    _point(index, build)
    keep = {build.resolve(), live.resolve() if live else None}
    for path in builds_dir(index).iterdir():
        if path.resolve() not in keep and not path.name.endswith(PARTIAL):
            shutil.rmtree(path, ignore_errors=True)
    return build


def rollback(index: Path) -> Path:
    """Swap the live and the previous build; returns the build now live."""
    live, prev = target(index), target(previous_link(index))
    if prev is None:
        raise FileNotFoundError("there is no previous index to roll back to")
    _point(index, prev)
    if live is not None:
        _point(previous_link(index), live)
    return prev
