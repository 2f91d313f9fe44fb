"""An index of letters: a CSV that names each letter file's case, and maybe its stage and kind.

What an export of attachments from a case system comes with. Columns: `file` (the name, or the
path inside the letters folder) and `case_id`; optional `stage` (1, 2, 3) and `kind` (response,
extension, acknowledgement). Headers are matched in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.letters.identify import KINDS

_REQUIRED = ("file", "case_id")


@dataclass(frozen=True)
class IndexEntry:
    case_id: str
    stage: str | None
    kind: str | None


def read_index(path: Path) -> dict[str, IndexEntry]:
    """{file name as written in the index, case-folded: its entry}."""
    check_input_file(path, "letters index")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UserError(f"{path}: not a readable CSV letters index ({type(error).__name__}); save it as UTF-8 CSV") from None
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    missing = [name for name in _REQUIRED if name not in frame.columns]
    if missing:
        raise UserError(f"{path}: the letters index needs the columns file and case_id (missing: {', '.join(missing)})")
    entries = {}
    for number, row in enumerate(frame.to_dict("records"), start=2):
        stage = row.get("stage", "").strip() or None
        kind = row.get("kind", "").strip().lower() or None
        if stage not in (None, "1", "2", "3"):
            raise UserError(f"{path}: row {number}: stage '{stage}' is not 1, 2 or 3")
        if kind not in (None, *KINDS):
            raise UserError(f"{path}: row {number}: kind '{kind}' is not one of {', '.join(KINDS)}")
        entries[row["file"].strip().casefold()] = IndexEntry(row["case_id"].strip(), stage, kind)
    return entries
