"""Grading by segment (engine/segments.py): a fault concentrated in one team or kind of complaint is graded where it
falls, with the pooled rate as context; a segment too small to judge is reported but sets no grade."""

from __future__ import annotations

import jsonschema

from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.report.findings import check_finding
from complaint_audit.results import _check_entry, results_schema
from tests.builders import audit_data, canonical_records, run_check

_STAGES = "upheld or partly upheld complaint stages"


def _upheld(team: str, category: str, with_learning: int, without: int, prefix: str, **fields) -> list[dict]:
    """Upheld stages of one team and category: some recording learning, some not (LN001's exceptions)."""
    rows = [{"case_id": f"{prefix}{n}", "learning": "Check the rota weekly"} for n in range(with_learning)]
    rows += [{"case_id": f"{prefix}X{n}"} for n in range(without)]
    return [{**row, "team": team, "category": category, "outcome": "upheld", **fields} for row in rows]


def _diluted():
    """3 of 10 at Team B on damp (30.0%: red) inside 3 of 200 council-wide (1.5%: green)."""
    return canonical_records(*_upheld("Team A", "Potholes", 190, 0, "A"), *_upheld("Team B", "Damp", 7, 3, "B"))


def test_a_failing_segment_inside_a_passing_pool_is_graded_by_the_segment_with_the_pool_as_context():
    result = run_check("LN001", _diluted())
    assert result.status == "fail"
    assert result.finding == (f"3 of 10 {_STAGES} about Damp at Team B (30.0%) recorded no learning; council-wide, "
                              f"3 of 200 {_STAGES} (1.5%) recorded no learning.")
    assert sorted(result.exceptions["case_id"]) == ["BX0", "BX1", "BX2"]
    assert result.segments.table[["team", "category", "failing", "assessed", "percent", "status"]].values.tolist() == [
        ["Team B", "Damp", 3, 10, 30.0, "fail"], ["Team A", "Potholes", 0, 190, 0.0, "pass"],
    ]


def test_results_json_holds_the_segments_and_the_report_says_the_fault_where_it_falls():
    (outcome,) = run_checks(audit_data(_diluted()), [discover()["LN001"]])
    entry = _check_entry(outcome)
    jsonschema.validate(entry, results_schema()["properties"]["checks"]["items"])
    segments = entry["segments"]
    assert segments["by"] == ["organisation", "team", "category"]
    assert segments["groups"][0] == {"keys": {"organisation": "Testshire Council", "team": "Team B", "category": "Damp"},
                                     "failing": 3, "assessed": 10, "percent": 30.0, "status": "fail"}
    assert segments["headline"] == (f"3 of 10 {_STAGES} about Damp at Team B (30.0%) recorded no learning; 3 of 200 "
                                    f"{_STAGES} council-wide (1.5%)")
    assert check_finding(entry, [])["ombudsman"].endswith(f"because 3 of 10 {_STAGES} about Damp at Team B (30.0%) "
                                                          f"recorded no learning; 3 of 200 {_STAGES} council-wide (1.5%).")


def test_a_small_failing_segment_sets_no_grade_but_is_reported_in_counts():
    records = canonical_records(*_upheld("Team A", "Potholes", 190, 0, "A"), *_upheld("Team C", "Noise", 2, 3, "C"))
    result = run_check("LN001", records)
    assert result.status == "pass"  # 3 of 195 (1.5%); Team C's 3 of 5 is too few cases to grade
    assert result.finding == (f"3 of 195 {_STAGES} (1.5%) recorded no learning. Too few to grade on their own: 3 of 5 "
                              f"{_STAGES} about Noise at Team C.")
    small = result.segments.table.iloc[-1]
    assert (small["team"], small["failing"], small["assessed"], small["percent"], small["status"]) == (
        "Team C", 3, 5, None, "not_graded")
    assert result.segments.headline is None


def test_teams_of_the_same_name_in_two_councils_are_not_pooled():
    records = canonical_records(*_upheld("Complaints", "Damp", 7, 3, "N", organisation="Northshire"),
                                *_upheld("Complaints", "Damp", 190, 0, "S", organisation="Southshire"))
    result = run_check("LN001", records)
    assert result.status == "fail"
    assert result.finding.startswith(f"3 of 10 {_STAGES} about Damp at Complaints (Northshire) (30.0%) recorded no "
                                     f"learning; across the councils audited, 3 of 200 {_STAGES} (1.5%)")


def test_ts001_is_a_duty_to_each_complainant_so_one_late_acknowledgement_is_amber():
    on_time = [{"case_id": f"T{n}", "acknowledged": "2023-04-04"} for n in range(199)]
    late = {"case_id": "L1", "acknowledged": "2023-04-20"}
    result = run_check("TS001", canonical_records(*on_time, late, received="2023-04-03", responded="2023-04-21"))
    assert (result.status, result.exceptions["case_id"].tolist()) == ("warn", ["L1"])
    assert result.finding.startswith("1 of 200 complaint stages (0.5%) were not acknowledged on time")


def test_sample_final_responses_are_graded_on_final_responses_and_extension_letters_on_their_own(sample_records):
    result = run_check("QR004", sample_records)
    assert result.status == "warn"
    assert result.finding.startswith(
        "25 of 236 final responses (10.6%) lacked the ombudsman's name, contact or 12-month limit. 7 of 133 responses "
        "on an extended timescale (5.3%) lacked the ombudsman's details or the next step. 0 of 1,419 other responses "
        "(0.0%) did not offer the next stage. In all, 32 of 1,788 responses (1.8%) did not give the full route to "
        "escalate.")
    groups = result.segments.table.set_index("letter")
    assert groups.loc["final", ["failing", "assessed", "status"]].tolist() == [25, 236, "warn"]
    assert groups.loc["extended-timescale", ["failing", "assessed", "status"]].tolist() == [7, 133, "warn"]


def test_sample_identical_letters_are_a_quarter_of_one_teams_not_upheld_damp_and_mould_letters(sample_records):
    result = run_check("QR006", sample_records)
    assert result.status == "fail"
    assert result.finding.startswith(
        "16 of 64 Stage 1 not-upheld letters about Damp and Mould at Housing Complaints (25.0%) share their wording "
        "with another complaint's letter; council-wide, 16 of 1,788 response letters (0.9%) share")
    assert len(result.exceptions) == 16


def test_sample_sign_off_and_housing_stage_2_are_headlined_inside_their_pools(sample_records):
    signed = run_check("OV003", sample_records)
    assert signed.finding.startswith(
        "157 of 319 adult social care responses at Adult Social Care Complaints (49.2%) were signed off below the "
        "required level or not at all; council-wide, 157 of 586 Stage 2, Stage 3 and final responses (26.8%)")
    on_time = run_check("TS002", sample_records)
    assert on_time.status == "fail"  # 45.2% late in one segment; 11.5% pooled would be amber
    assert on_time.finding.startswith(
        "33 of 73 housing Stage 2 responses at Housing Complaints (45.2%) were later than the code allows; "
        "council-wide, 185 of 1,612 corporate and housing responses (11.5%) were later than the code allows. On time: "
        "Stage 1 1,237 of 1,381 (89.6%); Stage 2 190 of 231 (82.3%).")


def test_sample_criteria_give_counts_beside_each_percentage(sample_records):
    result = run_check("QR007", sample_records)
    assert ("by criterion: apology 727 of 757 (96.0%), clear decision 1,647 of 1,647 (100.0%), remedy 757 of 757 "
            "(100.0%), escalation route 1,756 of 1,788 (98.2%), plain language 1,754 of 1,788 (98.1%).") in result.finding


def test_dq005_closed_without_outcome_is_graded_by_team_and_a_blank_team_is_said_as_such():
    recorded = [{"case_id": f"A{n}", "outcome": "upheld"} for n in range(200)]
    unowned = [{"case_id": f"U{n}", "team": None, "outcome": "upheld" if n > 2 else None} for n in range(10)]
    result = run_check("DQ005", canonical_records(*recorded, *unowned, team="Team A", responded="2023-04-10"))
    assert result.status == "fail"  # 3 of 210 (1.4%) is green; 3 of the 10 with no team (30.0%) is red
    assert result.finding == ("3 of 10 records with no team recorded (30.0%) are closed or answered with no outcome "
                              "recorded; council-wide, 3 of 210 records (1.4%) are closed or answered with no outcome "
                              "recorded.")
