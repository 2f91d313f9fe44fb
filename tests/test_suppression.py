"""Small-count suppression: with suppress_below = 5 no count of 1 to 4 reaches the report, nor a share revealing one."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.report import suppressed_charts
from complaint_audit.report.render import render_reports
from complaint_audit.report.suppression import Suppression, is_case_count
from tests.builders import write
from tests.conftest import SAMPLE_DATA

TS005_EVIDENCE = ("6 of 18 complaint stages open on 2024-05-16 with a due date (33.3%) were past it: 2 by 1-10 working "
                  "days, 2 by 11-20 working days, 1 by 21-40 working days, 1 by more than 40 working days.")
TS005_METRICS = {"assessed": 18, "failing": 6, "percent_failing": 33.3, "no_due_date": 0, "overdue_1_to_10": 2,
                 "overdue_11_to_20": 2, "overdue_21_to_40": 1, "overdue_over_40": 1}


def _audit_folder(folder: Path, report: str) -> Path:
    for name in ("exports", "profiles", "ombudsman", "regulator", "letters"):
        os.symlink(SAMPLE_DATA / name, folder / name)
    text = (SAMPLE_DATA / "audit.toml").read_text(encoding="utf-8")
    return write(folder / "audit.toml", text + report)


@pytest.fixture(scope="module")
def suppressed_run(tmp_path_factory) -> Path:
    """The demo audit run with suppress_below = 5, its Markdown and HTML reports written."""
    from complaint_audit.audit.run import run_audit

    folder = tmp_path_factory.mktemp("audit")
    config = _audit_folder(folder, "\n[report]\nsuppress_below = 5\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COMPLAINT_AUDIT_KEY", raising=False)
        return run_audit(config, out_root=folder / "runs", formats=("md", "html")).run_dir


@pytest.fixture(scope="module")
def unsuppressed_run(suppressed_run, tmp_path_factory) -> Path:
    """The same run folder rendered again with suppression off (as its manifest would record it)."""
    target = tmp_path_factory.mktemp("plain") / suppressed_run.name
    shutil.copytree(suppressed_run, target, ignore=shutil.ignore_patterns("report.*"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["report"]["suppress_below"] = 0
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    render_reports(target, ("md", "html"))
    return target


def _report(run_dir: Path, kind: str) -> str:
    return (run_dir / f"report.{kind}").read_text(encoding="utf-8")


# -- the rule ---------------------------------------------------------------------------------------

def test_counts_from_one_to_n_minus_one_are_shown_as_less_than_n_and_zero_is_kept():
    five = Suppression(5)
    assert [five.count(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    assert [Suppression(0).count(n) for n in (0, 1, 4)] == ["0", "1", "4"]


def test_a_share_is_withheld_when_its_numerator_denominator_or_the_rest_is_small():
    five = Suppression(5)
    assert five.share(60.0, 3, 5) == "[c]"       # 3 upheld of 5
    assert five.share(96.8, 30, 31) == "[c]"     # 1 not upheld of 31
    assert five.share(50.0, 2, 4) == "[c]"       # only 4 decided
    assert five.share(33.3, 6, 18) == "33.3%"
    assert five.share(100.0, 5, 5) == "100.0%"   # the rest is 0: nobody singled out
    assert Suppression(0).share(60.0, 3, 5) == "60.0%"


def test_a_checks_sentence_loses_its_small_counts_but_not_its_durations_or_stage_numbers():
    shown = Suppression(5).check_figures(TS005_METRICS, [TS005_EVIDENCE], ["bands_working_days"])
    assert shown.sentence(TS005_EVIDENCE) == (
        "6 of 18 complaint stages open on 2024-05-16 with a due date (33.3%) were past it: <5 by 1-10 working days, "
        "<5 by 11-20 working days, <5 by 21-40 working days, <5 by more than 40 working days.")
    assert shown.sentence("2 answered at Stage 2 within 2 months") == "<5 answered at Stage 2 within 2 months"


def test_a_small_count_in_x_of_y_withholds_the_percentage_beside_it():
    text = "3 of 2,250 records (0.1%) are duplicates."
    shown = Suppression(5).check_figures({"assessed": 2250, "failing": 3, "percent_failing": 0.1}, [text])
    assert shown.sentence(text) == "<5 of 2,250 records ([c]) are duplicates."
    assert shown.metric("percent_failing", 0.1, "0.1%") == "[c]"


def test_parameters_durations_and_tallies_of_groups_are_not_counts_of_cases():
    assert is_case_count("past_months_limit", 1, ["months_limit"])
    assert not is_case_count("months_limit", 6, ["months_limit"])
    assert not is_case_count("groups_faster", 4)
    assert not is_case_count("allowed_working_days", 25)
    assert not is_case_count("flagged_themes", 1) and is_case_count("complaints_in_flagged_themes", 1)


def test_a_chart_leaves_out_small_cells_and_says_so():
    chart = {"title": "t", "months": ["Apr 2023", "May 2023"], "teams": {"A": [3, 40], "B": [2, 1]},
             "description": "Stacked bar chart. Totals: A 43; B 3. The busiest month was May 2023 with 41."}
    shown = suppressed_charts.by_month(chart, Suppression(5))
    assert shown["teams"] == {"A": [0, 40], "B": [0, 0]}
    assert shown["description"] == ("Stacked bar chart. Totals: A 43; B <5. The busiest month was May 2023 with 41. "
                                    "A team's month with fewer than 5 new complaints is left out of the chart.")
    assert suppressed_charts.by_month(chart, Suppression(0)) == chart


def test_on_time_bars_leave_out_teams_whose_share_would_reveal_a_small_count():
    answered = pd.DataFrame({"team": ["A"] * 10 + ["B"] * 10 + ["C"] * 3, "stage": ["1"] * 23,
                             "on_time": [True] * 5 + [False] * 5 + [True] * 9 + [False] + [True] * 3})
    kept = suppressed_charts.answered_groups(answered, Suppression(5))
    assert sorted(kept["team"].unique()) == ["A"]  # B has 1 late, C only 3 answered


# -- the sample's report ----------------------------------------------------------------------------

def test_a_small_count_from_the_sample_is_shown_as_less_than_5_in_markdown_and_html(suppressed_run, unsuppressed_run):
    # The children's export has 4 rows quarantined; TS003 found 1 complaint past the six-month limit.
    markdown, html = _report(suppressed_run, "md"), _report(suppressed_run, "html")
    assert "| exports/childrens\\_complaints.json | childrens | json | 189 | 185 | \\<5 |" in markdown
    assert "35 answered late, \\<5 past 6 months (0 had no agreed date recorded)" in markdown
    assert ('<td class="number">189</td><td class="number">185</td><td class="number">&lt;5</td>') in html
    assert "35 answered late, &lt;5 past 6 months" in html
    assert "| 189 | 185 | 4 |" not in markdown and '<td class="number">185</td><td class="number">4</td>' not in html
    assert "1 past 6 months" not in markdown and "1 past 6 months" not in html
    plain_markdown, plain_html = _report(unsuppressed_run, "md"), _report(unsuppressed_run, "html")
    assert "| exports/childrens\\_complaints.json | childrens | json | 189 | 185 | 4 |" in plain_markdown
    assert "35 answered late, 1 past 6 months" in plain_markdown and "35 answered late, 1 past 6 months" in plain_html
    assert '<td class="number">185</td><td class="number">4</td>' in plain_html


def test_a_share_of_a_small_count_is_withheld_and_the_reader_told_why(suppressed_run, unsuppressed_run):
    # Stage 3: 8 complaints (5 children's, 3 corporate), 3 of them upheld, so 5 were not; the 5 timed all on time.
    # Under 10, shares are counts, never percentages.
    markdown = _report(suppressed_run, "md")
    assert "| Stage 3 | 8 | 5 of 5 | \\[c\\] |" in markdown
    assert "| Stage 3 | 8 | 5 of 5 | 3 of 8 |" in _report(unsuppressed_run, "md")
    assert ("*Disclosure control: Counts of 1 to 4 complaints, cases or rows are shown as \\<5, and a percentage "
            "that would reveal such a count") in markdown
    assert "Disclosure control" not in _report(unsuppressed_run, "md")


def test_the_auditors_results_and_exceptions_keep_the_exact_counts(suppressed_run):
    results = json.loads((suppressed_run / "results.json").read_text(encoding="utf-8"))
    ts003 = next(check for check in results["checks"] if check["code"] == "TS003")
    assert ts003["metrics"]["past_months_limit"] == 1
    manifest = json.loads((suppressed_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["suppress_below"] == 5
    assert [entry["quarantined"] for entry in manifest["inputs"]] == [24, 8, 4]


@pytest.mark.parametrize("value", ['"five"', "-1", "true"])
def test_a_bad_suppress_below_is_a_one_line_error_naming_the_file_and_key(runner, tmp_path, value):
    config = _audit_folder(tmp_path, f"\n[report]\nsuppress_below = {value}\n")
    result = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--quiet"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {config}: report.suppress_below: must be a whole number, such as 5 to "
                                     "show counts of 1 to 4 as \"<5\" (0 shows every count)")
