"""The native article format: optional leading white space, header lines ``date YYYY-MM-DD``
(the text may follow on the same line), ``title …``, ``source …``, ``url …``, ``topic …``, then
the text with paragraphs separated by blank lines. Without a ``date`` header, a first line of
the text that is nothing but a date («11 марта 2014 года», «11.03.2014») is the date."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from indexer.ingest.dates import article_date, date_line
from indexer.ingest.leads import derive_source, derive_title
from indexer.records import Article, Problem

_HEADER = re.compile(r"^(date|title|source|url|topic)[ \t]+(.*)$")
_DATE_HEADER = re.compile(r"^date[ \t]+(\S+)(?:[ \t]+(.*))?$")


def parse_native(text: str, rel: str) -> Iterator[Article | Problem]:
    """One native article file: header lines, then the text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip().split("\n")
    headers, body_start, i = _headers(lines)
    body = "\n".join(body_start + lines[i:]).strip()
    body = re.sub(r"[ \t]+\n", "\n", body)
    if "date" not in headers:
        first, _, rest = body.partition("\n")
        found = date_line(first)
        if found is not None:
            headers["date"], body = found.isoformat(), rest.strip()
    if not body:
        yield Problem(rel, "no article text")
        return
    date, problem = article_date(headers.get("date"), rel, None)
    if problem:
        yield problem
    yield Article(
        id=rel.rsplit(".", 1)[0],
        text=body,
        title=headers.get("title") or derive_title(body),
        date=date,
        source=headers.get("source") or derive_source(body, rel),
        url=headers.get("url", ""),
        topic=headers.get("topic", ""),
        path=rel,
        checksum=checksum(body, headers),
    )


def _headers(lines: list[str]) -> tuple[dict[str, str], list[str], int]:
    """The header values, the text that followed the date header on its line, and the index
    of the first line of the text."""
    headers: dict[str, str] = {}
    body_start: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        date_match = _DATE_HEADER.match(line)
        header = _HEADER.match(line)
        if date_match and "date" not in headers:
            headers["date"] = date_match.group(1)
            i += 1
            if date_match.group(2):
                body_start.append(date_match.group(2))
                break
        elif header and header.group(1) not in headers and header.group(1) != "date":
            headers[header.group(1)] = header.group(2).strip()
            i += 1
        else:
            break
    return headers, body_start, i


def checksum(body: str, headers: dict[str, str]) -> str:
    """A hash of everything indexed from the article, to tell changed articles in updates."""
    h = hashlib.sha1()
    for key in sorted(headers):
        h.update(f"{key}={headers[key]}\n".encode())
    h.update(body.encode())
    return h.hexdigest()
