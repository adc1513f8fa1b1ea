"""Our segment builder writes, posting for posting, the index Whoosh's own writer writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.build import segments as segment_writing
from indexer.build.documents import document
from indexer.build.segments import SegmentWriting
from indexer.entities.values import facet_values
from indexer.ingest import iter_archive
from indexer.records import Article, ReadReport
from indexer.store import blocks, segment_builder
from indexer.store.codec import MuragatCodec
from indexer.store.schema import build_schema

pytestmark = pytest.mark.slow  # writes and compares whole indexes term by term

ROOT = Path(__file__).resolve().parents[2]


def _postings(reader, fieldname: str, text: bytes) -> list[tuple]:
    m = reader.postings(fieldname, text)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight(), m.value(), m.block_min_length(), m.block_max_length(),
                    m.block_max_weight()))
        m.next()
    return out


def _term_stats(reader, fieldname: str, text: bytes) -> tuple:
    ti = reader.term_info(fieldname, text)
    return (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(), ti.max_weight(),
            ti.min_id(), ti.max_id())


@pytest.mark.parametrize(("spill_after", "block_limit"), [(None, 128), (3000, 128), (3000, 2)])
def test_segment_builder_matches_whoosh_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill_after: int | None, block_limit: int
) -> None:
    """Also when the postings are spilled to runs on disk every few articles and merged (with
    blocks of 2 postings, runs hold encoded blocks that the merge joins, not only postings)
    and the term table starts afresh at every spill: the builder still writes one segment,
    with the postings Whoosh's writer writes."""
    if spill_after is not None:
        monkeypatch.setattr(segment_writing, "SEGMENT_POSTINGS", spill_after)
        monkeypatch.setattr(segment_writing, "SEGMENT_POSTINGS_WITH_ENTITIES", spill_after)
        monkeypatch.setattr(segment_builder, "TABLE_WORDS", 0)
    monkeypatch.setattr(blocks, "BLOCK_LIMIT", block_limit)
    archive = tmp_path / "archive"
    archive.mkdir()
    sources = sorted((ROOT / "archive" / "meduza").rglob("*.txt"))[:12] + sorted(
        (ROOT / "archive" / "kazpravda").rglob("*.txt"))
    for path in sources:
        (archive / path.name).write_bytes(path.read_bytes())
    articles = [a for a in iter_archive(archive, ReadReport()) if isinstance(a, Article)]
    cache = tmp_path / "entities.sqlite"
    entities = facet_values([a.text for a in articles], cache)

    whoosh_dir, ours_dir = tmp_path / "whoosh", tmp_path / "ours"
    whoosh_dir.mkdir()
    ours_dir.mkdir()
    ix1 = whoosh_index.create_in(str(whoosh_dir), build_schema())
    writer = ix1.writer(codec=MuragatCodec())
    for article, values in zip(articles, entities, strict=True):
        writer.add_document(**document(article, values))
    writer.commit()

    ix2 = whoosh_index.create_in(str(ours_dir), build_schema())
    building = SegmentWriting(ix2, cache)
    for start in range(0, len(articles), 5):
        building.add_batch(articles[start : start + 5])
    spilled = building._builder._runs if building._builder else []
    if spill_after is not None:
        assert len(spilled) >= 3
    segments = building.finish()
    assert len(segments) == 1
    assert not [p for p in ours_dir.iterdir() if ".run" in p.name]  # runs removed
    ix2.writer(codec=MuragatCodec()).commit(mergetype=lambda _w, existing: existing + segments)

    with ix1.reader() as r1, ix2.reader() as r2:
        assert r1.doc_count() == r2.doc_count() == len(articles)
        terms = list(r1.all_terms())
        assert terms == list(r2.all_terms())
        assert any(field == "persons" for field, _ in terms)
        for fieldname, text in terms:
            assert _term_stats(r1, fieldname, text) == _term_stats(r2, fieldname, text)
            theirs, ours = _postings(r1, fieldname, text), _postings(r2, fieldname, text)
            if spill_after is None:
                assert theirs == ours
                continue
            # Spilled runs split a term's blocks where the runs meet: the same postings, and
            # block bounds that hold for every posting of their block.
            assert [p[:3] for p in theirs] == [p[:3] for p in ours]
            for docnum, weight, _, min_len, max_len, max_weight in ours:
                assert weight <= max_weight
                if fieldname in ("title", "body"):
                    length = r2.doc_field_length(docnum, fieldname)
                    assert min_len <= length <= max_len
        for docnum in range(r1.doc_count()):
            assert r1.stored_fields(docnum) == r2.stored_fields(docnum)
            for fieldname in ("title", "body"):
                assert (r1.doc_field_length(docnum, fieldname)
                        == r2.doc_field_length(docnum, fieldname))
        for column in ("id", "date", "month", "year", "checksum", "source"):
            assert list(r1.column_reader(column)) == list(r2.column_reader(column))
