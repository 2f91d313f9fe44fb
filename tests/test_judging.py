"""How a check's counts become the grade the audit signs: duties owed to each complainant, and small bases."""

from __future__ import annotations

import pandas as pd

from complaint_audit.engine.contract import Area, Check, Priority, Recommendation, empty_exceptions, graded
from complaint_audit.engine.judging import tally
from complaint_audit.engine.runner import run_checks
from complaint_audit.report.findings import check_finding, themes
from tests.builders import audit_data, canonical_records, run_check

CHILDRENS = {"process": "childrens_statutory", "team": "Children's Complaints"}
_RATE = {"amber_above": 5.0, "red_above": 15.0}


def _childrens_stage1(on_time: int, late: int) -> pd.DataFrame:
    """Children's Stage 1 complaints received Mon 3 Apr 2023: on time in 8 working days (Fri 14 Apr, after
    Good Friday and Easter Monday), late in 15 working days (Mon 24 Apr)."""
    rows = [{"case_id": f"T{n}", "responded": "2023-04-14"} for n in range(on_time)]
    rows += [{"case_id": f"L{n}", "responded": "2023-04-24"} for n in range(late)]
    return canonical_records(*rows, received="2023-04-03", outcome="not_upheld", **CHILDRENS)


class _OneLateInTwoHundred(Check):
    """A check that finds 1 of 200 cases failing: 0.5%, green as a rate."""

    area = Area.TIMELINESS
    rule = source = "test"
    params = _RATE

    def run(self, data, params):
        return graded(1, 200, params, "{failing:,} of {assessed:,} cases ({percent_failing}%) were late.",
                      empty_exceptions(), Recommendation("Answer on time", Priority.QUICK_WIN))


class _RateCheck(_OneLateInTwoHundred):
    code, title = "RT001", "A rate"


class _DutyCheck(_OneLateInTwoHundred):
    code, title, case_level = "CL001", "A duty to each complainant", True


def test_one_failing_case_in_a_large_passing_pool_is_amber_for_a_duty_and_green_for_a_rate():
    rate, duty = run_checks(audit_data(canonical_records({"case_id": "C1"})), [_RateCheck, _DutyCheck])
    assert (rate.result.status, rate.result.finding) == ("pass", "1 of 200 cases (0.5%) were late.")
    assert duty.result.status == "warn"
    assert duty.result.finding == ("1 of 200 cases (0.5%) were late. That case is a failure counted on its own, not a "
                                   "rate: the duty is owed to every complainant, so any failing case is amber however "
                                   "large the pool.")


def test_a_late_childrens_stage1_among_sixty_on_time_is_amber_with_its_case_listed():
    """1 of 61 (1.6%) is under CSC001's amber threshold; the regulations' 10 working days are owed to each child."""
    result = run_check("CSC001", _childrens_stage1(on_time=60, late=1))
    assert result.status == "warn"
    assert result.exceptions["case_id"].tolist() == ["L0"]
    assert result.finding.startswith("1 of 61 children's Stage 1 complaints (1.6%) were answered late")


def test_no_case_failing_a_duty_is_green_and_says_no_fault():
    result = run_check("CSC001", _childrens_stage1(on_time=12, late=0))
    assert (result.status, result.finding) == ("pass", "0 of 12 children's Stage 1 complaints (0.0%) were answered late "
                                                       "(0 had an extension).")


def test_a_base_of_six_is_told_in_counts_with_no_percentage_and_the_evidence_called_thin():
    result = run_check("CSC001", _childrens_stage1(on_time=4, late=2))
    assert result.status == "fail"
    assert result.finding == ("2 of 6 children's Stage 1 complaints were answered late (0 had an extension). The "
                              "evidence is thin: this grade rests on 6 of them, fewer than 10.")
    assert "%" not in result.finding
    assert dict(result.metrics)["percent_failing"] == 33.3  # results.json keeps the figure; the words do not use it


def test_the_report_shows_a_small_base_as_counts_in_its_table_and_its_fault():
    (outcome,) = run_checks(audit_data(_childrens_stage1(on_time=4, late=2)), [_registry()["CSC001"]])
    finding = check_finding(_as_results(outcome), [])
    assert finding["percent_text"] == "2 of 6"
    assert finding["fault"] == ("2 of 6 children's Stage 1 complaints were answered outside the 10 working days the "
                                "regulations allow (20 with an extension).")
    assert "%" not in finding["ombudsman"] and "%" not in finding["finding"]


def test_a_base_of_ten_keeps_its_percentage():
    result = run_check("CSC001", _childrens_stage1(on_time=8, late=2))
    assert result.finding.startswith("2 of 10 children's Stage 1 complaints (20.0%) were answered late")
    assert "thin" not in result.finding


def test_a_theme_says_no_fault_found_only_where_no_case_failed():
    rate, = run_checks(audit_data(canonical_records({"case_id": "C1"})), [_RateCheck])
    green_with_a_case = check_finding({**_as_results(rate), "exceptions": 1}, [])
    green_with_none = check_finding({**_as_results(rate), "exceptions": 0}, [])
    timeliness = [theme for theme in themes([green_with_a_case]) if theme["key"] == "timeliness"][0]
    assert not timeliness["no_concerns"].startswith("No fault found")
    assert "some cases fell short" in timeliness["no_concerns"]
    timeliness = [theme for theme in themes([green_with_none]) if theme["key"] == "timeliness"][0]
    assert timeliness["no_concerns"] == "No fault found: none of the checks in this theme is red or amber."


def test_sample_duties_owed_to_each_complainant_are_at_least_amber_with_their_cases(sample_records):
    """The issue's Done means: QR001, QR004, QR005, QR006 and LN001 at least amber on the sample, each with every
    failing case in its exceptions (QR005's 42 hard letters and LN001's 39 upheld stages are green as rates)."""
    for code in ("QR001", "QR004", "QR005", "QR006", "LN001"):
        result = run_check(code, sample_records)
        failing, _ = tally(_registry()[code], result.metrics)
        assert result.status in ("warn", "fail"), code
        assert len(result.exceptions) == failing > 0, code
    assert run_check("QR005", sample_records).finding.startswith("42 of 2,105 response letters (2.0%) scored below 50")
    assert run_check("LN001", sample_records).finding.startswith("39 of 939 upheld or partly upheld complaint stages")


def _registry():
    from complaint_audit.engine.registry import discover

    return discover()


def _as_results(outcome) -> dict:
    """One check as results.json holds it, for the report's functions."""
    from complaint_audit.audit.results import _check_entry

    return _check_entry(outcome)
