"""JSON Lines archives (``*.jsonl``, ``*.jsonl.gz``): one article a line with the keys id,
date, title, text, source, url, topic; streamed, so a large file is never held whole."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from io import BufferedReader

from indexer.ingest.bounded import GzipBomb, LongLine, bounded_lines, text_too_large
from indexer.ingest.dates import article_date
from indexer.ingest.decoding import decoded_lines
from indexer.ingest.leads import derive_source, derive_title
from indexer.ingest.native import checksum
from indexer.records import Article, Problem, ReadReport

FIELDS = ("id", "title", "source", "url", "topic", "date")


def read_jsonl(raw: BufferedReader, name: str, rel: str, report: ReadReport
               ) -> Iterator[Article | Problem]:
    """The articles of an open JSON Lines file (``name``: its file name, for ``.gz``)."""
    encodings: set[str] = set()
    found = False  # an article or a problem of a line: the file is not empty
    gz = name.endswith(".gz")
    compressed = os.fstat(raw.fileno()).st_size if gz else None
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw as f:
            head = f.peek(8192)[:8192] if hasattr(f, "peek") else b""
            if b"\x00" in head:
                yield Problem(rel, "binary file (NUL bytes)")
                return
            lines = decoded_lines(bounded_lines(f, compressed), encodings)
            for item in parse_jsonl(lines, rel):
                found = True
                yield item
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        yield Problem(rel, f"not a valid gzip file: {err}")
        return
    except GzipBomb as err:
        yield Problem(rel, f"gzip file too large: {err}")
        return
    except OSError as err:
        yield Problem(rel, f"cannot read file: {err.strerror or err}")
        return
    if not found:
        yield Problem(rel, "empty file")
        return
    for encoding in sorted(encodings):
        report.count_encoding(encoding)
        if encoding != "utf-8":
            yield Problem(rel, f"read as {encoding}", skipped=False)


def parse_jsonl(lines: Iterable[str | LongLine], rel: str) -> Iterator[Article | Problem]:
    """A JSON Lines file: one article a line; a broken line is reported with its number."""
    for number, line in enumerate(lines, 1):
        if isinstance(line, LongLine):
            yield Problem(rel, line.reason, number)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(rel, f"invalid JSON: {err.msg}", number)
            continue
        except ValueError as err:  # a number of more than 4,300 digits
            yield Problem(rel, f"invalid JSON: {err}", number)
            continue
        except RecursionError:
            yield Problem(rel, "invalid JSON: nested too deeply", number)
            continue
        yield from _article(record, rel, number)


def _article(record: object, rel: str, number: int) -> Iterator[Article | Problem]:
    if not isinstance(record, dict):
        yield Problem(rel, "a line is not a JSON object", number)
        return
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        yield Problem(rel, "no article text", number)
        return
    fields = {k: record.get(k) for k in FIELDS}
    values = {k: str(v).strip() if v is not None else "" for k, v in fields.items()}
    problem = _not_text([body, *values.values()]) or text_too_large(body)
    if problem:
        yield Problem(rel, problem, number)
        return
    date, warning = article_date(values["date"] or None, rel, number)
    if warning:
        yield warning
    body = body.strip()
    yield Article(
        id=values["id"] or f"{rel.rsplit('.jsonl', 1)[0]}/{number}",
        text=body,
        title=values["title"] or derive_title(body),
        date=date,
        source=values["source"] or derive_source(body, rel),
        url=values["url"],
        topic=values["topic"],
        path=f"{rel}:{number}",
        checksum=checksum(body, values),
    )


def _not_text(values: list[str]) -> str | None:
    """Why JSON strings cannot be indexed: a lone surrogate escape («\\ud800») decodes to
    no character at all, and no index, checksum or page can hold it."""
    for value in values:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            bad = value[err.start:err.end].encode("unicode_escape").decode("ascii")
            return f"not text: a lone surrogate escape ({bad}) in the JSON"
    return None
