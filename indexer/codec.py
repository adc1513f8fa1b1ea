"""The codec under the import path that indexes built before the ``store`` package recorded
in their segments; new code imports it from ``indexer.store.codec``."""

from indexer.store.codec import MuragatCodec

__all__ = ["MuragatCodec"]
