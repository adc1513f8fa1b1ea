"""``update``: the live index brought in line with the archive, in place.

New and changed articles (by checksum; files of the same size and mtime are not even read) are
written into a new segment by our own segment writer, with postings arrays and a facets file
like a rebuild's; removed and replaced ones are deleted. When more than ``MAX_SEGMENTS``
segments pile up, the small ones are written again into one (from what the index stores: no
archive read, no NER), so a query keeps looking a term up in a few segments only. Segments
written by Whoosh's own writer (by ``index update`` before our writer wrote updates) are
rewritten at the first update.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from indexer.build.book import write_generation_book
from indexer.build.documents import articles_only, batches, entity_cache_path, stored_article
from indexer.build.lock import WriterLock
from indexer.build.rebuild import write_segments
from indexer.build.report import BuildError, BuildReport, Progress, folder_size, problems_path
from indexer.build.reprints import Sketch, kept_sketches, sketch_article, write_reprints
from indexer.build.segments import SegmentWriting
from indexer.ingest import iter_archive
from indexer.records import Article, ReadReport
from indexer.store import generations
from indexer.store.codec import MuragatCodec
from indexer.store.entity_book import NAMES, book_file, read_segment_names
from indexer.store.facets_file import read_facets
from indexer.store.posting_arrays import SIDE_SUFFIXES, side_files
from indexer.store.vocabulary_file import PREFIX as VOCABULARY
from indexer.store.vocabulary_file import file_name as vocabulary_file
from indexer.store.vocabulary_file import write_segments_vocabulary

MAX_SEGMENTS = 8
KEEP_LARGEST = 2  # segments never rewritten by the merge (a rebuild's, one per worker)
PARALLEL_FROM = 2000  # changed articles from which an update writes with every worker


@dataclass
class LiveArticles:
    """What the live index knows of each article, for ``update``."""

    checksums: dict[str, str] = field(default_factory=dict)  # id → checksum
    stamps: dict[str, str] = field(default_factory=dict)  # archive file → its stamp
    ids_of_file: dict[str, list[str]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # ids found in the archive by this update


def live_articles(ix) -> LiveArticles:
    """Ids, checksums and file stamps of every article in an open index, read from the
    columns segment by segment (one lookup per document through the multi-segment reader is
    slow)."""
    live = LiveArticles()
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            ids = list(leaf.column_reader("id"))
            sums = list(leaf.column_reader("checksum"))
            stamps = list(leaf.column_reader("stamp")) if leaf.has_column("stamp") else []
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else set()
            for n, (doc_id, checksum) in enumerate(zip(ids, sums, strict=True)):
                if n in deleted:
                    continue
                live.checksums[doc_id] = checksum
                stamp = stamps[n] if stamps else ""
                if stamp:
                    rel = stamp.split("|", 1)[0]
                    live.ids_of_file.setdefault(rel, []).append(doc_id)
                    if live.stamps.setdefault(rel, stamp) != stamp:
                        live.stamps[rel] = ""  # articles of one file disagree: read it again
    return live


def update(
    archive: Path,
    index: Path,
    workers: int | None = None,
    entities: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring the live index in line with the archive: add new and changed articles, delete
    removed ones. Nothing is written when nothing changed."""
    workers = workers or os.cpu_count() or 1
    report = BuildReport(entities=entities)
    started = time.monotonic()
    live = generations.target(index)
    if live is None or not whoosh_index.exists_in(str(live)):
        raise BuildError(f"there is no index at {index} to update; run `index rebuild` first")
    with WriterLock(generations.lock_path(index)):
        # Not memory-mapped: mapping a large index only to read two columns fills the memory.
        ix = FileStorage(str(live), supports_mmap=False).open_index()
        state = live_articles(ix)
        report.log_problems(problems_path(index))
        try:
            changed = list(_changes(archive, state, report, progress))
        finally:
            report.close_log(keep=True)
        gone = [doc_id for doc_id in state.checksums if doc_id not in state.seen]
        report.deleted = len(gone)
        if changed or gone:
            cache = entity_cache_path(index) if entities else None
            _write(ix, changed, gone, workers, cache, report)
            _remove_side_files_of_old_segments(live)
        report.articles = report.added + report.replaced
        report.seconds = time.monotonic() - started
        report.index_bytes = folder_size(live)
    return report


def _changes(archive: Path, state: LiveArticles, report: BuildReport,
             progress: Progress | None) -> Iterator[Article]:
    """The new and changed articles of the archive (counted in ``report``); the ids seen go
    into ``state.seen``."""

    def unchanged(rel: str, stamp: str) -> bool:
        """A file of the same size and mtime as when indexed is not read again."""
        if state.stamps.get(rel) != stamp:
            return False
        ids = state.ids_of_file[rel]
        state.seen.update(ids)
        report.unchanged += len(ids)
        if progress:
            progress(len(ids))
        return True

    read = ReadReport()
    for article in articles_only(iter_archive(archive, read, unchanged), report):
        state.seen.add(article.id)
        old = state.checksums.get(article.id)
        if old == article.checksum:
            report.unchanged += 1
        else:
            yield article
            if old is None:
                report.added += 1
            else:
                report.replaced += 1
        if progress:
            progress(1)
    for problem in read.problems:
        report.note(problem)
    report.encodings = read.encodings


def _write(ix, changed: list[Article], gone: list[str], workers: int, cache: Path | None,
           report: BuildReport) -> None:
    """Delete the gone and replaced articles, write the changed ones into new segments, merge
    small segments, and commit it all as one new generation."""
    writer = ix.writer(codec=MuragatCodec())
    try:
        for doc_id in gone:
            writer.delete_by_term("id", doc_id)
        for article in changed:
            writer.delete_by_term("id", article.id)
        parallel = workers if len(changed) >= PARALLEL_FROM else 1
        new, sketches = (write_segments(ix, changed, parallel, cache, lambda _n: None, report)
                         if changed else ([], []))
        kept, small = _to_merge(ix, list(writer.segments), len(new))
        merged = _rewrite(ix, small) if small else []
        report.merged_segments = len(small)
        final = kept + new + merged
        # Written before the commit: a reader of the new generation finds its groups (one of
        # the old generation that opens meanwhile skips the ids it does not hold).
        dropped = set(gone) | {a.id for a in changed}
        report.reprint_groups = write_reprints(
            Path(ix.storage.folder), _all_sketches(ix, dropped, sketches))
        write_generation_book(ix.storage.folder, final, writer.generation)
        write_segments_vocabulary(ix.storage, ix.schema, final, writer.generation)
        writer.commit(mergetype=lambda _writer, _existing: final)
    except BaseException:
        writer.cancel()
        raise


def _all_sketches(ix, dropped: set[str], new: list[Sketch]) -> list[Sketch]:
    """The sketches of every article after the update: the build's own but those of
    ``dropped`` ids, and the ``new`` ones. An index built before reprints were grouped has
    none: its articles are sketched once, from the text it stores."""
    old = kept_sketches(Path(ix.storage.folder), dropped)
    if old is None:
        old = []
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                if fields["id"] in dropped:
                    continue
                date = fields.get("date") or None
                found = sketch_article(fields["id"], fields.get("body", ""),
                                       dt.date.fromisoformat(date) if date else None,
                                       fields.get("title", ""))
                if found is not None:
                    old.append(found)
    return old + new


def _to_merge(ix, segments: list, added: int) -> tuple[list, list]:
    """The segments to keep as they are and those to write again into one: segments without
    our side files always; the smallest when there would be more than ``MAX_SEGMENTS``."""
    folder = ix.storage.folder
    legacy = [s for s in segments if read_facets(folder, s.segid) is None]
    ours = [s for s in segments if s not in legacy]
    small: list = list(legacy)
    if len(ours) + added + (1 if small else 0) > MAX_SEGMENTS:
        ours.sort(key=lambda s: s.doc_count(), reverse=True)
        small += ours[KEEP_LARGEST:]
        ours = ours[:KEEP_LARGEST]
    return ours, small


def _rewrite(ix, segments: list) -> list:
    """The live documents of ``segments`` written again into one new segment, from their
    stored fields (and the stamp column), entities included."""
    writing = SegmentWriting(ix, None, sketching=False)  # the sketches are kept by id
    for segment in segments:
        # The forms and posts of the values go along (those of deleted articles too, until
        # the next rebuild: the names file counts by value, not by article).
        writing.names.merge(read_segment_names(ix.storage.folder, segment.segid) or {})
        reader = SegmentReader(ix.storage, ix.schema, segment)
        try:
            stamps = (list(reader.column_reader("stamp")) if reader.has_column("stamp")
                      else [""] * segment.doc_count_all())
            live = (n for n in range(segment.doc_count_all()) if not segment.is_deleted(n))
            for batch in batches(live):
                pairs = [stored_article(reader.stored_fields(n), stamps[n]) for n in batch]
                writing.add_batch([a for a, _ in pairs], [v for _, v in pairs])
        finally:
            reader.close()
    return writing.finish()


def _remove_side_files_of_old_segments(build: Path) -> None:
    """Whoosh removes the files of the segments a commit dropped; ours beside them go here,
    and the entity books and vocabularies of generations before the previous one (a reader of
    the previous generation may still be opening it)."""
    ix = FileStorage(str(build), supports_mmap=False).open_index()
    wanted = {name for segment in ix._segments() for name in side_files(segment.segid)}
    wanted |= {segment.segid + NAMES for segment in ix._segments()}
    generation = ix.latest_generation()
    wanted |= {book_file(generation), book_file(generation - 1)}
    wanted |= {vocabulary_file(generation), vocabulary_file(generation - 1)}
    for path in build.iterdir():
        if (path.suffix in (*SIDE_SUFFIXES, NAMES, ".book") or path.name.startswith(VOCABULARY)
                and path.suffix == ".npz") and path.name not in wanted:
            path.unlink(missing_ok=True)
