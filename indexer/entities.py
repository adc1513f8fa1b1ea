"""Named entities (PER, ORG, LOC) for facets: slovnet NER + rule-based clean-up and normalisation.

``extract(text)`` / ``extract_many(texts)`` return :class:`Entity` mentions whose ``name`` is the
canonical facet value. The model (Natasha's ``slovnet_ner_news_v1`` with the navec news embeddings,
both shipped in the ``natasha`` wheel) is loaded lazily, once per process, on first use.

Pipeline: text -> bounded chunks (paragraphs, split further at sentence ends) -> batched NER ->
span clean-up (quotes, titles, run-on spans) -> nominative normalisation (pymorphy3 plus
suffix rules for surnames and Kazakh words) -> per-article merging (one person, one value;
aliases; one kind per name).
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from indexer.records import Entity

if TYPE_CHECKING:
    from indexer.ner_model import NerModel

MODEL_FILE = "slovnet_ner_news_v1.tar"
EMB_FILE = "navec_news_v1_1B_250K_300d_100q.tar"
# Bump RULES_VERSION whenever clean-up or normalisation changes: it is part of the cache key.
RULES_VERSION = 2
VERSION = f"natasha-1.6.0/{MODEL_FILE}/{EMB_FILE}/rules-{RULES_VERSION}"

KINDS = ("PER", "ORG", "LOC")
MAX_CHUNK_CHARS = 2000  # one model input; slovnet has no sentence splitter of its own
WINDOW_CHARS = 100_000  # chunks gathered and run (batched by length) before moving on
MAX_WORDS = 6


# Abbreviations and long forms that stand for one facet value (keys lower-case, ё written е).
# ``needs`` is a regular expression that must match the article for the alias to apply: РК is also
# Республика Карелия/Коми, РБ also Башкортостан. Country names follow Kazakhstani usage.
@dataclass(frozen=True, slots=True)
class Alias:
    kind: str
    name: str
    needs: str | None = None


ALIASES: dict[str, Alias] = {
    "рк": Alias("LOC", "Казахстан", "казахстан"),
    "республика казахстан": Alias("LOC", "Казахстан"),
    "рф": Alias("LOC", "Россия"),
    "российская федерация": Alias("LOC", "Россия"),
    "соединенные штаты": Alias("LOC", "США"),
    "соединенные штаты америки": Alias("LOC", "США"),
    "кр": Alias("LOC", "Кыргызстан", "кыргыз|киргиз"),
    "кыргызская республика": Alias("LOC", "Кыргызстан"),
    "киргизия": Alias("LOC", "Кыргызстан"),
    "рб": Alias("LOC", "Беларусь", "беларус|белорус"),
    "республика беларусь": Alias("LOC", "Беларусь"),
    "белоруссия": Alias("LOC", "Беларусь"),
    "руз": Alias("LOC", "Узбекистан", "узбекистан"),
    "республика узбекистан": Alias("LOC", "Узбекистан"),
    "организация объединенных наций": Alias("ORG", "ООН"),
}

# Posts and titles that precede a name but are not part of it (lemmas).
TITLES = frozenset(
    """
    президент вице-президент премьер премьер-министр министр вице-министр замминистра
    депутат сенатор спикер председатель зампред вице-спикер глава руководитель директор
    гендиректор аким мэр губернатор посол генсек секретарь госсекретарь
    помощник советник заместитель замглавы пресс-секретарь представитель
    король королева принц принцесса царь император шейх папа патриарх митрополит
    архиепископ епископ генерал маршал адмирал полковник подполковник майор капитан
    лейтенант сержант рядовой судья прокурор генпрокурор следователь адвокат
    профессор доктор академик господин госпожа мистер миссис сэр леди лорд канцлер
    экс-президент экс-премьер лидер вождь тренер нападающий защитник вратарь
    полузащитник форвард певец певица актер актёр актриса режиссер режиссёр писатель
    журналист корреспондент ведущий эксперт аналитик политолог экономист автор
    основатель владелец бизнесмен олигарх банкир чемпион чемпионка теннисист
    теннисистка боксер боксёр пилот гонщик
    """.split()
)

_QUOTES_OPEN = "«“„\"'‘("
_QUOTES_CLOSE = "»”“\"'’)"
_EDGE_JUNK = " \t\r\n«»“”„\"'‘’()[]{}<>.,;:!?–—-…*/\\|"
_KAZAKH = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*", re.UNICODE)
_TOKEN_RE = re.compile(r"\w+(?:[-‐'’.]\w+)*\.?|[^\w\s]", re.UNICODE)
_SENT_END_RE = re.compile(r"[.!?…][»”\")]*\s+")
_LAST_WORD_RE = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)\s+$")
_PARENS_RE = re.compile(r"\s*\([^()]*(?:\)|$)")
_ABBR_CASE_RE = re.compile(r"^([A-ZА-ЯЁ]{2,})([а-яё]{1,3})$")


# ----------------------------------------------------------------------------- model


@cache
def _model() -> NerModel:
    """slovnet NER + navec from the natasha wheel (without importing natasha), run by our lean
    inference path (:mod:`indexer.ner_model`, same tags as slovnet's)."""
    # The matrices are small: a BLAS thread pool in every worker only fights the other
    # workers for the cores (measured: 37 ms of CPU per article with one thread, 63 with the
    # default). Effective when numpy is first imported here, as in the rebuild's workers.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from indexer.ner_model import NerModel

    spec = importlib.util.find_spec("natasha")
    if spec is None or spec.origin is None:
        raise RuntimeError("the 'natasha' package (model files) is not installed")
    data = Path(spec.origin).parent / "data"
    return NerModel(str(data / "model" / MODEL_FILE), str(data / "emb" / EMB_FILE))


def _morph():
    """The indexer's pymorphy3 analyser: one per process, shared with the analysis."""
    from indexer.analysis import morph

    return morph()


# Bounded caches of pymorphy3 results: a word is parsed, and a parse inflected, once while it
# stays frequent. They cost about 1 KB per word: the former 200,000-entry cache grew to ~100 MB
# in a rebuild worker; 4,096 entries keep most of the hits (~1 ms per article more than 50,000).
PARSE_CACHE = 4_096


@lru_cache(maxsize=PARSE_CACHE)
def _parse(word: str) -> tuple:
    return tuple(_morph().parse(word))


@lru_cache(maxsize=PARSE_CACHE)
def _known(word: str) -> tuple:
    """The dictionary parses of ``word`` (``is_known`` is a lookup on every access)."""
    return tuple(p for p in _parse(word) if p.is_known)


@lru_cache(maxsize=PARSE_CACHE)
def _inflect(parse, grammemes: frozenset[str]):
    """``parse.inflect(grammemes)``, cached (a lexeme is rebuilt on every call)."""
    return parse.inflect(set(grammemes))


# ----------------------------------------------------------------------------- chunking


def _chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """Yield (offset, piece): paragraphs, cut at sentence ends or spaces when over ``limit``."""
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        while end - pos > limit:
            cut = _cut_point(text, pos, pos + limit)
            if text[pos:cut].strip():
                yield pos, text[pos:cut]
            pos = cut
        if text[pos:end].strip():
            yield pos, text[pos:end]
        pos = end + 1


def _cut_point(text: str, start: int, stop: int) -> int:
    window = text[start:stop]
    ends = [m.end() for m in _SENT_END_RE.finditer(window, len(window) // 2)]
    if ends:
        return start + ends[-1]
    space = window.rfind(" ", len(window) // 2)
    return start + (space + 1 if space > 0 else len(window))


@dataclass(slots=True)
class Mention:
    """A raw or cleaned span before canonicalisation."""

    kind: str
    start: int
    end: int


def _ner_spans(texts: Sequence[str]) -> list[list[Mention]]:
    """Run the model over all texts in bounded windows of chunks."""
    out: list[list[Mention]] = [[] for _ in texts]
    model = _model()
    window: list[tuple[int, int, str]] = []
    size = 0

    def flush() -> None:
        found = model.spans([piece for _, _, piece in window])
        for (doc, offset, _), spans in zip(window, found, strict=True):
            for kind, start, stop in spans:
                if kind in KINDS:
                    out[doc].append(Mention(kind, offset + start, offset + stop))
        window.clear()

    for doc, text in enumerate(texts):
        for offset, piece in _chunks(text):
            window.append((doc, offset, piece))
            size += len(piece)
            if size >= WINDOW_CHARS:
                flush()
                size = 0
    if window:
        flush()
    for mentions in out:
        mentions.sort(key=lambda m: (m.start, m.end))
    return out


# ----------------------------------------------------------------------------- public API


def extract(text: str) -> list[Entity]:
    """Entities of one article, with canonical names and offsets into ``text``."""
    return extract_many([text])[0]


def extract_many(texts: Iterable[str]) -> list[list[Entity]]:
    """Entities of many articles; model calls are batched across articles."""
    texts = list(texts)
    spans = _ner_spans(texts)
    return [
        canonicalise(text, clean_spans(text, found))
        for text, found in zip(texts, spans, strict=True)
    ]


# ----------------------------------------------------------------------------- clean-up


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _is_name_part(word: str) -> bool:
    return any({"Name", "Surn", "Patr"} & p.tag.grammemes for p in _parse(word))


def _is_title(word: str) -> bool:
    low = word.lower().rstrip(".")
    if low in TITLES:
        return True
    return any(p.normal_form in TITLES for p in _known(low))


def _is_verbish(word: str) -> bool:
    known = _known(word.lower())
    return bool(known) and known[0].tag.POS in {"VERB", "INFN", "GRND", "PRED"}


def _is_common_inan(word: str) -> bool:
    """A dictionary common noun that is never a name part (``Мажилиса``, ``Правительства``)."""
    low = word.lower()
    known = _known(low)
    if not known or _is_name_part(word) or _surname_forms(low):
        return False
    return any(p.tag.case == "gent" for p in known) and all(
        p.tag.POS == "NOUN" and "inan" in p.tag.grammemes and p.tag.number == "sing" for p in known
    )


def _is_adjective(word: str) -> bool:
    known = _known(word.lower())
    return bool(known) and all(p.tag.POS in {"ADJF", "ADJS"} for p in known)


def _title_before(text: str, start: int) -> bool:
    """Is the word right before ``start`` a post (``депутаты Мажилиса``)?"""
    m = _LAST_WORD_RE.search(text, max(0, start - 40), start)
    return m is not None and _is_title(m.group(1))


def _noun_follows(text: str, end: int, adjective: str) -> bool:
    """Is the single-word span an adjective cut off from its lowercase noun (``Воинскую часть``)?"""
    if not _is_adjective(adjective):
        return False
    m = _WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    if m is None or not m.group()[:1].islower():
        return False
    adj_cases = {(p.tag.case, p.tag.number) for p in _known(adjective.lower())}
    return any(
        p.tag.POS == "NOUN" and (p.tag.case, p.tag.number) in adj_cases for p in _known(m.group())
    )


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(start + m.start(), start + m.end()) for m in _TOKEN_RE.finditer(text[start:end])]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip quotes, brackets and punctuation at the edges, keeping initials (``Л.Н.``) and a
    closing quote whose opening quote is inside the span."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        ch = text[end - 1]
        if (
            ch == "."
            and end - start >= 2
            and text[end - 2].isupper()
            and (end - start == 2 or not text[end - 3].isalpha())
        ):
            break
        if ch in '»)"' and _opened(text, start, end, ch):
            break
        end -= 1
    return start, end


def _opened(text: str, start: int, end: int, ch: str) -> bool:
    """Does the span's last character ``ch`` close a quote or bracket opened inside the span?"""
    if ch == '"':
        return text.count('"', start, end) >= 2
    left = "«" if ch == "»" else "("
    return text.count(left, start, end) >= text.count(ch, start, end)


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Include the closing quote or bracket right after a span that opened it, else cut before."""
    for left, right in ("«»", "()", '""'):
        opened = text.count(left, start, end)
        if left == right:
            unbalanced = opened % 2 == 1
        else:
            unbalanced = opened > text.count(right, start, end)
        if unbalanced:
            if end < len(text) and text[end] == right:
                end += 1
            elif left == right and text[end - 1] == right:
                pass  # ``ЗАО "ПО "Сибтяжмаш"``: nested quotes of one kind
            else:
                end = text.rindex(left, start, end)
    return start, end


def clean_spans(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Fix span boundaries: quotes, titles before names, run-on spans; drop noise."""
    out: list[Mention] = []
    for m in mentions:
        for part in _split_runon(text, m):
            out.extend(_strip_titles(text, part))
    cleaned = []
    for m in out:
        start, end = _balance_quotes(text, *_trim(text, m.start, m.end))
        start, end = _trim(text, start, end)
        span = text[start:end]
        if _is_noise(span):
            continue
        kind = m.kind
        if " " not in span and not _is_cap(re.split(r"[-‐]", span)[-1]):
            continue
        if kind != "PER" and " " not in span and _noun_follows(text, end, span):
            continue  # ``Воинскую`` cut from ``Воинскую часть``
        if (
            kind == "PER"
            and " " not in span
            and _is_common_inan(span)
            and _title_before(text, start)
        ):
            # ``депутаты Мажилиса``: the model reads the institution as a person
            kind = "ORG"
        cleaned.append(Mention(kind, start, end))
    return cleaned


def _split_runon(text: str, m: Mention) -> list[Mention]:
    """Split a span at verbs (the model runs ORG spans across clauses)."""
    parts, cur = [], m.start
    for s, e in _tokens(text, m.start, m.end):
        word = text[s:e]
        if word[:1].islower() and _is_verbish(word):
            if s > cur:
                parts.append(Mention(m.kind, cur, s))
            cur = e
    if cur < m.end:
        parts.append(Mention(m.kind, cur, m.end))
    return parts


def _strip_titles(text: str, m: Mention) -> list[Mention]:
    """Drop leading posts (``депутат``, ``Главы государства``); a stripped body becomes its own ORG.

    If titles stood before what looks like a person (capitalised name words), the remainder is a
    PER whatever the model said.
    """
    toks = [(s, e) for s, e in _tokens(text, m.start, m.end) if text[s:e].strip()]
    if len(toks) < 2:
        return [m]
    i, titled, extra = 0, False, []
    while i < len(toks) - 1:
        word = text[toks[i][0] : toks[i][1]]
        if not word[:1].isalpha() and not word[:1].isdigit():
            break
        if _is_title(word) or (not _is_cap(word) and not _is_particle(word)):
            titled = titled or _is_title(word)
            i += 1
            continue
        if (
            (titled or m.kind == "PER" and _title_before(text, m.start))
            and _is_common_inan(word)
            and _is_cap(word)
        ):
            # ``депутат Мажилиса Даулет …``: the institution is an entity of its own.
            extra.append(Mention("ORG", toks[i][0], toks[i][1]))
            i += 1
            continue
        break
    if i == 0:
        return [m]
    rest = Mention(m.kind, toks[i][0], m.end)
    if titled and m.kind != "PER" and _looks_like_person(text[rest.start : rest.end]):
        rest.kind = "PER"
    return [*extra, rest]


def _is_particle(word: str) -> bool:
    return word.lower() in {
        "де",
        "ди",
        "да",
        "дель",
        "ван",
        "фон",
        "бен",
        "ибн",
        "аль",
        "эль",
        "ла",
    }


def _looks_like_person(span: str) -> bool:
    words = _WORD_RE.findall(span)
    if not 1 <= len(words) <= 4 or not all(_is_cap(w) for w in words):
        return False
    return any(_is_name_part(w) or _surname_forms(w.lower()) for w in words)


def _is_noise(span: str) -> bool:
    words = _WORD_RE.findall(span)
    if not words or len(span.split()) > MAX_WORDS:
        return True
    return len(span) < 2 or (len(words) == 1 and len(words[0]) < 2 and not _has_digit(span))


def _has_digit(s: str) -> bool:
    return any(c.isdigit() for c in s)


# ----------------------------------------------------------------------------- normalisation

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")

# Surname endings: (ending after the -ов/-ев/-ин stem, case, gender).
_OV_FORMS = (
    ("", "nomn", "masc"),
    ("а", "gent", "masc"),
    ("а", "accs", "masc"),
    ("а", "nomn", "femn"),
    ("у", "datv", "masc"),
    ("у", "accs", "femn"),
    ("ым", "ablt", "masc"),
    ("е", "loct", "masc"),
    ("ой", "gent", "femn"),
    ("ой", "datv", "femn"),
    ("ой", "ablt", "femn"),
    ("ой", "loct", "femn"),
)
_SKIY_FORMS = (
    ("ий", "nomn", "masc"),
    ("ого", "gent", "masc"),
    ("ого", "accs", "masc"),
    ("ому", "datv", "masc"),
    ("им", "ablt", "masc"),
    ("ом", "loct", "masc"),
    ("ая", "nomn", "femn"),
    ("ой", "gent", "femn"),
    ("ой", "datv", "femn"),
    ("ой", "ablt", "femn"),
    ("ой", "loct", "femn"),
    ("ую", "accs", "femn"),
)
# Crude endings for unknown (often Kazakh or foreign) first names: masculine declension.
_UNKNOWN_MASC = (
    ("а", "gent", ""),
    ("а", "accs", ""),
    ("я", "gent", "й"),
    ("у", "datv", ""),
    ("ом", "ablt", ""),
    ("ем", "ablt", "й"),
    ("е", "loct", ""),
)

Hyp = tuple[str, str]  # (case, gender)


def _surname_forms(low: str) -> dict[Hyp, str]:
    """Case/gender readings of a Russian-type surname and the nominative for each."""
    found: dict[Hyp, str] = {}
    for stem_end in ("ов", "ев", "ёв", "ин", "ын"):
        for ending, case, gender in _OV_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("а" if gender == "femn" else "")
    for stem_end in ("ск", "цк"):
        for ending, case, gender in _SKIY_FORMS:
            suffix = stem_end + ending
            if low.endswith(suffix) and len(low) - len(suffix) >= 2:
                base = low[: len(low) - len(ending)]
                found[(case, gender)] = base + ("ая" if gender == "femn" else "ий")
    return found


def _untouchable(word: str) -> bool:
    """Words we never inflect: Kazakh letters, Latin, digits, abbreviations, initials."""
    if any(c in _KAZAKH for c in word) or any("a" <= c.lower() <= "z" for c in word):
        return True
    if any(c.isdigit() for c in word) or len(word) <= 1:
        return True
    return word.isupper()


def _recase(src: str, dst: str) -> str:
    """Give ``dst`` the capitalisation style of ``src`` (per hyphen part), and its е for ё."""
    if "ё" not in src.lower():
        dst = dst.replace("ё", "е").replace("Ё", "Е")
    if src.isupper() and len(src) > 1:
        return dst.upper()
    sp, dp = re.split(r"([-‐'’])", src), re.split(r"([-‐'’])", dst)
    if len(sp) != len(dp):
        return dst[:1].upper() + dst[1:] if _is_cap(src) else dst
    return "".join(d[:1].upper() + d[1:] if _is_cap(s) else d for s, d in zip(sp, dp, strict=True))


@lru_cache(maxsize=PARSE_CACHE)
def _person_readings(word: str) -> tuple[dict[Hyp, str], float]:
    """Readings of one name word: {(case, gender): nominative} and a weight of the evidence
    (cached: callers must not change the dict)."""
    low = word.lower()
    if _untouchable(word) or word.endswith("."):
        return {}, 0.0
    readings: dict[Hyp, str] = {}
    known = [p for p in _parse(low) if p.is_known and {"Name", "Surn", "Patr"} & p.tag.grammemes]
    for p in known:
        if p.tag.number != "sing" or p.tag.case not in CASES:
            continue
        nom = _inflect(p, frozenset({"nomn"}))
        if nom is None:
            continue
        gender = p.tag.gender
        for g in (gender,) if gender in ("masc", "femn") else ("masc", "femn"):
            readings.setdefault((p.tag.case, g), nom.word)
    if readings:
        return readings, 2.0
    readings = _surname_forms(low)
    if readings:
        return readings, 1.5
    # Unknown word (often Kazakh): nominative as is, or a masculine oblique form.
    readings = {("nomn", "masc"): low, ("nomn", "femn"): low}
    last = re.split(r"[-‐]", low)[-1]
    for ending, case, repl in _UNKNOWN_MASC:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            readings.setdefault((case, "masc"), low[: len(low) - len(ending)] + repl)
    return readings, 1.0


_PREP_CASES = {
    **dict.fromkeys("у от до без для из около после против среди возле кроме со".split(), "gent"),
    **dict.fromkeys("к ко по".split(), "datv"),
    **dict.fromkeys("с над под перед между".split(), "ablt"),
    **dict.fromkeys("о об обо при".split(), "loct"),
    **dict.fromkeys("на в во за про через".split(), "accs"),
}


def _context_cases(text: str, start: int) -> dict[str, float]:
    """Case evidence from the words just left of a name: a preposition or a title in apposition."""
    left = text[max(0, start - 80) : start]
    cut = max(left.rfind(ch) for ch in ".!?;:\n")
    words = _WORD_RE.findall(left[cut + 1 :])[-4:]
    if not words:
        return {}
    prep = _PREP_CASES.get(words[-1].lower())
    if prep:
        return {c: 1.0 for c in CASES if c != "nomn"} | {prep: 2.0}
    for word in reversed(words):
        if (_is_cap(word) or word.isupper()) and not _is_title(word):
            continue  # genitive modifiers such as ``Мажилиса``, ``США``
        parses = _known(word.lower())
        if not parses or parses[0].tag.POS != "NOUN":
            return {}
        if any(p.tag.case == "gent" and "inan" in p.tag.grammemes for p in parses):
            if not _is_title(word):
                continue  # ``государства`` in ``Главы государства``
        if _is_title(word) or "anim" in parses[0].tag.grammemes:
            weight = 1.5 if _is_title(word) else 1.0
            return {p.tag.case: weight for p in parses if p.tag.number == "sing" and p.tag.case}
        return {}
    return {}


def normalise_person(
    text: str, start: int, end: int, doc_words: frozenset[str] = frozenset()
) -> str:
    """Nominative form of a person's name (all name words agree in case and gender)."""
    span = text[start:end]
    parts = [(m.start(), m.end()) for m in _WORD_RE.finditer(span)]
    readings = [_person_readings(span[s:e]) for s, e in parts]
    scores: Counter[Hyp] = Counter()
    for found, weight in readings:
        for hyp in found:
            scores[hyp] += weight
    for case, weight in _context_cases(text, start).items():
        for gender in ("masc", "femn"):
            if (case, gender) in scores:
                scores[(case, gender)] += weight
    for found, _ in readings:  # a nominative seen elsewhere in the article is strong evidence
        for hyp, nom in found.items():
            if nom in doc_words and hyp[0] != "nomn":
                scores[hyp] += 1.0
    if not scores:
        return _squash(span)
    best = max(scores.values())
    ties = [h for h in scores if scores[h] == best]
    hyp = min(ties, key=lambda h: (h[0] != "nomn", h[1] != "masc"))
    if hyp[0] == "nomn":
        return _squash(span)
    out, pos = [], 0
    for (s, e), (found, _) in zip(parts, readings, strict=True):
        word = span[s:e]
        nom = found.get(hyp)
        out.append(span[pos:s])
        out.append(_recase(word, nom) if nom else word)
        pos = e
    out.append(span[pos:])
    return _squash("".join(out))


def _squash(s: str) -> str:
    return " ".join(s.split())


def normalise_name(
    kind: str, text: str, start: int, end: int, doc_words: frozenset[str] = frozenset()
) -> str:
    """Nominative form of an ORG or LOC: the leading adjective(s) + head noun are put in the
    nominative; words after the head (genitive modifiers, quoted names) stay as they are."""
    span = text[start:end]
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(span)]
    if not words:
        return _squash(span)
    head_group: list[tuple[int, int]] = []
    for s, e in words:
        if any(q in span[:s] for q in '«"“„'):
            break
        word = span[s:e]
        if _untouchable(word) or not _is_cap(word) and not head_group:
            break
        head_group.append((s, e))
        if _pos_of(word) not in _ADJ_POS:
            break
    if not head_group:
        return _squash(_fix_abbr_case(span))
    forms = _agree_nominative([span[s:e] for s, e in head_group], doc_words)
    if forms is None:
        return _squash(_fix_abbr_case(span))
    out, pos = [], 0
    for (s, e), form in zip(head_group, forms, strict=True):
        out.append(span[pos:s])
        out.append(_recase(span[s:e], form))
        pos = e
    out.append(span[pos:])
    return _squash("".join(out))


def _fix_abbr_case(span: str) -> str:
    m = _ABBR_CASE_RE.match(span)
    return m.group(1) if m else span


_ADJ_POS = frozenset({"ADJF", "PRTF"})


def _pos_of(word: str) -> str | None:
    parses = _known(word.lower()) or _parse(word.lower())
    return parses[0].tag.POS if parses else None


def _agree_nominative(words: list[str], doc_words: frozenset[str]) -> list[str] | None:
    """Put adjectives + noun into the nominative, keeping number (and gender of the noun)."""
    head = words[-1].lower()
    noun_parses = [p for p in _parse(head) if p.tag.POS == "NOUN" and p.tag.case in CASES]
    if not noun_parses:
        return None
    if not any(p.is_known for p in noun_parses) and len(words) == 1:
        # Unknown single word: trust it only if the guesser cannot read it as a nominative.
        if any(p.tag.case == "nomn" for p in noun_parses):
            return None
    best = None
    for noun in noun_parses:
        adjs = []
        for adj_word in words[:-1]:
            adj = _agreeing_adj(adj_word.lower(), noun)
            if adj is None:
                break
            adjs.append(adj)
        else:
            score = noun.score + sum(a.score for a in adjs) + (1.0 if noun.is_known else 0.0)
            score += 0.5 if noun.tag.case == "nomn" else 0.0  # ties go to keeping the text
            if "Geox" in noun.tag.grammemes or "Orgn" in noun.tag.grammemes:
                score += 0.5
            if doc_words and noun.tag.case != "nomn":
                # An oblique reading confirmed by its nominative elsewhere in the article:
                # «Спецкор «Медузы»» next to «Медуза сообщила» is the genitive of «Медуза».
                nom = _inflect(noun, frozenset({"nomn"}))
                confirmed = nom is not None and nom.word != head and nom.word in doc_words
                score += 1.0 if confirmed else 0.0
            if best is None or score > best[0]:
                best = (score, noun, adjs)
    if best is None:
        return None
    _, noun, adjs = best
    if noun.tag.case == "nomn":
        return words
    number = noun.tag.number or "sing"
    nom = _inflect(noun, frozenset({"nomn", number})) or _inflect(noun, frozenset({"nomn"}))
    if nom is None or not _plausible_change(head, nom.word):
        return None
    out = []
    for word, adj in zip(words, adjs, strict=False):
        grams = {"nomn", number} | (
            {noun.tag.gender} if number == "sing" and noun.tag.gender else set()
        )
        a = _inflect(adj, frozenset(grams))
        out.append(a.word if a else word)
    out.append(nom.word)
    return out


def _agreeing_adj(word: str, noun):
    for p in _parse(word):
        if (
            p.tag.POS not in _ADJ_POS
            or p.tag.case != noun.tag.case
            or p.tag.number != noun.tag.number
        ):
            continue
        if noun.tag.number == "sing" and noun.tag.gender and p.tag.gender != noun.tag.gender:
            continue
        return p
    return None


def _plausible_change(src: str, dst: str) -> bool:
    """Reject guesser nonsense: the nominative must keep all but the last few letters."""
    src, dst = src.replace("ё", "е"), dst.replace("ё", "е")
    common = 0
    for a, b in zip(src, dst, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(2, min(len(src), len(dst)) - 3)


# ----------------------------------------------------------------------------- per article


@dataclass(slots=True)
class _Named:
    kind: str
    name: str
    start: int
    end: int
    surface: str


def canonicalise(text: str, mentions: Sequence[Mention]) -> list[Entity]:
    """Normalise each mention, then make names consistent within the article.

    Also used by the benchmark on gold spans, so gold and predictions share one normaliser.
    """
    doc_words = frozenset(m.group().lower() for m in _WORD_RE.finditer(text))
    named = []
    for m in mentions:
        surface = text[m.start : m.end]
        if m.kind == "PER":
            name = normalise_person(text, m.start, m.end, doc_words)
        else:
            name = normalise_name(m.kind, text, m.start, m.end, doc_words)
        name = _PARENS_RE.sub("", name).strip() or name  # «Дэвид Саутер (David Souter)»
        name = _quote_style(name)
        if name:
            named.append(_Named(m.kind, name, m.start, m.end, surface))
    _apply_aliases(named, text)
    _merge_persons(named)
    _vote_kinds(named)
    return [Entity(n.kind, n.name, n.start, n.end) for n in named]


_PAIRED_QUOTES_RE = re.compile(r'"([^"]+)"|“([^”]+)”|„([^“”]+)[“”]')


def _quote_style(name: str) -> str:
    """One quoting style in facet values: «…»; quotes around the whole name are dropped."""
    name = _PAIRED_QUOTES_RE.sub(lambda m: "«" + next(g for g in m.groups() if g) + "»", name)
    if name.startswith("«") and name.endswith("»") and name.count("«") == 1:
        name = name[1:-1]
    return name.strip() or name


def _apply_aliases(named: list[_Named], text: str) -> None:
    present: dict[str, bool] = {}
    for n in named:
        alias = ALIASES.get(n.name.lower().replace("ё", "е"))
        if alias is None:
            continue
        if alias.needs:
            if alias.needs not in present:
                present[alias.needs] = re.search(alias.needs, text, re.IGNORECASE) is not None
            if not present[alias.needs]:
                continue
        n.kind, n.name = alias.kind, alias.name


_INFLECTION_ENDINGS = frozenset(
    "| а у ом ым ем е ой ую ая ий ого ому им я ю ы и ей ых ыми".split(" ")
) | {""}


def _same_surname(a: str, b: str) -> bool:
    a, b = a.lower().replace("ё", "е"), b.lower().replace("ё", "е")
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    if common < 4:
        return False
    return a[common:] in _INFLECTION_ENDINGS and b[common:] in _INFLECTION_ENDINGS


_NAME_WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*\.?")


def _name_words(name: str) -> list[str]:
    return _NAME_WORD_RE.findall(name)


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def _surname_key(word: str) -> str:
    """Bucket for surname comparison (``_same_surname`` needs a common prefix of 4 letters)."""
    return word.lower().replace("ё", "е")[:4]


def _merge_persons(named: list[_Named]) -> None:
    """One person, one value: map short mentions (``Токаев``, ``Д.Медведев``) to the fullest
    name of the same person in the article."""
    persons = [n for n in named if n.kind == "PER"]
    groups: dict[str, list[list[_Named]]] = defaultdict(list)  # by surname key
    shorts: dict[str, list[_Named]] = defaultdict(list)
    for n in persons:
        words = _name_words(n.name)
        if len(words) < 2 or _is_initial(words[0]) or _is_initial(words[-1]):
            shorts[n.name].append(n)
            continue
        bucket = groups[_surname_key(words[-1])]
        for g in bucket:
            if _same_person(g[0].name, n.name):
                g.append(n)
                break
        else:
            bucket.append([n])
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_first: dict[str, list[str]] = defaultdict(list)
    for key, bucket in groups.items():
        for g in bucket:
            name = _group_name(g)
            for n in g:
                n.name = name
            by_surname[key].append(name)
            by_first[_name_words(name)[0]].append(name)
    left: dict[str, list[list[_Named]]] = defaultdict(list)
    for name, ns in sorted(shorts.items(), key=lambda item: -len(item[1])):
        words = _name_words(name) or [name]
        first = words[0][:1].lower() if len(words) > 1 else ""
        matches = {
            c
            for c in by_surname.get(_surname_key(words[-1]), ())
            if _same_surname(_name_words(c)[-1], words[-1])
            and (not first or c[:1].lower() == first)
        }
        if not matches and len(words) == 1 and len(name) > 3:
            matches = set(by_first.get(name, ()))
        if len(matches) == 1:
            target = next(iter(matches))
            for n in ns:
                n.name = target
            continue
        # Short names that are case variants of each other: the most common form wins.
        bucket = left[_surname_key(words[-1])]
        for other in bucket:
            rep = other[0].name
            if _same_person(rep, name) if " " in name else _same_surname(name, rep):
                for n in ns:
                    n.name = rep
                other.extend(ns)
                break
        else:
            bucket.append(list(ns))


def _same_person(a: str, b: str) -> bool:
    wa, wb = _name_words(a) or [a], _name_words(b) or [b]
    if not _same_surname(wa[-1], wb[-1]):
        return False
    return wa[0][:1].lower() == wb[0][:1].lower()


def _group_name(group: list[_Named]) -> str:
    """Most frequent canonical form; longer names and forms seen verbatim win ties."""
    votes: Counter[str] = Counter()
    for n in group:
        votes[n.name] += 1.0 + (0.5 if _squash(n.surface) == n.name else 0.0)
        votes[n.name] += 0.1 * len(n.name.split())
    return max(votes, key=lambda k: votes[k])


def _vote_kinds(named: list[_Named]) -> None:
    """One kind per name within an article (the most frequent one)."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for n in named:
        kinds[n.name.lower()][n.kind] += 1
    for n in named:
        counts = kinds[n.name.lower()]
        if len(counts) > 1:
            n.kind = max(KINDS, key=lambda k: (counts[k], k == n.kind))


def facets(entities: Iterable[Entity]) -> dict[str, list[str]]:
    """Distinct canonical names per kind, in order of first mention (what the index stores)."""
    out: dict[str, dict[str, None]] = {k: {} for k in KINDS}
    for e in entities:
        out[e.kind].setdefault(e.name, None)
    return {k: list(v) for k, v in out.items()}
