"""Sorted runs: a segment builder's postings spilled to disk, read back in term order.

A run is a file of pickled chunks of records, in the order of the segment's term table (field,
then term): ``(field, term, *piece)`` for a term encoded at the spill (a full block or more),
``(field, term, None, (docs, weights, values, counts, positions))`` for a smaller one, its
arrays as bytes (a pickled bytes object costs a copy, a pickled array much more).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator

# Terms per pickled chunk of a spilled run: what a merge holds of each run at a time.
RUN_CHUNK = 2000

Record = tuple


def write_run(path: str, records: Iterable[Record]) -> None:
    with open(path, "wb") as f:
        chunk: list[Record] = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= RUN_CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)


def read_run(path: str) -> Iterator[Record]:
    with open(path, "rb") as f:
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            yield from chunk
