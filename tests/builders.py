"""Small profiles and exports written into a test's tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

WIDE_PROFILE = """
[source]
name = "corporate"
header_row = 2

[constants]
organisation = "Testshire Council"
process = "corporate"

[columns]
case_id = "Case Ref"
raised_via = "Source"
response_text = "Letter"

[values.raised_via]
public = ["Member of Public"]
councillor = ["Cllr"]

[values.outcome]
partly_upheld = ["Partially Upheld"]

[layout]
kind = "wide"

[layout.stages.1]
received = "S1 Received"
responded = "S1 Responded"
outcome = "S1 Outcome"

[layout.stages.2]
received = "S2 Received"
responded = "S2 Responded"
outcome = "S2 Outcome"

[personal]
drop = ["Name", "Email"]
complainant_key = ["Email"]
"""

WIDE_HEADER = "Case Ref,Source,Name,Email,S1 Received,S1 Responded,S1 Outcome,S2 Received,S2 Responded,S2 Outcome,Letter"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


def wide_export(tmp_path: Path, *rows: str, name: str = "corporate.csv", encoding: str = "utf-8") -> Path:
    """A wide corporate CSV with a one-line title above the header, then the given rows."""
    body = "\n".join(["Complaints export", WIDE_HEADER, *rows]) + "\n"
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path
