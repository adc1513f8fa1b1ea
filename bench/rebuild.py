"""Rebuild throughput and memory over the real news of ../shared/corpora.

    python bench/rebuild.py [--limit N] [--workers 2] [--modes plain,cold,warm,rules]

Copies the NG, RT and Meduza JSON Lines files into one archive file (about 9,000 articles of
~6,000 characters), then times ``indexer.build.rebuild`` in a fresh process per mode:
``plain`` (--no-entities), ``cold`` (entities, empty cache), ``warm`` (entities, cache full),
``rules`` (entities after a change of the rules alone: the child stands another rules version
in for ``indexer.entities.VERSION``, so every cached result is stale but the model's cached
spans are not — the rules run again over them; it needs a cold or warm mode before it to
fill the cache, and is skipped with a message otherwise). Prints articles/s, peak memory of the
main process and of the largest worker, index size, CPU time per article (user + system, the main
process and its workers: steadier than wall time on a shared machine), and where the entities
came from: texts the NER model ran on, texts the rules ran on over cached spans, results
served as stored. Then the reprint groups found and the
seconds of the grouping pass at the end of the rebuild (the articles' MinHash sketches are
made in the workers, inside the CPU time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("MURAGAT_CORPORA") or ROOT.parent / "shared" / "corpora")
FILES = [
    "ng_rt_kw_eval/ng.jsonl",
    "ng_rt_kw_eval/rt.jsonl.gz",
    "meduza_golunov/meduza_golunov.jsonl",
]


def make_archive(dest: Path, limit: int | None) -> tuple[int, int]:
    """Write the corpus (or its first ``limit`` articles) as JSON Lines; count and chars."""
    dest.mkdir(parents=True, exist_ok=True)
    count = chars = 0
    with open(dest / "news.jsonl", "w", encoding="utf-8") as out:
        for name in FILES:
            path = CORPORA / name
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    if limit is not None and count >= limit:
                        return count, chars
                    record = json.loads(line)
                    chars += len(record["text"])
                    out.write(line if line.endswith("\n") else line + "\n")
                    count += 1
    return count, chars


def run_one(archive: Path, index: Path, workers: int, mode: str) -> dict:
    """Run in a child process, so each measurement starts cold and memory is its own."""
    import indexer.entities
    from indexer.build import rebuild

    if mode == "rules":  # a rules change: results keyed by another version, spans as cached
        indexer.entities.VERSION += "/bench-rules-change"
    report = rebuild(archive, index, workers=workers, entities=mode != "plain")
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(r.ru_utime + r.ru_stime for r in (own, children))
    sources = report.entity_sources
    return {"articles": report.articles, "seconds": report.seconds, "rate": report.rate,
            "main_mb": own.ru_maxrss // 1024, "worker_mb": children.ru_maxrss // 1024,
            "index_bytes": report.index_bytes, "cpu_ms": 1000 * cpu / max(report.articles, 1),
            "groups": report.reprint_groups, "grouping_s": report.reprint_seconds,
            "model": sources.model, "rules": sources.rules, "cached": sources.cached}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="plain,cold,warm,rules")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        archive, index, workers, mode = args.child
        print(json.dumps(run_one(Path(archive), Path(index), int(workers), mode)))
        return 0
    if not CORPORA.is_dir():
        print(f"skipped: {CORPORA} is not here (the shared corpora are needed)")
        return 0
    work = Path(tempfile.mkdtemp(prefix="muragat-bench-"))
    try:
        count, chars = make_archive(work / "archive", args.limit)
        print(f"corpus: {count:,} articles, {chars / 1e6:.1f} M characters, "
              f"{chars / count:,.0f} per article; workers {args.workers}")
        print(f"{'mode':<8}{'articles/s':>12}{'seconds':>10}{'main MB':>10}"
              f"{'worker MB':>11}{'index MB':>10}{'index/raw':>11}{'CPU ms/art':>12}"
              f"{'model':>8}{'rules':>8}{'stored':>8}")
        filled = False  # whether an entity mode before this one filled the entity cache
        for mode in args.modes.split(","):
            if mode == "rules" and not filled:
                print("rules: skipped (it reruns the rules over the model spans that a cold or "
                      "warm mode before it cached: give one first, e.g. --modes cold,rules)",
                      flush=True)
                continue
            index = work / "instance" / "index"
            if mode in ("plain", "cold"):
                shutil.rmtree(work / "instance", ignore_errors=True)  # the cache with it
            filled = mode in ("cold", "warm") or filled and mode == "rules"
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(work / "archive"), str(index),
                 str(args.workers), mode],
                capture_output=True, text=True, check=True, cwd=ROOT,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            raw = (work / "archive" / "news.jsonl").stat().st_size
            print(f"{mode:<8}{r['rate']:>12.1f}{r['seconds']:>10.1f}{r['main_mb']:>10}"
                  f"{r['worker_mb']:>11}{r['index_bytes'] / 2**20:>10.1f}"
                  f"{r['index_bytes'] / raw:>11.2f}{r['cpu_ms']:>12.1f}{r['model']:>8}"
                  f"{r['rules']:>8}{r['cached']:>8}", flush=True)
            print(f"{'':<8}reprints: {r['groups']:,} groups; grouping pass "
                  f"{r['grouping_s']:.2f} s", flush=True)
        print("model: texts the NER model ran on; rules: texts whose cached model spans the "
              "rules ran on again; stored: results served as stored")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
