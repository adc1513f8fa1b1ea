"""Processes as /proc shows them, for the tests and benchmarks that start servers and
rebuilds and must see their worker processes."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid``, in pid order."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)
