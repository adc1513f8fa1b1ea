"""Finding facet values by part of their name (the filter box of «показать все»)."""

from __future__ import annotations

import numpy as np

from indexer.search.facet_arrays import Facet
from indexer.text.normalise import normalise


def values_containing(facet: Facet, text: str) -> np.ndarray:
    """A mask over the facet's values: those whose name contains every word of ``text``
    (case-insensitive, ё = е)."""
    # The values normalised once per index version (79,000 persons at 100,000 articles),
    # kept on the facet, which lives as long as its version.
    names: list[str] | None = getattr(facet, "normalised_values", None)
    if names is None:
        names = [normalise(v) for v in facet.values]
        facet.normalised_values = names  # type: ignore[attr-defined]
    words = normalise(text).split()
    return np.array([all(w in name for w in words) for name in names], bool)
