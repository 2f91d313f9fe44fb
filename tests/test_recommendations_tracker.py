"""Recommendations a committee can track: an owner from the teams holding the cases, a due date, and recommendations.xlsx."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from complaint_audit.audit.run_folder import Manifest
from complaint_audit.cli import app
from complaint_audit.config import load_config
from complaint_audit.errors import UserError
from complaint_audit.report.context import report_context
from complaint_audit.report.render import render_reports
from complaint_audit.report.text import long_date
from complaint_audit.report.tracker import COLUMNS, write_tracker
from complaint_audit.report.tracking import TIMESCALE_MONTHS, due_date, owners_of, plan_start, tracked
from tests.builders import write

HEADERS = ["No.", "Recommendation", "Priority", "Owner", "Due date", "Checks", "Cases", "Against the previous run",
           "Management response", "Agreed date", "Evidence of completion"]


def _exceptions(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """An exceptions table of (check, case_id, team) rows, one organisation."""
    return pd.DataFrame([{"check": check, "organisation": "Testshire", "case_id": case, "team": team}
                         for check, case, team in rows])


def _cases(check: str, team: str | None, count: int, first: int = 0) -> list[tuple]:
    return [(check, f"{team}-{number}", team) for number in range(first, first + count)]


# Owners


def test_with_a_map_the_owner_is_the_officer_of_the_team_holding_most_cases():
    exceptions = _exceptions(*_cases("TS001", "Housing Complaints", 5), *_cases("TS001", "Corporate Complaints", 2))
    owners = owners_of({1: ["TS001"]}, exceptions, [("Housing Complaints", "Director of Housing"),
                                                    ("Corporate Complaints", "Head of Customer Services")])
    assert owners == {1: {"owner": "Director of Housing", "team": "Housing Complaints", "other_teams": 1,
                          "text": "Director of Housing (Housing Complaints), with 1 other team"}}


def test_without_a_map_the_owner_is_the_team_itself():
    exceptions = _exceptions(*_cases("OV001", "Housing Complaints", 3), *_cases("TS002", "Adult Social Care Team", 4))
    owners = owners_of({1: ["OV001"], 2: ["TS002"]}, exceptions)
    assert owners[1]["text"] == "Housing Complaints team"
    assert owners[2]["text"] == "Adult Social Care Team"  # not "Team team"


def test_cases_over_two_teams_name_the_main_one_and_count_the_other():
    exceptions = _exceptions(*_cases("FT001", "Corporate Complaints", 3), *_cases("FT001", "Housing Complaints", 2),
                             *_cases("FT002", "Housing Complaints", 2, first=10))
    owners = owners_of({1: ["FT001", "FT002"]}, exceptions)
    assert owners[1]["text"] == "Housing Complaints team, with 1 other team"  # 4 cases of its checks to 3


def test_a_case_listed_by_two_checks_of_one_recommendation_counts_once():
    exceptions = _exceptions(*_cases("FT001", "Corporate Complaints", 3), *_cases("FT002", "Corporate Complaints", 3),
                             *_cases("FT001", "Housing Complaints", 4))
    assert owners_of({1: ["FT001", "FT002"]}, exceptions)[1]["team"] == "Housing Complaints"


def test_teams_mapped_to_one_officer_count_together_and_the_map_ignores_case_and_spacing():
    exceptions = _exceptions(*_cases("TS001", "Housing Repairs", 2), *_cases("TS001", "Housing Complaints", 2),
                             *_cases("TS001", "Corporate Complaints", 3))
    owners = owners_of({1: ["TS001"]}, exceptions, [("housing  repairs", "Director of Housing"),
                                                    ("Housing Complaints", "Director of Housing")])
    assert owners[1]["owner"] == "Director of Housing" and owners[1]["other_teams"] == 1
    assert owners[1]["text"] == "Director of Housing (Housing Complaints), with 1 other team"


def test_a_recommendation_whose_cases_name_no_team_keeps_the_suggested_owner_and_says_so():
    plan = tracked([_recommendation(1, ["DQ001"])], _exceptions(("DQ001", "A-1", None)), (), dt.date(2024, 7, 15))
    assert plan[0]["owner"] == "Complaints Manager (suggested: the cases name no team)"
    assert plan[0]["cases"] == "1"


# Due dates


@pytest.mark.parametrize(("timescale", "due"), [("quick win", dt.date(2024, 8, 15)),
                                                ("within 3 months", dt.date(2024, 10, 15)),
                                                ("within 12 months", dt.date(2025, 7, 15))])
def test_each_timescale_gives_a_date_counted_from_the_start(timescale, due):
    assert due_date(dt.date(2024, 7, 15), timescale) == due


def test_every_timescale_a_check_can_give_has_its_months():
    from complaint_audit.engine.contract import Priority
    from complaint_audit.report.themes import TIMESCALES

    assert {priority.value for priority in Priority} == set(TIMESCALES) == set(TIMESCALE_MONTHS)


def test_a_month_on_from_the_last_day_of_a_month_is_the_next_month_s_last_day():
    assert due_date(dt.date(2024, 1, 31), "quick win") == dt.date(2024, 2, 29)
    assert due_date(dt.date(2023, 11, 30), "within 3 months") == dt.date(2024, 2, 29)


def test_dates_count_from_the_committee_where_given_else_from_the_report():
    report_date = dt.date(2024, 5, 16)
    committee = plan_start(dt.date(2024, 7, 15), report_date, "Audit Committee")
    assert committee == {"date": dt.date(2024, 7, 15),
                         "text": "Due dates count from the meeting of the Audit Committee on 15 July 2024."}
    assert plan_start(None, report_date, "Audit Committee") == {
        "date": report_date, "text": "Due dates count from the date of this report, 16 May 2024."}


def test_the_sentence_ends_with_its_date_in_place_of_its_timescale():
    plan = tracked([_recommendation(1, ["TS001"], due_in="within 3 months")],
                   _exceptions(*_cases("TS001", "Housing Complaints", 2)), (), dt.date(2024, 7, 15))
    assert plan[0]["text"] == "The council should acknowledge every complaint on the day it is logged, by 15 October 2024."
    assert plan[0]["due"] == "2024-10-15"


def _recommendation(number: int, codes: list[str], due_in: str = "quick win") -> dict:
    return {"number": number, "codes": codes, "action": "Acknowledge every complaint on the day it is logged",
            "text": "The council should acknowledge every complaint on the day it is logged, within one month.",
            "priority": "High", "due_in": due_in, "timescale": "within one month",
            "suggested_owner": "Complaints Manager", "theme_title": "Timeliness"}


# audit.toml


def test_committee_date_and_owners_are_read_and_recorded_in_the_manifest(tmp_path):
    config = load_config(write(tmp_path / "audit.toml", """
        [report]
        committee_date = 2024-07-15
        [report.owners]
        "Housing Complaints" = "Director of Housing"
    """))
    assert config.report.committee_date == dt.date(2024, 7, 15)
    assert config.report.owners == (("Housing Complaints", "Director of Housing"),)
    recorded = Manifest.from_json(json.loads(json.dumps(Manifest(settings=config.recorded()).to_json()))).settings
    assert (recorded.report.committee_date, recorded.report.owners) == (config.report.committee_date, config.report.owners)


@pytest.mark.parametrize(("text", "message"), [
    ("[report]\ncommittee_date = \"next July\"", "report.committee_date: 'next July' is not a date"),
    ("[report]\nowners = [\"Director of Housing\"]", "report.owners: must be a table of team = owner"),
    ("[report.owners]\n\"Housing Complaints\" = 3", "report.owners: must be a table of team = owner"),
])
def test_a_bad_committee_date_or_owners_map_names_the_key(tmp_path, text, message):
    with pytest.raises(UserError, match=message):
        load_config(write(tmp_path / "audit.toml", text))


# The sample's run: report.md and recommendations.xlsx


def _copy(run_dir: Path, root: Path, **report_settings) -> Path:
    """A copy of RUN_DIR without its reports, its manifest's [report] settings changed as given."""
    copy = shutil.copytree(run_dir, root / run_dir.name, ignore=shutil.ignore_patterns("report.*", "*.xlsx"))
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["report"].update(report_settings)
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


@pytest.fixture(scope="module")
def committee_run(sample_run, tmp_path_factory) -> Path:
    """The sample's run as if its audit.toml gave a committee date and mapped its teams to officers."""
    copy = _copy(sample_run, tmp_path_factory.mktemp("committee"), committee_date="2024-07-15", owners={
        "Corporate Complaints": "Head of Customer Services", "Housing Complaints": "Director of Housing",
        "Adult Social Care Complaints": "Director of Adult Social Services",
        "Children's Complaints": "Director of Children's Services"})
    render_reports(copy, ["md", "xlsx"])
    return copy


def test_the_sample_s_action_plan_names_the_teams_and_counts_from_the_report_s_date(sample_run):
    started = dt.datetime.fromisoformat(json.loads((sample_run / "manifest.json").read_text())["started_at"]).date()
    in_three_months = (pd.Timestamp(started) + pd.DateOffset(months=3)).date()
    markdown = (sample_run / "report.md").read_text(encoding="utf-8")
    assert f"Due dates count from the date of this report, {long_date(started)}." in markdown
    assert ("| 8 | The council should put complaints from MPs and councillors through the normal complaints procedure, "
            f"stages and timescales, and report their handling alongside the public's, by {long_date(in_three_months)}. | "
            "High | Corporate Complaints team, with 1 other team | DQ006, FT001, FT002, FT003 | new |  |  |  |") in markdown
    assert ("| No. | Recommendation | Priority | Owner | Checks | Against the previous run | Management response | "
            "Agreed date | Evidence of completion |") in markdown
    assert "Suggested owner" not in markdown


def test_without_a_committee_date_the_dates_count_from_the_day_the_run_finished(sample_run, tmp_path):
    copy = _copy(sample_run, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(started_at="2024-01-31T12:00:00+00:00", finished_at="2024-01-31T12:00:05+00:00")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    context = report_context(copy)
    plan = {code: item for item in context["recommendations"] for code in item["codes"]}
    assert (plan["CSC002"]["due"], plan["CSC002"]["owner"]) == ("2024-02-29", "Children's Complaints team")
    assert plan["FT001"]["due"] == "2024-04-30" and plan["FT001"]["priority"] == "High"
    assert context["meta"]["due_from"] == "Due dates count from the date of this report, 31 January 2024."


def test_the_sample_s_run_writes_the_tracker_workbook(sample_run):
    rows = list(load_workbook(sample_run / "recommendations.xlsx")["Recommendations"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert {row[5]: row[3] for row in rows[1:]}["CSC002, CSC003"] == "Children's Complaints team"
    assert len(rows) == 1 + len(report_context(sample_run)["recommendations"])


def test_with_a_committee_date_and_owners_report_md_names_officers_and_dates(committee_run):
    markdown = (committee_run / "report.md").read_text(encoding="utf-8")
    assert "Due dates count from the meeting of the Audit Committee on 15 July 2024." in markdown
    assert ("| 8 | The council should put complaints from MPs and councillors through the normal complaints procedure, "
            "stages and timescales, and report their handling alongside the public's, by 15 October 2024. | High | "
            "Head of Customer Services (Corporate Complaints), with 1 other team | DQ006, FT001, FT002, FT003 | new |  |  "
            "|  |") in markdown
    assert "by 15 August 2024. |" in markdown.split("| 1 | ", 1)[1].split("\n", 1)[0]  # recommendation 1's row


def test_the_tracker_workbook_has_a_row_per_recommendation(committee_run):
    recommendations = report_context(committee_run)["recommendations"]
    book = load_workbook(committee_run / "recommendations.xlsx")
    assert book.sheetnames == ["Recommendations"]  # a first run: nothing resolved
    sheet = book["Recommendations"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS == list(COLUMNS)
    # One per issue: 27 (TS007's, and issue 17's AC001-AC004, TS008, OV005, QR009-QR011, RM001 and RM002 among them),
    # the members' two in one.
    assert len(rows) == 1 + len(recommendations) == 28
    by_checks = {row[5]: row for row in rows[1:]}
    assert by_checks["CSC002, CSC003"][2:] == ("High", "Director of Children's Services (Children's Complaints)",
                                               dt.datetime(2024, 8, 15), "CSC002, CSC003", 14, "new", None, None,
                                               None)
    assert by_checks["DQ006, FT001, FT002, FT003"][4] == dt.datetime(2024, 10, 15)
    assert [row[0] for row in rows[1:]] == list(range(1, 28))
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b and sheet.column_dimensions["B"].width == 70


def test_a_second_run_s_tracker_lists_what_was_resolved(committee_run, tmp_path):
    first = _copy(committee_run, tmp_path, committee_date="2024-07-15")
    first = first.rename(tmp_path / "20240516T120000Z-1a2b3c4d")
    results = json.loads((first / "results.json").read_text())
    checks = [{**check, "recommendation": {"text": "Retire the old complaints form", "priority": "quick win"}}
              if check["code"] == "TS005" else check for check in results["checks"]]
    (first / "results.json").write_text(json.dumps({**results, "checks": checks}))
    second = _copy(committee_run, tmp_path, committee_date="2024-10-21")
    manifest = json.loads((second / "manifest.json").read_text())
    (second / "manifest.json").write_text(json.dumps({**manifest, "previous_run": first.name}))
    render_reports(second, ["xlsx"])
    book = load_workbook(second / "recommendations.xlsx")
    resolved = list(book["Resolved"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[4], row[7]) for row in resolved] == [
        ("The council should retire the old complaints form, by 15 August 2024.", dt.datetime(2024, 8, 15), "resolved")]
    states = {row[5]: (row[4], row[7]) for row in book["Recommendations"].iter_rows(min_row=2, values_only=True)}
    assert states["TS005"] == (dt.datetime(2024, 11, 21), "new")
    assert states["CSC002, CSC003"] == (dt.datetime(2024, 11, 21), "repeated")


def test_report_writes_the_tracker_as_format_xlsx_with_formula_like_text_kept_as_text(runner, sample_run, tmp_path):
    copy = shutil.copytree(sample_run, tmp_path / sample_run.name, ignore=shutil.ignore_patterns("report.*", "*.xlsx"))
    result = runner.invoke(app, ["report", str(copy), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {copy / 'recommendations.xlsx'}" in result.output and not (copy / "report.html").exists()
    hostile = {"number": 1, "text": "=HYPERLINK(\"http://x\")", "priority": "High", "owner": "@team", "due": None,
               "codes": ["TS001"], "cases": "<5", "state": "new"}
    write_tracker(tmp_path / "hostile.xlsx", [hostile], [{**hostile, "state": "resolved", "due": "2024-08-15"}])
    book = load_workbook(tmp_path / "hostile.xlsx")
    row = next(book["Recommendations"].iter_rows(min_row=2, values_only=True))
    assert row[1:5] == ("'=HYPERLINK(\"http://x\")", "High", "'@team", None) and row[6] == "<5"
    assert book["Resolved"]["E2"].value == dt.datetime(2024, 8, 15)


def test_the_tracker_is_not_written_unless_asked(sample_run, tmp_path):
    copy = shutil.copytree(sample_run, tmp_path / sample_run.name, ignore=shutil.ignore_patterns("report.*", "*.xlsx"))
    assert set(render_reports(Path(copy), ["md"])) == {"md"} and not (copy / "recommendations.xlsx").exists()
