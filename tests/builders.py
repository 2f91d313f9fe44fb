"""Small profiles and exports written into a test's tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

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


def canonical_records(*rows: dict, **defaults) -> pd.DataFrame:
    """Canonical records from a few hand-written rows: unspecified fields get test defaults.

    Dates are given as ISO strings; every canonical field is present, as in the store.
    """
    import pandas as pd

    from complaint_audit.schema import DATE_FIELDS, FIELD_NAMES, from_arrow, to_arrow

    base = {
        "organisation": "Testshire Council", "source": "test", "source_file": "test.csv",
        "case_id": "C1", "stage": "1", "process": "corporate", "team": "Team A", "received": "2023-04-03",
    } | defaults
    filled = [{**base, "source_row": number, **row} for number, row in enumerate(rows, start=2)]
    frame = pd.DataFrame(filled).reindex(columns=list(FIELD_NAMES))
    for name in DATE_FIELDS:
        frame[name] = pd.to_datetime(frame[name])
    return from_arrow(to_arrow(frame))


def audit_data(records, as_of: str = "2024-03-31", nation: str = "england"):
    import datetime as dt

    from complaint_audit.calendar import WorkingCalendar
    from complaint_audit.engine.contract import AuditData

    return AuditData(records, WorkingCalendar(nation), dt.date.fromisoformat(as_of))


def run_check(code: str, records, as_of: str = "2024-03-31", **params):
    """Run one registered check through the registry and runner, as an audit would; its result."""
    from complaint_audit.engine.registry import discover
    from complaint_audit.engine.runner import run_checks

    (outcome,) = run_checks(audit_data(records, as_of), [discover()[code]], {code: params})
    return outcome.result


def raw_personal_values(sample_data: Path) -> set[str]:
    """Names, emails, phones, street addresses and postcodes as the sample's raw exports hold them.

    Read from each export's personal columns (the profiles' [personal] drop lists): full names,
    surnames after a title, contact details, the street part of addresses and postcodes. Titles,
    relationships, towns and dates of birth alone are left out: they are words and dates that a
    report uses for other things.
    """
    import json

    import openpyxl
    import pandas as pd

    exports = sample_data / "exports"
    corporate = pd.read_csv(exports / "corporate_complaints.csv", encoding="cp1252", dtype=str)
    # A surname alone is often a word ("Green", "Hall"); as a letter writes it, it is a name.
    titled = [title + " " + corporate["Surname"] for title in ("Mr", "Mrs", "Ms", "Miss", "Dr", "Mx")]
    people = [corporate["First Name"] + " " + corporate["Surname"], *titled]
    people += [corporate[column] for column in ("Email", "Phone", "Address", "Postcode", "Representative")]
    # The officers who handled each stage: loaded only as their pseudonym (handler_key).
    people += [corporate[column] for column in ("Stage 1 Handler", "Stage 2 Handler") if column in corporate]
    sheet = openpyxl.load_workbook(exports / "adult_social_care.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    adults = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    people += [adults[column] for column in ("Service User", "Contact Name", "Contact Email", "Contact Phone", "Address", "Postcode")]
    cases = json.loads((exports / "childrens_complaints.json").read_text(encoding="utf-8"))["cases"]
    children = pd.json_normalize(cases)
    people += [children[column] for column in (
        "complainant.name", "complainant.email", "complainant.phone", "complainant.address.line1",
        "complainant.address.postcode", "child.name",
    )]
    values = set(pd.concat(people).dropna().astype(str))
    streets = {value.split(",")[0] for value in values if "," in value}  # "28 Victoria Road, Fernleigh" -> "28 Victoria Road"
    return {value for value in values | streets if len(value) > 4}
