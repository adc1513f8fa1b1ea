"""The archive as a stream of ``Article`` records and ``Problem`` reports."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from indexer.ingest.bounded import read_article
from indexer.ingest.decoding import decode
from indexer.ingest.files import (
    ArchiveFile,
    NotRegular,
    archive_files,
    file_stamp,
    open_regular,
)
from indexer.ingest.jsonl import read_jsonl
from indexer.ingest.native import parse_native
from indexer.records import Article, Problem, ReadReport


def iter_archive(
    root: Path,
    report: ReadReport | None = None,
    unchanged: Callable[[str, str], bool] | None = None,
) -> Iterator[Article | Problem]:
    """Every article under ``root`` in a stable order, and every problem met on the way.

    Duplicate ids are reported and the later article is skipped. Files for which
    ``unchanged(rel, stamp)`` is true are not read at all (``index update``).
    """
    report = report if report is not None else ReadReport()
    seen: dict[str, str] = {}
    for file in archive_files(root, report):
        rel = file.rel
        stamp = file_stamp(file)
        if unchanged is not None and stamp and unchanged(rel, stamp):
            continue
        for item in read_file(file, report):
            if isinstance(item, Article):
                item.stamp = stamp
                if item.id in seen:
                    yield Problem(rel, f"duplicate id {item.id!r} (first in {seen[item.id]})",
                                  _line_of(item))
                    continue
                seen[item.id] = rel
            yield item


def read_file(file: ArchiveFile, report: ReadReport) -> Iterator[Article | Problem]:
    """The articles of one archive file (one for ``.txt``, many for JSON Lines)."""
    rel = file.rel
    try:
        f = open_regular(file)
    except NotRegular:
        yield Problem(rel, "not a regular file")
        return
    except OSError as err:
        yield Problem(rel, f"cannot read file: {err.strerror or err}")
        return
    with f:
        if not file.name.endswith(".txt"):
            yield from read_jsonl(f, file.name, rel, report)
            return
        try:
            data = read_article(f, os.fstat(f.fileno()).st_size)
        except OSError as err:
            yield Problem(rel, f"cannot read file: {err.strerror or err}")
            return
    if isinstance(data, str):
        yield Problem(rel, data)
        return
    text, encoding, problem = decode(data)
    if problem:
        yield Problem(rel, problem)
        return
    report.count_encoding(encoding)
    if encoding != "utf-8":
        yield Problem(rel, f"read as {encoding}", skipped=False)
    yield from parse_native(text, rel)


def _line_of(article: Article) -> int | None:
    _, _, line = article.path.rpartition(":")
    return int(line) if line.isdigit() else None
