"""Sentences as the ranking sees them: word positions numbered as the analyser numbers them."""

from __future__ import annotations

import re

import numpy as np

from indexer.text.sentences import sentence_cuts, sentence_positions, token_starts
from indexer.text.term_table import TermTable
from tests.analysed import occurrences_by_term

TEXTS = (
    "Касым-Жомарт Токаев прибыл в Нур-Султан. «Это важно», — сказал он.\nВ 2019 г. было "
    "что-то ещё: из-за дождя т. е. пробки. Пресс-секретарь сине‑зелёного клуба - молчал!",
    "Без переносов и дефисов. Только слова. И ещё одно предложение?",
    "-- начало с дефиса, конец на дефис -",
    "",
)


def test_token_starts_are_the_analysers_positions() -> None:
    for text in TEXTS:
        starts = token_starts(text)
        for occurrences in occurrences_by_term(text).values():
            for pos, start, _ in occurrences:
                assert starts[pos] == start, (text, pos, start)
        assert len(starts) == (max((p for o in occurrences_by_term(text).values()
                                    for p, _, _ in o), default=-1) + 1)


def test_a_sentences_position_is_its_first_word() -> None:
    text = TEXTS[0]
    positions, chars, counts = sentence_positions(text)
    starts = token_starts(text)
    assert chars[0] == 0 and len(positions) == len(chars) == len(counts) > 3
    for pos, char in zip(positions.tolist(), chars.tolist(), strict=True):
        assert starts[pos] >= char and (pos == 0 or starts[pos - 1] < char)
    cuts, long_words = sentence_cuts(text)
    assert long_words.sum() == len(re.findall(r"\w{4,}", text))
    assert np.array_equal(cuts, chars)


def test_the_analysers_starts_are_token_starts() -> None:
    for text in TEXTS:
        starts = TermTable().analyse(text, starts=True).starts
        assert starts is not None and starts.tolist() == token_starts(text).tolist()
        assert [a.tolist() for a in sentence_positions(text, starts)] == [
            a.tolist() for a in sentence_positions(text)]
