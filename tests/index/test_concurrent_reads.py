"""No global lock on the read path (issue 14, point 3): searches of one index run side by side.

Before, every search held its index version's lock from start to end, so one slow request (a
991-character query spent 3.4 s in «did you mean») stalled every other search of the process.
Now each thread reads through its own Whoosh readers and the shared arrays are read only.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.build import rebuild
from indexer.search import Searcher, SearchRequest, execute
from indexer.search.versions import CHECK_EVERY, SWAP_WAIT, Versions, reading

QUERIES = ["Астана", "конституция референдум", "цены нефти", "Голунов", "\"новая конституция\"",
           "Москва OR Казахстан", "канституция", "rjycnbnewbz", "голун*", "почему задержали",
           "выборы президента", "бюджет"]


@pytest.fixture(scope="module")
def searcher(built_index: Path) -> Searcher:
    return Searcher(built_index)


def _summary(searcher: Searcher, q: str, article: str) -> tuple:
    result = searcher.search(SearchRequest(q=q, size=20))
    hits = [(h.id, round(h.score, 4), h.snippet_html, tuple(h.missing)) for h in result.hits]
    page = searcher.article(article, q=q)
    return (result.total, result.partial, hits, result.facets, result.corrected, result.warnings,
            page["body_html"] if page else None)


def test_many_threads_read_one_version_and_agree_with_one_thread(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thirty-six searches and article pages on eight threads over one fresh version (so the
    caches fill while they run, each thread with its own readers) give exactly what the same
    requests give one after another. (The time budgets are lifted: eight searches sharing
    one interpreter would otherwise be cut short where one alone is not.)"""
    monkeypatch.setattr(execute, "TIME_BUDGET", 600.0)
    monkeypatch.setattr(execute, "REQUEST_BUDGET", 600.0)
    some = searcher.latest(3)
    article = some[0].id
    jobs = [(q, article) for q in QUERIES * 3]
    fresh = Searcher(searcher.index_path)  # nothing cached: every read happens concurrently
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda job: _summary(fresh, *job), jobs))
    alone = [_summary(searcher, *job) for job in jobs]
    assert together == alone
    assert any(t[0] for t in alone) and any(t[2] for t in alone)


def test_a_search_in_progress_does_not_hold_up_another(searcher: Searcher) -> None:
    """While one request is in the middle of reading a version (here held there until the
    other one is done), a second search of the same version answers: it used to wait for the
    first to finish, on the version's lock."""
    view = searcher.versions.current()
    inside, release = threading.Event(), threading.Event()

    def long_request() -> None:
        with reading(view):
            searcher.search(SearchRequest(q="конституция"))
            inside.set()
            release.wait(60)

    slow = threading.Thread(target=long_request)
    slow.start()
    try:
        assert inside.wait(60)
        answered: list = []
        quick = threading.Thread(
            target=lambda: answered.append(searcher.search(SearchRequest(q="Астана"))))
        quick.start()
        quick.join(30)
        assert answered and answered[0].hits, "the second search waited for the first"
        assert slow.is_alive()  # the first request was still in progress throughout
    finally:
        release.set()
        slow.join(60)


def _archive(folder: Path, n: int) -> Path:
    (folder / "a").mkdir(parents=True)
    for i in range(n):
        (folder / "a" / f"n{i}.txt").write_text(
            f"date 2020-01-0{i + 1}\ntitle Носорог {i}\n\nНосорог номер {i} пришёл в город.\n")
    return folder


def _swapped(versions, old, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(CHECK_EVERY / 5)
        if versions.current() is not old:
            return versions.current()
    return versions.current()


def test_a_new_version_opens_while_the_old_one_serves(tmp_path: Path) -> None:
    """A rebuilt index is opened and prepared in a thread of its own: the requests meanwhile
    are answered from the version they have, at once (the one that found the change waits
    ``SWAP_WAIT`` at most), and the new version serves once it is ready."""
    index = tmp_path / "instance" / "index"
    rebuild(_archive(tmp_path / "one", 2), index, workers=1, entities=False)
    ready = threading.Event()
    prepared: list[str] = []

    def prepare(view) -> None:
        ready.wait(30)
        prepared.append(view.version)

    versions = Versions(index, prepare=prepare)
    old = versions.current()
    assert old.doc_count == 2 and not prepared  # the first version is opened in the request
    rebuild(_archive(tmp_path / "two", 5), index, workers=1, entities=False)
    time.sleep(CHECK_EVERY * 1.2)
    started = time.monotonic()
    assert versions.current() is old  # the new one is still being prepared
    assert time.monotonic() - started < SWAP_WAIT + 0.4
    started = time.monotonic()
    assert versions.current() is old and time.monotonic() - started < 0.1
    ready.set()
    new = _swapped(versions, old)
    assert new is not old and new.doc_count == 5 and prepared == [new.version]


def test_a_version_whose_preparation_fails_still_serves_unless_unreadable(
        tmp_path: Path) -> None:
    """A bug in the preparation only costs the warm-up; a version it cannot read (damaged) is
    not swapped in."""
    index = tmp_path / "instance" / "index"
    rebuild(_archive(tmp_path / "one", 2), index, workers=1, entities=False)

    def buggy(view) -> None:
        raise ValueError("a bug in the warm-up")

    versions = Versions(index, prepare=buggy)
    old = versions.current()
    rebuild(_archive(tmp_path / "two", 3), index, workers=1, entities=False)
    assert _swapped(versions, old).doc_count == 3

    def unreadable(view) -> None:
        raise EOFError("a truncated segment")

    versions = Versions(index, prepare=unreadable)
    old = versions.current()
    rebuild(_archive(tmp_path / "three", 4), index, workers=1, entities=False)
    assert _swapped(versions, old, seconds=2 * CHECK_EVERY + 2 * SWAP_WAIT) is old
    assert old.doc_count == 3
