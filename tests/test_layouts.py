"""Each reader and each stage layout: xlsx with a title block, nested JSON, Parquet, long rows."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.builders import write

LONG_PROFILE = """
[source]
name = "adults"
sheet = "Cases"
header_row = 4
[constants]
organisation = "Testshire Council"
process = "adult_social_care"
[columns]
case_id = "Ref"
stage = "Stage"
received = "Received"
responded = "Responded"
[values.stage]
"1" = ["Local Resolution"]
ombudsman = ["LGSCO"]
"""

NESTED_PROFILE = """
[source]
name = "childrens"
records = "export.cases"
[constants]
organisation = "Testshire Council"
process = "childrens_statutory"
[columns]
case_id = "id"
team = "team.name"
[layout]
kind = "nested"
list = "stages"
[layout.fields]
stage = "stage"
received = "received"
investigation_completed = "io_report"
responded = "adjudication"
[personal]
drop = ["child.name"]
"""


def _records(tmp_path):
    return Store(tmp_path / "store").read_records()


def test_xlsx_with_title_block_blank_rows_and_real_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cases"
    sheet.append(["Adult Social Care complaints"])
    sheet.append(["Run on 01/04/2024"])
    sheet.append([])
    sheet.append(["Ref", "Stage", "Received", "Responded"])
    sheet.append([1001, "Local Resolution", dt.datetime(2023, 4, 14, 9, 30), dt.datetime(2023, 5, 2)])
    sheet.append([])
    sheet.append(["A-2", "LGSCO", 45030, "TBC"])
    book.save(tmp_path / "adults.xlsx")
    profile = write(tmp_path / "adults.toml", LONG_PROFILE)
    report = load_exports(store=tmp_path / "store", files=[tmp_path / "adults.xlsx"], profile=profile)
    records = _records(tmp_path)
    assert records[["case_id", "stage", "source_row"]].values.tolist() == [["1001", "1", 5]]
    assert records["received"].iloc[0] == pd.Timestamp("2023-04-14")
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_row", "reason", "detail"]].values.tolist() == [
        ["7", "bad_date", "responded: 'TBC' is not a date (expected day/month/year)"]
    ]
    assert (report.read, report.quarantined) == (2, 1)


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    openpyxl.Workbook().save(tmp_path / "adults.xlsx")
    profile = write(tmp_path / "adults.toml", LONG_PROFILE)
    with pytest.raises(UserError, match="no sheet named 'Cases' \\(sheets: Sheet\\)"):
        load_exports(store=tmp_path / "store", files=[tmp_path / "adults.xlsx"], profile=profile)


def test_nested_json_stages_become_rows_and_empty_or_broken_lists_are_quarantined(tmp_path):
    cases = [
        {"id": "K1", "team": {"name": "CSC"}, "child": {"name": "Tom"}, "stages": [
            {"stage": "1", "received": "2023-04-03", "adjudication": "2023-04-17"},
            {"stage": "2", "received": "2023-05-02", "io_report": "2023-05-30", "adjudication": "2023-06-20"},
        ]},
        {"id": "K2", "team": {"name": "CSC"}, "stages": []},
        {"id": "K3", "team": {"name": "CSC"}, "stages": "see file"},
        {"id": "K4", "team": {"name": "CSC"}},
    ]
    (tmp_path / "childrens.json").write_text(json.dumps({"export": {"cases": cases}}))
    profile = write(tmp_path / "childrens.toml", NESTED_PROFILE)
    report = load_exports(store=tmp_path / "store", files=[tmp_path / "childrens.json"], profile=profile)
    records = _records(tmp_path)
    assert records[["case_id", "stage", "team"]].values.tolist() == [["K1", "1", "CSC"], ["K1", "2", "CSC"]]
    assert records["investigation_completed"].iloc[1] == pd.Timestamp("2023-05-30")
    assert records["responded"].iloc[1] == pd.Timestamp("2023-06-20")
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["case_id", "source_row", "reason"]].values.tolist() == [
        ["K2", "2", "no_stage_data"], ["K3", "3", "bad_stage_list"], ["K4", "4", "no_stage_data"]
    ]
    assert report.read == 5 and report.quarantined == 3


def test_json_that_is_not_a_list_of_records_is_an_error(tmp_path):
    (tmp_path / "childrens.json").write_text(json.dumps({"export": {"cases": {"id": "K1"}}}))
    profile = write(tmp_path / "childrens.toml", NESTED_PROFILE)
    with pytest.raises(UserError, match=r"expected a list of records at 'export.cases', found an object with 1 key \('id'\)"):
        load_exports(store=tmp_path / "store", files=[tmp_path / "childrens.json"], profile=profile)


def test_parquet_long_layout_with_typed_columns(tmp_path):
    pd.DataFrame(
        {
            "Ref": ["P1", "P2"],
            "Stage": ["Local Resolution", "Stage 9"],
            "Received": pd.to_datetime(["2023-04-14", "2023-04-15"]),
            "Responded": pd.to_datetime(["2023-04-20", None]),
        }
    ).to_parquet(tmp_path / "adults.parquet")
    profile = write(tmp_path / "adults.toml", LONG_PROFILE.replace('sheet = "Cases"\nheader_row = 4\n', ""))
    load_exports(store=tmp_path / "store", files=[tmp_path / "adults.parquet"], profile=profile)
    assert _records(tmp_path)[["case_id", "source_row"]].values.tolist() == [["P1", 1]]
    assert Store(tmp_path / "store").read_quarantine()["detail"].tolist() == [
        "stage: 'Stage 9' is not mapped (allowed: 1, 2, 3, ombudsman)"
    ]


def test_csv_row_numbers_count_blank_lines_and_unnamed_trailing_columns_are_read(tmp_path):
    profile = write(tmp_path / "adults.toml", LONG_PROFILE.replace('sheet = "Cases"\nheader_row = 4\n', ""))
    (tmp_path / "adults.csv").write_text("Ref,Stage,Received,Responded,,\nR1,1,14/04/2023,,,\n\nR2,1,31/02/2024,,,\n")
    load_exports(store=tmp_path / "store", files=[tmp_path / "adults.csv"], profile=profile)
    assert _records(tmp_path)["source_row"].tolist() == [2]
    assert Store(tmp_path / "store").read_quarantine()["source_row"].tolist() == ["4"]


def test_whole_number_stages_in_json_read_as_stage_labels(tmp_path):
    cases = [
        {"id": "K1", "team": {"name": "CSC"}, "stages": [{"stage": 1, "received": "2023-04-03"}, {"stage": 2, "received": "2023-05-03"}]},
        {"id": "K2", "team": {"name": "CSC"}, "stages": []},
    ]
    (tmp_path / "childrens.json").write_text(json.dumps({"export": {"cases": cases}}))
    profile = write(tmp_path / "childrens.toml", NESTED_PROFILE)
    load_exports(store=tmp_path / "store", files=[tmp_path / "childrens.json"], profile=profile)
    assert _records(tmp_path)["stage"].tolist() == ["1", "2"]


def test_amounts_read_with_pound_signs_thousands_commas_and_any_spaces(tmp_path):
    profile = write(tmp_path / "adults.toml", LONG_PROFILE.replace('sheet = "Cases"\nheader_row = 4\n', "")
                    .replace('responded = "Responded"\n', 'responded = "Responded"\nremedy_amount = "Paid"\n'))
    rows = ["£1,250.50", " 75 ", "£\u00a0100", "1 000", "", "fifty"]
    lines = ["Ref,Stage,Received,Responded,Paid"] + [f"C{number},Local Resolution,14/04/2023,,\"{paid}\"" for number, paid in enumerate(rows)]
    (tmp_path / "adults.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_exports(store=tmp_path / "store", files=[tmp_path / "adults.csv"], profile=profile)
    records = _records(tmp_path).sort_values("source_row")
    assert records["remedy_amount"].tolist()[:4] == [1250.5, 75.0, 100.0, 1000.0]
    assert records["remedy_amount"].iloc[4:].isna().tolist() == [True]
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_row", "reason", "detail"]].values.tolist() == [["7", "bad_number", "remedy_amount: 'fifty' is not a number"]]
    assert (report.read, report.quarantined) == (6, 1)


def test_infinite_and_not_a_number_amounts_are_quarantined_as_bad_numbers(tmp_path):
    """'inf', '1e999' and 'NaN' parse as floats; as a remedy paid they are nonsense (issue 20, defect 19). 'N/A' in a
    CSV is one of the parser's words for a blank: no amount."""
    profile = write(tmp_path / "adults.toml", LONG_PROFILE.replace('sheet = "Cases"\nheader_row = 4\n', "")
                    .replace('responded = "Responded"\n', 'responded = "Responded"\nremedy_amount = "Paid"\n'))
    rows = ["inf", "-Infinity", "1e999", "NaN", "nan", "£250", "N/A"]
    lines = ["Ref,Stage,Received,Responded,Paid"] + [f"C{number},Local Resolution,14/04/2023,,{paid}" for number, paid in enumerate(rows)]
    (tmp_path / "adults.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_exports(store=tmp_path / "store", files=[tmp_path / "adults.csv"], profile=profile)
    amounts = _records(tmp_path).sort_values("source_row")["remedy_amount"]
    assert amounts.iloc[0] == 250.0 and amounts.iloc[1:].isna().all() and len(amounts) == 2
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine["detail"].tolist() == [f"remedy_amount: '{paid}' is not a number" for paid in rows[:5]]
    assert (report.read, report.quarantined) == (7, 5)
