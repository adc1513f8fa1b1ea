"""One value per entity across the archive (``indexer.entities.archive``): which values go into
another, decided from the articles that hold each."""

from __future__ import annotations

from indexer.entities.archive import merge_values


def persons(counts: dict[str, int], attested: set[str] | None = None) -> dict[str, str]:
    return merge_values({"persons": counts}, {"persons": attested or set()})["persons"]


def test_a_surname_alone_goes_to_the_one_full_name() -> None:
    merge = persons({"Владимир Путин": 100, "Путин": 30, "Путина": 12, "В. Путин": 3,
                     "В.В. Путин": 1, "Барак Обама": 22, "Обама": 9})
    assert merge == {"Путин": "Владимир Путин", "Путина": "Владимир Путин",
                     "В. Путин": "Владимир Путин", "В.В. Путин": "Владимир Путин",
                     "Обама": "Барак Обама"}


def test_a_surname_two_people_share_stays_unless_one_dominates() -> None:
    merge = persons({"Барак Обама": 22, "Мишель Обама": 20, "Обама": 9,
                     "Юрий Иванов": 5, "Игорь Иванов": 5, "Иванов": 4,
                     "Анна Собчак": 1, "Ксения Собчак": 40, "Собчак": 7})
    assert "Обама" not in merge and "Иванов" not in merge
    assert merge["Собчак"] == "Ксения Собчак"  # 40 of 41 articles: one person
    # An initial picks among them: «И. Иванов» is Игорь's.
    merge = persons({"Юрий Иванов": 5, "Игорь Иванов": 5, "И. Иванов": 2})
    assert merge == {"И. Иванов": "Игорь Иванов"}


def test_forms_of_one_full_name_go_to_the_common_or_the_written_one() -> None:
    merge = persons({"Анастасия Ракова": 12, "Анастасий Раков": 3,
                     "Александр Иванов": 10, "Александра Иванова": 8,
                     "Криштиану Роналд": 9, "Криштиану Роналду": 4},
                    attested={"Анастасия Ракова", "Александр Иванов", "Александра Иванова",
                              "Криштиану Роналду"})
    assert merge["Анастасий Раков"] == "Анастасия Ракова"
    assert "Александра Иванова" not in merge and "Александр Иванов" not in merge
    # No text writes «Криштиану Роналд»: the rules made it of «Криштиану Роналду».
    assert merge["Криштиану Роналд"] == "Криштиану Роналду"


def test_a_family_is_not_one_of_its_members() -> None:
    assert persons({"Николай Романов": 10, "Романовых": 3}) == {}


def test_organisations_and_places_in_another_case_or_spelling() -> None:
    merge = merge_values({"organisations": {"Медуза": 94, "Медузы": 25, "ООН": 40, "Оон": 2,
                                            "ВГИК": 3, "Вгик": 3},
                          "locations": {"Нью-Йорк": 30, "Нью-Йорка": 2, "Москва": 50}})
    assert merge["organisations"] == {"Медузы": "Медуза", "Оон": "ООН", "Вгик": "ВГИК"}
    assert merge["locations"] == {"Нью-Йорка": "Нью-Йорк"}
