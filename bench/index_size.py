"""What each part of an index costs on disk.

    python bench/index_size.py INDEX [--sample 50] [--json OUT]

INDEX is a live index link or a build folder. Prints, per file kind, the bytes on disk; each
Whoosh compound segment (``.seg``) broken down into its parts (term table ``.trm``, postings
``.pst``, the stored fields column ``_stored.col``, the other per-document columns); the
postings of the text fields broken down into block headers, docnums, weights and values
(positions), estimated from every ``--sample``-th term of each document-frequency band
(components pickled and, where the block is compressed, zlib-compressed separately, their
shares applied to the real block bytes); the postings arrays (``.parr``) broken down into
docnums, weights, block tables, counts and positions, with what positions and docnums would
take delta-coded as variable-length integers (computed exactly with numpy).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIB = 2**20
BANDS = ((1, 1), (2, 15), (16, 127), (128, 1 << 62))


def band_of(n: int) -> str:
    for lo, hi in BANDS:
        if lo <= n <= hi:
            return f"{lo}-{hi}" if hi < 1 << 40 else f"{lo}+"
    return "?"


def kind_of(name: str) -> str:
    if name.endswith(".seg"):
        return ".seg"
    if ".run" in name:
        return ".run"
    suffix = Path(name).suffix
    return suffix or name


def varint_bytes(values: np.ndarray) -> int:
    """Bytes of the values as LEB128 variable-length integers."""
    v = values.astype(np.uint64)
    n = np.ones(len(v), np.int64)
    for shift in (7, 14, 21, 28, 35):
        n += v >= (1 << shift)
    return int(n.sum())


def compound_parts(path: Path) -> dict[str, int]:
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.structfile import StructFile

    f = StructFile(open(path, "rb"))
    cs = CompoundStorage(f, use_mmap=False)
    out = {name: int(info["length"]) for name, info in cs._dir.items()}
    cs.close()
    return out


def postings_breakdown(build: Path, sample: int) -> dict:
    """Block headers / docnums / weights / values of the text fields' postings."""
    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.filedb.filestore import FileStorage

    from indexer.store import blocks

    ix = FileStorage(str(build), supports_mmap=False, readonly=True).open_index()
    reader = ix.reader()
    bands: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for leaf, _ in reader.leaf_readers():
        terms = leaf._terms
        pf = terms._postfile
        seen: dict[tuple[str, str], int] = defaultdict(int)
        for keybytes, valbytes in terms._tindex.items():
            fieldname, _ = terms._keydecoder(keybytes)
            info = W3TermInfo.from_bytes(valbytes)
            key = (fieldname, band_of(info.doc_frequency()))
            b = bands[key]
            b["terms"] += 1
            b["postings"] += info.doc_frequency()
            if info.is_inlined():
                b["inlined"] += 1
                continue
            offset, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it a 1-tuple
                length = length[0]
            b["bytes"] += length
            seen[key] += 1
            if seen[key] % sample:
                continue
            b["sampled_bytes"] += length
            pos = offset + 4  # the header magic
            end = offset + length
            while pos < end:
                pf.seek(pos)
                blen = abs(pf.read_int())
                info_t = pf.read_pickle()
                data_at = pf.tell()
                data = pf.read(pos + 4 + blen - data_at)
                comp = info_t[3]
                raw = zlib.decompress(data) if comp else data
                ids, weights, values = pickle.loads(raw)
                parts = [pickle.dumps(x, blocks.PROTOCOL) for x in (ids, weights, values)]
                if comp:
                    sizes = [len(zlib.compress(p, comp)) for p in parts]
                else:
                    sizes = [len(p) for p in parts]
                total = sum(sizes) or 1
                b["s_header"] += 4 + (data_at - pos - 4)
                for name, s in zip(("s_docnums", "s_weights", "s_values"), sizes, strict=True):
                    b[name] += len(data) * s / total
                pos += 4 + blen
    reader.close()
    out = {}
    for (field, band), b in sorted(bands.items()):
        scale = b["bytes"] / b["sampled_bytes"] if b["sampled_bytes"] else 0.0
        out[f"{field} {band}"] = {
            "terms": int(b["terms"]), "postings": int(b["postings"]),
            "inlined": int(b["inlined"]), "bytes": int(b["bytes"]),
            **{k[2:]: int(b[k] * scale) for k in ("s_header", "s_docnums", "s_weights",
                                                   "s_values")},
        }
    return out


def arrays_breakdown(build: Path) -> dict:
    from indexer.store import posting_arrays

    out: dict[str, float] = defaultdict(float)
    for pidx in sorted(build.glob("*" + posting_arrays.INDEX)):
        segid = pidx.name[: -len(posting_arrays.INDEX)]
        arrays = posting_arrays.SegmentArrays.open(build, segid)
        if arrays is None:
            continue  # arrays of another version
        out["terms"] += len(arrays.index)
        for row in arrays.index.tolist():
            offset, n, blocks, m = row[0], row[2], row[3], row[4]
            layout = (posting_arrays.Layout.unpack(row[5]) if arrays.version >= 3
                      else posting_arrays.Layout(4, 4, 4, False, 1.0))
            out["docnums"] += layout.docs * n
            out["weights"] += 0 if layout.derived else 4 * n
            out["block tables"] += 12 * blocks
            out["counts"] += layout.counts * n
            out["positions"] += layout.positions * m
            out["postings"] += n
            out["occurrences"] += m
            found = arrays.find(offset)
            assert found is not None
            docs, _, _, _, by_rows = found
            counts, pos = by_rows.rows(np.arange(n))
            pos = pos.astype(np.int64)
            out["docnums varint"] += varint_bytes(np.diff(docs.astype(np.int64), prepend=0))
            out["counts varint"] += varint_bytes(counts)
            if not m:
                continue
            # Positions delta-coded within each posting (the first from 0), as varints.
            firsts = np.zeros(m, bool)
            firsts[np.cumsum(counts)[:-1] % max(m, 1)] = True
            firsts[0] = True
            deltas = np.diff(pos, prepend=0)
            deltas[firsts] = pos[firsts]
            out["positions varint"] += varint_bytes(deltas)
        arrays.close()
    return dict(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-postings", action="store_true",
                        help="Skip the sampled breakdown of the posting blocks (slow).")
    args = parser.parse_args()
    build = args.index.resolve()
    files = [p for p in build.iterdir() if p.is_file()]
    kinds: dict[str, int] = defaultdict(int)
    for p in files:
        kinds[kind_of(p.name)] += p.stat().st_size
    total = sum(kinds.values())
    report: dict = {"build": str(build), "total": total, "kinds": dict(kinds)}
    print(f"{build}: {total / MIB:,.1f} MiB")
    for kind, size in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<12}{size / MIB:>10.1f} MiB {100 * size / total:5.1f} %")
    parts: dict[str, int] = defaultdict(int)
    for p in files:
        if p.name.endswith(".seg"):
            for name, size in compound_parts(p).items():
                parts[name[name.index("."):] if "." in name else name] += size
    report["seg_parts"] = dict(parts)
    print(".seg parts (all segments):")
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22}{size / MIB:>10.1f} MiB {100 * size / total:5.1f} %")
    arrays = arrays_breakdown(build)
    report["arrays"] = arrays
    print(f".parr: {int(arrays.get('terms', 0)):,} terms, {int(arrays.get('postings', 0)):,} "
          f"postings, {int(arrays.get('occurrences', 0)):,} occurrences")
    for name in ("docnums", "weights", "block tables", "counts", "positions",
                 "docnums varint", "counts varint", "positions varint"):
        print(f"  {name:<22}{arrays.get(name, 0) / MIB:>10.1f} MiB")
    if not args.no_postings:
        post = postings_breakdown(build, args.sample)
        report["postings"] = post
        print(f"posting blocks (.pst) by field and document frequency (sampled 1/{args.sample}):")
        print(f"  {'band':<16}{'terms':>11}{'postings':>13}{'MiB':>9}{'header':>9}"
              f"{'docnums':>9}{'weights':>9}{'values':>9}")
        for key, b in post.items():
            print(f"  {key:<16}{b['terms']:>11,}{b['postings']:>13,}{b['bytes'] / MIB:>9.1f}"
                  f"{b['header'] / MIB:>9.1f}{b['docnums'] / MIB:>9.1f}"
                  f"{b['weights'] / MIB:>9.1f}{b['values'] / MIB:>9.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
