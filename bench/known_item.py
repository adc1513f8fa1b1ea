"""Known-item ranking quality (MRR@10) on the ~9,000 real articles of ../shared/corpora.

    .venv/bin/python bench/known_item.py [--items 300] [--seed N] [--kinds same,typo] [--show N]
                                         [--compare] [--time-limit SECONDS] [--no-budget]
                                         [--index INDEX] [--articles N]

For each of N articles (fixed seed) one sentence is picked and 2–4 of its content words become
a query, once in the forms of the text ("same forms") and once with every word put into another
grammatical form by pymorphy3 ("changed forms"). The article should come first; the score is the
mean reciprocal rank within the top 10. ``--compare`` also scores plain BM25 over lemmas (no
exact-form boost, no proximity) on the same queries. Uses the index of bench/search_latency.py
(bench/out/index, built once). Skips with a message when ../shared/corpora is absent.

The same-form query is also typed as people type it (issue #10, search that forgives), each
variant drawn with its own random stream per seed, kind and article, so a subset of ``--kinds``
gives the same queries and the same and changed queries are those of before:

- ``typo``: one word of 5 letters or more misspelt by one edit of a kind people make (a
  neighbouring key of the ЙЦУКЕН keyboard, a dropped or doubled letter, two neighbours swapped,
  о/а or е/и confused, -тся/-ться), never in its first letter; the misspelling is no word
  pymorphy3 knows, no word of the index, and not read as a form of one.
- ``layout``: the whole query typed with the keyboard in the Latin layout («rjycnbnewbz»).
- ``extra``: one more content word (noun, verb or adjective of 5 letters or more, from a
  sentence of another article) that the article does not hold in any form, put anywhere.
- ``question``: a question word or two in front («почему …», «когда и где …», «как на …»).

Printed per kind: queries, MRR@10, the share of queries with nothing on the page (no full match
and no partial one), the share given a suggestion («Возможно, вы имели в виду …») and the MRR@10
when it is followed, the queries the 0.25 s time limit cut short (their ranking depends on the
machine's load; ``--time-limit`` lifts it, ``--no-budget`` removes it and the request's whole
budget), and ms per query. ``--index`` scores another index of the same articles (an index
built by other code, to compare rankings). ``--articles N`` searches an archive of N of the
articles instead (a random sample, the same for every seed, in
``bench/out/known-item-N/``, built once): known items, their extra words and the index all come
from it — the size of archive issue #10's own figures were measured on was 1,450 articles.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_latency import (  # noqa: E402
    FUNCTION_LEMMAS,
    FUNCTION_TAGS,
    ROOT,
    articles,
    content_words,
    corpus_index,
    skip_without_corpus,
)

SEED = 4
MIN_SENTENCE_WORDS = 6
KINDS = ("same", "changed", "typo", "layout", "extra", "question")
VARIANTS = ("typo", "layout", "extra", "question")

# The ЙЦУКЕН keyboard and the Latin (QWERTY) keys under its letters.
RU_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
EN_ROWS = ("qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,.")
LAYOUT = str.maketrans({"ё": "`", **{r: e for ru, en in zip(RU_ROWS, EN_ROWS, strict=True)
                                      for r, e in zip(ru, en, strict=True)}})
CYRILLIC = re.compile(r"^[а-яё]+$")

# Typos: one edit of each kind, weighted by how often people make it.
TYPO_MIN_LETTERS = 5
TYPO_WEIGHTS = {"key": 25, "drop": 20, "double": 10, "swap": 15, "vowel": 25, "tsya": 30}
VOWEL_CONFUSIONS = {"о": "а", "а": "о", "е": "и", "и": "е"}
DOUBLING = set("бвгджзклмнпрстфхцчшщ")  # consonants people double («адресс»)

# Extra words: content words of another article that the target article lacks in any form.
EXTRA_MIN_LETTERS = 5
EXTRA_POS = {"NOUN", "ADJF", "ADJS", "VERB", "INFN"}
PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"}
EXTRA_TRIES = 50

# Questions: one question word, two joined by «и», or one with a preposition.
QUESTION_WORDS = ("почему", "когда", "сколько", "как", "где", "что", "зачем", "кто", "какой")
PAIRED_WORDS = ("когда", "где", "почему", "как", "зачем", "кто", "что")
PREPOSITIONS = ("в", "на", "с", "о", "по", "за", "из", "для")


@dataclass
class Item:
    """A known item: the article and its queries by kind (a variant that could not be made is
    missing)."""

    id: str
    queries: dict[str, str]


def other_form(word: str, rng: random.Random) -> str | None:
    """The word in another grammatical form of the same lexeme (None when it has none)."""
    from indexer.text.morphology import morph

    lower = word.lower()
    parse = morph().parse(lower)[0]
    forms = sorted({f.word.replace("ё", "е") for f in parse.lexeme} - {lower.replace("ё", "е")})
    forms = [f for f in forms if f.isalpha() and len(f) >= 3]
    return rng.choice(forms) if forms else None


def key_neighbours() -> dict[str, str]:
    """The letters on the keys around each letter of the ЙЦУКЕН keyboard (rows are staggered:
    «а» touches «в», «п», «к», «е», «с», «м»)."""
    near: dict[str, str] = {}
    for r, row in enumerate(RU_ROWS):
        for i, letter in enumerate(row):
            keys = [(r, i - 1), (r, i + 1), (r - 1, i), (r - 1, i + 1), (r + 1, i - 1), (r + 1, i)]
            near[letter] = "".join(RU_ROWS[rr][j] for rr, j in keys
                                   if 0 <= rr < len(RU_ROWS) and 0 <= j < len(RU_ROWS[rr]))
    return near


NEIGHBOURS = key_neighbours()


def misspellings(word: str) -> dict[str, list[str]]:
    """Every misspelling of ``word`` by one edit, by kind; the first letter is never touched."""
    n = len(word)
    edits = {
        "key": [word[:i] + c + word[i + 1:] for i in range(1, n)
                for c in NEIGHBOURS.get(word[i], "")],
        "drop": [word[:i] + word[i + 1:] for i in range(1, n)],
        "double": [word[:i + 1] + word[i:] for i in range(1, n)
                   if word[i] in DOUBLING and word[i] not in (word[i - 1], word[i + 1:i + 2])],
        "swap": [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, n - 1)
                 if word[i] != word[i + 1]],
        "vowel": [word[:i] + VOWEL_CONFUSIONS[word[i]] + word[i + 1:] for i in range(1, n)
                  if word[i] in VOWEL_CONFUSIONS],
        "tsya": ([word[:-4] + "тся"] if word.endswith("ться")
                 else [word[:-3] + "ться"] if word.endswith("тся") else []),
    }
    return {kind: list(dict.fromkeys(e for e in found if e != word))
            for kind, found in edits.items()}


def is_word(text: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``text`` is a word: one pymorphy3 knows or one the index holds (names, rare
    words), or is read as a form of one (a lemma pymorphy3 gives it is such a word)."""
    from indexer.text.morphology import lemmas, morph

    return any(morph().word_is_known(w) or w in vocabulary for w in (text, *lemmas(text)))


def typo_query(words: list[str], rng: random.Random, vocabulary: frozenset[str],
               stats: Counter) -> str | None:
    """The query with one word of 5 letters or more misspelt (None when none can be)."""
    order = [i for i, w in enumerate(words) if len(w) >= TYPO_MIN_LETTERS and CYRILLIC.match(w)]
    if not order:
        stats["no Cyrillic word of 5 letters or more"] += 1
        return None
    rng.shuffle(order)
    for i in order:
        valid: dict[str, list[str]] = {}
        for kind, found in misspellings(words[i]).items():
            ok = [m for m in found if not is_word(m, vocabulary)]
            stats["candidate misspellings"] += len(found)
            stats["candidates that are words"] += len(found) - len(ok)
            if ok:
                valid[kind] = ok
        if not valid:
            stats["words without a misspelling that is no word"] += 1
            continue
        kinds = sorted(valid)
        kind = rng.choices(kinds, [TYPO_WEIGHTS[k] for k in kinds])[0]
        stats[f"kind {kind}"] += 1
        return " ".join(words[:i] + [rng.choice(valid[kind])] + words[i + 1:])
    stats["no valid misspelling"] += 1
    return None


def layout_query(query: str) -> str:
    """The query typed with the keyboard in the Latin layout («конституция» → «rjycnbnewbz»)."""
    return query.lower().translate(LAYOUT)


def extra_words(sentence: str) -> list[str]:
    """Nouns, verbs and adjectives of 5 letters or more of a sentence that are not names (no
    capitalised words), lower-cased."""
    from indexer.text.morphology import morph
    from indexer.text.tokens import WORD_RE

    words = []
    for m in WORD_RE.finditer(sentence):
        word = m.group()
        if len(word) < EXTRA_MIN_LETTERS or not CYRILLIC.match(word):
            continue
        parse = morph().parse(word)[0]
        grammemes = set(parse.tag.grammemes)
        if (parse.tag.POS in EXTRA_POS and not (PROPER | FUNCTION_TAGS) & grammemes
                and parse.normal_form not in FUNCTION_LEMMAS and morph().word_is_known(word)):
            words.append(word)
    return words


def article_terms(doc: dict) -> set[str]:
    """Every term the index holds for the article (its words as written and their lemmas)."""
    from indexer.text.term_table import TermTable

    table = TermTable()
    found = table.analyse(f"{doc.get('title') or ''}\n{doc['text']}")
    return {table.terms[t] for t in set(found.ids.tolist())}


def extra_query(words: list[str], doc: dict, docs: list[dict], rng: random.Random) -> str | None:
    """The query with a word of another article's sentence put in at a random place, a word the
    article does not hold in any form (None when none is found in a few tries)."""
    import razdel

    from indexer.text.morphology import any_form_terms

    terms = article_terms(doc)
    for _ in range(EXTRA_TRIES):
        other = rng.choice(docs)
        if other["text"] == doc["text"]:
            continue
        sentences = [s.text for s in razdel.sentenize(other["text"][:5000])]
        if not sentences:
            continue
        found = [w for w in extra_words(rng.choice(sentences)) if w not in words
                 and not terms & set(any_form_terms(w.replace("ё", "е")))]
        if found:
            at = rng.randint(0, len(words))
            return " ".join(words[:at] + [rng.choice(found)] + words[at:])
    return None


def question_query(query: str, rng: random.Random) -> str:
    """The query asked as a question: «почему …», sometimes «когда и где …» or «как на …»."""
    roll = rng.random()
    if roll < 0.15:
        lead = " и ".join(rng.sample(PAIRED_WORDS, 2))
    elif roll < 0.3:
        lead = f"{rng.choice(QUESTION_WORDS)} {rng.choice(PREPOSITIONS)}"
    else:
        lead = rng.choice(QUESTION_WORDS)
    return f"{lead} {query}"


def variant(kind: str, item: Item, doc: dict, docs: list[dict], seed: int,
            vocabulary: frozenset[str], stats: Counter) -> str | None:
    """The same-form query of ``item`` typed as a ``kind`` variant, from its own random stream
    (by seed, kind and article), so it does not depend on which other kinds are made."""
    rng = random.Random(f"{seed}/{kind}/{item.id}")
    query = item.queries["same"]
    if kind == "typo":
        return typo_query(query.split(), rng, vocabulary, stats)
    if kind == "layout":
        return layout_query(query)
    if kind == "extra":
        return extra_query(query.split(), doc, docs, rng)
    if kind == "question":
        return question_query(query, rng)
    raise ValueError(kind)


SUBSET_SEED = 20261202


def subset(n: int | None) -> list[dict]:
    """The corpus articles, or a random ``n`` of them (the same sample whatever the seed)."""
    docs = articles()
    if n is None or n >= len(docs):
        return docs
    return random.Random(SUBSET_SEED).sample(docs, n)


def subset_index(docs: list[dict]) -> Path:
    """The index of an archive of ``docs`` (one JSON Lines file), built once."""
    from indexer.build import rebuild
    from indexer.store import generations

    folder = ROOT / "bench" / "out" / f"known-item-{len(docs)}"
    index = folder / "index"
    if generations.target(index) is None:
        archive = folder / "archive"
        archive.mkdir(parents=True, exist_ok=True)
        with open(archive / "docs.jsonl", "w", encoding="utf-8") as f:
            for doc in docs:
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        print(f"building an index of {len(docs)} articles into {index} (once) …", flush=True)
        rebuild(archive, index, entities=False)
    return index


def make_items(n: int, seed: int = SEED, kinds: tuple[str, ...] = KINDS,
               vocabulary: frozenset[str] = frozenset(),
               stats: Counter | None = None, corpus: list[dict] | None = None) -> list[Item]:
    """Known items for ``n`` articles (of ``corpus``, default every article) with their
    same-form and changed-form queries and the variants among ``kinds`` (misspellings are
    checked against ``vocabulary`` too; what the typo generator met is counted in ``stats``)."""
    import razdel

    stats = Counter() if stats is None else stats
    rng = random.Random(seed)
    docs = list(corpus) if corpus is not None else articles()
    rng.shuffle(docs)
    items: list[Item] = []
    by_id: dict[str, dict] = {}
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
        items.append(Item(doc["id"], {"same": " ".join(same), "changed": " ".join(changed)}))
        by_id[doc["id"]] = doc
    for item in items:
        for kind in VARIANTS:
            if kind in kinds:
                query = variant(kind, item, by_id[item.id], docs, seed, vocabulary, stats)
                if query is not None:
                    item.queries[kind] = query
    return items


def index_vocabulary(searcher) -> frozenset[str]:
    """Every word of the index's titles and texts, as written and as lemma."""
    view = searcher._current()
    reader = view.thread_searcher().reader()
    return frozenset(t.lstrip("~") for field in ("title", "body")
                     for t in reader.field_terms(field))


_TEXTS: dict[str, list[str]] = {}


def duplicates(searcher, id: str) -> set[str]:
    """The ids of the articles whose text is exactly the text of ``id`` (itself included)."""
    if not _TEXTS:
        for doc in articles():
            _TEXTS.setdefault(doc["text"], []).append(doc["id"])
    text = searcher.article(id)["text"]
    return set(_TEXTS.get(text, [])) | {id}


@dataclass
class Score:
    """How the queries of one kind fared."""

    queries: int
    mrr: float  # MRR@10
    zero: float  # share of queries with nothing on the page (no full match, no partial one)
    suggested: float  # share of queries given a suggestion
    followed: float  # MRR@10 when a query's suggestion is searched instead of it
    cut: int  # queries whose evaluation or re-ranking the time limit cut short
    ms: float  # per query (the suggestion's search not counted)


def rank(searcher, query: str, same: set[str]) -> tuple[float, object]:
    """The reciprocal rank of the article (or a duplicate) in the top 10, and the result."""
    from indexer.search import SearchRequest

    result = searcher.search(SearchRequest(q=query, size=10, facets=False))
    # A reprint of the article shown in its place, the article under it («ещё N перепечаток»),
    # counts as the article: the page shows it there.
    ranks = [i for i, h in enumerate(result.hits)
             if h.id in same or any(r["id"] in same for r in h.reprints)]
    return (1 / (ranks[0] + 1) if ranks else 0.0), result


def score(searcher, items: list[Item], kind: str) -> Score:
    """MRR@10 and the share of empty results of the ``kind`` queries of ``items``."""
    total = followed = 0.0
    zero = suggested = cut = 0
    seconds = 0.0
    queries = [(item, item.queries[kind]) for item in items if kind in item.queries]
    for item, query in queries:
        # An exact duplicate of the article (the corpus has reposts) counts as the article.
        same = duplicates(searcher, item.id)
        started = time.perf_counter()
        rr, result = rank(searcher, query, same)
        seconds += time.perf_counter() - started
        total += rr
        zero += not result.hits  # no full match and no partial one
        cut += any(w.startswith("time limit") for w in result.warnings)
        if result.suggestion:
            suggested += 1
            rr = rank(searcher, result.suggestion, same)[0]
        followed += rr
    n = max(len(queries), 1)
    return Score(len(queries), total / n, zero / n, suggested / n, followed / n, cut,
                 seconds / n * 1000)


def print_typo_stats(stats: Counter, items: list[Item]) -> None:
    """What the typo generator met: items without a misspelling, kinds of edit, candidates that
    were words."""
    made = sum("typo" in item.queries for item in items)
    kinds = ", ".join(f"{k.removeprefix('kind ')} {v}" for k, v in sorted(stats.items())
                      if k.startswith("kind "))
    failed = "; ".join(f"{k} {v}" for k, v in sorted(stats.items())
                       if not k.startswith(("kind ", "candidate")))
    share = stats["candidates that are words"] / max(stats["candidate misspellings"], 1)
    print(f"typo variants for {made} of {len(items)} items ({failed or 'none failed'}); edits: "
          f"{kinds}; {share:.0%} of {stats['candidate misspellings']} candidate misspellings "
          f"were words")


def show(items: list[Item], kinds: tuple[str, ...]) -> None:
    """Prints the queries of each kind of ``items``."""
    for item in items:
        print(f"  {item.id}")
        for kind in kinds:
            print(f"    {kind:9s} {item.queries.get(kind, '—')}")


def parse_kinds(text: str) -> tuple[str, ...]:
    """``same,typo`` → ("same", "typo"), in the order of KINDS; unknown kinds are an error."""
    wanted = {k.strip() for k in text.split(",") if k.strip()}
    unknown = wanted - set(KINDS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown kinds {sorted(unknown)}; kinds: {KINDS}")
    return tuple(k for k in KINDS if k in wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED, help="another sample of articles")
    parser.add_argument("--kinds", type=parse_kinds, default=KINDS,
                        help=f"comma-separated subset of {','.join(KINDS)}")
    parser.add_argument("--compare", action="store_true", help="also score plain BM25")
    parser.add_argument("--show", type=int, default=0, help="print this many items' queries")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="the search's time limit (default the product's, 0.25 s); a long "
                             "one makes the ranking independent of the machine's load")
    parser.add_argument("--no-budget", action="store_true",
                        help="no time budget at all (evaluation, re-ranking, the request)")
    parser.add_argument("--index", type=Path, default=None,
                        help="another index of the same articles (default: bench/out/index, "
                             "built on first use)")
    parser.add_argument("--articles", type=int, default=None, metavar="N",
                        help="an archive of a random N of the articles instead (its own index)")
    args = parser.parse_args()
    skip_without_corpus()
    corpus = subset(args.articles) if args.articles else None
    index = args.index or (subset_index(corpus) if corpus is not None else corpus_index())

    from indexer.search import Searcher, execute, proximity, scoring

    if args.time_limit is not None:  # the ranking's limit and the whole request's
        execute.TIME_BUDGET = args.time_limit
        execute.REQUEST_BUDGET = max(execute.REQUEST_BUDGET, 2 * args.time_limit)
    if args.no_budget:
        execute.TIME_BUDGET = execute.REQUEST_BUDGET = 1e9
    searcher = Searcher(index)
    vocabulary = index_vocabulary(searcher) if "typo" in args.kinds else frozenset()
    stats: Counter = Counter()
    items = make_items(args.items, args.seed, args.kinds, vocabulary, stats, corpus)
    # Articles the index skipped (e.g. unreadable records) cannot be known items.
    items = [i for i in items if i.id in searcher._current().docnum_of]
    show(items[: args.show], args.kinds)
    settings = [("Muragat (BM25F + exact form + proximity + sentences)", {})]
    if args.compare:
        settings.append(("plain BM25 over lemmas", {"PROX_WEIGHT": 0.0, "EXACT_WEIGHT": 0.0}))
    module_of = {"PROX_WEIGHT": proximity, "EXACT_WEIGHT": scoring}
    defaults = {name: getattr(module, name) for name, module in module_of.items()}
    print(f"{len(items)} known items (seed {args.seed}) on {searcher.stats()['articles']} articles")
    if "typo" in args.kinds:
        print_typo_stats(stats, items)
    for label, changes in settings:
        for name, value in {**defaults, **changes}.items():
            setattr(module_of[name], name, value)
        print(label)
        print(f"  {'kind':9s} {'queries':>7s} {'MRR@10':>7s} {'no result':>10s} "
              f"{'suggested':>10s} {'MRR@10 followed':>16s} {'time-cut':>9s} {'ms/query':>9s}")
        for kind in args.kinds:
            s = score(searcher, items, kind)
            print(f"  {kind:9s} {s.queries:7d} {s.mrr:7.3f} {s.zero:10.1%} {s.suggested:10.1%} "
                  f"{s.followed:16.3f} {s.cut:9d} {s.ms:9.1f}")
    for name, value in defaults.items():
        setattr(module_of[name], name, value)


if __name__ == "__main__":
    main()
