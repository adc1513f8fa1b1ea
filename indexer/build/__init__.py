"""Build: the archive's articles, analysed in parallel, written into a Whoosh index.

``rebuild`` writes a complete new build beside the live index and swaps it in atomically;
``update`` adds, replaces and deletes articles in the live index by checksum; ``rollback``
makes the previous build live again. ``documents`` turns an article into the index's fields;
``segments`` writes documents into one segment (with their entities, through the cache);
``workers`` runs several such writers in parallel; ``lock`` keeps to one writer at a time.
Never imported by the search side or the web.
"""

from indexer.build.documents import entity_cache_path
from indexer.build.rebuild import rebuild, rollback
from indexer.build.report import BuildError, BuildReport
from indexer.build.update import update
from indexer.ingest import count_articles
from indexer.store.generations import BUILD_INFO

__all__ = ["BUILD_INFO", "BuildError", "BuildReport", "count_articles", "entity_cache_path",
           "rebuild", "rollback", "update"]
