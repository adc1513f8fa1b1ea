"""Scoring the entity rules on the hand-checked name tables of ``tests/data/entity_names``.

Each row is a sentence, a mention in it (its first whole-word occurrence) and the canonical
name a reader expects. Three measures per row, names compared lower-cased with ё = е and runs of
spaces collapsed:

- ``span``: the clean-up and the normaliser on the row's mention (``clean_spans`` then
  ``canonicalise``), as the rules treat a span the model found — a post before the name is
  stripped, so «премьера Виктора Орбана» must give «Виктор Орбан»;
- ``canon``: ``canonicalise`` alone on the mention (no post stripping), for reference;
- ``e2e``: ``extract`` on the sentence, end to end: right when some entity of the row's kind
  has the expected name.

Used by ``tests/unit/test_entity_names.py`` and ``bench/entities_quality.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from indexer.entities import Mention, canonicalise, clean_spans, extract_many

TABLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "entity_names"
MEASURES = ("span", "canon", "e2e")
CATEGORIES = ("fem_first surname_soft indeclinable hyphenated descriptor kazakh initials "
              "org_qualified org_inflected loc_inflected plain").split()


@dataclass
class Row:
    doc: str
    kind: str
    context: str
    mention: str
    expected: str
    category: str
    note: str = ""
    start: int = 0
    end: int = 0
    got: dict[str, list[str]] = field(default_factory=dict)
    ok: dict[str, bool] = field(default_factory=dict)


def read_table(path: Path) -> list[Row]:
    """The rows of a table (TSV with a header; no quoting)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        row = Row(**dict(zip(header, line.split("\t"), strict=True)))
        m = re.search(r"(?<!\w)" + re.escape(row.mention) + r"(?!\w)", row.context)
        if m is None:
            raise ValueError(f"{path.name}: {row.mention!r} is not in its context")
        row.start, row.end = m.start(), m.end()
        rows.append(row)
    return rows


def norm(name: str) -> str:
    return " ".join(name.lower().replace("ё", "е").split())


def score(rows: list[Row]) -> list[Row]:
    """Fill each row's names and verdicts for the three measures."""
    found = extract_many([r.context for r in rows])
    for row, entities in zip(rows, found, strict=True):
        mention = [Mention(row.kind, row.start, row.end)]
        row.got = {
            "span": [e.name for e in canonicalise(row.context,
                                                  clean_spans(row.context, mention))],
            "canon": [e.name for e in canonicalise(row.context, mention)],
            "e2e": [e.name for e in entities if e.kind == row.kind],
        }
        row.ok = {k: any(norm(n) == norm(row.expected) for n in names)
                  for k, names in row.got.items()}
    return rows


def by_category(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Rows and rights per category (and ``all``)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"rows": 0, **dict.fromkeys(MEASURES, 0)})
    for row in rows:
        for key in (row.category, "all"):
            out[key]["rows"] += 1
            for m in MEASURES:
                out[key][m] += row.ok[m]
    return dict(out)


def markdown(name: str, rows: list[Row]) -> str:
    """The per-category table of one scored table."""
    lines = [f"{name}: {len(rows)} rows",
             "| category | rows | span (clean-up + normaliser) | normaliser alone | end to end |",
             "|---|---:|---:|---:|---:|"]
    counts = by_category(rows)
    order = [c for c in CATEGORIES if c in counts] + sorted(
        set(counts) - set(CATEGORIES) - {"all"}) + ["all"]
    for category, c in ((k, counts[k]) for k in order):
        cells = " | ".join(f"{c[m]} ({c[m] / c['rows']:.0%})" for m in MEASURES)
        lines.append(f"| {category} | {c['rows']} | {cells} |")
    return "\n".join(lines)
