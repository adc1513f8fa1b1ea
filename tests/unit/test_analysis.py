"""The Russian analyser: forms meet, odd words survive, offsets point at the text."""

from __future__ import annotations

import pickle

import pytest

from indexer.text.analyzer import lemma_analyzer, positions, surface_analyzer
from indexer.text.morphology import LEMMA_MARK, any_form_terms, inflect, lexeme, morph
from indexer.text.normalise import normalise, one_script

ANALYZER = lemma_analyzer()


def terms(text: str) -> list[set[str]]:
    return [set(p) for p in positions(ANALYZER, text)]


def meet(a: str, b: str) -> bool:
    """Would a query word ``a`` find the text word ``b``?"""
    (indexed,) = terms(b)
    return bool(indexed & set(any_form_terms(positions(surface_analyzer(), a)[0][0])))


@pytest.mark.parametrize(
    "query, text",
    [
        ("конституция", "Конституции"),
        ("конституция", "конституцию"),
        ("Конституции", "конституция"),
        ("референдум", "референдуме"),
        ("встреча", "встречах"),
        ("встречах", "встреча"),
        ("Токаев", "Токаева"),
        ("Токаев", "Токаеву"),
        ("Токаева", "Токаев"),
        ("Токаевым", "Токаеву"),
        ("Турлыханов", "Турлыханова"),
        ("Назарбаев", "Назарбаевым"),
        ("Савельева", "Савельевой"),
        ("Савельевой", "Савельеву"),
        ("сталь", "стали"),
        ("стать", "стали"),
    ],
)
def test_inflected_forms_meet(query: str, text: str) -> None:
    assert meet(query, text)


@pytest.mark.parametrize("query, text", [("сталь", "встреча"), ("Токаев", "Назарбаев")])
def test_different_words_do_not_meet(query: str, text: str) -> None:
    assert not meet(query, text)


def test_every_lemma_is_stacked_at_the_word_position() -> None:
    (stali,) = terms("стали")
    assert stali == {"стали", LEMMA_MARK + "сталь", LEMMA_MARK + "стать"}


def test_kazakh_words_survive_untouched() -> None:
    assert terms("Құрылтай Нұрлы жол") == [{"құрылтай"}, {"нұрлы"}, {"жол"}]
    assert any_form_terms("құрылтай") == ("~құрылтай", "құрылтай")


def test_yo_is_e() -> None:
    assert terms("ёлка")[0] == terms("елка")[0]
    assert "ё" not in "".join(terms("Ещё всё")[0] | terms("Ещё всё")[1])


def test_latin_and_numbers() -> None:
    assert terms("KEGOC 2026 COVID-19") == [
        {"kegoc"},
        {"2026"},
        {"covid-19", "covid"},
        {"19"},
    ]


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("Cергей", "сергей"),  # a Latin C
        ("CША", "сша"),
        ("Pacпaxнул", "распахнул"),  # more Latin look-alikes than Cyrillic letters
        ("Католичеcкой", "католической"),
        ("Қазақcтан", "қазақстан"),  # Kazakh letters stay
        ("Тwitter", "twitter"),  # a Cyrillic Т in a Latin word
        ("МI5", "mi5"),
        ("2СaO", "2cao"),
    ],
)
def test_words_typed_in_two_scripts_meet_their_word(typed: str, shown: str) -> None:
    assert normalise(typed) == shown
    assert terms(typed)[0] >= {shown}
    assert len(one_script(typed)) == len(typed)


def test_words_in_one_script_and_odd_words_are_left_alone() -> None:
    for text in ("iPhone", "RTД", "делиjе", "обычный текст", "KEGOC", "a" * 100 + "б"):
        assert one_script(text) == text
        assert normalise(text) == text.lower()


def test_hyphenated_compounds_whole_and_in_parts() -> None:
    stream = terms("Касым-Жомарт Токаев, интернет-ресурс и Нур-Султан")
    assert "касым-жомарт" in stream[0] and "касым" in stream[0]
    assert "жомарт" in stream[1]
    assert "токаев" in stream[2]
    assert "интернет-ресурс" in stream[3] and "интернет" in stream[3]
    assert "ресурс" in stream[4]
    assert "нур-султан" in stream[6] and "султан" in stream[7]


def test_offsets_point_at_the_original_words() -> None:
    text = "Депутаты Мажилиса, Касым-Жомарт Токаев и «Нұрлы жол» — ЁЛКИ."
    seen = []
    for token in ANALYZER(text, positions=True, chars=True):
        original = text[token.startchar : token.endchar].lower().replace("ё", "е")
        if not token.text.startswith(LEMMA_MARK):
            assert original == token.text
            seen.append(original)
    assert seen == [
        "депутаты", "мажилиса", "касым-жомарт", "касым", "жомарт", "токаев", "и",
        "нұрлы", "жол", "елки",
    ]


def test_analyzer_pickles_for_worker_processes() -> None:
    clone = pickle.loads(pickle.dumps(ANALYZER))
    assert [t.text for t in clone("Токаева")] == [t.text for t in ANALYZER("Токаева")]


def test_inflection_over_a_shared_lexeme_is_pymorphy3s_own() -> None:
    """``inflect`` chooses from a lexeme built once per lemma and paradigm: the same form as
    pymorphy3's ``Parse.inflect`` for every parse of these words (dictionary and guessed ones,
    rare cases that need pymorphy3's fix-up, impossible requests)."""
    words = ("казахстана высшую школу национальной гвардии путина москве ростове стали мира "
             "ленинградской областью кремлю людей детьми лучший шли пошёл красивее мармарисе "
             "скрипаля гуджранвале").split()
    wanted = [{"nomn"}, {"nomn", "sing"}, {"nomn", "plur"}, {"gent"}, {"datv", "plur"},
              {"loc2"}, {"gen2"}, {"nomn", "sing", "femn"}, {"ablt"}, {"Cmp2"},
              {"past", "femn"}, {"voct"}]
    compared = 0
    for word in words:
        for parse in morph().parse(word):
            for grammemes in wanted:
                assert inflect(parse, frozenset(grammemes)) == parse.inflect(set(grammemes)), (
                    word, parse.tag, grammemes)
                compared += 1
    assert compared > 500
    # Two forms of one word share one lexeme.
    first, second = morph().parse("казахстана")[0], morph().parse("казахстаном")[0]
    assert lexeme(first) is lexeme(second) is not None
