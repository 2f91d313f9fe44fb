"""The one-call audit and its run folders: nothing written unless asked, reproducible, linked runs."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.audit.run_folder import MANIFEST, RunFolder
from complaint_audit.audit.scaffold import scaffold_audit
from complaint_audit.errors import UserError
from tests.conftest import SAMPLE_DATA

CONFIG = SAMPLE_DATA / "audit.toml"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    first = run_audit(CONFIG, out_root=root, formats=())
    second = run_audit(CONFIG, out_root=root, formats=())
    return root, first, second


def test_without_an_output_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    audit = run_audit(CONFIG)
    assert list(tmp_path.iterdir()) == []
    assert audit.run_dir is None
    assert len(audit.records) == 2253
    assert {outcome.check.code for outcome in audit.outcomes} >= {"CSC002", "FT001", "TS002"}
    assert set(audit.exceptions["check"]) <= {outcome.check.code for outcome in audit.outcomes}


def test_a_run_folder_holds_what_the_run_read_and_wrote(two_runs):
    _, first, _ = two_runs
    names = {path.name for path in first.run_dir.iterdir()}
    assert {"manifest.json", "results.json", "exceptions.parquet", "exceptions.xlsx", "quarantine.csv", "run.log", "store"} <= names
    log = (first.run_dir / "run.log").read_text()
    assert "loaded exports/corporate_complaints.csv with corporate: read 1736 = loaded 1712 + quarantined 24" in log


def test_the_manifest_hashes_match_the_inputs_and_keep_no_key(two_runs):
    _, first, _ = two_runs
    manifest = json.loads((first.run_dir / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["inputs"]:
        assert entry["sha256"] == hashlib.sha256((SAMPLE_DATA / entry["path"]).read_bytes()).hexdigest()
        assert entry["read"] == entry["loaded"] + entry["quarantined"]
    assert manifest["config"]["sha256"] == hashlib.sha256(CONFIG.read_bytes()).hexdigest()
    assert manifest["period"] == {"label": "2023-24", "start": "2023-04-01", "end": "2024-03-31", "kind": "financial_year"}
    everything = "".join(path.read_text(errors="ignore") for path in first.run_dir.iterdir() if path.is_file())
    assert "demo-key-for-sample-data-only" not in everything


def test_results_are_identical_across_runs_but_for_the_timestamp(two_runs):
    _, first, second = two_runs
    results = [json.loads((run.run_dir / "results.json").read_text()) for run in (first, second)]
    for document in results:
        document.pop("generated_at")
    assert results[0] == results[1]


def test_a_run_names_the_previous_run_of_the_same_organisation_and_period_kind(two_runs):
    _, first, second = two_runs
    assert RunFolder(first.run_dir).manifest().previous_run is None
    assert RunFolder(second.run_dir).manifest().previous_run == first.run_dir.name


def test_history_keep_removes_the_oldest_runs(tmp_path):
    config = tmp_path / "audit.toml"
    config.write_text(CONFIG.read_text().replace("[calendar]", "[history]\nkeep = 1\n\n[calendar]"))
    for folder in ("exports", "profiles", "ombudsman", "regulator", "letters"):
        os.symlink(SAMPLE_DATA / folder, tmp_path / folder)
    first = run_audit(config, out_root=tmp_path / "runs", formats=())
    second = run_audit(config, out_root=tmp_path / "runs", formats=())
    assert not first.run_dir.exists() and second.run_dir.exists()


def test_init_scaffolds_an_audit_that_loads_once_the_organisation_is_set(tmp_path):
    exports = sorted((SAMPLE_DATA / "exports").iterdir())
    written = scaffold_audit(tmp_path / "audit", exports)
    assert [path.name for path in written] == ["audit.toml", "adult_social_care.toml", "childrens_complaints.toml", "corporate_complaints.toml"]
    config = tmp_path / "audit" / "audit.toml"
    with pytest.raises(UserError, match="organisation: still the placeholder from `complaint-audit init`"):
        run_audit(config)
    config.write_text(config.read_text().replace("CHANGE ME: the council's name", "Northshire County Council"))
    audit = run_audit(config)
    assert len(audit.records) == 2253


def test_progress_is_reported_per_file_loaded_and_per_check_run():
    events = []
    audit = run_audit(CONFIG, progress=lambda what, done, total: events.append((what, done, total)))
    loading = [event for event in events if event[0].startswith("loading ")]
    checking = [event for event in events if event[0].startswith("checking ")]
    assert loading == [
        ("loading exports/corporate_complaints.csv", 0, 3),
        ("loading exports/adult_social_care.xlsx", 1, 3),
        ("loading exports/childrens_complaints.json", 2, 3),
    ]
    assert [event[0] for event in checking] == [f"checking {o.check.code}" for o in audit.outcomes]
    assert checking[-1][1:] == (len(audit.outcomes) - 1, len(audit.outcomes))


def test_an_audit_without_review_workbooks_does_not_load_the_review_package():
    import subprocess
    import sys

    # The review package reads workbooks with openpyxl (a slow import): an audit
    # without [reviews] files must not pay for it before it has an .xlsx to read or write.
    probe = "import sys, complaint_audit.audit.run; print(sorted(m for m in ('openpyxl', 'complaint_audit.review') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
