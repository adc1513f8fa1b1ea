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


def write_sketches(folder: Path, scheme: str, sketches: list) -> None:
    """Each article's (id, date in days, title, text length, MinHash values as uint32), under
    the name of the sketching ``scheme`` (sketches of another scheme are not comparable)."""
    width = len(sketches[0][4]) if sketches else 0
    header = {"format": "muragat-reprint-sketches", "version": FORMAT_VERSION,
              "scheme": scheme, "width": width, "ids": [s[0] for s in sketches],
              "titles": [s[2] for s in sketches]}
    days = np.array([s[1] for s in sketches], "<i4")
    chars = np.array([s[3] for s in sketches], "<i4")
    values = (np.stack([s[4] for s in sketches]).astype("<u4") if sketches
              else np.zeros((0, 0), "<u4"))
    data = (json.dumps(header, ensure_ascii=False).encode() + b"\n" + days.tobytes()
            + chars.tobytes() + values.tobytes())
    _replace(Path(folder) / SKETCHES, data)


def read_sketches(folder: Path, scheme: str
                  ) -> list[tuple[str, int, str, int, np.ndarray]] | None:
    """What ``write_sketches`` wrote; None when there is no file, or one of another version
    or scheme, or a damaged one."""
    try:
        with open(Path(folder) / SKETCHES, "rb") as f:
            header = json.loads(f.readline())
            rest = f.read()
        ids, titles, width = header["ids"], header["titles"], header["width"]
    except (FileNotFoundError, ValueError, KeyError):
        return None
    if header.get("version") != FORMAT_VERSION or header.get("scheme") != scheme:
        return None
    n = len(ids)
    if len(titles) != n or len(rest) != 8 * n + 4 * n * width:
        return None
    days = np.frombuffer(rest[: 4 * n], "<i4")
    chars = np.frombuffer(rest[4 * n: 8 * n], "<i4")
    values = np.frombuffer(rest[8 * n:], "<u4").reshape(n, width).astype(np.uint32)
    return [(ids[i], int(days[i]), titles[i], int(chars[i]), values[i]) for i in range(n)]
