"""The regulator's Tenant Satisfaction Measures workbook: CH01 and CH02 per landlord, read by headings, not positions.

The real published workbooks (2023-24 and 2024-25) sit in the shared data folder beside the
repository; where they are absent those tests skip, and the built workbooks below test the same
mechanism: a later year's sheet, columns moved, footnote digits, the regulator's markers.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from complaint_audit.errors import UserError
from complaint_audit.ingest.published.regulator import add_rates, landlord_totals, read_regulator_workbook

REGULATOR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "regulator"


def _real(year: str) -> Path:
    path = REGULATOR / f"tsm_full_data_{year}.xlsx"
    if not path.exists():
        pytest.skip(f"{path} is not here (the regulator's published workbook, see its README)")
    return path


@pytest.mark.parametrize(("year", "complaints", "on_time", "percent"), [
    ("2023-24", 152, 49, 32.2), ("2024-25", 171, 42, 24.6),
])
def test_a_council_s_stage_1_figures_are_read_from_the_real_workbook(year, complaints, on_time, percent):
    stage1 = landlord_totals(read_regulator_workbook(_real(year)), "Adur District Council").query("stage == '1'")

    assert stage1["year"].tolist() == [year]
    assert stage1["complaints"].tolist() == [complaints]
    assert stage1["answered_on_time"].tolist() == [on_time]
    assert stage1["percent_on_time"].round(1).tolist() == [percent]


def test_the_2024_25_workbook_splits_answers_on_time_by_extension():
    totals = landlord_totals(read_regulator_workbook(_real("2024-25")), "45UB")  # Adur, by its code

    assert totals[["stage", "on_time_without_extension", "on_time_with_extension"]].values.tolist() == [
        ["1", 42, 0], ["2", 8, 0]]


@pytest.mark.parametrize("year", ["2023-24", "2024-25"])
def test_rates_worked_out_from_the_figures_agree_with_every_rate_the_regulator_published(year):
    figures = add_rates(read_regulator_workbook(_real(year)))
    councils = figures.loc[figures["landlord_type"].isin(["LA", "LARP"]), "landlord"].nunique()

    assert councils > 150
    for ours, theirs in (("complaints_per_1000_homes", "published_complaints_per_1000_homes"),
                         ("percent_on_time", "published_percent_on_time")):
        both = figures[[ours, theirs]].dropna()
        assert len(both) > 800
        assert (both[ours] - both[theirs]).abs().max() <= 0.5  # published rounded to a whole number or one decimal


def _workbook(path: Path, headings: list[str], rows: list[list], sheet: str = "TSM27_Management_Info") -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Introduction"
    sheet = book.create_sheet(sheet)
    sheet.append([sheet.title])
    sheet.append(["Notes: [X] left blank"])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


_LATER_YEAR = [
    "Landlord code", "Landlord name", "A column added next year", "Landlord type",
    "Landlord group size (homes owned, LCRA and LCHO combined)",
    "LCRA - Number of stage two complaints made by tenants ... (CH01 2 Numerator)",
    "LCRA - Number of stage one complaints made by tenants ... (CH01 1 Numerator)3",
    "LCRA - Number of dwelling units owned of the relevant stock type at year end (CH01 1 Denominator)",
    "LCRA - Number of stage one complaints ... responded to within the Code's timescale (CH02 1 Numerator)",
    "LCRA - Number of stage one complaints made by tenants ... (CH02 1 Denominator)5 ",
    "LCHO - Number of stage one complaints made by tenants ... (CH01 1 Numerator)",
    "LCHO - Number of dwelling units owned of the relevant stock type at year end (CH01 1 Denominator)",
    "LCHO - Number of stage one complaints ... responded to within the Code's timescale (CH02 1 Numerator)",
    "LCHO - Number of stage one complaints made by tenants ... (CH02 1 Denominator)",
    "LCRA - Out of the number of stage one complaints made by tenants, what number were responded to within "
    "Complaint Handling Code timescales – with the use of the 10 day extension",
]


def test_a_later_year_s_workbook_with_columns_moved_reads_the_same(tmp_path):
    path = _workbook(tmp_path / "tsm.xlsx", _LATER_YEAR, [
        ["00AA", "Anytown Council ", "x", "LA", "5,000-40,000", 7, 120, 4000, 90, 120, 10, 1000, 5, 10, 12],
        ["L0001", "Blanktown Homes", "x", "PRP", "<5,000", "[X]", "[X]", "[X]", "[X]", "[X]", "[Z]", "[Z]", "[Z]",
         "[Z]", "[X]"],
    ])
    figures = read_regulator_workbook(path)
    anytown = landlord_totals(figures, "anytown council").query("stage == '1'")

    assert anytown["year"].tolist() == ["2026-27"]
    figures_of = ["complaints", "homes", "answered_on_time", "answered", "on_time_with_extension"]
    assert anytown[figures_of].values.tolist() == [[130, 5000, 95, 130, 12]]  # LCRA and LCHO added: no combined return
    assert anytown["complaints_per_1000_homes"].tolist() == [26.0]
    blank = figures.query("landlord == 'Blanktown Homes' and stage == '1'").set_index("stock")
    assert blank.loc["LCRA", "missing"] == "left blank by the landlord"
    assert blank.loc["LCHO", "missing"] == "not required of the landlord"
    assert blank["complaints"].isna().all()


def test_a_workbook_without_the_management_sheet_is_refused_naming_its_sheets(tmp_path):
    path = _workbook(tmp_path / "other.xlsx", _LATER_YEAR, [], sheet="Perception")

    with pytest.raises(UserError, match=r"other\.xlsx: no management-information sheet .*Introduction, Perception"):
        read_regulator_workbook(path)


def test_a_workbook_whose_sheet_reaches_excel_s_last_cell_is_refused_before_it_is_read(tmp_path):
    """The regulator's workbook is read as exports are: a sheet is scanned before calamine builds its grid, which for a
    cell at XFD1048576 would be 17 billion cells and end the process."""
    import zipfile

    path = _workbook(tmp_path / "tsm.xlsx", _LATER_YEAR, [
        ["00AA", "Anytown Council", "x", "LA", "<5,000", 1, 1, 1000, 1, 1, 0, 0, 0, 0, 0]])
    with zipfile.ZipFile(path) as source:
        parts = {member: source.read(member) for member in source.namelist()}
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b"</sheetData>", far)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in parts.items():
            target.writestr(member, data)

    with pytest.raises(UserError, match=r"tsm\.xlsx: sheet TSM27_Management_Info, row 1,048,576 has values in 16,384 columns"):
        read_regulator_workbook(path)


def test_a_landlord_not_in_the_workbook_is_refused(tmp_path):
    figures = read_regulator_workbook(_workbook(tmp_path / "tsm.xlsx", _LATER_YEAR, [
        ["00AA", "Anytown Council", "x", "LA", "<5,000", 1, 1, 1000, 1, 1, 0, 0, 0, 0, 0]]))

    with pytest.raises(UserError, match="'Nowhere Council' is not a landlord in the regulator's figures"):
        landlord_totals(figures, "Nowhere Council")


def test_a_run_sets_the_council_s_return_beside_its_housing_records(runner, tmp_path, monkeypatch):
    """[regulator] names a workbook; TS007 finds the return kinder than the records, from the command line."""
    from complaint_audit.cli import app
    from tests.builders import WIDE_HEADER, WIDE_PROFILE

    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    # Two housing Stage 1 complaints of 2023-24: one answered in 4 working days, one never answered.
    (tmp_path / "wide.toml").write_text(WIDE_PROFILE.replace('process = "corporate"', 'process = "housing"'),
                                        encoding="utf-8")
    rows = ["H-001,Member of Public,Ann Lee,ann@example.org,05/06/2023,09/06/2023,Upheld,,,,",
            "H-002,Member of Public,Bo Ray,bo@example.org,05/06/2023,,,,,,"]
    (tmp_path / "export.csv").write_text("\n".join(["Complaints export", WIDE_HEADER, *rows]) + "\n", encoding="utf-8")
    _workbook(tmp_path / "tsm.xlsx", _LATER_YEAR, [
        ["00AA", "Testshire Council", "x", "LA", "<5,000", 0, 2, 1000, 2, 2, 0, 0, 0, 0, 0]],
        sheet="TSM24_Management_Info")
    config = tmp_path / "audit.toml"
    config.write_text('organisation = "Testshire Council"\nas_of = 2024-05-31\n\n[regulator]\nfiles = ["tsm.xlsx"]\n\n'
                      '[[sources]]\nprofile = "wide.toml"\nfiles = ["export.csv"]\n', encoding="utf-8")

    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--format", "md", "--json"])

    assert result.exit_code in (0, 1), result.output
    (run_dir,) = [path for path in (tmp_path / "runs").iterdir() if path.is_dir()]
    checks = {check["code"]: check for check in json.loads((run_dir / "results.json").read_text())["checks"]}
    assert checks["TS007"]["status"] == "fail"
    assert checks["TS007"]["finding"] == (
        "2023-24 Stage 1: returned 100.0% answered within "
        "the Code's timescales (2 of 2), the records give 50.0% (1 of 2).")
    markdown = (run_dir / "report.md").read_text(encoding="utf-8")
    # A base below 10: counts, no percentage; the workbook holds no other council to chart it among.
    assert "| Stage 1 answered within the Code's timescales (CH02) | 2 of 2 | 1 of 2 | +1 answered on time |" in markdown
    assert "| Stage 2 answered within the Code's timescales (CH02) | not given | not compared |  |" in markdown
    assert "CH02 among councils" not in markdown
    assert "at Stage 1 it returned 1 more answered on time than the records show (TS007)." in markdown


def test_a_council_not_in_the_workbook_stops_the_run_before_anything_is_written(runner, tmp_path):
    from complaint_audit.cli import app

    _workbook(tmp_path / "tsm.xlsx", _LATER_YEAR, [["00AA", "Anytown Council", "x", "LA", "<5,000", 0, 1, 9, 1, 1,
                                                     0, 0, 0, 0, 0]])
    config = tmp_path / "audit.toml"
    config.write_text('organisation = "Testshire Council"\n\n[regulator]\nfiles = ["tsm.xlsx"]\n', encoding="utf-8")

    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs")])

    assert result.exit_code == 2
    assert "[regulator] 'Testshire Council' is not a landlord in the regulator's figures" in result.output
    assert not (tmp_path / "runs").exists()
