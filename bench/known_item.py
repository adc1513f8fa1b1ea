"""Known-item ranking quality (MRR@10) on the ~9,000 real articles of ../shared/corpora.

    .venv/bin/python bench/known_item.py [--items 300] [--compare]

For each of N articles (fixed seed) one sentence is picked and 2–4 of its content words become
a query, once in the forms of the text ("same forms") and once with every word put into another
grammatical form by pymorphy3 ("changed forms"). The article should come first; the score is the
mean reciprocal rank within the top 10. ``--compare`` also scores plain BM25 over lemmas (no
exact-form boost, no proximity) on the same queries. Uses the index of bench/search_latency.py
(bench/out/index, built once). Skips with a message when ../shared/corpora is absent.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_latency import (  # noqa: E402
    articles,
    content_words,
    corpus_index,
    skip_without_corpus,
)

SEED = 4
MIN_SENTENCE_WORDS = 6


def other_form(word: str, rng: random.Random) -> str | None:
    """The word in another grammatical form of the same lexeme (None when it has none)."""
    from indexer.text.morphology import morph

    lower = word.lower()
    parse = morph().parse(lower)[0]
    forms = sorted({f.word.replace("ё", "е") for f in parse.lexeme} - {lower.replace("ё", "е")})
    forms = [f for f in forms if f.isalpha() and len(f) >= 3]
    return rng.choice(forms) if forms else None


def make_items(n: int, seed: int = SEED) -> list[tuple[str, str, str]]:
    """(article id, same-form query, changed-form query) for ``n`` articles."""
    import razdel

    rng = random.Random(seed)
    docs = articles()
    rng.shuffle(docs)
    items = []
    for doc in docs:
        if len(items) >= n:
            break
        sentences = [s.text for s in razdel.sentenize(doc["text"][:20000])]
        sentences = [s for s in sentences if len(s.split()) >= MIN_SENTENCE_WORDS]
        if not sentences:
            continue
        words = list(dict.fromkeys(w.lower() for w in content_words(rng.choice(sentences))))
        k = rng.randint(2, 4)
        if len(words) < k:
            continue
        picked = sorted(rng.sample(range(len(words)), k))
        same = [words[i] for i in picked]
        changed = [other_form(w, rng) for w in same]
        if any(c is None for c in changed):
            continue
        items.append((doc["id"], " ".join(same), " ".join(changed)))
    return items


_TEXTS: dict[str, list[str]] = {}


def duplicates(searcher, id: str) -> set[str]:
    """The ids of the articles whose text is exactly the text of ``id`` (itself included)."""
    if not _TEXTS:
        for doc in articles():
            _TEXTS.setdefault(doc["text"], []).append(doc["id"])
    text = searcher.article(id)["text"]
    return set(_TEXTS.get(text, [])) | {id}


def mrr(searcher, items: list[tuple[str, str, str]], column: int) -> tuple[float, float]:
    """MRR@10 of the queries in ``column`` (1 same forms, 2 changed), and seconds per query."""
    from indexer.search import SearchRequest

    total = 0.0
    started = time.perf_counter()
    for item in items:
        hits = searcher.search(SearchRequest(q=item[column], size=10, facets=False)).hits
        # An exact duplicate of the article (the corpus has reposts) counts as the article.
        same = duplicates(searcher, item[0])
        ranks = [i for i, h in enumerate(hits) if h.id in same]
        if ranks:
            total += 1 / (ranks[0] + 1)
    return total / len(items), (time.perf_counter() - started) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED, help="another sample of articles")
    parser.add_argument("--compare", action="store_true", help="also score plain BM25")
    parser.add_argument("--show", type=int, default=0, help="print this many queries")
    args = parser.parse_args()
    skip_without_corpus()
    index = corpus_index()

    from indexer.search import Searcher, proximity, scoring

    searcher = Searcher(index)
    # Articles the index skipped (e.g. unreadable records) cannot be known items.
    items = [i for i in make_items(args.items, args.seed) if i[0] in searcher._current().docnum_of]
    for item in items[: args.show]:
        print("  ", item)
    settings = [("Muragat (BM25F + exact form + proximity + sentences)", {})]
    if args.compare:
        settings.append(("plain BM25 over lemmas", {"PROX_WEIGHT": 0.0, "EXACT_WEIGHT": 0.0}))
    module_of = {"PROX_WEIGHT": proximity, "EXACT_WEIGHT": scoring}
    defaults = {name: getattr(module, name) for name, module in module_of.items()}
    print(f"{len(items)} known items (seed {args.seed}) on {searcher.stats()['articles']} articles")
    for label, changes in settings:
        for name, value in {**defaults, **changes}.items():
            setattr(module_of[name], name, value)
        same, t1 = mrr(searcher, items, 1)
        changed, t2 = mrr(searcher, items, 2)
        print(f"{label:45s} MRR@10 same forms {same:.3f}   changed forms {changed:.3f}   "
              f"({(t1 + t2) / 2 * 1000:.1f} ms/query)")
    for name, value in defaults.items():
        setattr(module_of[name], name, value)


if __name__ == "__main__":
    main()
