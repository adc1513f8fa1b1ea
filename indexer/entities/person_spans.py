"""Person spans fixed with the whole article as evidence: a wiki link's target cut, a surname
and the first name and patronymic beside it joined («Юлдашева Кристина Камиловна»), a country
before a monarch's name made a place, a sentence's first noun taken for a first name dropped,
two persons run into one span split."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from indexer.entities.chunks import Mention
from indexer.entities.declension import surname_forms
from indexer.entities.namesakes import same_surname as _same_surname
from indexer.entities.namesakes import surname_key
from indexer.entities.word_facts import facts
from indexer.entities.words import WORD_RE, is_cap
from indexer.text.morphology import parse


def fix_person_spans(text: str, mentions: list[Mention]) -> list[Mention]:
    """The article-level fixes, in order."""
    joined = _patronymic_spans_joined(text, [_after_pipe(text, m) for m in mentions])
    return _run_on_persons_split(text, _lead_nouns_dropped(text, _places_split_off(text, joined)))


def _places_split_off(text: str, mentions: list[Mention]) -> list[Mention]:
    """A country in the genitive before a monarch's name («король Руанды Йюхи V Мусинги»,
    «Король Эсватини Мсвати III»), which the model reads as part of the name: a LOC of its
    own, where the dictionary reads the word as a place in the genitive or the article names
    that place elsewhere, and never as a first name («Нила Уолиса», «Владимир …»)."""
    places = [WORD_RE.findall(text[m.start : m.end]) for m in mentions if m.kind == "LOC"]
    firsts = [w[0].lower() for w in places if len(w) == 1]
    out = []
    for m in mentions:
        words = list(WORD_RE.finditer(text, m.start, m.end)) if m.kind == "PER" else []
        if len(words) >= 3 and is_cap(words[1].group()):
            low = words[0].group().lower()
            if len(low) >= 3 and not facts(low).name_part and (
                    facts(low).place_genitive or any(same_surname(low, f) for f in firsts)):
                out += [Mention("LOC", m.start, words[0].end()),
                        Mention("PER", words[1].start(), m.end)]
                continue
        out.append(m)
    return out


def _after_pipe(text: str, m: Mention) -> Mention:
    """A wiki link's target and text («Уго|Уго Чавеса»): the text, as the reader sees it."""
    cut = text.rfind("|", m.start, m.end)
    return m if cut < 0 or cut + 1 >= m.end else Mention(m.kind, cut + 1, m.end)


def _patronymic_spans_joined(text: str, mentions: list[Mention]) -> list[Mention]:
    """A surname and the first name and patronymic beside it, which the model gives as two
    persons («Юлдашева | Кристина Камиловна», «Андрияна Григорьевича | Николаева»), one
    span: two PER spans one space apart, a Russian surname on one side, a first name and
    a patronymic on the other, in one case («Виктора Януковича | Кернес» stays apart); the
    same for a first name before a patronymic and surname («Прасковьи | Дмитриевны
    Шереметевой»), even where the model read the first name as a place."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (prev is not None and m.kind == "PER" and m.start == prev.end + 1
                and text[prev.end] == " " and (prev.kind == "PER" or _first_name_alone(
                    text[prev.start : prev.end])) and _surname_and_patronymic(
                    WORD_RE.findall(text[prev.start : prev.end]),
                    WORD_RE.findall(text[m.start : m.end]))):
            out[-1] = Mention("PER", prev.start, m.end)
        else:
            out.append(m)
    return out


def _surname_and_patronymic(left: list[str], right: list[str]) -> bool:
    if len(left) + len(right) != 3 or not left or not right:
        return False
    if len(left) == 1 and _first_name_cases(left[0].lower()) & _patronymic_cases(
            right[0].lower()):
        return True  # «Прасковьи | Дмитриевны Шереметевой»
    surname, pair = (left[0], right) if len(left) == 1 else (right[0], left)
    cases = {case for case, _ in surname_forms(surname.lower())}
    return bool(cases & _patronymic_cases(pair[1].lower()))


def _first_name_alone(span: str) -> bool:
    """A first name the model took for a place or a body («Прасковьи» before «Дмитриевны
    Шереметевой»): one word, a first name and never a place in the dictionary."""
    words = WORD_RE.findall(span)
    if len(words) != 1:
        return False
    low = words[0].lower()
    return bool(_first_name_cases(low)) and not facts(low).place


def _first_name_cases(low: str) -> set[str]:
    return {p.tag.case for p in parse(low) if "Name" in p.tag.grammemes}


def _patronymic_cases(low: str) -> set[str]:
    return {p.tag.case for p in parse(low) if "Patr" in p.tag.grammemes}


_SENTENCE_END = re.compile(r"(?:^|[.!?…:]|\n)[\s«\"„“(—–-]*$")


def starts_sentence(text: str, start: int) -> bool:
    """Does a sentence (or a paragraph, a quotation) start at ``start``?"""
    return _SENTENCE_END.search(text, max(0, start - 8), start) is not None


def _run_on_persons_split(text: str, mentions: list[Mention]) -> list[Mention]:
    """Two persons the model ran into one span («Рафаэль Корреа Эдвард Сноуден» in a caption,
    «с премьером Шпидла Руснок заявил»), split where each side ends in the surname of a
    full name the article gives elsewhere («Эдвард Сноуден», «Владимир Шпидла»), or the left
    side is a full name in itself ending in a Russian surname («Сергей Анатольевич Лебедев
    Путин»)."""
    words_of = {id(m): list(WORD_RE.finditer(text, m.start, m.end))
                for m in mentions if m.kind == "PER"}
    lasts = {key: words[-1].group().lower() for key, words in words_of.items() if len(words) >= 2}
    if not lasts:
        return mentions
    surnames = _Surnames(list(lasts.values()))
    out = []
    for m in mentions:
        words = words_of.get(id(m), [])
        cut = None
        if len(words) >= 2 and not any(c in text[m.start : m.end] for c in "()«»\"\n"):
            cut = _person_boundary(words, surnames, lasts.get(id(m)))
        if cut is None:
            out.append(m)
        else:
            out += [Mention("PER", m.start, words[cut - 1].end()),
                    Mention("PER", words[cut].start(), m.end)]
    return out


class _Surnames:
    """The last words of an article's full names, looked up by their first letters."""

    def __init__(self, words: list[str]) -> None:
        self.count = Counter(words)
        self.by_key: dict[str, list[str]] = defaultdict(list)
        for word in self.count:
            self.by_key[surname_key(word)].append(word)

    def has(self, word: str, own: str | None = None) -> bool:
        """Whether another full name ends in ``word``'s surname (``own``: the asking
        span's own last word, which does not count)."""
        return any(same_surname(word, s) and (s != own or self.count[s] > 1)
                   for s in self.by_key.get(surname_key(word), ()))


def _person_boundary(words: list[re.Match], surnames: _Surnames, own: str | None
                     ) -> int | None:
    """Where a run-on span of two persons splits (the index of the right side's first word)."""
    if not surnames.has(words[-1].group().lower(), own):
        return None
    for cut in range(len(words) - 1, 0, -1):
        left = words[cut - 1].group().lower()
        if not is_cap(words[cut].group()) or facts(left).name_part and not surname_forms(left):
            continue
        if same_surname(left, words[cut].group().lower()):
            continue  # «Александра Холл Холл»
        if surnames.has(left, own) or cut >= 3 and surname_forms(left):
            return cut
    return None


def _lead_nouns_dropped(text: str, mentions: list[Mention]) -> list[Mention]:
    """A sentence's first word is capitalised whatever it is, so the model reads a common noun
    before a surname as a first name («Карьера Гандольфини началась», «Идеи Ицкова»). Where
    the article names that surname's person with another first word («Джеймс Гандольфини»),
    the noun is dropped; «Лес Хинтон» («Л. Хинтон» elsewhere) stays."""
    persons = [(m, WORD_RE.findall(text[m.start : m.end])) for m in mentions if m.kind == "PER"]
    others = [(words[0].lower(), words[-1].lower()) for _, words in persons if len(words) >= 2]
    out = []
    for m in mentions:
        words = WORD_RE.findall(text[m.start : m.end]) if m.kind == "PER" else []
        if len(words) >= 2 and _is_lead_noun(words[0]) and starts_sentence(text, m.start):
            first, last = words[0].lower(), words[-1].lower()
            if any(_other_first_word(f, first) and same_surname(s, last) for f, s in others):
                cut = WORD_RE.search(text, m.start + len(words[0]), m.end)
                if cut is not None:
                    m = Mention(m.kind, cut.start(), m.end)
        out.append(m)
    return out


def _other_first_word(word: str, lead: str) -> bool:
    """Another person's first word, not the lead noun inflected («Леса Хинтона») nor its
    initial («Л. Хинтон»)."""
    return len(word) >= 3 and word[:3] != lead[:3]


def _is_lead_noun(word: str) -> bool:
    """A common noun in the nominative, as a sentence's subject stands («Карьера», «Идеи»),
    that is no name part; proper nouns («Челси») and other cases («Хамад») are not taken."""
    low = word.lower()
    f = facts(low)
    return (f.known and not f.name_part and not surname_forms(low)
            and any(case == "nomn" for case, _ in f.noun_forms) and not f.proper)


def same_surname(a: str, b: str) -> bool:
    """One surname of four letters or more in two forms (``namesakes.same_surname``); an
    initial or a short word is no evidence here."""
    return min(len(a), len(b)) >= 4 and _same_surname(a, b)
