"""Running the NER model over whole articles: each text cut into bounded chunks (paragraphs,
split further at sentence ends or spaces past ``MAX_CHUNK_CHARS``), run in windows of
``WINDOW_CHARS`` batched by length, so a 50 MB article stays bounded; the spans found come back
as ``Mention`` records with offsets into the article."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from indexer.entities.model import ner_model

KINDS = ("PER", "ORG", "LOC")
MAX_CHUNK_CHARS = 2000  # one model input; slovnet has no sentence splitter of its own
WINDOW_CHARS = 100_000  # chunks gathered and run (batched by length) before moving on
_SENT_END_RE = re.compile(r"[.!?…][»”\")]*\s+")


def chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Yield (offset, piece): paragraphs, cut at sentence ends or spaces when over ``limit``."""
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        while end - pos > limit:
            cut = _cut_point(text, pos, pos + limit)
            if text[pos:cut].strip():
                yield pos, text[pos:cut]
            pos = cut
        if text[pos:end].strip():
            yield pos, text[pos:end]
        pos = end + 1


def _cut_point(text: str, start: int, stop: int) -> int:
    window = text[start:stop]
    ends = [m.end() for m in _SENT_END_RE.finditer(window, len(window) // 2)]
    if ends:
        return start + ends[-1]
    space = window.rfind(" ", len(window) // 2)
    return start + (space + 1 if space > 0 else len(window))


@dataclass(slots=True)
class Mention:
    """A raw or cleaned span before canonicalisation."""

    kind: str
    start: int
    end: int


def ner_spans(texts: Sequence[str]) -> list[list[Mention]]:
    """Run the model over all texts in bounded windows of chunks."""
    out: list[list[Mention]] = [[] for _ in texts]
    model = ner_model()
    window: list[tuple[int, int, str]] = []
    size = 0

    def flush() -> None:
        found = model.spans([piece for _, _, piece in window])
        for (doc, offset, _), spans in zip(window, found, strict=True):
            for kind, start, stop in spans:
                if kind in KINDS:
                    out[doc].append(Mention(kind, offset + start, offset + stop))
        window.clear()

    for doc, text in enumerate(texts):
        for offset, piece in chunks(text):
            window.append((doc, offset, piece))
            size += len(piece)
            if size >= WINDOW_CHARS:
                flush()
                size = 0
    if window:
        flush()
    for mentions in out:
        mentions.sort(key=lambda m: (m.start, m.end))
    return out
