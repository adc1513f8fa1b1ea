"""Reprints: articles whose texts are near-duplicates (one agency story in several outlets, a
story reprinted), found at build time with datasketch's MinHash and LSH.

Each article's text is shingled where it is analysed (in the segment workers, with numpy only):
lower case, ё as е, every run of non-letters one space, then every window of ``SHINGLE``
characters hashed; one in ``SAMPLE`` of these hashes (by value, so the same ones in every text)
goes, in the main process, into a MinHash of ``NUM_PERM`` permutations. (datasketch brings
scipy, 55 MB: imported by the main process only, after the workers are forked, it keeps them
as small as they were.) At the end of a rebuild or an update, LSH finds the candidate pairs
of all sketches, a pair is kept when its estimated Jaccard similarity is at least
``SIMILARITY`` and, when either text is short (under ``SHORT_TEXT`` characters, where a
boilerplate paragraph can be the whole text: «Подписывайтесь на наш Telegram …»), when their
titles share at least half of their words; the pairs' connected components are the groups,
each ordered earliest article first.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from indexer.search.days import NO_DATE, to_days
from indexer.store.reprints_file import read_sketches, write_groups, write_sketches

NUM_PERM = 64
SHINGLE = 16  # characters (about two or three words)
SAMPLE = 8  # one window in SAMPLE enters the sketch (a power of two)
SIMILARITY = 0.5  # estimated Jaccard similarity of two reprints, at least
MIN_SHINGLES = 12  # sampled windows a text needs to be compared at all (about 100 characters)
SHINGLED_CHARS = 200_000  # characters of a text that are shingled (news articles are shorter)
SHORT_TEXT = 600  # characters: a text this short needs an alike title too (boilerplate)
TITLES_ALIKE = 0.5  # of the shorter title's words (their first five letters) in the other
SEED = 1
SCHEME = f"minhash-affine32-{NUM_PERM}-{SHINGLE}-{SAMPLE}-{SEED}"
_TITLE_WORD = re.compile(r"\w{3,}")


class Shingled(NamedTuple):
    """An article's sampled shingle hashes, with what grouping needs of it."""

    id: str
    day: int  # its date as days since 1970-01-01, NO_DATE when undated
    title: str
    chars: int  # the length of its text
    hashes: np.ndarray  # its sampled shingle hashes (uint32)


class Sketch(NamedTuple):
    """What grouping needs of an article."""

    id: str
    day: int  # its date as days since 1970-01-01, NO_DATE when undated
    title: str
    chars: int  # the length of its text
    values: np.ndarray  # its MinHash (uint32)


@cache
def _fold() -> np.ndarray:
    """Code point → the code point compared: letters and digits in lower case (ё as е),
    everything else a space."""
    table = np.full(0x10000, 32, np.uint32)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isalnum():
            table[cp] = ord(ch.lower()[0])
    table[ord("ё")] = table[ord("Ё")] = ord("е")
    return table


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED).permutations


_BASE = np.uint64(1099511628211)
_MIX = np.uint64(0xFF51AFD7ED558CCD)


def shingles(text: str) -> np.ndarray:
    """The sampled hashes (uint32) of the text's windows of ``SHINGLE`` characters, in its
    first ``SHINGLED_CHARS`` (a 50 MB «article» is compared by its beginning: hashing all of it
    took over a gigabyte, eight bytes a character several times over)."""
    codes = np.frombuffer(text[:SHINGLED_CHARS].encode("utf-32-le"), np.uint32)
    codes = _fold()[np.minimum(codes, 0xFFFF)]
    space = codes == 32
    codes = codes[~(space & np.concatenate(([True], space[:-1])))].astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, np.uint32)
    h = codes[:n].copy()
    for j in range(1, SHINGLE):  # a polynomial hash of each window, all windows at once
        h *= _BASE
        h += codes[j:j + n]
    h ^= h >> np.uint64(33)
    h *= _MIX
    h ^= h >> np.uint64(33)
    return (h[(h & np.uint64(SAMPLE - 1)) == 0] >> np.uint64(32)).astype(np.uint32)


def minhash_values(hashes: np.ndarray) -> np.ndarray:
    """The MinHash (uint32 values) of a set of shingle hashes."""
    m = _minhash()
    m.clear()
    m.update_batch(hashes.tolist())
    return np.array(m.hashvalues, np.uint32)


@cache
def _minhash():
    """One MinHash per process, cleared for each text (making one costs as much as filling
    it)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme="affine32",
                   hashfunc=int)


def sketch(text: str) -> np.ndarray | None:
    """The text's MinHash values (uint32), or None for a text too short to compare."""
    hashes = shingles(text)
    return minhash_values(hashes) if len(hashes) >= MIN_SHINGLES else None


def shingle_article(article_id: str, text: str, date, title: str) -> Shingled | None:
    """An article's sampled shingles (numpy only: for the workers); None for a text too short
    to compare."""
    hashes = shingles(text)
    if len(hashes) < MIN_SHINGLES:
        return None
    return Shingled(article_id, to_days(date) if date else NO_DATE, title, len(text), hashes)


def sketch_of(found: Shingled) -> Sketch:
    return Sketch(found.id, found.day, found.title, found.chars, minhash_values(found.hashes))


def sketch_article(article_id: str, text: str, date, title: str) -> Sketch | None:
    """An article's sketch; None for a text too short to compare."""
    found = shingle_article(article_id, text, date, title)
    return sketch_of(found) if found is not None else None


def _title_words(title: str) -> set[str]:
    return {w[:5] for w in _TITLE_WORD.findall(title.lower().replace("ё", "е"))}


def alike(a: Sketch, b: Sketch) -> bool:
    """Whether two articles are reprints of one story, by their sketches (and titles)."""
    if np.mean(a.values == b.values) < SIMILARITY:
        return False
    if min(a.chars, b.chars) >= SHORT_TEXT:
        return True
    words_a, words_b = _title_words(a.title), _title_words(b.title)
    shorter = min(len(words_a), len(words_b))
    return shorter > 0 and len(words_a & words_b) >= TITLES_ALIKE * shorter


def find_groups(sketches: list[Sketch]) -> list[list[str]]:
    """Groups of near-duplicates (at least two ids each), each earliest first (undated last,
    ties by id), the groups in order of their first id."""
    if len(sketches) < 2:
        return []
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=SIMILARITY, num_perm=NUM_PERM)
    perms = _permutations()
    parent = list(range(len(sketches)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, found in enumerate(sketches):
        # Each article is compared with those inserted before it: every pair once.
        m = MinHash(hashvalues=found.values, permutations=perms, scheme="affine32")
        for j in lsh.query(m):
            if alike(sketches[j], found):
                parent[root(i)] = root(j)
        lsh.insert(i, m, check_duplication=False)
    members: dict[int, list[int]] = {}
    for i in range(len(sketches)):
        members.setdefault(root(i), []).append(i)
    undated = 1 << 40
    groups = [
        [sketches[i].id for i in sorted(group, key=lambda i: (
            sketches[i].day if sketches[i].day != NO_DATE else undated, sketches[i].id))]
        for group in members.values() if len(group) > 1
    ]
    return sorted(groups)


def write_reprints(folder: Path, sketches: list[Sketch]) -> int:
    """The sketches and the groups found among them, written into the build ``folder``;
    returns the number of groups."""
    groups = find_groups(sketches)
    write_sketches(folder, SCHEME, sketches)
    write_groups(folder, groups)
    return len(groups)


def kept_sketches(folder: Path, dropped: set[str]) -> list[Sketch] | None:
    """The sketches a build holds, but those of ``dropped`` ids; None when it holds none (of
    this scheme)."""
    found = read_sketches(folder, SCHEME)
    if found is None:
        return None
    return [Sketch(*fields) for fields in found if fields[0] not in dropped]
