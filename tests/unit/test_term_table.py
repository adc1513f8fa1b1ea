"""The segment writer's analysis as arrays is the Whoosh analyser's, occurrence for occurrence;
its postings' values are the bytes ``PositionDeltas`` writes."""

from __future__ import annotations

import random

import numpy as np
import pytest

from indexer.store.blocks import BlockEncoder
from indexer.store.formats import PositionDeltas, decode_deltas, encode_deltas, varint
from indexer.store.schema import build_schema
from indexer.store.text_postings import FieldPostings, varints
from indexer.text.sentences import token_starts
from indexer.text.term_table import TermTable
from tests.analysed import whoosh_occurrences

TEXTS = (
    "Касым-Жомарт Токаев прибыл в Нур-Султан. «Это важно», — сказал он.\nВ 2019 г. было "
    "что-то ещё: из-за дождя т. е. пробки. Пресс-секретарь сине‑зелёного клуба - молчал!",
    "Стали сталью стали. Ёлка и елка, COVID-19 и Tokayev, Құрылтай, ТОКАЕВА, Токаеву.",
    "-- начало с дефиса, конец на дефис -",
    "…!!! ,,, ",
    "",
    "Ала-Тоо Ала-Тоо ала-тоо а-б-в-г слово",
)


@pytest.mark.parametrize("text", TEXTS)
def test_a_texts_terms_are_the_analysers(text: str) -> None:
    table = TermTable()
    table.analyse(TEXTS[0])  # words seen before are looked up, new ones added
    found = table.analyse(text, starts=True, chars=True)
    assert found.chars is not None and found.starts is not None
    ours = [(table.terms[t], p, s, e) for t, p, (s, e) in
            zip(found.ids.tolist(), found.positions.tolist(), found.chars.tolist(), strict=True)]
    assert ours == whoosh_occurrences(text)
    assert found.starts.tolist() == token_starts(text).tolist()


def test_a_cleared_table_gives_new_ids_and_the_same_terms() -> None:
    table = TermTable()
    first = table.analyse(TEXTS[1])
    terms = [table.terms[t] for t in first.ids.tolist()]
    table.clear()
    table.analyse(TEXTS[0])
    again = table.analyse(TEXTS[1])
    assert [table.terms[t] for t in again.ids.tolist()] == terms
    assert len(table) == len(set(table.terms))


def test_varints_are_leb128() -> None:
    rng = random.Random(5)
    values = [0, 1, 127, 128, 16_383, 16_384, 2**21 - 1, 2**21, 2**28, 2**35 + 7]
    values += [rng.randrange(2**30) for _ in range(500)]
    buffer, offsets = varints(np.array(values, np.int64))
    raw = buffer.tobytes()
    edges = [*offsets.tolist(), len(raw)]
    assert [raw[a:b] for a, b in zip(edges, edges[1:], strict=False)] == [varint(v) for v in values]


def test_field_postings_are_the_terms_postings_in_order() -> None:
    """Postings of three articles, one with a position past 16,384 (a value of its own):
    each term's documents, counts and values as the positions ``PositionDeltas`` encodes."""
    schema = build_schema()
    field = schema["body"]
    assert isinstance(field.format, PositionDeltas)
    texts = [TEXTS[0], TEXTS[1], "слово " * 17_000 + "Токаев"]
    table, postings = TermTable(), FieldPostings()
    expected: dict[str, dict[int, list[int]]] = {}
    for docnum, text in enumerate(texts):
        found = table.analyse(text)
        postings.add(docnum, found)
        for term, pos, _, _ in whoosh_occurrences(text):
            expected.setdefault(term, {}).setdefault(docnum, []).append(pos)
    records = list(postings.records("body", table.terms, BlockEncoder(field, None), field))
    assert [r[1] for r in records] == sorted(expected)
    for name, term, stats, payload in records:
        assert name == "body"
        if stats is not None:  # a full block: encoded already
            continue
        docs, weights, values, counts, positions = payload
        by_doc = expected[term]
        assert np.frombuffer(docs, np.uint32).tolist() == sorted(by_doc)
        assert np.frombuffer(counts, np.uint32).tolist() == [len(by_doc[d]) for d in sorted(by_doc)]
        assert np.frombuffer(weights, np.float32).tolist() == [
            float(len(by_doc[d])) for d in sorted(by_doc)]
        assert [decode_deltas(v) for v in values] == [by_doc[d] for d in sorted(by_doc)]
        assert values == [encode_deltas(by_doc[d]) for d in sorted(by_doc)]
        assert np.frombuffer(positions, np.uint32).tolist() == [
            p for d in sorted(by_doc) for p in by_doc[d]]
    assert "токаев" in {r[1] for r in records}
