"""A check is self-contained: one added in a local folder reaches the report, results.json and the comparison.

The toy TS099 below is written as a council's auditor would add one (audit.toml `[checks] paths`);
it declares its fault and its figure for comparisons on its own class and leaves its theme and
on-time role at their defaults. Nothing in report/, compare/ or review/ names it, yet its fault
is stated in the ombudsman's words in report.md, under its area's theme, and its figure is
compared between runs.
"""

from __future__ import annotations

import json

from complaint_audit.audit.run import run_audit
from complaint_audit.compare.figures import compared_figures, figure_values
from complaint_audit.compare.runs import read_run
from tests.builders import write
from tests.test_on_time_headline import EXPORT, PROFILE

TOY_CHECK = '''
"""TS099, a toy: Stage 1 answered within three weeks of receipt."""

from complaint_audit.engine.contract import (
    Area, Check, Priority, Recommendation, TrendFigure, exceptions, graded, not_applicable,
)


class WithinThreeWeeks(Check):
    """Stage 1 answered within three weeks.

    What it checks: Stage 1 responses sent within `working_days` working days of receipt.

    Why it matters: a toy rule, to show that a check carries what the report needs.

    How to fix: answer sooner.
    """

    code = "TS099"
    title = "Stage 1 answered within three weeks"
    area = Area.TIMELINESS
    rule = "Stage 1 is answered within 15 working days of receipt."
    source = "The council's own procedure"
    params = {"working_days": 15, "amber_above": 5.0, "red_above": 15.0}
    requires = ("responded",)
    fault = "{failing} of {assessed} Stage 1 responses ({percent_failing}) took longer than {working_days} working days"
    trend_figures = (TrendFigure("stage1_within_three_weeks", "Stage 1 answered within three weeks",
                                 "percent_failing", complement=True),)

    def run(self, data, params):
        rows = data.records[data.records["stage"].eq("1") & data.records["responded"].notna()]
        if rows.empty:
            return not_applicable("no answered Stage 1")
        taken = data.calendar.working_days_between(rows["received"], rows["responded"])
        slow = taken.gt(params["working_days"])
        return graded(
            int(slow.sum()), len(rows), params,
            "{failing} of {assessed} Stage 1 responses ({percent_failing}%) took more than {working_days} working days.",
            exceptions(rows[slow], "took " + taken[slow].astype("int").astype("str") + " working days"),
            Recommendation("Answer Stage 1 complaints within three weeks.", Priority.QUICK_WIN),
            working_days=params["working_days"],
        )
'''


def test_a_local_check_states_its_own_fault_in_the_report_and_is_compared(tmp_path):
    write(tmp_path / "export.csv", EXPORT)
    write(tmp_path / "profile.toml", PROFILE)
    write(tmp_path / "local_checks" / "three_weeks.py", TOY_CHECK)
    write(tmp_path / "audit.toml", """
        organisation = "Testshire Council"
        as_of = 2023-09-30
        [checks]
        paths = ["local_checks"]
        [[sources]]
        profile = "profile.toml"
        files = ["export.csv"]
    """)
    run_dir = run_audit(tmp_path / "audit.toml", out_root=tmp_path / "runs", formats=("md",)).run_dir

    # C9 (19 working days) and C10 (24) took longer than 15: 2 of 10, red.
    toy = next(check for check in json.loads((run_dir / "results.json").read_text())["checks"] if check["code"] == "TS099")
    assert (toy["status"], toy["metrics"]["failing"], toy["metrics"]["assessed"]) == ("fail", 2, 10)
    assert toy["fault"].startswith("{failing} of {assessed} Stage 1 responses") and toy["theme"] is None
    # It declares no denominator: results.json says so, and a built-in's is carried as declared.
    declared = {check["code"]: check["denominator"] for check in json.loads((run_dir / "results.json").read_text())["checks"]}
    assert declared["TS099"] is None
    assert declared["TS002"].startswith("answered corporate and housing Stage 1 and 2 complaints")
    report = (run_dir / "report.md").read_text(encoding="utf-8")
    # It names no statutory scheme or code, so its fault sentence is said as a shortfall from good practice.
    assert "This falls short of good practice: 2 of 10 Stage 1 responses (20.0%) took longer than 15 working days." in report
    timeliness = report[report.index("### 3.3 Timeliness"):report.index("### 3.4 ")]  # its area's theme
    assert "#### Stage 1 answered within three weeks (Red)" in timeliness

    run = read_run(run_dir)
    figures = compared_figures([run])
    figure = next(figure for figure in figures if figure.key == "stage1_within_three_weeks")
    assert (figure.label, figure.source) == ("Stage 1 answered within three weeks", "TS099: 100 minus percent_failing")
    assert figure_values([run], figures).loc[run.organisation, "stage1_within_three_weeks"] == 80.0
