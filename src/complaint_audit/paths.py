"""File names as text that every output can hold, whatever bytes the file system allows.

A Linux file name need not be UTF-8 (b'caf\\xe9.csv' from a Latin-1 system): Python gives its bad
bytes as lone surrogates ('\\udce9'), which no UTF-8 file, JSON document, Parquet column or
terminal can hold, so the first output to write one stopped the run. Windows can give lone
surrogates too (a name that is not valid UTF-16). Every path that becomes text goes through
here once, where it enters the tool (the load's ledger entry, an error message), so what flows
on is ordinary text.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

# A lone surrogate: how Python holds a byte of a file name that is not UTF-8.
SURROGATE = re.compile("[\ud800-\udfff]")


def text_without_surrogates(text: str) -> str:
    """TEXT with each lone surrogate written out: an undecodable byte (U+DC80 to U+DCFF, as
    os.fsdecode gives it) as \\xNN, any other as \\uNNNN, so the name stays recognisable and distinct."""
    if not SURROGATE.search(text):
        return text
    return SURROGATE.sub(lambda found: _escaped(ord(found.group())), text)


def _escaped(code: int) -> str:
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def path_text(path: str | os.PathLike) -> str:
    """A path as text every output can hold, with forward slashes (as audit.toml writes them)."""
    return text_without_surrogates(PurePath(path).as_posix())

