"""audit.toml: sources resolved relative to the file; mistakes named with file and key."""

from __future__ import annotations

import datetime as dt

import pytest

from complaint_audit.config import load_config
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
    assert config.closure_days == (dt.date(2023, 12, 27), dt.date(2023, 12, 28))
    assert [job.label for job in jobs_from_config(config)] == ["exports/corporate-2023-04.csv", "exports/corporate-2023-05.csv"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1", "colour: unknown key"),
        ("[calendar]\nnation = \"mars\"", "calendar.nation: 'mars' is not one of england, wales, scotland, northern_ireland"),
        ("[calendar]\nclosure_days = [\"27/12/2023\"]", "calendar.closure_days: '27/12/2023' is not a date"),
        ("[[sources]]\nprofile = \"p.toml\"", "sources #1: needs profile"),
    ],
)
def test_config_mistakes(tmp_path, text, message):
    path = write(tmp_path / "audit.toml", text)
    with pytest.raises(UserError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_a_source_pattern_matching_nothing_is_an_error(tmp_path):
    write(tmp_path / "p.toml", WIDE_PROFILE)
    config = load_config(write(tmp_path / "audit.toml", '[[sources]]\nprofile = "p.toml"\nfiles = ["exports/*.csv"]'))
    with pytest.raises(UserError, match=r"sources #1: 'exports/\*.csv' matches no file"):
        jobs_from_config(config)
