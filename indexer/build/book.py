"""The entity book of a generation (``indexer.store.entity_book``): written by a rebuild or an
update just before it commits, from the facets and names files of the generation's segments —
which values name one entity across the archive (``indexer.entities.archive``), and each
entity's forms and posts."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from indexer.catalog import ENTITY_FIELDS
from indexer.entities.archive import merge_values
from indexer.store.entity_book import (
    EntityBook,
    PlainInfo,
    ValueInfo,
    read_segment_names,
    write_book,
)
from indexer.store.facets_file import read_facets

MAX_FORMS = 30  # forms kept per entity
MAX_POSTS = 10  # posts kept per person


def write_generation_book(folder: str, segments: list, generation: int) -> EntityBook:
    """Write the book of the generation made of ``segments``; returns it."""
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in ENTITY_FIELDS}
    forms: dict[str, dict[str, dict[str, int]]] = {name: defaultdict(lambda: defaultdict(int))
                                                   for name in ENTITY_FIELDS}
    posts: dict[str, dict[str, dict[str, list]]] = {name: defaultdict(dict)
                                                    for name in ENTITY_FIELDS}
    for segment in segments:
        facets = read_facets(folder, segment.segid) or {}
        for name, (found, raw_counts, _docs) in facets.items():
            if name not in counts:
                continue
            for value, count in zip(found, np.frombuffer(raw_counts, np.uint32).tolist(),
                                    strict=True):
                counts[name][value] += count
        for name, named in (read_segment_names(folder, segment.segid) or {}).items():
            if name not in counts:
                continue
            for value, (value_forms, value_posts) in named.items():
                for form, count in value_forms.items():
                    forms[name][value][form] += count
                for post, (count, day) in value_posts.items():
                    seen = posts[name][value].setdefault(post, [0, ""])
                    seen[0] += count
                    seen[1] = max(seen[1], day)
    attested = {name: {v for v, found in forms[name].items()
                       if any(f.lower() == v.lower() for f in found)} for name in ENTITY_FIELDS}
    merge = merge_values({name: dict(c) for name, c in counts.items()}, attested)
    info = {name: _info(counts[name], forms[name], posts[name], merge.get(name, {}))
            for name in ENTITY_FIELDS}
    book = EntityBook(merge, info)
    write_book(folder, generation, book)
    return book


def _info(counts: dict[str, int], forms: dict, posts: dict, merge: dict[str, str]
          ) -> dict[str, PlainInfo]:
    """Each canonical value's members, forms and posts, commonest first."""
    members: dict[str, list[str]] = defaultdict(list)
    for value in sorted(counts, key=lambda v: -counts[v]):
        members[merge.get(value, value)].append(value)
    out: dict[str, PlainInfo] = {}
    for canonical, values in members.items():
        value_forms: dict[str, int] = defaultdict(int)
        value_posts: dict[str, list] = {}
        for value in values:
            for form, count in forms.get(value, {}).items():
                value_forms[form] += count
            for post, (count, day) in posts.get(value, {}).items():
                seen = value_posts.setdefault(post, [0, ""])
                seen[0] += count
                seen[1] = max(seen[1], day)
        ordered = [canonical] + [v for v in values if v != canonical]
        info = ValueInfo(
            members=tuple(ordered),
            forms=tuple(sorted(value_forms.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_FORMS]),
            posts=tuple(sorted(((p, c, d) for p, (c, d) in value_posts.items()),
                               key=lambda x: (-x[1], x[0]))[:MAX_POSTS]),
        )
        out[canonical] = (info.members, info.forms, info.posts)
    return out
