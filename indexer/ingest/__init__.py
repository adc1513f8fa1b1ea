"""Ingest: the archive's files become ``Article`` records.

``files`` walks the archive (a jail: nothing outside it is read) and opens only regular files;
``decoding`` turns bytes into text (UTF-8, UTF-16, Windows-1251); ``native`` and ``jsonl`` parse
the two formats; ``dates`` and ``leads`` give an article's date, title and source where the
file does not; ``reader`` puts them together. Nothing here raises on bad input: every skipped
file or line, and every warning, is yielded as a ``Problem``.
"""

from indexer.ingest.files import count_articles
from indexer.ingest.reader import iter_archive

__all__ = ["count_articles", "iter_archive"]
