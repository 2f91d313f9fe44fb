"""`run`, `demo`, `report` and `init` through the CLI: what they print, write and exit with."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from complaint_audit.cli import app
from tests.conftest import SAMPLE_DATA


@pytest.fixture
def audit_folder(tmp_path):
    """A copy of the sample audit.toml beside links to its exports and profiles."""
    for folder in ("exports", "profiles", "ombudsman", "regulator", "letters"):
        os.symlink(SAMPLE_DATA / folder, tmp_path / folder)
    config = tmp_path / "audit.toml"
    config.write_text(SAMPLE_DATA.joinpath("audit.toml").read_text())
    return config


def test_run_prints_its_folder_with_quiet_and_exits_1_when_a_check_fails(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--quiet"])
    assert result.exit_code == 1, result.output
    run_dir = Path(result.stdout.strip())
    assert result.stdout == f"{run_dir}\n" and run_dir.parent == tmp_path / "runs"
    assert {"report.html", "report.md", "report.pdf", "manifest.json", "results.json", "run.log"} <= {p.name for p in run_dir.iterdir()}
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["command_line"][:2] == ["complaint-audit", "run"] and manifest["timings"]["report"] > 0


def test_run_json_summary_and_fail_on_never(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--json", "--fail-on", "never",
                                 "--format", "md"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    results = json.loads((Path(summary["run_dir"]) / "results.json").read_text())
    assert summary["by_status"] == results["summary"]["by_status"] and summary["exit_code"] == 0
    assert summary["by_status"]["fail"] > 0 and summary["status"] == "fail"
    headline = ("cases", "stage_records", "open_cases", "decided_cases", "upheld_percent", "quarantined_rows")
    assert [summary[key] for key in headline] == [results["summary"][key] for key in headline] == [1964, 2253, 5, 1689, 50.5, 36]


def test_report_rerenders_one_format_from_a_run_folder(runner, sample_run, tmp_path):
    run_dir = shutil.copytree(sample_run, tmp_path / sample_run.name)
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
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--format", "html"])
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
    ran = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--quiet", "--fail-on", "never", "--format", "md"])
    assert ran.exit_code == 0, ran.output


def test_sample_writes_a_review_workbook_and_how_it_was_drawn(runner, tmp_path, sample_store):
    args = ["sample", "--store", str(sample_store), "--n", "40", "--seed", "7", "--stratify", "team,stage",
            "--oversample", "raised_via=mp,councillor", "--out", str(tmp_path / "review.xlsx")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Sampled 40 of 2,253 records." in result.stdout
    drawn = json.loads((tmp_path / "review.json").read_text())
    assert (drawn["seed"], drawn["n_drawn"], len(drawn["cases"])) == (7, 40, 40)
    again = runner.invoke(app, [*args[:-1], str(tmp_path / "again.xlsx")])
    assert again.exit_code == 0 and json.loads((tmp_path / "again.json").read_text())["cases"] == drawn["cases"]
    bad = runner.invoke(app, [*args[:7], "squad", *args[9:]])
    assert bad.exit_code == 2 and "squad" in bad.stderr


# The sample's reconciliation, as load.json has it: 2,289 stage rows read, 36 quarantined (1.6%).
SAMPLE_RECONCILIATION = [
    ("exports/corporate_complaints.csv", 1736, 1712, 24, {"bad_date": 6, "unmapped_value": 6, "missing_required": 6, "responded_before_received": 6}),
    ("exports/adult_social_care.xlsx", 364, 356, 8, {"bad_date": 2, "unmapped_value": 2, "missing_required": 2, "responded_before_received": 2}),
    ("exports/childrens_complaints.json", 189, 185, 4, {"bad_date": 1, "unmapped_value": 1, "missing_required": 1, "responded_before_received": 1}),
]


def test_run_prints_the_reconciliation_as_load_does(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--format", "md"])
    assert result.exit_code == 1, result.output
    assert "Rows read = loaded + quarantined" in result.stdout and "Quarantined rows by reason" in result.stdout
    assert re.search(r"corporate_complaints\.csv +1,500 +1,736 +1,712 +24\b", result.stdout)
    assert "Read 2,289 = loaded 2,253 + quarantined 36 (1.6%)." in result.stdout
    assert result.stdout.index("Read 2,289") < result.stdout.index("Checks as of")


def test_run_json_holds_the_reconciliation_per_file_and_reason(runner, audit_folder, tmp_path):
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--json", "--format", "md"])
    reconciliation = json.loads(result.stdout)["reconciliation"]
    files = [(f["path"], f["read"], f["loaded"], f["quarantined"], f["reasons"]) for f in reconciliation["files"]]
    assert files == SAMPLE_RECONCILIATION
    assert {key: reconciliation[key] for key in ("read", "loaded", "quarantined", "quarantine_percent")} == {
        "read": 2289, "loaded": 2253, "quarantined": 36, "quarantine_percent": 1.6}
    assert (reconciliation["max_quarantine"], reconciliation["over_max_quarantine"]) == (None, False)


@pytest.mark.parametrize(("limit", "code"), [("1", 1), ("1.6", 0), ("5", 0)])
def test_run_max_quarantine_exits_1_when_exceeded_as_load_does(runner, audit_folder, tmp_path, limit, code):
    args = ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--format", "md", "--fail-on", "never", "--quiet",
            "--max-quarantine", limit]
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    run_dir = Path(result.stdout.strip())
    assert (run_dir / "report.md").is_file()  # the run is written whatever the quarantine: it says what was set aside
    message = f"error: 1.6% of rows were quarantined, more than --max-quarantine {limit}%; see {run_dir / 'quarantine.csv'}"
    assert (message in result.stderr) == (code == 1)


def test_run_json_exit_code_says_the_quarantine_was_over_the_limit(runner, audit_folder, tmp_path):
    args = ["run", str(audit_folder), "--out", str(tmp_path / "runs"), "--json", "--format", "md", "--fail-on", "never",
            "--max-quarantine", "1"]
    result = runner.invoke(app, args)
    summary = json.loads(result.stdout)
    assert result.exit_code == summary["exit_code"] == 1
    assert (summary["reconciliation"]["max_quarantine"], summary["reconciliation"]["over_max_quarantine"]) == (1.0, True)


def test_run_refuses_a_profiles_placeholder_organisation(runner, audit_folder, tmp_path):
    from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER

    (tmp_path / "profiles").unlink()
    shutil.copytree(SAMPLE_DATA / "profiles", tmp_path / "profiles")
    profile = tmp_path / "profiles" / "corporate.toml"
    profile.write_text(re.sub(r'(?m)^organisation = .*$', f'organisation = "{ORGANISATION_PLACEHOLDER}"', profile.read_text()))
    result = runner.invoke(app, ["run", str(audit_folder), "--out", str(tmp_path / "runs")])
    assert result.exit_code == 2
    assert f"{profile}: [constants] organisation: still the placeholder from `complaint-audit profile suggest`" in result.stderr
