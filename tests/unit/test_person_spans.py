"""Person spans fixed with the article as evidence (``indexer.entities.person_spans``): the
model's spans are given, as it gives them on such texts; the clean-up, real pymorphy3 and the
normaliser run on them."""

from __future__ import annotations

import pytest

from indexer.entities import Mention, canonicalise, clean_spans, facets


def _values(text: str, spans: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Facet values of ``text`` from model spans given as (kind, surface), found in order."""
    mentions, pos = [], 0
    for kind, surface in spans:
        start = text.index(surface, pos)
        mentions.append(Mention(kind, start, start + len(surface)))
        pos = start + 1
    return facets(canonicalise(text, clean_spans(text, mentions)))


def test_a_sentences_first_noun_is_no_first_name() -> None:
    text = ("Актёр Джеймс Гандольфини умер в Риме. Карьера Гандольфини началась в театре.\n\n"
            "Идеи Гандольфини о роли обсуждали долго.")
    found = _values(text, [("PER", "Джеймс Гандольфини"), ("PER", "Карьера Гандольфини"),
                           ("PER", "Идеи Гандольфини")])
    assert found["PER"] == ["Джеймс Гандольфини"]


def test_a_noun_that_is_a_first_name_stays() -> None:
    """«Лес Хинтон»: the article gives Хинтон no other first word (an initial is none)."""
    text = "Лес Хинтон ушёл в отставку. Л. Хинтон руководил компанией."
    found = _values(text, [("PER", "Лес Хинтон"), ("PER", "Л. Хинтон")])
    assert "Лес Хинтон" in found["PER"]


def test_two_persons_in_one_span_are_split() -> None:
    text = ("На фото Рафаэль Корреа Эдвард Сноуден\n\nЭдвард Сноуден попросил убежища. "
            "Президент Рафаэль Корреа ответил. После конфликта с премьером Шпидла Руснок ушёл. "
            "Владимир Шпидла и Иржи Руснок не комментируют.")
    found = _values(text, [
        ("PER", "Рафаэль Корреа Эдвард Сноуден"), ("PER", "Эдвард Сноуден"),
        ("PER", "Рафаэль Корреа"), ("PER", "Шпидла Руснок"), ("PER", "Владимир Шпидла"),
        ("PER", "Иржи Руснок")])
    assert sorted(found["PER"]) == ["Владимир Шпидла", "Иржи Руснок", "Рафаэль Корреа",
                                    "Эдвард Сноуден"]


def test_a_double_surname_is_not_split() -> None:
    text = "Посол Александра Холл Холл прибыла в Тбилиси. Холл вручила грамоты."
    found = _values(text, [("PER", "Александра Холл Холл"), ("PER", "Холл")])
    assert found["PER"] == ["Александра Холл Холл"]


@pytest.mark.parametrize(
    ("text", "spans", "name"),
    [
        ("В машине находилась Юлдашева Кристина Камиловна.",
         [("PER", "Юлдашева"), ("PER", "Кристина Камиловна")], "Юлдашева Кристина Камиловна"),
        ("Памяти Андрияна Григорьевича Николаева посвятили вечер.",
         [("PER", "Андрияна Григорьевича"), ("PER", "Николаева")],
         "Андриян Григорьевич Николаев"),
        ("Он сын графини Прасковьи Дмитриевны Шереметевой.",
         [("PER", "Прасковьи"), ("PER", "Дмитриевны Шереметевой")],
         "Прасковья Дмитриевна Шереметева"),
        ("Он сын графини Прасковьи Дмитриевны Шереметевой.",
         [("LOC", "Прасковьи"), ("PER", "Дмитриевны Шереметевой")],
         "Прасковья Дмитриевна Шереметева"),
    ],
)
def test_a_surname_joins_the_first_name_and_patronymic_beside_it(
        text: str, spans: list[tuple[str, str]], name: str) -> None:
    assert _values(text, spans)["PER"] == [name]


def test_persons_in_other_cases_are_not_joined() -> None:
    text = "Сторонники Виктора Януковича Кернес и Добкин пришли."
    found = _values(text, [("PER", "Виктора Януковича"), ("PER", "Кернес")])
    assert sorted(found["PER"]) == ["Виктор Янукович", "Кернес"]


def test_an_adjective_of_a_place_is_no_name() -> None:
    text = "Герцог Кембриджский прибыл. Принц-регент Баварский Луитпольд правил долго."
    found = _values(text, [("PER", "Кембриджский"), ("PER", "Баварский Луитпольд")])
    assert found["PER"] == ["Луитпольд"]


def test_short_syllables_of_a_korean_name_are_kept() -> None:
    """«Пан» is a noun (sir) that heads no Russian name, but it is Ban Ki-moon's surname."""
    text = "Нынешний генсек Пан Ги Мун сложит полномочия."
    assert _values(text, [("PER", "Пан Ги Мун")])["PER"] == ["Пан Ги Мун"]


def test_a_wiki_links_target_is_dropped() -> None:
    text = "Соперник лидера страны Уго|Уго Чавеса проиграл."
    assert _values(text, [("PER", "Уго|Уго Чавеса")])["PER"] == ["Уго Чавес"]


def test_a_country_before_a_monarch_is_a_place() -> None:
    text = "Король Руанды Кигели V Ндахиндурва умер. Его отец правил Руандой."
    found = _values(text, [("PER", "Руанды Кигели V Ндахиндурва")])
    assert "Руанда" in found["LOC"]
    assert all("Руанд" not in name for name in found["PER"])
    text = "Нил Уолис (Neil Wallis) работал в газете."  # «Нил» is a river and a first name
    assert _values(text, [("PER", "Нил Уолис (Neil Wallis)")])["LOC"] == []


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("Новый глава GM сменил своего предшественника Фрица Хендерсона.",
         "Фрица Хендерсона", "Фриц Хендерсон"),
        ("Кроме Эмира Кустурицы этим же указом наградили других.",
         "Эмира Кустурицы", "Эмир Кустурица"),
    ],
)
def test_a_capitalised_common_noun_in_mid_sentence_is_the_names_own(
        text: str, span: str, name: str) -> None:
    """«фриц», «эмир» are nouns for persons too; only where a sentence starts is such a
    capitalised word a descriptor to strip («Племянник Алишера Усманова»)."""
    assert _values(text, [("PER", span)])["PER"] == [name]


def test_a_descriptor_that_starts_a_sentence_is_stripped() -> None:
    text = "Племянник Алишера Усманова разбился в ДТП."
    assert _values(text, [("PER", "Племянник Алишера Усманова")])["PER"] == ["Алишер Усманов"]


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        ("О своей беременности Уильямс-младшая объявила 19 апреля.",
         "Уильямс-младшая", "Уильямс-младшая"),
        ("Его называли главным конкурентом Лукашенко-старшего.",
         "Лукашенко-старшего", "Лукашенко-старший"),
        ("Он служил в администрации Джорджа Буша-младшего.",
         "Джорджа Буша-младшего", "Джордж Буш-младший"),
        ("Согласно этой версии, Лукашенко-младший лоббировал назначение.",
         "Лукашенко-младший", "Лукашенко-младший"),
    ],
)
def test_junior_and_senior_agree_with_the_name(text: str, span: str, name: str) -> None:
    """«-младший», «-старший» are kept (their lower case is no sign of noise) and put into
    the nominative as the adjectives they are, in the name's gender."""
    assert _values(text, [("PER", span)])["PER"] == [name]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("У неё была диагностирована болезнь Паркинсона.", "Паркинсона"),
        ("Он умер после долгой борьбы с болезнью Альцгеймера.", "Альцгеймера"),
        ("В Татарстане клан Шаймиевых расширяет влияние.", "Шаймиевых"),
        ("Семья Бекхэмов на данный момент проживает в Лондоне.", "Бекхэмов"),
        ("Б.Обама охарактеризовал Дж.Коми как профессионала.", "Дж"),
        ("Кандидатке на пост президента отказали в регистрации.", "Кандидатке"),
    ],
)
def test_a_disease_a_family_and_a_cut_initial_are_no_persons(text: str, span: str) -> None:
    assert _values(text, [("PER", span)]).get("PER", []) == []


def test_a_persons_family_keeps_the_person() -> None:
    text = "Президент встретился с семьей Нельсона Манделы. Семья Манделы поблагодарила его."
    found = _values(text, [("PER", "Нельсона Манделы"), ("PER", "Манделы")])
    assert found["PER"] == ["Нельсон Мандела"]


def test_invisible_characters_are_no_part_of_a_value() -> None:
    """A soft hyphen or a zero-width space inside or beside a name makes no other value."""
    text = "Президент Тамер\u00adлан Иванов прибыл. Тамерлан Иванов\u200b уехал."
    found = _values(text, [("PER", "Тамер\u00adлан Иванов"), ("PER", "Тамерлан Иванов\u200b")])
    assert found["PER"] == ["Тамерлан Иванов"]


def test_a_surname_that_is_a_dictionary_word_keeps_its_full_name() -> None:
    """«Соболь» is an animal too: merged into the article's full name, every mention counts."""
    text = "Любовь Соболь пришла в штаб. Позже Соболь заявила, что не уйдёт."
    mentions = [Mention("PER", 0, 13)]
    at = text.index("Соболь заявила")
    mentions.append(Mention("PER", at, at + 6))
    named = canonicalise(text, clean_spans(text, mentions))
    assert [(text[e.start:e.end], e.name) for e in named] == [
        ("Любовь Соболь", "Любовь Соболь"), ("Соболь", "Любовь Соболь")]
