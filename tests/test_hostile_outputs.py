"""Formulas and HTML in an export stay inert in every output a person opens.

An export's text fields and case ids holding `=HYPERLINK(...)`, `=cmd|...` or `<script>` go
through a whole run (load, checks, report) and the review sample: the spreadsheets show them as
text (no formula cell, a leading '), the HTML report escapes them and the Markdown report
backslashes them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.cli import app
from complaint_audit.spreadsheet import FORMULA_START
from tests.bad_inputs import FORMULAS, SCRIPT, csv_profile, csv_row, csv_text

ESCAPED_SCRIPT = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
HOSTILE_FIELDS = ("Team", "Service", "Category", "Learning", "Remedy", "Letter")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """A run over an export whose every text field holds a formula or a script, answered late."""
    folder = tmp_path_factory.mktemp("hostile")
    profile = csv_profile(folder)
    rows = [csv_row(f"X{n}", responded="30/06/2023", **dict.fromkeys(HOSTILE_FIELDS, value)) for n, value in enumerate((*FORMULAS, SCRIPT), 1)]
    rows += [csv_row(SCRIPT, responded="30/06/2023"), csv_row(FORMULAS[1], responded="30/06/2023")]
    rows += [csv_row("=1+2", received="yesterday")]  # quarantined: its case id goes to quarantine.csv
    rows += [csv_row(f"G{n}") for n in range(12)]
    (folder / "hostile.csv").write_text(csv_text(rows), encoding="utf-8")
    config = folder / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\nperiod = "2023-24"\n\n[privacy]\nkey = "test-key-0123456789"\n\n'
                      f'[[sources]]\nprofile = "{profile.name}"\nfiles = ["hostile.csv"]\n', encoding="utf-8")
    return run_audit(config, out_root=folder / "runs", formats=("html", "md", "xlsx")).run_dir


def _workbook_cells(path: Path) -> list:
    workbook = openpyxl.load_workbook(path)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _starts_like_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)


def test_the_html_report_escapes_every_script(hostile_run):
    html = (hostile_run / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html  # the report has no script of its own, and none from the data
    assert html.count(ESCAPED_SCRIPT) >= 3  # as a team, a category and a case reference at least


def test_the_markdown_report_backslashes_every_script(hostile_run):
    markdown = (hostile_run / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown
    assert r"\<script\>alert('x')\</script\>" in markdown


def test_the_exceptions_spreadsheet_holds_no_formula(hostile_run):
    cells = _workbook_cells(hostile_run / "exceptions.xlsx")
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'" + FORMULAS[1] in texts and "'" + FORMULAS[0] in texts  # a case reference, a team
    assert not any(_starts_like_a_formula(text) for text in texts)


def test_the_recommendations_tracker_holds_no_formula(hostile_run):
    cells = _workbook_cells(hostile_run / "recommendations.xlsx")
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'+1+1 team, with 5 other teams" in texts  # an owner named from a hostile team
    assert not any(_starts_like_a_formula(text) for text in texts)


def test_the_csv_outputs_hold_no_cell_that_starts_like_a_formula(hostile_run):
    for name, neutralised in (("exceptions.csv", "'" + FORMULAS[1]), ("quarantine.csv", "'=1+2")):
        with (hostile_run / name).open(encoding="utf-8-sig", newline="") as handle:
            fields = [field for row in csv.reader(handle) for field in row]
        assert neutralised in fields, name
        assert [field for field in fields if _starts_like_a_formula(field)] == [], name


def test_the_review_workbook_holds_no_formula(runner, hostile_run, tmp_path):
    out = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["sample", "--store", str(hostile_run / "store"), "--n", "19", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = _workbook_cells(out)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert {"'" + FORMULAS[1], "'" + FORMULAS[0], SCRIPT} <= texts
    assert not any(_starts_like_a_formula(text) for text in texts)


def test_a_workbook_is_written_whatever_control_characters_its_cells_and_headers_hold(tmp_path):
    """One NUL or vertical tab stopped `run` and `sample` with IllegalCharacterError (issue 20, defect 13)."""
    import openpyxl
    import pandas as pd

    from complaint_audit.spreadsheet import write_workbook

    frame = pd.DataFrame({"team\x00": ["Housing\x00Team", "Adults\x0b", None], "count": [1, 2, 3]})
    write_workbook(tmp_path / "out.xlsx", {"Sheet": frame})
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows == [("team", "count"), ("HousingTeam", 1), ("Adults", 2), (None, 3)]


def test_a_workbook_is_written_whatever_noncharacters_and_surrogate_halves_its_cells_hold(tmp_path):
    """U+FFFF made a workbook Excel calls corrupt, and half a surrogate pair (JSON's "\\ud800") stopped the save:
    XML 1.0 forbids both, as it does NUL (issue 20, defect 13)."""
    import openpyxl
    import pandas as pd

    from complaint_audit.spreadsheet import write_workbook

    frame = pd.DataFrame({"team": pd.Series(["Housing\uffffTeam", "Adults\ud800", "Care\ufffe"], dtype=object),
                          "category": pd.Series(["Damp\uffff", "Noise", None], dtype="str")})
    frame.columns = pd.Index(["team\ud800", "category"], dtype=object)
    write_workbook(tmp_path / "out.xlsx", {"Sheet": frame})
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows == [("team", "category"), ("HousingTeam", "Damp"), ("Adults", "Noise"), ("Care", None)]


def test_a_workbook_holds_each_value_as_its_type_readers_open_it_and_its_header_is_frozen(tmp_path):
    """The sheet's XML is made a column at a time (spreadsheet.py): text escaped (& < > and a CR kept), whole numbers
    exact, a missing value or empty text no cell, a number that is not finite as its text, dates as dates, and a column of mixed
    Python values each as its own type; openpyxl and calamine read back what was written."""
    import datetime as dt

    import numpy as np
    import openpyxl
    import pandas as pd

    from complaint_audit.spreadsheet import write_workbook

    frame = pd.DataFrame({
        "text": pd.Series(["a & b <c>", "line\r\nbreak", None, "  padded  "], dtype="str"),
        "whole": pd.array([1, 2**60, None, -4], dtype="Int64"),
        "share": [1.5, np.nan, np.inf, 1e-7],
        "flag": [True, False, True, False],
        "when": pd.to_datetime(["2024-01-02", None, "2024-03-04 05:06:07", "1999-12-31"], format="ISO8601"),
        "mixed": pd.Series([7, "", dt.date(2024, 5, 6), True], dtype=object),
        "team": pd.Categorical(["Housing", None, "Adults", "Housing"]),
    })
    write_workbook(tmp_path / "out.xlsx", {"Figures": frame, "Empty": frame.iloc[:0]})
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["Figures", "Empty"]
    sheet = book["Figures"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("text", "whole", "share", "flag", "when", "mixed", "team"),
        ("a & b <c>", 1, 1.5, True, dt.datetime(2024, 1, 2), 7, "Housing"),
        ("line\r\nbreak", 2**60, None, False, None, None, None),
        (None, None, "inf", True, dt.datetime(2024, 3, 4, 5, 6, 7), dt.datetime(2024, 5, 6), "Adults"),
        ("  padded  ", -4, 1e-7, False, dt.datetime(1999, 12, 31), True, "Housing"),
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 13  # the longest of the first rows ('line\r\nbreak', 11) and 2
    assert list(book["Empty"].iter_rows(values_only=True)) == [("text", "whole", "share", "flag", "when", "mixed", "team")]
    read = pd.read_excel(tmp_path / "out.xlsx", sheet_name="Figures", engine="calamine")
    assert read["text"].tolist()[:2] == ["a & b <c>", "line\r\nbreak"]
    assert read["when"].tolist()[0] == pd.Timestamp("2024-01-02")


def test_a_sheet_name_excel_refuses_is_refused_before_anything_is_written(tmp_path):
    import pandas as pd
    import pytest

    from complaint_audit.spreadsheet import write_workbook

    with pytest.raises(ValueError, match="Cases/Letters"):
        write_workbook(tmp_path / "out.xlsx", {"Cases/Letters": pd.DataFrame({"a": [1]})})
    assert not (tmp_path / "out.xlsx").exists()


def test_sheet_names_and_headers_holding_xml_characters_read_back_as_written(tmp_path):
    """A sheet's name and a column's header are escaped as XML wants them: & < > and quotes, a carriage return kept."""
    import openpyxl
    import pandas as pd

    from complaint_audit.spreadsheet import write_workbook

    frame = pd.DataFrame({'Q&A <"notes">\r': ["a"], "it's": ["b"]})
    write_workbook(tmp_path / "out.xlsx", {'Q&A "it\'s" <1>': frame})
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ['Q&A "it\'s" <1>']
    assert list(book.active.iter_rows(values_only=True)) == [('Q&A <"notes">\r', "it's"), ("a", "b")]
