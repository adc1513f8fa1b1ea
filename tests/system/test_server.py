"""``muragat-web --workers 2``: the real server (gunicorn), two worker processes, each opening
the index for itself and following a rebuild and a rollback on its own."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import children

from indexer.build import rebuild, rollback

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def archive(root: Path, count: int) -> Path:
    for n in range(count):
        path = root / f"a{n}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date 2024-05-0{n % 9 + 1}\n\nМажилис обсудил бюджет номер {n}.\n",
                        encoding="utf-8")
    return root


def stats(port: int) -> dict:
    """``/api/stats`` on a new connection (so that any worker may answer it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/api/stats", headers={"Connection": "close"})
        response = conn.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int, Path]]:
    index = tmp_path / "instance" / "index"
    rebuild(archive(tmp_path / "first", 3), index, workers=1, entities=False)
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "muragat-web"), "--workers", "2", "--threads", "2", "--port", str(port),
         "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                stats(port)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
        # One worker may answer before the master has forked the other.
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        yield proc, port, index
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_two_workers_each_follow_a_rebuild_and_a_rollback(
    server: tuple[subprocess.Popen, int, Path], tmp_path: Path
) -> None:
    proc, port, index = server
    workers = children(proc.pid)
    assert len(workers) == 2
    assert all((Path("/proc") / str(w) / "status").exists() for w in workers)
    assert {stats(port)["articles"] for _ in range(10)} == {3}

    rebuild(archive(tmp_path / "second", 5), index, workers=1, entities=False)
    time.sleep(1.0)  # a worker checks for a new version every half second
    assert {stats(port)["articles"] for _ in range(30)} == {5}, "every worker serves it"

    rollback(index)
    time.sleep(1.0)
    assert {stats(port)["articles"] for _ in range(30)} == {3}
    assert sorted(children(proc.pid)) == sorted(workers), "no worker died on the way"

    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "2 worker process(es) × 2 threads" in out
    assert not any(_alive(w) for w in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_keep_alive_connections_end_spread_evenly_over_the_workers(
    server: tuple[subprocess.Popen, int, Path]
) -> None:
    proc, port, _ = server
    workers = children(proc.pid)
    clients = 8
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(clients)]
    closed = 0
    held: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for n, conn in enumerate(conns):  # as bench/load.py's clients: reconnect on close
                conn.request("GET", "/api/search?q=%D0%B1%D1%8E%D0%B4%D0%B6%D0%B5%D1%82")  # бюджет
                response = conn.getresponse()
                assert response.status == 200
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    closed += 1
                    conn.close()
                    conns[n] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            time.sleep(0.1)  # each worker's accounting runs between its requests
            held = {w: len(_established(w, port)) for w in workers}
            if sum(held.values()) == clients and set(held.values()) == {clients // 2}:
                break
    finally:
        for conn in conns:
            conn.close()
    assert held == {w: clients // 2 for w in workers}, f"connections per worker: {held}"
    assert sorted(children(proc.pid)) == sorted(workers)


def test_a_killed_workers_replacement_takes_its_share_of_the_connections(
    server: tuple[subprocess.Popen, int, Path]
) -> None:
    proc, port, _ = server
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(6)]
    try:
        _requests(conns, port, rounds=5)
        killed = children(proc.pid)[0]
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            workers = children(proc.pid)
            if len(workers) == 2 and killed not in workers:
                break
            time.sleep(0.2)
        held: dict[int, int] = {}
        while time.monotonic() < deadline:  # the dead worker's clients reconnect
            _requests(conns, port, rounds=1)
            held = {w: len(_established(w, port)) for w in children(proc.pid)}
            if killed not in held and sorted(held.values()) == [3, 3]:
                break
        assert killed not in held and sorted(held.values()) == [3, 3], held
    finally:
        for conn in conns:
            conn.close()


def _requests(conns: list[http.client.HTTPConnection], port: int, rounds: int) -> None:
    """A request on each connection, ``rounds`` times; a connection the server closed (or
    lost with its worker) is opened again, as a browser would."""
    for _ in range(rounds):
        for n, conn in enumerate(conns):
            try:
                conn.request("GET", "/api/stats")
                response = conn.getresponse()
                response.read()
                assert response.status == 200
                closed = response.getheader("Connection", "").lower() == "close"
            except (OSError, http.client.HTTPException):
                closed = True
            if closed:
                conn.close()
                conns[n] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        time.sleep(0.1)  # each worker's accounting runs between its requests


def _established(pid: int, port: int) -> set[int]:
    """The socket inodes of ``pid`` that are established connections to local ``port``."""
    inodes = set()
    for fd in (Path("/proc") / str(pid) / "fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01" and int(fields[9]) in inodes:
            found.add(int(fields[9]))
    return found
