"""Entities: the persons, organisations and places an article mentions, as facet values.

Pipeline, one module each: ``chunks`` cuts a text into bounded pieces and runs the NER model
(``model`` loads it, ``inference`` runs it, ``tokens`` are its tokens) → ``cleanup`` fixes the
spans (quotes, posts before names, run-on spans) → ``persons`` and ``names`` put names into the
nominative (``words``: what a name word is) → ``canonical`` makes them consistent within the
article (one person, one value; ``aliases``; one kind per name). ``cache`` keeps the results of
each text on disk; ``values`` gives an article's facet values through it.

``extract(text)`` / ``extract_many(texts)`` return ``Entity(kind, name, start, end, post)``
records whose ``name`` is the canonical facet value.
"""

from __future__ import annotations

from collections.abc import Iterable

from indexer.entities.canonical import canonicalise, facets
from indexer.entities.chunks import KINDS, Mention, ner_spans
from indexer.entities.cleanup import clean_spans
from indexer.entities.model import EMB_FILE, MODEL_FILE
from indexer.records import Entity

# The model's version keys its cached spans; bump RULES_VERSION whenever the clean-up, the
# normalisation or the alias table changes: with the model's, it keys the cached results, so
# a rules change runs the rules again over the cached spans, not the model.
MODEL_VERSION = f"natasha-1.6.0/{MODEL_FILE}/{EMB_FILE}"
RULES_VERSION = 6
VERSION = f"{MODEL_VERSION}/rules-{RULES_VERSION}"


def extract(text: str) -> list[Entity]:
    """Entities of one article, with canonical names and offsets into ``text``."""
    return extract_many([text])[0]


def extract_many(texts: Iterable[str]) -> list[list[Entity]]:
    """Entities of many articles; model calls are batched across articles."""
    texts = list(texts)
    spans = ner_spans(texts)
    return [
        canonicalise(text, clean_spans(text, found))
        for text, found in zip(texts, spans, strict=True)
    ]


__all__ = ["KINDS", "MODEL_VERSION", "RULES_VERSION", "VERSION", "Entity", "Mention",
           "canonicalise", "clean_spans", "extract", "extract_many", "facets"]
