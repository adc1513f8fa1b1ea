"""Posting values are the bytes their Whoosh format (``Positions``, our ``PositionDeltas``)
writes and reads back."""

from __future__ import annotations

import pickle
import random

import pytest
from whoosh.formats import Positions

from indexer.store.blocks import (
    decode_positions,
    encode_delta_positions,
    encode_positions,
    pickled_ints,
    positions_decoder,
    value_encoder,
)
from indexer.store.formats import PositionDeltas, decode_deltas


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


@pytest.mark.parametrize("positions", [[0], [7], [127], [128], [300], [70_000], [2**31 - 1],
                                       [1, 3, 5], [0, 128, 129, 20_000, 2**20],
                                       list(range(0, 3000, 2)), [5, 5, 9]])
def test_position_deltas_read_back_by_whoosh(positions: list[int]) -> None:
    """Our value for the occurrences is what ``PositionDeltas`` encodes, and Whoosh's reading
    of it (positions, frequency, weight with the boost) gives back what went in."""
    fmt = PositionDeltas(field_boost=2.5)
    value = encode_delta_positions([(p, 10 * p, 10 * p + 4) for p in positions])
    assert value == fmt.encode(positions)
    assert fmt.decode_positions(value) == decode_deltas(value) == positions
    assert fmt.decode_frequency(value) == len(positions)
    assert fmt.decode_weight(value) == 2.5 * len(positions)
    assert fmt.decode_as("positions", value) == positions
    assert len(value) <= len(Positions().encode(positions)) - 8


def test_position_deltas_combine_and_decoders_follow_the_format() -> None:
    fmt = PositionDeltas()
    assert fmt.decode_positions(fmt.combine([fmt.encode([1, 9]), fmt.encode([4, 9, 300])])) == [
        1, 4, 9, 300]
    assert positions_decoder(fmt)(fmt.encode([3, 200])) == [3, 200]
    assert positions_decoder(Positions())(Positions().encode([3, 200])) == [3, 200]
    assert value_encoder(fmt) is encode_delta_positions
    assert value_encoder(Positions()) is encode_positions
