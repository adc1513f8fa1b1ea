"""The analyser's classes under the import path that indexes built before the ``text`` package
recorded in their pickled schema; new code imports them from ``indexer.text``."""

from indexer.text.analyzer import LemmaFilter, YoFilter
from indexer.text.tokens import RussianTokenizer

__all__ = ["LemmaFilter", "RussianTokenizer", "YoFilter"]
