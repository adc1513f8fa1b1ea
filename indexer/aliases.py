"""Abbreviations and other names of one thing, declared once.

Each entry is one organisation or place with every name it goes by: its canonical value (the
entity facet value), its kind, and its names — abbreviations, full forms, usual alternatives.
The entity rules give a mention of any of the names the canonical value; the search lets a
query word that is one of the names match every name of the entry (a multi-word name as a
phrase). A name listed in ``needs`` is ambiguous on its own (РК is also Республика Карелия,
РБ also Башкортостан) and counts only in an article that matches the pattern given. Country
and organisation names follow Kazakhstani usage (Кыргызстан, Беларусь).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from indexer.text.normalise import normalise


@dataclass(frozen=True)
class Entry:
    canonical: str  # the facet value
    kind: str  # ORG or LOC
    names: tuple[str, ...]  # every name, the canonical one included
    needs: dict[str, str] = field(default_factory=dict)  # ambiguous name → pattern the text needs


ENTRIES: tuple[Entry, ...] = (
    Entry("Казахстан", "LOC", ("Казахстан", "РК", "Республика Казахстан"),
          {"РК": "казахстан"}),
    Entry("Россия", "LOC", ("Россия", "РФ", "Российская Федерация")),
    Entry("США", "LOC", ("США", "Соединенные Штаты", "Соединенные Штаты Америки")),
    Entry("Кыргызстан", "LOC", ("Кыргызстан", "КР", "Кыргызская Республика", "Киргизия"),
          {"КР": "кыргыз|киргиз"}),
    Entry("Беларусь", "LOC", ("Беларусь", "РБ", "Республика Беларусь", "Белоруссия"),
          {"РБ": "беларус|белорус"}),
    Entry("Узбекистан", "LOC", ("Узбекистан", "РУз", "Республика Узбекистан"),
          {"РУз": "узбекистан"}),
    Entry("Великобритания", "LOC", ("Великобритания", "Соединенное Королевство")),
    Entry("ООН", "ORG", ("ООН", "Организация Объединенных Наций")),
    Entry("Евросоюз", "ORG", ("Евросоюз", "ЕС", "Европейский союз")),
    Entry("НАТО", "ORG", ("НАТО", "Североатлантический альянс",
                          "Организация Североатлантического договора")),
    Entry("ВОЗ", "ORG", ("ВОЗ", "Всемирная организация здравоохранения")),
    Entry("МВФ", "ORG", ("МВФ", "Международный валютный фонд")),
    Entry("ВТО", "ORG", ("ВТО", "Всемирная торговая организация")),
    Entry("ОБСЕ", "ORG", ("ОБСЕ", "Организация по безопасности и сотрудничеству в Европе")),
    Entry("СНГ", "ORG", ("СНГ", "Содружество Независимых Государств")),
    Entry("ЕАЭС", "ORG", ("ЕАЭС", "Евразийский экономический союз")),
    Entry("ШОС", "ORG", ("ШОС", "Шанхайская организация сотрудничества")),
    Entry("ОДКБ", "ORG", ("ОДКБ", "Организация Договора о коллективной безопасности")),
    Entry("ЮНЕСКО", "ORG", ("ЮНЕСКО",)),
    Entry("МВД", "ORG", ("МВД", "Министерство внутренних дел")),
    Entry("МИД", "ORG", ("МИД", "Министерство иностранных дел")),
    Entry("Минобороны", "ORG", ("Минобороны", "Министерство обороны")),
    Entry("ФСБ", "ORG", ("ФСБ", "Федеральная служба безопасности")),
    Entry("КНБ", "ORG", ("КНБ", "Комитет национальной безопасности")),
    Entry("ЦИК", "ORG", ("ЦИК", "Центральная избирательная комиссия")),
    Entry("Госдума", "ORG", ("Госдума", "Государственная дума")),
)


@cache
def by_name() -> dict[str, Entry]:
    """Every name of every entry, normalised (lower case, ё = е) → its entry."""
    out: dict[str, Entry] = {}
    for entry in ENTRIES:
        for name in entry.names:
            out[normalise(name)] = entry
    return out


def entry_of(name: str, text: str | None = None) -> Entry | None:
    """The entry ``name`` is a name of; with ``text``, None where the name is ambiguous and
    the text does not make it clear."""
    entry = by_name().get(normalise(name))
    if entry is None or text is None:
        return entry
    pattern = next((p for n, p in entry.needs.items() if normalise(n) == normalise(name)), None)
    if pattern is not None and not re.search(pattern, text, re.IGNORECASE):
        return None
    return entry
