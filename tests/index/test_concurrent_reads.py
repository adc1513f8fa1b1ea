"""No global lock on the read path (issue 14, point 3): searches of one index run side by side.

Before, every search held its index version's lock from start to end, so one slow request (a
991-character query spent 3.4 s in «did you mean») stalled every other search of the process.
Now each thread reads through its own Whoosh readers and the shared arrays are read only.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.search import Searcher, SearchRequest, execute
from indexer.search.versions import reading

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
