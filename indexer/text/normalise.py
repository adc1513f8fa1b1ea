"""The one normaliser of words: lower case, with ё and е the same letter."""

from __future__ import annotations


def normalise(text: str) -> str:
    """``text`` lower-cased, ё written е: how words are indexed, queried and compared."""
    text = text.lower()
    return text.replace("ё", "е") if "ё" in text else text


def without_yo(text: str) -> str:
    """``text`` with ё written е (Ё as Е), its case kept."""
    return text.replace("ё", "е").replace("Ё", "Е")
