"""Hostile files: the reader stays in bounded memory and reports each one with a reason.

The issue's files at a smaller scale (``bench/faults.py`` drills them at full size): a gzip of
zeros, one line far longer than the line limit without a newline, an article over the size
limit, a gzip bomb, a corrupt deflate block, a lone surrogate escape, JSON nested too deeply.
Big inputs are made lazily: gzip of zeros written in chunks, sparse files. Each archive is read
in a fresh process, as ``index rebuild`` reads it (the pre-count, then the articles), and that
process's peak memory is checked.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from indexer.ingest import bounded, count_articles, iter_archive
from indexer.records import Article, Problem, ReadReport

MB = 2**20
GOOD = {"id": "good", "date": "2024-05-01", "text": "Мажилис обсудил бюджет Казахстана."}

READ_IN_A_CHILD = textwrap.dedent("""
    import json, re, sys
    from pathlib import Path
    from indexer.ingest import count_articles, iter_archive
    from indexer.records import Article, ReadReport
    root = Path(sys.argv[1])
    counted = count_articles(root)
    report = ReadReport()
    items = list(iter_archive(root, report))
    print(json.dumps({
        "counted": counted,
        "ids": sorted(i.id for i in items if isinstance(i, Article)),
        "problems": [str(p) for p in items + report.problems if not isinstance(p, Article)],
        # VmHWM: this process's own peak (ru_maxrss would carry the parent's over the fork).
        "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1])
                   // 1024,
    }))
""")


def read_in_a_child(root: Path) -> dict:
    """The archive read in a fresh process: what it found and its peak memory."""
    done = subprocess.run([sys.executable, "-c", READ_IN_A_CHILD, str(root)],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def gzip_of(path: Path, head: bytes, filler: bytes, size: int, tail: bytes = b"") -> int:
    """A gzip file of ``head``, ``size`` bytes of ``filler`` repeated, then ``tail``, written
    in chunks; returns its size on disk."""
    chunk = filler * (MB // len(filler))
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(head)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(tail)
    return path.stat().st_size


def sparse(path: Path, head: bytes, size: int, tail: bytes = b"") -> None:
    """A file of ``head``, then zeros up to ``size`` bytes (a hole, no disk used), ``tail``."""
    with path.open("wb") as f:
        f.write(head)
        f.truncate(size)
        f.seek(size)
        f.write(tail)


def test_a_gzip_of_zeros_is_binary_and_never_held(tmp_path: Path) -> None:
    """2 GB of zeros in 2 MB of gzip took the pre-count past 3 GB (one «line» of 2 GB)."""
    root = tmp_path / "archive"
    root.mkdir()
    packed = gzip_of(root / "zeros.jsonl.gz", b"", b"\0", 300 * MB)
    assert packed < MB
    found = read_in_a_child(root)
    assert found["problems"] == ["zeros.jsonl.gz: binary file (NUL bytes)"]
    assert found["counted"] <= 1 and found["ids"] == []  # the pre-count sees one «line»
    assert found["peak_mb"] < 100, found


def test_a_line_far_over_the_limit_is_skipped_with_its_size(tmp_path: Path) -> None:
    """One line longer than the line limit and no newline to end it (2 GB in the issue): read
    through in chunks, reported with its size; the lines around it are read."""
    root = tmp_path / "archive"
    root.mkdir()
    big = bounded.MAX_LINE_BYTES + 40 * MB
    # Letters first (NUL bytes at the start would make it a binary file), then a hole.
    sparse(root / "long.jsonl", line(GOOD) + b'{"id": "long", "text": "' + b"x" * 16384, big,
           b'"}\n' + line(dict(GOOD, id="after")))
    found = read_in_a_child(root)
    assert found["ids"] == ["after", "good"]
    assert found["problems"] == [f"long.jsonl:2: line too long: {big / MB + 0.0:,.1f} MB "
                                 f"(the limit is {bounded.MAX_LINE_BYTES / MB:.1f} MB)"]
    assert found["counted"] == 3
    # The line limit itself is held once; the whole line (and a copy of it decoded) never.
    assert found["peak_mb"] < bounded.MAX_LINE_BYTES / MB + 80, found


def test_an_article_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    """A 200 MB article took the indexer past 3 GB: skipped by its size, never read."""
    root = tmp_path / "archive"
    root.mkdir()
    size = bounded.MAX_ARTICLE_BYTES + 10 * MB
    sparse(root / "huge.txt", b"date 2024-05-01\n\n", size)
    (root / "ok.txt").write_text("date 2024-05-01\n\nСенат одобрил поправки.\n", encoding="utf-8")
    found = read_in_a_child(root)
    assert found["ids"] == ["ok"]
    assert found["problems"] == [f"huge.txt: article too large: {size / MB:.1f} MB "
                                 f"(the limit is {bounded.MAX_ARTICLE_BYTES / MB:.1f} MB)"]
    assert found["peak_mb"] < 100, found


def test_a_json_article_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    text = "слово " * (bounded.MAX_ARTICLE_BYTES // 11 + 1000)  # 11 bytes of UTF-8 each
    (root / "big.jsonl").write_bytes(line(GOOD) + line({"id": "big", "text": text}))
    articles, problems = read(root)
    assert [a.id for a in articles] == ["good"]
    (problem,) = problems
    assert (problem.line, problem.kind) == (2, "article too large")


def test_a_gzip_bomb_stops_at_its_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the bytes any gzip may give (lowered here from 256 MB to 2 MB), a stream may give
    at most ``GZIP_RATIO`` times its compressed size: what came before is kept."""
    monkeypatch.setattr(bounded, "GZIP_FREE_BYTES", 2 * MB)
    root = tmp_path / "archive"
    root.mkdir()
    filler = line({"id": "blank", "text": " " * 10_000})  # «no article text», compresses well
    packed = gzip_of(root / "bomb.jsonl.gz", line(GOOD), filler, 40 * MB)
    assert 40 * MB / packed > bounded.GZIP_RATIO
    articles, problems = read(root)
    assert [a.id for a in articles] == ["good"]
    limit = max(2 * MB, bounded.GZIP_RATIO * packed)
    assert problems[-1].kind == "gzip file too large"
    assert f"decompresses to more than {limit / MB:.1f} MB" in problems[-1].reason
    assert all(p.kind == "no article text" for p in problems[:-1])
    assert len(problems) <= limit // len(filler) + 3  # the line that passed it, and the bomb
    assert count_articles(root) <= (limit + MB) // len(filler) + 3  # counted a MB at a time


def test_a_corrupt_deflate_block_is_reported_after_the_good_lines(tmp_path: Path) -> None:
    """A damaged block in the middle of a .jsonl.gz: the lines before it are read, the rest
    reported; the progress pre-count does not fail either."""
    root = tmp_path / "archive"
    root.mkdir()
    lines = b"".join(line(dict(GOOD, id=f"a{n}", text=f"Заметка {n}: {n * 7919 % 10007}."))
                     for n in range(20_000))
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    head = packer.compress(lines[: len(lines) // 2]) + packer.flush(zlib.Z_FULL_FLUSH)
    damaged = bytearray(packer.compress(lines[len(lines) // 2:]) + packer.flush())
    damaged[0] |= 0b110  # the next block's type: 11, which does not exist
    (root / "damaged.jsonl.gz").write_bytes(head + bytes(damaged))
    assert 0 < count_articles(root) <= 20_000
    articles, problems = read(root)
    assert 0 < len(articles) < 20_000
    assert [p.kind for p in problems] == ["not a valid gzip file"]
    assert "invalid block type" in problems[0].reason


def test_lone_surrogates_and_odd_json_are_reported_not_fatal(tmp_path: Path) -> None:
    """A lone surrogate escape crashed the checksum and the whole rebuild; JSON nested a
    hundred thousand deep and a number of 5,000 digits raise other errors than bad JSON."""
    root = tmp_path / "archive"
    root.mkdir()
    (root / "odd.jsonl").write_bytes(
        line(GOOD)
        + b'{"id": "s1", "text": "\\ud800 broken"}\n'
        + b'{"id": "s2", "title": "\\udfff", "text": "\xd0\xa2\xd0\xb5\xd0\xba\xd1\x81\xd1\x82"}\n'
        + b"[" * 100_000 + b"]" * 100_000 + b"\n"
        + b'{"id": "n", "text": "x", "n": ' + b"7" * 5000 + b"}\n"
        + line(dict(GOOD, id="last")))
    articles, problems = read(root)
    assert [a.id for a in articles] == ["good", "last"]
    reasons = {p.line: p.reason for p in problems}
    assert reasons[2] == "not text: a lone surrogate escape (\\ud800) in the JSON"
    assert reasons[3] == "not text: a lone surrogate escape (\\udfff) in the JSON"
    assert reasons[4] == "invalid JSON: nested too deeply"
    assert reasons[5].startswith("invalid JSON: Exceeds the limit")


def read(root: Path) -> tuple[list[Article], list[Problem]]:
    report = ReadReport()
    items = list(iter_archive(root, report))
    return ([i for i in items if isinstance(i, Article)],
            [i for i in items if isinstance(i, Problem)] + report.problems)
