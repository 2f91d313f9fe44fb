"""The one error a letter reader raises: the file is kept out, counted and named, and the run goes on."""

from __future__ import annotations


class Unreadable(Exception):
    """A letter whose text cannot be read; the message says why, in a few words, for the reconciliation."""
