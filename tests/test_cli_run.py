"""`run`, `demo`, `report` and `init` through the CLI: what they print, write and exit with."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from complaint_audit.cli import app
from tests.conftest import SAMPLE_DATA


@pytest.fixture
def runner():
    return CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.fixture
def audit_folder(tmp_path):
    """A copy of the sample audit.toml beside links to its exports and profiles."""
    for folder in ("exports", "profiles", "ombudsman"):
        os.symlink(SAMPLE_DATA / folder, tmp_path / folder)
    config = tmp_path / "audit.toml"
    config.write_text(SAMPLE_DATA.joinpath("audit.toml").read_text())
    return config


def test_run_prints_its_folder_with_quiet_and_exits_1_when_a_check_fails(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--quiet"])
    assert result.exit_code == 1, result.output
    run_dir = Path(result.stdout.strip())
    assert run_dir.parent == tmp_path / "runs"
    assert {"report.html", "report.md", "report.pdf", "manifest.json", "results.json", "run.log"} <= {p.name for p in run_dir.iterdir()}
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["command_line"][:2] == ["complaint-audit", "run"] and manifest["timings"]["report"] > 0


def test_run_json_summary_and_fail_on_never(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    results = json.loads((Path(summary["run_dir"]) / "results.json").read_text())
    assert summary["by_status"] == results["summary"]["by_status"] and summary["exit_code"] == 0
    assert summary["by_status"]["fail"] > 0 and summary["status"] == "fail"


def test_report_rerenders_one_format_from_a_run_folder(runner, audit_folder, tmp_path):
    run_dir = Path(runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--quiet"]).stdout.strip())
    (run_dir / "report.md").unlink()
    result = runner.invoke(app, ["report", str(run_dir), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "Complaint handling assessment: Northshire County Council" in (run_dir / "report.md").read_text()
    bad = runner.invoke(app, ["report", str(run_dir), "--format", "docx"])
    assert bad.exit_code == 2 and "--format: 'docx' is not one of html, md, pdf" in bad.stderr


def test_report_on_a_folder_that_is_not_a_run(runner, tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "not a run folder (no manifest.json)" in result.stderr


def test_demo_needs_no_other_input(runner, tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Report:" in result.stdout
    (run_dir,) = (path for path in (tmp_path / "demo").iterdir() if path.is_dir())  # beside it, the lock file
    assert "Had the Ombudsman investigated" in (run_dir / "report.html").read_text()


def test_init_then_run_after_setting_the_organisation(runner, tmp_path):
    exports = [str(path) for path in sorted((SAMPLE_DATA / "exports").iterdir())]
    result = runner.invoke(app, ["init", str(tmp_path / "audit"), *exports])
    assert result.exit_code == 0, result.output
    config = tmp_path / "audit" / "audit.toml"
    refused = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs")])
    assert refused.exit_code == 2 and "still the placeholder" in refused.stderr
    config.write_text(config.read_text().replace("CHANGE ME: the council's name", "Northshire County Council"))
    ran = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--quiet", "--fail-on", "never"])
    assert ran.exit_code == 0, ran.output


def test_sample_writes_a_review_workbook_and_how_it_was_drawn(runner, tmp_path, sample_store):
    args = ["sample", "--store", str(sample_store), "--n", "40", "--seed", "7", "--stratify", "team,stage",
            "--oversample", "raised_via=mp,councillor", "--out", str(tmp_path / "review.xlsx")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Sampled 40 of 2,250 records." in result.stdout
    drawn = json.loads((tmp_path / "review.json").read_text())
    assert (drawn["seed"], drawn["n_drawn"], len(drawn["cases"])) == (7, 40, 40)
    again = runner.invoke(app, [*args[:-1], str(tmp_path / "again.xlsx")])
    assert again.exit_code == 0 and json.loads((tmp_path / "again.json").read_text())["cases"] == drawn["cases"]
    bad = runner.invoke(app, [*args[:7], "squad", *args[9:]])
    assert bad.exit_code == 2 and "squad" in bad.stderr
