"""Build the shipped sample archive from the shared corpora.

Usage::

    .venv/bin/python archive/build_sample.py [--shared DIR]

``DIR`` defaults to ``../shared/corpora`` relative to the repository root. The script
rewrites ``archive/kazpravda``, ``archive/meduza`` and ``archive/wikinews`` from scratch;
the output depends only on the input files, so a rerun gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ARCHIVE_DIR = Path(__file__).resolve().parent
REPO_ROOT = ARCHIVE_DIR.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "corpora"

# Output folders this script owns (wiped and rebuilt on every run).
SOURCE_SLUGS = ("kazpravda", "meduza", "wikinews")

NEREL_SPLITS = ("train", "dev", "test")
WIKINEWS_SOURCE = "Викиновости"
MEDUZA_SOURCE = "Meduza"

# How far into the NEREL text (after the title) a lead date may start.
LEAD_WINDOW = 400
# A lead date outside these years is not a publication date (e.g. a photo caption
# "... 24 октября 1953 года" or a birth date): Russian Wikinews started in
# November 2005 and NEREL v1.1 was published in 2022.
LEAD_YEAR_MIN = 2005
LEAD_YEAR_MAX = 2022

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

# "26 июля 2017 года", "13 марта 2012 г.", "11 сентября 2001г." (\s also matches NBSP).
LEAD_DATE_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s+(" + "|".join(MONTHS_GENITIVE) + r")\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)
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
    if text and m.start() > 0 and not m.string[m.start() - 1].isspace():
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


def lead_date(text: str) -> tuple[dt.date | None, str]:
    """Find the first full Russian date in the lead of ``text``.

    Returns the date (None when there is none, or when the first one found is not a real or
    plausible publication date) and a short reason for the statistics.
    """
    m = LEAD_DATE_RE.search(text, 0, LEAD_WINDOW + 40)
    if m is None or m.start() >= LEAD_WINDOW:
        return None, "no date in lead"
    day, month, year = int(m[1]), MONTH_NUMBER[m[2].lower()], int(m[3])
    date = make_date(year, month, day)
    if date is None:
        return None, "invalid date in lead"
    if not LEAD_YEAR_MIN <= year <= LEAD_YEAR_MAX:
        return None, "implausible year in lead"
    return date, "date from lead"


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


def read_nerel(path: Path, cleaned: Counter[str]) -> tuple[Article, str]:
    """Read one NEREL text: title line, optional date line, then the text.

    Wiki markup is cleaned first (``cleaned`` counts it). Returns the article and how its
    date was found.
    """
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    rest = [clean_wiki_line(line, cleaned) for line in raw]
    # A section heading that ends the text heads an empty section ("== Комментарии ==").
    while rest and (not rest[-1] or HEADING_RE.fullmatch(raw[len(rest) - 1].strip())):
        rest.pop()
    while rest and not rest[0].strip():
        rest.pop(0)
    date: dt.date | None = None
    how = ""
    # A date line may come before the title or right after it (blank lines aside).
    if rest and (date := parse_date_line(rest[0])):
        rest.pop(0)
        how = "date line"
        while rest and not rest[0].strip():
            rest.pop(0)
    title = ""
    if rest and len(rest[0].strip()) <= MAX_TITLE_CHARS:
        title = rest.pop(0).strip()
    if date is None:
        for i, line in enumerate(rest[:4]):
            if line.strip():
                if found := parse_date_line(line):
                    date, how = found, "date line"
                    del rest[i]
                break
    text = "\n".join(rest)
    if date is None:
        # Photo captions and wiki image markup ("мини|слева|…") often precede the lead and
        # carry the date of the photo, not of the news: look at sentence-like lines only.
        lead = "\n".join(line for line in paragraphs(text) if SENTENCE_END_RE.search(line))
        date, how = lead_date(lead)
    article = Article(
        id=f"nerel-{slugify(path.stem)}", text=text, title=title, date=date, source=WIKINEWS_SOURCE
    )
    return article, how


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
    articles = []
    first_seen: dict[str, Path] = {}
    for split in NEREL_SPLITS:
        for path in sorted((root / split).glob("*.txt")):
            if not WIKINEWS_NAME.match(path.name):
                # NEREL also holds reprints from other outlets (RIA, Kommersant, Reuters …),
                # named otherwise; only the Wikinews texts are CC BY and may ship.
                reasons["not a Wikinews text, left out"] += 1
                continue
            article, how = read_nerel(path, cleaned)
            key = fingerprint(article.title + "\n" + article.text)
            if key in first_seen:
                print(f"skip {path}: same text as {first_seen[key]}", file=sys.stderr)
                reasons["duplicate dropped"] += 1
                continue
            first_seen[key] = path
            reasons[how] += 1
            if not article.title:
                reasons["no title line"] += 1
            articles.append(article)
    write_articles("wikinews", articles, stats)


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
        f"{'source':<10} {'articles':>8} {'dated':>6} {'undated':>8} {'1-para':>7} {'bytes':>10}"
    )
    total = SourceStats(
        articles=sum(s.articles for s in stats.values()),
        dated=sum(s.dated for s in stats.values()),
        one_paragraph=sum(s.one_paragraph for s in stats.values()),
        bytes=sum(s.bytes for s in stats.values()),
    )
    for slug, s in [*stats.items(), ("total", total)]:
        print(
            f"{slug:<10} {s.articles:>8} {s.dated:>6} {s.articles - s.dated:>8} "
            f"{s.one_paragraph:>7} {s.bytes:>10,}"
        )
    print("1-para: articles whose text is a single paragraph")
    print("wikinews dates: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    print("wikinews markup removed:")
    for key, value in cleaned.items():
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
