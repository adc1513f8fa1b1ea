"""Muragat indexer: archive -> articles -> analysis -> Whoosh index -> search."""
