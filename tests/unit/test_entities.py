"""Entity extraction with the real slovnet model: the Kazpravda article, normalisation, cache."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from indexer import entities
from indexer.entities import Mention, canonicalise, extract, extract_many, facets
from indexer.entities.cache import EntityCache, extract_many_cached
from indexer.entities.chunks import MAX_CHUNK_CHARS, chunks
from indexer.records import Entity

ROOT = Path(__file__).resolve().parents[2]
KAZPRAVDA_NAME = "2026-03-05-kazpravda-constitution-meetings.txt"
KAZPRAVDA_PLACES = [
    ROOT / "archive" / "kazpravda" / "2026",
    ROOT.parent / "shared" / "corpora" / "kazpravda_sample",
]


def _kazpravda() -> str:
    for folder in KAZPRAVDA_PLACES:
        path = folder / KAZPRAVDA_NAME
        if path.exists():
            return path.read_text(encoding="utf-8")
    pytest.skip(f"Kazpravda sample article {KAZPRAVDA_NAME} not found in {KAZPRAVDA_PLACES}")


def _facets(text: str) -> dict[str, list[str]]:
    return facets(extract(text))


def test_module_imports_without_loading_the_model() -> None:
    code = (
        "import sys, indexer.entities, indexer.entities.cache;"
        "assert 'slovnet' not in sys.modules and 'navec' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_kazpravda_article() -> None:
    text = _kazpravda()
    found = _facets(text)
    for name in ["Касым-Жомарт Токаев", "Даулет Турлыханов", "Татьяна Савельева", "Павел Казанцев"]:
        assert name in found["PER"]
    for name in ["Мажилис", "KEGOC", "Mabetex Group", "Национальная гвардия"]:
        assert name in found["ORG"]
    for name in ["Астана", "Казахстан"]:
        assert name in found["LOC"]
    # The raw model's mistakes that the clean-up must fix.
    everything = {n for names in found.values() for n in names}
    assert "Мажилиса Даулет Турлыханов" not in everything
    assert not any("переименовать" in n for n in everything)
    assert "Мажилис" not in found["PER"]


def test_offsets_point_at_the_mention() -> None:
    text = _kazpravda()
    for e in extract(text):
        assert e.kind in entities.KINDS
        mention = text[e.start : e.end]
        assert mention and mention == mention.strip()
        assert mention[0] not in '«"' and mention[-1] not in ".,;:!?"


@pytest.mark.parametrize(
    ("sentence", "kind", "name"),
    [
        ("Солдаты Национальной гвардии провели учения.", "ORG", "Национальная гвардия"),
        ("Встреча прошла в Астане в понедельник.", "LOC", "Астана"),
        ("Законопроект внесён на рассмотрение Мажилиса на прошлой неделе.", "ORG", "Мажилис"),
        ("Указ подписан Президентом Касым-Жомартом Токаевым.", "PER", "Касым-Жомарт Токаев"),
        (
            "Журналисты встретились с Касым-Жомартом Токаевым в Акорде.",
            "PER",
            "Касым-Жомарт Токаев",
        ),
        ("Делегацию принял министр иностранных дел Сергей Лавров.", "PER", "Сергей Лавров"),
        ("Об этом сообщила депутат Мажилиса Татьяна Савельева.", "PER", "Татьяна Савельева"),
        ("Конституция Республики Казахстан была принята в 1995 году.", "LOC", "Казахстан"),
    ],
)
def test_nominative_forms(sentence: str, kind: str, name: str) -> None:
    assert name in _facets(sentence)[kind]


def test_one_person_one_value() -> None:
    text = (
        "Президент Казахстана Касым-Жомарт Токаев провёл совещание. "
        "Как отметил Токаев, работа будет продолжена. "
        "Инициатива Главы государства Касым-Жомарта Токаева поддержана депутатами."
    )
    found = extract(text)
    persons = {e.name for e in found if e.kind == "PER"}
    assert persons == {"Касым-Жомарт Токаев"}
    assert sum(e.kind == "PER" for e in found) == 3


def test_titles_are_stripped_and_the_institution_kept() -> None:
    text = "«Это важно», – отметил депутат Мажилиса Даулет Турлыханов."
    found = _facets(text)
    assert found["PER"] == ["Даулет Турлыханов"]
    assert "Мажилис" in found["ORG"]


def test_kazakh_words_untouched() -> None:
    text = "Парламент переименуют в Құрылтай. Встреча прошла на вокзале «Нұрлы жол» в Астане."
    spans = [
        Mention("ORG", text.index("Құрылтай"), text.index("Құрылтай") + len("Құрылтай")),
        Mention("ORG", text.index("Нұрлы жол"), text.index("Нұрлы жол") + len("Нұрлы жол")),
    ]
    assert [e.name for e in canonicalise(text, spans)] == ["Құрылтай", "Нұрлы жол"]


def test_kazakh_surnames_not_mangled() -> None:
    text = "Выступили Даулет Турлыханов и Татьяна Савельева. Турлыханов ответил на вопросы."
    spans = []
    for name in ["Даулет Турлыханов", "Татьяна Савельева"]:
        spans.append(Mention("PER", text.index(name), text.index(name) + len(name)))
    spans.append(Mention("PER", text.rindex("Турлыханов"), text.rindex("Турлыханов") + 10))
    assert [e.name for e in canonicalise(text, spans)] == [
        "Даулет Турлыханов",
        "Татьяна Савельева",
        "Даулет Турлыханов",
    ]


def test_alias_table() -> None:
    text = "Воинская часть Национальной гвардии РК. Республика Казахстан и Казахстан."
    spans = [
        Mention("LOC", text.index("РК"), text.index("РК") + 2),
        Mention("LOC", text.index("Республика"), text.index("Республика") + 20),
    ]
    assert {e.name for e in canonicalise(text, spans)} == {"Казахстан"}
    # РК without Kazakhstan in the article is not resolved.
    other = "Глава РК выступил в Петрозаводске."
    spans = [Mention("LOC", other.index("РК"), other.index("РК") + 2)]
    assert [e.name for e in canonicalise(other, spans)] == ["РК"]


def test_noise_dropped() -> None:
    assert _facets("") == {"PER": [], "ORG": [], "LOC": []}
    text = "А. 2024. «»"
    assert all(not v for v in _facets(text).values())


def test_extract_many_matches_extract() -> None:
    texts = ["Владимир Путин прилетел в Москву.", "", "Встреча прошла в Астане."]
    assert extract_many(texts) == [extract(t) for t in texts]


def test_long_text_is_chunked() -> None:
    para = "Касым-Жомарт Токаев посетил Астану. " * 200
    text = "\n".join([para] * 5) + "x" * 5000
    pieces = list(chunks(text))
    assert all(len(p) <= MAX_CHUNK_CHARS for _, p in pieces)
    assert all(text[o : o + len(p)] == p for o, p in pieces)
    found = extract(text)
    assert sum(e.kind == "PER" for e in found) >= 900


def test_cache_hit_and_invalidation(tmp_path: Path) -> None:
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> list[list[Entity]]:
        calls.append(texts)
        return extract_many(texts)

    a = "Встреча прошла в Астане."
    b = "Касым-Жомарт Токаев прилетел в Москву."
    with EntityCache(tmp_path / "entities.sqlite") as cache:
        assert cache.get_many([a, b]) == [None, None]
        first = extract_many_cached([a, b], cache, counting)
        assert calls == [[a, b]]
        again = extract_many_cached([a, b], cache, counting)
        assert again == first and len(calls) == 1
        changed = b.replace("Москву", "Алматы")
        extract_many_cached([a, changed], cache, counting)
        assert calls[-1] == [changed]
    # A second connection (another process) sees the rows; a new rules version does not.
    with EntityCache(tmp_path / "entities.sqlite") as cache:
        assert cache.get_many([a])[0] == first[0]
    with EntityCache(tmp_path / "entities.sqlite", version="other") as cache:
        assert cache.get_many([a]) == [None]
