"""Keep-alive connections spread evenly over gunicorn's worker processes.

A keep-alive connection stays with the worker that accepted it, and which worker wins an
accept is chance: at 100,000 articles, 20 clients of ``bench/load.py`` held 13 connections on
one worker and 7 on the other for a whole run, both workers busy all the time, so the first
one's clients waited almost twice as long (p99 489 ms). Each worker publishes how many
connections it holds in a small array shared through the fork; a worker holding more than its
share (the total over the live workers, rounded up) stops accepting and answers with
``Connection: close`` until it is back at its share, so the client's next connection goes to a
worker below it. One worker, or an even split, behaves as plain gthread.
"""

from __future__ import annotations

import math
from multiprocessing.sharedctypes import RawArray
from typing import Any

import numpy as np
from gunicorn.workers.gthread import ThreadWorker

FREE = -1  # a slot no live worker holds


class ConnectionShares:
    """How many connections each live worker holds: one slot per worker, claimed by the master
    before it forks the worker and freed when the worker exits."""

    def __init__(self, slots: int) -> None:
        self._raw = RawArray("i", slots)  # anonymous shared memory: inherited by the fork
        self.counts = np.frombuffer(self._raw, np.int32)
        self.counts[:] = FREE

    def claim(self) -> int:
        free = np.flatnonzero(self.counts == FREE)
        if not len(free):
            return -1  # more workers than slots: this one is not balanced
        slot = int(free[0])
        self.counts[slot] = 0
        return slot

    def release(self, slot: int) -> None:
        if slot >= 0:
            self.counts[slot] = FREE

    def share(self) -> int:
        """The connections each live worker should hold: the total over them, rounded up."""
        live = self.counts[self.counts != FREE]
        return math.ceil(int(live.sum()) / len(live)) if len(live) else 0

    # gunicorn's server hooks, in the master process

    def pre_fork(self, server: Any, worker: Any) -> None:
        worker.shares, worker.slot = self, self.claim()

    def child_exit(self, server: Any, worker: Any) -> None:
        self.release(getattr(worker, "slot", -1))


class BalancedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, accepting and keeping connections only up to its share.

    gthread reads ``worker_connections`` before every wait for events (accepting while it holds
    fewer) and ``max_keepalived`` for every response (closing it when as many connections are
    idle): both become properties that follow the shares."""

    shares: ConnectionShares | None = None
    slot = -1

    @property
    def worker_connections(self) -> int:
        limit = self._worker_connections
        if self.shares is None or self.slot < 0:
            return limit
        held = self.nr_conns
        self.shares.counts[self.slot] = held
        return held if held > self.shares.share() else limit  # held: accept no more

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._worker_connections = value

    @property
    def max_keepalived(self) -> int:
        if self.shares is not None and self.slot >= 0:
            held = self.nr_conns
            self.shares.counts[self.slot] = held
            if held > self.shares.share():
                return 0  # every response closes its connection
        return self._max_keepalived

    @max_keepalived.setter
    def max_keepalived(self, value: int) -> None:
        self._max_keepalived = value
