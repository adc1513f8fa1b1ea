"""What the rules ask of a word, from pymorphy3 once per word: its part of speech, whether it is
a post, a name part, a verb, a common noun or an adjective, and its cases.

pymorphy3's parses cost about a kilobyte a word, so ``morphology`` keeps only a few thousand;
these facts are a few small fields, so tens of thousands of words stay cached and a rebuild's
rules seldom parse a word twice (``bench/entities_speed.py --profile``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from indexer.text.morphology import known_parses, morph, parse

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
    теннисистка боксер боксёр пилот гонщик начальник командующий командир
    """.split()
)
# Entries each of the rules' per-word and per-span caches keeps (one size for all of them): at
# 65,536 the caches took about 240 MB in one process over 1,721 articles; at 16,384 a cold
# rebuild worker of the 9,034 real articles is 861 → 687 MB, its CPU time the same.
RULES_CACHE = 16_384
_VERBISH = frozenset({"VERB", "INFN", "GRND", "PRED"})
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_PROPER = _NAME_TAGS | {"Orgn", "Geox", "Trad", "Abbr"}


class WordFacts(NamedTuple):
    known: bool  # in pymorphy3's dictionary
    pos: str | None  # the likeliest dictionary part of speech
    verbish: bool  # a verb, infinitive, gerund or predicative
    title: bool  # a post before a name (TITLES)
    name_part: bool  # some dictionary parse is a first name, surname or patronymic
    adjective: bool  # every dictionary parse an adjective
    inanimate_singular: bool  # every dictionary parse an inanimate singular noun
    animate_noun: bool  # every dictionary parse an animate noun
    genitive: bool  # some dictionary parse is genitive
    adj_forms: frozenset  # (case, number) of its adjective parses
    noun_forms: frozenset  # (case, number) of its noun parses
    place: bool  # some dictionary parse is a place name («Руанды», «Нил»)
    place_genitive: bool  # some dictionary parse is a place name in the genitive
    proper: bool  # some dictionary parse is a proper name (place, organisation, person, …)


def dictionary_parses(low: str) -> tuple:
    """pymorphy3's dictionary parses of a lower-case word; a word the dictionary does not hold
    is not parsed at all (its guesses cost three times a dictionary word's parse, and the
    rules read unknown words by their shape: ``declension``)."""
    return known_parses(low) if morph().word_is_known(low) else ()


def guessed_name_part(low: str) -> bool:
    """Whether pymorphy3, guessing if it must, reads the word as a name part."""
    return any(_NAME_TAGS & p.tag.grammemes for p in parse(low))


@lru_cache(maxsize=RULES_CACHE)
def facts(low: str) -> WordFacts:
    """The facts of a lower-case word (cached)."""
    known = dictionary_parses(low)
    # Each tag read once: (POS, case, number, grammemes); pymorphy3 computes an attribute on
    # every access.
    tags = [(t.POS, t.case, t.number, t.grammemes) for t in (p.tag for p in known)]
    pos = tags[0][0] if tags else None
    # A title by its likeliest reading: «после» is a preposition, not a form of «посол».
    title = low.rstrip(".") in TITLES or pos == "NOUN" and any(
        p.normal_form in TITLES for p, t in zip(known, tags, strict=True) if t[0] == "NOUN")
    return WordFacts(
        known=bool(known),
        pos=pos,
        verbish=pos in _VERBISH,
        title=title,
        name_part=any(_NAME_TAGS & g for _, _, _, g in tags),
        adjective=bool(tags) and all(t[0] in ("ADJF", "ADJS") for t in tags),
        inanimate_singular=bool(tags) and all(
            pos_ == "NOUN" and "inan" in g and number == "sing" for pos_, _, number, g in tags),
        animate_noun=bool(tags) and all(pos_ == "NOUN" and "anim" in g
                                        for pos_, _, _, g in tags),
        genitive=any(case == "gent" for _, case, _, _ in tags),
        adj_forms=frozenset((case, number) for pos_, case, number, _ in tags if pos_ == "ADJF"),
        noun_forms=frozenset((case, number) for pos_, case, number, _ in tags
                             if pos_ == "NOUN"),
        place=any("Geox" in g for _, _, _, g in tags),
        place_genitive=any("Geox" in g and case == "gent" for _, case, _, g in tags),
        proper=any(_PROPER & g for _, _, _, g in tags),
    )


def of(word: str) -> WordFacts:
    return facts(word.lower())
