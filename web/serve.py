"""Production server: the web app served by gunicorn, a process per core (``muragat-web``).

gunicorn's master process loads the app once (the analyser's dictionaries with it, shared by
the workers' memory) and forks ``--workers`` processes of ``--threads`` threads each. Every
worker opens the live index for itself before it serves (its arrays, its file handles: an
open Whoosh file shared across a fork would mix up the processes' reads) and follows swaps by
itself, as a single process did: a rebuild or a rollback is served by each worker within half
a second. The master restarts a worker that dies.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from indexer.search import IndexUnavailable
from indexer.search.searcher import warm
from indexer.text.morphology import morph
from web import create_app
from web.balance import BalancedThreadWorker, ConnectionShares

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Two threads per worker: a slow request does not hold up its worker's others, and the GIL is
# not passed among many threads doing numpy (at 50,000 long articles, 2 workers served 20
# clients at 46 requests a second with p99 988 ms on 2 threads each, 36 and 2,960 ms on 8).
DEFAULT_THREADS = 2
# gunicorn's largest request line: a 1,000-character Cyrillic query is 6 KB once encoded.
REQUEST_LINE = 8190
# The collector's thresholds in the workers: Python's defaults but for the full collections.
GC_YOUNG, GC_MIDDLE, GC_FULL = 700, 10, 100
log = logging.getLogger("muragat.serve")


def cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="muragat-web", description="Serve the Muragat search pages and JSON API.")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"interface to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("MURAGAT_PORT") or DEFAULT_PORT),
                        help=f"port (default $MURAGAT_PORT or {DEFAULT_PORT})")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: the number of cores, "
                             f"{cores()} here)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"threads per worker process (default {DEFAULT_THREADS})")
    parser.add_argument("--index", help="the live index path (default $MURAGAT_INDEX)")
    parser.add_argument("--public-url",
                        help="the site's public address, for the links of the Atom feeds "
                             "(default $MURAGAT_PUBLIC_URL; else the feeds' links are relative)")
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = cores()
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    return args


class Server(BaseApplication):
    """gunicorn running the app: ``workers`` processes of ``threads`` threads, connections
    spread evenly over them (``web.balance``)."""

    def __init__(self, app: Any, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        # Twice the workers: a reload (SIGHUP) forks the new workers before the old ones exit.
        self.shares = ConnectionShares(2 * args.workers + 2)
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": f"{self.args.host}:{self.args.port}",
            "workers": self.args.workers,
            "threads": self.args.threads,
            "worker_class": BalancedThreadWorker,
            "preload_app": True,
            "timeout": 60,  # a worker silent this long is killed and replaced
            "graceful_timeout": 10,
            "keepalive": 5,
            "limit_request_line": REQUEST_LINE,
            "proc_name": "muragat-web",
            "control_socket_disable": True,  # one per user: a second server would take it
            "post_worker_init": open_index,
            "pre_fork": self.shares.pre_fork,
            "child_exit": self.shares.child_exit,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.app


def open_index(worker: Any) -> None:
    """gunicorn hook, in each new worker: open the live index and warm it before serving, so
    that no request waits for it (a worker's first request paid 0.5–0.9 s at 100,000
    articles to open it, and 0.1–0.4 s more for what a first search loads)."""
    try:
        warm(worker.wsgi.extensions["muragat.searcher"])
    except IndexUnavailable as err:
        log.warning("worker %s: %s", os.getpid(), err.message)
    except Exception:  # warming only saves time: a worker that cannot warm still serves
        log.exception("worker %s: warming the index failed", os.getpid())


def main(argv: list[str] | None = None) -> None:
    """Serve ``create_app()`` with gunicorn until interrupted (Ctrl-C, SIGTERM)."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config: dict[str, str] = {}
    if args.index:
        config["INDEX"] = args.index
    if args.public_url:
        config["PUBLIC_URL"] = args.public_url
    app = create_app(config or None)
    morph()  # loaded once in the master: its dictionaries are shared by the workers' memory
    for name in app.jinja_env.list_templates():  # compiled once, not in a first request
        app.jinja_env.get_template(name)
    print(f"Muragat: http://{args.host}:{args.port}/ (index {app.config['INDEX']}; "
          f"{args.workers} worker process(es) × {args.threads} threads)", flush=True)
    # What the master loaded lives as long as the workers: out of the collector's sight, a
    # worker's full collections do not walk it nor write to its pages, which stay shared
    # (Python's advice for fork without exec; a busy worker's private memory 288 → 279 MB at
    # 50,000 long articles, latency unchanged within the noise).
    gc.collect()
    gc.freeze()
    # A full collection is a pause of every request of its worker: 100–140 ms at 100,000
    # articles (the caches' objects), every 400 requests or so. Ten times fewer: the garbage
    # it would have found is a request's few cycles (its Flask request, hits, chart bars),
    # 10 objects a request, no arrays (in-process, 1,500 requests of bench/load.py's mix:
    # 4 full collections, 411 ms, against none, RSS 351 → 355 MB).
    gc.set_threshold(GC_YOUNG, GC_MIDDLE, GC_FULL)
    Server(app, args).run()


if __name__ == "__main__":
    main()
