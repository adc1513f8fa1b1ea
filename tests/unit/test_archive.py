"""Reading the archive: each format, and every kind of bad file reported, never fatal."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from indexer.ingest import iter_archive
from indexer.ingest.leads import derive_title
from indexer.records import Article, Problem, ReadReport

ROOT = Path(__file__).resolve().parents[2]
KAZPRAVDA = next((ROOT / "archive" / "kazpravda").rglob("*.txt"))


def read(root: Path) -> tuple[list[Article], list[Problem], ReadReport]:
    report = ReadReport()
    items = list(iter_archive(root, report))
    articles = [i for i in items if isinstance(i, Article)]
    problems = [i for i in items if isinstance(i, Problem)] + report.problems
    return articles, problems, report


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def test_kazpravda_native_file(tmp_path: Path) -> None:
    write(tmp_path / "kazpravda" / "2026" / "a.txt", KAZPRAVDA.read_bytes())
    (article,), problems, _ = read(tmp_path)
    assert problems == []
    assert article.id == "kazpravda/2026/a"
    assert article.date == dt.date(2026, 3, 5)
    assert article.text.startswith("Представители Общенациональной коалиции")
    assert article.title.startswith("Представители Общенациональной коалиции «За Народную")
    assert article.title.endswith("…") and len(article.title) <= 162
    assert article.source == "Kazpravda.kz"
    assert len(article.checksum) == 40


def test_headers_win_and_caption_is_not_the_title(tmp_path: Path) -> None:
    write(tmp_path / "x.txt", "date 2020-01-02\n\nФото предоставлено организаторами\n\n"
          "Парламент принял закон. Второе предложение.")
    write(tmp_path / "y.txt", "date 2020-01-03\ntitle Заголовок\nsource ТАСС\nurl http://x.kz/1\n"
          "topic politics\n\nТекст статьи, сообщает Интерфакс.")
    x, y = read(tmp_path)[0]
    assert x.title == "Парламент принял закон."
    assert x.source == ""
    assert (y.title, y.source, y.url, y.topic) == ("Заголовок", "ТАСС", "http://x.kz/1", "politics")
    assert y.text == "Текст статьи, сообщает Интерфакс."


def test_source_from_attribution_else_folder(tmp_path: Path) -> None:
    write(tmp_path / "tass" / "a.txt", "date 2020-01-02\n\nВ Астане открыли мост, сообщает ТАСС.")
    write(tmp_path / "tass" / "b.txt", "date 2020-01-02\n\nВ Астане открыли мост.")
    a, b = read(tmp_path)[0]
    assert a.source == "ТАСС"
    assert b.source == "tass"


def test_long_title_is_cut_at_a_word() -> None:
    title = derive_title("слово " * 100)
    assert title.endswith("слово…") and len(title) <= 161


def test_jsonl_and_gzip(tmp_path: Path) -> None:
    rows = [
        {"id": "ng-1", "date": "2011-02-28", "title": "T", "text": "Текст", "source": "ng.ru",
         "url": "http://ng.ru/1", "topic": "world"},
        {"id": "rt-1", "date": None, "title": None, "text": "Первое. Второе.", "source": "rt",
         "url": None, "topic": None},
    ]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    write(tmp_path / "a.jsonl", lines.split("\n")[0])
    write(tmp_path / "b.jsonl.gz", gzip.compress(lines.split("\n")[1].encode()))
    (ng, rt), problems, _ = read(tmp_path)
    assert (ng.id, ng.date, ng.title, ng.source, ng.url) == (
        "ng-1", dt.date(2011, 2, 28), "T", "ng.ru", "http://ng.ru/1")
    assert (rt.id, rt.date, rt.title) == ("rt-1", None, "Первое.")
    assert [p.reason for p in problems] == ["no date: indexed undated"]
    assert not problems[0].skipped


def test_windows_1251_is_read_and_reported(tmp_path: Path) -> None:
    write(tmp_path / "old.txt", "date 2001-05-06\n\nСтарая статья о референдуме.".encode("cp1251"))
    (article,), problems, report = read(tmp_path)
    assert article.text == "Старая статья о референдуме."
    assert report.encodings == {"cp1251": 1}
    assert [p.reason for p in problems] == ["read as cp1251"]


def test_utf8_bom_and_utf16(tmp_path: Path) -> None:
    write(tmp_path / "bom.txt", "\ufeffdate 2001-05-06\n\nТекст с BOM.".encode())
    write(tmp_path / "u16.txt", "date 2001-05-07\n\nТекст UTF-16.".encode("utf-16"))
    bom, u16 = read(tmp_path)[0]
    assert bom.date == dt.date(2001, 5, 6) and bom.text == "Текст с BOM."
    assert u16.text == "Текст UTF-16."


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary file (NUL bytes)"),
        ("greek.txt", "Ελληνικά κείμενα".encode("cp1253") * 3 + b"\x98", "undecodable text"),
        ("headers-only.txt", b"date 2020-01-01\ntitle X\n", "no article text"),
        ("broken.jsonl.gz", b"not gzip", "not a valid gzip file"),
    ],
)
def test_bad_files_are_reported_and_skipped(tmp_path: Path, name: str, data: bytes,
                                             reason: str) -> None:
    write(tmp_path / name, data)
    write(tmp_path / "good.txt", "date 2020-01-01\n\nХорошая статья.")
    articles, problems, _ = read(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert len(problems) == 1 and problems[0].skipped
    assert problems[0].path.endswith(name) and problems[0].reason.startswith(reason)


def test_bad_json_lines_and_dates_are_reported_with_line_numbers(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", "\n".join([
        json.dumps({"id": "1", "date": "2020-01-01", "text": "Один"}),
        "{broken",
        json.dumps({"id": "2", "date": "2026-13-45", "text": "Два"}),
        json.dumps({"id": "3", "date": "2020-01-01", "text": ""}),
        json.dumps([1, 2]),
        json.dumps({"id": "1", "date": "2020-01-02", "text": "Повтор"}),
    ]))
    articles, problems, _ = read(tmp_path)
    assert [(a.id, a.date) for a in articles] == [("1", dt.date(2020, 1, 1)), ("2", None)]
    found = sorted((p.line, p.skipped, p.reason.split(":")[0]) for p in problems)
    assert found == [
        (2, True, "invalid JSON"),
        (3, False, "bad date '2026-13-45'"),
        (4, True, "no article text"),
        (5, True, "a line is not a JSON object"),
        (6, True, "duplicate id '1' (first in a.jsonl)"),
    ]


def test_not_articles_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    write(tmp_path / "README.txt", "date 2020-01-01\n\nNot an article.")
    write(tmp_path / "meduza" / "LICENSE.txt", "Creative Commons")
    write(tmp_path / ".hidden" / "a.txt", "date 2020-01-01\n\nHidden.")
    write(tmp_path / "notes.md", "# notes")
    write(tmp_path / "a.txt", "date 2020-01-01\n\nСтатья.")
    assert [a.id for a in read(tmp_path)[0]] == ["a"]


def test_missing_archive_is_reported(tmp_path: Path) -> None:
    articles, problems, _ = read(tmp_path / "nowhere")
    assert articles == [] and "does not exist" in problems[0].reason


def test_checksum_changes_with_content(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "date 2020-01-01\n\nСтатья.")
    before = read(tmp_path)[0][0].checksum
    assert read(tmp_path)[0][0].checksum == before
    path.write_text("date 2020-01-02\n\nСтатья.", encoding="utf-8")
    assert read(tmp_path)[0][0].checksum != before


@pytest.mark.parametrize(("line", "expected"), [
    ("11 марта 2014 года", dt.date(2014, 3, 11)),
    ("11 марта 2014 г.", dt.date(2014, 3, 11)),
    ("Вторник, 11 Марта 2014", dt.date(2014, 3, 11)),
    ("11.03.2014", dt.date(2014, 3, 11)),
    ("1.3.2014 года.", dt.date(2014, 3, 1)),
    ("2014-03-11", dt.date(2014, 3, 11)),
])
def test_a_leading_russian_date_line_is_the_date(tmp_path: Path, line: str,
                                                  expected: dt.date) -> None:
    write(tmp_path / "wiki" / "a.txt", f"title Заголовок\n\n{line}\n\nПарламент принял закон.")
    (article,), problems, _ = read(tmp_path)
    assert problems == []
    assert article.date == expected
    assert article.text == "Парламент принял закон."  # the date line is not text


@pytest.mark.parametrize("text", [
    "31 февраля 2014 года\n\nПарламент принял закон.",  # not a real date
    "11 марта 2014 года парламент принял закон.",  # a date in a sentence, not a line of its own
    "Парламент принял закон.\n\n11 марта 2014 года",  # not the first line
    "11 марта\n\nПарламент принял закон.",  # no year
])
def test_other_dates_in_the_text_are_not_the_date(tmp_path: Path, text: str) -> None:
    write(tmp_path / "a.txt", f"title Заголовок\n\n{text}")
    (article,), problems, _ = read(tmp_path)
    assert article.date is None
    assert [p.reason for p in problems] == ["no date: indexed undated"]


def test_a_date_header_wins_over_a_date_line(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "date 2020-01-02\n\n11 марта 2014 года\n\nПарламент принял закон.")
    (article,), _, _ = read(tmp_path)
    assert article.date == dt.date(2020, 1, 2)
    assert article.text.startswith("11 марта 2014 года")
