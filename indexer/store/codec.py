"""Whoosh's W3 codec with two costs removed that dominate writing and scoring.

- Posting blocks of a few postings (most terms of a news archive occur in few articles) are
  stored without zlib: compressing tens of thousands of tiny pickles took a quarter of a
  commit and saved little. Each block records its own compression, so readers need nothing.
- Field lengths, needed per posting when writing and per hit when scoring (BM25), are read
  from their column once into memory instead of one column lookup per call.

Segments record the codec they were written with (pickled by import path): indexes built
before the ``store`` package name ``indexer.codec.MuragatCodec``, which stays importable.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3PerDocReader,
    W3PostingsWriter,
    _lenfield,
)
from whoosh.util.numeric import byte_to_length

# Blocks with fewer postings than this are not compressed.
MIN_COMPRESSED_POSTINGS = 16
# A field length as stored (a byte) → the length it stands for; None for byte 0.
LENGTH_OF_BYTE = [byte_to_length(b) if b else None for b in range(256)]


class _PostingsWriter(W3PostingsWriter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._level: int = self._compression

    def _write_block(self, last: bool = False) -> None:
        self._compression = self._level if len(self._ids) >= MIN_COMPRESSED_POSTINGS else 0
        super()._write_block(last)


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
        return LENGTH_OF_BYTE[lengths[docnum]]


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
