"""Posting values are the bytes Whoosh's own ``Positions`` format writes and reads back."""

from __future__ import annotations

import pickle
import random

import pytest
from whoosh.formats import Positions

from indexer.store.blocks import decode_positions, encode_positions, pickled_ints


@pytest.mark.parametrize("size", [0, 1, 2, 999, 1000, 1001, 2000, 2001, 2500])
def test_pickled_ints_are_pickles_bytes(size: int) -> None:
    rng = random.Random(size)
    for top in (255, 65_535, 70_000, 2**31 - 1):
        values = [rng.randint(0, top) for _ in range(size)]
        assert pickled_ints(values) == pickle.dumps(values, 2)


@pytest.mark.parametrize("positions", [[0], [7], [300], [70_000], [1, 3, 5],
                                       list(range(0, 3000, 2)), [5, 5, 9]])
def test_positions_encoded_as_whoosh_encodes_them(positions: list[int]) -> None:
    occurrences = [(p, 10 * p, 10 * p + 4) for p in positions]
    value = encode_positions(occurrences)
    assert value == Positions().encode(positions)
    assert Positions().decode_positions(value) == positions
    assert decode_positions(value) == positions
