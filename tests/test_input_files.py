"""Input files the tool must refuse before reading, or read whatever their name (issue 20, defects 10, 14, 16 and 17)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from complaint_audit.cli import app
from complaint_audit.ingest import limits

PROFILE = """
[source]
name = "parquet"

[constants]
organisation = "Northshire County Council"
process = "corporate"

[columns]
case_id = "Case Ref"
stage = "Stage"
received = "Received"
"""


def test_a_parquet_file_declaring_more_values_than_the_limit_is_refused_from_its_footer(tmp_path, monkeypatch):
    export = tmp_path / "big.parquet"
    pd.DataFrame({"Case Ref": [f"C{n}" for n in range(600)], "Stage": "Stage 1", "Received": "2023-04-14"}).to_parquet(export)
    (tmp_path / "profile.toml").write_text(PROFILE)
    monkeypatch.setattr(limits, "PARQUET_MAX_CELLS", 1000)
    result = CliRunner().invoke(app, ["load", "--profile", str(tmp_path / "profile.toml"), str(export), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {export}: declares 600 rows of 3 columns (1,800 values; the limit is 1,000): "
                                     "split the export, or check it is the file you meant")
    assert not (tmp_path / "store").exists()


def test_profile_suggest_refuses_a_header_of_a_million_columns_at_once(tmp_path):
    export = tmp_path / "million.csv"
    export.write_text(",".join(f"C{n}" for n in range(1_000_000)) + "\n" + ",".join("1" * 1_000_000) + "\n")
    result = CliRunner().invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"error: {export}: 1,000,000 columns; at most 2,000")
    assert not (tmp_path / "draft.toml").exists()


def test_profile_suggest_refuses_json_and_parquet_of_too_many_columns(tmp_path):
    wide = pd.DataFrame([[1] * 2001], columns=[f"C{n}" for n in range(2001)])
    wide.to_parquet(tmp_path / "wide.parquet")
    wide.to_json(tmp_path / "wide.json", orient="records")
    for name in ("wide.parquet", "wide.json"):
        result = CliRunner().invoke(app, ["profile", "suggest", str(tmp_path / name), "--out", str(tmp_path / "draft.toml")])
        assert result.exit_code == 2, result.output
        assert "2,001 columns; at most 2,000" in result.stderr



def _load(tmp_path, export, profile):
    return CliRunner().invoke(app, ["load", "--profile", str(profile), str(export), "--store", str(tmp_path / "store")],
                              env={"COMPLAINT_AUDIT_KEY": "a-long-enough-test-key-0123456789"})


def test_links_pipes_and_devices_are_refused_as_exports_and_never_opened(tmp_path):
    """Issue 20, defects 10 and 17: a link can point at any file, whose first line an error would show;
    a pipe or /dev/zero never ends."""
    import os

    from tests.bad_inputs import csv_profile

    profile = csv_profile(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the first line of a system file\n")
    (tmp_path / "linked.csv").symlink_to(secret)
    os.mkfifo(tmp_path / "pipe.csv")
    expected = {tmp_path / "linked.csv": "a symbolic link; give the file itself (links are not followed)",
                tmp_path / "pipe.csv": "a named pipe (FIFO), not a file; give the file itself"}
    if Path("/dev/zero").exists():
        expected[Path("/dev/zero")] = "a device, not a file; give the file itself"
    for export, message in expected.items():
        result = _load(tmp_path, export, profile)
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"error: {export}: {message}"
        assert "root:x" not in result.output
        suggested = CliRunner().invoke(app, ["profile", "suggest", str(export), "--out", str(tmp_path / "draft.toml")])
        assert suggested.exit_code == 2 and f"error: {export}: {message}" in suggested.stderr


def test_a_file_name_that_is_not_utf8_loads_and_is_named_with_its_bad_bytes_shown(tmp_path):
    """A Latin-1 'café.csv' on Linux stopped the run with 'surrogates not allowed' (issue 20, defect 14)."""
    import json
    import os

    from tests.bad_inputs import csv_profile, csv_row, csv_text

    profile = csv_profile(tmp_path)
    name = os.fsdecode(b"caf\xe9.csv")
    try:
        (tmp_path / name).write_text(csv_text([csv_row("C1")]))
    except (UnicodeEncodeError, OSError):  # a file system that takes only valid names
        import pytest

        pytest.skip("this file system refuses names that are not UTF-8")
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "Testshire Council"\n\n[privacy]\nkey = "test-key-0123456789"\n\n'
                      f'[[sources]]\nprofile = "{profile.name}"\nfiles = ["caf*.csv"]\n')
    result = CliRunner().invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--format", "md", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    run_dir = next((tmp_path / "runs").glob("2*"))
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["path"] for entry in manifest["inputs"]] == ["caf\\xe9.csv"]
    assert "caf\\\\xe9.csv" in (run_dir / "report.md").read_text(encoding="utf-8")
