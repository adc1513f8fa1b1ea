"""Our writer of whole Whoosh segments, for documents whose text fields are already analysed.

Whoosh's ``SegmentWriter`` puts every posting through a sorting pool and then through
``add_postings`` one at a time; here a document's postings go straight into per-term lists
(documents arrive in docnum order, so the lists need no sorting), and each term's lists are
written out in whole blocks. The files are the same W3 segment files, block by block, plus the
postings arrays, the facets file and the sentence maps beside them. Whenever the caller says,
the postings held are spilled to a sorted run on disk (``runs``), which bounds the memory;
``finish`` joins the runs term by term into the one segment.
"""

from __future__ import annotations

import heapq
import os
from array import array
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte

from indexer.catalog import ENTITY_FIELDS
from indexer.store.blocks import (
    BlockEncoder,
    Piece,
    TermPostings,
    join,
)
from indexer.store.codec import LENGTH_OF_BYTE, MuragatCodec
from indexer.store.facets_file import write_facets
from indexer.store.posting_arrays import PostingArrays
from indexer.store.runs import Record, read_run, write_run
from indexer.store.sentence_maps import SentenceMapWriter
from indexer.store.text_postings import FieldPostings
from indexer.text.term_table import TermTable, TextTerms

_INFO = W3TermInfo._struct
# Words the term table keeps across spills (~250 bytes each with their terms): the words of
# one spill are mostly the next one's, and a word is analysed once while it is kept.
TABLE_WORDS = 400_000


class SegmentBuilder:
    """Writes one segment: ``add`` documents, ``spill`` when memory is full, ``finish``."""

    def __init__(self, storage, indexname: str, schema, codec: MuragatCodec,
                 table: TermTable) -> None:
        self.storage = storage
        self.table = table  # the term ids of the analysed texts given to ``add``
        self.schema = schema
        self.codec = codec
        self.segment = codec.new_segment(storage, indexname)
        self._perdoc = codec.per_document_writer(storage, self.segment)
        self._sentences = SentenceMapWriter(storage.folder, self.segment.segid)
        self._terms: dict[str, dict[str, TermPostings]] = {}
        self._text: dict[str, FieldPostings] = {}
        self._lengths: dict[str, array] = {}
        self._runs: list[str] = []
        self.docs = 0
        self.postings = 0  # postings held in memory (since the last spill)

    def add(self, fields: dict, analysed: dict[str, TextTerms]) -> None:
        """Add a document: ``fields`` as for ``IndexWriter.add_document``, with the terms of
        the text fields that are keys of ``analysed`` (ids of ``self.table``; the body's with
        the first character of each position, for its sentence map)."""
        docnum = self.docs
        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            field = self.schema[name]
            length = 0
            if field.indexed:
                if name in analysed:
                    length = self._add_text(name, field, docnum, analysed[name])
                else:
                    self._add_items(name, docnum, field.index(value))
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        body = analysed.get("body")
        self._sentences.add(fields.get("body") or "", body.starts if body is not None else None)
        self.docs += 1

    def _add_text(self, name: str, field, docnum: int, found: TextTerms) -> int:
        postings = self._text.get(name)
        if postings is None:
            postings = self._text[name] = FieldPostings()
        postings.add(docnum, found)
        length = len(found.ids)
        self.postings += length
        if field.scorable:
            # The length the postings writer is given is the one read back from the lengths
            # column, quantised to a byte (and none for byte 0: see ``codec._PerDocReader``).
            lengths = self._lengths.setdefault(name, array("I"))
            lengths.extend(bytes(docnum - len(lengths)))
            lengths.append(LENGTH_OF_BYTE[length_to_byte(length)] or 0)
        return length

    def _add_items(self, name: str, docnum: int, items) -> None:
        terms = self._terms.setdefault(name, {})
        for tbytes, _, weight, vbytes in items:
            term = tbytes.decode("utf-8")
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = TermPostings()
            postings.docs.append(docnum)
            postings.weights.append(weight)
            postings.counts.append(0)
            if vbytes:
                postings.values.append(vbytes)
            self.postings += 1

    def spill(self) -> None:
        """Encode the postings held in memory, write them to a sorted run file beside the
        segment and free them; the segment stays open. However many spills, the documents end
        up in one segment (one term lookup per segment at search time) and no posting is
        encoded twice."""
        if not self._terms and not self._text:
            return
        path = os.path.join(self.storage.folder, f"{self.segment.segid}.run{len(self._runs)}")
        self._runs.append(path)
        write_run(path, self._records())
        self.postings = 0
        if self.table.words > TABLE_WORDS:
            self.table.clear()

    def _records(self) -> Iterator[Record]:
        """The postings held, as run records in the order of the segment's term table (field,
        then term), emptying the builder's memory of them."""
        text = self._text
        for name in sorted(set(self._terms) | set(text)):
            field = self.schema[name]
            if name in text:
                encoder = BlockEncoder(field, self._lengths.get(name))
                yield from text.pop(name).records(name, self.table.terms, encoder, field)
            else:
                yield from encoded_terms(name, self._terms.pop(name), field,
                                         self._lengths.get(name))

    def finish(self):
        """Write the postings (joining any spilled runs) and close the segment; returns
        Whoosh's segment object."""
        self._perdoc.close()
        self._sentences.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        arrays = PostingArrays(self.storage.folder, self.segment.segid)
        facets: dict[str, tuple[list[str], array, list[bytes]]] = {}
        field_name: str | None = None
        term_writer: TermWriter | None = None
        try:
            for name, term, piece in merged_terms(self._runs, self._records(), self.schema,
                                                  self._lengths):
                if name != field_name:
                    if field_name is not None:
                        writer.finish_field()
                    field_name = name
                    writer.start_field(name, self.schema[name])
                    term_writer = TermWriter(writer, arrays,
                                             self.schema[name].format.field_boost)
                assert term_writer is not None
                term_writer.write(term.encode("utf-8"), piece)
                if name in ENTITY_FIELDS:
                    values, counts, docs = facets.setdefault(name, ([], array("I"), []))
                    values.append(term)
                    counts.append(piece[0][1])
                    docs.append(piece[1][2])
            if field_name is not None:
                writer.finish_field()
            writer.close()
        finally:
            arrays.close()
        write_facets(self.storage.folder, self.segment.segid, facets)
        for path in self._runs:
            os.remove(path)
        self._runs = []
        self.segment.set_doc_count(self.docs)
        self.segment.create_compound_file(self.storage)
        return self.segment


def encoded_terms(name: str, terms: dict[str, TermPostings], field, lengths: array | None
                  ) -> Iterator[Record]:
    """One field's postings held by term as run records in term order, emptying ``terms``: a
    term with a full block or more is encoded into its blocks now, a smaller one kept as
    postings, so that the join can put it into one block with the term's postings of the
    other runs."""
    encoder = BlockEncoder(field, lengths)
    for term in sorted(terms):
        p = terms.pop(term)
        if len(p.docs) < encoder.blocklimit:
            yield name, term, None, (p.docs.tobytes(), p.weights.tobytes(), p.values,
                                     p.counts.tobytes(), p.positions.tobytes())
        else:
            yield name, term, *encoder.encode(p)


def merged_terms(runs: list[str], memory: Iterator[Record], schema, lengths: dict[str, array]
                 ) -> Iterator[tuple[str, str, Piece]]:
    """Every term's encoded postings, from the runs and the ``memory`` records in docnum
    order (runs were spilled in document order, and ``heapq.merge`` keeps that order on
    ties)."""
    streams = [read_run(path) for path in runs] + [memory]
    key = itemgetter(0, 1)
    merged = heapq.merge(*streams, key=key) if len(streams) > 1 else streams[0]
    encoder: BlockEncoder | None = None
    for (name, term), group in groupby(merged, key=key):
        if encoder is None or encoder.name != name:
            encoder = BlockEncoder(schema[name], lengths.get(name), name)
        yield name, term, _joined(encoder, list(group))


def _joined(encoder: BlockEncoder, records: list[Record]) -> Piece:
    """One term's records of the runs as one piece: postings kept as such are encoded
    together; encoded pieces are joined as they are."""
    if len(records) == 1:  # most terms: in one run only
        _, _, stats, payload = records[0]
        return (stats, payload) if stats is not None else encoder.encode_bytes(*payload)
    pieces: list[Piece] = []
    raw: list[tuple] = []  # consecutive runs' postings, encoded together
    for _, _, stats, payload in records:
        if stats is None:
            raw.append(payload)
            continue
        if raw:
            pieces.append(_encoded(encoder, raw))
            raw = []
        pieces.append((stats, payload))
    if raw:
        pieces.append(_encoded(encoder, raw))
    return pieces[0] if len(pieces) == 1 else join(pieces)


def _encoded(encoder: BlockEncoder, payloads: list[tuple]) -> Piece:
    """Postings of consecutive runs (as bytes) encoded as one."""
    if len(payloads) == 1:
        return encoder.encode_bytes(*payloads[0])
    docs, weights, values, counts, positions = zip(*payloads, strict=True)
    return encoder.encode_bytes(b"".join(docs), b"".join(weights),
                                [v for vs in values for v in vs], b"".join(counts),
                                b"".join(positions))


class TermWriter:
    """Writes whole encoded terms of one field into a ``W3FieldWriter``'s files (the bytes that
    its ``start_term``/``add``/``finish_term`` would write) and into the postings arrays."""

    def __init__(self, writer: W3FieldWriter, arrays: PostingArrays, boost: float) -> None:
        self.postfile = writer._postfile
        self.offset = self.postfile.tell()
        self.tindex = writer._tindex
        self.tindex_at = self.tindex.dbfile.tell()
        self.prefix = pack_ushort(writer._fieldid)
        self.arrays = arrays
        self.boost = boost

    def write(self, tbytes: bytes, piece: Piece) -> None:
        (weight, total, minlength, maxlength, maxweight, first, last), encoded = piece
        data = WHOOSH3_HEADER_MAGIC + encoded[0]
        self.postfile.write(data)
        info = _INFO.pack(
            0, weight, total, length_to_byte(minlength) if minlength is not None else 0,
            length_to_byte(maxlength), maxweight, first, last,
        )
        self._add_term(self.prefix + tbytes, info + pack_long(self.offset) + pack_int(len(data)))
        self.arrays.add(self.offset, piece, self.boost)
        self.offset += len(data)

    def _add_term(self, key: bytes, value: bytes) -> None:
        """``OrderedHashWriter.add``, keeping the file position here: its two ``tell()`` calls
        per term were a sixteenth of writing a segment."""
        t = self.tindex
        if key <= t.lastkey:
            raise ValueError(f"Keys must increase: {t.lastkey!r}..{key!r}")
        record = _HASH_LENGTHS.pack(len(key), len(value)) + key + value
        t.index.append(self.tindex_at)
        t.dbfile.write(record)
        h = t.hashfn(key)
        t.buckets[h & 255].append((h, self.tindex_at))
        t.lastkey = key
        self.tindex_at += len(record)
