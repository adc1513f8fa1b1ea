"""Latency of entity pages on an index built with entities.

    .venv/bin/python bench/entity_pages.py INDEX [--per-kind 10] [--rounds 2]

Asks the real Flask app (test client) for the pages of the most mentioned persons,
organisations and places (``--per-kind`` of each: the frequent entities, whose co-mentions are
counted over thousands of articles) and as many values from the middle of each kind's list,
each as ``/entities/<kind>/<name>`` (HTML, with the month histogram) and as
``/api/entities/<kind>/<name>``; then ``/entities`` and ``/entities?q=…``. Prints p50, p95 and
max per group and round (round 1 is the first time a page is asked for). ``measure_pages`` is
also the hook of ``bench/scale.py --pages``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _summary(seconds: list[float]) -> dict:
    import numpy as np

    a = np.array(seconds) * 1000
    return {"n": len(a), "p50": round(float(np.percentile(a, 50)), 1),
            "p95": round(float(np.percentile(a, 95)), 1), "max": round(float(a.max()), 1)}


def pick_entities(index: Path, per_kind: int) -> list[tuple[str, str, int]]:
    """(kind parameter, value, articles): the most mentioned of each kind and as many from the
    middle of the list."""
    from indexer.search import Searcher

    lists = Searcher(index).entities("", None)
    from indexer.catalog import ENTITY_KINDS

    out = []
    for kind in ENTITY_KINDS:
        items = lists.get(kind.name, [])
        middle = items[len(items) // 2 :][:per_kind] if len(items) > per_kind else []
        out += [(kind.param, i["value"], i["count"]) for i in items[:per_kind] + middle]
    return out


def measure_pages(index: Path, per_kind: int = 10, rounds: int = 2) -> dict:
    """Latency (ms) of entity pages and lists on ``index``, through the real app."""
    import resource

    from web import create_app

    client = create_app({"INDEX": str(index), "TESTING": True}).test_client()
    chosen = pick_entities(index, per_kind)
    if not chosen:
        return {"error": "the index has no entities"}
    result: dict = {"entities": len(chosen),
                    "articles_of_most_mentioned": max(c for _, _, c in chosen)}
    lists = ["/entities", "/entities?q=ин", "/api/entities?kind=person&q=ов"]
    for r in range(1, rounds + 1):
        html, api, listed = [], [], []
        for param, value, _ in chosen:
            for prefix, times in (("/entities", html), ("/api/entities", api)):
                url = f"{prefix}/{param}/{quote(value, safe='')}"
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
        for url in lists:
            started = time.perf_counter()
            response = client.get(url)
            listed.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        result[f"page_round{r}"] = _summary(html)
        result[f"api_round{r}"] = _summary(api)
        result[f"lists_round{r}"] = _summary(listed)
    result["process_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(json.dumps(measure_pages(args.index, args.per_kind, args.rounds), indent=1,
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
