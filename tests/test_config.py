"""audit.toml: sources resolved relative to the file; mistakes named with file and key."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from complaint_audit.config import financial_year, load_config
from complaint_audit.errors import UserError
from complaint_audit.ingest.sources import jobs_from_config
from tests.builders import WIDE_PROFILE, write


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
