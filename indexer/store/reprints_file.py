"""Reprint groups beside a build's segments, written and read here.

``reprints.groups`` (read when the index opens): the groups of near-duplicate articles, each
a list of article ids, the earliest first. ``reprints.minhash`` (read only by ``index
update``): every article's MinHash sketch with its date, so an update sketches only the
articles it writes. Both are keyed by article id, not by docnum, so they outlive merges; both
are replaced atomically (a new file renamed over the old).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

GROUPS = "reprints.groups"
SKETCHES = "reprints.minhash"
FORMAT_VERSION = 1


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_groups(folder: Path, groups: list[list[str]]) -> None:
    """The groups (each at least two ids, the earliest article first)."""
    body = {"format": "muragat-reprint-groups", "version": FORMAT_VERSION, "groups": groups}
    _replace(Path(folder) / GROUPS, json.dumps(body, ensure_ascii=False).encode())


def read_groups(folder: Path) -> list[list[str]]:
    """The groups written for a build; none when it has no such file (built before reprints
    were grouped) or one of another version."""
    path = Path(folder) / GROUPS
    try:
        body = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    if body.get("version") != FORMAT_VERSION:
        return []
    return [list(map(str, group)) for group in body["groups"]]


def write_sketches(folder: Path, scheme: str, ids: list[str], days: np.ndarray,
                   sketches: np.ndarray) -> None:
    """Each article's sketch (a row of uint32) and date (days, int32), under the name of the
    sketching ``scheme`` (sketches of another scheme are not comparable)."""
    header = {"format": "muragat-reprint-sketches", "version": FORMAT_VERSION,
              "scheme": scheme, "width": int(sketches.shape[1]) if len(ids) else 0, "ids": ids}
    data = (json.dumps(header, ensure_ascii=False).encode() + b"\n"
            + np.ascontiguousarray(days, "<i4").tobytes()
            + np.ascontiguousarray(sketches, "<u4").tobytes())
    _replace(Path(folder) / SKETCHES, data)


def read_sketches(folder: Path, scheme: str
                  ) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """(ids, days, sketches) as written; None when there is no file, or one of another
    version or scheme, or a damaged one."""
    try:
        with open(Path(folder) / SKETCHES, "rb") as f:
            header = json.loads(f.readline())
            rest = f.read()
    except (FileNotFoundError, ValueError):
        return None
    if header.get("version") != FORMAT_VERSION or header.get("scheme") != scheme:
        return None
    ids, width = header["ids"], header["width"]
    n = len(ids)
    if len(rest) != n * 4 + n * width * 4:
        return None
    days = np.frombuffer(rest[: n * 4], "<i4").astype(np.int32)
    sketches = np.frombuffer(rest[n * 4:], "<u4").reshape(n, width).astype(np.uint32)
    return ids, days, sketches
