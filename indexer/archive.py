"""Reading the archive: native text files and JSON Lines become ``Article`` records.

Native ``*.txt`` files: optional leading white space, header lines ``date YYYY-MM-DD`` (the
text may follow on the same line), ``title …``, ``source …``, ``url …``, ``topic …``, then the
text with paragraphs separated by blank lines. ``*.jsonl`` / ``*.jsonl.gz``: one JSON object a
line with the keys id, date, title, text, source, url, topic.

Nothing here raises on bad input: every skipped file or line, and every warning, is yielded as
a ``Problem`` so the caller can report it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import razdel

from indexer.records import Article, Problem, ReadReport

ARTICLE_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
# Files beside the articles that are not articles.
NOT_ARTICLES = re.compile(r"^(readme|licen[cs]e|copying|notice)\b", re.IGNORECASE)
TITLE_LIMIT = 160
_HEADER = re.compile(r"^(date|title|source|url|topic)[ \t]+(.*)$")
_DATE_HEADER = re.compile(r"^date[ \t]+(\S+)(?:[ \t]+(.*))?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# «…, передает Kazpravda.kz», «сообщает ТАСС», «пишет РБК»: a capitalised name after the verb.
_ATTRIBUTION = re.compile(
    r"(?:переда[её]т|сообщает|сообщают|пишет|информирует|передают)\s+"
    r"(?:агентство\s+|издание\s+|портал\s+|корреспондент\s+)?"
    r"([A-ZА-ЯЁ][\w.\-]*(?:\s[A-ZА-ЯЁ][\w.\-]*){0,2})"
)
# Control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_CAPTION = re.compile(
    r"^(фото|фотография|видео|иллюстрация|источник|автор|коллаж|скриншот)\b", re.IGNORECASE
)


def file_stamp(path: Path, rel: str) -> str:
    """What tells that a file may have changed: its size and modification time."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{rel}|{st.st_size}|{st.st_mtime_ns}"


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
    for path, rel in archive_files(root, report):
        stamp = file_stamp(path, rel)
        if unchanged is not None and stamp and unchanged(rel, stamp):
            continue
        for item in read_file(path, rel, report):
            if isinstance(item, Article):
                item.stamp = stamp
                if item.id in seen:
                    yield Problem(rel, f"duplicate id {item.id!r} (first in {seen[item.id]})",
                                  _line_of(item))
                    continue
                seen[item.id] = rel
            yield item


def archive_files(root: Path, report: ReadReport) -> Iterator[tuple[Path, str]]:
    """Article files below ``root`` in sorted order, as (real path, path relative to the
    root); unreadable folders are reported.

    The archive is a jail: only files whose real path lies inside the archive's real root are
    yielded (``root`` itself may be a link; its target is the root). A link leading out of the
    archive (to ``/etc/passwd``, ``../../secret.txt``) is reported and skipped, never read:
    the indexer often runs as root, and whatever it indexes the web app publishes. Links to
    folders are not followed at all.
    """
    real_root = os.path.realpath(root)
    if not os.path.isdir(real_root):
        report.problems.append(Problem(str(root), "archive folder does not exist"))
        return

    def on_error(err: OSError) -> None:
        report.problems.append(Problem(str(err.filename), f"cannot read folder: {err.strerror}"))

    for folder, dirs, files in os.walk(real_root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or NOT_ARTICLES.match(name):
                continue
            if not name.endswith(ARTICLE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, real_root).replace(os.sep, "/")
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root:
                report.problems.append(Problem(rel, "outside the archive: a link leading out "
                                                    "of the archive folder is not read"))
                continue
            yield Path(real), rel


def _open_regular(path: Path):
    """A binary file object of ``path``, which must be a regular file and not a link.

    Opened without following a link in its last part (``path`` is already resolved, so a link
    put there since is refused) and without blocking (a FIFO would block the open); anything
    but a regular file (a FIFO, a socket, a device such as ``/dev/zero``) raises ``_NotRegular``.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular(path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _NotRegular(OSError):
    """An archive entry that is not a regular file."""


def read_file(path: Path, rel: str, report: ReadReport) -> Iterator[Article | Problem]:
    """The articles of one archive file (one for ``.txt``, many for JSON Lines)."""
    try:
        f = _open_regular(path)
    except _NotRegular:
        yield Problem(rel, "not a regular file")
        return
    except OSError as err:
        yield Problem(rel, f"cannot read file: {err.strerror or err}")
        return
    with f:
        if not path.name.endswith(".txt"):
            yield from read_jsonl(f, path.name, rel, report)
            return
        try:
            data = f.read()
        except OSError as err:
            yield Problem(rel, f"cannot read file: {err.strerror or err}")
            return
    text, encoding, problem = decode(data)
    if problem:
        yield Problem(rel, problem)
        return
    _count_encoding(report, encoding)
    if encoding != "utf-8":
        yield Problem(rel, f"read as {encoding}", skipped=False)
    yield from parse_native(text, rel)


def _count_encoding(report: ReadReport, encoding: str) -> None:
    report.encodings[encoding] = report.encodings.get(encoding, 0) + 1


def read_jsonl(raw, name: str, rel: str, report: ReadReport) -> Iterator[Article | Problem]:
    """A JSON Lines file (``raw``: the open file, ``name``: its name), streamed line by line
    so that a large file is never held whole."""
    encodings: set[str] = set()
    try:
        with gzip.GzipFile(fileobj=raw, mode="rb") if name.endswith(".gz") else raw as f:
            head = f.peek(8192)[:8192] if hasattr(f, "peek") else b""
            if b"\x00" in head:
                yield Problem(rel, "binary file (NUL bytes)")
                return
            lines = _decoded_lines(f, encodings)
            yield from parse_jsonl(lines, rel)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        yield Problem(rel, f"not a valid gzip file: {err}")
        return
    except OSError as err:
        yield Problem(rel, f"cannot read file: {err.strerror or err}")
        return
    if not encodings:
        yield Problem(rel, "empty file")
        return
    for encoding in sorted(encodings):
        _count_encoding(report, encoding)
        if encoding != "utf-8":
            yield Problem(rel, f"read as {encoding}", skipped=False)


def _decoded_lines(f, encodings: set[str]) -> Iterator[str]:
    """Lines of a binary file as text: UTF-8, or Windows-1251 line by line where it is not."""
    for number, raw in enumerate(f):
        if number == 0:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            line, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            line, encoding = raw.decode("cp1251", errors="replace"), "cp1251"
        if line.strip():
            encodings.add(encoding)
        yield line


def decode(data: bytes) -> tuple[str, str, str | None]:
    """Text, encoding name, and the reason when the bytes are not usable text."""
    if not data.strip():
        return "", "", "empty file"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            return "", "", "undecodable UTF-16 text"
    if b"\x00" in data[:8192]:
        return "", "", "binary file (NUL bytes)"
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text = data.decode("utf-8-sig", errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 1000):
            # A few broken bytes (a copy cut mid-letter) in UTF-8, not Windows-1251.
            encoding = "utf-8 with undecodable bytes"
        else:
            try:
                text, encoding = data.decode("cp1251"), "cp1251"
            except UnicodeDecodeError:
                return "", "", "undecodable text (neither UTF-8 nor Windows-1251)"
            if not _looks_russian(text):
                return "", "", "undecodable text (neither UTF-8 nor Windows-1251)"
    if _control_ratio(text) > 0.01:
        return "", "", "binary file (control characters)"
    return text, encoding, None


def _looks_russian(text: str) -> bool:
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return False
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    return cyrillic / len(letters) > 0.5


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def parse_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not a real date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_native(text: str, rel: str) -> Iterator[Article | Problem]:
    """One native article file: header lines, then the text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip().split("\n")
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
    body = "\n".join(body_start + lines[i:]).strip()
    body = re.sub(r"[ \t]+\n", "\n", body)
    if not body:
        yield Problem(rel, "no article text")
        return
    article_id = rel.rsplit(".", 1)[0]
    date, problem = _article_date(headers.get("date"), rel, None)
    if problem:
        yield problem
    yield Article(
        id=article_id,
        text=body,
        title=headers.get("title") or derive_title(body),
        date=date,
        source=headers.get("source") or derive_source(body, rel),
        url=headers.get("url", ""),
        topic=headers.get("topic", ""),
        path=rel,
        checksum=checksum(body, headers),
    )


def parse_jsonl(lines: Iterable[str], rel: str) -> Iterator[Article | Problem]:
    """A JSON Lines file: one article a line; a broken line is reported with its number."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(rel, f"invalid JSON: {err.msg}", number)
            continue
        if not isinstance(record, dict):
            yield Problem(rel, "a line is not a JSON object", number)
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield Problem(rel, "no article text", number)
            continue
        fields = {k: record.get(k) for k in ("id", "title", "source", "url", "topic", "date")}
        fields = {k: str(v).strip() if v is not None else "" for k, v in fields.items()}
        date, problem = _article_date(fields["date"] or None, rel, number)
        if problem:
            yield problem
        body = body.strip()
        article = Article(
            id=fields["id"] or f"{rel.rsplit('.jsonl', 1)[0]}/{number}",
            text=body,
            title=fields["title"] or derive_title(body),
            date=date,
            source=fields["source"] or derive_source(body, rel),
            url=fields["url"],
            topic=fields["topic"],
            path=f"{rel}:{number}",
            checksum=checksum(body, fields),
        )
        yield article


def _article_date(
    value: str | None, rel: str, line: int | None
) -> tuple[dt.date | None, Problem | None]:
    if value is None:
        return None, Problem(rel, "no date: indexed undated", line, skipped=False)
    date = parse_date(value)
    if date is None:
        return None, Problem(rel, f"bad date {value!r}: indexed undated", line, skipped=False)
    return date, None


def _line_of(article: Article) -> int | None:
    _, _, line = article.path.rpartition(":")
    return int(line) if line.isdigit() else None


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def is_caption(paragraph: str) -> bool:
    """A photo credit or similar short line that is not the lead («Фото предоставлено …»)."""
    if _CAPTION.match(paragraph) and len(paragraph) < 120:
        return True
    return len(paragraph) < 60 and not re.search(r"[.!?…»\"]$", paragraph)


def lead(body: str) -> str:
    """The first paragraph that is not a caption."""
    paras = paragraphs(body)
    for p in paras:
        if not is_caption(p):
            return p
    return paras[0] if paras else ""


def derive_title(body: str) -> str:
    """The first sentence of the lead, cut at a word boundary past ``TITLE_LIMIT``."""
    first = lead(body)
    sentences = [s.text for s in razdel.sentenize(first[:2000])]
    title = " ".join((sentences[0] if sentences else first).split())
    if len(title) > TITLE_LIMIT:
        cut = title[: TITLE_LIMIT + 1].rsplit(" ", 1)[0].rstrip(",;:–— ")
        title = cut + "…"
    return title


def derive_source(body: str, rel: str) -> str:
    """The outlet named in the lead («передает Kazpravda.kz»), else the archive folder."""
    match = _ATTRIBUTION.search(lead(body)[:3000])
    if match:
        return match.group(1).rstrip(".")
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else ""


def checksum(body: str, headers: dict[str, str]) -> str:
    """A hash of everything indexed from the article, to tell changed articles in updates."""
    h = hashlib.sha1()
    for key in sorted(headers):
        h.update(f"{key}={headers[key]}\n".encode())
    h.update(body.encode())
    return h.hexdigest()
