"""Whoosh's W3 codec with two costs removed that dominate writing a segment.

- Posting blocks of a few postings (most terms of a news archive occur in few articles) are
  stored without zlib: compressing tens of thousands of tiny pickles took a quarter of a
  commit and saved little. Each block records its own compression, so readers need nothing.
- Field lengths, needed per posting when writing and per hit when scoring (BM25), are read
  from their column once into memory instead of one column lookup per call.

Segments record the codec they were written with, so this class must stay importable.
"""

from __future__ import annotations

import heapq
import os
import pickle
import zlib
from array import array
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
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
from whoosh.filedb.filetables import _lengths as _HASH_LENGTHS
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort, unpack_int
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.analysis import Occurrences
from indexer.schema import ENTITY_FIELDS

# Blocks with fewer postings than this are not compressed.
MIN_COMPRESSED_POSTINGS = 16
# Postings per block (Whoosh's W3 default).
BLOCK_LIMIT = 128
# Terms per pickled chunk of a spilled run: what a merge holds of each run at a time.
RUN_CHUNK = 2000


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

    __slots__ = ("docs", "weights", "values", "counts", "positions")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []
        # Occurrences per posting and their positions, for the postings arrays.
        self.counts = array("I")
        self.positions = array("I")

    @staticmethod
    def of(docs: bytes, weights: bytes, values: list[bytes], counts: bytes, positions: bytes
           ) -> _TermPostings:
        p = _TermPostings.__new__(_TermPostings)
        p.docs, p.weights, p.values = array("I", docs), array("f", weights), values
        p.counts, p.positions = array("I", counts), array("I", positions)
        return p


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
        self._runs: list[str] = []
        self.docs = 0
        self.postings = 0  # postings held in memory (since the last spill)

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
            postings.counts.append(len(found))
            if len(found) == 1:  # most terms occur once in an article
                postings.positions.append(found[0][0])
            else:
                postings.positions.extend([o[0] for o in found])
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
            postings.counts.append(0)
            if vbytes:
                postings.values.append(vbytes)
            self.postings += 1

    def spill(self) -> None:
        """Encode the postings held in memory into posting blocks, write them to a sorted run
        file beside the segment and free them; the segment stays open. ``finish`` joins the
        runs' blocks term by term, so however many spills, the documents end up in one
        segment (one term lookup per segment at search time) and no posting is encoded twice.
        """
        if not self._terms:
            return
        path = os.path.join(self.storage.folder, f"{self.segment.segid}.run{len(self._runs)}")
        self._runs.append(path)
        with open(path, "wb") as f:
            chunk: list[tuple] = []
            for record in self._encoded_terms():
                chunk.append(record)
                if len(chunk) >= RUN_CHUNK:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk = []
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        self.postings = 0

    def _encoded_terms(self) -> Iterator[_Record]:
        """The postings in memory as run records, in the order of the segment's term table
        (field, then term), emptying the memory as it goes: a term with a full block or more
        is encoded into its blocks now, a smaller one kept as postings, so that the merge can
        put it into one block with the term's postings of the other runs."""
        # Python orders str by code point, as Whoosh orders the UTF-8 bytes of terms.
        for name in sorted(self._terms):
            terms = self._terms.pop(name)
            encoder = _BlockEncoder(self.schema[name], self._lengths.get(name))
            for term in sorted(terms):
                p = terms.pop(term)
                if len(p.docs) < encoder.blocklimit:
                    # As bytes: a pickled bytes object costs a copy, a pickled array much more.
                    yield name, term, None, (p.docs.tobytes(), p.weights.tobytes(), p.values,
                                             p.counts.tobytes(), p.positions.tobytes())
                else:
                    yield name, term, *encoder.encode(p)

    def _merged_terms(self) -> Iterator[tuple[str, str, _Piece]]:
        """Every term's encoded postings, from the runs and the memory in docnum order (runs
        were spilled in document order, and ``heapq.merge`` keeps that order on ties).
        Postings kept as such are encoded together; encoded blocks, delta-coded each from
        zero, are joined as they are, clearing the «last block» mark of every piece but the
        final one."""
        streams = [_read_run(path) for path in self._runs] + [self._encoded_terms()]
        key = itemgetter(0, 1)
        merged = heapq.merge(*streams, key=key) if len(streams) > 1 else streams[0]
        encoder: _BlockEncoder | None = None
        for (name, term), group in groupby(merged, key=key):
            if encoder is None or encoder.name != name:
                encoder = _BlockEncoder(self.schema[name], self._lengths.get(name), name)
            records = list(group)
            if len(records) == 1:  # most terms: in one run only
                _, _, stats, payload = records[0]
                yield name, term, (stats, payload) if stats is not None else encoder.encode(
                    _TermPostings.of(*payload))
                continue
            pieces: list[_Piece] = []
            raw: _TermPostings | None = None
            for _, _, stats, payload in records:
                if stats is None:
                    raw = raw or _TermPostings()
                    raw.docs.frombytes(payload[0])
                    raw.weights.frombytes(payload[1])
                    raw.values.extend(payload[2])
                    raw.counts.frombytes(payload[3])
                    raw.positions.frombytes(payload[4])
                    continue
                if raw is not None:
                    pieces.append(encoder.encode(raw))
                    raw = None
                pieces.append((stats, payload))
            if raw is not None:
                pieces.append(encoder.encode(raw))
            yield name, term, pieces[0] if len(pieces) == 1 else _join(pieces)

    def finish(self):
        """Write the postings (joining any spilled runs) and close the segment; returns
        Whoosh's segment object. Terms of ``ARRAY_POSTINGS`` postings or more also go into
        the segment's postings arrays (see ``PostingArrays``)."""
        self._perdoc.close()
        writer = self.codec.field_writer(self.storage, self.segment)
        arrays = PostingArrays(self.storage.folder, self.segment.segid)
        facets: dict[str, tuple[list[str], array, list[bytes]]] = {}
        field_name: str | None = None
        write = None
        try:
            for name, term, piece in self._merged_terms():
                if name != field_name:
                    if field_name is not None:
                        writer.finish_field()
                    field_name = name
                    writer.start_field(name, self.schema[name])
                    write = _TermWriter(writer, arrays).write
                write(term.encode("utf-8"), piece)
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


def _join(pieces: list[_Piece]) -> _Piece:
    """One term's encoded pieces (in docnum order) as one."""
    parts: list[bytes] = []
    docs, weights, rows, offsets = (array("I"), array("f"), array("I"), array("Q"))
    counts, positions = array("I"), array("I")
    row = size = 0
    for i, (stats, (data, last_at, d, w, r, o, c, pos)) in enumerate(pieces):
        if i < len(pieces) - 1:
            block = bytearray(data)
            block[last_at:last_at + 4] = pack_int(-unpack_int(data[last_at:last_at + 4])[0])
            data = block
        parts.append(data)
        docs.frombytes(d)
        weights.frombytes(w)
        counts.frombytes(c)
        positions.frombytes(pos)
        rows.extend(n + row for n in array("I", r))
        offsets.extend(n + size for n in array("Q", o))
        row += stats[1]
        size += len(data)
    stats = [p[0] for p in pieces]
    lengths = [s[2] for s in stats if s[2] is not None]
    joined = (
        sum(s[0] for s in stats), sum(s[1] for s in stats),
        min(lengths) if lengths else None, max(s[3] for s in stats),
        max(s[4] for s in stats), stats[0][5], stats[-1][6],
    )
    return joined, (b"".join(parts), 0, docs.tobytes(), weights.tobytes(), rows.tobytes(),
                    offsets.tobytes(), counts.tobytes(), positions.tobytes())


# A term's stats: (sum of weights, postings, min length or None, max length, max weight, first
# docnum, last docnum).
_Stats = tuple[float, int, int | None, int, float, int, int]
# An encoded term: its stats and (its posting blocks, the offset of the last block's length in
# them, then as bytes its docnums (uint32), weights (float32), where each block starts: the
# row of its first posting (uint32) and its offset in the blocks (uint64), and the number of
# occurrences per posting and their positions (uint32)).
_Piece = tuple[_Stats, tuple[bytes, int, bytes, bytes, bytes, bytes, bytes, bytes]]
# A run's record of one term: (field, term, *piece), or (field, term, None, (docs, weights,
# values, counts, positions)) for a term of less than a block, the arrays as bytes.
_Record = tuple


def _read_run(path: str) -> Iterator[_Record]:
    with open(path, "rb") as f:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk


_INFO = W3TermInfo._struct
# Terms with at least this many postings in a segment also go into its postings arrays.
ARRAY_POSTINGS = 128


class PostingArrays:
    """A segment's frequent terms as plain arrays, beside its Whoosh files: for each term of
    ``ARRAY_POSTINGS`` postings or more, its docnums and weights and where each of its posting
    blocks starts (read with one ``pread`` to match and score, instead of decoding every block
    of a frequent term), then its occurrences per posting and their positions (read when a
    phrase is checked). Only the blocks whose values (character offsets) are needed, for
    snippets and proximity, are decoded.

    ``<segid>.parr`` holds the arrays; ``<segid>.pidx`` one row per term, ordered as the terms'
    postings in the segment: (postings offset, array offset, postings, blocks, positions) as
    int64. The files are optional: a segment without them (written by Whoosh, merged by
    ``index update``) is read through its posting blocks alone."""

    DATA, INDEX = ".parr", ".pidx"
    # The index file starts with this int64: a reader that does not know it ignores the arrays.
    MAGIC = 0x4D55524152520002  # "MURARR", version 2: (…, positions) rows of 5
    COLUMNS = 5

    def __init__(self, folder: str, segid: str) -> None:
        self._data = open(os.path.join(folder, segid + self.DATA), "wb")
        self._index_path = os.path.join(folder, segid + self.INDEX)
        self._rows = array("q", [self.MAGIC])

    def add(self, postings_offset: int, piece: _Piece) -> None:
        stats, (_, _, docs, weights, rows, offsets, counts, positions) = piece
        if stats[1] < ARRAY_POSTINGS:
            return
        self._rows.extend((postings_offset, self._data.tell(), stats[1], len(rows) // 4,
                           len(positions) // 4))
        for part in (docs, weights, rows, offsets, counts, positions):
            self._data.write(part)

    def close(self) -> None:
        self._data.close()
        with open(self._index_path, "wb") as f:
            f.write(self._rows.tobytes())


FACETS = ".facets"


def write_facets(folder: str, segid: str,
                 facets: dict[str, tuple[list[str], array, list[bytes]]]) -> None:
    """``<segid>.facets``: each entity field's values (in term order), the postings of each and
    their docnums (uint32), so that opening the index reads every article's facet values at
    once instead of each value's postings (80,000 values at 100,000 articles: seconds)."""
    data = {name: (values, counts.tobytes(), b"".join(docs))
            for name, (values, counts, docs) in facets.items()}
    with open(os.path.join(folder, segid + FACETS), "wb") as f:
        pickle.dump((FACETS_VERSION, data), f, pickle.HIGHEST_PROTOCOL)


def read_facets(folder: str, segid: str) -> dict[str, tuple[list[str], bytes, bytes]] | None:
    """What ``write_facets`` wrote for a segment; None when it has no such file (a segment
    written by Whoosh, as ``index update`` writes them) or one of another version."""
    path = os.path.join(folder, segid + FACETS)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        version, data = pickle.load(f)
    return data if version == FACETS_VERSION else None


FACETS_VERSION = 1


class _TermWriter:
    """Writes whole encoded terms of one field into a ``W3FieldWriter``'s files (the bytes that
    its ``start_term``/``add``/``finish_term`` would write) and into the postings arrays."""

    def __init__(self, writer: W3FieldWriter, arrays: PostingArrays) -> None:
        self.postfile = writer._postfile
        self.offset = self.postfile.tell()
        self.tindex = writer._tindex
        self.tindex_at = self.tindex.dbfile.tell()
        self.prefix = pack_ushort(writer._fieldid)
        self.arrays = arrays

    def write(self, tbytes: bytes, piece: _Piece) -> None:
        (weight, total, minlength, maxlength, maxweight, first, last), encoded = piece
        data = WHOOSH3_HEADER_MAGIC + encoded[0]
        self.postfile.write(data)
        info = _INFO.pack(
            0, weight, total, length_to_byte(minlength) if minlength is not None else 0,
            length_to_byte(maxlength), maxweight, first, last,
        )
        self._add_term(self.prefix + tbytes, info + pack_long(self.offset) + pack_int(len(data)))
        self.arrays.add(self.offset, piece)
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


class _BlockEncoder:
    """Encodes one term's postings into W3 posting blocks, the bytes ``W3PostingsWriter`` would
    write posting by posting, computed a term at a time (most terms have one short block)."""

    def __init__(self, field, lengths: array | None, name: str = "") -> None:
        self.name = name
        self.blocklimit = BLOCK_LIMIT
        self.level = MuragatCodec()._compression
        self.lengths = lengths
        self.value_size = field.format.fixed_value_size()

    def encode(self, postings: _TermPostings) -> _Piece:
        """The term's postings encoded (see ``_Piece``)."""
        docs, weights, values = postings.docs, postings.weights, postings.values
        total = len(docs)
        parts: list[bytes] = []
        minlength = None
        maxlength = maxweight = 0
        last_at = offset = 0
        rows, offsets = array("I"), array("Q")
        for lo in range(0, total, self.blocklimit):
            hi = min(lo + self.blocklimit, total)
            last_at = offset
            rows.append(lo)
            offsets.append(offset)
            block_min, block_max, block_weight = self._block(
                parts, docs[lo:hi], weights[lo:hi], values[lo:hi], last=hi == total
            )
            offset += len(parts[-3]) + len(parts[-2]) + len(parts[-1])
            if block_min is not None and (minlength is None or block_min < minlength):
                minlength = block_min
            maxlength = max(maxlength, block_max)
            maxweight = max(maxweight, block_weight)
        stats = (sum(weights), total, minlength, maxlength, maxweight, docs[0], docs[-1])
        return stats, (b"".join(parts), last_at, docs.tobytes(), weights.tobytes(),
                       rows.tobytes(), offsets.tobytes(), postings.counts.tobytes(),
                       postings.positions.tobytes())

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
