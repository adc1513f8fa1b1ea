"""Building the index: the archive's articles, analysed in parallel, written to Whoosh.

``rebuild`` writes a complete new build beside the live index and swaps it in atomically;
``update`` adds, replaces and deletes articles in the live index by checksum.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import queue
import shutil
import time
import traceback
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Characters

from indexer import generations
from indexer.archive import iter_archive
from indexer.codec import MuragatCodec, SegmentBuilder
from indexer.lock import WriterLock
from indexer.records import Article, Problem, ReadReport
from indexer.schema import ENTITY_FIELDS, build_schema

BUILD_INFO = "muragat-build.json"
BATCH = 32
# Articles handed to the entity workers at a time: bounds the memory of the pipeline.
WINDOW = 16 * BATCH
# Postings a worker holds in memory before it spills them to a sorted run on disk (~100 bytes
# each); the runs are merged into the worker's one segment at the end.
SEGMENT_POSTINGS = 1_500_000
# With entities the NER model and its work share the worker (~100 MB): a smaller budget keeps
# the worker under 500 MB.
SEGMENT_POSTINGS_WITH_ENTITIES = 900_000


class BuildError(RuntimeError):
    """A rebuild that failed; the live index is untouched. ``detail``: a worker's traceback."""

    detail: str = ""


@dataclass
class BuildReport:
    """What a rebuild or update did, for the summary and ``index stats``."""

    articles: int = 0
    added: int = 0
    replaced: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    index_bytes: int = 0
    entities: bool = True
    stale_lock_pid: int | None = None
    removed_partials: int = 0

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict:
        return {
            "articles": self.articles,
            "skipped": len(self.skipped),
            "warnings": len(self.warnings),
            "encodings": self.encodings,
            "seconds": round(self.seconds, 2),
            "articles_per_second": round(self.rate, 1),
            "index_bytes": self.index_bytes,
            "entities": self.entities,
            "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        }


Progress = Callable[[int], None]


def count_articles(root: Path) -> int:
    """A quick count of the articles below ``root``, for the progress bar's ETA."""
    import gzip

    from indexer.archive import archive_files

    total = 0
    for path, _ in archive_files(root, ReadReport()):
        if not path.is_file():  # a FIFO would block the count
            continue
        if path.name.endswith(".txt"):
            total += 1
            continue
        opener = gzip.open if path.name.endswith(".gz") else open
        try:
            with opener(path, "rb") as f:
                total += sum(1 for line in f if line.strip())
        except (OSError, EOFError, zlib.error):
            continue
    return total


def document(article: Article, entities: dict[str, list[str]] | None) -> dict:
    """The Whoosh fields of one article."""
    date = article.date.isoformat() if article.date else ""
    doc = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "body": article.text,
        "date": date,
        "month": date[:7],
        "year": date[:4],
        "source": article.source,
        "url": article.url,
        "topic": article.topic,
        "checksum": article.checksum,
        "stamp": article.stamp,
    }
    for name in ENTITY_FIELDS:
        doc[name] = ",".join(entities.get(name, [])) if entities else ""
    # Whoosh indexes an empty string as a term; leave empty fields out instead.
    return {k: v for k, v in doc.items() if v}


def entity_cache_path(index: Path) -> Path:
    """The entity cache lives beside the index, outliving every build."""
    return index.with_name(index.name + ".entities.sqlite")


def _entity_worker(job: tuple[Path, list[str]]) -> list[dict[str, list[str]]]:
    from indexer.entity_facets import facet_values

    cache, texts = job
    return facet_values(texts, cache)


def _with_entities(
    articles: Iterable[Article], workers: int, cache: Path
) -> Iterator[tuple[Article, dict[str, list[str]] | None]]:
    """Articles with their entity facet values, computed in worker processes in batches."""
    from indexer.entity_cache import EntityCache

    EntityCache(cache).close()  # create the file in WAL mode before the workers share it
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        window: list[Article] = []

        def flush() -> Iterator[tuple[Article, dict[str, list[str]]]]:
            batches = [window[i : i + BATCH] for i in range(0, len(window), BATCH)]
            results = pool.map(_entity_worker, [(cache, [a.text for a in b]) for b in batches])
            for batch, values in zip(batches, results, strict=True):
                yield from zip(batch, values, strict=True)

        for article in articles:
            window.append(article)
            if len(window) >= WINDOW:
                yield from flush()
                window = []
        if window:
            yield from flush()


def _split(
    items: Iterable[Article | Problem], report: BuildReport
) -> Iterator[Article]:
    for item in items:
        if isinstance(item, Problem):
            (report.skipped if item.skipped else report.warnings).append(item)
        else:
            yield item


def _documents(
    articles: Iterable[Article], workers: int, entity_cache: Path | None
) -> Iterator[dict]:
    """Whoosh documents of the articles, with entity facets when there is an entity cache."""
    if entity_cache:
        for article, values in _with_entities(articles, workers, entity_cache):
            yield document(article, values)
    else:
        for article in articles:
            yield document(article, None)


def _analysed_fields(schema) -> tuple[str, ...]:
    """The lemma-analysed text fields: those that keep positions with character offsets."""
    return tuple(name for name, f in schema.items() if isinstance(f.format, Characters))


class _SegmentWriting:
    """Writes documents into one segment of an index, spilling the postings to disk whenever
    ``SEGMENT_POSTINGS`` are held, which bounds the memory it takes."""

    def __init__(self, ix, entity_cache: Path | None) -> None:
        self.ix = ix
        self.cache = entity_cache
        self.fields = _analysed_fields(ix.schema)
        self.segments: list = []
        self._builder: SegmentBuilder | None = None

    def add_batch(self, batch: list[Article]) -> None:
        """Add a batch of articles (their entities looked up, or found, for the whole batch)."""
        from indexer.analysis import index_occurrences

        values = self._entities(batch)
        for article, entity_values in zip(batch, values, strict=True):
            doc = document(article, entity_values)
            if self._builder is None:
                self._builder = SegmentBuilder(
                    self.ix.storage, self.ix.indexname, self.ix.schema, MuragatCodec()
                )
            analysed = {name: index_occurrences(doc[name]) for name in self.fields if name in doc}
            self._builder.add(doc, analysed)
        budget = SEGMENT_POSTINGS if self.cache is None else SEGMENT_POSTINGS_WITH_ENTITIES
        if self._builder is not None and self._builder.postings >= budget:
            self._builder.spill()
        # The postings held so far are millions of long-lived objects without cycles: out of
        # the collector's sight they cost nothing, in it each full collection walked them all
        # (a third of the analysis time).
        gc.freeze()

    def _entities(self, batch: list[Article]) -> list[dict[str, list[str]] | None]:
        if self.cache is None:
            return [None] * len(batch)
        from indexer.entity_facets import facet_values

        return facet_values([a.text for a in batch], self.cache)

    def finish(self) -> list:
        """Close the current segment; all segments written so far."""
        if self._builder is not None:
            self.segments.append(self._builder.finish())
            self._builder = None
        return self.segments


def _batches(articles: Iterable[Article]) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _segment_worker(ix, cache: Path | None, jobs, results) -> None:
    """A worker process: analyses (and finds the entities of) batches from ``jobs`` into its
    own segments; reports each batch done, then its segments, on ``results``."""
    try:
        writing = _SegmentWriting(ix, cache)
        while (batch := jobs.get()) is not None:
            writing.add_batch(batch)
            results.put(("done", len(batch)))
        results.put(("segments", writing.finish()))
    except BaseException as err:
        # The one-line reason for the summary, the traceback for whoever debugs it.
        results.put(("error", (f"{type(err).__name__}: {err}", traceback.format_exc())))


class _Workers:
    """Worker processes writing segments in parallel, fed batches of articles."""

    def __init__(self, ix, workers: int, cache: Path | None, progress: Progress) -> None:
        ctx = multiprocessing.get_context("fork")
        self.jobs = ctx.Queue(2 * workers)
        self.results = ctx.Queue()
        self.progress = progress
        self.segments: list = []
        self.running = workers
        self.procs = [
            ctx.Process(target=_segment_worker, args=(ix, cache, self.jobs, self.results),
                        daemon=True)
            for _ in range(workers)
        ]
        for proc in self.procs:
            proc.start()

    def put(self, job: list[Article] | None) -> None:
        while True:
            try:
                self.jobs.put(job, timeout=0.2)
                break
            except queue.Full:
                self.collect(wait=False)
        self.collect(wait=False)

    def collect(self, wait: bool) -> None:
        """Handle the workers' reports (all of them up to their segments when ``wait``)."""
        while self.running:
            try:
                kind, value = self.results.get(timeout=1.0 if wait else 0)
            except queue.Empty:
                reported = len(self.procs) - self.running
                if sum(not p.is_alive() for p in self.procs) > reported:
                    raise BuildError("a worker process died; the live index is unchanged") from None
                if not wait:
                    return
                continue
            if kind == "done":
                self.progress(value)
            elif kind == "segments":
                self.segments += value
                self.running -= 1
            else:
                reason, trace = value
                error = BuildError(f"a worker failed: {reason}; the live index is unchanged")
                error.detail = trace.rstrip()
                raise error

    def finish(self) -> list:
        for _ in self.procs:
            self.put(None)
        self.collect(wait=True)
        for proc in self.procs:
            proc.join()
        return self.segments

    def stop(self) -> None:
        """End the workers (they may be blocked on a queue) and the queues' threads."""
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        self.jobs.cancel_join_thread()
        self.results.cancel_join_thread()


def _write_index(
    ix, articles: Iterable[Article], workers: int, cache: Path | None, progress: Progress
) -> None:
    """Write all articles into new segments of the empty index ``ix`` and commit them."""
    if cache is not None:
        from indexer.entity_cache import EntityCache

        EntityCache(cache).close()  # create the file in WAL mode before the workers share it
    if workers > 1:
        pool = _Workers(ix, workers, cache, progress)
        try:
            for batch in _batches(articles):
                pool.put(batch)
            segments = pool.finish()
        finally:
            pool.stop()
    else:
        writing = _SegmentWriting(ix, cache)
        try:
            for batch in _batches(articles):
                writing.add_batch(batch)
                progress(len(batch))
            segments = writing.finish()
        finally:
            gc.unfreeze()
    writer = ix.writer(codec=MuragatCodec())
    writer.commit(mergetype=lambda _writer, existing: existing + segments)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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
        try:
            read = ReadReport()
            articles = _split(iter_archive(archive, read), report)
            ix = whoosh_index.create_in(str(partial), build_schema())

            def done(count: int) -> None:
                report.articles += count
                for _ in range(count):
                    if progress:
                        progress(1)

            cache = entity_cache_path(index) if entities else None
            _write_index(ix, articles, workers, cache, done)
            report.skipped.extend(read.problems)
            report.encodings = read.encodings
            _verify(partial, report.articles)
            report.seconds = time.monotonic() - started
            report.index_bytes = folder_size(partial)
            (partial / BUILD_INFO).write_text(json.dumps(report.to_json(), indent=2))
            generations.publish(index, partial)
        except BaseException as err:
            shutil.rmtree(partial, ignore_errors=True)
            if isinstance(err, OSError):
                raise BuildError(f"the rebuild failed: {err}; the live index is unchanged") from err
            raise
    return report


def _verify(path: Path, expected: int) -> None:
    # Without mmap: opening the segments then reads only what it needs, where mapping them
    # made most of the new index resident in this process (600 MB of 9,000 articles).
    ix = FileStorage(str(path), supports_mmap=False).open_index()
    with ix.searcher() as searcher:
        count = searcher.doc_count()
    if count != expected:
        raise BuildError(f"the new index holds {count} articles, expected {expected}")


@dataclass
class LiveArticles:
    """What the live index knows of each article, for ``update``."""

    checksums: dict[str, str] = field(default_factory=dict)  # id → checksum
    stamps: dict[str, str] = field(default_factory=dict)  # archive file → its stamp
    ids_of_file: dict[str, list[str]] = field(default_factory=dict)


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
        known = state.checksums
        seen: set[str] = set()

        def unchanged(rel: str, stamp: str) -> bool:
            """A file of the same size and mtime as when indexed is not read again."""
            if state.stamps.get(rel) != stamp:
                return False
            ids = state.ids_of_file[rel]
            seen.update(ids)
            report.unchanged += len(ids)
            if progress:
                progress(len(ids))
            return True

        read = ReadReport()
        changed: list[Article] = []
        for article in _split(iter_archive(archive, read, unchanged), report):
            seen.add(article.id)
            old = known.get(article.id)
            if old == article.checksum:
                report.unchanged += 1
            else:
                changed.append(article)
                if old is None:
                    report.added += 1
                else:
                    report.replaced += 1
            if progress:
                progress(1)
        report.skipped.extend(read.problems)
        report.encodings = read.encodings
        gone = [doc_id for doc_id in known if doc_id not in seen]
        report.deleted = len(gone)
        if changed or gone:
            writer = ix.writer(limitmb=256, codec=MuragatCodec())
            try:
                for doc_id in gone:
                    writer.delete_by_term("id", doc_id)
                cache = entity_cache_path(index) if entities else None
                for doc in _documents(changed, workers, cache):
                    writer.update_document(**doc)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        report.articles = report.added + report.replaced
        report.seconds = time.monotonic() - started
        report.index_bytes = folder_size(live)
    return report


def rollback(index: Path) -> Path:
    """Make the previous build live again (and the live one the previous)."""
    with WriterLock(generations.lock_path(index)):
        return generations.rollback(index)
