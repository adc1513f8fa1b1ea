"""Load test of the production server (gunicorn), for one or more worker counts in one run,
with a hostile client and an index swap under load.

    .venv/bin/python bench/load.py [--workers 1,2] [--seconds 60] [--clients 20] [--index DIR]
                                   [--rebuild-archive DIR] [--threads 2] [--max-requests N]
                                   [--json FILE]

Starts ``muragat-web --workers W`` on a free loopback port, for each W of ``--workers`` in
turn, and runs ``--clients`` threads, each with its own keep-alive ``http.client`` connection,
sending a mix of requests: single words, 2–4 word queries, phrases, filters by date, person
and source, the empty-query browse, facet-only API calls, page 2, article pages, «more like
this», the JSON API and a few deliberate 400s. Four phases per worker count:

1. ``steady``: ``--seconds`` of load.
2. ``hostile``: ``--seconds`` of the same load plus one more client sending the slowest
   requests of issue 14 back to back (32 random 30-letter words, 1,790 and 400 person
   filters, 16 ``~100`` phrases ORed as CSV, a 72 KB article query, a 1,000-character query);
   the normal clients' p95 is compared with theirs in ``steady`` (target: at most 2×).
3. ``rebuild``: the load while ``index rebuild --no-entities`` of ``--rebuild-archive``
   (default: a ninth of the corpus) swaps a new index in; the server must serve it
   afterwards (``/api/stats`` article count and version change).
4. ``rollback``: the load while ``index rollback`` swaps the first index back.

Every phase must end with zero failed requests of the normal clients: a failure is a
connection error, a status other than 2xx/3xx, or a deliberate bad request not answered 400
(the hostile client's answers are reported, not judged: a 400 or a cut result is a defence).
Prints, per phase, the throughput and p50/p95/p99/max latency; per worker count, each worker
process's memory (RSS, and PSS: shared pages counted in part); at the end a table of the
worker counts and the targets (2 workers ≥ 1.6× the throughput of 1, p99 ≤ 400 ms, the
hostile client's effect ≤ 2×). Exit code 1 on a failed request or a swap not served.

The served index is a twin of ``--index`` (default ``bench/out/index``, built from
../shared/corpora NG + RT + Meduza when absent, as ``bench/search_latency.py`` does): a folder
``bench/out/load/`` whose build holds hard links to the live build's files, so the rebuild and
rollback never touch the index other benchmarks use. It is removed at the end. Loopback only;
every phase is bounded in time (``--phase-timeout``) and in requests (``--max-requests``).
The default rebuild archive is every 9th article of the same corpus (about 1,000), so the ids
the article pages ask for exist before and after the swap.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from processes import children  # noqa: E402

BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
TWIN = OUT / "load"
HOST = "127.0.0.1"
SEED = 20261125
WORDS = (
    "россия", "президент", "правительство", "выборы", "закон", "суд", "нефть", "газ", "рубль",
    "санкции", "москва", "украина", "сша", "европа", "китай", "экономика", "бюджет", "банк",
    "полиция", "министр", "депутат", "армия", "война", "мир", "переговоры", "договор",
    "компания", "рынок", "цены", "налог", "школа", "больница", "врач", "вакцина", "погода",
    "пожар", "авария", "журналист", "голунов", "расследование", "наркотики", "задержание",
    "протест", "митинг", "конституция", "референдум", "реформа", "пенсия", "зарплата",
    "инфляция", "кризис", "безопасность", "граница", "оружие", "спорт", "футбол", "олимпиада",
    "культура", "театр", "кино", "интернет", "технологии", "космос", "наука", "образование",
)
PHRASES = ("министерство иностранных дел", "государственная дума", "центральный банк",
           "уголовное дело", "пресс-служба", "владимир путин", "дональд трамп", "иван голунов")
BAD = ("/api/search?page=0", "/api/search?size=1000", "/api/search?from=2020-13",
       "/api/search?sort=sideways")


@dataclass
class Sample:
    kind: str
    status: int  # 0: connection error
    ms: float
    path: str
    expected: int | None = None

    @property
    def failed(self) -> bool:
        if self.expected is not None:
            return self.status != self.expected
        if self.kind == "page2" and self.status == 404:
            return False  # a page past the last says so with a 404 (the swapped-in index is small)
        return not 200 <= self.status < 400


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    ok: bool = True

    def summary(self) -> dict:
        ms = sorted(s.ms for s in self.samples)
        failed = [s for s in self.samples if s.failed]

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1) if ms else 0.0

        return {
            "phase": self.name,
            "requests": len(self.samples),
            "failed": len(failed),
            "deliberate_400": sum(1 for s in self.samples if s.expected == 400 and not s.failed),
            "seconds": round(self.seconds, 1),
            "req_per_s": round(len(self.samples) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "max_ms": round(ms[-1], 1) if ms else 0.0,
            "by_kind": dict(Counter(s.kind for s in self.samples).most_common()),
            "statuses": dict(Counter(s.status for s in self.samples).most_common()),
            "failures": [f"{s.status} {s.path[:120]}" for s in failed[:10]],
            "notes": self.notes,
            "ok": self.ok and not failed,
        }


# The request mix


class Mix:
    """Random requests of every kind, built from what the served index holds."""

    def __init__(self, ids: list[str], sources: list[str], persons: list[str],
                 years: list[str], rng: random.Random) -> None:
        self.ids, self.sources, self.persons, self.years = ids, sources, persons, years
        self.rng = rng

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.sample(WORDS, self.rng.randint(lo, hi)))

    def _search(self, endpoint: str = "/search", **params: str) -> str:
        return f"{endpoint}?{urlencode(params)}"

    def next(self) -> tuple[str, str, int | None]:
        r, kinds = self.rng, self.KINDS
        kind = r.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        year = r.choice(self.years) if self.years else "2019"
        if kind == "word":
            return kind, self._search(q=r.choice(WORDS)), None
        if kind == "words":
            return kind, self._search(q=self.words(2, 4)), None
        if kind == "phrase":
            return kind, self._search(q=f'"{r.choice(PHRASES)}"'), None
        if kind == "date":
            return kind, self._search(q=r.choice(WORDS), **{"from": year, "to": year}), None
        if kind == "person":
            person = r.choice(self.persons) if self.persons else "Владимир Путин"
            return kind, self._search(q=r.choice(WORDS), person=person), None
        if kind == "source":
            return kind, self._search(q=self.words(1, 2), source=r.choice(self.sources)), None
        if kind == "browse":
            return kind, self._search(source=r.choice(self.sources), sort="newest"), None
        if kind == "facets":
            return kind, self._search("/api/search", q=r.choice(WORDS), size="1"), None
        if kind == "page2":
            return kind, self._search(q=r.choice(WORDS), page="2"), None
        if kind == "article":
            aid = quote(r.choice(self.ids))
            return kind, f"/articles/{aid}?{urlencode({'q': r.choice(WORDS)})}", None
        if kind == "similar":
            return kind, f"/api/articles/{quote(r.choice(self.ids))}/similar", None
        if kind == "api":
            return kind, self._search("/api/search", q=self.words(1, 3), facets="0"), None
        if kind == "home":
            return kind, "/", None
        return "bad", r.choice(BAD), 400

    KINDS = (("word", 14), ("words", 14), ("phrase", 8), ("date", 8), ("person", 6),
             ("source", 6), ("browse", 6), ("facets", 8), ("page2", 6), ("article", 10),
             ("similar", 4), ("api", 10), ("home", 2), ("bad", 2))


class HostileMix:
    """The slowest requests of issue 14, in turn, for the hostile client."""

    def __init__(self, persons: list[str], ids: list[str], rng: random.Random) -> None:
        self.persons = persons or ["Владимир Путин"]
        self.ids = ids or ["x"]
        self.rng = rng
        self.turn = 0

    def _letters(self, n: int) -> str:
        return "".join(self.rng.choice("абвгдежзиклмнопрстуфхцчшщэюя") for _ in range(n))

    def next(self) -> tuple[str, str, int | None]:
        r = self.rng
        kinds = ("random-words", "1790-persons", "400-persons", "csv-phrases", "long-article-q",
                 "long-query")
        kind = kinds[self.turn % len(kinds)]
        self.turn += 1
        if kind == "random-words":  # «did you mean» for 32 unknown 30-letter words
            return kind, "/search?" + urlencode({"q": " ".join(self._letters(30)
                                                             for _ in range(32))}), None
        if kind in ("1790-persons", "400-persons"):
            n = 1790 if kind == "1790-persons" else 400
            values = [r.choice(self.persons) + f" {i}" for i in range(n)]
            return kind, "/search?" + urlencode([("person", v) for v in values]), None
        if kind == "csv-phrases":  # 16 proximity phrases ORed, as a CSV export
            q = " OR ".join(f'"{" ".join(r.sample(WORDS, 3))}"~100' for _ in range(16))
            return kind, "/search.csv?" + urlencode({"q": q}), None
        if kind == "long-article-q":  # a 72 KB query on an article page
            q = " ".join(r.choice(WORDS) for _ in range(7200))[:72_000]
            return kind, f"/articles/{quote(r.choice(self.ids))}?" + urlencode({"q": q}), None
        q = " ".join(r.choice(WORDS) for _ in range(200))[:1000]  # the longest query allowed
        return kind, "/search?" + urlencode({"q": q}), None


# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def stats(port: int) -> dict:
    status, body = get(port, "/api/stats")
    if status != 200:
        raise RuntimeError(f"/api/stats answered {status}: {body[:200]!r}")
    return json.loads(body)


def start_server(index: Path, port: int, workers: int, threads: int, log: Path
                 ) -> subprocess.Popen:
    out = log.open("w")
    proc = subprocess.Popen(
        [str(BIN / "muragat-web"), "--port", str(port), "--index", str(index),
         "--workers", str(workers), "--threads", str(threads)],
        stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"muragat-web exited with {proc.returncode}; see {log}")
        try:
            stats(port)  # the first request opens the index (a few seconds on 9,000 articles)
            return proc
        except (OSError, RuntimeError):
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError(f"muragat-web did not answer within 180 s; see {log}")


def stop_server(proc: subprocess.Popen, log: Path) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.returncode not in (0, -15):
        print(f"muragat-web exited with {proc.returncode}; log: {log}")


def worker_memory(master: int) -> list[dict]:
    """Each worker process of the server: RSS, its peak, and PSS (pages shared with the
    master and the other workers — the analyser's dictionaries, the page cache of the index
    files read through mmap by nobody — counted in part), in MB."""
    out = []
    for pid in children(master):
        status = _fields(Path(f"/proc/{pid}/status"))
        rollup = _fields(Path(f"/proc/{pid}/smaps_rollup"))
        out.append({"pid": pid, "rss_mb": status.get("VmRSS", 0) // 1024,
                    "peak_mb": status.get("VmHWM", 0) // 1024,
                    "pss_mb": rollup.get("Pss", 0) // 1024,
                    "private_mb": (rollup.get("Private_Clean", 0)
                                   + rollup.get("Private_Dirty", 0)) // 1024})
    return out


def _fields(path: Path) -> dict[str, int]:
    """``Name: 123 kB`` lines of a /proc file, in kB."""
    found: dict[str, int] = {}
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(":")
            parts = value.split()
            if parts and parts[0].isdigit():
                found[name.strip()] = int(parts[0])
    except OSError:
        pass
    return found


def make_twin(index: Path) -> Path:
    """``bench/out/load/index``: a link to a build of hard links to ``index``'s live build."""
    from indexer.store import generations

    live = generations.target(index)
    if live is None:
        raise SystemExit(f"no index at {index}")
    shutil.rmtree(TWIN, ignore_errors=True)
    build = TWIN / "index.builds" / live.name
    build.mkdir(parents=True)
    for path in live.iterdir():
        if path.is_file():
            try:
                os.link(path, build / path.name)
            except OSError:  # another file system: copy
                shutil.copy2(path, build / path.name)
    twin = TWIN / "index"
    twin.symlink_to(os.path.relpath(build, twin.parent))
    return twin


# The load


def run_load(port: int, mix_of: Callable[[int], Mix | HostileMix], clients: int,
             stop: threading.Event, max_requests: int, phase: Phase,
             hostile: Phase | None = None) -> None:
    """``clients`` threads sending requests until ``stop`` is set or the request cap is hit;
    with ``hostile``, one more client sending ``mix_of(-1)``'s requests, noted there."""
    lock = threading.Lock()

    def client(n: int) -> None:
        mix = mix_of(n)
        into = hostile if n < 0 and hostile is not None else phase
        conn: http.client.HTTPConnection | None = None
        while not stop.is_set():
            with lock:
                if len(into.samples) >= max_requests:
                    stop.set()
                    return
            kind, path, expected = mix.next()
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=60)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                status = 0
                if conn is not None:
                    conn.close()
                conn = None
            sample = Sample(kind, status, (time.perf_counter() - started) * 1000, path, expected)
            with lock:
                into.samples.append(sample)
        if conn is not None:
            conn.close()

    numbers = list(range(clients)) + ([-1] if hostile is not None else [])
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in numbers]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.seconds = time.perf_counter() - started
    if hostile is not None:
        hostile.seconds = phase.seconds


def phase_with(name: str, port: int, mix_of: Callable[[int], Mix | HostileMix],
               args: argparse.Namespace, action: Callable[[Phase], None] | None,
               hostile: Phase | None = None) -> Phase:
    """Load for ``--seconds``, or while ``action`` runs (and 2 s after), within the timeout."""
    phase = Phase(name)
    stop = threading.Event()
    loader = threading.Thread(target=run_load, args=(port, mix_of, args.clients, stop,
                                                     args.max_requests, phase, hostile))
    loader.start()
    try:
        if action is None:
            stop.wait(args.seconds)
        else:
            time.sleep(1.0)
            action(phase)
            stop.wait(2.0)
    finally:
        stop.set()
        loader.join()
    return phase


def swap_action(command: list[str], port: int, before: dict, timeout: float,
                expect_articles: int | None) -> Callable[[Phase], None]:
    """Run an ``index`` command under load, then wait until the server serves the new index."""

    def action(phase: Phase) -> None:
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        took = time.monotonic() - started
        phase.notes.append(f"`{' '.join(command[1:3])}` exit {done.returncode} in {took:.1f} s")
        if done.returncode != 0:
            phase.ok = False
            phase.notes.append(done.stderr[-500:] or done.stdout[-500:])
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            now = stats(port)
            if now["version"] != before["version"]:
                phase.notes.append(
                    f"serving {now['articles']} articles (version {now['version']}) "
                    f"{time.monotonic() - started - took:.2f} s after the swap; "
                    f"was {before['articles']} ({before['version']})")
                if expect_articles is not None and now["articles"] != expect_articles:
                    phase.ok = False
                    phase.notes.append(f"expected {expect_articles} articles")
                return
            time.sleep(0.1)
        phase.ok = False
        phase.notes.append("the server still serves the old version 10 s after the swap")

    return action


def subset_archive(every: int) -> Path:
    """Every ``every``-th article of the benchmark corpus, as one JSON Lines file."""
    import gzip

    from search_latency import FILES

    folder = TWIN / "archive"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "subset.jsonl").open("w", encoding="utf-8") as out:
        n = 0
        for name, path in FILES.items():
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        if n % every == 0:
                            out.write(line if line.endswith("\n") else line + "\n")
                        n += 1
    return folder


def archive_ids(archive: Path, limit: int) -> list[str]:
    """The ids of up to ``limit`` articles of an archive, read as the indexer reads them."""
    from indexer.ingest import iter_archive
    from indexer.records import Article, ReadReport

    ids: list[str] = []
    for item in iter_archive(archive, ReadReport()):
        if isinstance(item, Article):
            ids.append(item.id)
            if len(ids) >= limit:
                break
    return ids


def sample_index(port: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """Article ids, sources, persons and years of the served index, for the request mix."""
    ids: list[str] = []
    for page in (1, 5, 20, 50):
        status, body = get(port, f"/api/search?size=100&page={page}&facets=0&sort=newest")
        if status == 200:
            ids += [h["id"] for h in json.loads(body)["hits"]]
    s = stats(port)
    sources = [v["value"] for v in s.get("sources", [])][:20]
    persons = [v["value"] for v in s.get("persons", [])][:20]
    years = [y["key"] for y in s.get("years", [])]
    return ids, sources, persons, years


def print_phase(summary: dict) -> None:
    s = summary
    print(f"\n[{s['phase']}] {'PASS' if s['ok'] else 'FAIL'}: {s['requests']} requests in "
          f"{s['seconds']} s = {s['req_per_s']} req/s; failed {s['failed']} "
          f"(deliberate 400s answered 400: {s['deliberate_400']})")
    print(f"  latency ms: p50 {s['p50_ms']}  p95 {s['p95_ms']}  p99 {s['p99_ms']}  "
          f"max {s['max_ms']}")
    print(f"  statuses: {s['statuses']}")
    for note in s["notes"]:
        print(f"  {note}")
    for failure in s["failures"]:
        print(f"  failed: {failure}")


def serve_and_load(workers: int, twin: Path, args: argparse.Namespace,
                   pick: dict) -> dict:
    """One worker count: the server started, the four phases run, its workers' memory read;
    the summaries."""
    port = free_port()
    log = TWIN / f"server-{workers}.log"
    proc = start_server(twin, port, workers, args.threads, log)
    run: dict = {"workers": workers, "phases": []}
    try:
        first = stats(port)
        print(f"\n== muragat-web --workers {workers} --threads {args.threads} on {HOST}:{port}: "
              f"{first['articles']} articles, version {first['version']}; "
              f"{args.clients} clients", flush=True)
        if not pick:
            pick.update(pick_requests(port, args))
        ids, sources, persons, years = pick["ids"], pick["sources"], pick["persons"], pick["years"]

        def mix_of(n: int) -> Mix | HostileMix:
            if n < 0:
                return HostileMix(persons, ids, random.Random(SEED - 1))
            return Mix(ids, sources or ["x"], persons, years, random.Random(SEED + n))

        for path in ("/", "/search?" + urlencode({"q": "россия"}),  # warm up every worker
                     "/api/search?" + urlencode({"q": "газ нефть"})):
            for _ in range(2 * workers):
                get(port, path)

        def record(phase: Phase) -> dict:
            summary = phase.summary()
            run["phases"].append(summary)
            print_phase(summary)
            return summary

        steady = record(phase_with("steady", port, mix_of, args, None))
        run["memory"] = worker_memory(proc.pid)
        for m in run["memory"]:
            print(f"  worker {m['pid']}: RSS {m['rss_mb']} MB (peak {m['peak_mb']} MB), "
                  f"PSS {m['pss_mb']} MB, private {m['private_mb']} MB")
        hostile = Phase("hostile client")
        normal = record(phase_with("hostile", port, mix_of, args, None, hostile))
        slow = hostile.summary()
        slow["ok"] = True  # its answers are reported, not judged
        print(f"  the hostile client: {slow['requests']} requests, p50 {slow['p50_ms']} ms, "
              f"max {slow['max_ms']} ms, statuses {slow['statuses']}, "
              f"by kind {slow['by_kind']}")
        run["hostile_client"] = slow
        run["hostile_p95_ratio"] = round(normal["p95_ms"] / max(steady["p95_ms"], 1e-9), 2)
        print(f"  normal clients' p95 {normal['p95_ms']} ms against {steady['p95_ms']} ms "
              f"without the hostile client: {run['hostile_p95_ratio']}×")

        before = stats(port)
        rebuild = [str(BIN / "index"), "rebuild", "--no-entities", "--workers", "1",
                   "--index", str(twin), "--archive", str(args.rebuild_archive)]
        record(phase_with("rebuild", port, mix_of, args,
                          swap_action(rebuild, port, before, args.phase_timeout, None)))
        rollback = [str(BIN / "index"), "rollback", "--index", str(twin)]
        record(phase_with("rollback", port, mix_of, args,
                          swap_action(rollback, port, stats(port), 120, first["articles"])))
    finally:
        stop_server(proc, log)
    return run


def pick_requests(port: int, args: argparse.Namespace) -> dict:
    """What the request mix asks for, from the served index (once for every worker count)."""
    ids, sources, persons, years = sample_index(port)
    if args.rebuild_archive is None:
        args.rebuild_archive = subset_archive(9)
    # Article pages ask for ids in both indexes: a 404 then is a failure, not the swap.
    both = [i for i in archive_ids(args.rebuild_archive, 3000)
            if get(port, f"/api/articles/{quote(i)}")[0] == 200][:300]
    if both:
        ids = both
    else:
        print("warning: no article of --rebuild-archive is in --index; article pages "
              "will answer 404 after the swap", flush=True)
    return {"ids": ids, "sources": sources, "persons": persons, "years": years}


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def print_targets(runs: list[dict]) -> None:
    """The worker counts side by side, and the targets of issue 14."""
    print("\n| workers | steady req/s | p50 | p95 | p99 | failed | hostile: normal p95 | "
          "worker RSS / PSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        steady = run["phases"][0]
        failed = sum(p["failed"] for p in run["phases"])
        memory = ", ".join(f"{m['rss_mb']} / {m['pss_mb']}" for m in run.get("memory", []))
        print(f"| {run['workers']} | {steady['req_per_s']} | {steady['p50_ms']} | "
              f"{steady['p95_ms']} | {steady['p99_ms']} | {failed} | "
              f"{run.get('hostile_p95_ratio', '—')}× | {memory} |")
    by = {run["workers"]: run for run in runs}
    if 1 in by and 2 in by:
        ratio = by[2]["phases"][0]["req_per_s"] / max(by[1]["phases"][0]["req_per_s"], 1e-9)
        print(f"target: 2 workers ≥ 1.6× one: {ratio:.2f}× "
              f"{'met' if ratio >= 1.6 else 'NOT met'}")
    for run in runs:
        p99 = run["phases"][0]["p99_ms"]
        ratio = run.get("hostile_p95_ratio", 0)
        print(f"target, {run['workers']} worker(s): p99 ≤ 400 ms: {p99} ms "
              f"{'met' if p99 <= 400 else 'NOT met'}; hostile client ≤ 2×: {ratio}× "
              f"{'met' if ratio <= 2 else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2",
                        help="worker process counts to run in turn (default 1,2)")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="steady and hostile load, each (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index to serve (default bench/out/index, built when absent)")
    parser.add_argument("--rebuild-archive", type=Path, default=None,
                        help="archive rebuilt under load (default: every 9th article of the "
                        "benchmark corpus, so article ids stay valid across the swap)")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per worker process (default 2, as muragat-web)")
    parser.add_argument("--max-requests", type=int, default=500_000,
                        help="request cap per phase (default 500000)")
    parser.add_argument("--phase-timeout", type=float, default=900.0,
                        help="longest rebuild under load, seconds (default 900)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep bench/out/load afterwards")
    args = parser.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",") if w.strip()]

    if args.index is None:
        from search_latency import corpus_index, skip_without_corpus

        if not (OUT / "index").exists():
            skip_without_corpus()
        args.index = corpus_index()
    twin = make_twin(args.index)
    pick: dict = {}
    print(f"load average at the start: {load_average()}")
    runs = [serve_and_load(workers, twin, args, pick) for workers in counts]
    print_targets(runs)
    print(f"load average at the end: {load_average()}")
    ok = all(p["ok"] for run in runs for p in run["phases"]) and all(
        len(run["phases"]) == 4 for run in runs)
    if args.json:
        args.json.write_text(json.dumps({"clients": args.clients, "seconds": args.seconds,
                                         "threads": args.threads, "runs": runs, "ok": ok},
                                        indent=2, ensure_ascii=False))
    if not args.keep:
        shutil.rmtree(TWIN, ignore_errors=True)
    print("\nPASS" if ok else "\nFAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
