"""The executive summary: issues merged by the cases they share and ranked, the grade's coverage, what could not be
tested, and what the committee is asked to do, on made-up findings and on the bundled sample."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from complaint_audit.report import findings, issues, summary
from complaint_audit.report.context import report_context


def _finding(code: str, status: str, people: int, theme: str = "timeliness", standing: str = "Fault",
             fault: bool = True, standard: dict | None = None) -> dict:
    return {"code": code, "status": status, "people": people, "theme": theme, "is_fault": fault,
            "standing": standing, "standard_judged": standard, "title": f"Title of {code}", "fault": f"{code} happened.",
            "shortfall": None, "standard": "a standard", "remedy": f"Put {code} right.",
            "recommendation": f"The council should fix {code}.", "action": f"Fix {code}", "priority": "quick win"}


def _exceptions(cases: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(code, "Council", case) for code, ids in cases.items() for case in ids]
    frame = pd.DataFrame(rows, columns=["check", "organisation", "case_id"])
    frame["case_key"] = pd.factorize(frame["case_id"])[0]
    return frame


def test_two_findings_about_mostly_the_same_cases_are_one_issue_with_the_people_of_both():
    cases = issues.case_sets(_exceptions({
        "TS006": [f"C{i}" for i in range(10)],
        "OV001": [f"C{i}" for i in range(1, 11)],  # 9 of its 10 cases are TS006's: 90%, over the 80% bar
        "TS002": [f"C{i}" for i in range(5, 25)],  # 5 of TS006's 10 cases: 50%, its own issue
    }))
    ranked = issues.ranked([_finding("TS006", "fail", 10), _finding("OV001", "warn", 10, theme="consistency"),
                            _finding("TS002", "fail", 20)], cases)

    assert [issue["codes"] for issue in ranked] == [["TS002"], ["TS006", "OV001"]]
    merged = ranked[1]
    assert merged["lead"]["code"] == "TS006"  # red beats amber
    assert merged["people"] == 11  # C0 to C10


def test_issues_rank_by_severity_standard_and_people_on_a_log_scale():
    red_fault_few = _finding("TS005", "fail", 6)
    red_own_procedure_many = _finding("LN002", "fail", 300, theme="learning", standing="Short of the council's own "
                                      "procedure", fault=False, standard={"short_of": "the council's own procedure"})
    amber_good_practice = _finding("QR005", "warn", 42, theme="quality", standing="Short of good practice", fault=False)

    assert issues.score(red_fault_few) == pytest.approx(2 + 2 + 0.845, abs=0.001)
    assert issues.score(red_own_procedure_many) == pytest.approx(2 + 0.5 + 2.4786, abs=0.001)
    assert issues.score(amber_good_practice) == pytest.approx(1 + 0 + 1.633, abs=0.001)
    ranked = issues.ranked([amber_good_practice, red_fault_few, red_own_procedure_many], {})
    assert [issue["lead"]["code"] for issue in ranked] == ["LN002", "TS005", "QR005"]


def test_a_code_applied_to_some_cases_scores_the_standard_in_proportion():
    partly = _finding("TS002", "fail", 182, standard={"cases_fault": 1, "cases_short": 181})

    assert issues.standard_points(partly) == pytest.approx((1 * 2 + 181 * 0.5) / 182)


def test_the_summary_adds_the_best_red_issue_of_a_statutory_theme_the_top_five_leave_out():
    own = {"short_of": "the council's own procedure"}
    learning = [_finding(f"LN00{i}", "fail", 300 - i, theme="learning", fault=False,
                         standing="Short of the council's own procedure", standard=own) for i in range(1, 7)]
    members = _finding("FT001", "fail", 1, theme="members", standing="Short of the council's own procedure",
                       fault=False, standard=own)
    amber_members = _finding("FT004", "warn", 50, theme="members")
    ranked = issues.ranked(learning + [members, amber_members], {})

    shown = summary.summary_issues(ranked)

    assert [issue["code"] for issue in shown] == ["LN001", "LN002", "LN003", "LN004", "LN005", "FT001"]
    assert shown[-1]["people"] == "1 person"


def test_no_overall_grade_when_timeliness_could_not_be_rated():
    rated = [{"status": "pass", "theme": "consistency", "is_fault": False} for _ in range(5)]
    not_applied = [{"status": "not_applicable", "theme": "timeliness", "is_fault": False} for _ in range(3)]

    judged = findings.overall(rated + not_applied)

    assert judged["label"] == "Not graded"
    assert judged["coverage"] == "rated on 5 of 8 checks"
    assert judged["text"].startswith("No overall grade: the records provided let this assessment rate only 5 of 8 "
                                     "checks, none of them on timeliness")


def test_what_could_not_be_tested_names_each_check_left_out_with_why_and_stale_records():
    results = {"checks": [
        {"code": "QR008", "title": "Reviewers' scores", "status": "not_applicable", "metrics": {},
         "finding": "Not applicable: no reviewer scores imported."},
        {"code": "QR001", "title": "Apology", "status": "warn", "metrics": {"without_text": 3}, "finding": "..."},
    ]}

    shown = [{"code": "QR008", "status": "not_applicable"}, {"code": "QR001", "status": "warn"}]
    notes = summary.could_not_test(results, shown, {"rows": 36, "percent": 1.6}, "2024-05-16", dt.date(2024, 12, 20))

    assert notes == [
        "Reviewers' scores: no reviewer scores imported.",
        "The quality of 3 responses with no letter text in the records: they were not read.",
        "36 rows set aside as unusable (1.6% of those read): they are in no figure (Appendix B).",
        "Handling since 16 May 2024: the records are 7 months old at the date of this report, so they may not show "
        "how complaints are handled today.",
    ]
    assert summary.could_not_test(results, shown, None, "2024-05-16", dt.date(2024, 11, 1))[-1].startswith("The quality")
    assert summary.could_not_test(results, [], None, None, dt.date(2024, 11, 1)) == []  # checks the report leaves out


def test_responses_with_no_letter_text_are_counted_by_the_procedure_they_belong_to():
    results = {"checks": [
        {"code": "QR001", "title": "Apology", "status": "warn", "metrics": {"without_text": 3}, "finding": "..."},
        {"code": "QR007", "title": "Every criterion", "status": "warn", "finding": "...", "metrics": {
            "without_text": 1_250, "without_text_by_process": {"childrens_statutory": 40, "adult_social_care": 1_210}}},
    ]}
    shown = [{"code": "QR001", "status": "warn"}, {"code": "QR007", "status": "warn"}]

    assert summary.could_not_test(results, shown, None, None, dt.date(2024, 11, 1)) == [
        "The quality of 1,250 responses with no letter text in the records (1,210 adult social care; 40 children's "
        "statutory): they were not read."
    ]


def test_the_committee_is_asked_for_responses_in_four_weeks_and_progress_in_three_months():
    asks = summary.committee_asks([{"number": 1}, {"number": 2}], [{"remedy": "Apologise."}], True,
                                  dt.date(2024, 7, 1))

    assert asks[1] == ("agree the 2 recommendations in the action plan (section 6), and ask the owners for a management "
                       "response and an agreed date for each by 29 July 2024;")
    assert asks[-1] == "receive a report on progress, with this assessment run again on newer records, by 30 September 2024."


@pytest.fixture(scope="module")
def context(sample_run) -> dict:
    return report_context(sample_run)


def test_on_the_sample_the_same_cases_give_one_issue_and_one_recommendation(context):
    by_code = {code: item for item in context["recommendations"] for code in item["codes"]}

    assert by_code["TS006"]["number"] == by_code["OV001"]["number"]  # the same 81 cases
    assert by_code["CSC002"]["number"] == by_code["CSC003"]["number"]  # the same children's Stage 2 cases
    shown = context["summary"]["issues"]
    assert len(shown) <= 6
    codes = [set(issue["codes"]) for issue in shown]
    assert {"CSC002", "CSC003"} in codes
    assert any("FT001" in issue for issue in codes)  # members' fast-tracking is never left out of the summary
    numbers = [issue["recommendation_number"] for issue in shown]
    assert numbers[:5] == [1, 2, 3, 4, 5]  # the action plan follows the issues' order


def test_the_sample_report_has_the_summary_sections_in_markdown(sample_run):
    text = (sample_run / "report.md").read_text(encoding="utf-8")
    summary_part = text[text.index("## 1. Executive summary"):text.index("## 2. The records assessed")]

    assert "### Overall assessment: Red (rated on 47 of 48 checks)" in summary_part
    assert "### What this assessment could not test" in summary_part
    assert "- Reviewers' scores (manual evidence): no reviewer scores imported" in summary_part
    assert "### The Committee is asked to" in summary_part
    assert "*14 people affected.*" in summary_part


# Each problem the sample generator seeds (sample_data/ground_truth.json) and the check that must name it.
SEEDED = {
    "member_fast_tracked": "FT001", "member_entered_at_stage2": "FT002", "member_handled_outside_complaints_team": "FT003",
    "childrens_adjudication_late": "CSC002", "missing_apology_upheld": "QR001", "missing_ombudsman_details_final": "QR004",
    "missing_ombudsman_details_extension": "QR004", "jargon_responses": "QR005", "boilerplate_responses": "QR006",
    "upheld_no_learning": "LN001", "loose_local_target": "TS006",
    "missing_complaint_definition": "QR009", "missing_decision_reasons": "QR010", "missing_action_date": "QR011",
    "upheld_no_remedy": "RM001", "remedy_not_delivered": "RM002",
    "clock_stop_still_late": "TS002", "clock_stop_not_deducted": "TS008", "stage2_same_handler": "OV005",
    "refused_without_reason": "AC001", "out_of_time_refusal_within_12_months": "AC002",
    "out_of_time_refusal_without_reasons": "AC002", "informal_tier": "AC003", "third_stage": "AC003",
    "service_request_escalated": "AC004",
}
# Seeded to be found by no check: late only until the clock stop is deducted (tests/checks/test_clock_stops.py).
SEEDED_ON_TIME = {"clock_stop_on_time"}


def test_every_seeded_problem_is_a_summary_issue_or_a_named_fault_with_its_cases(context, sample_run, ground_truth):
    assert set(SEEDED) | SEEDED_ON_TIME == set(ground_truth["problems"]) - {"quarantine"}  # a new one needs its check
    text = (sample_run / "report.md").read_text(encoding="utf-8")
    status = {f["code"]: f["status"] for f in context["appendix"]["catalogue"]}
    in_summary = {code for issue in context["summary"]["issues"] for code in issue["codes"]}
    for problem, code in SEEDED.items():
        assert status[code] in ("fail", "warn"), f"{problem}: {code} is {status[code]}"
        assert code in in_summary or f"under {code} in exceptions.xlsx" in text, f"{problem}: {code} names no cases"


def test_a_handful_of_cases_failing_many_checks_are_many_issues_not_one():
    cases = issues.case_sets(_exceptions({"QR001": ["C1", "C2", "C3"], "TS002": ["C1", "C2", "C3"]}))

    ranked = issues.ranked([_finding("QR001", "warn", 3, theme="quality"), _finding("TS002", "fail", 3)], cases)

    assert [issue["codes"] for issue in ranked] == [["TS002"], ["QR001"]]  # each keeps its own recommendation


def test_a_small_finding_inside_a_large_one_is_its_own_issue():
    cases = issues.case_sets(_exceptions({"FT001": [f"C{i}" for i in range(71)], "FT002": [f"C{i}" for i in range(10)]}))

    ranked = issues.ranked([_finding("FT001", "fail", 71, theme="members"), _finding("FT002", "fail", 10,
                                                                                     theme="members")], cases)

    assert len(ranked) == 2  # 10 of FT001's 71 cases: under 80% of the larger one's
