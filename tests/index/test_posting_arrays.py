"""Postings read through a segment's postings arrays equal those Whoosh reads from its blocks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_archive

from indexer.build import rebuild, segments
from indexer.search.facet_arrays import segment_values
from indexer.search.postings import Blocks, DecodedPositions, Values
from indexer.search.view import IndexView
from indexer.store import blocks, generations, posting_arrays
from indexer.store.posting_arrays import TermPositions

pytestmark = pytest.mark.slow  # writes and compares whole indexes term by term


def _whoosh_postings(view: IndexView, fieldname: str, term: str) -> list[tuple]:
    """(global docnum, weight, value) of every live posting, through Whoosh's own matchers."""
    out = []
    for leaf, base in view.leaves:
        if (fieldname, term) not in leaf:
            continue
        m = leaf.postings(fieldname, term)
        while m.is_active():
            if view.alive[base + m.id()]:
                out.append((base + m.id(), m.weight(), m.value()))
            m.next()
    return out


def _positions_match(view: IndexView, fieldname: str, term: str) -> bool:
    """The term's (docnum, position) pairs over every other document, as the postings read them
    (from the arrays where there are) and as the Whoosh values decode."""
    mask = np.zeros(view.n, bool)
    mask[::2] = True
    docs, positions = view.postings(fieldname, term, cache=False).positions_in(mask)
    decode = view.reader.schema[fieldname].format.decode_positions  # Whoosh's reading
    expected = [(d, pos) for d, _, value in _whoosh_postings(view, fieldname, term) if mask[d]
                for pos in decode(value)]
    return list(zip(docs.tolist(), positions.tolist(), strict=True)) == expected


def _ours(view: IndexView, fieldname: str, term: str) -> list[tuple]:
    p = view.postings(fieldname, term, cache=False)
    return [(int(d), float(w), p.values[i])
            for i, (d, w) in enumerate(zip(p.docs, p.weights, strict=True))]


@pytest.fixture(scope="module")
def small_blocks_index(tmp_path_factory) -> Path:
    """An index whose terms of 3 postings or more have arrays, in blocks of 4 postings, with
    the postings spilled to runs every few hundred (so blocks are joined across runs)."""
    base = tmp_path_factory.mktemp("arrays")
    archive = make_archive(base / "archive")
    index = base / "instance" / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(posting_arrays, "ARRAY_POSTINGS", 3)
        mp.setattr(blocks, "BLOCK_LIMIT", 4)
        mp.setattr(segments, "SEGMENT_POSTINGS", 2000)
        rebuild(archive, index, workers=2, entities=False)
    return index


def test_array_postings_equal_whoosh_postings(small_blocks_index: Path) -> None:
    build_dir = generations.target(small_blocks_index)
    assert len(list(build_dir.glob("*" + posting_arrays.INDEX))) == 2  # one per worker
    assert not list(build_dir.glob("*.run*"))
    view = IndexView(build_dir, "test")
    try:
        assert len(view.leaves) == 2 and all(a is not None for a in view.arrays)
        terms = [t for t in view.reader.field_terms("body")]
        lazy = mixed = 0
        for term in terms:
            ours = _ours(view, "body", term)
            assert ours == _whoosh_postings(view, "body", term), term
            postings = view.postings("body", term, cache=False)
            kinds = {type(p) for _, p in postings.positions}
            if kinds == {TermPositions}:
                lazy += 1
                assert isinstance(postings.values, Blocks | Values)
            mixed += kinds == {TermPositions, DecodedPositions}
            assert _positions_match(view, "body", term), term
        assert lazy > 100  # many terms were read through their arrays
        # Terms with arrays in one segment only: the other's positions decoded from its values.
        assert mixed > 10
        for term in list(view.reader.field_terms("title"))[:200]:
            assert _ours(view, "title", term) == _whoosh_postings(view, "title", term)
    finally:
        view.close()


def test_array_postings_skip_deleted_documents(small_blocks_index: Path, tmp_path: Path) -> None:
    """After deletions (as ``index update`` makes them) the arrays' rows of deleted documents
    are left out, values staying with their documents."""
    from whoosh.filedb.filestore import FileStorage

    build_dir = generations.target(small_blocks_index)
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in build_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    ix = FileStorage(str(copy)).open_index()
    with ix.reader() as reader:
        ids = [fields["id"] for _, fields in reader.iter_docs()][::3]
    writer = ix.writer()
    for doc_id in ids:
        writer.delete_by_term("id", doc_id)
    writer.commit(merge=False)
    view = IndexView(copy, "deleted")
    try:
        assert not view.alive.all()
        checked = 0
        for term in ("в", "и", "~быть", "на", "что"):
            ours = _ours(view, "body", term)
            assert ours == _whoosh_postings(view, "body", term)
            assert _positions_match(view, "body", term)
            checked += len(ours)
        assert checked > 50
    finally:
        view.close()


def test_facet_files_equal_the_entity_postings(built_index: Path) -> None:
    """Each rebuilt segment's facets file holds what its entity fields' postings hold."""
    from indexer.catalog import ENTITY_FIELDS
    from indexer.store.facets_file import read_facets

    view = IndexView(generations.target(built_index), "facets")
    try:
        seen = 0
        for leaf, _ in view.leaves:
            found = read_facets(str(view.build), leaf.segment().segid)
            assert found is not None
            for name in ENTITY_FIELDS:
                values, docs, vids = segment_values(None, leaf, name)
                file_values, counts, file_docs = found.get(name, ([], b"", b""))
                assert file_values == values
                assert np.frombuffer(file_docs, np.uint32).tolist() == docs.tolist()
                assert np.repeat(np.arange(len(values)), np.frombuffer(counts, np.uint32)
                                 ).tolist() == vids.tolist()
                seen += len(values)
        assert seen > 50
        persons = view.facets["persons"]
        merged = 0
        for docnum in range(view.n):  # the CSR lists each article's stored persons, each
            # under the value the archive-wide merge (the entity book) gives it
            stored = {v for v in view.stored(docnum).get("persons", "").split(",") if v}
            assert set(persons.of_doc(docnum)) == {persons.merge.get(v, v) for v in stored}
            merged += any(v in persons.merge for v in stored)
        assert merged, "the sample archive has persons named by surname alone and in full"
    finally:
        view.close()


def test_person_facet_after_update(tmp_path: Path) -> None:
    """After ``index update`` (a segment written by Whoosh, without a facets file, and the
    replaced article deleted from the rebuilt one) the person facet is exact."""
    from indexer.build import update
    from indexer.search import Searcher, SearchRequest

    archive = tmp_path / "archive"
    (archive / "a").mkdir(parents=True)
    one = archive / "a" / "one.txt"
    one.write_text("date 2020-01-01\n\nПрезидент Касым-Жомарт Токаев посетил Астану.\n")
    (archive / "a" / "two.txt").write_text(
        "date 2020-01-02\n\nКасым-Жомарт Токаев встретился с Владимиром Путиным в Москве.\n")
    index = tmp_path / "instance" / "index"
    rebuild(archive, index, workers=1, entities=True)

    def persons() -> dict[str, int]:
        result = Searcher(index).search(SearchRequest())
        return {v["value"]: v["count"] for v in result.facets["persons"]}

    assert persons() == {"Касым-Жомарт Токаев": 2, "Владимир Путин": 1}
    one.write_text("date 2020-01-01\n\nПремьер-министр Алихан Смаилов посетил Астану.\n")
    update(archive, index, workers=1, entities=True)
    assert persons() == {"Касым-Жомарт Токаев": 1, "Владимир Путин": 1, "Алихан Смаилов": 1}


def test_the_postings_cache_stays_in_its_budget(small_blocks_index: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.search import view as view_module

    monkeypatch.setattr(view_module, "CACHE_BYTES", 20_000)
    view = IndexView(generations.target(small_blocks_index), "cache")
    try:
        terms = sorted(view.reader.field_terms("body"),
                       key=lambda t: -view.reader.doc_frequency("body", t))[:60]
        for term in terms:
            p = view.postings("body", term)
            assert p.positions is not None and p.nbytes >= 12 * len(p.docs)
            p.positions_of(int(p.docs[-1]))  # read by rows: nothing more is kept
            cache = view.postings_cache
            assert cache.nbytes <= 20_000 or len(cache.entries) == 1
            assert cache.nbytes == sum(cache.sizes.values())
        assert 1 < len(cache.entries) < len(terms)  # some were dropped, the recent ones kept
        assert ("body", terms[-1]) in cache.entries
    finally:
        view.close()


@pytest.mark.parametrize("read_through", [0, 10**9])
def test_positions_read_by_rows_however_the_reads_are_split(
        small_blocks_index: Path, monkeypatch: pytest.MonkeyPatch, read_through: int) -> None:
    """Each row read on its own (0) or every run read through (10**9): the same positions as
    Whoosh decodes, for scattered documents and for a single one."""
    monkeypatch.setattr(posting_arrays, "READ_THROUGH", read_through)
    view = IndexView(generations.target(small_blocks_index), "rows")
    try:
        terms = sorted(view.reader.field_terms("body"),
                       key=lambda t: -view.reader.doc_frequency("body", t))[:40]
        for term in terms:
            assert _positions_match(view, "body", term), term
            p = view.postings("body", term, cache=False)
            decode = view.reader.schema["body"].format.decode_positions
            expected = {d: decode(v) for d, _, v in _whoosh_postings(view, "body", term)}
            for docnum in p.docs[::7].tolist():
                assert p.positions_of(docnum) == expected[docnum]
    finally:
        view.close()


def _piece(docs: list[int], counts: list[int], positions: list[int], boost: float,
           weights: list[float] | None = None) -> blocks.Piece:
    w = weights if weights is not None else [c * boost for c in counts]
    stats = (sum(w), len(docs), None, 0, max(w), docs[0], docs[-1])
    parts = [np.array(docs, np.uint32), np.array(w, np.float32), np.array([0], np.uint32),
             np.array([0], np.uint64), np.array(counts, np.uint32),
             np.array(positions, np.uint32)]
    return stats, (b"", 0, *(p.tobytes() for p in parts))


@pytest.mark.parametrize(("top_doc", "top_count", "top_pos", "sizes"),
                         [(60_000, 3, 900, (2, 1, 2)), (70_000, 300, 70_000, (4, 2, 4)),
                          (200, 70_000, 70_100, (2, 4, 4))])
def test_arrays_are_as_narrow_as_their_values(tmp_path: Path, top_doc: int, top_count: int,
                                              top_pos: int, sizes: tuple[int, int, int]) -> None:
    """Each term's docnums, counts and positions take the fewest bytes that hold its largest
    value, and read back the same; weights that are the counts times the boost are not
    stored, other weights are."""
    n = posting_arrays.ARRAY_POSTINGS
    docs = list(range(n - 1)) + [top_doc]
    counts = [1] * (n - 1) + [top_count]
    positions = list(range(n - 1)) + list(range(top_pos - top_count + 1, top_pos + 1))
    writer = posting_arrays.PostingArrays(str(tmp_path), "seg")
    writer.add(0, _piece(docs, counts, positions, 2.5), 2.5)
    odd = [1.0] * n  # an ID field's weights: not its (zero) counts times the boost
    writer.add(100, _piece(docs, [0] * n, [], 1.0, odd), 1.0)
    writer.close()
    arrays = posting_arrays.SegmentArrays.open(tmp_path, "seg")
    assert arrays is not None and arrays.version == 3
    layout = posting_arrays.Layout.unpack(int(arrays.index[0, 5]))
    assert (layout.docs, layout.counts, layout.positions) == sizes and layout.derived
    assert not posting_arrays.Layout.unpack(int(arrays.index[1, 5])).derived
    expected_size = (12 + sizes[0] * n + sizes[1] * n + sizes[2] * len(positions)
                     + 12 + sizes[0] * n + 1 * n + 4 * n)  # counts of 0 in a byte, weights
    assert (tmp_path / "seg.parr").stat().st_size == expected_size
    found = arrays.find(0)
    assert found is not None
    d, w, _, _, pos = found
    assert d.tolist() == docs and w.tolist() == [c * 2.5 for c in counts]
    got_counts, got = pos.rows(np.arange(n))
    assert got_counts.tolist() == counts and got.tolist() == positions
    assert pos.row(n - 1) == positions[n - 1:]
    other = arrays.find(100)
    assert other is not None and other[1].tolist() == odd
    arrays.close()


def _as_version_2(folder: Path) -> None:
    """Rewrite every segment's arrays in version 2's layout (all 4 bytes wide, weights stored
    after the docnums), as an index built before version 3 holds them."""
    for index_path in folder.glob("*" + posting_arrays.INDEX):
        segid = index_path.name[: -len(posting_arrays.INDEX)]
        arrays = posting_arrays.SegmentArrays.open(folder, segid)
        assert arrays is not None and arrays.version == 3
        rows = [posting_arrays.MAGIC_V2]
        out = bytearray()
        for i, (offset, _, n, nblocks, m, _) in enumerate(arrays.index.tolist()):
            d, w, block_rows, block_offsets, pos = arrays.find(offset)
            counts, positions = pos.rows(np.arange(n))
            rows += [offset, len(out), n, nblocks, m]
            for part, dtype in ((d, np.uint32), (w, np.float32), (block_rows, np.uint32),
                                (block_offsets, np.uint64), (counts, np.uint32),
                                (positions, np.uint32)):
                out += np.asarray(part).astype(dtype).tobytes()
            assert i < len(arrays.index)
        arrays.close()
        (folder / (segid + posting_arrays.DATA)).write_bytes(bytes(out))
        index_path.write_bytes(np.array(rows, np.int64).tobytes())


def test_version_2_arrays_read_the_same(small_blocks_index: Path, tmp_path: Path) -> None:
    """An index built with version 2's arrays reads the same postings and positions."""
    build_dir = generations.target(small_blocks_index)
    copy = tmp_path / "v2"
    copy.mkdir()
    for path in build_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    _as_version_2(copy)
    new, old = IndexView(build_dir, "v3"), IndexView(copy, "v2")
    try:
        assert all(a is not None and a.version == 2 for a in old.arrays)
        mask = np.ones(new.n, bool)
        terms = sorted(new.reader.field_terms("body"),
                       key=lambda t: -new.reader.doc_frequency("body", t))[:60]
        for term in terms:
            a, b = new.postings("body", term, cache=False), old.postings("body", term, cache=False)
            assert a.positions is not None and b.positions is not None
            assert a.docs.tolist() == b.docs.tolist() and a.weights.tolist() == b.weights.tolist()
            assert [x.tolist() for x in a.positions_in(mask)] == [
                x.tolist() for x in b.positions_in(mask)]
            assert _ours(old, "body", term) == _whoosh_postings(old, "body", term)
    finally:
        new.close()
        old.close()


def test_update_of_an_index_with_version_2_arrays(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """An index built with version 2's arrays takes an ``index update``: the new segment has
    version 3's, the old ones keep theirs, and every term reads as Whoosh reads it."""
    from indexer.build import update

    monkeypatch.setattr(posting_arrays, "ARRAY_POSTINGS", 3)  # the new article's terms too
    archive = make_archive(tmp_path / "archive")
    index = tmp_path / "instance" / "index"
    rebuild(archive, index, workers=1, entities=False)
    _as_version_2(generations.target(index))
    for n in range(4):
        (archive / f"new-{n}.txt").write_text(
            f"date 2025-03-0{n + 1}\ntitle Заметка {n}\n\n"
            + "Мажилис одобрил закон о бюджете. " * (10 + n), encoding="utf-8")
    report = update(archive, index, entities=False)
    assert report.added == 4
    view = IndexView(generations.target(index), "upgraded")
    try:
        assert sorted(a.version for a in view.arrays if a is not None) == [2, 3]
        assert all(len(a.index) >= 5 for a in view.arrays if a is not None)
        for term in ("закон", "~закон", "мажилис", "~бюджет", "в", "и"):
            assert _ours(view, "body", term) == _whoosh_postings(view, "body", term), term
            assert _positions_match(view, "body", term), term
    finally:
        view.close()
