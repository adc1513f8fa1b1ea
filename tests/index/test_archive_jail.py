"""The archive is a jail: nothing outside the archive folder is read, indexed or served.

A link inside the archive to a file outside it (absolute, relative, a chain of links, a JSON
Lines file) is reported and skipped; an archive folder given as a link is read as its target.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from indexer.build import count_articles, rebuild
from indexer.ingest import iter_archive
from indexer.records import Article, Problem, ReadReport
from web import create_app

SECRET = "Совершенно секретный пароль администратора"


def native(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date 2024-05-01\ntitle Заметка\n\n{text}\n", encoding="utf-8")


@pytest.fixture()
def jailbreak(tmp_path: Path) -> Path:
    """An archive with one good article and links of every kind leading out of it."""
    outside = tmp_path / "outside"
    native(outside / "secret.txt", SECRET)
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "lines.jsonl").write_text(
        json.dumps({"id": "leak", "date": "2024-05-01", "text": SECRET}, ensure_ascii=False)
        + "\n", encoding="utf-8")
    root = tmp_path / "archive"
    native(root / "news" / "good.txt", "Мажилис обсудил бюджет Казахстана.")
    native(root / "news" / "inside-target.txt", "Сенат одобрил поправки.")
    links = root / "links"
    links.mkdir()
    (links / "passwd.txt").symlink_to(outside / "passwd.txt")  # absolute
    (links / "secret.txt").symlink_to("../../outside/secret.txt")  # relative
    (links / "lines.jsonl").symlink_to(outside / "lines.jsonl")  # JSON Lines
    (links / "hop.txt").symlink_to("secret.txt")  # a chain: inside, then out
    (links / "outdir").symlink_to(outside, target_is_directory=True)  # a folder: not followed
    (links / "alias.txt").symlink_to("../news/inside-target.txt")  # stays inside: read
    return root


def test_links_leading_out_of_the_archive_are_reported_and_not_read(jailbreak: Path) -> None:
    report = ReadReport()
    items = list(iter_archive(jailbreak, report))
    ids = {i.id for i in items if isinstance(i, Article)}
    assert ids == {"news/good", "news/inside-target", "links/alias"}
    assert not any(SECRET in i.text or "root:x" in i.text
                   for i in items if isinstance(i, Article))
    outside = {p.path: p.reason for p in report.problems if "outside the archive" in p.reason}
    assert set(outside) == {"links/passwd.txt", "links/secret.txt", "links/lines.jsonl",
                            "links/hop.txt"}
    assert all(isinstance(p, Problem) for p in report.problems)
    assert count_articles(jailbreak) == 3


def test_an_archive_given_as_a_link_is_read_as_its_target(jailbreak: Path,
                                                          tmp_path: Path) -> None:
    link = tmp_path / "archive-link"
    link.symlink_to(jailbreak, target_is_directory=True)
    report = ReadReport()
    ids = {i.id for i in iter_archive(link, report) if isinstance(i, Article)}
    assert ids == {"news/good", "news/inside-target", "links/alias"}
    assert sum("outside the archive" in p.reason for p in report.problems) == 4


def test_nothing_outside_the_archive_is_indexed_or_served(jailbreak: Path,
                                                          tmp_path: Path) -> None:
    index = tmp_path / "instance" / "index"
    report = rebuild(jailbreak, index, workers=1, entities=False)
    assert report.articles == 3
    skipped = {p.path for p in report.skipped if "outside the archive" in p.reason}
    assert skipped == {"links/passwd.txt", "links/secret.txt", "links/lines.jsonl",
                       "links/hop.txt"}
    client = create_app({"INDEX": str(index)}).test_client()
    for article in ("links/passwd", "links/secret", "links/hop", "leak"):
        assert client.get(f"/api/articles/{article}").status_code == 404
    for word in ("секретный", "пароль", "root"):
        found = client.get("/api/search", query_string={"q": word}).get_json()
        assert found["total"] == 0, word


def test_a_link_to_a_device_is_outside_the_archive(tmp_path: Path) -> None:
    """``/dev/zero`` would never end: a link to it is not even opened."""
    root = tmp_path / "archive"
    native(root / "good.txt", "Мажилис обсудил бюджет.")
    (root / "zero.jsonl").symlink_to("/dev/zero")
    (root / "zero.txt").symlink_to("/dev/zero")
    (root / "chain.txt").symlink_to("zero.txt")
    report = ReadReport()
    ids = {i.id for i in iter_archive(root, report) if isinstance(i, Article)}
    assert ids == {"good"}
    assert {p.path for p in report.problems if "outside the archive" in p.reason} == {
        "zero.jsonl", "zero.txt", "chain.txt"}
    assert count_articles(root) == 1


def _swap_for_link(path: Path, target: Path) -> None:
    """Replace ``path`` (a file or a folder) by a link to ``target``."""
    link = path.with_name(path.name + ".swap")
    link.symlink_to(target, target_is_directory=target.is_dir())
    if path.is_dir():
        path.rename(path.with_name(path.name + ".old"))
    link.replace(path)


@pytest.mark.parametrize("swapped", ["file", "folder"])
def test_a_link_swapped_in_after_the_walk_is_not_followed(jailbreak: Path, tmp_path: Path,
                                                          swapped: str) -> None:
    """The walk checks where a file really is; the file, or a folder above it, replaced by a
    link to the outside between that check and the read must not be read either."""
    from indexer.ingest.files import archive_files
    from indexer.ingest.reader import read_file

    outside = tmp_path / "outside"
    native(outside / "news" / "good.txt", SECRET)
    report = ReadReport()
    files = {f.rel: f for f in archive_files(jailbreak, report)}
    good = files["news/good.txt"]
    if swapped == "file":
        _swap_for_link(jailbreak / "news" / "good.txt", outside / "news" / "good.txt")
    else:
        _swap_for_link(jailbreak / "news", outside / "news")
    assert SECRET in (jailbreak / "news" / "good.txt").read_text(encoding="utf-8")
    items = list(read_file(good, report))
    assert not any(isinstance(i, Article) for i in items)
    (problem,) = items
    assert isinstance(problem, Problem) and problem.path == "news/good.txt"
    assert problem.reason.startswith("cannot read file")


def test_a_file_name_that_is_not_utf8_is_reported_not_fatal(tmp_path: Path) -> None:
    """A name of Windows-1251 bytes (copied from an old disk) cannot be an id: skipped and
    reported with its bytes escaped; the rebuild goes on."""
    root = tmp_path / "archive"
    native(root / "good.txt", "Мажилис обсудил бюджет Казахстана.")
    bad = os.fsencode(str(root)) + b"/" + "Новости.txt".encode("cp1251")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("date 2024-05-01\n\nСенат одобрил поправки.\n")
    report = rebuild(root, tmp_path / "index", workers=2, entities=False)
    assert report.articles == 1
    (problem,) = report.skipped
    assert "not UTF-8" in problem.reason
    assert str(problem) == ("\\xcd\\xee\\xe2\\xee\\xf1\\xf2\\xe8.txt: " + problem.reason)
