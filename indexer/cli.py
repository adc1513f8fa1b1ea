"""The ``index`` command: ``index rebuild``, ``index update``, ``index stats`` …"""

from __future__ import annotations

import html
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click

from indexer import config
from indexer.build import BuildError, BuildReport, count_articles, rebuild, rollback, update
from indexer.build.lock import LockedError, check_free
from indexer.catalog import FACET_KINDS, SORT_NAMES
from indexer.records import escaped
from indexer.store import generations

archive_option = click.option(
    "--archive", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Archive folder [env MURAGAT_ARCHIVE; default archive/].",
)
index_option = click.option(
    "--index", "index", type=click.Path(path_type=Path), default=None,
    help="Live index path [env MURAGAT_INDEX; default instance/index].",
)
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None,
    help="Worker processes [default: every core].",
)
strict_option = click.option(
    "--strict", is_flag=True, help="Exit non-zero when any file or line was skipped.",
)
entities_option = click.option(
    "--entities/--no-entities", default=True,
    help="Extract persons, organisations and locations [default: on].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Build and query the Muragat search index of a news archive."""


@contextmanager
def progress_bar(total: int, label: str):
    """A tqdm bar on a terminal; plain log lines every few seconds otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, unit=" articles", desc=label, smoothing=0.1) as bar:
            yield bar.update
        return
    started = last = time.monotonic()
    done = 0

    def step(n: int) -> None:
        nonlocal done, last
        done += n
        now = time.monotonic()
        if now - last >= 5 or done == total:
            last = now
            rate = done / max(now - started, 1e-9)
            eta = (total - done) / rate if rate else 0
            click.echo(f"{label}: {done}/{total} articles, {rate:.0f}/s, ETA {eta:.0f} s", err=True)

    yield step


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def print_report(report: BuildReport, verb: str) -> None:
    """The summary after a rebuild or update: counts, problems by reason, speed."""
    if report.stale_lock_pid:
        click.echo(f"took over a stale lock left by pid {report.stale_lock_pid} (no such process)")
    if report.removed_partials:
        click.echo(f"removed {report.removed_partials} unfinished build(s) of a killed run")
    click.echo(
        f"{verb} {report.articles:,} articles in {report.seconds:.1f} s "
        f"({report.rate:.0f} articles/s); index {report.index_bytes / 2**20:.1f} MB"
        + ("" if report.entities else "; entities off")
    )
    if report.reprint_groups:
        click.echo(f"reprints: {report.reprint_groups:,} groups of near-duplicate articles")
    sources = report.entity_sources
    if report.entities and sources.model + sources.rules + sources.cached:
        click.echo(f"entities: the model ran on {sources.model:,} articles, the rules alone on "
                   f"{sources.rules:,} (their model spans cached), {sources.cached:,} stored")
    if report.encodings:
        click.echo("encodings: " + ", ".join(f"{k} {v}" for k, v in report.encodings.items()))
    _print_problems(report, skipped=True)
    _print_problems(report, skipped=False)
    if report.problems_file is not None:
        click.echo(f"every skipped file and warning: {escaped(str(report.problems_file))}")


PRINT_EACH = 50  # skipped files listed one by one up to this many, else counted by reason
EXAMPLES = 3


def _print_problems(report: BuildReport, skipped: bool) -> None:
    """Skipped files one a line when they are few, else (and warnings always) counted by
    reason with a few examples: the summary stays a screen long whatever the archive holds."""
    count = report.skipped_count if skipped else report.warning_count
    kept = report.skipped if skipped else report.warnings
    if not count:
        return
    click.echo(f"{'skipped' if skipped else 'warnings'} {count}:")
    if skipped and count <= PRINT_EACH:
        for problem in kept:
            click.echo(f"  {problem}")
        return
    for (is_skipped, kind), n in report.reasons.most_common():
        if is_skipped != skipped:
            continue
        examples = [str(p) for p in kept if p.kind == kind][:EXAMPLES]
        click.echo(f"  {escaped(kind)}: {n:,}" + (f" (e.g. {'; '.join(examples)})"
                                                   if examples else ""))


@main.command("rebuild")
@archive_option
@index_option
@workers_option
@strict_option
@entities_option
def rebuild_command(archive, index, workers, strict, entities) -> None:
    """Build a new index of the whole archive and swap it in atomically.

    The live index keeps serving until the new one is complete; the previous one is kept
    for `index rollback`.
    """
    archive = archive or config.archive_dir()
    index = index or config.index_dir()
    if not archive.is_dir():
        _fail(f"no archive folder at {archive}")
    try:
        check_free(generations.lock_path(index))  # before the count, which reads the archive
        total = count_articles(archive)
        with progress_bar(total, "rebuild") as step:
            report = rebuild(archive, index, workers=workers, entities=entities, progress=step)
    except LockedError as err:
        _fail(str(err), 2)
    except BuildError as err:
        if err.detail:
            click.echo(err.detail, err=True)
        _fail(str(err))
    print_report(report, "indexed")
    click.echo(f"live index: {index}")
    if strict and report.skipped_count:
        _fail(f"{report.skipped_count} skipped (--strict)", 3)


@main.command("update")
@archive_option
@index_option
@workers_option
@strict_option
@entities_option
def update_command(archive, index, workers, strict, entities) -> None:
    """Add new and changed articles to the live index and delete removed ones."""
    archive = archive or config.archive_dir()
    index = index or config.index_dir()
    try:
        report = update(archive, index, workers=workers, entities=entities)
    except LockedError as err:
        _fail(str(err), 2)
    except BuildError as err:
        _fail(str(err))
    click.echo(
        f"added {report.added}, replaced {report.replaced}, deleted {report.deleted}, "
        f"unchanged {report.unchanged} in {report.seconds:.1f} s"
    )
    print_report(report, "indexed")
    if strict and report.skipped_count:
        _fail(f"{report.skipped_count} skipped (--strict)", 3)


@main.command("rollback")
@index_option
def rollback_command(index) -> None:
    """Make the previous index live again."""
    index = index or config.index_dir()
    try:
        build = rollback(index)
    except LockedError as err:
        _fail(str(err), 2)
    except FileNotFoundError as err:
        _fail(str(err))
    click.echo(f"rolled back: {index} -> {build.name}")


def _searcher(index: Path | None):
    from indexer.search import IndexUnavailable, Searcher

    return Searcher(index or config.index_dir()), IndexUnavailable


@main.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats_command(index, as_json) -> None:
    """Articles, date range, articles per year, sources and top entities of the index."""
    searcher, unavailable = _searcher(index)
    try:
        stats = searcher.stats()
    except unavailable as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"articles: {stats['articles']:,}")
    click.echo(f"dates: {stats['date_min'] or '—'} … {stats['date_max'] or '—'}; "
               f"undated: {stats.get('undated', 0):,}")
    click.echo(f"index size: {stats['index_bytes'] / 2**20:.1f} MB; built {stats.get('built_at')}")
    if stats.get("build_seconds"):
        click.echo(f"build time: {stats['build_seconds']} s")
    click.echo("per year: " + ", ".join(f"{y['key']} {y['count']}" for y in stats["years"]))
    for name in [k.name for k in sorted(FACET_KINDS, key=lambda k: k.entity is not None)]:
        values = stats.get(name) or []
        click.echo(f"{name}: " + (", ".join(f"{v['value']} ({v['count']})" for v in values)
                                  or "—"))


@main.command("search")
@click.argument("query", nargs=-1)
@index_option
@click.option("--limit", type=click.IntRange(1, 100), default=10, help="Hits to show.")
@click.option("--sort", type=click.Choice(SORT_NAMES), default="relevance")
@click.option("--exact", is_flag=True,
              help="Search the query as typed: no corrections, no other names.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of the web API.")
def search_command(query, index, limit, sort, exact, as_json) -> None:
    """Search the index as the web does: index search конституция референдум"""
    from indexer.search import BadRequest, parse_request

    searcher, unavailable = _searcher(index)
    try:
        request = parse_request({"q": " ".join(query), "size": str(limit), "sort": sort,
                                 "correct": "0" if exact else "1"})
        result = searcher.search(request)
    except BadRequest as err:
        _fail(err.message)
    except unavailable as err:
        _fail(str(err))
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    partial = f" (and {result.partial} lacking a word)" if result.partial else ""
    click.echo(f"{result.total} found{partial} in {result.took_ms:.0f} ms")
    if result.corrected:
        click.echo(f"searched for: {result.corrected} (as typed: index search --exact …)")
    for c in result.corrections:
        if c.reason != "abbreviation":  # other names are searched too, not instead
            click.echo(f"  {c.original} → {c.replacement} ({c.reason})")
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion}")
    for hit in result.hits:
        click.echo(f"\n{hit.date or '----------'}  {hit.title}  [{hit.id}]")
        if hit.missing:
            click.echo("    missing: " + ", ".join(hit.missing))
        snippet = hit.snippet_html.replace("<mark>", "\033[1m").replace("</mark>", "\033[0m")
        click.echo("    " + html.unescape(snippet))


@main.command("entities")
@click.argument("text_or_file")
def entities_command(text_or_file) -> None:
    """Print the persons, organisations and locations found in a text or a file."""
    from indexer.entities import extract

    path = Path(text_or_file)
    text = path.read_text(encoding="utf-8") if path.is_file() else text_or_file
    for entity in extract(text):
        mention = text[entity.start : entity.end]
        click.echo(f"{entity.kind}\t{entity.name}\t{entity.start}-{entity.end}\t{mention}")


if __name__ == "__main__":
    main()
