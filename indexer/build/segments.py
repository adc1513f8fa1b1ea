"""Writing articles into one segment of an index: analysed once, their entities looked up (or
found) a batch at a time, postings spilled to disk whenever a budget of them is held."""

from __future__ import annotations

import gc
from pathlib import Path

from whoosh.formats import Positions

from indexer.build.documents import document
from indexer.build.names import NameBook, plain_values
from indexer.build.reprints import Shingled, shingle_article
from indexer.records import Article
from indexer.store.codec import MuragatCodec
from indexer.store.formats import PositionDeltas
from indexer.store.segment_builder import SegmentBuilder
from indexer.text.term_table import TermTable

# Occurrences (and entity postings) a writer holds before it spills them to a sorted run on
# disk (8 bytes each while held, about 60 while they are sorted and encoded at the spill); the
# runs are joined into its one segment at the end.
SEGMENT_POSTINGS = 1_500_000
# With entities the NER model and its work share the worker (~100 MB): a smaller budget keeps
# the worker under 500 MB.
SEGMENT_POSTINGS_WITH_ENTITIES = 900_000


def analysed_fields(schema) -> tuple[str, ...]:
    """The lemma-analysed text fields: those that keep positions (with character offsets in an
    index built before they were dropped)."""
    return tuple(name for name, f in schema.items() if isinstance(f.format, Positions))


class SegmentWriting:
    """Writes articles into one new segment of the index ``ix``; with an entity cache, with
    their entities; with ``sketching``, keeps each article's shingles (for reprints) until they
    are taken."""

    def __init__(self, ix, entity_cache: Path | None, sketching: bool = True) -> None:
        self.ix = ix
        self.cache = entity_cache
        self.fields = analysed_fields(ix.schema)
        self.segments: list = []
        self.sketching = sketching
        self._shingled: list[Shingled] = []
        self._builder: SegmentBuilder | None = None
        self._table = TermTable()  # the analysed words of the current segment's memory
        # Fields of an older index (being updated) whose values hold character offsets.
        self._chars = {name for name in self.fields
                       if not isinstance(ix.schema[name].format, PositionDeltas)}
        self.names = NameBook()  # the forms and posts of the current segment's values
        self._sources_before = self._sources_so_far()  # the process's cache may be older

    def add_batch(self, batch: list[Article], values: list | None = None) -> None:
        """Add a batch of articles (``values``: their entity values where known already — as
        names, or as ``ArticleNames`` with forms and posts —, else looked up, or found, for the
        whole batch)."""
        if values is None:
            values = self._entities(batch)
        for article, entity_values in zip(batch, values, strict=True):
            if entity_values is not None:
                self.names.add(entity_values, article.date)
            doc = document(article, plain_values(entity_values))
            if self._builder is None:
                self._builder = SegmentBuilder(
                    self.ix.storage, self.ix.indexname, self.ix.schema, MuragatCodec(),
                    self._table)
            # The body's with its words' first characters, for its sentence map.
            analysed = {name: self._table.analyse(doc[name], starts=name == "body",
                                                  chars=name in self._chars)
                        for name in self.fields if name in doc}
            self._builder.add(doc, analysed)
            if self.sketching and (found := shingle_article(
                    article.id, article.text, article.date, article.title)) is not None:
                self._shingled.append(found)
        budget = SEGMENT_POSTINGS if self.cache is None else SEGMENT_POSTINGS_WITH_ENTITIES
        if self._builder is not None and self._builder.postings >= budget:
            self._builder.spill()
        # The postings held so far are millions of long-lived objects without cycles: out of
        # the collector's sight they cost nothing, in it each full collection walked them all
        # (a third of the analysis time).
        gc.freeze()

    def take_shingled(self) -> list[Shingled]:
        """The shingles of the articles added since the last call."""
        taken, self._shingled = self._shingled, []
        return taken

    def _entities(self, batch: list[Article]) -> list:
        if self.cache is None:
            return [None] * len(batch)
        from indexer.entities.values import article_names

        return list(article_names([a.text for a in batch], self.cache))

    def entity_sources(self):
        """Where the entities of this writing's articles came from (``CacheStats``)."""
        return self._sources_so_far().since(self._sources_before)

    def _sources_so_far(self):
        """A copy of what this process's entity cache has served so far."""
        from dataclasses import replace

        from indexer.entities.cache import CacheStats
        from indexer.entities.values import cache_stats

        return replace(cache_stats(self.cache)) if self.cache is not None else CacheStats()

    def finish(self) -> list:
        """Close the current segment (with its names file); all segments written so far."""
        if self._builder is not None:
            segment = self._builder.finish()
            self.names.write(self.ix.storage.folder, segment.segid)
            self.segments.append(segment)
            self._builder = None
            self.names = NameBook()
        return self.segments
