"""A synthetic news archive of any size, made of real Russian sentences.

    python bench/make_corpus.py --count 100000 --out bench/out/corpus [--seed 1] [--format txt]
                                [--chars 6500]

Sentences come from the real news of ``../shared/corpora`` (Nezavisimaya Gazeta, RT, Meduza),
split with ``razdel.sentenize``, so the vocabulary and the word-frequency shape are real. Each
article is one to a few long runs of consecutive sentences from random source documents,
grouped into paragraphs, with a date in 2000–2026 (more in later years; ~2 % undated), one of
a handful of sources and, for about a third of the articles, a lead naming a real Kazakh
person, organisation and place. The output depends only on ``--seed``, ``--count``,
``--chars`` and the corpora.

Article lengths are log-normal (median ~2,800 characters, ~3,300 on average, 500–20,000). With
``--chars N`` the whole length distribution is scaled so that articles have about N characters on
average (``--chars 6500``: newspaper articles, like the real NG/RT/Meduza ones at 6,777); without
it the output is what it always was.

``--format txt`` writes native files ``<out>/<source>/<year>/<id>.txt`` (``undated`` for no
date); ``--format jsonl`` writes ``<out>/<source>-NNN.jsonl`` (10,000 lines a file) with the
keys id, date, title, text, source, url, topic. Articles are written as they are made: memory
does not grow with ``--count``. A hidden ``<out>/.corpus.json`` with the parameters and totals
is written last, so a complete corpus can be told from an interrupted one.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import razdel

ROOT = Path(__file__).resolve().parent.parent
# The shared corpora: ../shared/corpora beside the checkout, or MURAGAT_CORPORA (a worktree
# elsewhere).
CORPORA = Path(os.environ.get("MURAGAT_CORPORA") or ROOT.parent / "shared" / "corpora")
FILES = ("ng_rt_kw_eval/ng.jsonl", "ng_rt_kw_eval/rt.jsonl.gz",
         "meduza_golunov/meduza_golunov.jsonl")
MARKER = ".corpus.json"
VERSION = 2  # of the generator: a cached corpus of another version is made again
JSONL_LINES = 10_000  # articles per JSON Lines file: the reader holds one file in memory
# The default length distribution: log-normal (mu, sigma) clipped to [MIN, MAX] characters,
# about DEFAULT_CHARS on average, of which OVERSHOOT is the last sentence's past the target.
LENGTH_MU, LENGTH_SIGMA, LENGTH_MIN, LENGTH_MAX = 7.95, 0.5, 500, 20000
DEFAULT_CHARS, OVERSHOOT = 3300, 100


@dataclass(frozen=True)
class Source:
    slug: str
    name: str
    site: str
    weight: float


SOURCES = (
    Source("kazpravda", "Kazpravda.kz", "https://kazpravda.kz/n", 3),
    Source("tengrinews", "Tengrinews", "https://tengrinews.kz/news", 3),
    Source("inform", "Kazinform", "https://www.inform.kz/ru", 2),
    Source("interfax-kz", "Interfax-Kazakhstan", "https://www.interfax.kz/?lang=rus&news_id=", 1.5),
    Source("tass", "ТАСС", "https://tass.ru/politika", 2),
    Source("ria", "РИА Новости", "https://ria.ru", 2),
    Source("meduza", "Meduza", "https://meduza.io/news", 1),
    Source("zakon", "Zakon.kz", "https://www.zakon.kz/news", 1.5),
)
TOPICS = ("politics", "economics", "society", "world", "incidents", "sport", "culture",
          "science", "regions")

# Real Kazakh names, in the grammatical forms the lead templates need.
PERSONS = (  # (role, name in the nominative)
    ("Президент Казахстана", "Касым-Жомарт Токаев"),
    ("Первый президент Казахстана", "Нурсултан Назарбаев"),
    ("Премьер-министр РК", "Олжас Бектенов"),
    ("Председатель Сената", "Маулен Ашимбаев"),
    ("Председатель Мажилиса", "Ерлан Кошанов"),
    ("Аким Алматы", "Ерболат Досаев"),
    ("Аким Астаны", "Женис Касымбек"),
    ("Министр иностранных дел", "Мурат Нуртлеу"),
    ("Председатель Национального банка", "Тимур Сулейменов"),
    ("Глава Минэнерго", "Алмасадам Саткалиев"),
    ("Генеральный прокурор", "Берик Асылов"),
    ("Министр финансов", "Мади Такиев"),
)
ORGS_GEN = (  # the genitive after «работы …», «представители …»
    "Национального банка Казахстана", "Мажилиса Парламента", "Сената Парламента",
    "фонда «Самрук-Казына»", "компании «КазМунайГаз»", "АО «KEGOC»",
    "компании «Казатомпром»", "Министерства энергетики", "Агентства по финансовому мониторингу",
    "АО «Казахтелеком»", "партии «Аманат»", "Евразийского банка развития",
    "Назарбаев Университета", "АО «Қазақстан темір жолы»",
)
PLACES_PREP = (  # the prepositional after «в …»
    "Астане", "Алматы", "Шымкенте", "Караганде", "Актобе", "Атырау", "Актау",
    "Усть-Каменогорске", "Павлодаре", "Костанае", "Таразе", "Туркестане", "Кызылорде",
    "Уральске", "Петропавловске", "Мангистауской области", "Туркестанской области",
)
DATELINES = ("АСТАНА", "АЛМАТЫ", "ШЫМКЕНТ", "КАРАГАНДА", "АКТАУ", "АТЫРАУ")
LEADS = (
    "{role} {person} провел совещание о работе {org} в {place}, сообщает {source}.",
    "{role} {person} встретился в {place} с руководством {org}.",
    "В {place} прошло заседание с участием представителей {org}, передает {source}.",
    "{dateline}. {source} — {role} {person} заслушал отчет {org}.",
    "{role} {person} посетил {place}, где ознакомился с проектами {org}.",
)
MONTHS_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2026, 6, 30)
_SPACES = re.compile(r"\s+")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def load_pool(corpora: Path, rt_limit: int | None = None) -> list[list[str]]:
    """Real documents as lists of clean sentences, in a fixed order."""
    docs: list[list[str]] = []
    for name in FILES:
        path = corpora / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f):
                if rt_limit is not None and name.endswith("rt.jsonl.gz") and n >= rt_limit:
                    break
                text = json.loads(line).get("text") or ""
                sentences = [_SPACES.sub(" ", s.text).strip() for s in razdel.sentenize(text)]
                sentences = [s for s in sentences if _good_sentence(s)]
                if len(sentences) >= 3:
                    docs.append(sentences)
    return docs


def _good_sentence(s: str) -> bool:
    return 25 <= len(s) <= 600 and "http" not in s and bool(_CYRILLIC.search(s))


class Generator:
    """Makes article after article from the sentence pool, reproducibly from the seed."""

    def __init__(self, docs: list[list[str]], seed: int, chars: int | None = None) -> None:
        self.docs = docs
        self.rng = random.Random(seed)
        # ``chars``: scale the length distribution (same shape, same random draws).
        scale = (chars - OVERSHOOT) / (DEFAULT_CHARS - OVERSHOOT) if chars else 1.0
        self.length_mu = LENGTH_MU + math.log(scale) if chars else LENGTH_MU
        self.length_min = int(LENGTH_MIN * scale)
        self.length_max = int(LENGTH_MAX * scale)
        self.titles = [s for d in docs for s in d[:3] if 30 <= len(s) <= 140 and s[0].isupper()]
        self.source_weights = _cumulative([s.weight for s in SOURCES])
        years = list(range(FIRST.year, LAST.year + 1))
        # Archives grow: a year weighs 1 in 2000 and ~4 in 2026.
        self.years = years
        self.year_weights = _cumulative([1 + 3 * (y - FIRST.year) / len(years) for y in years])

    def article(self, number: int) -> dict:
        """The fields of article ``number``."""
        rng = self.rng
        source = SOURCES[bisect.bisect(self.source_weights, rng.random() * self.source_weights[-1])]
        date = None if rng.random() < 0.02 else self._date()
        target = min(self.length_max, max(self.length_min, int(
            rng.lognormvariate(self.length_mu, LENGTH_SIGMA))))  # by default median ~2,800
        sentences: list[str] = []
        if rng.random() < 0.33:
            sentences.append(self._lead(source, date))
        size = sum(len(s) + 1 for s in sentences)
        # Long runs of consecutive sentences from one to a few real documents: words repeat
        # within an article as they do in real news, which shapes the index like real news.
        while size < target or len(sentences) < 3:
            doc = self.docs[rng.randrange(len(self.docs))]
            start = rng.randrange(len(doc))
            run = rng.randint(5, 40)
            for s in doc[start : start + run]:
                sentences.append(s)
                size += len(s) + 1
                if size >= target and len(sentences) >= 3:
                    break
        paragraphs: list[str] = []
        i = 0
        while i < len(sentences):
            n = rng.randint(1, 4)
            paragraphs.append(" ".join(sentences[i : i + n]))
            i += n
        title = self.titles[rng.randrange(len(self.titles))].rstrip(".")
        year = str(date.year) if date else "undated"
        article_id = f"{source.slug}-{year}-{number:07d}"
        return {
            "id": article_id,
            "date": date.isoformat() if date else None,
            "title": title,
            "text": "\n\n".join(paragraphs),
            "source": source.name,
            "url": f"{source.site}/{number}" if rng.random() < 0.9 else None,
            "topic": TOPICS[rng.randrange(len(TOPICS))],
            "_folder": f"{source.slug}/{year}",
        }

    def _date(self) -> dt.date:
        rng = self.rng
        year = self.years[bisect.bisect(self.year_weights, rng.random() * self.year_weights[-1])]
        start = max(FIRST, dt.date(year, 1, 1))
        end = min(LAST, dt.date(year, 12, 31))
        return start + dt.timedelta(days=rng.randrange((end - start).days + 1))

    def _lead(self, source: Source, date: dt.date | None) -> str:
        rng = self.rng
        role, person = PERSONS[rng.randrange(len(PERSONS))]
        lead = LEADS[rng.randrange(len(LEADS))].format(
            role=role, person=person, org=ORGS_GEN[rng.randrange(len(ORGS_GEN))],
            place=PLACES_PREP[rng.randrange(len(PLACES_PREP))], source=source.name,
            dateline=DATELINES[rng.randrange(len(DATELINES))],
        )
        if lead.startswith("В ") and date is not None:
            lead = f"{date.day} {MONTHS_GEN[date.month - 1]} " + lead[0].lower() + lead[1:]
        return lead


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def native_text(article: dict) -> str:
    """The native file of an article: header lines, a blank line, the text."""
    headers = [(k, article[k]) for k in ("date", "title", "source", "url", "topic")]
    head = "".join(f"{k} {v}\n" for k, v in headers if v)
    return f"{head}\n{article['text']}\n"


def generate(count: int, seed: int, docs: list[list[str]], chars: int | None = None
             ) -> Iterator[dict]:
    gen = Generator(docs, seed, chars)
    for number in range(1, count + 1):
        yield gen.article(number)


def write_corpus(out: Path, count: int, seed: int, fmt: str,
                 corpora: Path = CORPORA, rt_limit: int | None = None,
                 article_chars: int | None = None) -> dict:
    """Write the corpus to ``out`` (emptied first); returns the totals."""
    started = time.monotonic()
    docs = load_pool(corpora, rt_limit)
    pool_seconds = time.monotonic() - started
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    handles: dict[str, IO[str]] = {}
    made: set[str] = set()
    lines: dict[str, int] = {}
    chars = raw_bytes = 0
    try:
        for article in generate(count, seed, docs, article_chars):
            folder = article.pop("_folder")
            chars += len(article["text"])
            if fmt == "txt":
                data = native_text(article).encode("utf-8")
                if folder not in made:
                    (out / folder).mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                (out / folder / f"{article['id']}.txt").write_bytes(data)
            else:
                slug = folder.split("/", 1)[0]
                lines[slug] = lines.get(slug, 0) + 1
                if lines[slug] % JSONL_LINES == 1:
                    if slug in handles:
                        handles[slug].close()
                    part = lines[slug] // JSONL_LINES + 1
                    handles[slug] = open(out / f"{slug}-{part:03d}.jsonl", "w", encoding="utf-8")
                line = json.dumps(article, ensure_ascii=False) + "\n"
                handles[slug].write(line)
                data = line.encode("utf-8")
            raw_bytes += len(data)
    finally:
        for handle in handles.values():
            handle.close()
    totals = {
        "version": VERSION, "count": count, "seed": seed, "format": fmt, "rt_limit": rt_limit,
        "article_chars": article_chars,
        "pool_documents": len(docs), "pool_sentences": sum(len(d) for d in docs),
        "characters": chars, "raw_bytes": raw_bytes,
        "avg_chars": round(chars / max(count, 1)),
        "pool_seconds": round(pool_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / MARKER).write_text(json.dumps(totals, indent=2))
    return totals


def read_marker(out: Path) -> dict | None:
    """The totals of a complete corpus at ``out``, or None."""
    try:
        return json.loads((out / MARKER).read_text())
    except (OSError, ValueError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--format", choices=("txt", "jsonl"), default="txt")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--rt-limit", type=int, default=None,
                        help="Use only the first N RT documents (faster start).")
    parser.add_argument("--chars", type=int, default=None,
                        help="Characters per article on average (default: ~3,300, the "
                             "distribution of earlier runs); 6500 for newspaper articles.")
    args = parser.parse_args()
    if not args.corpora.is_dir():
        print(f"error: no corpora at {args.corpora}", file=sys.stderr)
        return 1
    totals = write_corpus(args.out, args.count, args.seed, args.format, args.corpora,
                          args.rt_limit, args.chars)
    print(f"{totals['count']:,} articles, {totals['characters'] / 1e6:.1f} M characters "
          f"(avg {totals['avg_chars']:,}), {totals['raw_bytes'] / 2**20:.1f} MB, from "
          f"{totals['pool_sentences']:,} sentences of {totals['pool_documents']:,} documents; "
          f"{totals['seconds']} s (pool {totals['pool_seconds']} s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
