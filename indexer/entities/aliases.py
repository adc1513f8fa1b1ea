"""Abbreviations and other names that stand for one facet value (РФ, Российская Федерация →
Россия), applied only where the article makes it clear."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.text.normalise import normalise


# Abbreviations and long forms that stand for one facet value (keys lower-case, ё written е).
# ``needs`` is a regular expression that must match the article for the alias to apply: РК is also
# Республика Карелия/Коми, РБ also Башкортостан. Country names follow Kazakhstani usage.
@dataclass(frozen=True, slots=True)
class Alias:
    kind: str
    name: str
    needs: str | None = None


ALIASES: dict[str, Alias] = {
    "рк": Alias("LOC", "Казахстан", "казахстан"),
    "республика казахстан": Alias("LOC", "Казахстан"),
    "рф": Alias("LOC", "Россия"),
    "российская федерация": Alias("LOC", "Россия"),
    "соединенные штаты": Alias("LOC", "США"),
    "соединенные штаты америки": Alias("LOC", "США"),
    "кр": Alias("LOC", "Кыргызстан", "кыргыз|киргиз"),
    "кыргызская республика": Alias("LOC", "Кыргызстан"),
    "киргизия": Alias("LOC", "Кыргызстан"),
    "рб": Alias("LOC", "Беларусь", "беларус|белорус"),
    "республика беларусь": Alias("LOC", "Беларусь"),
    "белоруссия": Alias("LOC", "Беларусь"),
    "руз": Alias("LOC", "Узбекистан", "узбекистан"),
    "республика узбекистан": Alias("LOC", "Узбекистан"),
    "организация объединенных наций": Alias("ORG", "ООН"),
}


def apply_aliases(named: list, text: str) -> None:
    """Give the mentions whose name is an alias its kind and canonical name."""
    present: dict[str, bool] = {}
    for n in named:
        alias = ALIASES.get(normalise(n.name))
        if alias is None:
            continue
        if alias.needs:
            if alias.needs not in present:
                present[alias.needs] = re.search(alias.needs, text, re.IGNORECASE) is not None
            if not present[alias.needs]:
                continue
        n.kind, n.name = alias.kind, alias.name
