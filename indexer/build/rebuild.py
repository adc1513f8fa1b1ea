"""``rebuild``: a complete new index of the archive in a new build folder, swapped in atomically
only when it is complete and opens; ``rollback`` to the previous build."""

from __future__ import annotations

import gc
import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.build.book import write_generation_book
from indexer.build.documents import articles_only, batches, entity_cache_path
from indexer.build.lock import WriterLock
from indexer.build.report import BuildError, BuildReport, Progress, folder_size, problems_path
from indexer.build.reprints import Sketch, sketch_of, write_reprints
from indexer.build.segments import SegmentWriting
from indexer.build.workers import Workers
from indexer.ingest import iter_archive
from indexer.records import Article, ReadReport
from indexer.store import generations
from indexer.store.codec import MuragatCodec
from indexer.store.schema import build_schema
from indexer.store.vocabulary_file import write_segments_vocabulary


def rebuild(
    archive: Path,
    index: Path,
    workers: int | None = None,
    entities: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build a complete new index from ``archive`` and make it the live one at ``index``.

    Raises ``LockedError`` when another writer holds the index and ``BuildError`` when the
    build fails; either way the live index is left as it was.
    """
    workers = workers or os.cpu_count() or 1
    report = BuildReport(entities=entities)
    started = time.monotonic()
    lock = WriterLock(generations.lock_path(index))
    with lock:
        report.stale_lock_pid = lock.stale_pid
        report.removed_partials = len(generations.remove_partials(index))
        partial = generations.new_partial(index)
        report.log_problems(problems_path(index))
        try:
            read = ReadReport()
            articles = articles_only(iter_archive(archive, read), report)
            ix = whoosh_index.create_in(str(partial), build_schema())

            def done(count: int) -> None:
                report.articles += count
                if progress is not None:
                    for _ in range(count):
                        progress(1)  # article by article: a caller may stop the build at any

            cache = entity_cache_path(index) if entities else None
            segments, sketches = write_segments(ix, articles, workers, cache, done, report)
            writer = ix.writer(codec=MuragatCodec())
            if entities:
                write_generation_book(str(partial), segments, writer.generation)
            write_segments_vocabulary(ix.storage, ix.schema, segments, writer.generation)
            writer.commit(mergetype=lambda _writer, existing: existing + segments)
            for problem in read.problems:
                report.note(problem)
            report.encodings = read.encodings
            _verify(partial, report.articles)
            grouping = time.monotonic()
            report.reprint_groups = write_reprints(partial, sketches)
            report.reprint_seconds = time.monotonic() - grouping
            report.seconds = time.monotonic() - started
            report.index_bytes = folder_size(partial)
            (partial / generations.BUILD_INFO).write_text(json.dumps(report.to_json(), indent=2))
            generations.publish(index, partial)
        except BaseException as err:
            report.close_log(keep=False)
            shutil.rmtree(partial, ignore_errors=True)
            if isinstance(err, OSError):
                raise BuildError(f"the rebuild failed: {err}; the live index is unchanged") from err
            raise
        report.close_log(keep=True)
    return report


def write_segments(ix, articles: Iterable[Article], workers: int, cache: Path | None,
                   progress: Progress, report: BuildReport | None = None
                   ) -> tuple[list, list[Sketch]]:
    """Write the articles into new segments of ``ix`` (one per worker); returns them,
    uncommitted, and the articles' sketches (for reprints). Where the entities came from
    (cache, rules, model) goes into ``report``."""
    if cache is not None:
        from indexer.entities.cache import EntityCache

        # Create the file in WAL mode before the workers share it; drop stale rules' results.
        with EntityCache(cache) as entity_cache:
            entity_cache.prune()
    if workers > 1:
        pool = Workers(ix, workers, cache, progress)
        try:
            for batch in batches(articles):
                pool.put(batch)
            segments = pool.finish()
        finally:
            pool.stop()
        if report is not None:
            report.entity_sources.add(pool.entity_sources)
        return segments, pool.sketches
    writing = SegmentWriting(ix, cache)
    sketches: list[Sketch] = []
    try:
        for batch in batches(articles):
            writing.add_batch(batch)
            sketches += [sketch_of(s) for s in writing.take_shingled()]
            progress(len(batch))
        segments = writing.finish()
    finally:
        gc.unfreeze()
    if report is not None:
        report.entity_sources.add(writing.entity_sources())
    return segments, sketches


def _verify(path: Path, expected: int) -> None:
    # Without mmap: opening the segments then reads only what it needs, where mapping them
    # made most of the new index resident in this process (600 MB of 9,000 articles).
    ix = FileStorage(str(path), supports_mmap=False).open_index()
    with ix.searcher() as searcher:
        count = searcher.doc_count()
    if count != expected:
        raise BuildError(f"the new index holds {count} articles, expected {expected}")


def rollback(index: Path) -> Path:
    """Make the previous build live again (and the live one the previous)."""
    with WriterLock(generations.lock_path(index)):
        return generations.rollback(index)
