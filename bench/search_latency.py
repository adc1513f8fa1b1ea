"""Search latency on the ~9,000 real articles of ../shared/corpora (NG + RT + Meduza).

    .venv/bin/python bench/search_latency.py [--queries 300] [--rounds 2] [--variants 40]
                                             [--profile]
    .venv/bin/python bench/search_latency.py --http INDEX    (the scale mix over real HTTP)

Builds the index once into bench/out/index (reused when present), then times a fixed set of
queries — single words, 2–4 word queries, phrases, with and without filters — each with 10
snippets and all facets: in-process (``Searcher.search``) and through the endpoint (Flask test
client, ``GET /api/search``). Prints p50 / p95 / max per round; round 1 starts cold (fresh
searcher, empty postings cache). Skips with a message when ../shared/corpora is absent
(``MURAGAT_CORPORA`` names another folder, e.g. from a git worktree elsewhere).

Then the queries as people type them, from the known items of bench/known_item.py (its default
seed): ``--variants`` (40) queries of each kind ``typo``, ``layout``, ``extra``, ``question``,
and the clean same-form queries of the same items for reference, each kind on a fresh searcher
(a cold first round) after the fixed mix: p50 / p95 / max per kind and round, and of the fixed
mix with the variants (the fixed mix's own lines stay comparable with earlier runs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPORA = Path(os.environ.get("MURAGAT_CORPORA") or ROOT.parent / "shared" / "corpora")
FILES = {
    "ng.jsonl": CORPORA / "ng_rt_kw_eval" / "ng.jsonl",
    "rt.jsonl.gz": CORPORA / "ng_rt_kw_eval" / "rt.jsonl.gz",
    "meduza.jsonl": CORPORA / "meduza_golunov" / "meduza_golunov.jsonl",
}
OUT = ROOT / "bench" / "out"
INDEX = OUT / "index"
SEED = 20260305
CONTENT_POS = {"NOUN", "ADJF", "VERB", "INFN", "PRTF", "ADVB", None}
# Pronominal and numeral adjectives («который», «такой», «первый») and auxiliary verbs are
# function words here, however pymorphy3 tags them.
FUNCTION_TAGS = {"Apro", "Anum"}
FUNCTION_LEMMAS = {"быть", "есть", "мочь", "стать", "являться", "весь", "свой", "сам"}


def corpus_available() -> bool:
    return all(p.exists() for p in FILES.values())


def skip_without_corpus() -> None:
    if not corpus_available():
        print(f"SKIPPED: the shared corpora are not at {CORPORA} "
              "(ng_rt_kw_eval/ng.jsonl, rt.jsonl.gz, meduza_golunov/meduza_golunov.jsonl)")
        sys.exit(0)


def corpus_index() -> Path:
    """The benchmark index (built on first use into bench/out/index)."""
    from indexer.build import rebuild
    from indexer.store import generations

    if generations.target(INDEX) is None:
        archive = OUT / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        for name, path in FILES.items():
            place(path, archive / name)
        print(f"building the benchmark index into {INDEX} (once; a few minutes) …", flush=True)
        report = rebuild(archive, INDEX, entities=False)
        print(f"  {report.articles} articles in {report.seconds:.0f} s", flush=True)
    return INDEX


def place(source: Path, dest: Path) -> None:
    """Put a corpus file into the benchmark archive: a hard link, or a copy across file
    systems (not a symbolic link: the indexer reads nothing that leads out of the archive)."""
    if dest.is_symlink():
        dest.unlink()
    if dest.exists():
        return
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)


def articles() -> list[dict]:
    """The corpus articles, in a stable order."""
    import gzip

    out = []
    for name, path in FILES.items():
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            out += [json.loads(line) for line in f if line.strip()]
    return out


def content_words(sentence: str) -> list[str]:
    """Words of a sentence worth searching for (no function words, not too short)."""
    from indexer.text.morphology import morph
    from indexer.text.tokens import WORD_RE

    words = []
    for m in WORD_RE.finditer(sentence):
        word = m.group()
        if len(word) < 4 or not word.isalpha():
            continue
        parse = morph().parse(word.lower())[0]
        if (parse.tag.POS in CONTENT_POS and not FUNCTION_TAGS & set(parse.tag.grammemes)
                and parse.normal_form not in FUNCTION_LEMMAS):
            words.append(word)
    return words


def make_queries(n: int, sources: list[str]) -> list[dict[str, str]]:
    """A fixed mix of queries (as URL parameters) drawn from the corpus with a fixed seed."""
    import razdel

    rng = random.Random(SEED)
    docs = articles()
    queries: list[dict[str, str]] = []
    kinds = ["word", "words", "words", "phrase", "filtered"]
    while len(queries) < n:
        doc = rng.choice(docs)
        sentences = [s.text for s in razdel.sentenize(doc["text"][:5000])]
        words = content_words(rng.choice(sentences)) if sentences else []
        if len(words) < 4:
            continue
        kind = kinds[len(queries) % len(kinds)]
        if kind == "word":
            params = {"q": rng.choice(words).lower()}
        elif kind == "words":
            k = rng.randint(2, 4)
            params = {"q": " ".join(w.lower() for w in rng.sample(words, k))}
        elif kind == "phrase":
            i = rng.randrange(len(words) - 1)
            params = {"q": f'"{words[i].lower()} {words[i + 1].lower()}"'}
        else:
            params = {"q": " ".join(w.lower() for w in rng.sample(words, rng.randint(1, 2)))}
            choice = rng.random()
            if choice < 0.4:
                params.update({"from": "2017", "to": "2018"})
            elif choice < 0.8:
                params["source"] = rng.choice(sources)
            else:
                params.update({"from": "2018-01", "to": "2018-03", "source": rng.choice(sources)})
        queries.append(params)
    return queries


_TO_LATIN_KEYS = str.maketrans("йцукенгшщзхъфывапролджэячсмитьбю",
                               "qwertyuiop[]asdfghjkl;'zxcvbnm,.")


def hostile_queries(words: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Queries built to be slow (label, URL parameters), from frequent words of the corpus."""
    common = " ".join(words[:12])
    ors = " OR ".join(words * 20)[:1000].rsplit(" OR ", 1)[0]
    pairs = list(zip(words, words[1:], strict=False))
    many = " ".join(words * (1000 // (len(" ".join(words)) + 1) + 1))[:1000].rsplit(" ", 1)[0]
    rng = random.Random(10)
    letters = "абвгдежзийклмнопрстуфхцчшщыэюя"

    def gibberish(n: int, length: int) -> str:
        return " ".join("".join(rng.choice(letters) for _ in range(length)) for _ in range(n))

    return [
        ("32 random 30-letter words", {"q": gibberish(32, 30)}),
        ("32 random 8-letter words (typos?)", {"q": gibberish(32, 8)[:1000]}),
        ("frequent words, one letter changed", {"q": " ".join(w[:-1] + "ъ" for w in words[:20])}),
        ("a 3-letter prefix*", {"q": words[0][:3] + "*"}),
        ("Latin-layout keys", {"q": " ".join(w.translate(_TO_LATIN_KEYS) for w in words[:20])}),
        ("1,000 characters of words", {"q": many}),
        ("10,000 characters", {"q": " ".join(words * 30)[:10_000]}),
        ("1,000 characters of OR terms", {"q": ors}),
        ("long phrase of frequent words", {"q": f'"{common}"'}),
        ('phrase ~1000', {"q": f'"{words[0]} {words[1]} {words[2]}"~1000'}),
        ("many phrases", {"q": " ".join(f'"{a} {b}"~50' for a, b in pairs)}),
        ("deep parentheses", {"q": "(" * 400 + words[0] + ")" * 400}),
        ("nested OR groups", {"q": " ".join(f"({a} OR {b})" for a, b in pairs)}),
        ("NOT of everything", {"q": " ".join(f"-{w}" for w in words) + " " + words[0]}),
        ("page 10^9", {"q": words[0], "page": str(10**9)}),
        ("facet_size 10^6", {"q": words[0], "facet_size": str(10**6)}),
        ("broad query, deep page", {"q": f"{words[0]} OR {words[1]}", "page": "900",
                                    "size": "10"}),
    ]


def hostile(searcher, words: list[str]) -> None:
    """Times the hostile queries (each twice: cold, then warm) and prints the worst."""
    from indexer.search import BadRequest, parse_request

    worst = 0.0
    for label, params in hostile_queries(words):
        times = []
        for _ in range(2):
            t = time.perf_counter()
            try:
                result = searcher.search(parse_request(params))
                notes = f"total {result.total:5d}  " + "; ".join(result.warnings)[:70]
            except BadRequest as err:
                notes = f"400 {err.code}: {err.message}"
            times.append(time.perf_counter() - t)
        worst = max(worst, *times)
        print(f"  {label:40s} {max(times) * 1000:7.1f} ms  {notes}")
    print(f"hostile queries: max {worst * 1000:.1f} ms")


def frequent_words(searcher, n: int = 40) -> list[str]:
    """Frequent words of the index (by body document frequency) that are not function words."""
    view = searcher._current()
    reader = view.thread_searcher().reader()
    terms = [(t, reader.doc_frequency("body", t)) for t in reader.field_terms("body")
             if not t.startswith("~") and len(t) >= 5 and t.isalpha()]
    terms.sort(key=lambda x: -x[1])
    return [t for t, _ in terms[:n]]


def percentiles(times: list[float]) -> str:
    import numpy as np

    a = np.array(times) * 1000
    return (f"p50 {np.percentile(a, 50):6.1f} ms   p95 {np.percentile(a, 95):6.1f} ms   "
            f"max {a.max():7.1f} ms   (n={len(a)})")


def scale_queries(searcher, n: int) -> list[dict[str, str]]:
    """The fixed mix plus what a large archive makes slow: frequent words («россия», «год»),
    browsing by date with no query, and entity filters."""
    stats = searcher.stats()
    sources = [s["value"] for s in stats["sources"]]
    persons = [p["value"] for p in stats.get("persons") or []][:5]
    extra: list[dict[str, str]] = [{"q": "россия"}, {"q": "год"}, {"q": "россия год"},
                                   {"from": "2010", "to": "2012"}, {"from": "2020-03"},
                                   {"q": "", "source": sources[0]} if sources else {"q": "год"}]
    extra += [{"person": p} for p in persons] + [{"q": "год", "person": p} for p in persons]
    return make_queries(max(n - len(extra), 0), sources) + extra


VARIANTS = 40  # queries of each kind typed as people type them


def variant_queries(searcher, per_kind: int = VARIANTS) -> dict[str, list[dict[str, str]]]:
    """``per_kind`` queries of each variant kind of bench/known_item.py (typo, layout, extra,
    question) and the same-form queries of the same items («same», for reference), from the
    known items of its default seed."""
    from known_item import SEED as ITEM_SEED
    from known_item import VARIANTS as KINDS
    from known_item import index_vocabulary, make_items

    vocabulary = index_vocabulary(searcher)
    indexed = searcher._current().docnum_of
    n = per_kind + 10
    while True:
        items = [i for i in make_items(n, ITEM_SEED, vocabulary=vocabulary) if i.id in indexed]
        mix = {kind: [{"q": i.queries[kind]} for i in items if kind in i.queries][:per_kind]
               for kind in ("same", *KINDS)}
        if all(len(q) == per_kind for q in mix.values()) or n >= 4 * per_kind:
            return mix
        n += per_kind // 2


def timed(run, queries: list) -> list[float]:
    """Seconds each call ``run(query)`` takes, in order."""
    times = []
    for q in queries:
        t = time.perf_counter()
        run(q)
        times.append(time.perf_counter() - t)
    return times


def time_variants(variants: dict[str, list[dict[str, str]]], rounds: int,
                  runner) -> list[dict[str, list[float]]]:
    """Per round, the seconds of each kind's queries; ``runner()`` gives each kind a fresh
    ``run(params)`` (a new searcher or app: its first round starts cold)."""
    times: list[dict[str, list[float]]] = [{} for _ in range(rounds)]
    for kind, queries in variants.items():
        run, prepared = runner(queries)
        for r in range(rounds):
            times[r][kind] = timed(run, prepared)
    return times


def print_variants(mode: str, mix_times: list[list[float]],
                   variant_times: list[dict[str, list[float]]]) -> None:
    """p50 / p95 / max of each kind per round, and of the fixed mix with the variants."""
    for r, kinds in enumerate(variant_times, 1):
        for kind, times in kinds.items():
            label = "same (ref.)" if kind == "same" else kind
            print(f"{mode} round {r} {label:11s}: {percentiles(times)}")
        with_variants = mix_times[r - 1] + [t for k, ts in kinds.items() if k != "same"
                                            for t in ts]
        print(f"{mode} round {r} mix + variants: {percentiles(with_variants)}")


def measure_latency(index: Path, queries: int = 300) -> dict:
    """Latency (ms) of searches with 10 snippets and all facets on ``index``: in-process and
    through /api/search, first (cold) and second round. The hook of bench/scale.py."""
    import numpy as np

    from indexer.search import Searcher, parse_request
    from web import create_app

    searcher = Searcher(index)
    started = time.perf_counter()
    _ = searcher.version
    result: dict = {"open_ms": round((time.perf_counter() - started) * 1000, 1)}
    mix = scale_queries(searcher, queries)
    client = create_app({"INDEX": str(index), "TESTING": True}).test_client()

    def summary(times: list[float]) -> dict:
        a = np.array(times) * 1000
        return {"p50": round(float(np.percentile(a, 50)), 1),
                "p95": round(float(np.percentile(a, 95)), 1), "max": round(float(a.max()), 1)}

    for r in (1, 2):
        times = []
        for q in mix:
            t = time.perf_counter()
            searcher.search(parse_request(q))
            times.append(time.perf_counter() - t)
        result[f"in_process_round{r}"] = summary(times)
    for r in (1, 2):
        times = []
        for q in mix:
            t = time.perf_counter()
            response = client.get("/api/search?" + urlencode(q))
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.get_data(as_text=True)
        result[f"endpoint_round{r}"] = summary(times)
    result["queries"] = len(mix)
    import resource

    result["process_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result


def http_latency(index: Path, queries: int = 300) -> dict:
    """Latency (ms) of the scale mix over real HTTP, one request at a time, against
    ``muragat-web`` (one gunicorn worker of 8 threads) serving ``index`` on loopback, with a fresh
    keep-alive connection; first (cold) and second round."""
    import http.client

    import numpy as np
    from load import HOST, OUT, free_port, start_server

    from indexer.search import Searcher

    mix = scale_queries(Searcher(index), queries)
    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    proc = start_server(index, port, 1, 8, OUT / "http-latency.log")
    result: dict = {"queries": len(mix)}
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        for r in (1, 2):
            times = []
            for q in mix:
                t = time.perf_counter()
                conn.request("GET", "/api/search?" + urlencode(q))
                response = conn.getresponse()
                response.read()
                times.append(time.perf_counter() - t)
                assert response.status == 200, (response.status, q)
            a = np.array(times) * 1000
            result[f"http_round{r}"] = {"p50": round(float(np.percentile(a, 50)), 1),
                                        "p95": round(float(np.percentile(a, 95)), 1),
                                        "max": round(float(a.max()), 1)}
        conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", type=int, default=VARIANTS,
                        help="queries of each kind typed as people type them (0: none)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the last round")
    parser.add_argument("--http", type=Path, default=None, metavar="INDEX",
                        help="only time the scale mix over real HTTP against INDEX")
    args = parser.parse_args()
    if args.http is not None:
        print(json.dumps(http_latency(args.http, args.queries)))
        return
    skip_without_corpus()
    index = corpus_index()

    from indexer.search import Searcher, parse_request
    from web import create_app

    sources = [s["value"] for s in Searcher(index).stats()["sources"]]
    queries = make_queries(args.queries, sources)
    shown = ["&".join(f"{k}={v}" for k, v in q.items()) for q in queries[:6]]
    print(f"{len(queries)} queries, e.g. " + " | ".join(shown))
    variants = variant_queries(Searcher(index), args.variants) if args.variants else {}
    for kind, kind_queries in variants.items():
        print(f"  {len(kind_queries)} {kind} queries, e.g. "
              + " | ".join(q["q"] for q in kind_queries[:3]))

    searcher = Searcher(index)
    started = time.perf_counter()
    _ = searcher.version  # opens the index
    print(f"open the index (arrays, columns): {(time.perf_counter() - started) * 1000:.0f} ms")
    requests = [parse_request(q) for q in queries]
    mix_times: list[list[float]] = []
    for r in range(1, args.rounds + 1):
        times = []
        profiler = None
        if args.profile and r == args.rounds:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        for req in requests:
            t = time.perf_counter()
            searcher.search(req)
            times.append(time.perf_counter() - t)
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"in-process round {r}: {percentiles(times)}")
        mix_times.append(times)

    def in_process(kind_queries: list[dict[str, str]]):
        fresh = Searcher(index)
        _ = fresh.version
        return fresh.search, [parse_request(q) for q in kind_queries]

    if variants:
        print_variants("in-process", mix_times, time_variants(variants, args.rounds, in_process))

    print("hostile queries (cold, then warm; worst of the two):")
    hostile(searcher, frequent_words(searcher))

    app = create_app({"INDEX": str(index), "TESTING": True})
    client = app.test_client()
    mix_times = []
    for r in range(1, args.rounds + 1):
        times = []
        for q in queries:
            url = "/api/search?" + urlencode(q)
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, response.get_data(as_text=True)
        print(f"endpoint   round {r}: {percentiles(times)}")
        mix_times.append(times)

    def endpoint(kind_queries: list[dict[str, str]]):
        fresh = create_app({"INDEX": str(index), "TESTING": True}).test_client()

        def run(url: str) -> None:
            response = fresh.get(url)
            assert response.status_code == 200, response.get_data(as_text=True)

        return run, ["/api/search?" + urlencode(q) for q in kind_queries]

    if variants:
        print_variants("endpoint  ", mix_times, time_variants(variants, args.rounds, endpoint))


if __name__ == "__main__":
    main()
