"""Property tests of the whole load path: random exports, randomly corrupted, through real profiles.

A CSV through a small long-layout profile, a JSON export through the sample's children's profile
and a workbook through its adult social care profile.

Whatever the table holds (bad and odd dates, missing and unmapped values, any Unicode, blank
and duplicated rows) and however its bytes are damaged (random bytes, cut-outs, truncation),
a load either stops with a UserError or reconciles: rows read = loaded + quarantined, every
reason counted, and every source row of an undamaged file is in the records or the quarantine
under its own case id.

The normal run tries a modest, fixed set of examples (derandomised, so CI is reproducible).
A long fuzz run draws fresh examples, as many per property as COMPLAINT_AUDIT_FUZZ says:

    COMPLAINT_AUDIT_FUZZ=5000 .venv/bin/python -m pytest -q tests/test_load_property.py
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.bad_inputs import ADULT_PROFILE, CHILDRENS_PROFILE, CSV_HEADER, adult_workbook, csv_profile, csv_text

FUZZ_EXAMPLES = int(os.environ.get("COMPLAINT_AUDIT_FUZZ") or 0)
_SETTINGS = (
    settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    if FUZZ_EXAMPLES
    else settings(max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
)
# What the CSV reader (pyarrow) reads as a missing value.
CSV_NULLS = set(pacsv.ConvertOptions().null_values)

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
nullish = st.sampled_from(["", " ", "NA", "null", "N/A", "None", "nan", "\t"])
day_month_year = st.dates().map(lambda day: day.strftime("%d/%m/%Y"))
odd_dates = st.sampled_from(["31/02/2023", "04/14/2023", "2023-04-14", "14 Apr 2023", "0", "45030", "99999999", "1", "00/00/0000", "14/04/23"])
date_cell = st.one_of(day_month_year, day_month_year, odd_dates, nullish, any_text)


def _often(good, *others):
    """Mostly a good value, sometimes one of the others."""
    return st.one_of(good, good, good, *others)


case_ids = st.one_of(
    st.integers(0, 40).map(lambda n: f"C{n}"), st.integers(0, 40).map(lambda n: f"C{n}"),
    any_text, nullish, st.text("ab", min_size=195, max_size=210),
)
csv_rows = st.fixed_dictionaries({
    "Case Ref": case_ids,
    "Stage": _often(st.sampled_from(["Stage 1", "Stage 2", " stage 1 ", "STAGE_2"]), st.sampled_from(["Stage 9", "3"]), nullish, any_text),
    "Team": _often(st.sampled_from(["Housing", "Adults"]), any_text, nullish),
    "Service": any_text, "Category": any_text,
    "Source": _often(st.sampled_from(["Member of Public", "MP", "mp", "Cllr"]), any_text, nullish),
    "Name": any_text, "Email": _often(st.emails(), any_text, nullish),
    "Received": _often(day_month_year, date_cell), "Responded": date_cell,
    "Outcome": _often(st.sampled_from(["Upheld", "Not Upheld", "Partially Upheld", "withdrawn"]), any_text, nullish),
    "Remedy": any_text, "Learning": any_text, "Letter": any_text,
})


@st.composite
def csv_tables(draw) -> list[dict[str, str]]:
    """Rows with random values, some duplicated and some cells deleted (left blank)."""
    rows = draw(st.lists(csv_rows, max_size=14))
    if rows and draw(st.booleans()):
        rows += draw(st.lists(st.sampled_from(rows), max_size=3))  # duplicated rows
    for row in rows:
        for name in draw(st.lists(st.sampled_from(CSV_HEADER), max_size=3)):
            row[name] = ""  # deleted cells
    return rows


@st.composite
def damage(draw, data: bytes) -> tuple[bytes, bool]:
    """The bytes with 1 to 3 random corruptions (a third of the time), and whether any was made."""
    operations = draw(st.one_of(st.just([]), st.just([]), st.lists(st.sampled_from(["insert", "cut", "truncate", "flip"]), min_size=1, max_size=3)))
    for operation in operations:
        at = draw(st.integers(0, 10**6)) * len(data) // 10**6  # drawn apart from the length: a workbook's varies
        if operation == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif operation == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 40)):]
        elif operation == "truncate":
            data = data[:at]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    return data, bool(operations)


def _load(export: Path, profile: Path, store: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Load; None when the load refused the file (a UserError). Checks the reconciliation."""
    try:
        load_exports(store=store, files=[export], profile=profile)
    except UserError as error:
        assert str(error) and "\n" not in str(error).strip()
        event("refused: " + str(error).split(": ", 2)[-1][:40])
        return None
    stored = Store(store)
    (entry,) = stored.ledger()
    assert entry["read"] == entry["loaded"] + entry["quarantined"]
    assert sum(entry["reasons"].values()) == entry["quarantined"]
    records, quarantine = stored.read_records(), stored.read_quarantine()
    assert (len(records), len(quarantine)) == (entry["loaded"], entry["quarantined"])
    assert quarantine["reason"].ne("").all()
    event(f"loaded, {'some' if len(quarantine) else 'none'} quarantined")
    return records, quarantine


def _outcomes(records: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """source_row and case_id of every stage row, loaded or quarantined."""
    loaded = records[["source_row", "case_id"]].astype(object)
    held = quarantine[["source_row", "case_id"]].astype(object).assign(source_row=lambda q: q["source_row"].astype(int))
    both = pd.concat([loaded, held], ignore_index=True)
    return both.assign(case_id=both["case_id"].where(both["case_id"].notna() & both["case_id"].ne(""), None))


def _same_case_id(given: object, stored: object, nulls: set[str]) -> bool:
    """A stored id is the given one trimmed, personal details masked; a missing one means the given one was blank.

    (An id that is also a word of a complainant's name or email, 'None' beside an email 'None',
    is quarantined masked: the quarantine never shows personal data.)
    """
    text = "" if given is None else str(given)
    if stored is None:
        return text.strip() == "" or text in nulls
    masks = "|".join(re.escape(mask) for mask in ("[name]", "[address]", "[email]", "[phone]", "[postcode]", "[NI number]"))
    pattern = "".join(".+?" if re.fullmatch(masks, part) else re.escape(part) for part in re.split(f"({masks})", str(stored).strip()))
    return re.fullmatch(pattern, text.strip(), flags=re.DOTALL) is not None


@_SETTINGS
@given(table=csv_tables(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       declared=st.sampled_from(["auto", "auto", "utf-8", "cp1252"]), data=st.data())
def test_a_random_corrupted_csv_export_reconciles_and_loses_no_case(table, encoding, declared, data):
    raw = csv_text(table, lineterminator="\r\n").encode(encoding, errors="replace")
    raw, damaged = data.draw(damage(raw))
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.csv"
        export.write_bytes(raw)
        loaded = _load(export, csv_profile(Path(folder), declared), Path(folder) / "store")
    if loaded is None or damaged or encoding == "cp1252":  # damaged or re-encoded: ids no longer known
        return
    outcomes = _outcomes(*loaded)
    expected = {number: row["Case Ref"] for number, row in enumerate(table, start=2) if not set(row.values()) <= CSV_NULLS}
    assert sorted(outcomes["source_row"]) == sorted(expected)  # one stage row per source row, none lost
    for number, case_id in outcomes.itertuples(index=False):
        assert _same_case_id(expected[number], case_id, CSV_NULLS), (number, expected[number], case_id)


json_text = st.one_of(any_text, st.integers(-5, 99999), st.none())
json_dates = st.one_of(st.dates().map(str), date_cell, st.integers(-5, 3_000_000), st.none())
json_stages = st.fixed_dictionaries({
    "stage": _often(st.sampled_from(["Stage 1", "Stage 2", "Stage 3"]), json_text),
    "received_date": _often(st.dates().map(str), json_dates), "response_date": json_dates,
    "outcome": _often(st.sampled_from(["UPHELD", "NOT_UPHELD", "PART_UPHELD"]), json_text),
    "learning": json_text, "response_letter": json_text,
})
json_cases = st.fixed_dictionaries({
    "case_id": st.one_of(case_ids, st.integers(0, 99), st.none()),
    "service": json_text, "category": json_text, "contact_method": json_text, "handled_by": json_text,
    "raised_by": _often(st.sampled_from(["Parent", "Young Person", "Advocate"]), json_text),
    "date_closed": json_dates,
    "complainant": _often(st.fixed_dictionaries({"name": json_text, "email": json_text}), json_text),
    "stages": _often(st.lists(json_stages, max_size=3), st.lists(st.one_of(json_stages, json_text), max_size=3), json_text,
                     st.dictionaries(st.text(max_size=3), json_text, max_size=2)),
})


@_SETTINGS
@given(cases=st.lists(json_cases, max_size=10), data=st.data())
def test_a_random_corrupted_json_export_reconciles_and_loses_no_case(cases, data):
    for case in cases:  # deleted keys: a case system leaves out what it has no value for
        for key in data.draw(st.lists(st.sampled_from(sorted(case)), max_size=2)):
            case.pop(key, None)
    raw, damaged = data.draw(damage(json.dumps({"cases": cases}).encode("utf-8")))
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.json"
        export.write_bytes(raw)
        loaded = _load(export, CHILDRENS_PROFILE, Path(folder) / "store")
    if loaded is None or damaged:
        return
    outcomes = _outcomes(*loaded)
    assert set(outcomes["source_row"]) == set(range(1, len(cases) + 1))  # every case gives a row, none lost
    for number, case_id in outcomes.itertuples(index=False):
        given_id = cases[number - 1].get("case_id")
        assert _same_case_id(given_id, case_id, set()), (number, given_id, case_id)


# Text Excel can hold: no control characters other than tab and line breaks.
cell_text = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"), max_size=24)
xlsx_cell = st.one_of(
    cell_text, st.integers(-10, 3_000_000), st.floats(-1e6, 1e7, allow_nan=False), st.datetimes(), st.dates(), st.booleans(), st.none(),
)
xlsx_rows = st.fixed_dictionaries({
    "Reference": st.one_of(st.integers(0, 40).map(lambda n: f"A{n}"), cell_text, st.integers(0, 99), st.none()),
    "Stage": _often(st.sampled_from(["Local Resolution", "Ombudsman"]), xlsx_cell),
    "Raised By": _often(st.sampled_from(["Service User", "Family Member", "MP"]), xlsx_cell),
    "Contact Name": xlsx_cell, "Contact Email": xlsx_cell, "Service Team": xlsx_cell,
    "Date Received": _often(st.datetimes(), xlsx_cell), "Date Acknowledged": xlsx_cell, "Response Date": xlsx_cell,
    "Outcome": _often(st.sampled_from(["Well Founded", "Not Well Founded"]), xlsx_cell),
    "Remedy Amount": xlsx_cell, "Lessons Learned": xlsx_cell,
})


@_SETTINGS
@given(rows=st.lists(xlsx_rows, max_size=10), data=st.data())
def test_a_random_corrupted_workbook_reconciles_and_loses_no_case(rows, data):
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.xlsx"
        adult_workbook(export, rows)
        raw, damaged = data.draw(damage(export.read_bytes()))
        export.write_bytes(raw)
        loaded = _load(export, ADULT_PROFILE, Path(folder) / "store")
    if loaded is None or damaged:
        return
    outcomes = _outcomes(*loaded)
    expected = {number: row["Reference"] for number, row in enumerate(rows, start=7) if any(value is not None for value in row.values())}
    assert sorted(outcomes["source_row"]) == sorted(expected)
    for number, case_id in outcomes.itertuples(index=False):
        given_id = expected[number]
        assert _same_case_id(given_id if not isinstance(given_id, float) else int(given_id), case_id, set()), (number, given_id, case_id)


# Contact details in every spelling that once slipped through masking (issue 20, defects 5 and 6).
PERSONAL_CONTACTS = ("jo.ng@example.org", "jo.ng(at)example.org", "(01632) 960 001", "0044 7700 900123", "07700.900.123",
                     "+44 (0)1632 960002", "ns1 2ab", "GIR 0AA", "ab 12 34 56 c", "AB123456C", "jo @ example.org",
                     "jo{at}example.org", "jo<at>example.org", "jo\uff20example.org", "07700 - 900 123", "07700\u2013900123",
                     "tel07700900123", "ns6\u00a07ws", "AB-12-34-56-C")
PERSONAL_NAMES = ("Jo Ng", "Zoë Łukasz", "José O'Neill", "LI WEI", "siân o'brien", "Anne-Marie Dubois")


def _respelled(name: str) -> str:
    """The name as another system types it: accents as combining marks, another apostrophe and hyphen."""
    return unicodedata.normalize("NFD", name).replace("'", "\u2019").replace("-", "\u2010")


def _plain(text: str) -> str:
    """Text with accents composed and apostrophes and hyphens made one kind, to search for names however typed."""
    return unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u2010", "-").casefold()
_TEXT_COLUMNS = ("Case Ref", "Team", "Service", "Category", "Remedy", "Learning", "Letter")


# Raw columns that are not text but are quoted back in a quarantine message when they cannot be read.
_QUOTED_COLUMNS = ("Received", "Outcome")


@st.composite
def personal_tables(draw) -> list[dict[str, str]]:
    """Good rows whose text fields carry contact details and the complainant's name in any case,
    and whose date and outcome sometimes hold one instead (a quarantine message quotes those)."""
    rows = []
    for number in range(draw(st.integers(1, 8))):
        name = draw(st.sampled_from(PERSONAL_NAMES))
        row = {"Case Ref": f"C{number}", "Stage": "Stage 1", "Team": "Housing", "Service": "Repairs", "Category": "Damp",
               "Source": "Member of Public", "Name": name, "Email": "jo.ng@example.org", "Received": "14/04/2023",
               "Responded": "28/04/2023", "Outcome": "Upheld", "Remedy": "", "Learning": "", "Letter": "Dear resident"}
        for column in draw(st.lists(st.sampled_from(_TEXT_COLUMNS + _QUOTED_COLUMNS), min_size=1, max_size=4, unique=True)):
            contact = draw(st.sampled_from(PERSONAL_CONTACTS))
            spelled = draw(st.sampled_from([name, name.lower(), name.upper(), _respelled(name)]))
            personal = draw(st.sampled_from([contact, spelled, f"{spelled} {contact}"]))
            row[column] = personal if column in _QUOTED_COLUMNS else f"{row[column]} {personal}".strip()
        rows.append(row)
    return rows


def _shown(records: pd.DataFrame, quarantine: pd.DataFrame) -> str:
    """Every text the store holds that an output may show: text fields, quarantined case ids,
    messages and raw values (decoded: the raw JSON writes 'ë' as an escape)."""
    text_fields = [name for name in records.columns if records[name].dtype == object or str(records[name].dtype) in ("str", "string", "category")]
    raw_values = [str(value) for raw in quarantine["raw"] for value in json.loads(raw).values()]
    parts = [records[text_fields].drop(columns="source_file").astype(str).to_csv(), quarantine[["case_id", "detail"]].astype(str).to_csv()]
    return "\n".join(parts + raw_values)


@_SETTINGS
@given(table=personal_tables())
def test_no_personal_value_of_any_form_in_any_text_field_reaches_the_store(table):
    """Contact details and names in every spelling, in every text field or quoted in a message,
    never reach the records or the quarantine, and every row is accounted for."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "export.csv").write_text(csv_text(table), encoding="utf-8")
        loaded = _load(folder / "export.csv", csv_profile(folder), folder / "store")
        assert loaded is not None
        records, quarantine = loaded
        assert len(records) + len(quarantine) == len(table)
        shown = _plain(_shown(records, quarantine))
        for contact in PERSONAL_CONTACTS:
            assert _plain(contact) not in shown, contact
        for name in PERSONAL_NAMES:
            for word in re.split(r"[ -]", name):
                assert not re.search(rf"(?<!\w){re.escape(_plain(word))}(?!\w)", shown), word
