"""Build the shipped sample archive from the shared corpora.

Usage::

    .venv/bin/python archive/build_sample.py [--shared DIR]

``DIR`` defaults to ``../shared/corpora`` relative to the repository root. The script
rewrites ``archive/kazpravda``, ``archive/meduza`` and ``archive/wikinews`` from scratch;
the output depends only on the input files, so a rerun gives byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import html
import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ARCHIVE_DIR = Path(__file__).resolve().parent
REPO_ROOT = ARCHIVE_DIR.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "corpora"

# Output folders this script owns (wiped and rebuilt on every run).
SOURCE_SLUGS = ("kazpravda", "meduza", "wikinews")

NEREL_SPLITS = ("train", "dev", "test")
WIKINEWS_SOURCE = "Викиновости"
MEDUZA_SOURCE = "Meduza"

# A lead date outside these years is not a publication date (e.g. a photo caption
# "... 24 октября 1953 года" or a birth date): Russian Wikinews started in
# November 2005 and NEREL v1.1 was published in 2022.
LEAD_YEAR_MIN = 2005
LEAD_YEAR_MAX = 2022
# A sentence-like line of at most this many words before the first longer one is a photo
# caption ("Онежская улица в Москве.") or a one-line summary, not yet the lead.
SHORT_LINE_WORDS = 12
# NEREL names each Wikinews text by its page id, and page ids grow with time. A lead date
# more than this many days before the median date of the three dated pages just below, or
# after that of the three just above, is the date of another event, not of the article.
NEIGHBOURS = 3
NEIGHBOUR_SLACK_DAYS = 30
# How a Wikinews text got its date, or why it has none (the summary counts each).
HOW_DATE_LINE = "dated: date line"
HOW_CATEGORY = "dated: date category"
HOW_LEAD = "dated: date in the lead"
HOW_NEIGHBOURS_YEAR = "dated: day and month from the lead, year from its neighbours"
HOW_NO_DATE = "undated: no date in the lead"
HOW_FAR = "undated: date in the lead far from its neighbours'"
HOW_NO_YEAR = "undated: day and month in the lead, no single year among its neighbours'"
HOW_WEEKDAY = "undated: day and month in the lead, the weekday named disagrees with the year"
HOW_DAY_MONTH = "day and month in the lead"  # until its neighbours settle it
WIKINEWS_OUTCOMES = (
    HOW_DATE_LINE,
    HOW_CATEGORY,
    HOW_LEAD,
    HOW_NEIGHBOURS_YEAR,
    HOW_NO_DATE,
    HOW_FAR,
    HOW_NO_YEAR,
    HOW_WEEKDAY,
    "duplicate dropped",
    "weekday named with a full date: agrees",
    "weekday named with a full date: disagrees",
    "weekday named with a day and month: agrees",
)

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS_GENITIVE, start=1)}
# The accusative after "в"/"во"/"на" ("в среду", "в ночь на понедельник"), Monday first.
WEEKDAYS_ACCUSATIVE = (
    "понедельник",
    "вторник",
    "среду",
    "четверг",
    "пятницу",
    "субботу",
    "воскресенье",
)

# "26 июля 2017 года", "13 марта 2012 г.", "11 сентября 2001г.", and without the year,
# "25 декабря" (\s also matches NBSP). Not "12 мая 20…": another number after the month.
LEAD_DATE_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s+(" + "|".join(MONTHS_GENITIVE) + r")(?:\s+(\d{4})(?!\d)|(?!\s*\d))",
    re.IGNORECASE,
)
# "в среду, 26 июля", "в пятницу — 28 июня", "во вторник 20 июня", "в ночь на понедельник, …".
WEEKDAY_BEFORE_RE = re.compile(
    r"(?<!\w)(" + "|".join(WEEKDAYS_ACCUSATIVE) + r")\s*[,—–-]?\s*$", re.IGNORECASE
)
# Words that make the date that of something else: a period or deadline ("с 1 июля", "с 11
# по 14 апреля", "до 15 июля"), a document ("указом от 13 февраля"), a plan ("намеченная на
# 11 ноября", but not "в ночь на 31 июля"), a birth, an earlier event ("ещё 3 июля").
OTHER_EVENT_BEFORE_RE = re.compile(
    r"(?<![\w.])(?:с|со|до|по|от|к|ко|после|между|около|ещё|еще|род\.|родился|родилась"
    r"|родились|рождения|(?<!ночь )на)\s*$",
    re.IGNORECASE,
)
# "Напомним, …": the sentence recalls an earlier event.
RECALL_SENTENCE_RE = re.compile(r"(?:^|[.!?…]\s+)Напомним\b[^.!?…]*$")
# Another day in front: "17 и 21 апреля", "12, 13 января", "с 18 на 19 апреля".
ANOTHER_DAY_BEFORE_RE = re.compile(r"\d\s*(?:и|,|—|–|-|на)\s*$")
# What may follow a date that ends its sentence ("года.", "г.").
DATE_ENDS_SENTENCE_RE = re.compile(r"\s*(?:года|год|г\.?)?\s*(?:[.!?…][\"'»”)]*\s*)?$")
SENTENCE_BREAK_RE = re.compile(r"[.!?…][\"'»”)]*\s+(?=[А-ЯЁA-Z«\"\d])")
# A line that is only a date: "date 2026-03-05", "2008-08-05", "05/08/2008 10:35", "05.08.2008".
ISO_DATE_LINE_RE = re.compile(r"(?:date\s+)?(\d{4})-(\d{2})-(\d{2})", re.IGNORECASE)
DMY_DATE_LINE_RE = re.compile(
    r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
# The end of a line that ends a sentence; a lead paragraph does, a photo caption usually not.
SENTENCE_END_RE = re.compile(r"[.!?…:;][\"'»”)\]]*$")
# A first line this long is a paragraph, not a headline (the file has no title).
MAX_TITLE_CHARS = 200


# Wiki markup left in the NEREL texts. NEREL's authors had already rendered most of the
# markup away (no [[links]] or {{templates}} are left), but some residue survived:
# ''italics'' and '''bold''', "_NOTOC__" after a title, [http://… text] links, image
# options ("thumb|left|Caption", "мини|слева"), == headings ==, "Категория:…" lines, a
# quotation template's "|автор=", links that lost their brackets ("Венесуэла|Венесуэле"),
# empty "()" where a template was dropped, and an HTML entity. The kinds that do not occur
# are cleaned too, so that another release of the corpus cannot leak them into the archive.
HTML_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")
# "__NOTOC__", also with an underscore lost: two titles end with "_NOTOC__".
MAGIC_WORD_RE = re.compile(
    r"_{1,2}(?:NOTOC|FORCETOC|TOC|NOEDITSECTION|NEWSECTIONLINK|NONEWSECTIONLINK|NOGALLERY"
    r"|HIDDENCAT|INDEX|NOINDEX|STATICREDIRECT|БЕЗ_ОГЛАВЛЕНИЯ|БЕЗОГЛАВЛЕНИЯ)_{1,2}"
)
TEMPLATE_RE = re.compile(r"\{\{([^{}]*)\}\}")
WIKI_LINK_RE = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]|]*)\]\](\w*)")
EXTERNAL_LINK_RE = re.compile(r"\[(?:https?:)?//[^\s\]]*(?:\s+([^\]]*))?\]")
# "[1957 год]у": an internal link that lost one pair of brackets (a letter follows at once;
# editorial brackets such as "[на новой сцене — Прим. Викиновостей]" are followed by a space).
HALF_LINK_RE = re.compile(r"\[([^\[\]]+)\](?=\w)")
QUOTES_RE = re.compile(r"'{2,5}")
HEADING_RE = re.compile(r"(={1,6})\s*(.*?)\s*\1")
# "* item", "# item", "*item"; not a hashtag ("#MeToo").
LIST_MARK_RE = re.compile(r"(?:\*+|#+(?=\s))\s*")
CATEGORY_RE = re.compile(r"(?:Категория|Category)\s*:\s*(.*)", re.IGNORECASE)
FILE_RE = re.compile(r"(?:Файл|File|Изображение|Image)\s*:.*", re.IGNORECASE)
IMAGE_OPTION_RE = re.compile(
    r"thumb|thumbnail|frame|framed|frameless|border|upright|left|right|center|centre|none"
    r"|мини|миниатюра|слева|справа|центр|безрамки|рамка|обрамить|\d+(?:x\d+)?px",
    re.IGNORECASE,
)
# A template parameter whose braces were lost: "…самоизоляции.|автор=— прокомментировал…".
TEMPLATE_PARAMETER_RE = re.compile(r"\s*\|\s*[^\W\d_]+\s*=\s*")
# "Ли Чже Ён), (), но": a comma before the empty parentheses goes with them.
EMPTY_PARENS_RE = re.compile(r",?\s*\(\s*[,;]?\s*\)")
WORD_RE = re.compile(r"[^\W_][\w\-]*")
MARKUP_KINDS = (
    "HTML entities",
    "category lines",
    "image options",
    "headings",
    "list marks",
    "magic words",
    "templates",
    "wiki links",
    "external links",
    "links that lost a bracket",
    "italic and bold quotes",
    "template parameters",
    "links that lost their brackets",
    "empty parentheses",
)


def unpipe(line: str) -> str:
    """Drop the target of each link that lost its brackets: "В Венесуэла|Венесуэле 7 октября"
    becomes "В Венесуэле 7 октября".

    The shown text starts after the "|". The target starts at the farthest of the six words
    before it whose first four letters are those of one of the first two shown words, so
    "Чавес, Уго|Уго Чавеса" becomes "Уго Чавеса". A "|" without such a word is left alone.
    """
    while (bar := line.find("|")) >= 0:
        shown = [w.casefold()[:4] for w in WORD_RE.findall(line[bar + 1 :])[:2]]
        start = None
        for m in reversed(list(WORD_RE.finditer(line, 0, bar))[-6:]):
            if re.search(r"[.!?;:]", line[m.end() : bar]):
                break  # a link target does not span two sentences
            if m[0].casefold()[:4] in shown:
                start = m.start()
        if start is None:
            break
        line = line[:start] + line[bar + 1 :]
    return line


def link_text(m: re.Match[str]) -> str:
    """The shown text of an external link; a space before it when the link follows a word
    directly, as a reference after "законопроекта[http://… «Проводить …»]" does."""
    text = (m[1] or "").strip()
    if text and m.start() > 0 and m.string[m.start() - 1].isalnum():
        text = " " + text
    return text


def is_image_part(part: str) -> bool:
    """Whether ``part`` of a "|"-separated image line is markup: an option or a file name."""
    return bool(IMAGE_OPTION_RE.fullmatch(part.strip()) or FILE_RE.fullmatch(part.strip()))


def clean_wiki_line(line: str, cleaned: Counter[str]) -> str:
    """Return ``line`` without wiki markup; "" when nothing but markup is left.

    ``cleaned`` counts what was removed, for the summary.
    """

    def sub(kind: str, regex: re.Pattern[str], repl, text: str, count: int = 0) -> str:
        text, n = regex.subn(repl, text, count=count)
        cleaned[kind] += n
        return text

    line = sub("HTML entities", HTML_ENTITY_RE, lambda m: html.unescape(m[0]), line).strip()
    if CATEGORY_RE.fullmatch(line):
        cleaned["category lines"] += 1
        return ""
    # An image: "thumb|left|Caption", "мини|слева", "File:Name.webm|Caption" → "Caption".
    parts = line.split("|")
    if len(parts) > 1 and is_image_part(parts[0]):
        cleaned["image options"] += 1
        line = "|".join(part for part in parts if not is_image_part(part)).strip()
    if m := HEADING_RE.fullmatch(line):
        cleaned["headings"] += 1
        line = m[2]
    if LIST_MARK_RE.match(line):
        line = sub("list marks", LIST_MARK_RE, "", line, count=1)
    line = sub("magic words", MAGIC_WORD_RE, "", line)
    while TEMPLATE_RE.search(line):
        # {{lang-en|Text}} and the like keep their text; other templates go.
        line = sub(
            "templates",
            TEMPLATE_RE,
            lambda m: m[1].split("|")[-1] if m[1].lower().startswith("lang") else "",
            line,
        )
    line = sub("wiki links", WIKI_LINK_RE, r"\1\2", line)
    line = sub("external links", EXTERNAL_LINK_RE, link_text, line)
    line = sub("links that lost a bracket", HALF_LINK_RE, r"\1", line)
    line = sub("italic and bold quotes", QUOTES_RE, "", line)
    line = sub("template parameters", TEMPLATE_PARAMETER_RE, " ", line)
    if "|" in line:
        bars = line.count("|")
        line = unpipe(line)
        cleaned["links that lost their brackets"] += bars - line.count("|")
    line = sub("empty parentheses", EMPTY_PARENS_RE, "", line)
    line = line.replace("(, ", "(").replace(", ;", ";")
    return re.sub(r"[ \t]{2,}", " ", line).strip()


@dataclass(slots=True)
class Article:
    """One article to be written in the native format."""

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    source: str = ""
    url: str = ""


@dataclass(slots=True)
class SourceStats:
    """What was written for one source."""

    articles: int = 0
    dated: int = 0
    one_paragraph: int = 0  # articles whose text is a single paragraph
    bytes: int = 0
    years: set[int] = field(default_factory=set)  # of the dated articles


def slugify(value: str) -> str:
    """Turn ``value`` into a file-name-safe id: ASCII letters, digits and single hyphens."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-")
    if not slug:
        raise ValueError(f"cannot make an id from {value!r}")
    return slug


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """Return the date, or None when the parts do not form a real calendar date."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date_line(line: str) -> dt.date | None:
    """Parse a line that holds nothing but a date; None when it is not such a line."""
    line = line.strip()
    if m := ISO_DATE_LINE_RE.fullmatch(line):
        return make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := DMY_DATE_LINE_RE.fullmatch(line):
        return make_date(int(m[3]), int(m[2]), int(m[1]))
    return None


@dataclass(slots=True)
class LeadDate:
    """A date in a lead: a full date, or only a day and a month."""

    day: int
    month: int
    year: int | None
    weekday: int | None  # the weekday the text names right before it (0 is Monday)


def word_count(line: str) -> int:
    """How many words ``line`` has."""
    return len(WORD_RE.findall(line))


def lead_window(lines: list[str]) -> list[tuple[str, int | None, bool]]:
    """The lines to look for the date in: (line, how many sentences of it, whether it is short).

    Only lines that end like a sentence count; a photo caption usually does not. The lead is
    the first of them with more than SHORT_LINE_WORDS words. The shorter lines before it
    (captions that end with a full stop, a one-line summary) and the lead are searched in
    full, the line after the lead only in its first sentence: later sentences tell the
    background (an earlier arrest, a birth, a plan), not the news.
    """
    sentences = [line for line in lines if SENTENCE_END_RE.search(line)]
    lead = 0
    while lead < len(sentences) - 1 and word_count(sentences[lead]) <= SHORT_LINE_WORDS:
        lead += 1
    return (
        [(line, None, True) for line in sentences[:lead]]
        + [(line, None, False) for line in sentences[lead : lead + 1]]
        + [(line, 1, False) for line in sentences[lead + 1 : lead + 2]]
    )


def find_lead_date(lines: list[str]) -> LeadDate | None:
    """The first date in the lead of ``lines`` that may be the article's own.

    Skipped: a date that ends its line and is a sentence of its own or ends a short line
    (a photo caption:
    "…дворца. 31 мая 2003 года.", "Аделина Сотникова 12 декабря 2010 г."); a date of
    something else (OTHER_EVENT_BEFORE_RE, "17 и 21 апреля", "Напомним, …"), unless a weekday
    is named right before it ("в пятницу, 17 апреля"); a date that is not in the calendar or
    not in LEAD_YEAR_MIN..LEAD_YEAR_MAX (a caption, a birth date, a typo).
    """
    for line, max_sentences, short in lead_window(lines):
        for m in LEAD_DATE_RE.finditer(line):
            before, after = line[: m.start()], line[m.end() :]
            if (
                max_sentences is not None
                and len(SENTENCE_BREAK_RE.findall(before)) >= max_sentences
            ):
                break
            named = WEEKDAY_BEFORE_RE.search(before)
            if DATE_ENDS_SENTENCE_RE.fullmatch(after):
                starts_sentence = not before.strip() or re.search(r"[.!?…][\"'»”)]*\s*$", before)
                if starts_sentence or (short and not named):
                    continue
            if not named and (
                OTHER_EVENT_BEFORE_RE.search(before)
                or ANOTHER_DAY_BEFORE_RE.search(before)
                or RECALL_SENTENCE_RE.search(before)
            ):
                continue
            day, month = int(m[1]), MONTH_NUMBER[m[2].lower()]
            year = int(m[3]) if m[3] else None
            if make_date(year or 2000, month, day) is None:  # 2000: a leap year
                continue
            if year is not None and not LEAD_YEAR_MIN <= year <= LEAD_YEAR_MAX:
                continue
            weekday = WEEKDAYS_ACCUSATIVE.index(named[1].lower()) if named else None
            return LeadDate(day, month, year, weekday)
    return None


def paragraphs(text: str) -> list[str]:
    """Split ``text`` into paragraphs: each non-blank line is one paragraph, whitespace-trimmed.

    The sources put one paragraph per line (blank lines between some of them); the native
    format separates every paragraph by one blank line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in text.split("\n") if line.strip()]


def render(article: Article) -> str:
    """Render ``article`` in the native format: header lines, a blank line, the paragraphs."""
    header = []
    if article.date is not None:
        header.append(f"date {article.date.isoformat()}")
    for key, value in (("title", article.title), ("source", article.source), ("url", article.url)):
        value = " ".join(value.split())  # a header value must be one line
        if value:
            header.append(f"{key} {value}")
    body = "\n\n".join(paragraphs(article.text))
    return "\n".join(header) + "\n\n" + body + "\n"


def article_path(slug: str, article: Article) -> Path:
    """Where ``article`` goes: ``<slug>/<year or undated>/<id>.txt``."""
    folder = str(article.date.year) if article.date else "undated"
    return ARCHIVE_DIR / slug / folder / f"{article.id}.txt"


def write_articles(slug: str, articles: list[Article], stats: SourceStats) -> None:
    """Write ``articles`` of one source, refusing to overwrite one with another."""
    seen: set[Path] = set()
    for article in articles:
        if not paragraphs(article.text):
            print(f"skip {slug}/{article.id}: empty text", file=sys.stderr)
            continue
        path = article_path(slug, article)
        if path in seen:
            raise SystemExit(f"two articles map to {path}")
        seen.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = render(article).encode("utf-8")
        path.write_bytes(data)
        stats.articles += 1
        stats.dated += article.date is not None
        stats.one_paragraph += len(paragraphs(article.text)) == 1
        if article.date is not None:
            stats.years.add(article.date.year)
        stats.bytes += len(data)


def native_paragraph_count(text: str) -> int:
    """How many paragraphs a file in the native format has (the header block aside)."""
    blocks = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    header = re.compile(r"date \d{4}-\d{2}-\d{2}|(?:title|source|url) .*")
    if blocks and all(header.fullmatch(line.strip()) for line in blocks[0].split("\n")):
        blocks.pop(0)
    return len(blocks)


def build_kazpravda(shared: Path, stats: SourceStats) -> None:
    """Copy the seed Kazpravda articles byte for byte; the year folder comes from their date."""
    for src in sorted((shared / "kazpravda_sample").glob("*.txt")):
        data = src.read_bytes()
        first = data.decode("utf-8").lstrip().split("\n", 1)[0]
        m = re.match(r"date\s+(\d{4})-\d{2}-\d{2}", first) or re.match(r"(\d{4})-", src.name)
        folder = m[1] if m else "undated"
        dst = ARCHIVE_DIR / "kazpravda" / folder / src.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        stats.articles += 1
        stats.dated += m is not None
        stats.one_paragraph += native_paragraph_count(data.decode("utf-8")) == 1
        if m is not None:
            stats.years.add(int(m[1]))
        stats.bytes += len(data)


def build_meduza(shared: Path, stats: SourceStats) -> None:
    """Convert Ivan Golunov's Meduza articles (CC BY 4.0) and copy their licence text."""
    folder = shared / "meduza_golunov"
    articles = []
    with (folder / "meduza_golunov.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            rec = json.loads(line)
            articles.append(
                Article(
                    id=slugify(rec["id"]),
                    text=rec["text"] or "",
                    title=rec["title"] or "",
                    date=dt.date.fromisoformat(rec["date"]) if rec["date"] else None,
                    source=MEDUZA_SOURCE,
                    url=rec["url"] or "",
                )
            )
    write_articles("meduza", articles, stats)
    shutil.copyfile(folder / "Licence.txt", ARCHIVE_DIR / "meduza" / "LICENSE.txt")


@dataclass(slots=True)
class NerelText:
    """One Wikinews text of NEREL, converted; its date may still be settled by its neighbours."""

    article: Article
    page_id: int  # the number in the file name: the Wikinews page id
    how: str  # how the date was found, for the summary
    lead: LeadDate | None = None


def read_nerel(path: Path, cleaned: Counter[str]) -> NerelText:
    """Read one NEREL text: title line, optional date line, then the text.

    Wiki markup is cleaned first (``cleaned`` counts it). The date comes from a date line, a
    date category ("Категория:29 августа 2007") or the lead; a lead's day and month without
    a year, and any lead date, are settled later by ``date_by_neighbours``.
    """
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    date: dt.date | None = None
    how = ""
    for line in raw:
        if (m := CATEGORY_RE.fullmatch(line.strip())) and (d := LEAD_DATE_RE.fullmatch(m[1])):
            if d[3] and (date := make_date(int(d[3]), MONTH_NUMBER[d[2].lower()], int(d[1]))):
                how = HOW_CATEGORY
                break
    rest = [clean_wiki_line(line, cleaned) for line in raw]
    # A section heading that ends the text heads an empty section ("== Комментарии ==").
    while rest and (not rest[-1] or HEADING_RE.fullmatch(raw[len(rest) - 1].strip())):
        rest.pop()
    while rest and not rest[0].strip():
        rest.pop(0)
    # A date line may come before the title or right after it (blank lines aside).
    if rest and (found := parse_date_line(rest[0])):
        rest.pop(0)
        date, how = date or found, how or HOW_DATE_LINE
        while rest and not rest[0].strip():
            rest.pop(0)
    title = ""
    if rest and len(rest[0].strip()) <= MAX_TITLE_CHARS:
        title = rest.pop(0).strip()
    for i, line in enumerate(rest[:4]):
        if line.strip():
            if found := parse_date_line(line):
                date, how = date or found, how or HOW_DATE_LINE
                del rest[i]
            break
    text = "\n".join(rest)
    lead = None
    if date is None:
        lead = find_lead_date(paragraphs(text))
        if lead is None:
            how = HOW_NO_DATE
        elif lead.year is None:
            how = HOW_DAY_MONTH
        else:
            date, how = make_date(lead.year, lead.month, lead.day), HOW_LEAD
    article = Article(
        id=f"nerel-{slugify(path.stem)}", text=text, title=title, date=date, source=WIKINEWS_SOURCE
    )
    return NerelText(article, int(path.stem.split("_")[0]), how, lead)


def neighbour_window(below: list[dt.date], above: list[dt.date]) -> tuple[dt.date, dt.date]:
    """The dates a page may have, from the dates of the pages just below and just above it."""

    def median(dates: list[dt.date]) -> dt.date:
        return sorted(dates)[len(dates) // 2]

    slack = dt.timedelta(days=NEIGHBOUR_SLACK_DAYS)
    return (
        median(below) - slack if below else dt.date.min,
        median(above) + slack if above else dt.date.max,
    )


def date_by_neighbours(texts: list[NerelText]) -> None:
    """Settle the lead dates of ``texts`` by the dates of the pages around them.

    Page ids grow with time, so a page's date lies near those of the pages numbered just
    below and above it. First, lead dates that do not are dropped, the farthest first (so
    that a wrong date does not condemn its neighbours). Then a lead's day and month get the
    one year that puts them among their neighbours' dates, if there is exactly one, and if a
    weekday named with them agrees.
    """
    dated = {t.page_id: t for t in texts if t.article.date is not None}
    while True:
        ids = sorted(dated)
        dates = [dated[i].article.date for i in ids]
        worst_days, worst = 0, None
        for k, page_id in enumerate(ids):
            if dated[page_id].how != HOW_LEAD:
                continue
            low, high = neighbour_window(
                dates[max(0, k - NEIGHBOURS) : k], dates[k + 1 : k + 1 + NEIGHBOURS]
            )
            days = max((low - dates[k]).days, (dates[k] - high).days)
            if days > worst_days:
                worst_days, worst = days, dated[page_id]
        if worst is None:
            break
        del dated[worst.page_id]
        worst.article.date = None
        worst.how = HOW_FAR
    ids = sorted(dated)
    dates = [dated[i].article.date for i in ids]
    for t in texts:
        if t.article.date is not None or t.lead is None or t.lead.year is not None:
            continue
        k = bisect.bisect_left(ids, t.page_id)
        low, high = neighbour_window(dates[max(0, k - NEIGHBOURS) : k], dates[k : k + NEIGHBOURS])
        fits = [
            date
            for year in range(LEAD_YEAR_MIN, LEAD_YEAR_MAX + 1)
            if (date := make_date(year, t.lead.month, t.lead.day)) and low <= date <= high
        ]
        if len(fits) != 1:
            t.how = HOW_NO_YEAR
        elif t.lead.weekday is not None and fits[0].weekday() != t.lead.weekday:
            t.how = HOW_WEEKDAY
        else:
            t.article.date = fits[0]
            t.how = HOW_NEIGHBOURS_YEAR


def fingerprint(text: str) -> str:
    """A hash of the words of ``text``, blind to case, punctuation and white space."""
    words = re.findall(r"\w+", text.casefold())
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


WIKINEWS_NAME = re.compile(r"^\d+_text\.txt$")


def build_wikinews(
    shared: Path, stats: SourceStats, reasons: Counter[str], cleaned: Counter[str]
) -> None:
    """Convert the Russian Wikinews texts of NEREL, dropping texts repeated across splits."""
    root = shared / "nerel" / "NEREL-v1.1"
    reasons.update(dict.fromkeys(WIKINEWS_OUTCOMES, 0))
    texts: list[NerelText] = []
    first_seen: dict[str, Path] = {}
    for split in NEREL_SPLITS:
        for path in sorted((root / split).glob("*.txt")):
            if not WIKINEWS_NAME.match(path.name):
                # NEREL also holds reprints from other outlets (RIA, Kommersant, Reuters …),
                # named otherwise; only the Wikinews texts are CC BY and may ship.
                reasons["not a Wikinews text, left out"] += 1
                continue
            text = read_nerel(path, cleaned)
            key = fingerprint(text.article.title + "\n" + text.article.text)
            if key in first_seen:
                print(f"skip {path}: same text as {first_seen[key]}", file=sys.stderr)
                reasons["duplicate dropped"] += 1
                continue
            first_seen[key] = path
            if not text.article.title:
                reasons["no title line"] += 1
            texts.append(text)
    date_by_neighbours(texts)
    for text in texts:
        reasons[text.how] += 1
        if (
            text.article.date is not None
            and text.lead is not None
            and text.lead.weekday is not None
        ):
            agrees = text.article.date.weekday() == text.lead.weekday
            kind = "full date" if text.lead.year else "day and month"
            reasons[f"weekday named with a {kind}: {'agrees' if agrees else 'disagrees'}"] += 1
    write_articles("wikinews", [text.article for text in texts], stats)


def clean_outputs() -> None:
    """Remove the source folders this script generates, so no stale file survives."""
    for slug in SOURCE_SLUGS:
        target = ARCHIVE_DIR / slug
        if target.is_dir():
            shutil.rmtree(target)


def main(argv: list[str] | None = None) -> int:
    """Build the archive and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"the shared corpora folder (default: {DEFAULT_SHARED})",
    )
    args = parser.parse_args(argv)
    shared: Path = args.shared.resolve()
    if not (shared / "README.md").is_file():
        parser.error(f"{shared} does not look like the shared corpora folder")

    clean_outputs()
    stats = {slug: SourceStats() for slug in SOURCE_SLUGS}
    reasons: Counter[str] = Counter()
    cleaned: Counter[str] = Counter(dict.fromkeys(MARKUP_KINDS, 0))
    build_kazpravda(shared, stats["kazpravda"])
    build_meduza(shared, stats["meduza"])
    build_wikinews(shared, stats["wikinews"], reasons, cleaned)

    print(
        f"{'source':<10} {'articles':>8} {'dated':>6} {'undated':>8} {'1-para':>7} "
        f"{'bytes':>10}  years"
    )
    total = SourceStats(
        articles=sum(s.articles for s in stats.values()),
        dated=sum(s.dated for s in stats.values()),
        one_paragraph=sum(s.one_paragraph for s in stats.values()),
        bytes=sum(s.bytes for s in stats.values()),
        years=set().union(*(s.years for s in stats.values())),
    )
    for slug, s in [*stats.items(), ("total", total)]:
        years = f"{min(s.years)}-{max(s.years)}" if s.years else "-"
        print(
            f"{slug:<10} {s.articles:>8} {s.dated:>6} {s.articles - s.dated:>8} "
            f"{s.one_paragraph:>7} {s.bytes:>10,}  {years}"
        )
    print("1-para: articles whose text is a single paragraph")
    print("wikinews:")
    for key, value in sorted(reasons.items()):
        print(f"  {key}: {value}")
    print("wikinews markup removed:")
    for key, value in cleaned.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
