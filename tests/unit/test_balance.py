"""``web.balance``: the connection shares of gunicorn's workers and the worker that follows
them (the whole server: tests/system/test_server.py)."""

from __future__ import annotations

import logging

from gunicorn.config import Config

from web.balance import BalancedThreadWorker, ConnectionShares


def test_shares_count_only_live_workers_and_round_up() -> None:
    shares = ConnectionShares(4)
    assert shares.share() == 0
    a, b, c = shares.claim(), shares.claim(), shares.claim()
    assert sorted({a, b, c}) == [0, 1, 2]
    shares.counts[[a, b, c]] = [13, 7, 0]
    assert shares.share() == 7  # 20 over 3, rounded up
    shares.release(c)
    assert shares.share() == 10
    assert shares.claim() == c and shares.counts[c] == 0, "a freed slot is reused, empty"
    assert shares.claim() == 3
    assert shares.claim() == -1, "a worker beyond the slots is not balanced"


def _worker(shares: ConnectionShares | None) -> BalancedThreadWorker:
    cfg = Config()
    cfg.set("threads", 2)
    cfg.set("worker_connections", 1000)
    worker = BalancedThreadWorker(1, 0, [], None, 30, cfg, logging.getLogger("test"))
    if shares is not None:
        shares.pre_fork(None, worker)
    return worker


def test_a_worker_over_its_share_stops_accepting_and_closes_its_connections() -> None:
    shares = ConnectionShares(4)
    busy, idle = _worker(shares), _worker(shares)
    busy.nr_conns, idle.nr_conns = 13, 7
    shares.counts[idle.slot] = 7
    assert busy.worker_connections == 13, "holding more than 10: accepts no more"
    assert busy.max_keepalived == 0, "every response closes its connection"
    assert idle.worker_connections == 1000 and idle.max_keepalived == 998
    busy.nr_conns = 10  # three closed: 17 in all, a share of 9
    assert busy.worker_connections == 10 and busy.max_keepalived == 0
    idle.nr_conns = 10  # and reconnected to the other worker
    assert idle.worker_connections == 1000 and idle.max_keepalived == 998
    assert busy.worker_connections == 1000, "an even split accepts: no client waits"
    assert busy.max_keepalived == 998
    shares.child_exit(None, idle)
    assert busy.worker_connections == 1000, "alone: the whole share is its own"


def test_an_unbalanced_worker_is_plain_gthread() -> None:
    worker = _worker(None)
    worker.nr_conns = 500
    assert worker.worker_connections == 1000 and worker.max_keepalived == 998
