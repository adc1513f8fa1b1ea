"""Cold entity-extraction speed and memory on real NG articles (~6,000 characters each).

    .venv/bin/python bench/entities_speed.py [--docs 300] [--batch 64] [--big-mb 0]

Runs in one process, i.e. one core (set OPENBLAS_NUM_THREADS=1 to keep numpy on one core):
model load, then ``extract_many`` in batches as a rebuild worker does; prints articles/s (wall
clock), CPU milliseconds per article and articles per CPU-second (the per-core rate, also on a
busy machine), the RSS after loading and the peak RSS (``ru_maxrss``). ``--profile`` also prints
where the CPU time goes (cProfile, top functions). ``--big-mb N`` also extracts one N-MB text to
show memory stays bounded.
Reads ``../shared/corpora/ng_rt_kw_eval`` relative to the repository root; skips when absent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer import entities  # noqa: E402

NG = (Path(os.environ.get("MURAGAT_CORPORA") or ROOT.parent / "shared" / "corpora")
      / "ng_rt_kw_eval" / "ng.jsonl")


def rss_mb() -> float:
    """Peak RSS of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """RSS now (Linux), else the peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mb()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64, help="articles per extract_many call")
    ap.add_argument("--big-mb", type=float, default=0, help="also extract one text of this size")
    ap.add_argument("--profile", action="store_true", help="print the top functions (cProfile)")
    args = ap.parse_args()
    if not NG.exists():
        print(f"SKIP: {NG} not found")
        return 0
    texts = []
    with NG.open(encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= args.docs:
                break
    chars = sum(map(len, texts))
    print(f"rss before load: {current_rss_mb():.0f} MB")
    t0, c0 = time.perf_counter(), time.process_time()
    entities.extract("Загрузка модели в Астане.")
    load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    loaded = current_rss_mb()
    print(f"model load: {load:.2f} s ({load_cpu:.2f} CPU s), rss {loaded:.0f} MB")
    profiler = cProfile.Profile() if args.profile else None
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    found = 0
    for i in range(0, len(texts), args.batch):
        found += sum(map(len, entities.extract_many(texts[i : i + args.batch])))
    if profiler:
        profiler.disable()
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    print()
    print(
        "| articles | avg chars | wall s | articles/s (wall) | CPU s | CPU ms/article "
        "| articles/CPU-s | entities | RSS after load MB | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(texts)} | {chars / len(texts):.0f} | {sec:.1f} | {len(texts) / sec:.1f} "
        f"| {cpu:.1f} | {cpu / len(texts) * 1000:.1f} | {len(texts) / cpu:.1f} | {found} "
        f"| {loaded:.0f} | {rss_mb():.0f} |"
    )
    if profiler:
        print("\n(profiled run: the profiler roughly doubles the time of Python code)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    if args.big_mb:
        size = int(args.big_mb * 1e6)
        parts, total = [], 0
        while total < size:
            parts.append(texts[len(parts) % len(texts)])
            total += len(parts[-1]) + 1
        big = "\n".join(parts)
        del parts
        t0 = time.perf_counter()
        n = len(entities.extract(big))
        sec = time.perf_counter() - t0
        print(
            f"\none text of {len(big) / 1e6:.0f}M chars: {sec:.0f} s, {n} entities, "
            f"peak RSS {rss_mb():.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
