"""The scale benchmark: rebuild, update and index size on synthetic archives of N articles.

    .venv/bin/python bench/scale.py [--sizes 10000,100000] [--entity-sizes 10000]
                                    [--workers N] [--format txt] [--latency]
                                    [--modes plain,update,cold,warm] [--pages] [--chars 6500]

For every size N it makes (or reuses) a corpus of N articles with ``bench/make_corpus.py``
under ``bench/out/scale/corpus-N-sSEED-FORMAT/`` (``…-cCHARS/`` with ``--chars``, articles of
about CHARS characters on average instead of ~3,300; git-ignored), then measures, each in a fresh
child process:

- ``plain``: ``indexer.build.rebuild`` with entities off (``--no-entities``);
- ``update``: ``indexer.build.update`` with nothing changed;
- ``cold`` / ``warm`` (only for the sizes in ``--entity-sizes``): a rebuild with entities and
  an empty entity cache, then again with the cache the cold run filled.

It prints articles/s, wall time, peak memory (main process and the largest worker, from
``getrusage``: ``RUSAGE_SELF`` / ``RUSAGE_CHILDREN`` of the child) and the index size against
the raw archive bytes, and writes them to ``bench/out/scale/results.json``.

``--pages`` times entity pages (``bench/entity_pages.py``) on each index built with entities,
after its last entity mode.

``--latency`` hands each plain index to ``measure_latency(index: Path, queries: int) -> dict``
of ``bench/search_latency.py`` when that function exists (the search benchmark's hook).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out" / "scale"
MODES = ("plain", "update", "cold", "warm")


def corpus(size: int, seed: int, fmt: str, chars: int | None = None) -> tuple[Path, dict]:
    """The corpus of ``size`` articles (of about ``chars`` characters on average, else the
    default length), generated unless a complete one is cached."""
    sys.path.insert(0, str(ROOT / "bench"))
    import make_corpus

    out = OUT / (f"corpus-{size}-s{seed}-{fmt}" + (f"-c{chars}" if chars else ""))
    marker = make_corpus.read_marker(out)
    wanted = (make_corpus.VERSION, size, seed, fmt, chars)
    keys = ("version", "count", "seed", "format", "article_chars")
    if marker and tuple(marker.get(k) for k in keys) == wanted:
        print(f"corpus {out.name}: cached", flush=True)
        return out, marker
    print(f"corpus {out.name}: generating …", flush=True)
    marker = make_corpus.write_corpus(out, size, seed, fmt, article_chars=chars)
    print(f"corpus {out.name}: {marker['count']:,} articles, avg {marker['avg_chars']:,} "
          f"characters, {marker['raw_bytes'] / 2**20:.1f} MB in {marker['seconds']} s", flush=True)
    return out, marker


def child(mode: str, archive: Path, index: Path, workers: int) -> dict:
    """One measurement, run inside the child process."""
    from indexer.build import rebuild, update

    started = time.monotonic()
    if mode == "update":
        report = update(archive, index, workers=workers, entities=False)
    else:
        report = rebuild(archive, index, workers=workers, entities=mode != "plain")
    wall = time.monotonic() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(r.ru_utime + r.ru_stime for r in (own, children))
    return {
        "mode": mode,
        "articles": report.articles,
        "unchanged": report.unchanged,
        "skipped": len(report.skipped),
        "warnings": len(report.warnings),
        "seconds": round(wall, 2),
        "rate": round((report.articles or report.unchanged) / wall, 1) if wall else 0.0,
        "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        "index_bytes": report.index_bytes,
        # CPU (user + system) of the rebuild and its workers per article: steadier than wall
        # time on a shared machine.
        "cpu_ms": round(1000 * cpu / max(report.articles or report.unchanged, 1), 2),
    }


def measure(mode: str, archive: Path, index: Path, workers: int) -> dict:
    """Run ``child`` in a fresh interpreter and return what it measured."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(archive), str(index), str(workers)],
        capture_output=True, text=True, cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def drop_entity_cache(index: Path) -> None:
    """Delete the entity cache, so the next rebuild with entities runs cold."""
    from indexer.build import entity_cache_path

    cache = entity_cache_path(index)
    for path in (cache, Path(f"{cache}-wal"), Path(f"{cache}-shm")):
        path.unlink(missing_ok=True)


def latency(index: Path, queries: int) -> dict | None:
    """Search latency at this size, from bench/search_latency.py's hook when it has one."""
    path = ROOT / "bench" / "search_latency.py"
    if not path.exists():
        print("latency: bench/search_latency.py is not there; skipped")
        return None
    spec = importlib.util.spec_from_file_location("search_latency", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    hook = getattr(module, "measure_latency", None)
    if hook is None:
        print("latency: bench/search_latency.py has no measure_latency(index, queries); skipped")
        return None
    result = hook(index, queries)
    print(f"latency: {json.dumps(result, ensure_ascii=False)}")
    return result


def pages(index: Path) -> dict:
    """Entity-page latency at this size (bench/entity_pages.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import entity_pages

    result = entity_pages.measure_pages(index)
    print(f"entity pages: {json.dumps(result, ensure_ascii=False)}", flush=True)
    return result


def row(size: int, raw_bytes: int, r: dict) -> str:
    ratio = r["index_bytes"] / raw_bytes if raw_bytes else 0.0
    return (f"{size:>8,} {r['mode']:<7}{r['rate']:>11,.1f}{r['seconds']:>9.1f}"
            f"{r['main_mb']:>9}{r['worker_mb']:>11}{r['index_bytes'] / 2**20:>10.1f}"
            f"{ratio:>10.2f}{r['skipped']:>8}{r.get('cpu_ms', 0):>8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--entity-sizes", default="10000",
                        help="Sizes also rebuilt with entities, cold and warm ('' for none).")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt")
    parser.add_argument("--chars", type=int, default=None,
                        help="Characters per article on average (e.g. 6500; default ~3,300).")
    parser.add_argument("--latency", action="store_true",
                        help="Also time searches (bench/search_latency.py:measure_latency).")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pages", action="store_true",
                        help="Also time entity pages on the index built with entities.")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="Modes to run, of plain,update,cold,warm (default: all that apply).")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, archive, index, workers = args.child
        print(json.dumps(child(mode, Path(archive), Path(index), int(workers))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    entity_sizes = {int(s) for s in args.entity_sizes.split(",") if s.strip()}
    OUT.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    header = (f"{'size':>8} {'mode':<7}{'art/s':>11}{'seconds':>9}{'main MB':>9}"
              f"{'worker MB':>11}{'index MB':>10}{'idx/raw':>10}{'skipped':>8}{'CPU ms':>8}")
    lines: list[str] = []
    for size in sizes:
        archive, info = corpus(size, args.seed, args.format, args.chars)
        instance = OUT / (f"instance-{size}" + (f"-c{args.chars}" if args.chars else ""))
        wanted = [m for m in args.modes.split(",") if m in MODES]
        if "plain" in wanted:
            shutil.rmtree(instance, ignore_errors=True)
        index = instance / "index"
        modes = [m for m in ("plain", "update") if m in wanted] + (
            [m for m in ("cold", "warm") if m in wanted] if size in entity_sizes else [])
        for mode in modes:
            if mode == "cold":
                drop_entity_cache(index)
            print(f"{size:,} {mode} … (workers {args.workers})", flush=True)
            r = measure(mode, archive, index, args.workers)
            r.update(size=size, raw_bytes=info["raw_bytes"], characters=info["characters"],
                     workers=args.workers)
            results.append(r)
            lines.append(row(size, info["raw_bytes"], r))
            print(header + "\n" + lines[-1], flush=True)
            if mode == "plain" and args.latency:
                r["latency"] = latency(index, args.queries)
            if mode in ("cold", "warm") and mode == modes[-1] and args.pages:
                r["pages"] = pages(index)
    print(f"\nworkers {args.workers}; raw = bytes of the archive files; update = nothing changed")
    print(header)
    print("\n".join(lines))
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"results: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
