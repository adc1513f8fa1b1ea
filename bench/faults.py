"""Fault drills run before a release; each prints PASS, FAIL or SKIP with what it saw.

    .venv/bin/python bench/faults.py [--only kill,workers,diskfull,twice,corrupt,hostile,files]
                                     [--size 2000]

- ``kill``: ``kill -9`` of an ``index rebuild`` early (0.5 s), mid (3 s), when the partial
  build has segment files, and after its commit (TOC written, not yet live): the live index keeps
  serving, no worker survives, and the next rebuild takes the lock and removes the partial.
- ``workers``: ``kill -9`` of one, then every, worker process of a rebuild (as the OOM killer
  would): the rebuild fails with a message instead of hanging; the live index is intact.
- ``diskfull``: the index on a 20 MB tmpfs (``mount -t tmpfs``; root only, else a loop file,
  else SKIP), a rebuild of an archive too big for it: a clear error, the live index intact.
- ``twice``: a second rebuild (and an update) while one runs: refused at once, exit code 2.
  The first is then stopped with Ctrl-C (SIGINT): it cleans up its partial build.
- ``corrupt``: a truncated segment file of the live index: ``index rollback`` restores the
  previous index and ``index rebuild`` recovers.
- ``hostile``: the hostile archive of ``tests/system/test_hostile_archive.py`` at full size (20,000
  JSON lines, a 50 MB article: just under the article limit) through ``index rebuild``.
- ``files``: the hostile files of issue 14 at full size, each in an archive of its own beside
  a good article, through ``index rebuild``: a 2 MB ``.jsonl.gz`` of 2 GB of zeros, one line
  of 2 GB without a newline, one valid 200 MB article, a million duplicate lines, a lone
  surrogate escape, a file name that is not UTF-8, a corrupt deflate block, a file name with a
  newline. Each must be reported with its reason, the rest indexed, the summary short, and
  the largest process under 1 GB.

Archives come from ``bench/make_corpus.py`` (cached under ``bench/out/``); scratch folders
are made under ``bench/out/faults/`` and removed at the end. Exit code 1 when a drill fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests"), str(ROOT / "tests" / "system"),
                str(ROOT / "tests" / "unit")]

from processes import children  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402

from indexer.build.lock import LockedError, WriterLock  # noqa: E402
from indexer.store import generations  # noqa: E402

WORK = ROOT / "bench" / "out" / "faults"
RESULTS: list[tuple[str, str, str]] = []


def say(status: str, name: str, detail: str) -> None:
    RESULTS.append((status, name, detail))
    print(f"{status} {name}: {detail}", flush=True)


def check(name: str, ok: bool, detail: str) -> bool:
    say("PASS" if ok else "FAIL", name, detail)
    return ok


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "indexer.cli", *args]


def run(*args: str, timeout: float = 900, timed: bool = False
        ) -> subprocess.CompletedProcess[str]:
    """An ``index`` command to its end (killed and reported as exit -9 on a timeout); with
    ``timed``, under ``/usr/bin/time`` whose last stderr line is ``MAXRSS <KB>``."""
    command = cli(*args)
    if timed and Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-f", "MAXRSS %M", *command]
    try:
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout)
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        return subprocess.CompletedProcess(err.cmd, -9, out, f"TIMEOUT after {timeout} s")


def rebuild_args(archive: Path, index: Path) -> list[str]:
    return ["rebuild", "--no-entities", "--archive", str(archive), "--index", str(index)]


def probe(index: Path) -> int:
    """Articles of the live index, reading every stored field and one posting list: raises
    when the index is damaged."""
    ix = whoosh_index.open_dir(str(index))
    with ix.searcher() as s:
        ids = [f["id"] for f in s.all_stored_fields()]
        s.search(whoosh_index_query(), limit=5)
        if len(ids) != s.doc_count():
            raise RuntimeError(f"{len(ids)} stored documents, doc_count {s.doc_count()}")
        return len(ids)


def whoosh_index_query():
    from whoosh.query import Every

    return Every()


def serving(index: Path) -> int | None:
    try:
        return probe(index)
    except Exception:  # noqa: BLE001 - any failure means the index does not serve
        return None


def small_archive(path: Path, n: int = 5) -> Path:
    """A few tiny native articles."""
    shutil.rmtree(path, ignore_errors=True)
    for i in range(n):
        file = path / "kz" / "2024" / f"small-{i}.txt"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"date 2024-01-0{i + 1}\n\nМажилис принял закон номер {i}.\n")
    return path


def big_archive(size: int) -> Path:
    import scale

    path, _ = scale.corpus(size, 1, "txt")
    return path


def survivors(marker: str) -> list[int]:
    """Processes whose command line names ``marker`` (our unique index path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found


def wait_gone(marker: str, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := survivors(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def partials(index: Path) -> list[Path]:
    folder = generations.builds_dir(index)
    return [p for p in folder.iterdir() if p.name.endswith(".partial")] if folder.is_dir() else []


def lock_free(index: Path) -> bool:
    try:
        with WriterLock(generations.lock_path(index)):
            return True
    except LockedError:
        return False


def wait_for(predicate: Callable[[], bool], proc: subprocess.Popen, seconds: float) -> bool:
    """Poll until ``predicate`` holds; False when the process ended or time ran out first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if predicate():
            return True
        time.sleep(0.02)
    return False


# -- drills -----------------------------------------------------------------------------------


def drill_kill(size: int) -> None:
    big = big_archive(size)
    small = small_archive(WORK / "small")
    points: dict[str, Callable[[Path], Callable[[], bool]]] = {
        "early (0.5 s)": lambda index: _after(0.5),
        "mid (3 s)": lambda index: _after(3.0),
        "segment files written": lambda index: lambda: any(
            next(p.glob("*.seg"), None) for p in partials(index)),
        "after commit, before swap": lambda index: lambda: any(
            next(p.glob("_MAIN_[1-9]*.toc"), None) for p in partials(index)),  # 0: empty
    }
    for name, make_point in points.items():
        drill = f"kill -9 {name}"
        index = WORK / f"kill-{len(RESULTS)}" / "index"
        shutil.rmtree(index.parent, ignore_errors=True)
        first = run(*rebuild_args(small, index))
        live, before = generations.target(index), serving(index)
        if first.returncode != 0 or before != 5:
            check(drill, False, f"could not build the live index: {first.stderr[-500:]}")
            continue
        proc = subprocess.Popen(cli(*rebuild_args(big, index)), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        hit = wait_for(make_point(index), proc, 600)
        at = time.monotonic() - started
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        left = wait_gone(str(index))
        now = generations.target(index)
        count = serving(index)
        # After the commit the swap may have happened already: then the new index is live.
        swapped = now != live and count == size
        kept = now == live and count == before
        partial_left = len(partials(index))
        free = lock_free(index)
        after = run(*rebuild_args(small, index))
        recovered = (after.returncode == 0 and serving(index) == 5 and not partials(index)
                     and lock_free(index))
        cleaned = ("removed 1 unfinished" in after.stdout) == (partial_left == 1)
        check(drill, (kept or swapped) and not left and free and recovered and cleaned,
              f"{'killed' if hit else 'point not reached, ended'} at {at:.1f} s; "
              f"live {'kept' if kept else 'new build' if swapped else 'BROKEN'} "
              f"({count} articles); workers left {left or 'none'}; lock free {free}; "
              f"partials left {partial_left}; next rebuild exit {after.returncode}, "
              f"{'cleaned up' if cleaned else 'NOT cleaned'}: "
              f"{_first_line(after.stdout, 'removed') or _first_line(after.stdout, 'indexed')}")
        shutil.rmtree(index.parent, ignore_errors=True)


def drill_kill_workers(size: int) -> None:
    """kill -9 of the worker processes (an OOM kill): the rebuild must fail, not hang."""
    big = big_archive(size)
    small = small_archive(WORK / "small")
    for which in ("one worker", "every worker"):
        drill = f"kill -9 of {which}"
        index = WORK / f"workers-{len(RESULTS)}" / "index"
        shutil.rmtree(index.parent, ignore_errors=True)
        run(*rebuild_args(small, index))
        live = generations.target(index)
        proc = subprocess.Popen(cli(*rebuild_args(big, index)), cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: len(children(proc.pid)) >= 2, proc, 60)  # noqa: B023
        time.sleep(2)
        workers = children(proc.pid)
        for pid in workers[:1] if which == "one worker" else workers:
            os.kill(pid, signal.SIGKILL)
        try:
            _, err = proc.communicate(timeout=180)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            os.kill(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
        message = (err.strip().splitlines() or [""])[-1]
        left = wait_gone(str(index))
        intact = generations.target(index) == live and serving(index) == 5
        check(drill, not hung and proc.returncode not in (0, None) and intact and not left,
              f"killed {len(workers[:1] if which == 'one worker' else workers)} of "
              f"{len(workers)} children; "
              + ("the rebuild HUNG (killed after 180 s)" if hung else
                 f"exit {proc.returncode}: {message[:200]!r}")
              + f"; live index {'intact' if intact else 'CHANGED'}; left {left or 'none'}")
        shutil.rmtree(index.parent, ignore_errors=True)


def _after(seconds: float) -> Callable[[], bool]:
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() >= deadline


def _first_line(text: str, start: str) -> str:
    return next((line for line in text.splitlines() if line.startswith(start)), "")


@contextlib.contextmanager
def small_filesystem(path: Path, mb: int) -> Iterator[str]:
    """A ``mb``-MB file system mounted at ``path``: tmpfs, else an ext4 loop file."""
    path.mkdir(parents=True, exist_ok=True)
    tmpfs = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(path)],
                           capture_output=True, text=True)
    kind = "tmpfs"
    image = path.with_name(path.name + ".img")
    if tmpfs.returncode != 0:
        kind = "loop ext4"
        with open(image, "wb") as f:
            f.truncate(mb * 2**20)
        ok = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True)
        loop = subprocess.run(["mount", "-o", "loop", str(image), str(path)],
                              capture_output=True, text=True)
        if ok.returncode != 0 or loop.returncode != 0:
            image.unlink(missing_ok=True)
            raise PermissionError(f"cannot mount a small file system here: "
                                  f"{tmpfs.stderr.strip()}; {loop.stderr.strip()}")
    try:
        yield kind
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)
        image.unlink(missing_ok=True)


def drill_diskfull(size: int) -> None:
    drill = "disk full"
    big = big_archive(size)
    small = small_archive(WORK / "small")
    mount = WORK / "small-fs"
    try:
        with small_filesystem(mount, 20) as kind:
            index = mount / "index"
            first = run(*rebuild_args(small, index))
            live = generations.target(index)
            started = time.monotonic()
            full = run(*rebuild_args(big, index), timeout=600)
            took = time.monotonic() - started
            message = (full.stderr.strip().splitlines() or [""])[-1]
            left = wait_gone(str(index))
            count = serving(index)
            # The last line is the message; whoosh's sub-writers print their own tracebacks.
            clear = full.returncode == 1 and message.startswith("error:") and (
                "No space left" in message)
            noise = full.stderr.count("Traceback")
            intact = generations.target(index) == live and count == 5
            again = run(*rebuild_args(small, index))
            check(drill, first.returncode == 0 and clear and intact and not left
                  and not partials(index) and again.returncode == 0,
                  f"{kind} 20 MB; exit {full.returncode} after {took:.0f} s: {message[:300]!r} "
                  f"(and {noise} worker tracebacks above it); "
                  f"live index {'intact' if intact else 'CHANGED'} ({count} articles); "
                  f"partials left {len(partials(index))}; workers left {left or 'none'}; "
                  f"next rebuild exit {again.returncode}")
    except PermissionError as err:
        say("SKIP", drill, str(err))


def drill_twice(size: int) -> None:
    big = big_archive(size)
    index = WORK / "twice" / "index"
    shutil.rmtree(index.parent, ignore_errors=True)
    run(*rebuild_args(small_archive(WORK / "small"), index))
    proc = subprocess.Popen(cli(*rebuild_args(big, index)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if not wait_for(lambda: bool(partials(index)), proc, 120):
        check("two rebuilds at once", False, "the first rebuild did not start")
        return
    started = time.monotonic()
    second = run(*rebuild_args(big, index), timeout=60)
    took = time.monotonic() - started
    update = run("update", "--no-entities", "--archive", str(big), "--index", str(index),
                 timeout=60)
    check("two rebuilds at once",
          second.returncode == 2 and update.returncode == 2 and took < 5
          and "another rebuild" in second.stderr,
          f"second rebuild exit {second.returncode} in {took:.1f} s: "
          f"{second.stderr.strip()[:200]!r}; update exit {update.returncode}")
    os.kill(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    left = wait_gone(str(index))
    check("Ctrl-C of a rebuild", proc.poll() != 0 and not partials(index) and not left
          and lock_free(index) and serving(index) == 5,
          f"exit {proc.returncode}; partials left {len(partials(index))}; "
          f"workers left {left or 'none'}; live index {serving(index)} articles")
    shutil.rmtree(index.parent, ignore_errors=True)


def drill_corrupt() -> None:
    drill = "corrupted live index"
    index = WORK / "corrupt" / "index"
    shutil.rmtree(index.parent, ignore_errors=True)
    run(*rebuild_args(small_archive(WORK / "small", 5), index))
    other = small_archive(WORK / "other", 8)
    run(*rebuild_args(other, index))
    bad = generations.target(index)
    segments = sorted(bad.glob("*.seg"), key=lambda p: p.stat().st_size) if bad else []
    if serving(index) != 8 or not segments:
        check(drill, False, "could not build two generations")
        return
    with open(segments[-1], "r+b") as f:
        f.truncate(f.seek(0, os.SEEK_END) // 2)
    broken = serving(index)
    stats = run("stats", "--index", str(index))
    back = run("rollback", "--index", str(index))
    rolled = serving(index)
    again = run(*rebuild_args(other, index))
    check(drill, broken is None and back.returncode == 0 and rolled == 5
          and again.returncode == 0 and serving(index) == 8 and not bad.exists(),
          f"truncated {segments[-1].name}: serving {broken}; `index stats` exit "
          f"{stats.returncode} ({(stats.stderr.strip().splitlines() or [''])[-1][:160]!r}); "
          f"rollback exit {back.returncode} -> {rolled} articles; rebuild exit "
          f"{again.returncode} -> {serving(index)} articles; broken build removed "
          f"{not bad.exists()}")
    shutil.rmtree(index.parent, ignore_errors=True)


def drill_hostile() -> None:
    import test_hostile_archive as hostile

    drill = "hostile archive, full size"
    root = WORK / "hostile" / "archive"
    shutil.rmtree(root.parent, ignore_errors=True)
    h = hostile.make_hostile(root, lines_count=20_000, big_mb=50)
    index = root.parent / "index"
    started = time.monotonic()
    result = run(*rebuild_args(root, index), timed=True)
    took = time.monotonic() - started
    rss = _first_line(result.stderr.splitlines()[-1] if result.stderr else "", "MAXRSS")
    peak = f"{int(rss.split()[1]) // 1024} MB" if rss else "unknown"
    hostile.restore_permissions(root)
    count = serving(index)
    end = hostile.find(index, "Зюзикберген") if count else set()
    skipped = len(h.skipped) + len(h.skipped_lines)
    check(drill, result.returncode == 0 and count == len(h.ids)
          and f"skipped {skipped}:" in result.stdout and end == {"big/2023/huge"},
          f"exit {result.returncode} in {took:.0f} s; {count} of {len(h.ids)} articles; "
          f"{_first_line(result.stdout, 'skipped')} (expected {skipped}); last word of the "
          f"50 MB article found: {end == {'big/2023/huge'}}; peak RSS (largest process) {peak}"
          + ("" if result.returncode == 0 else f"; {result.stderr[-500:]}"))
    shutil.rmtree(root.parent, ignore_errors=True)


GB = 2**30
MB = 2**20
GOOD = "date 2024-05-01\ntitle Заметка\n\nМажилис обсудил бюджет Казахстана.\n"


def _zeros_gzip(root: Path) -> str:
    from test_hostile_files import gzip_of

    packed = gzip_of(root / "zeros.jsonl.gz", b"", b"\0", 2 * GB)
    return f"zeros.jsonl.gz: binary file (NUL bytes)|{packed / MB:.1f} MB of gzip"


def _long_line(root: Path) -> str:
    from test_hostile_files import sparse

    sparse(root / "long.jsonl", b'{"id": "long", "text": "' + b"x" * 16384, 2 * GB, b'"}\n')
    return "long.jsonl:1: line too long: 2,048.0 MB"


def _big_article(root: Path) -> str:
    paragraph = ("Экспорт казахстанской нефти через КТК вырос, сообщили в министерстве. "
                 "Правительство обсудило тарифы на электроэнергию.\n\n").encode()
    with (root / "big.txt").open("wb") as f:
        f.write(b"date 2024-05-01\n\n")
        chunk = paragraph * (MB // len(paragraph))
        while f.tell() < 200 * MB:
            f.write(chunk)
        size = f.tell()
    return f"big.txt: article too large: {size / MB:.1f} MB"


def _duplicates(root: Path) -> str:
    record = {"id": "same", "date": "2024-05-01", "text": "Одна и та же заметка."}
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    with (root / "dups.jsonl").open("wb") as f:
        for _ in range(100):
            f.write(line * 10_000)
    return "  duplicate id: 999,999 (e.g. dups.jsonl:2: "


def _surrogate(root: Path) -> str:
    (root / "odd.jsonl").write_bytes(b'{"id": "odd", "text": "\\ud800 oops"}\n')
    return "odd.jsonl:1: not text: a lone surrogate escape (\\ud800) in the JSON"


def _not_utf8_name(root: Path) -> str:
    with open(os.fsencode(root) + b"/" + "Новости.txt".encode("cp1251"), "w") as f:
        f.write(GOOD)
    return "\\xcd\\xee\\xe2\\xee\\xf1\\xf2\\xe8.txt: the file name is not UTF-8"


def _corrupt_deflate(root: Path) -> str:
    import zlib

    lines = b"".join(b'{"id": "a%d", "text": "note %d"}\n' % (n, n * 7919 % 10007)
                     for n in range(200_000))
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    head = packer.compress(lines[: len(lines) // 2]) + packer.flush(zlib.Z_FULL_FLUSH)
    damaged = bytearray(packer.compress(lines[len(lines) // 2:]) + packer.flush())
    damaged[0] |= 0b110  # a block of type 11, which does not exist
    (root / "damaged.jsonl.gz").write_bytes(head + bytes(damaged))
    return "damaged.jsonl.gz: not a valid gzip file"


def _newline_name(root: Path) -> str:
    (root / "x.txt\nindexed 1,000,000 articles.txt").write_bytes(b"")
    return "  x.txt\\nindexed 1,000,000 articles.txt: empty file"


HOSTILE_FILES: dict[str, Callable[[Path], str]] = {
    "a 2 MB .jsonl.gz of 2 GB of zeros": _zeros_gzip,
    "one line of 2 GB without a newline": _long_line,
    "one valid 200 MB article": _big_article,
    "a million duplicate lines": _duplicates,
    "a lone surrogate escape": _surrogate,
    "a file name that is not UTF-8": _not_utf8_name,
    "a corrupt deflate block": _corrupt_deflate,
    "a file name with a newline": _newline_name,
}


def drill_hostile_files() -> None:
    """Each hostile file in an archive of its own, beside a good article, through ``index
    rebuild``: reported, the summary short, the largest process under 1 GB."""
    for name, make in HOSTILE_FILES.items():
        drill = f"hostile file: {name}"
        root = WORK / "files" / "archive"
        shutil.rmtree(root.parent, ignore_errors=True)
        root.mkdir(parents=True)
        (root / "good.txt").write_text(GOOD, encoding="utf-8")
        expected, _, note = make(root).partition("|")
        index = root.parent / "index"
        started = time.monotonic()
        result = run(*rebuild_args(root, index), timed=True)
        took = time.monotonic() - started
        rss = _first_line(result.stderr.splitlines()[-1] if result.stderr else "", "MAXRSS")
        peak = int(rss.split()[1]) // 1024 if rss else None
        found = serving(index)
        forged = any(line.startswith("indexed 1,000,000") for line in result.stdout.splitlines())
        problems = index.with_name("index.problems.txt")
        listed = len(problems.read_bytes().splitlines()) if problems.exists() else 0
        check(drill, result.returncode == 0 and expected in result.stdout and found is not None
              and found >= 1 and peak is not None and peak < 1024 and not forged
              and len(result.stdout) < 10_000,
              f"exit {result.returncode} in {took:.0f} s; {found} article(s) indexed; "
              f"reported: {expected in result.stdout} ({expected.strip()!r}); summary "
              f"{len(result.stdout):,} bytes, {listed:,} problem(s) in {problems.name}; "
              f"peak RSS (largest process) {peak} MB" + (f"; {note}" if note else "")
              + ("" if result.returncode == 0 else f"; {result.stderr[-500:]}"))
        shutil.rmtree(root.parent, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="kill,workers,diskfull,twice,corrupt,hostile,files")
    parser.add_argument("--size", type=int, default=2000,
                        help="Articles of the archive the rebuilds are killed in.")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    drills = {"kill": lambda: drill_kill(args.size),
              "workers": lambda: drill_kill_workers(args.size),
              "diskfull": lambda: drill_diskfull(args.size),
              "twice": lambda: drill_twice(args.size), "corrupt": drill_corrupt,
              "hostile": drill_hostile, "files": drill_hostile_files}
    for name in args.only.split(","):
        try:
            drills[name]()
        except Exception as err:  # noqa: BLE001 - a drill that crashes is a failed drill
            say("FAIL", name, f"the drill itself crashed: {type(err).__name__}: {err}")
    shutil.rmtree(WORK, ignore_errors=True)
    failed = [r for r in RESULTS if r[0] == "FAIL"]
    print(f"\n{len(RESULTS) - len(failed)} of {len(RESULTS)} drills passed or skipped"
          + (f"; FAILED: {', '.join(r[1] for r in failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
