"""Ingest: export files -> canonical records, through a source profile (docs/profiles.md)."""
