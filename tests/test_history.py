"""History across periods: runs one after the other show a trend; old runs are pruned, and only runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.audit.run_folder import MANIFEST, RunFolder
from complaint_audit.sample_data.generate import generate
from tests.conftest import SAMPLE_DATA

CONFIG = SAMPLE_DATA / "audit.toml"


def test_two_runs_over_two_periods_of_the_sample_show_a_trend(tmp_path):
    generate(tmp_path / "2022", cases=600, seed=22, year=2022)
    generate(tmp_path / "2023", cases=600, seed=23, year=2023)
    first = run_audit(tmp_path / "2022" / "audit.toml", out_root=tmp_path / "runs", formats=("md",))
    second = run_audit(tmp_path / "2023" / "audit.toml", out_root=tmp_path / "runs", formats=("html", "md"))

    assert RunFolder(first.run_dir).manifest().settings.period.label == "2022-23"
    assert RunFolder(second.run_dir).manifest().settings.period.label == "2023-24"
    assert RunFolder(second.run_dir).manifest().previous_run == first.run_dir.name
    first_report = (first.run_dir / "report.md").read_text()
    second_report = (second.run_dir / "report.md").read_text()
    assert "This is the first assessment" in first_report
    assert "Compared with the previous run" in second_report
    assert first.run_dir.name in second_report.replace("\\", "")
    assert "Compared with the previous run" in (second.run_dir / "report.html").read_text()


@pytest.fixture
def finished_run(sample_run) -> Path:
    """A finished run of the sample (conftest's), to copy about: an old run kept elsewhere, a baseline."""
    return sample_run


def _audit_folder(folder: Path, keep: int) -> Path:
    """A copy of the sample audit that keeps KEEP runs."""
    for name in ("exports", "profiles", "ombudsman", "regulator", "letters"):
        shutil.copytree(SAMPLE_DATA / name, folder / name)
    config = folder / "audit.toml"
    config.write_text(CONFIG.read_text().replace("[calendar]", f"[history]\nkeep = {keep}\n\n[calendar]"))
    return config


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_pruning_removes_only_finished_runs_it_wrote_never_the_current_one(tmp_path, finished_run):
    """keep = 1 beside folders that are not runs, or not this tool's, or links: the run just
    written stays, the earlier run goes, and nothing else is touched or followed."""
    config = _audit_folder(tmp_path / "audit", keep=1)
    runs = tmp_path / "runs"
    shutil.copytree(finished_run, runs / "baseline-2023-24")  # a run the auditor kept by hand under another name
    (runs / "app").mkdir(parents=True)
    shutil.copy(finished_run / "manifest.json", runs / "app" / "manifest.json")
    foreign = {"20200101T000000Z-00000001": "{}", "20200101T000000Z-00000002": "{not json", "20200101T000000Z-00000003": "[]"}
    for name, manifest in foreign.items():
        (runs / name).mkdir()
        (runs / name / "manifest.json").write_text(manifest)
    (runs / "20200101T000000Z-0000000a").symlink_to(finished_run, target_is_directory=True)  # an old run, linked
    (runs / "old").symlink_to(finished_run, target_is_directory=True)
    untouched = {name: _files(runs / name) for name in ("baseline-2023-24", "app", *foreign)}
    elsewhere = _files(finished_run)

    first = run_audit(config, out_root=runs, formats=())
    second = run_audit(config, out_root=runs, formats=())

    assert not first.run_dir.exists() and (second.run_dir / "results.json").is_file()
    assert {name: _files(runs / name) for name in untouched} == untouched
    assert (runs / "20200101T000000Z-0000000a").is_symlink() and (runs / "old").is_symlink()
    assert _files(finished_run) == elsewhere
    assert RunFolder(second.run_dir).manifest().previous_run == first.run_dir.name
    assert second.notes == tuple(
        f"{runs / name}: an incomplete run (killed or failed part-way), ignored by later runs, `compare` and "
        "[history] keep; delete it when no run is going" for name in foreign)


def test_pruning_and_the_previous_run_go_by_the_recorded_start_not_the_folder_name(tmp_path, finished_run):
    config = _audit_folder(tmp_path / "audit", keep=2)
    runs = tmp_path / "runs"
    first = run_audit(config, out_root=runs, formats=())
    # A finished run named to sort after every other, that started long before them.
    renamed = runs / "29991231T235959Z-aaaaaaaa"
    shutil.copytree(finished_run, renamed)
    manifest = json.loads((renamed / MANIFEST).read_text(encoding="utf-8")) | {"run_id": renamed.name, "started_at": "2020-01-01T00:00:00+00:00"}
    (renamed / "manifest.json").write_text(json.dumps(manifest))

    latest = run_audit(config, out_root=runs, formats=())

    assert RunFolder(latest.run_dir).manifest().previous_run == first.run_dir.name
    assert sorted(path.name for path in runs.iterdir() if path.is_dir()) == sorted([first.run_dir.name, latest.run_dir.name])
