"""The index schema, declared once: what every field holds and how it is analysed."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.catalog import ENTITY_FIELDS
from indexer.store.formats import PositionDeltas
from indexer.text.analyzer import lemma_analyzer

TITLE_BOOST = 2.5
TEXT_FIELDS = ("title", "body")


def _entity_field() -> KEYWORD:
    # Canonical names with their own capitalisation; one term per name, cheap to count.
    return KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)


def _text_field(lemmas, boost: float = 1.0) -> TEXT:
    field = TEXT(analyzer=lemmas, stored=True, field_boost=boost)
    field.format = PositionDeltas(field_boost=boost)
    return field


def build_schema() -> Schema:
    lemmas = lemma_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=ID(stored=True),
        # Words as written and their lemmas («стали», «~сталь», «~стать») at the same
        # position (see indexer.text.analyzer). Positions only: a highlight finds its
        # characters by reading the matched sentence again (indexer.search.occurrences), so
        # character offsets would cost a third of the index for nothing. The positions are
        # varint deltas (indexer.store.formats).
        title=_text_field(lemmas, TITLE_BOOST),
        body=_text_field(lemmas),
        date=ID(stored=True, sortable=True),
        month=ID(sortable=True),
        year=ID(sortable=True),
        source=ID(stored=True, sortable=True),
        url=STORED(),
        topic=ID(stored=True),
        checksum=ID(stored=True, sortable=True),
        # The archive file's size and mtime: `index update` skips files that did not change.
        stamp=ID(sortable=True),
        **{name: _entity_field() for name in ENTITY_FIELDS},
    )
