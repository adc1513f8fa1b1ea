"""Function and question words: in a plain query they count for ranking where an article holds
them, but never exclude an article («почему задержали Голунова» finds what «задержали Голунова»
finds).

The list is the Russian stop list of the ``stop-words`` package (PyPI; it holds the Snowball
project's Russian stop list, snowballstem.org, and adds question words such as «почему»,
«сколько»), less its content words: those pymorphy3 reads first as a noun, verb, adjective,
numeral, participle or gerund («год», «человек», «сказал», «два»), and the adverbs that are
nothing else, neither a question word nor a conjunction, particle or pronoun («сейчас»,
«сегодня», «здесь»: in news they say what is sought); pronominal and question adjectives
(«какой», «который») stay.
"""

from __future__ import annotations

from functools import cache

from stop_words import get_stop_words

from indexer.text.morphology import morph
from indexer.text.normalise import normalise

CONTENT_POS = frozenset({"NOUN", "VERB", "INFN", "ADJF", "ADJS", "COMP", "NUMR", "PRTF", "PRTS",
                         "GRND"})
FUNCTION_GRAMMEMES = frozenset({"Apro", "Ques"})  # «какой», «который», «каков», «почему»
FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})


@cache
def function_words() -> frozenset[str]:
    """The function and question words, normalised (lower case, ё = е)."""
    out = set()
    for word in get_stop_words("ru"):
        text = normalise(word)
        parses = morph().parse(text)
        tag = parses[0].tag
        if tag.POS in CONTENT_POS and not FUNCTION_GRAMMEMES & tag.grammemes:
            continue
        if tag.POS == "ADVB" and not any(
                p.tag.POS in FUNCTION_POS or FUNCTION_GRAMMEMES & p.tag.grammemes
                for p in parses):
            continue
        out.add(text)
    return frozenset(out)


def is_function_word(word: str) -> bool:
    return normalise(word) in function_words()
