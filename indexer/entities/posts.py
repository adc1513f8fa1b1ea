"""The post the text gives a person, read from the words right before the name: «начальник УНК
ГУ МВД по Москве Юрий Девяткин» → «начальник УНК ГУ МВД по Москве», «главы МИД России Сергея
Лаврова» → «глава МИД России». The post starts at a title word (``word_facts.TITLES``, with the
adjectives before it: «бывший глава …») and runs up to the name over the words that qualify it
(names of bodies and places, lower-case genitives, «по», «при»); its title word and those
adjectives are put into the nominative, the rest stays as written."""

from __future__ import annotations

import re

from indexer.aliases import entry_of
from indexer.entities.bodies import genitive
from indexer.entities.word_facts import dictionary_parses, facts
from indexer.entities.words import WORD_RE, is_cap
from indexer.text.morphology import inflect

MAX_WORDS = 9
_PRONOUNS = frozenset("который которая которого которой которому которым котором этот эта этого "
                      "этой тот та того той его ее их свой своя своего своей наш ваш".split())
_LINKS = frozenset("по при в на".split())  # «посол России в США», «по Москве»
_STOP = re.compile(r"[.,!?;:()«»\"—–\n]")
_QUALIFIERS = frozenset({"ADJF", "PRTF", "NOUN"})


def post_before(text: str, start: int) -> str:
    """The post written right before a name starting at ``start`` (empty when none)."""
    left = text[max(0, start - 160) : start]
    if left[-1:] not in (" ", "\u00a0"):
        return ""
    stop = max((m.end() for m in _STOP.finditer(left)), default=0)
    words = list(WORD_RE.finditer(left, stop))[-MAX_WORDS:]
    first = _post_start(words)
    if first is None:
        return ""
    return _nominative([m.group() for m in words[first:]])


def _post_start(words: list[re.Match]) -> int | None:
    """Index of the first word of the post among ``words`` (which end right before the name)."""
    title = None
    for i in range(len(words) - 1, -1, -1):
        word = words[i].group()
        f = facts(word.lower())
        if f.title:
            if title is not None and not facts(words[title].group().lower()).genitive:
                break  # «олигарха президенту России»: a title goes on a post only in the
                # genitive («заместитель министра»)
            title = i
            continue
        if f.verbish or not _qualifies(word, f):
            break
        if title is not None and (is_cap(word) or word.lower() in _LINKS):
            break  # past its title word a post goes on only over lower-case words
            # («заместитель генерального директора»), not into another name
    if title is None:
        return None
    while title > 0 and _agreeing_adjective(words[title - 1].group()):
        title -= 1
    return title


def _qualifies(word: str, f) -> bool:
    """A word that may stand inside a post: a name of a body or a place, an abbreviation, a
    lower-case noun or adjective, a linking preposition."""
    low = word.lower()
    if low in _LINKS or is_cap(word) or word.isupper():
        return True
    return f.pos in _QUALIFIERS


def _agreeing_adjective(word: str) -> bool:
    """«бывший», «первый»: an adjective, not a pronoun («который») or a participle."""
    low = word.lower()
    return not is_cap(word) and facts(low).pos == "ADJF" and low not in _PRONOUNS


def _nominative(words: list[str]) -> str:
    """The post's leading adjectives and title word in the nominative, the rest as written."""
    out: list[str] = []
    gender = None
    title_at = next(i for i, w in enumerate(words) if facts(w.lower()).title)
    title = _to_nominative(words[title_at], "NOUN", None)
    if title is not None:
        gender = title[1]
    for i, word in enumerate(words):
        if i < title_at:
            form = _to_nominative(word, "ADJF", gender)
            out.append(form[0] if form else word.lower())
        elif i == title_at:
            out.append(title[0] if title else word.lower())
        else:
            out.append(_place(word))
    return " ".join(out)


def _place(word: str) -> str:
    """A place abbreviation the alias table resolves, in the genitive (РФ → России)."""
    if not word.isupper():
        return word
    entry = entry_of(word)
    if entry is None or entry.kind != "LOC" or entry.canonical == word:
        return word
    return genitive(entry.canonical)


def _to_nominative(word: str, pos: str, gender: str | None) -> tuple[str, str | None] | None:
    """A noun or an adjective in the nominative singular (an adjective in ``gender``)."""
    low = word.lower()
    for p in dictionary_parses(low):
        if p.tag.POS != pos and not (pos == "ADJF" and p.tag.POS == "PRTF"):
            continue
        wanted = {"nomn", "sing"} | ({gender} if pos != "NOUN" and gender else set())
        form = inflect(p, frozenset(wanted))
        if form is not None:
            return (form.word if not word.isupper() else word), p.tag.gender
    return (low, None) if pos == "NOUN" and "-" in low else None
