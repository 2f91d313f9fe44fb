"""audit.toml: sources resolved relative to the file; mistakes named with file and key."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from complaint_audit.audit.run_folder import Manifest
from complaint_audit.cli import app
from complaint_audit.config import RecordedConfig, ReportConfig, financial_year, load_config
from complaint_audit.engine.params import derived_type, param_types
from complaint_audit.engine.registry import discover
from complaint_audit.errors import UserError
from complaint_audit.ingest.sources import jobs_from_config
from tests.builders import WIDE_PROFILE, wide_export, write


def test_sources_globs_resolve_relative_to_the_config(tmp_path):
    write(tmp_path / "audit" / "profiles" / "corporate.toml", WIDE_PROFILE)
    for month in ("2023-04", "2023-05"):
        write(tmp_path / "audit" / "exports" / f"corporate-{month}.csv", "x")
    config = load_config(write(tmp_path / "audit" / "audit.toml", """
        organisation = "Testshire Council"
        [calendar]
        nation = "wales"
        closure_days = ["2023-12-27", 2023-12-28]
        [[sources]]
        profile = "profiles/corporate.toml"
        files = ["exports/corporate-*.csv"]
    """))
    assert config.calendar.closure_days == (dt.date(2023, 12, 27), dt.date(2023, 12, 28))
    assert [job.label for job in jobs_from_config(config)] == ["exports/corporate-2023-04.csv", "exports/corporate-2023-05.csv"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1", "colour: unknown key"),
        ("[calendar]\nnation = \"mars\"", "calendar.nation: 'mars' is not one of england, wales, scotland, northern_ireland"),
        ("[calendar]\nclosure_days = [\"27/12/2023\"]", "calendar.closure_days: '27/12/2023' is not a date"),
        ("[[sources]]\nprofile = \"p.toml\"", "sources #1: needs profile"),
        ("[calendar]\ncountry = \"XX\"", "calendar.country: unknown country 'XX': the codes are those of the `holidays` package"),
        ("[calendar]\ncountry = \"US\"\nsubdivision = \"ZZ\"",
         "calendar.subdivision: unknown subdivision 'ZZ' of country 'US': the codes are those of the `holidays` package: "
         "see its list of supported countries at https://holidays.readthedocs.io"),
        ("[calendar]\nsubdivision = \"NY\"", "calendar.subdivision: needs its country"),
        ("[calendar]\nnation = \"wales\"\ncountry = \"US\"", "calendar.nation: give a UK nation, or a country"),
    ],
)
def test_config_mistakes(tmp_path, text, message):
    path = write(tmp_path / "audit.toml", text)
    with pytest.raises(UserError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_calendar_of_any_country_and_subdivision(tmp_path):
    config = load_config(write(tmp_path / "audit.toml", """
        [calendar]
        country = "US"
        subdivision = "NY"
    """))
    assert (config.calendar.country, config.calendar.subdivision, config.nation) == ("US", "NY", None)
    assert load_config(write(tmp_path / "uk.toml", "")).calendar.place == {"nation": "england", "country": "GB",
                                                                          "subdivision": "ENG"}


def test_sources_may_name_files_outside_the_config_folder_absolute_or_relative(tmp_path):
    write(tmp_path / "audit" / "p.toml", WIDE_PROFILE)
    for month in ("2023-04", "2023-05"):
        write(tmp_path / "exports" / f"corporate-{month}.csv", "x")
    config = load_config(write(tmp_path / "audit" / "audit.toml", f"""
        [[sources]]
        profile = "p.toml"
        files = ["{tmp_path.as_posix()}/exports/*-04.csv", "{tmp_path.as_posix()}/exports/corporate-2023-05.csv"]
        [[sources]]
        profile = "p.toml"
        files = ["../exports/*-05.csv"]
    """))
    exports = (tmp_path / "exports").as_posix()
    assert [job.label for job in jobs_from_config(config)] == [
        f"{exports}/corporate-2023-04.csv", f"{exports}/corporate-2023-05.csv", "../exports/corporate-2023-05.csv"]


def test_a_source_pattern_matching_nothing_is_an_error(tmp_path):
    write(tmp_path / "p.toml", WIDE_PROFILE)
    config = load_config(write(tmp_path / "audit.toml", '[[sources]]\nprofile = "p.toml"\nfiles = ["exports/*.csv"]'))
    with pytest.raises(UserError, match=r"sources #1: 'exports/\*.csv' matches no file"):
        jobs_from_config(config)


def test_period_report_and_history(tmp_path):
    config = load_config(write(tmp_path / "audit.toml", """
        period = { start = 2023-01-01, end = 2023-06-30 }
        [report]
        marking = "OFFICIAL-SENSITIVE"
        free_text = true
        templates = "my_templates"
        [history]
        keep = 6
    """))
    assert (config.period.start, config.period.end, config.period.kind) == (dt.date(2023, 1, 1), dt.date(2023, 6, 30), "dates")
    assert (config.report.marking, config.report.free_text, config.report.title) == ("OFFICIAL-SENSITIVE", True, "Complaint handling assessment")
    assert config.report.templates == tmp_path / "my_templates"
    assert config.keep_runs == 6


def test_a_financial_year_period():
    period = financial_year("2023-24")
    assert (period.start, period.end, period.kind) == (dt.date(2023, 4, 1), dt.date(2024, 3, 31), "financial_year")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period = \"2023-25\"", "period: period '2023-25' is not a financial year such as 2023-24"),
        ("period = { start = 2024-01-01, end = 2023-01-01 }", "period: ends (2023-01-01) before it starts (2024-01-01)"),
        ("[report]\nfree_text = \"yes\"", "report.free_text: must be true or false"),
        ("[history]\nkeep = 0", "history.keep: must be a whole number of runs, 1 or more"),
    ],
)
def test_period_report_and_history_mistakes(tmp_path, text, message):
    with pytest.raises(UserError, match=re.escape(message)):
        load_config(write(tmp_path / "audit.toml", text))


# A check's parameters, and the codes [checks] selects and ignores, checked when audit.toml is read.
_WRONG_PARAMS = [
    ('[checks.params.TS002]\nred_above = "20"', '[checks.params.TS002] red_above: must be a number (not "20")'),
    ("[checks.params.QR004]\non_extension = 1", "[checks.params.QR004] on_extension: must be true or false (not 1)"),
    ("[checks.params.DQ003]\nwindow_days = 2.5", "[checks.params.DQ003] window_days: must be a whole number (not 2.5)"),
    ("[checks.params.TS002]\nresponse_working_days = 10",
     "[checks.params.TS002] response_working_days: must be a table of whole numbers by stage (not 10)"),
    ("[checks.params.TS001]\nacknowledge_working_days = { corporate = 5, coporate = 3 }",
     '[checks.params.TS001] acknowledge_working_days: must be a table of whole numbers by process ("coporate" is not a process)'),
    ('[checks.params.TS006]\ncode_working_days = { corporate = { "1" = "fifteen" } }',
     "[checks.params.TS006] code_working_days: must be a table of tables of whole numbers by stage by process "
     '("corporate", "1" is "fifteen")'),
    ('[checks.params.DQ001]\nfields = "team"', '[checks.params.DQ001] fields: must be a list of strings (not "team")'),
    ('[checks.params.FT004]\nupheld_outcomes = ["upheld", "partially"]',
     "[checks.params.FT004] upheld_outcomes: must be a list of outcomes (upheld, partly_upheld, not_upheld, withdrawn, "
     'resolved, out_of_scope) (item 2 is "partially")'),
    ("[checks.params.TS002]\namber_above = 30",
     "[checks.params.TS002] amber_above: amber_above (30) is above red_above (20): a check turns amber before it turns red"),
    ("[checks.params.TS002]\ncolour = 1", "[checks.params.TS002] colour: unknown parameter (parameters of TS002: "
     "acknowledge_working_days, response_working_days, extension_working_days, amber_above, red_above)"),
    ("[checks.params.ZZ001]\nred_above = 1", "[checks.params.ZZ001]: no check has that code (see `complaint-audit checks list`)"),
    ("[checks.params]\nTS002 = 5", "[checks.params] TS002: must be a table of TS002's parameters: [checks.params.TS002]"),
    ('[checks]\nselect = ["TS", "QQ"]', "checks.select: 'QQ' matches no check code (see `complaint-audit checks list`)"),
    ('[checks]\nignore = ["TS0099"]', "checks.ignore: 'TS0099' matches no check code (see `complaint-audit checks list`)"),
]


@pytest.mark.parametrize(("params", "message"), _WRONG_PARAMS)
def test_a_wrong_parameter_stops_the_run_before_any_export_is_loaded(runner, tmp_path, params, message):
    write(tmp_path / "corporate.toml", WIDE_PROFILE)
    wide_export(tmp_path, "C1,Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,,,,")
    config = write(tmp_path / "audit.toml", f'[[sources]]\nprofile = "corporate.toml"\nfiles = ["corporate.csv"]\n{params}\n')
    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {config}: {message}"
    assert not (tmp_path / "runs").exists()


def test_parameters_take_their_declared_type(tmp_path):
    config = load_config(write(tmp_path / "audit.toml", """
        [checks.params.TS002]
        red_above = 50
        response_working_days = { "1" = 15 }
        [checks.params.OV001]
        comparable_processes = [["corporate", "housing", "other"]]
    """))
    assert config.checks.params == {"TS002": {"red_above": 50.0, "response_working_days": {"1": 15}},
                                    "OV001": {"comparable_processes": [["corporate", "housing", "other"]]}}
    assert isinstance(config.checks.params["TS002"]["red_above"], float)


def test_a_check_declares_a_type_its_default_cannot_show(tmp_path):
    write(tmp_path / "local" / "teams.py", """
        from complaint_audit.engine.contract import Area, Check, CheckResult, Status
        from complaint_audit.engine.params import TEXT, list_of


        class Teams(Check):
            code, title, area, rule, source = "LOC001", "Teams", Area.OVERSIGHT, "A rule.", "A source."
            params = {"teams": []}
            param_types = {"teams": list_of(TEXT)}

            def run(self, data, params):
                return CheckResult(Status.PASS, {}, "fine")
    """)
    text = '[checks]\npaths = ["local"]\n[checks.params.LOC001]\nteams = {teams}\n'
    config = load_config(write(tmp_path / "audit.toml", text.format(teams='["Housing"]')))
    assert config.checks.params == {"LOC001": {"teams": ["Housing"]}}
    with pytest.raises(UserError, match=re.escape("[checks.params.LOC001] teams: must be a list of strings (item 1 is 3)")):
        load_config(write(tmp_path / "audit.toml", text.format(teams="[3]")))


def test_a_default_that_cannot_show_its_type_must_be_declared():
    with pytest.raises(TypeError, match="declare it in param_types"):
        derived_type([])


@pytest.mark.parametrize("code", sorted(discover()))
def test_every_parameter_of_every_check_has_a_type_its_default_fits(code):
    check = discover()[code]
    assert set(check.param_types) <= set(check.params), "a type declared for a parameter the check does not have"
    types = param_types(check)
    assert {name: types[name].checked(value) for name, value in check.params.items()} == dict(check.params)


def test_the_report_reads_back_the_settings_a_run_recorded(tmp_path):
    config = load_config(write(tmp_path / "audit.toml", """
        organisation = "Testshire Council"
        period = "2023-24"
        [calendar]
        nation = "wales"
        closure_days = [2023-12-27]
        [report]
        marking = "OFFICIAL-SENSITIVE"
        suppress_below = 5
        [standard]
        response_working_days = 15
    """))
    recorded = Manifest.from_json(json.loads(json.dumps(Manifest(settings=config.recorded()).to_json()))).settings
    assert recorded == RecordedConfig(config.organisation, config.period, config.calendar, config.standard,
                                      replace(config.report, templates=None))
    assert recorded.calendar.closure_days == (dt.date(2023, 12, 27),)


def test_a_run_made_before_manifests_recorded_closure_days_keeps_those_of_its_audit_toml():
    manifest = {"calendar": {"nation": "wales", "country": "GB", "subdivision": "WLS"},
                "config": {"text": "[calendar]\nnation = \"wales\"\nclosure_days = [2023-12-27, \"2023-12-28\"]\n"}}
    recorded = Manifest.from_json(manifest).settings
    assert (recorded.calendar.nation, recorded.calendar.closure_days) == ("wales", (dt.date(2023, 12, 27), dt.date(2023, 12, 28)))
    assert recorded.report == ReportConfig()
