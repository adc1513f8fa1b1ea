"""Segment writers in parallel: forked worker processes, each writing its own segment from the
batches of articles it is fed, reporting progress, its segments or its failure."""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from pathlib import Path

from indexer.build.report import BuildError, Progress
from indexer.build.reprints import Sketch, sketch_of
from indexer.build.segments import SegmentWriting
from indexer.records import Article


def segment_worker(ix, cache: Path | None, jobs, results) -> None:
    """A worker process: analyses (and finds the entities of) batches from ``jobs`` into its
    own segments; reports each batch done with its articles' shingles, then its segments, on
    ``results``."""
    try:
        writing = SegmentWriting(ix, cache)
        while (batch := jobs.get()) is not None:
            writing.add_batch(batch)
            results.put(("done", (len(batch), writing.take_shingled())))
        segments = writing.finish()
        results.put(("sources", writing.entity_sources()))
        results.put(("segments", segments))
    except BaseException as err:
        # The one-line reason for the summary, the traceback for whoever debugs it.
        results.put(("error", (f"{type(err).__name__}: {err}", traceback.format_exc())))


class Workers:
    """Worker processes writing segments in parallel, fed batches of articles."""

    def __init__(self, ix, workers: int, cache: Path | None, progress: Progress) -> None:
        ctx = multiprocessing.get_context("fork")
        self.jobs = ctx.Queue(2 * workers)
        self.results = ctx.Queue()
        self.progress = progress
        self.segments: list = []
        self.sketches: list[Sketch] = []
        self.running = workers
        from indexer.entities.cache import CacheStats

        self.entity_sources = CacheStats()  # where the workers' entities came from
        self.procs = [
            ctx.Process(target=segment_worker, args=(ix, cache, self.jobs, self.results),
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
                count, shingled = value
                self.sketches += [sketch_of(s) for s in shingled]  # MinHash: here, not there
                self.progress(count)
            elif kind == "sources":
                self.entity_sources.add(value)
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
