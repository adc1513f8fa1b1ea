"""Write sentence maps beside the segments of an index built before them (from the bodies it
stores), so that the same index can be searched with and without them.

    python bench/add_sentence_maps.py BUILD_OR_INDEX

Only adds files (``<segid>.smap``, ``.smapx``); a segment that has them is left alone. For
comparing search before and after sentence maps on one set of segment files (a hard-linked copy
of the old build: ``cp -al``); a rebuild writes them anyway.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh.filedb.filestore import FileStorage  # noqa: E402

from indexer.store import sentence_maps  # noqa: E402


def main() -> int:
    build = Path(sys.argv[1]).resolve()
    ix = FileStorage(str(build), supports_mmap=False).open_index()
    started = time.monotonic()
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segid = leaf.segment().segid
            if (build / (segid + sentence_maps.INDEX)).exists():
                continue
            writer = sentence_maps.SentenceMapWriter(str(build), segid)
            for docnum in range(leaf.doc_count_all()):
                writer.add(leaf.stored_fields(docnum).get("body") or "")
            writer.close()
            print(f"{segid}: {leaf.doc_count_all():,} articles", flush=True)
    print(f"{time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
