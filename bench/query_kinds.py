"""Search latency by query kind, where the time goes, and how many reads each query makes.

    python bench/query_kinds.py INDEX [--per-kind 60] [--rounds 2] [--kinds known,phrase,…]
                                      [--cprofile DIR] [--http] [--json OUT]

Query kinds, drawn from INDEX itself with a fixed seed (so they work on synthetic archives):

- ``known``: 2–4 content words of one sentence of an indexed article (half of them with every
  word put into another grammatical form), as ``bench/known_item.py`` makes them;
- ``phrase``: two or three consecutive words of a sentence, quoted;
- ``frequent``: one frequent word (the index's most frequent words of five letters or more by
  body document frequency, and «россия», «год»);
- ``topic``: a fixed list of one- to three-word news topics («цены на нефть», «выборы
  президента» …);
- ``filtered``: one or two content words with a date range or a source;
- ``browse``: no words, a date range or a source (newest first).

Every request is what ``/api/search`` computes by default: 10 hits with snippets and all
facets. Round 1 starts cold (a fresh ``Searcher``: empty postings and stored-field caches);
later rounds repeat the queries. For each kind: p50 / p95 / max per round, and with
``--stages``, for the chosen round, the mean time per stage (each stage's own time, nested
stages subtracted: query evaluation, phrase checks, reading postings, proximity windows, the
sentence check's character offsets, passages, stored fields, snippets, facets …) and the mean
number of reads per query: Python-level reads of Whoosh's segment files (``SubFile.read`` of
the compound ``.seg``) and ``os.pread`` of the postings arrays. ``--cprofile DIR`` also writes
one cProfile file per kind (of that round). ``--http`` instead times the same queries over real
HTTP (this checkout's ``web.serve`` on loopback, one request at a time on a keep-alive
connection).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20261201
KINDS = ("known", "phrase", "frequent", "topic", "filtered", "browse")
TOPICS = (
    "цены на нефть", "выборы президента", "санкции против россии", "курс рубля",
    "пенсионная реформа", "экономический кризис", "война в сирии", "инфляция",
    "государственный бюджет", "налоговая реформа", "коррупция чиновников",
    "министерство обороны", "нато", "евросоюз", "украина", "крым", "газпром",
    "олимпийские игры", "чемпионат мира по футболу", "изменение климата", "здравоохранение",
    "школьное образование", "выборы в госдуму", "приговор суда", "уголовное дело",
    "митинг оппозиции", "центральный банк ключевая ставка", "авиакатастрофа", "землетрясение",
    "мигранты", "терроризм", "хакерская атака", "космос", "нефть газ", "президент россии",
    "правительство", "безработица", "малый бизнес", "ядерное оружие", "сельское хозяйство",
)


def make_queries(searcher, per_kind: int, kinds: tuple[str, ...]) -> list[tuple[str, dict]]:
    """(kind, URL parameters) for every kind, reproducibly from the index's own articles."""
    import razdel
    from known_item import other_form
    from search_latency import content_words, frequent_words

    rng = random.Random(SEED)
    view = searcher._current()
    alive = np.flatnonzero(view.alive)
    sources = [s["value"] for s in searcher.stats()["sources"]]
    out: list[tuple[str, dict]] = []

    def sentence_words() -> list[str]:
        while True:
            doc = int(alive[rng.randrange(len(alive))])
            body = view.stored(doc).get("body", "")
            sentences = [s.text for s in razdel.sentenize(body[:20000])]
            sentences = [s for s in sentences if len(s.split()) >= 6]
            if not sentences:
                continue
            words = list(dict.fromkeys(w.lower() for w in content_words(rng.choice(sentences))))
            if len(words) >= 4:
                return words

    if "known" in kinds:
        made = 0
        while made < per_kind:
            words = sentence_words()
            k = rng.randint(2, 4)
            picked = [words[i] for i in sorted(rng.sample(range(len(words)), k))]
            if made % 2:
                changed = [other_form(w, rng) for w in picked]
                if any(c is None for c in changed):
                    continue
                picked = changed
            out.append(("known", {"q": " ".join(picked)}))
            made += 1
    if "phrase" in kinds:
        for _ in range(per_kind):
            words = sentence_words()
            n = rng.choice((2, 2, 3))
            i = rng.randrange(len(words) - n + 1)
            out.append(("phrase", {"q": '"' + " ".join(words[i:i + n]) + '"'}))
    if "frequent" in kinds:
        words = ["россия", "год"] + [w for w in frequent_words(searcher, per_kind)
                                     if w not in ("россия", "год")]
        out += [("frequent", {"q": w}) for w in words[:per_kind]]
    if "topic" in kinds:
        topics = list(TOPICS) * (per_kind // len(TOPICS) + 1)
        out += [("topic", {"q": t}) for t in topics[:per_kind]]
    if "filtered" in kinds:
        for _ in range(per_kind):
            words = sentence_words()
            params = {"q": " ".join(rng.sample(words, rng.randint(1, 2)))}
            if rng.random() < 0.5:
                year = rng.randint(2005, 2025)
                params.update({"from": str(year), "to": str(year + 1)})
            else:
                params["source"] = rng.choice(sources)
            out.append(("filtered", params))
    if "browse" in kinds:
        for i in range(per_kind):
            if i % 2:
                year = rng.randint(2001, 2025)
                out.append(("browse", {"from": f"{year}-{rng.randint(1, 12):02d}"}))
            else:
                out.append(("browse", {"source": rng.choice(sources)}))
    return out


class Stages:
    """Own time per stage (nested stages subtracted) and read counts, per query."""

    def __init__(self) -> None:
        self.stack: list[list] = []
        self.own: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.reads: dict[str, int] = defaultdict(int)
        self.read_bytes: dict[str, int] = defaultdict(int)

    def reset(self) -> None:
        self.own.clear()
        self.calls.clear()
        self.reads.clear()
        self.read_bytes.clear()

    def wrap(self, owner, name: str, label: str) -> None:
        func = getattr(owner, name)
        stages = self

        def timed(*args, **kwargs):
            frame = [label, time.perf_counter(), 0.0]
            stages.stack.append(frame)
            try:
                return func(*args, **kwargs)
            finally:
                stages.stack.pop()
                took = time.perf_counter() - frame[1]
                stages.own[label] += took - frame[2]
                stages.calls[label] += 1
                if stages.stack:
                    stages.stack[-1][2] += took

        setattr(owner, name, timed)

    def count_reads(self) -> None:
        from whoosh.filedb.compound import SubFile

        stages = self
        sub_read = SubFile.read

        def read(self, size=None):
            data = sub_read(self, size)
            label = stages.stack[-1][0] if stages.stack else "-"
            stages.reads[f"seg: {label}"] += 1
            stages.read_bytes[f"seg: {label}"] += len(data)
            return data

        SubFile.read = read
        pread = os.pread

        def counted_pread(fd, n, offset):
            data = pread(fd, n, offset)
            label = stages.stack[-1][0] if stages.stack else "-"
            stages.reads[f"pread: {label}"] += 1
            stages.read_bytes[f"pread: {label}"] += len(data)
            return data

        os.pread = counted_pread


# (module, owner or None for a module-level function, name, label): the stages timed. A name
# that the code no longer has is skipped, so that one script times the code before and after
# a change.
STAGES = (
    ("execute", "Search", "run", "other (request)"),
    ("execute", "Search", "_facet_filters", "filters"),
    ("execute", "Search", "_date_filter", "filters"),
    ("tiers", "Tiers", "rank", "tiers: other"),
    ("matching", "Engine", "evaluate", "evaluate: match+score"),
    ("phrases", "PhraseMatcher", "match", "evaluate: phrase check"),
    ("proximity", "Reranker", "rerank", "rerank: other"),
    ("proximity", "Reranker", "windows", "rerank: proximity windows"),
    ("proximity", "Reranker", "_sentences", "rerank: sentence check"),
    ("proximity", None, "window_chars", "rerank: sentence check offsets"),
    ("proximity", "Reranker", "_passages", "rerank: passages"),
    ("proximity", "Reranker", "_sentence_ids", "rerank: passage offsets"),
    ("proximity", None, "sentences", "rerank: sentence split"),
    ("view", None, "read_postings", "postings: read"),
    ("postings", "Postings", "_positions_from_arrays", "positions from arrays"),
    ("view", "IndexView", "sentence_map", "sentence maps"),
    ("posting_arrays", "SegmentArrays", "read", "postings arrays: pread"),
    ("postings", "Blocks", "__getitem__", "values: block decode"),
    ("view", "IndexView", "stored", "stored fields"),
    ("execute", None, "build_hit", "hits: other"),
    ("results", None, "spans", "hits: snippet offsets"),
    ("results", None, "fragments", "hits: fragments"),
    ("results", None, "mark", "hits: fragments"),
    ("execute", None, "top_values", "facets"),
    ("execute", None, "date_histogram", "facets"),
    ("execute", "Search", "_facets", "facets"),
    ("rewrite", None, "rewrite", "rewrite"),
)


def instrument() -> Stages:
    import importlib

    st = Stages()
    for module_name, owner_name, name, label in STAGES:
        package = "store" if module_name == "posting_arrays" else "search"
        module = importlib.import_module(f"indexer.{package}.{module_name}")
        owner = getattr(module, owner_name, None) if owner_name else module
        if owner is not None and hasattr(owner, name):
            st.wrap(owner, name, label)
    st.count_reads()
    return st


def summary(times: list[float]) -> dict:
    a = np.array(times) * 1000
    return {"n": len(a), "p50": round(float(np.percentile(a, 50)), 1),
            "p95": round(float(np.percentile(a, 95)), 1), "max": round(float(a.max()), 1),
            "mean": round(float(a.mean()), 1)}


def run_in_process(index: Path, queries, rounds: int, detail_round: int,
                   cprofile_dir: Path | None, with_stages: bool) -> dict:
    from indexer.search import Searcher, parse_request
    from indexer.text.morphology import morph

    morph()  # loaded once per process (the first request of a server pays it)
    stages = instrument() if with_stages else Stages()
    result: dict = {}
    searcher = Searcher(index)
    _ = searcher.version
    for r in range(1, rounds + 1):
        times: dict[str, list[float]] = defaultdict(list)
        cpu: dict[str, list[float]] = defaultdict(list)
        per_kind: dict[str, dict] = defaultdict(lambda: {"own": defaultdict(float),
                                                         "reads": defaultdict(int),
                                                         "read_bytes": defaultdict(int)})
        profiles: dict[str, cProfile.Profile] = {}
        for kind, params in queries:
            req = parse_request(params)
            stages.reset()
            prof = None
            if cprofile_dir and r == detail_round:
                prof = profiles.setdefault(kind, cProfile.Profile())
                prof.enable()
            c = time.thread_time()
            t = time.perf_counter()
            searcher.search(req)
            took = time.perf_counter() - t
            cpu[kind].append(time.thread_time() - c)
            if prof:
                prof.disable()
            times[kind].append(took)
            d = per_kind[kind]
            for k, v in stages.own.items():
                d["own"][k] += v
            for k, v in stages.reads.items():
                d["reads"][k] += v
            for k, v in stages.read_bytes.items():
                d["read_bytes"][k] += v
        result[f"round{r}"] = {k: summary(v) for k, v in times.items()}
        result[f"round{r}"]["all"] = summary([t for v in times.values() for t in v])
        # CPU time of the searching thread: steadier than wall time on a shared machine.
        result[f"cpu_round{r}"] = {k: summary(v) for k, v in cpu.items()}
        result[f"cpu_round{r}"]["all"] = summary([t for v in cpu.values() for t in v])
        if cprofile_dir and r == detail_round:
            cprofile_dir.mkdir(parents=True, exist_ok=True)
            for kind, prof in profiles.items():
                prof.dump_stats(cprofile_dir / f"{kind}.prof")
        if not with_stages:
            continue
        result[f"round{r}_stages"] = {
            kind: {"own_ms": {k: round(1000 * v / len(times[kind]), 2)
                              for k, v in sorted(d["own"].items(), key=lambda kv: -kv[1])},
                   "reads": {k: round(v / len(times[kind]), 1)
                             for k, v in sorted(d["reads"].items(), key=lambda kv: -kv[1])},
                   "read_kb": {k: round(v / len(times[kind]) / 1024, 1)
                               for k, v in d["read_bytes"].items()}}
            for kind, d in per_kind.items()}
    return result


def run_http(index: Path, queries, rounds: int) -> dict:
    import http.client

    from load import HOST, OUT, free_port, start_server

    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    proc = start_server(index, port, 1, 8, OUT / "query-kinds-http.log")
    result: dict = {}
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        for r in range(1, rounds + 1):
            times: dict[str, list[float]] = defaultdict(list)
            for kind, params in queries:
                t = time.perf_counter()
                conn.request("GET", "/api/search?" + urlencode(params))
                response = conn.getresponse()
                response.read()
                times[kind].append(time.perf_counter() - t)
                assert response.status == 200, (response.status, params)
            result[f"http_round{r}"] = {k: summary(v) for k, v in times.items()}
            result[f"http_round{r}"]["all"] = summary([t for v in times.values() for t in v])
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return result


def print_tables(result: dict, detail_round: int) -> None:
    for key, table in result.items():
        if not key.startswith(("round", "http_round", "cpu_round")) or key.endswith("_stages"):
            continue
        print(f"{key}: {'kind':<10}{'n':>5}{'p50':>9}{'p95':>9}{'max':>9}{'mean':>9}  (ms)")
        for kind, s in table.items():
            print(f"  {'':<{len(key)}}{kind:<10}{s['n']:>5}{s['p50']:>9.1f}{s['p95']:>9.1f}"
                  f"{s['max']:>9.1f}{s['mean']:>9.1f}")
    stages = result.get(f"round{detail_round}_stages")
    if stages:
        print(f"\nround {detail_round}: mean own ms per query by stage, and reads per query")
        for kind, d in stages.items():
            total = sum(d["own_ms"].values())
            print(f"  {kind}: {total:.1f} ms instrumented")
            for k, v in d["own_ms"].items():
                if v >= 0.05:
                    print(f"      {k:<34}{v:>8.2f} ms {100 * v / total:5.1f} %")
            for k, v in d["reads"].items():
                print(f"      reads {k:<40}{v:>8.1f}  ({d['read_kb'][k]:.1f} KiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--detail-round", type=int, default=1,
                        help="The round whose stages, reads and profiles are reported.")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--stages", action="store_true",
                        help="Time each stage and count reads (adds a little overhead).")
    parser.add_argument("--cprofile", type=Path, default=None)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="MODULE.NAME=VALUE",
                        help="Set a constant of an indexer module first, e.g. "
                             "search.proximity.PROX_WEIGHT=0; repeatable.")
    parser.add_argument("--no-budget", action="store_true",
                        help="No time budget (indexer.search.execute): every query runs in "
                             "full however loaded the machine, for comparing two versions.")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--queries-in", type=Path, default=None,
                        help="Read the (kind, params) list from here instead of making it.")
    parser.add_argument("--queries-out", type=Path, default=None,
                        help="Write the (kind, params) list here (JSON).")
    args = parser.parse_args()
    from indexer.search import Searcher, execute

    if args.no_budget:
        execute.TIME_BUDGET = execute.REQUEST_BUDGET = 1e9
    import importlib

    for item in args.set:
        name, value = item.split("=", 1)
        module, attr = name.rsplit(".", 1)
        mod = importlib.import_module(f"indexer.{module}")
        setattr(mod, attr, type(getattr(mod, attr))(json.loads(value)))
        print(f"set indexer.{name} = {getattr(mod, attr)!r}")
    kinds = tuple(k for k in args.kinds.split(",") if k in KINDS)
    started = time.perf_counter()
    if args.queries_in:
        queries = [tuple(q) for q in json.loads(args.queries_in.read_text())]
        queries = [q for q in queries if q[0] in kinds]
    else:
        queries = make_queries(Searcher(args.index), args.per_kind, kinds)
    print(f"{len(queries)} queries ({', '.join(kinds)}) made in "
          f"{time.perf_counter() - started:.1f} s; load {os.getloadavg()[0]:.2f}", flush=True)
    if args.queries_out:
        args.queries_out.write_text(json.dumps(queries, ensure_ascii=False, indent=0))
    if args.http:
        result = run_http(args.index, queries, args.rounds)
    else:
        result = run_in_process(args.index, queries, args.rounds, args.detail_round,
                                args.cprofile, args.stages)
    result["load_after"] = os.getloadavg()
    print_tables(result, args.detail_round)
    print(f"load average after: {result['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
