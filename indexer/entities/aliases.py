"""Abbreviations and other names that stand for one facet value (РФ, Российская Федерация →
Россия; ЕС, Европейский союз → Евросоюз), from the one table of names in ``indexer.aliases``,
applied only where the article makes an ambiguous one clear (РК next to Казахстан)."""

from __future__ import annotations

from indexer.aliases import entry_of


def apply_aliases(named: list, text: str) -> None:
    """Give the mentions whose name is an alias its kind and canonical name."""
    for n in named:
        entry = entry_of(n.name, text)
        if entry is not None:
            n.kind, n.name = entry.kind, entry.canonical
