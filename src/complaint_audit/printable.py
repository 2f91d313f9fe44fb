"""Text made safe to print or write: no terminal control sequences, no bidirectional overrides.

A header cell, a team name or a file name can carry ESC and OSC sequences that clear a
terminal, retitle it or plant hyperlinks, and bidirectional overrides that make a line read
differently from what it holds. Everything the tool prints (rich consoles), logs (run.log) or
renders as text (the reports) passes through `printable`.
"""

from __future__ import annotations

import re

# ESC sequences whole (CSI 'ESC [ ... final', OSC 'ESC ] ... BEL or ESC \', two-character ones),
# then any other C0 control but tab and line feed, DEL, C1 controls (U+009B is a one-character
# CSI) and the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """TEXT without control sequences and characters (tab and line feed kept)."""
    return _CONTROL.sub("", text)
