"""Whoosh's W3 codec with two costs removed that dominate writing a segment.

- Posting blocks of a few postings (most terms of a news archive occur in few articles) are
  stored without zlib: compressing tens of thousands of tiny pickles took a quarter of a
  commit and saved little. Each block records its own compression, so readers need nothing.
- Field lengths, needed per posting when writing and per hit when scoring (BM25), are read
  from their column once into memory instead of one column lookup per call.

Segments record the codec they were written with, so this class must stay importable.
"""

from __future__ import annotations

import zlib
from array import array
from pickle import dumps

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PerDocReader,
    W3PostingsWriter,
    W3TermInfo,
    _lenfield,
)
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.analysis import Occurrences

# Blocks with fewer postings than this are not compressed.
MIN_COMPRESSED_POSTINGS = 16


class _PostingsWriter(W3PostingsWriter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._level = self._compression

    def _write_block(self, last: bool = False) -> None:
        self._compression = self._level if len(self._ids) >= MIN_COMPRESSED_POSTINGS else 0
        super()._write_block(last)


_LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


class _PerDocReader(W3PerDocReader):
    def _cached_reader(self, fieldname, column):
        reader = super()._cached_reader(fieldname, column)
        if column is LENGTHS_COLUMN and reader is not None and not isinstance(reader, bytes):
            reader = self._readers[fieldname] = bytes(reader)
        return reader

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._readers.get(_lenfield(fieldname))
        if lengths is None:
            lengths = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if lengths is None:
                return default
        return _LENGTH_OF_BYTE[lengths[docnum]]


class MuragatCodec(W3Codec):
    """The W3 codec, with the two changes above."""

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)


_ONE = pack_uint(1)


def encode_characters(occurrences: list[tuple[int, int, int]]) -> bytes:
    """A posting value in Whoosh's ``Characters`` format (same bytes as its ``encode``)."""
    if len(occurrences) == 1:  # most terms occur once in a document
        pos, start, end = occurrences[0]
        return _ONE + dumps([(pos, start, end - start)], 2)
    deltas = []
    posbase = charbase = 0
    for pos, start, end in occurrences:
        deltas.append((pos - posbase, start - charbase, end - start))
        posbase = pos
        charbase = end
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class _TermPostings:
    """One term's postings in a segment being built, in document order."""

    __slots__ = ("docs", "weights", "values")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class SegmentBuilder:
    """Writes one segment of documents whose text fields are already analysed.

    Whoosh's ``SegmentWriter`` puts every posting through a sorting pool and then through
    ``add_postings`` one at a time; here a document's postings go straight into per-term lists
    (documents arrive in docnum order, so the lists need no sorting), and each term's lists are
    written out in whole blocks. The files are the same W3 segment files, block by block.
    """

    def __init__(self, storage, indexname: str, schema, codec: MuragatCodec) -> None:
        self.storage = storage
        self.schema = schema
        self.codec = codec
        self.segment = codec.new_segment(storage, indexname)
        self._perdoc = codec.per_document_writer(storage, self.segment)
        self._terms: dict[str, dict[str, _TermPostings]] = {}
        self._lengths: dict[str, array] = {}
        self.docs = 0
        self.postings = 0

    def add(self, fields: dict, analysed: dict[str, Occurrences]) -> None:
        """Add a document: ``fields`` as for ``IndexWriter.add_document``, with the occurrences
        of the text fields that are keys of ``analysed``."""
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
        self.docs += 1

    def _add_text(self, name: str, field, docnum: int, occurrences: Occurrences) -> int:
        terms = self._terms.setdefault(name, {})
        boost = field.format.field_boost
        length = 0
        for term, found in occurrences.items():
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = _TermPostings()
            postings.docs.append(docnum)
            postings.weights.append(len(found) * boost)
            postings.values.append(encode_characters(found))
            length += len(found)
        self.postings += len(occurrences)
        if field.scorable:
            # The length the postings writer is given is the one read back from the lengths
            # column, quantised to a byte (and none for byte 0: ``_PerDocReader``).
            lengths = self._lengths.setdefault(name, array("I"))
            lengths.extend(bytes(docnum - len(lengths)))
            lengths.append(_LENGTH_OF_BYTE[length_to_byte(length)] or 0)
        return length

    def _add_items(self, name: str, docnum: int, items) -> None:
        terms = self._terms.setdefault(name, {})
        for tbytes, _, weight, vbytes in items:
            term = tbytes.decode("utf-8")
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = _TermPostings()
            postings.docs.append(docnum)
            postings.weights.append(weight)
            if vbytes:
                postings.values.append(vbytes)
            self.postings += 1

    def finish(self):
        """Write the postings and close the segment; returns Whoosh's segment object."""
        self._perdoc.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        for name in sorted(self._terms):
            field = self.schema[name]
            writer.start_field(name, field)
            terms = self._terms.pop(name)
            write = _TermWriter(writer, field, self._lengths.get(name)).write
            # Python orders str by code point, as Whoosh orders the UTF-8 bytes of terms.
            for term in sorted(terms):
                write(term.encode("utf-8"), terms[term])
            writer.finish_field()
        writer.close()
        self.segment.set_doc_count(self.docs)
        self.segment.create_compound_file(self.storage)
        return self.segment


_INFO = W3TermInfo._struct


class _TermWriter:
    """Writes whole terms of one field into a ``W3FieldWriter``'s files: the bytes that its
    ``start_term``/``add``/``finish_term`` (W3PostingsWriter, W3TermInfo) would write, posting
    by posting, computed a term at a time (most terms of a segment have one short block)."""

    def __init__(self, writer: W3FieldWriter, field, lengths: array | None) -> None:
        self.postfile = writer._postfile
        self.offset = self.postfile.tell()
        self.tindex = writer._tindex
        self.prefix = pack_ushort(writer._fieldid)
        codec = MuragatCodec()
        self.blocklimit = codec._blocklimit
        self.level = codec._compression
        self.lengths = lengths
        self.value_size = field.format.fixed_value_size()

    def write(self, tbytes: bytes, postings: _TermPostings) -> None:
        docs, weights, values = postings.docs, postings.weights, postings.values
        total = len(docs)
        parts = [WHOOSH3_HEADER_MAGIC]
        minlength = None
        maxlength = maxweight = 0
        for lo in range(0, total, self.blocklimit):
            hi = min(lo + self.blocklimit, total)
            block_min, block_max, block_weight = self._block(
                parts, docs[lo:hi], weights[lo:hi], values[lo:hi], last=hi == total
            )
            if block_min is not None and (minlength is None or block_min < minlength):
                minlength = block_min
            maxlength = max(maxlength, block_max)
            maxweight = max(maxweight, block_weight)
        data = b"".join(parts)
        self.postfile.write(data)
        info = _INFO.pack(
            0, sum(weights), total, length_to_byte(minlength) if minlength is not None else 0,
            length_to_byte(maxlength), maxweight, docs[0], docs[-1],
        )
        self.tindex.add(self.prefix + tbytes, info + pack_long(self.offset) + pack_int(len(data)))
        self.offset += len(data)

    def _block(
        self, parts: list[bytes], ids: array, weights: array, values: list[bytes], last: bool
    ) -> tuple[int | None, int, float]:
        """Append one block's bytes to ``parts``; its min and max length and max weight."""
        minlength = None
        maxlength = 0
        if self.lengths is not None:
            known = [n for n in map(self.lengths.__getitem__, ids) if n]
            if known:
                minlength, maxlength = min(known), max(known)
        maxweight = max(weights)
        if maxweight == 1.0 and min(weights) == 1.0:
            mini_weights = None
        elif min(weights) == maxweight:
            mini_weights = weights[0]
        else:
            mini_weights = tuple(weights)
        data = dumps((_deltas(ids), mini_weights, self._mini_values(values)), 2)
        comp = self.level if len(ids) >= MIN_COMPRESSED_POSTINGS else 0
        if comp:
            data = zlib.compress(data, comp)
        info = dumps(
            (len(ids), ids[-1], maxweight, comp, length_to_byte(minlength),
             length_to_byte(maxlength)),
            2,
        )
        size = len(info) + len(data)
        parts += (pack_int(-size if last else size), info, data)
        return minlength, maxlength, maxweight

    def _mini_values(self, values: list[bytes]) -> tuple[bytes, ...] | bytes | None:
        """As ``W3PostingsWriter._mini_values``: fixed-size values joined, empty ones left out."""
        if self.value_size is None or self.value_size < 0:
            return tuple(values)
        return b"".join(values) if self.value_size else None


def _deltas(ids: array) -> tuple[int, ...]:
    base = 0
    out = []
    for n in ids:
        out.append(n - base)
        base = n
    return tuple(out)
