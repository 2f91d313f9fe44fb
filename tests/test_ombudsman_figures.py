"""The ombudsman's annual figures: read through a profile, checked, kept in the run, shown beside the council's own."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from complaint_audit.cli import app
from complaint_audit.config import load_config
from complaint_audit.errors import UserError
from complaint_audit.ingest.published.ombudsman import audit_year, council_figures, read_ombudsman_figures
from complaint_audit.ingest.published.ombudsman_profile import load_ombudsman_profile
from complaint_audit.report import ombudsman
from complaint_audit.report.render import render_reports
from complaint_audit.report.suppression import Suppression
from tests.builders import write
from tests.conftest import SAMPLE_DATA

EXAMPLE = SAMPLE_DATA / "ombudsman" / "ombudsman_annual_figures_EXAMPLE.csv"
PROFILE = SAMPLE_DATA / "ombudsman" / "ombudsman_profile.toml"
HEADER = ("Organisation,Year,Complaints and enquiries decided,Detailed investigations,Upheld,Uphold rate (%),"
          "Average uphold rate for similar authorities (%),Upheld per 100000 residents,"
          "Compliance with recommendations (%),Satisfactory remedy provided by the authority,Note")
GOOD_ROW = "Testshire Council,2023-24,12,6,3,50%,70%,0.8,100%,1,made up"
SMALL_PROFILE = """
[source]
kind = "ombudsman_figures"
name = "figures"

[columns]
organisation = "Organisation"
year = "Year"
uphold_rate = "Uphold rate (%)"
upheld = "Upheld"
"""


def _figures(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    return write(tmp_path / "figures.csv", "\n".join(["# a note above the header", "", header, *rows]) + "\n")


def _read(tmp_path: Path, *rows: str, header: str = HEADER):
    profile = load_ombudsman_profile(PROFILE)
    return read_ombudsman_figures(_figures(tmp_path, *rows, header=header), profile)


def _error(call) -> str:
    with pytest.raises(UserError) as caught:
        call()
    return str(caught.value)


# -- reading and checking the file ----------------------------------------------------------------

def test_the_example_file_is_read_through_its_profile_with_every_figure():
    figures = read_ombudsman_figures(EXAMPLE, load_ombudsman_profile(PROFILE))
    northshire = figures.frame[figures.frame["organisation"] == "Northshire County Council"]
    assert northshire["year"].tolist() == ["2023-24", "2022-23"]
    assert northshire.iloc[0][["complaints_decided", "investigated", "upheld", "uphold_rate", "average_uphold_rate",
                               "upheld_per_100k", "compliance_rate", "satisfactory_remedy"]].tolist() == [
        19, 10, 8, 80, 77, 1.1, 100, 2]
    assert northshire["source_row"].tolist() == [4, 5]  # the line a person finds in the file
    assert set(figures.frame["note"]) == {"MADE-UP EXAMPLE: not published figures"}


def test_the_example_file_says_it_is_made_up_in_its_own_first_line():
    assert EXAMPLE.read_text(encoding="utf-8").splitlines()[0].startswith(
        "# MADE-UP EXAMPLE FIGURES for the complaint-audit demo: NOT the Local Government and Social Care Ombudsman's")


def test_years_in_other_spellings_and_marks_for_no_figure_are_understood(tmp_path):
    figures = _read(tmp_path, GOOD_ROW.replace("2023-24", "2023/2024").replace("100%", "n/a"))
    assert figures.frame.loc[0, "year"] == "2023-24"
    assert figures.frame["compliance_rate"].isna().tolist() == [True]


@pytest.mark.parametrize(("row", "message"), [
    (GOOD_ROW.replace(",3,50%", ",three,50%"), "row 4, column 'Upheld': 'three' is not a number"),
    (GOOD_ROW.replace("50%", "150%"), "row 4, column 'Uphold rate (%)': '150%' is not a percentage from 0 to 100"),
    (GOOD_ROW.replace(",3,50%", ",-3,50%"), "row 4, column 'Upheld': '-3' is not a whole number of cases, 0 or more"),
    (GOOD_ROW.replace("2023-24", "2023-25"), "row 4, column 'Year': '2023-25' is not a financial year such as 2023-24"),
    (GOOD_ROW.replace("Testshire Council", " "), "row 4, column 'Organisation': '' is empty"),
    # Issue 20, defect 19: 'inf' passed as a rate (it is 0 or more) and 'NaN' as any figure.
    (GOOD_ROW.replace(",0.8,", ",inf,"), "row 4, column 'Upheld per 100000 residents': 'inf' is not a number"),
    (GOOD_ROW.replace(",0.8,", ",Infinity,"), "row 4, column 'Upheld per 100000 residents': 'Infinity' is not a number"),
    (GOOD_ROW.replace(",1,made", ",NaN,made"), "row 4, column 'Satisfactory remedy provided by the authority': 'NaN' is not a number"),
])
def test_a_bad_figure_names_the_file_row_and_column(tmp_path, row, message):
    assert _error(lambda: _read(tmp_path, row)).startswith(f"{tmp_path / 'figures.csv'}: {message}")


def test_a_figures_file_of_too_many_columns_is_refused_before_pandas_reads_it(tmp_path):
    """Issue 20, defect 17: a header of a million columns is refused by its width, as an export's is."""
    header = HEADER + "".join(f",Extra {n}" for n in range(2001))
    assert _error(lambda: _read(tmp_path, GOOD_ROW, header=header)).startswith(
        f"{tmp_path / 'figures.csv'}: 2,012 columns; at most 2,000")


def test_a_missing_column_and_a_repeated_row_are_errors(tmp_path):
    assert _error(lambda: _read(tmp_path, GOOD_ROW, header=HEADER.replace("Upheld,", "Upheld cases,"))) == (
        f"{tmp_path / 'figures.csv'}: column 'Upheld' not found (the profile {PROFILE} maps upheld to it); the "
        f"file's columns: {HEADER.replace('Upheld,', 'Upheld cases,').replace(',', ', ')}")
    assert _error(lambda: _read(tmp_path, GOOD_ROW, GOOD_ROW.replace("12,", "13,", 1))) == (
        f"{tmp_path / 'figures.csv'}: rows 4 and 5 both hold Testshire Council for 2023-24; keep one")


@pytest.mark.parametrize(("text", "message"), [
    (SMALL_PROFILE.replace('kind = "ombudsman_figures"\n', ""),
     '[source] kind: must be "ombudsman_figures" in a profile for the ombudsman\'s annual figures'),
    (SMALL_PROFILE + 'uphold = "Uphold"\n', "[columns] uphold: not a figure (allowed: organisation, year, "
                                            "complaints_decided, investigated, upheld, uphold_rate, "
                                            "average_uphold_rate, upheld_per_100k, compliance_rate, "
                                            "satisfactory_remedy, note)"),
    (SMALL_PROFILE.replace('uphold_rate = "Uphold rate (%)"\n', ""),
     "[columns]: no column for 'uphold_rate' (required: organisation, year, uphold_rate)"),
    (SMALL_PROFILE + "[layout]\n", "layout: unknown key (allowed: columns, source)"),
])
def test_a_bad_profile_names_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path / "profile.toml", text)
    assert _error(lambda: load_ombudsman_profile(path)) == f"{path}: {message}"


# -- audit.toml ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("section", "message"), [
    ('[ombudsman]\nfile = "figures.csv"\n', "ombudsman.profile: required: [ombudsman] needs file = \"FIGURES.csv\" "
                                            "and profile = \"PROFILE.toml\""),
    ('[ombudsman]\nfile = "nowhere.csv"\nprofile = "p.toml"\n', "ombudsman.file: {folder}/nowhere.csv not found"),
    ('[ombudsman]\nfiles = "figures.csv"\n', "ombudsman.files: unknown key (allowed: file, profile)"),
])
def test_a_bad_ombudsman_section_names_the_config_and_key(tmp_path, section, message):
    write(tmp_path / "figures.csv", HEADER + "\n")
    config = write(tmp_path / "audit.toml", 'organisation = "Testshire Council"\n' + section)
    assert _error(lambda: load_config(config)) == f"{config}: {message.format(folder=tmp_path)}"


def test_the_run_command_stops_at_once_on_a_bad_figure_with_one_line_and_exit_2(runner, tmp_path):
    for folder in ("exports", "profiles", "regulator", "letters"):
        os.symlink(SAMPLE_DATA / folder, tmp_path / folder)
    os.mkdir(tmp_path / "ombudsman")
    shutil.copy(PROFILE, tmp_path / "ombudsman" / "ombudsman_profile.toml")
    bad = EXAMPLE.read_text(encoding="utf-8").replace("2023-24,19,10,8,80%", "2023-24,19,10,eight,80%")
    write(tmp_path / "ombudsman" / "ombudsman_annual_figures_EXAMPLE.csv", bad)
    (tmp_path / "audit.toml").write_text((SAMPLE_DATA / "audit.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "runs"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {tmp_path / 'ombudsman' / 'ombudsman_annual_figures_EXAMPLE.csv'}: "
                                     "row 4, column 'Upheld': 'eight' is not a number (leave it empty if there is "
                                     "none)")


# -- the section --------------------------------------------------------------------------------------

def test_the_ombudsman_year_follows_the_audit_period(tmp_path):
    config = write(tmp_path / "audit.toml", 'period = { start = 2024-01-01, end = 2024-12-31 }\n')
    assert audit_year(load_config(config).period) == "2024-25"
    assert audit_year(load_config(write(tmp_path / "fy.toml", 'period = "2022-23"\n')).period) == "2022-23"


def test_a_council_missing_from_the_file_is_a_warning_in_the_section_not_an_error():
    figures = read_ombudsman_figures(EXAMPLE, load_ombudsman_profile(PROFILE))
    record = council_figures(figures, "Nowhere Council", "2023-24", SAMPLE_DATA)
    section = ombudsman.section(record, {}, Suppression(0))
    assert record["rows"] == [] and section["figures"] is None
    assert section["warning"] == (
        "Nowhere Council is not in the Ombudsman's figures file (ombudsman/ombudsman_annual_figures_EXAMPLE.csv), so "
        "its figures are not shown. Check that the name in the file matches `organisation` in audit.toml.")
    assert section["notes"] == ["MADE-UP EXAMPLE: not published figures"]


def test_the_demo_report_shows_the_figures_beside_the_councils_own_and_says_they_are_made_up(sample_run):
    markdown = (sample_run / "report.md").read_text(encoding="utf-8")
    html = (sample_run / "report.html").read_text(encoding="utf-8")
    assert "### The Ombudsman's figures for 2023-24" in markdown
    assert "**Note from the figures file: MADE-UP EXAMPLE: not published figures**" in markdown
    assert "<strong>Note from the figures file: MADE-UP EXAMPLE: not published figures</strong>" in html
    assert "| Uphold rate | 80% | 71% |" in markdown
    assert "| Average uphold rate for similar authorities | 77% | 75% |" in markdown
    assert "| Compliance with the Ombudsman's recommendations | 100% | 100% |" in markdown
    assert "| Complaints recorded at the Ombudsman stage | 14 |" in markdown
    assert "| Upheld or partly upheld by the council, all stages | 48.4% |" in markdown
    assert ("The Ombudsman upheld 80% of its detailed investigations into the council in 2023-24, against an average "
            "of 77% for similar authorities: 3 points above the average.") in markdown
    assert "<th scope=\"row\">Uphold rate</th><td>80%</td><td>71%</td>" in html


def test_the_run_folder_keeps_the_figures_so_the_report_renders_again_without_the_config(sample_run, tmp_path):
    kept = json.loads((sample_run / "ombudsman.json").read_text(encoding="utf-8"))
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ombudsman"] == {"file": "ombudsman/ombudsman_annual_figures_EXAMPLE.csv",
                                     "sha256": kept["sha256"], "profile": "lgsco_annual_review"}
    assert [row["year"] for row in kept["rows"]] == ["2023-24", "2022-23"]
    moved = tmp_path / sample_run.name
    shutil.copytree(sample_run, moved, ignore=shutil.ignore_patterns("report.*"))
    render_reports(moved, ("md",))
    assert "| Uphold rate | 80% | 71% |" in (moved / "report.md").read_text(encoding="utf-8")
