"""One value per entity across a real index: the entity book a rebuild and an update write,
the merged facets and filters of the search, and the entity pages over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import rebuild, update
from indexer.search import Searcher, SearchRequest
from indexer.search.view import IndexView
from indexer.store import generations
from indexer.store.entity_book import book_file
from web import create_app

ARTICLES = {
    "a1": ("2019-01-10", "Президент России Владимир Путин провёл совещание в Москве. "
                         "Путин заявил, что работа продолжится."),
    "a2": ("2019-02-11", "Во вторник Путин подписал указ. Об этом сообщил пресс-секретарь "
                         "президента Дмитрий Песков."),
    "a3": ("2019-02-20", "Как заявил Путин на встрече с журналистами, решение уже принято."),
    "a4": ("2019-03-05", "Барак Обама выступил с речью в Вашингтоне."),
    "a5": ("2019-03-06", "На вопросы журналистов в Белом доме ответил Обама."),
    "a6": ("2019-03-07", "В операции участвовал начальник УНК ГУ МВД по Москве Юрий Девяткин. "
                         "Девяткин рассказал о задержании."),
}


def write(archive: Path, items: dict[str, tuple[str, str]]) -> None:
    archive.mkdir(parents=True, exist_ok=True)
    for name, (date, text) in items.items():
        (archive / f"{name}.txt").write_text(f"date {date}\ntitle {name}\n\n{text}\n",
                                             encoding="utf-8")


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("book")
    write(base / "archive", ARTICLES)
    index = base / "instance" / "index"
    rebuild(base / "archive", index, workers=2, entities=True)
    return index


def view_of(index: Path) -> IndexView:
    build = generations.target(index)
    assert build is not None
    return IndexView(build, "test")


def test_the_rebuild_writes_a_book_the_view_applies(index: Path) -> None:
    view = view_of(index)
    assert view.book is not None
    assert (view.build / book_file(view.reader.generation())).exists()
    persons = view.facets["persons"]
    assert "Владимир Путин" in persons.values and "Путин" not in persons.values
    assert view.book.merge["persons"]["Путин"] == "Владимир Путин"
    assert "Барак Обама" in persons.values and "Обама" not in persons.values
    counts = dict(zip(persons.values, persons.counts(view.alive).tolist(), strict=True))
    assert counts["Владимир Путин"] == 3 and counts["Барак Обама"] == 2
    view.close()


def test_person_query_and_filter_match_every_value_of_the_person(index: Path) -> None:
    searcher = Searcher(index)
    for req in (SearchRequest(q="person:путин"), SearchRequest(persons=["Путин"]),
                SearchRequest(persons=["Владимир Путин"])):
        result = searcher.search(req)
        assert result.total == 3, req
        chips = {p for hit in result.hits for p in hit.persons}
        assert "Владимир Путин" in chips and "Путин" not in chips
    said = searcher.search(SearchRequest(q="person:путин")).value_matches
    assert said == [{"field": "persons", "value": "путин", "matched": ["Владимир Путин"]}]
    # Asked by its own name, the value is not announced.
    assert searcher.search(SearchRequest(persons=["Владимир Путин"])).value_matches == []


def test_entity_page_and_its_json_twin(index: Path) -> None:
    client = create_app({"INDEX": str(index)}).test_client()
    data = client.get("/api/entities/person/Владимир Путин").get_json()
    assert data["articles"] == 3
    assert [m["key"] for m in data["months"]] == ["2019-01", "2019-02"]
    assert data["first_mention"] == "2019-01-10" and data["last_mention"] == "2019-02-20"
    assert {"Путин", "Владимир Путин"} <= {f["form"] for f in data["forms"]}
    assert "Путин" in data["merged_values"]
    assert {"value": "Дмитрий Песков", "count": 1} in data["related"]["persons"]
    assert [h["id"] for h in data["latest"]] == ["a3", "a2", "a1"]
    merged = client.get("/entities/person/Путин")
    assert merged.status_code == 302 and "/entities/person/" in merged.headers["Location"]
    assert client.get("/api/entities/person/Путин").get_json()["name"] == "Владимир Путин"
    page = client.get("/entities/person/Владимир Путин").get_data(as_text=True)
    assert "Упоминается в" in page and "Дмитрий Песков" in page and "президент России" in page
    assert client.get("/entities/person/Никто Никтоев").status_code == 404
    assert client.get("/api/entities/person/Никто Никтоев").status_code == 404
    assert client.get("/entities/nobody/Путин").status_code == 400


def test_which_police_officers_are_mentioned(index: Path) -> None:
    client = create_app({"INDEX": str(index)}).test_client()
    found = client.get("/api/entities", query_string={"q": "МВД", "kind": "person"}).get_json()
    assert found["entities"]["persons"] == [
        {"value": "Юрий Девяткин", "count": 1, "post": "начальник УНК ГУ МВД по Москве"}]
    facet = client.get("/api/search", query_string={"q": "задержании"}).get_json()
    assert {"value": "Юрий Девяткин", "count": 1,
            "post": "начальник УНК ГУ МВД по Москве"} in facet["facets"]["persons"]
    page = client.get("/entities", query_string={"q": "мвд"}).get_data(as_text=True)
    assert "Юрий Девяткин" in page and "начальник УНК ГУ МВД по Москве" in page


def test_an_update_writes_the_book_of_its_generation(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write(archive, dict(list(ARTICLES.items())[:3]))
    index = tmp_path / "instance" / "index"
    rebuild(archive, index, workers=1, entities=True)
    write(archive, {"a7": ("2019-04-01", "В понедельник Путин встретился с губернатором.")})
    update(archive, index, workers=1, entities=True)
    view = view_of(index)
    generation = view.reader.generation()
    assert (view.build / book_file(generation)).exists()
    persons = view.facets["persons"]
    counts = dict(zip(persons.values, persons.counts(view.alive).tolist(), strict=True))
    assert counts["Владимир Путин"] == 4 and "Путин" not in counts
    view.close()
    write(archive, {"a8": ("2019-04-02", "В среду Путин прибыл в Казань.")})
    update(archive, index, workers=1, entities=True)
    build = generations.target(index)
    assert build is not None
    books = sorted(p.name for p in build.iterdir() if p.suffix == ".book")
    assert books == [book_file(generation), book_file(generation + 1)]
