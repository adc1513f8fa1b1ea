"""The generation's vocabulary file: written by a rebuild and by an update, read back as the
term tables say (words, articles per word, typo-search groups), and searched the same way."""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from indexer.build import rebuild, update
from indexer.search import Searcher, SearchRequest
from indexer.search.view import IndexView
from indexer.search.vocabulary import Vocabulary
from indexer.store import generations
from indexer.store.vocabulary_file import file_name, read_vocabulary, segments_vocabulary
from indexer.text.morphology import LEMMA_MARK

TEXTS = [
    "Мажилис обсудил проект Конституции на встрече в Астане. Депутаты спорили о референдуме.",
    "Референдум по конституции назначен на весну. Указ подписан в Акорде.",
    "Депутаты Сената одобрили закон о референдуме. Конституционный суд согласился.",
]


def write(root: Path, rel: str, title: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date 2024-05-01\ntitle {title}\n\n{text}\n", encoding="utf-8")


def generation(folder: Path) -> int:
    return FileStorage(str(folder), supports_mmap=False).open_index().latest_generation()


def test_rebuild_writes_the_vocabulary_the_term_tables_hold(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for n in range(40):
        write(archive, f"a/{n:02d}.txt", "Референдум" if n % 2 else "Сенат", TEXTS[n % 3])
    index = tmp_path / "index"
    rebuild(archive, index, workers=2, entities=False)
    folder = generations.target(index)
    table = read_vocabulary(str(folder), generation(folder))
    assert table is not None
    view = IndexView(folder, "v")
    try:
        assert len(view.leaves) == 2  # two workers: counts are summed over segments
        from_tables = segments_vocabulary(view.local_leaves())
        assert table.words == from_tables.words
        assert table.frequencies.tolist() == from_tables.frequencies.tolist()
        vocabulary = Vocabulary(table)
        # «референдуме» is in the bodies of the first and third texts: 27 of 40 articles.
        assert vocabulary.frequency("референдуме") == 27
        assert vocabulary.frequency("сенат") == 20  # titles: the larger of title and body
        assert not any(w.startswith(LEMMA_MARK) for w in table.words)
        assert "конституции" in vocabulary.near("канституции", 1)
        assert "депутаты" not in vocabulary.near("лепутаты", 1)  # the first letter differs
        assert "депутаты" in vocabulary.near("лепутаты", 1, first_letter=False)
        assert vocabulary.near("депутаты", 1) == sorted(vocabulary.near("депутаты", 1))
    finally:
        view.close()


def test_update_writes_a_new_vocabulary_and_drops_old_ones(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    for n in range(10):
        write(archive, f"a/{n:02d}.txt", "Сенат", TEXTS[n % 3])
    index = tmp_path / "index"
    rebuild(archive, index, workers=1, entities=False)
    for round_ in range(3):
        write(archive, f"b/{round_}.txt", "Жаңалық", f"Голуновщина номер {round_} в Астане.")
        update(archive, index, entities=False)
    folder = generations.target(index)
    latest = generation(folder)
    table = read_vocabulary(str(folder), latest)
    assert table is not None and "голуновщина" in table.words
    kept = sorted(p.name for p in folder.glob("vocabulary-*.npz"))
    assert kept == sorted({file_name(latest), file_name(latest - 1)})
    # The search corrects and truncates from it.
    searcher = Searcher(index)
    assert searcher.search(SearchRequest(q="голуновщ*")).total == 3
    assert searcher.search(SearchRequest(q="галуновщина")).total == 3


def test_a_warmed_searcher_has_read_the_vocabulary(built_index: Path) -> None:
    """``searcher.warm`` (a server's worker, before its first request) leaves the live version with
    its vocabulary read, so that the first misspelt query does not read it in its budget."""
    from indexer.search import vocabulary as vocabulary_module
    from indexer.search.searcher import warm

    searcher = Searcher(built_index)
    view = searcher.versions.current()
    assert view not in vocabulary_module._SLOTS  # opening alone reads no vocabulary
    warm(searcher)
    assert searcher.versions.current() is view
    slot = vocabulary_module._SLOTS[view]
    assert slot.done.is_set() and slot.value is not None
