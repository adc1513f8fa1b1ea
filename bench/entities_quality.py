"""Entity extraction quality against gold NER corpora: mention level and facet level.

    .venv/bin/python bench/entities_quality.py [--limit N] [--nerel-split test] [--names-only]

Collection5 (1,000 news items; GEOPOLIT counted as LOC, MEDIA as ORG) is the dev set the rules
were tuned on; NEREL (Wikinews, brat) is a held-out check. Mention level compares exact spans
(kind, start, end). Facet level compares, per document, the set of distinct canonical names per
kind; gold names go through the same normaliser (``entities.canonicalise`` on the gold spans:
nominative forms, one value per person, aliases, values that name no entity left out),
compared case-insensitively with ё = е. Then the hand-checked name tables of
``tests/data/entity_names`` (``bench/entity_names.py``), per category.

The model's spans are cached in ``bench/out/entities-quality.sqlite`` (``indexer.entities.cache``,
keyed by the model's version and the text), so a second run re-runs only the rules: what a
rules change costs. ``--no-cache`` runs the model every time.
Reads ``../shared/corpora`` relative to the repository root; skips when it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import entity_names  # noqa: E402

from indexer import entities  # noqa: E402
from indexer.entities import Mention  # noqa: E402
from indexer.entities.cache import EntityCache  # noqa: E402
from indexer.entities.chunks import ner_spans  # noqa: E402

SPAN_CACHE = ROOT / "bench" / "out" / "entities-quality.sqlite"

CORPORA = Path(os.environ.get("MURAGAT_CORPORA") or ROOT.parent / "shared" / "corpora")
C5_KINDS = {"PER": "PER", "ORG": "ORG", "MEDIA": "ORG", "LOC": "LOC", "GEOPOLIT": "LOC"}
NEREL_KINDS = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "COUNTRY": "LOC",
    "CITY": "LOC",
    "STATE_OR_PROVINCE": "LOC",
    "LOCATION": "LOC",
}


@dataclass(slots=True)
class Doc:
    id: str
    text: str
    gold: list[Mention]


@dataclass(slots=True)
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def add(self, kind: str, pred: set, gold: set) -> None:
        self.tp[kind] += len(pred & gold)
        self.fp[kind] += len(pred - gold)
        self.fn[kind] += len(gold - pred)

    def prf(self, kind: str) -> tuple[float, float, float]:
        tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_collection5(path: Path) -> Iterator[Doc]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            gold = [
                Mention(C5_KINDS[s["type"]], s["start"], s["stop"])
                for s in rec["spans"]
                if s["type"] in C5_KINDS
            ]
            yield Doc(rec["id"], rec["text"], gold)


def read_nerel(folder: Path) -> Iterator[Doc]:
    """NEREL brat files; only the outermost spans of our kinds (the model is flat)."""
    for txt in sorted(folder.glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        spans = []
        ann = txt.with_suffix(".ann")
        for line in ann.read_text(encoding="utf-8").splitlines():
            if not line.startswith("T"):
                continue
            _, info, _ = line.split("\t", 2)
            kind, *offsets = info.split(" ")
            if kind not in NEREL_KINDS or ";" in " ".join(offsets):
                continue
            spans.append(Mention(NEREL_KINDS[kind], int(offsets[0]), int(offsets[1])))
        outer = [
            m
            for m in spans
            if not any(
                o is not m
                and o.start <= m.start
                and m.end <= o.end
                and (o.end - o.start) > (m.end - m.start)
                for o in spans
            )
        ]
        yield Doc(txt.stem, text, outer)


def _key(name: str) -> str:
    return name.casefold().replace("ё", "е")


class Spans:
    """The model's spans of texts, from the cache where it has them (``None``: no cache)."""

    def __init__(self, cache: EntityCache | None) -> None:
        self.cache = cache
        self.model_texts = 0

    def __call__(self, texts: list[str]) -> list[list[Mention]]:
        found = self.cache.get_spans(texts) if self.cache else [None] * len(texts)
        missing = [i for i, s in enumerate(found) if s is None]
        if missing:
            fresh = ner_spans([texts[i] for i in missing])
            self.model_texts += len(missing)
            if self.cache:
                self.cache.put_spans([texts[i] for i in missing], fresh)
            for i, s in zip(missing, fresh, strict=True):
                found[i] = s
        return found  # type: ignore[return-value]


def evaluate(docs: list[Doc], spans: Spans, raw: bool = False, batch: int = 64
             ) -> tuple[Score, Score, float]:
    """Scores, and the CPU seconds of the extraction (model where not cached, and rules)."""
    mention, facet = Score(), Score()
    started = time.process_time()
    predicted = []
    for i in range(0, len(docs), batch):
        texts = [d.text for d in docs[i : i + batch]]
        for text, found in zip(texts, spans(texts), strict=True):
            cleaned = found if raw else entities.clean_spans(text, found)
            predicted.append(entities.canonicalise(text, cleaned))
    elapsed = time.process_time() - started
    for doc, pred in zip(docs, predicted, strict=True):
        gold_named = entities.canonicalise(doc.text, doc.gold)
        for kind in entities.KINDS:
            pm = {(e.start, e.end) for e in pred if e.kind == kind}
            gm = {(m.start, m.end) for m in doc.gold if m.kind == kind}
            mention.add(kind, pm, gm)
            pf = {_key(e.name) for e in pred if e.kind == kind}
            gf = {_key(e.name) for e in gold_named if e.kind == kind}
            facet.add(kind, pf, gf)
    return mention, facet, elapsed


def table(rows: list[tuple[str, str, Score]]) -> str:
    out = [
        "| set | level | kind | precision | recall | F1 | tp | fp | fn |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, level, score in rows:
        for kind in entities.KINDS:
            p, r, f = score.prf(kind)
            out.append(
                f"| {name} | {level} | {kind} | {p:.3f} | {r:.3f} | {f:.3f} "
                f"| {score.tp[kind]} | {score.fp[kind]} | {score.fn[kind]} |"
            )
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="documents per set")
    ap.add_argument("--raw", action="store_true", help="baseline: model spans without clean-up")
    ap.add_argument("--nerel-split", default="test", choices=["train", "dev", "test", "all"])
    ap.add_argument("--no-cache", action="store_true", help="run the model on every text")
    ap.add_argument("--names-only", action="store_true", help="only the name tables")
    args = ap.parse_args()
    print(f"entities {entities.VERSION}")
    for name in ("tune.tsv", "heldout.tsv"):
        rows_of = entity_names.score(entity_names.read_table(entity_names.TABLES / name))
        print(entity_names.markdown(f"names, {name}", rows_of) + "\n")
    if args.names_only:
        return 0
    c5 = CORPORA / "collection5" / "collection5_gold.jsonl"
    nerel = CORPORA / "nerel" / "NEREL-v1.1"
    if not c5.exists() and not nerel.exists():
        print(f"SKIP: gold corpora not found under {CORPORA}")
        return 0
    SPAN_CACHE.parent.mkdir(parents=True, exist_ok=True)
    spans = Spans(None if args.no_cache else EntityCache(SPAN_CACHE))
    rows = []
    if c5.exists():
        docs = list(read_collection5(c5))[: args.limit]
        m, f, sec = evaluate(docs, spans, args.raw)
        print(f"Collection5 (dev): {len(docs)} docs, {sec:.1f} CPU s")
        rows += [("Collection5", "mention", m), ("Collection5", "facet", f)]
    else:
        print(f"SKIP Collection5: {c5} not found")
    if nerel.exists():
        splits = ["train", "dev", "test"] if args.nerel_split == "all" else [args.nerel_split]
        docs = [d for s in splits for d in read_nerel(nerel / s)][: args.limit]
        m, f, sec = evaluate(docs, spans, args.raw)
        print(f"NEREL {args.nerel_split} (held out): {len(docs)} docs, {sec:.1f} CPU s")
        rows += [
            (f"NEREL-{args.nerel_split}", "mention", m),
            (f"NEREL-{args.nerel_split}", "facet", f),
        ]
    else:
        print(f"SKIP NEREL: {nerel} not found")
    print(f"model runs: {spans.model_texts} texts (the others' spans from {SPAN_CACHE.name})"
          if spans.cache else f"model runs: {spans.model_texts} texts")
    print()
    print(f"entities {entities.VERSION}" + (" (raw model spans, no clean-up)" if args.raw else ""))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
