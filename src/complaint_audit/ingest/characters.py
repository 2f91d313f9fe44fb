"""Characters a reader cannot tell apart on screen, named in messages by their Unicode names.

A Cyrillic 'е' in "Uphеld" or a zero-width space in "Up​held" looks like the mapped label, so a
message that only quoted the value would send the user looking for a difference they cannot see.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from complaint_audit.ingest.distinct import distinct_values, spread

_SHOWN = 3


def unusual_characters(text: pd.Series) -> pd.Series:
    """Per value, ' (it holds U+0435 CYRILLIC SMALL LETTER IE)' for its look-alike or invisible characters, else ''.

    Worked out once per distinct value, and only for values that are not plain ASCII.
    """
    codes, distinct = distinct_values(text)
    described = pd.Series("", index=distinct.index, dtype=object)
    unusual = distinct.notna() & ~distinct.astype("str").str.isascii()
    described[unusual] = distinct[unusual].map(_describe)
    return spread(described, codes, text.index).fillna("")


def _describe(value: str) -> str:
    names = [f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}" for char in dict.fromkeys(value)
             if not char.isascii() and not unicodedata.name(char, "").startswith("LATIN")]
    return f" (it holds {', '.join(names[:_SHOWN])})" if names else ""
