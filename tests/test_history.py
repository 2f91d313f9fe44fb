"""History across periods: two years of the sample, run one after the other, show a trend."""

from __future__ import annotations

from complaint_audit.audit import run_audit
from complaint_audit.runs import read_manifest
from complaint_audit.sample_data.generate import generate


def test_two_runs_over_two_periods_of_the_sample_show_a_trend(tmp_path):
    generate(tmp_path / "2022", cases=600, seed=22, year=2022)
    generate(tmp_path / "2023", cases=600, seed=23, year=2023)
    first = run_audit(tmp_path / "2022" / "audit.toml", out_root=tmp_path / "runs", formats=("md",))
    second = run_audit(tmp_path / "2023" / "audit.toml", out_root=tmp_path / "runs", formats=("html", "md"))

    assert read_manifest(first.run_dir)["period"]["label"] == "2022-23"
    assert read_manifest(second.run_dir)["period"]["label"] == "2023-24"
    assert read_manifest(second.run_dir)["previous_run"] == first.run_dir.name
    first_report = (first.run_dir / "report.md").read_text()
    second_report = (second.run_dir / "report.md").read_text()
    assert "This is the first assessment" in first_report
    assert "Compared with the previous run" in second_report
    assert first.run_dir.name in second_report.replace("\\", "")
    assert "Compared with the previous run" in (second.run_dir / "report.html").read_text()
