"""Building the index: the archive's articles, analysed in parallel, written to Whoosh.

``rebuild`` writes a complete new build beside the live index and swaps it in atomically;
``update`` adds, replaces and deletes articles in the live index by checksum.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import generations
from indexer.archive import iter_archive
from indexer.codec import MuragatCodec
from indexer.lock import WriterLock
from indexer.records import Article, Problem, ReadReport
from indexer.schema import ENTITY_FIELDS, build_schema

BUILD_INFO = "muragat-build.json"
BATCH = 32
# Articles handed to the entity workers at a time: bounds the memory of the pipeline.
WINDOW = 16 * BATCH


class BuildError(RuntimeError):
    """A rebuild that failed; the live index is untouched."""


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
    for path in archive_files(root, ReadReport()):
        if path.name.endswith(".txt"):
            total += 1
            continue
        try:
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
        except (OSError, EOFError):
            continue
        total += sum(1 for line in data.splitlines() if line.strip())
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


def _writer(ix, workers: int):
    codec = MuragatCodec()
    if workers > 1:
        # Whoosh's own multiprocessing writer: each process analyses and writes a segment.
        return ix.writer(procs=workers, multisegment=True, limitmb=128, batchsize=64,
                         subargs={"codec": codec})
    return ix.writer(limitmb=256, codec=codec)


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
            writer = _writer(ix, workers)
            try:
                cache = entity_cache_path(index) if entities else None
                for doc in _documents(articles, workers, cache):
                    writer.add_document(**doc)
                    report.articles += 1
                    if progress:
                        progress(1)
                writer.commit(optimize=False)
            except BaseException:
                writer.cancel()
                raise
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
    ix = whoosh_index.open_dir(str(path))
    with ix.searcher() as searcher:
        count = searcher.doc_count()
    if count != expected:
        raise BuildError(f"the new index holds {count} articles, expected {expected}")


def live_checksums(ix) -> dict[str, str]:
    """id → checksum of every article in an open index, read from the columns."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        sums = reader.column_reader("checksum")
        return {ids[n]: sums[n] for n in reader.all_doc_ids()}


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
        ix = whoosh_index.open_dir(str(live))
        known = live_checksums(ix)
        seen: set[str] = set()
        read = ReadReport()
        changed: list[Article] = []
        for article in _split(iter_archive(archive, read), report):
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
