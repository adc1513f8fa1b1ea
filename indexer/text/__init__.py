"""Text: words and their lemmas, the same for indexing and querying.

``normalise`` folds a word (lower case, ё = е); ``tokens`` finds words (Cyrillic with the Kazakh
letters, Latin, digits; hyphenated compounds whole and in parts); ``morphology`` gives a word's
lemmas through pymorphy3 (with its caches); ``analyzer`` is the Whoosh analyser pipeline built
from them, and the one-loop version the segment writer uses; ``sentences`` where a body's
sentences start.
"""
