"""`profile suggest`: drafts for unknown exports that parse, guess right, and load once confirmed."""

import datetime as dt
import json
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.formats import export_format
from complaint_audit.ingest.formats.csv import sniff_delimiter
from complaint_audit.ingest.formats.header import find_header_row
from complaint_audit.ingest.formats.tables import SAMPLE_ROWS
from complaint_audit.ingest.profile import load_profile
from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, suggest_profile
from complaint_audit.ingest.suggest.guess import guess_value

SAMPLE_EXPORTS = Path(__file__).resolve().parents[1] / "sample_data" / "exports"


# --- small exports ---------------------------------------------------------------------------


def corporate_csv(folder: Path) -> Path:
    """A title block, Windows-1252 bytes (£, ’), day-first dates, one row per stage."""
    lines = [
        "Northshire Complaints Report",
        "Run date: 02/05/2024",
        "",
        "Case Ref,Complainant Name,Email,Date Received,Response Sent,Stage,Source,Outcome,Category,Compensation",
        "C-1001,Jane Smith,jane@example.com,31/03/2024,05/04/2024,Stage 1,Member of Public,Upheld,Housing Repairs,£50.00",
        "C-1002,Ali Khan,ali@example.org,02/04/2024,16/04/2024,Stage 1,MP,Not Upheld,Waste,",
        "C-1002,Ali Khan,ali@example.org,20/04/2024,15/05/2024,Stage 2,MP,Partially Upheld,Waste,£20",
        "C-1003,Mary O’Neil,mary@example.net,03/04/2024,,Stage 1,Cllr,Withdrawn,Parking,",
        "C-1004,Tom Brown,tom@example.com,14/04/2024,24/04/2024,Stage 1,Resident,Not Upheld,Council Tax,",
        "C-1005,Sue Green,sue@example.com,15/04/2024,29/04/2024,Stage 1,Councillor,No finding,Parking,",
    ]
    path = folder / "complaints_q1.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def adults_xlsx(folder: Path) -> Path:
    """A notes sheet first, then title rows above the header, and real date cells."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active["A1"] = "Complaints about adult social care, April 2024"
    sheet = workbook.create_sheet("Complaints")
    sheet.append(["Adult Social Care complaints"])
    sheet.append(["Run date", dt.datetime(2024, 5, 2)])
    sheet.append([])
    sheet.append(["Reference", "Client Name", "DOB", "Received Date", "Acknowledged", "Date Responded", "Decision", "Raised By", "Team", "Phone"])
    rows = [
        ("A1", "Ann Lee", dt.datetime(1940, 1, 2), dt.datetime(2024, 4, 1), dt.datetime(2024, 4, 3), dt.datetime(2024, 4, 20), "Upheld", "Service User", "ASC East", "01632 960001"),
        ("A2", "Bob Ray", dt.datetime(1950, 3, 4), dt.datetime(2024, 4, 5), dt.datetime(2024, 4, 8), dt.datetime(2024, 5, 1), "Part Upheld", "Family member", "ASC West", "01632 960002"),
        ("A3", "Cat Poe", dt.datetime(1960, 5, 6), dt.datetime(2024, 4, 9), None, None, None, "Advocate", "ASC East", "07700 900003"),
        ("A4", "Dan Orr", dt.datetime(1970, 7, 8), dt.datetime(2024, 4, 10), dt.datetime(2024, 4, 11), dt.datetime(2024, 4, 30), "Not Upheld", "MP", "ASC East", "07700 900004"),
    ]
    for row in rows:
        sheet.append(list(row))
    path = folder / "adults.xlsx"
    workbook.save(path)
    return path


def childrens_json(folder: Path) -> Path:
    """Cases under a key, nested complainant objects, a list of stage objects per case."""
    cases = [
        {"id": "K1", "complainant": {"name": "Pat Doe", "email": "pat@example.org"}, "category": "Placement", "raised_via": "Young person",
         "stages": [
             {"stage": "Stage 1", "received": "2024-04-01", "response_date": "2024-04-12", "outcome": "Not upheld"},
             {"stage": "Stage 2", "received": "2024-04-20", "statement_agreed": "2024-04-25", "io_report_date": "2024-05-30",
              "adjudication_date": "2024-06-10", "outcome": "Partially upheld"},
         ]},
        {"id": "K2", "complainant": {"name": "Lee Roe", "email": "lee@example.org"}, "category": "Contact", "raised_via": "Advocate",
         "stages": [{"stage": "Stage 1", "received": "2024-04-03", "response_date": "2024-04-15", "outcome": "Upheld"}]},
        {"id": "K3", "complainant": {"name": "Sam Poe", "email": "sam@example.org"}, "category": "Contact", "raised_via": "Parent",
         "stages": []},
    ]
    path = folder / "childrens.json"
    path.write_text(json.dumps({"exported": "2024-05-02", "cases": cases}, indent=1), encoding="utf-8")
    return path


def wide_csv(folder: Path) -> Path:
    """One row per complaint with Stage 1 and Stage 2 columns side by side."""
    lines = [
        "Case No,S1 Received,S1 Responded,S1 Outcome,Stage 2 Received,Stage 2 Responded,Stage 2 Outcome,Service,Directorate,Postcode,Notes",
        "W1,31/03/2024,10/04/2024,Upheld,,,,Parking,Place,NE1 4XX,",
        "W2,01/04/2024,11/04/2024,Not Upheld,20/04/2024,15/05/2024,Partly Upheld,Waste,Place,NE2 4XX,chased",
        "W3,02/04/2024,,,,,,Libraries,Communities,NE3 4XX,",
        "W4,,,,,,,Libraries,Communities,NE3 4XY,",
    ]
    path = folder / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def month_first_csv(folder: Path) -> Path:
    """Semicolons, US-style dates, no stage column, a plain-number id."""
    lines = [
        "Complaint ID;Opened;Closed;Due Date;How Received;Result",
        "1;03/31/2024;04/15/2024;04/20/2024;Email;Upheld",
        "2;04/02/2024;04/10/2024;04/16/2024;Phone;Not upheld",
        "3;04/05/2024;;04/19/2024;Web;",
    ]
    path = folder / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EXPORTS = {
    "corporate_csv": corporate_csv,
    "adults_xlsx": adults_xlsx,
    "childrens_json": childrens_json,
    "wide_csv": wide_csv,
    "month_first_csv": month_first_csv,
}


def draft_of(path: Path, **options) -> dict:
    return tomllib.loads(suggest_profile(path, **options))


def comment_on(draft: str, key: str) -> str:
    """The `# confirm:` comment on the first line assigning KEY."""
    line = next(line for line in draft.splitlines() if line.startswith(f"{key} = "))
    return line.split("# confirm: ", 1)[1]


def confirmed_profile(folder: Path, export: Path, organisation: str = "Northshire Council") -> Path:
    """The draft with only the organisation placeholder replaced, as a new user would do first."""
    profile = folder / f"{export.stem}.toml"
    profile.write_text(suggest_profile(export).replace(ORGANISATION_PLACEHOLDER, organisation), encoding="utf-8")
    return profile


# --- what each draft guesses -----------------------------------------------------------------


def test_csv_with_title_block_in_windows_1252(tmp_path):
    text = suggest_profile(corporate_csv(tmp_path))
    draft = tomllib.loads(text)
    assert draft["source"] == {"name": "complaints_q1", "format": "csv", "encoding": "cp1252", "delimiter": ",", "header_row": 4}
    assert '"Northshire Complaints Report"' in comment_on(text, "header_row")
    assert draft["dates"] == {"order": "dmy"}
    assert comment_on(text, "order") == "dates look day-first: 'Date Received' has 31/03/2024, 'Response Sent' has 16/04/2024"
    assert draft["layout"] == {"kind": "long"}
    assert draft["columns"] == {
        "case_id": "Case Ref",
        "stage": "Stage",
        "category": "Category",
        "raised_via": "Source",
        "received": "Date Received",
        "responded": "Response Sent",
        "outcome": "Outcome",
        "remedy_amount": "Compensation",
    }
    assert draft["constants"] == {"organisation": ORGANISATION_PLACEHOLDER, "process": "corporate"}
    assert draft["values"] == {
        "stage": {"1": ["Stage 1"], "2": ["Stage 2"]},
        "raised_via": {"public": ["Member of Public", "Resident"], "councillor": ["Cllr"]},
        "outcome": {"partly_upheld": ["Partially Upheld"]},
    }
    assert draft["personal"] == {"drop": ["Complainant Name", "Email"], "complainant_key": ["Email"]}


def test_unknown_values_are_listed_commented_out_so_the_draft_still_parses(tmp_path):
    text = suggest_profile(corporate_csv(tmp_path))
    outcome_table = text.split("\n[values.outcome]\n", 1)[1].split("\n\n", 1)[0]
    assert outcome_table.splitlines() == [
        "# already canonical, accepted as they are: Not Upheld, Upheld, Withdrawn",
        'partly_upheld = ["Partially Upheld"]  # confirm: guessed from the wording; 1 sample row',
        "# confirm: map these; until you do, their rows are quarantined as unmapped_value "
        "(allowed: upheld, partly_upheld, not_upheld, withdrawn, resolved, out_of_scope, open)",
        '# CHOOSE = ["No finding"]  # 1 sample row',
    ]


def test_xlsx_with_a_notes_sheet_title_rows_and_date_cells(tmp_path):
    text = suggest_profile(adults_xlsx(tmp_path))
    draft = tomllib.loads(text)
    assert draft["source"] == {"name": "adults", "format": "xlsx", "sheet": "Complaints", "header_row": 4}
    assert draft["dates"] == {"order": "dmy"}
    assert comment_on(text, "order") == "the dates are real date cells, which read the same in any order"
    assert comment_on(text, "received") == "header match 1.00; real date cells"
    assert draft["columns"] == {
        "case_id": "Reference",
        "team": "Team",
        "raised_via": "Raised By",
        "received": "Received Date",
        "acknowledged": "Acknowledged",
        "responded": "Date Responded",
        "outcome": "Decision",
    }
    assert draft["constants"] == {"organisation": ORGANISATION_PLACEHOLDER, "process": "adult_social_care", "stage": "1"}
    assert draft["values"] == {
        "raised_via": {"public": ["Service User"], "representative": ["Family member"]},
        "outcome": {"partly_upheld": ["Part Upheld"]},
    }
    assert draft["personal"] == {"drop": ["Client Name", "DOB", "Phone"], "complainant_key": ["Client Name"]}


def test_xlsx_data_past_the_last_header_cell_is_a_column_under_an_empty_header(tmp_path):
    """The sheet is read as a grid: a column of data right of the header's last cell is one the load would drop."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Reference", "Received Date", "Team"])
    for number in range(1, 4):
        sheet.append([f"C-{number:03}", dt.datetime(2023, 4, number), "Housing", "a note nobody named"])
    workbook.save(tmp_path / "notes.xlsx")
    text = suggest_profile(tmp_path / "notes.xlsx")
    assert "confirm: 1 column(s) hold data under an empty header; name them in the export" in text


def test_json_with_records_under_a_key_and_nested_stages(tmp_path):
    text = suggest_profile(childrens_json(tmp_path))
    draft = tomllib.loads(text)
    assert draft["source"] == {"name": "childrens", "format": "json", "records": "cases"}
    assert draft["layout"] == {
        "kind": "nested",
        "list": "stages",
        "fields": {
            "stage": "stage",
            "received": "received",
            "statement_agreed": "statement_agreed",
            "investigation_completed": "io_report_date",
            "responded": "adjudication_date",  # children's Stage 2 ends with the adjudication
            "outcome": "outcome",
        },
    }
    assert draft["columns"] == {"case_id": "id", "category": "category", "raised_via": "raised_via"}
    assert draft["constants"] == {"organisation": ORGANISATION_PLACEHOLDER, "process": "childrens_statutory"}
    assert draft["values"]["stage"] == {"1": ["Stage 1"], "2": ["Stage 2"]}
    assert draft["values"]["raised_via"] == {"public": ["Parent", "Young person"]}
    assert draft["personal"] == {"drop": ["complainant.name", "complainant.email"], "complainant_key": ["complainant.email"]}
    assert '# "stages" > "response_date" (2 of 3 sample rows filled; perhaps responded (header match 1.00), but responded is already mapped)' in text


def test_wide_csv_gets_one_table_per_stage(tmp_path):
    text = suggest_profile(wide_csv(tmp_path))
    draft = tomllib.loads(text)
    assert draft["source"] == {"name": "wide", "format": "csv", "encoding": "auto", "delimiter": ",", "header_row": 1}
    assert draft["layout"] == {
        "kind": "wide",
        "stages": {
            "1": {"received": "S1 Received", "responded": "S1 Responded", "outcome": "S1 Outcome"},
            "2": {"received": "Stage 2 Received", "responded": "Stage 2 Responded", "outcome": "Stage 2 Outcome"},
        },
    }
    assert draft["columns"] == {"case_id": "Case No", "service": "Service", "directorate": "Directorate"}
    assert draft["constants"] == {"organisation": ORGANISATION_PLACEHOLDER, "process": "corporate"}
    assert "values" not in draft  # Upheld, Not Upheld and Partly Upheld are canonical already
    assert draft["personal"] == {"drop": ["Postcode"]}
    assert text.endswith('# Columns left out (not loaded): map any that hold a canonical field\n# "Notes" (1 of 4 sample rows filled)\n')


def test_wide_csv_reads_the_complaints_date_received_as_stage_1s(tmp_path, monkeypatch):
    export = tmp_path / "wide_received.csv"
    lines = [
        "Case No,Date Received,S1 Responded,S1 Outcome,S2 Received,S2 Responded,S2 Outcome",
        "W1,31/03/2024,10/04/2024,Upheld,,,",
        "W2,01/04/2024,11/04/2024,Not Upheld,20/04/2024,15/05/2024,Upheld",
        "W3,02/04/2024,,,,,",  # a new case: only the date received so far
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft = draft_of(export)
    assert draft["layout"]["stages"]["1"] == {"received": "Date Received", "responded": "S1 Responded", "outcome": "S1 Outcome"}
    assert draft["columns"] == {"case_id": "Case No"}
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test key 0123456789")
    report = load_exports(store=tmp_path / "store", files=[export], profile=confirmed_profile(tmp_path, export))
    assert (report.read, report.quarantined) == (4, 0)


def test_month_first_dates_and_semicolons(tmp_path):
    text = suggest_profile(month_first_csv(tmp_path))
    draft = tomllib.loads(text)
    assert draft["source"]["delimiter"] == ";"
    assert comment_on(text, "delimiter") == "4 of the first rows split into 6 fields on semicolons"
    assert draft["dates"] == {"order": "mdy"}
    assert comment_on(text, "received") == "header match 1.00; dates look month-first (03/31/2024)"
    assert draft["columns"] == {
        "case_id": "Complaint ID", "channel": "How Received", "received": "Opened", "due": "Due Date", "responded": "Closed",
        "closed": "Closed", "outcome": "Result",
    }
    assert draft["constants"]["stage"] == "1"
    assert "values" not in draft  # Upheld and Not upheld are canonical already


def test_dates_that_do_not_show_their_order_are_read_day_first_with_a_note(tmp_path):
    export = tmp_path / "ambiguous.csv"
    export.write_text("Ref,Date Received\nA,01/02/2024\nB,03/04/2024\n", encoding="utf-8")
    text = suggest_profile(export)
    assert tomllib.loads(text)["dates"] == {"order": "dmy"}
    assert comment_on(text, "order") == (
        "no text date in the sample shows the order (no day above 12: 'Date Received' has 01/02/2024); "
        "day-first assumed, as UK exports usually are"
    )


def test_dates_in_a_form_the_loader_needs_spelled_out(tmp_path):
    export = tmp_path / "words.csv"
    export.write_text("Ref,Date Received\nA,14-Apr-2024\nB,03-May-2024\n", encoding="utf-8")
    draft = draft_of(export)
    assert draft["dates"] == {"order": "dmy", "format": "%d-%b-%Y"}


def test_personal_columns_found_by_their_values(tmp_path):
    export = tmp_path / "values.csv"
    rows = [f"R{i},{name},{name.split()[-1].lower()}@example.com,AB 12 34 5{i} C" for i, name in
            enumerate(["Mrs Jane Smith", "Ali Khan", "Tom Brown", "Sue Green", "Rob Stone"])]
    export.write_text("Ref,Correspondent,Reply To,Reference Number 2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    text = suggest_profile(export)
    draft = tomllib.loads(text)
    assert draft["personal"] == {"drop": ["Correspondent", "Reply To", "Reference Number 2"], "complainant_key": ["Reply To"]}
    assert draft["columns"] == {"case_id": "Ref", "received": "Ref"}  # never a personal column
    assert comment_on(text, "received") == "no date column found: change this to the date received; its values are not dates"


def test_complainant_key_adds_the_name_when_emails_are_often_blank(tmp_path):
    export = tmp_path / "sparse.csv"
    rows = ["C1,Jane Smith,jane@example.com,01/04/2024", "C2,Ali Khan,,02/04/2024", "C3,Tom Brown,,03/04/2024"]
    export.write_text("Case Ref,Complainant Name,Email,Date Received\n" + "\n".join(rows) + "\n", encoding="utf-8")
    text = suggest_profile(export)
    assert tomllib.loads(text)["personal"]["complainant_key"] == ["Email", "Complainant Name"]
    assert "the email is blank in 67% of sample rows, so the name is added" in comment_on(text, "complainant_key")


def test_excel_serial_numbers_under_a_date_header(tmp_path):
    export = tmp_path / "serials.csv"
    export.write_text("Ref,Date Received,Count\nA,45383,12345\nB,45390,23456\n", encoding="utf-8")
    text = suggest_profile(export)
    assert tomllib.loads(text)["columns"] == {"case_id": "Ref", "received": "Date Received"}
    assert comment_on(text, "received") == "header match 1.00; Excel serial numbers"


def test_without_a_recognisable_header_the_first_row_is_assumed(tmp_path):
    export = tmp_path / "numbers.csv"
    export.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    text = suggest_profile(export)
    assert tomllib.loads(text)["source"]["header_row"] == 1
    assert comment_on(text, "header_row") == "no row looked like column names over rows of data, so the first row is assumed"


def test_parquet(tmp_path, monkeypatch):
    export = tmp_path / "cases.parquet"
    pd.DataFrame(
        {"Case Ref": ["P1", "P2"], "Date Received": pd.to_datetime(["2024-04-01", "2024-04-02"]), "Outcome": ["Upheld", "Not Upheld"]}
    ).to_parquet(export)
    draft = draft_of(export)
    assert draft["columns"] == {"case_id": "Case Ref", "received": "Date Received", "outcome": "Outcome"}
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test key 0123456789")
    report = load_exports(store=tmp_path / "store", files=[export], profile=confirmed_profile(tmp_path, export))
    assert (report.read, report.quarantined) == (2, 0)


def test_every_setting_carries_a_confirm_comment(tmp_path):
    for make in EXPORTS.values():
        for line in suggest_profile(make(tmp_path)).splitlines():
            # A list with a reason per item opens on a line of its own; its own reason follows the ']'.
            if line and not line.startswith(("#", "[")) and not line.endswith(" = ["):
                assert " # confirm: " in line, line


def test_the_draft_is_the_same_every_time(tmp_path):
    for make in EXPORTS.values():
        export = make(tmp_path)
        assert suggest_profile(export) == suggest_profile(export)


def test_the_name_can_be_given(tmp_path):
    assert draft_of(wide_csv(tmp_path), name="case_system")["source"]["name"] == "case_system"


# --- the drafts parse and load ---------------------------------------------------------------


@pytest.mark.parametrize("export", EXPORTS)
def test_draft_parses_as_written(tmp_path, export):
    profile = tmp_path / "draft.toml"
    profile.write_text(suggest_profile(EXPORTS[export](tmp_path)), encoding="utf-8")
    assert load_profile(profile).name


@pytest.mark.parametrize(
    ("export", "read", "loaded"),
    [
        ("corporate_csv", 6, 5),  # 'No finding' is left for the user to map
        ("adults_xlsx", 4, 4),
        ("childrens_json", 4, 3),  # K3 has no stages
        ("wide_csv", 5, 4),  # W4 has no stage data
        ("month_first_csv", 3, 3),
    ],
)
def test_draft_loads_once_the_organisation_is_set(tmp_path, monkeypatch, export, read, loaded):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test key 0123456789")
    path = EXPORTS[export](tmp_path)
    report = load_exports(store=tmp_path / "store", files=[path], profile=confirmed_profile(tmp_path, path))
    (entry,) = report.files
    assert (entry["read"], entry["loaded"], entry["quarantined"]) == (read, loaded, read - loaded)


def test_whole_number_stages_in_a_nested_list_load(tmp_path, monkeypatch):
    export = tmp_path / "numbers.json"
    cases = [
        {"ref": "N1", "stages": [{"stage": 1, "received": "2024-04-01"}, {"stage": 2, "received": "2024-05-01"}]},
        {"ref": "N2", "stages": []},
    ]
    export.write_text(json.dumps(cases), encoding="utf-8")
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test key 0123456789")
    report = load_exports(store=tmp_path / "store", files=[export], profile=confirmed_profile(tmp_path, export))
    assert (report.read, report.quarantined) == (3, 1)


# --- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "label", "expected"),
    [
        ("raised_via", "Member of Public", "public"),
        ("raised_via", "MP", "mp"),
        ("raised_via", "Cllr", "councillor"),
        ("raised_via", "Councillor", "councillor"),
        ("raised_via", "Family member", "representative"),
        ("raised_via", "Advocacy service", "advocate"),
        ("outcome", "Partially Upheld", "partly_upheld"),
        ("outcome", "Not Upheld", "not_upheld"),
        ("outcome", "Not justified", "not_upheld"),
        ("outcome", "Upheld - service failure", "upheld"),
        ("outcome", "No finding", None),
        ("stage", "Stage 1", "1"),
        ("stage", "S2", "2"),
        ("stage", "Local Government Ombudsman", "ombudsman"),
        ("process", "Corporate", "corporate"),
        ("process", "Adult Social Care", "adult_social_care"),
        ("process", "Children's Statutory", "childrens_statutory"),
    ],
)
def test_guess_value(field_name, label, expected):
    assert guess_value(field_name, label) == expected


def test_header_row_skips_a_title_block():
    grid = [
        ["Complaints report", None, None, None],
        ["Run date:", "02/05/2024", None, None],
        [None, None, None, None],
        ["Case Ref", "Received", "Stage", "Outcome"],
        ["C1", "01/04/2024", "Stage 1", None],
    ]
    assert find_header_row(grid) == 3
    assert find_header_row(grid[3:]) == 0
    assert find_header_row([["C1", "01/04/2024"], ["C2", "02/04/2024"]]) is None


@pytest.mark.parametrize(("delimiter", "name"), [(",", "commas"), (";", "semicolons"), ("\t", "tabs"), ("|", "pipes")])
def test_delimiter(delimiter, name):
    text = "Title only\n" + "\n".join(delimiter.join(row) for row in [["Ref", "Date", "Amount"], ["A", "1/2/2024", "1.50"], ["B", "2/2/2024", "2"]])
    assert sniff_delimiter(text) == (delimiter, f"3 of the first rows split into 3 fields on {name}")


def test_decimal_commas_do_not_fool_the_delimiter():
    text = "Ref;Date;Amount\nA;1/2/2024;1,50\nB;2/2/2024;12,00\n"
    assert sniff_delimiter(text)[0] == ";"


def test_a_large_csv_is_sniffed_from_its_head(tmp_path):
    export = tmp_path / "big.csv"
    body = "".join(f"C{i},{1 + i % 28:02d}/03/2024,Stage 1\n" for i in range(SAMPLE_ROWS * 3))
    export.write_text("Case Ref,Date Received,Stage\n" + body, encoding="utf-8")
    sample = export_format("csv").sample(export)
    assert (sample.rows, sample.complete) == (SAMPLE_ROWS, False)
    assert f"from its first {SAMPLE_ROWS:,} data rows (a sample; the file has more)" in suggest_profile(export)


def test_errors_name_the_file(tmp_path):
    with pytest.raises(UserError, match="file not found"):
        suggest_profile(tmp_path / "missing.csv")
    odd = tmp_path / "export.dat"
    odd.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(UserError, match="cannot tell the format"):
        suggest_profile(odd)
    no_records = tmp_path / "empty.json"
    no_records.write_text('{"cases": []}', encoding="utf-8")
    with pytest.raises(UserError, match="no list of records"):
        suggest_profile(no_records)


def test_cli_writes_the_draft(runner, tmp_path):
    export = wide_csv(tmp_path)
    out = tmp_path / "draft.toml"
    result = runner.invoke(app, ["profile", "suggest", str(export), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == suggest_profile(export)
    printed = runner.invoke(app, ["profile", "suggest", str(export)])
    assert printed.exit_code == 0, printed.output
    assert printed.output == suggest_profile(export)


# --- the bundled sample exports --------------------------------------------------------------


@pytest.mark.skipif(not SAMPLE_EXPORTS.is_dir(), reason="sample_data/exports not generated")
@pytest.mark.parametrize("export", sorted(SAMPLE_EXPORTS.glob("*")) if SAMPLE_EXPORTS.is_dir() else [], ids=lambda p: p.name)
def test_sample_exports_load_from_their_drafts(tmp_path, monkeypatch, export):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test key 0123456789")
    report = load_exports(store=tmp_path / "store", files=[export], profile=confirmed_profile(tmp_path, export))
    (entry,) = report.files
    assert entry["loaded"] >= 0.9 * entry["read"], entry["reasons"]
