"""The words of one Whoosh generation, read from its segments' term tables once and kept beside
them: ``vocabulary-<generation>.npz``, written by a rebuild or an update before it commits.

Every word as written in titles and bodies (lemma terms left out) with the number of articles
holding it (the larger of title and body, summed over segments), sorted; and, for the
alphabetic words of two letters or more, the candidate groups of the typo search (same length
and first letter, same length and second letter) as sorted keys with the words' order. Opening
it is a read and a split, not a walk over hundreds of thousands of term records in Python: a
searcher's first truncated or misspelt word costs milliseconds, not seconds.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.filedb.filetables import _lengths as _LENGTHS

from indexer.store.schema import TEXT_FIELDS
from indexer.text.morphology import LEMMA_MARK

VERSION = 1
PREFIX = "vocabulary-"
_LETTER_BITS = 21  # a key is length << 21 | a letter's code point


@dataclass
class WordTable:
    """Sorted words with their document frequencies, and the typo-search groups: ``keys`` sorted
    (length << 21 | letter) and ``order`` (the words' indexes in key order), by first and by
    second letter."""

    words: Sequence[str]
    frequencies: np.ndarray
    first_keys: np.ndarray
    first_order: np.ndarray
    second_keys: np.ndarray
    second_order: np.ndarray

    @staticmethod
    def of(words: Sequence[str], frequencies: np.ndarray) -> WordTable:
        """The table of sorted ``words``, its groups computed."""
        n = len(words)
        length = np.fromiter(map(len, words), np.int64, n)
        alpha = np.fromiter(map(str.isalpha, words), bool, n) & (length > 1)
        first = np.zeros(n, np.int64)
        second = np.zeros(n, np.int64)
        picked = np.flatnonzero(alpha).tolist()
        first[alpha] = [ord(words[i][0]) for i in picked]
        second[alpha] = [ord(words[i][1]) for i in picked]
        groups = []
        for letter in (first, second):
            keys = np.where(alpha, (length << _LETTER_BITS) | letter, -1)
            order = np.argsort(keys, kind="stable")
            order = order[keys[order] >= 0]
            groups += [keys[order], order.astype(np.int32)]
        return WordTable(tuple(words), frequencies.astype(np.int32), *groups)

    def group(self, length: int, letter: str, second: bool) -> list[str]:
        """The alphabetic words of ``length`` letters whose first (or second) letter is
        ``letter``, in sorted order."""
        keys, order = ((self.second_keys, self.second_order) if second
                       else (self.first_keys, self.first_order))
        key = (length << _LETTER_BITS) | ord(letter)
        lo, hi = np.searchsorted(keys, [key, key + 1])
        words = self.words
        return [words[i] for i in order[lo:hi].tolist()]


def file_name(generation: int) -> str:
    return f"{PREFIX}{generation}.npz"


def write_vocabulary(folder: str, generation: int, table: WordTable) -> None:
    """Write a generation's vocabulary (atomically: a reader sees all of it or none)."""
    path = os.path.join(folder, file_name(generation))
    blob = np.frombuffer("\n".join(table.words).encode("utf-8"), np.uint8)
    with open(path + ".tmp", "wb") as f:
        np.savez(f, version=np.array([VERSION]), words=blob, frequencies=table.frequencies,
                 first_keys=table.first_keys, first_order=table.first_order,
                 second_keys=table.second_keys, second_order=table.second_order)
    os.replace(path + ".tmp", path)


def read_vocabulary(folder: str, generation: int) -> WordTable | None:
    """The vocabulary of a generation; None when it has none (an index built before the file
    existed) or one of another version."""
    path = os.path.join(folder, file_name(generation))
    if not os.path.exists(path):
        return None
    with np.load(path, allow_pickle=False) as data:
        if int(data["version"][0]) != VERSION:
            return None
        blob = data["words"].tobytes()
        # A tuple: Python's collector walks a list's every item in each full collection.
        words = tuple(blob.decode("utf-8").split("\n")) if blob else ()
        return WordTable(words, data["frequencies"], data["first_keys"], data["first_order"],
                         data["second_keys"], data["second_order"])


def segments_vocabulary(leaves: list) -> WordTable:
    """The vocabulary of segment readers (``[(reader, base)]``), from their term tables."""
    index: dict[str, int] = {}
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    for leaf, _ in leaves:
        words: list[str] = []
        counts: list[np.ndarray] = []
        for fieldname in TEXT_FIELDS:
            found, df = _field_words(leaf, fieldname)
            words += found
            counts.append(df)
        ids = np.fromiter((index.setdefault(w, len(index)) for w in words), np.int64, len(words))
        parts.append((ids, np.concatenate(counts)))
    # In a segment a word's articles are the larger of its title and body counts (an article
    # usually holds a title word in its body too); segments hold different articles: summed.
    frequencies = np.zeros(len(index), np.int64)
    for ids, df in parts:
        segment = np.zeros(len(index), np.int64)
        np.maximum.at(segment, ids, df)
        frequencies += segment
    words = sorted(index)
    return WordTable.of(words, frequencies[[index[w] for w in words]])


_INDEX_TYPES = {"B": "u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}


def _field_words(leaf, fieldname: str) -> tuple[list[str], np.ndarray]:
    """The words of one field of a segment's term table (lemma terms left out) and their
    document frequencies, taken apart with numpy rather than term by term through Whoosh: each
    record is two lengths (``!ii``), the key (field number ``!H`` and term) and the term info
    (the document frequency is its third item, ``!BfI…``)."""
    terms = leaf._terms
    table = terms._tindex
    if fieldname not in terms._fieldmap or not table.indexlen:
        return [], np.zeros(0, np.int64)
    dtype = np.dtype(_INDEX_TYPES[table.extras["indextype"]])
    starts = np.frombuffer(table.dbfile.get(table.indexbase, table.indexlen * table.indexsize),
                           dtype).astype(np.int64) - table.startofdata
    blob = table.dbfile.get(table.startofdata, table.endofdata - table.startofdata)
    data = np.frombuffer(blob, np.uint8)
    keylen = _int(data, starts, 4)
    key = starts + _LENGTHS.size
    keep = (_int(data, key, 2) == terms._fieldmap[fieldname]) & (keylen > 2)
    keep[keep] = data[key[keep] + 2] != ord(LEMMA_MARK)
    key, keylen = key[keep], keylen[keep]
    frequency = _int(data, key + keylen + 5, 4)
    # Sliced word by word: a gather of every byte at once took 8 bytes of index per byte.
    words = [blob[lo:hi].decode("utf-8")
             for lo, hi in zip((key + 2).tolist(), (key + keylen).tolist(), strict=True)]
    return words, frequency


def _int(data: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """The big-endian unsigned integers of ``size`` bytes at the offsets ``at``."""
    out = np.zeros(len(at), np.int64)
    for i in range(size):
        out = (out << 8) | data[at + i]
    return out


def write_segments_vocabulary(storage, schema, segments: list, generation: int) -> None:
    """Write the vocabulary of a generation made of ``segments`` (committed or not yet)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    # Without mmap: Whoosh reads a mapped compound segment's postings and term files through
    # BytesIO, which copies them whole (1.4 GB of a 100,000-article rebuild's main process);
    # unmapped, only the term tables read here are read.
    storage = FileStorage(storage.folder, supports_mmap=False, readonly=True)
    readers = [SegmentReader(storage, schema, segment) for segment in segments]
    try:
        table = segments_vocabulary([(reader, 0) for reader in readers])
    finally:
        for reader in readers:
            reader.close()
    write_vocabulary(storage.folder, generation, table)
