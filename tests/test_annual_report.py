"""`complaint-audit report RUN_DIR --kind annual`: the annual report for the public, small counts suppressed, no case named."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from complaint_audit.cli import app
from complaint_audit.report.annual import ANNUAL_SUPPRESS_BELOW, ANNUAL_TITLE
from tests.test_browser import CHROMIUM, FLAGS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> Path:
    """`complaint-audit demo` (no suppression of its own), then the annual report of its run folder."""
    runner = CliRunner()
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--out", str(out), "--format", "md", "--quiet"])
    assert result.exit_code in (0, 1), result.output
    (run_dir,) = (path for path in out.iterdir() if path.is_dir())
    result = runner.invoke(app, ["report", str(run_dir), "--kind", "annual", "--format", "md,html"])
    assert result.exit_code == 0, result.output
    assert {"annual_report.md", "annual_report.html"} <= {path.name for path in run_dir.iterdir()}
    return run_dir


@pytest.fixture(scope="module")
def annual(demo_run) -> dict[str, str]:
    return {kind: (demo_run / f"annual_report.{kind}").read_text(encoding="utf-8") for kind in ("md", "html")}


def test_a_count_below_the_threshold_is_not_printed(demo_run, annual):
    # The Ombudsman found a satisfactory remedy already given in 2 cases: the committee's report says 2, the public's <5.
    assessment = (demo_run / "report.md").read_text(encoding="utf-8")
    assert "| Cases where the council had already provided a satisfactory remedy | 2 | 1 |" in assessment
    assert ANNUAL_SUPPRESS_BELOW == 5
    assert "| Cases where the council had already provided a satisfactory remedy | \\<5 | \\<5 |" in annual["md"]
    assert "In \\<5 cases the Ombudsman found" in annual["md"] and "In 2 cases" not in annual["md"]
    assert "In &lt;5 cases the Ombudsman found" in annual["html"]
    # 5 children's Stage 3 reviews (and 3 corporate ones, a third stage, none timed): no percentage on a base below
    # 10, and too few upheld to say how many.
    assert "| Stage 3 | 8 | 5 of 5 | \\[c\\] |" in annual["md"]
    # 8 of the 10 decided at the Ombudsman stage upheld: the 2 not upheld would follow from the two counts.
    assert "| Ombudsman | 14 | – | \\[c\\] |" in annual["md"] and "8 of 10" not in annual["md"]


def test_no_case_reference_appears(demo_run, annual):
    cases = set(pd.read_csv(demo_run / "exceptions.csv", usecols=["case_id"])["case_id"].dropna())
    assert len(cases) > 100
    for text in annual.values():
        assert not [case for case in cases if case in text]
        assert "exceptions.xlsx" not in text and "Appendix" not in text


def test_the_annual_report_has_volumes_learning_the_ombudsman_and_the_self_assessment(annual):
    markdown = annual["md"]
    assert markdown.startswith(f"# {ANNUAL_TITLE}: Northshire County Council")
    assert ("We received 1,964 complaints (2,253 complaint stages). We answered 1,773 of 2,107 (84.1%) complaint stages "
            "on time, and upheld, in full or in part, 947 of 1,956 (48.4%) of the complaint stages we decided.") in markdown
    assert "| Housing | 497 | 81 | 0 | 0 | 448 of 548 (81.8%) | 214 of 494 (43.3%) |" in markdown
    assert "## 2. The Ombudsman's figures for 2023-24" in markdown
    assert ("**Improvement actions overdue.** 300 of 864 improvement actions due by 16 May 2024 (34.7%) were not done; "
            "the median one is 164 days overdue.") in markdown
    assert "## 4. Our self-assessment against the Complaint Handling Code" in markdown
    assert "- Stage 1: a full response within 10 working days of the acknowledgement." in markdown


def test_the_default_kind_is_the_assessment(demo_run):
    (demo_run / "report.md").unlink()
    result = CliRunner().invoke(app, ["report", str(demo_run), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "Appendix E: The Complaint Handling Code" in (demo_run / "report.md").read_text(encoding="utf-8")
    assert "annual_report" not in result.output.replace("\n", "")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); .ci/run installs it")
def test_chromium_renders_the_annual_report_without_errors(tmp_path, demo_run):
    shot = tmp_path / "annual.png"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         (demo_run / "annual_report.html").as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    problems = [line for line in result.stderr.splitlines() if "Uncaught" in line or "net::ERR_" in line or ":CONSOLE(" in line]
    assert problems == []


def test_remedy_payments_are_given_in_all_and_by_team_as_the_records_show_them(demo_run, annual):
    import json

    payments = next(c for c in json.loads((demo_run / "results.json").read_text())["checks"] if c["code"] == "RM003")
    figures = payments["metrics"]
    assert (f"we made {figures['payments']:,} remedy payments, £{figures['payments_total']:,.2f} in all (median "
            f"£{figures['payments_median']:,.2f})." in annual["md"])
    for team in figures["by_team"]:  # every team of the sample made 5 or more
        assert (f"| {team['team']} | {team['payments']:,} | £{team['total']:,.2f} | £{team['median']:,.2f} |"
                in annual["md"].replace("\\'", "'"))
    assert "Remedy payments by team" in annual["html"]


def test_a_team_with_few_remedy_payments_shows_neither_its_count_nor_what_it_paid():
    from complaint_audit.report.annual import _remedy_payments
    from complaint_audit.report.suppression import WITHHELD, Suppression

    check = {"code": "RM003", "status": "pass", "metrics": {
        "payments": 12, "payments_total": 3100.0, "payments_median": 250.0,
        "by_team": [{"team": "Housing", "payments": 10, "total": 2500.0, "median": 250.0},
                    {"team": "Parking", "payments": 2, "total": 600.0, "median": 300.0}]}}

    shown = _remedy_payments([check], Suppression(5))

    assert shown["table"]["rows"] == [["Housing", "10", "£2,500.00", "£250.00"], ["Parking", "<5", WITHHELD, WITHHELD]]
    assert shown["text"] == "To put things right where we got something wrong, we made 12 remedy payments, £3,100.00 in all (median £250.00)."
    assert _remedy_payments([{**check, "status": "not_applicable"}], Suppression(5)) is None
