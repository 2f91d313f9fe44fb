"""Grading by segment (engine/segments.py): a fault concentrated in one team or kind of complaint is graded where it
falls, with the pooled rate as context, where it runs high beyond chance; a segment that could be chance, or too small
to judge, is reported but sets no grade."""

from __future__ import annotations

import jsonschema
import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from complaint_audit.audit.results import _check_entry, results_schema
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.engine.segments import segment_table
from complaint_audit.report.findings import check_finding
from tests.builders import audit_data, canonical_records, run_check

_STAGES = "upheld or partly upheld complaint stages"
_NO_OUTCOME = "are closed or answered with no outcome recorded"
_TESTED_TWO = "Fisher's exact test against the rest of the council, Holm-corrected across 2 groups"


def _upheld(team: str, category: str, with_learning: int, without: int, prefix: str, **fields) -> list[dict]:
    """Upheld stages of one team and category: some recording learning, some not (LN001's exceptions)."""
    rows = [{"case_id": f"{prefix}{n}", "learning": "Check the rota weekly"} for n in range(with_learning)]
    rows += [{"case_id": f"{prefix}X{n}"} for n in range(without)]
    return [{**row, "team": team, "category": category, "outcome": "upheld", **fields} for row in rows]


def _closed(team: str, with_outcome: int, without: int, prefix: str) -> list[dict]:
    """Answered records of one team: some with an outcome recorded, some without (DQ005's exceptions)."""
    rows = [{"case_id": f"{prefix}{n}", "outcome": "upheld"} for n in range(with_outcome)]
    rows += [{"case_id": f"{prefix}X{n}", "outcome": None} for n in range(without)]
    return [{**row, "team": team, "responded": "2023-04-10"} for row in rows]


def _diluted():
    """3 of 10 at Team B on damp (30.0%: red) inside 3 of 200 council-wide (1.5%: green)."""
    return canonical_records(*_upheld("Team A", "Potholes", 190, 0, "A"), *_upheld("Team B", "Damp", 7, 3, "B"))


def test_a_failing_segment_inside_a_passing_pool_is_graded_by_the_segment_with_the_pool_as_context():
    result = run_check("LN001", _diluted())
    assert result.status == "fail"
    assert result.finding == (f"3 of 10 {_STAGES} about Damp at Team B (30.0%) recorded no learning, beyond chance "
                              f"({_TESTED_TWO}); council-wide, 3 of 200 {_STAGES} (1.5%) recorded no learning.")
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
    # Fisher's one-sided p for 3 of 10 against 0 of 190 is C(10,3)/C(200,3); Holm doubles the smaller of two.
    assert segments["groups"][0] == {"keys": {"organisation": "Testshire Council", "team": "Team B", "category": "Damp"},
                                     "failing": 3, "assessed": 10, "percent": 30.0, "status": "fail",
                                     "p_adjusted": 0.000183, "beyond_chance": True}
    assert segments["headline"] == (f"3 of 10 {_STAGES} about Damp at Team B (30.0%) recorded no learning; 3 of 200 "
                                    f"{_STAGES} council-wide (1.5%)")
    # The fault is said where it falls; the test data's cases predate the code, so it is said as a shortfall.
    said = check_finding(entry, [])["ombudsman"]
    assert said.startswith(f"This falls short of the council's own procedure: 3 of 10 {_STAGES} about Damp at Team B "
                           f"(30.0%) recorded no learning; 3 of 200 {_STAGES} council-wide (1.5%).")


def test_a_small_failing_segment_sets_no_grade_but_is_reported_in_counts():
    result = run_check("DQ005", canonical_records(*_closed("Team A", 192, 0, "A"), *_closed("Team C", 2, 3, "C")))
    assert result.status == "pass"  # 3 of 197 (1.5%); Team C's 3 of 5 is too few cases to grade
    assert result.finding == (f"3 of 197 records (1.5%) {_NO_OUTCOME}. Too few to grade on their own: 3 of 5 records at "
                              "Team C.")
    small = result.segments.table.iloc[-1]
    assert (small["team"], small["failing"], small["assessed"], small["percent"], small["status"], small["beyond_chance"]) == (
        "Team C", 3, 5, None, "not_graded", None)
    assert result.segments.headline is None


def test_teams_of_the_same_name_in_two_councils_are_not_pooled():
    records = canonical_records(*_upheld("Complaints", "Damp", 7, 3, "N", organisation="Northshire"),
                                *_upheld("Complaints", "Damp", 190, 0, "S", organisation="Southshire"))
    result = run_check("LN001", records)
    assert result.status == "fail"
    assert result.finding.startswith(f"3 of 10 {_STAGES} about Damp at Complaints (Northshire) (30.0%) recorded no "
                                     "learning, beyond chance (Fisher's exact test against the rest of the councils "
                                     f"audited, Holm-corrected across 2 groups); across the councils audited, 3 of 200 "
                                     f"{_STAGES} (1.5%)")


def test_a_segment_running_high_that_could_be_chance_sets_no_grade_and_is_listed_as_such():
    """1 of 20 at Team B (5.0%, amber on its own) against 3 of 300 elsewhere (1.0%): Fisher's one-sided p is 0.23,
    0.46 once Holm-corrected across the two teams, so the council's 4 of 320 (1.2%, green) stands."""
    records = canonical_records(*_closed("Team A", 297, 3, "A"), *_closed("Team B", 19, 1, "B"))
    (outcome,) = run_checks(audit_data(records), [discover()["DQ005"]])
    result, entry = outcome.result, _check_entry(outcome)
    jsonschema.validate(entry, results_schema()["properties"]["checks"]["items"])
    adjusted = 2 * fisher_exact([[1, 19], [3, 297]], alternative="greater").pvalue
    assert result.status == "pass"
    assert result.finding == (f"4 of 320 records (1.2%) {_NO_OUTCOME}. The highest rate, 1 of 20 records at Team B (5.0%), "
                              f"could be chance ({_TESTED_TWO}: adjusted p = {adjusted:.2g}), so it sets no grade.")
    assert entry["segments"]["headline"] is None
    assert entry["segments"]["groups"][0] == {
        "keys": {"organisation": "Testshire Council", "team": "Team B"}, "failing": 1, "assessed": 20, "percent": 5.0,
        "status": "warn", "p_adjusted": float(f"{adjusted:.3g}"), "beyond_chance": False}


def test_a_duty_to_each_complainant_stays_amber_where_its_high_segment_could_be_chance():
    """LN001 is case-level: 10 of 210 upheld stages without learning is amber whatever the segments, but Team B's
    2 of 20 (could be chance) does not head the finding."""
    records = canonical_records(*_upheld("Team A", "Potholes", 182, 8, "A"), *_upheld("Team B", "Damp", 18, 2, "B"))
    result = run_check("LN001", records)
    assert (result.status, result.segments.headline, len(result.exceptions)) == ("warn", None, 10)
    assert result.finding.startswith(f"10 of 210 {_STAGES} (4.8%) recorded no learning. The highest rate, 2 of 20 "
                                     f"{_STAGES} about Damp at Team B (10.0%), could be chance ({_TESTED_TWO}")
    assert result.finding.endswith("Each of the 10 is a failure counted on its own, not a rate: the duty is owed to every complainant, so any "
                                   "failing case is amber however large the pool.")


def test_a_segments_p_value_is_fishers_exact_test_against_the_rest_of_the_pool_holm_corrected():
    cases = pd.DataFrame({"organisation": "Testshire Council", "team": ["A"] * 40 + ["B"] * 30 + ["C"] * 30})
    failing = pd.Series([True] * 12 + [False] * 28 + [True] * 3 + [False] * 27 + [True] * 1 + [False] * 29)
    table = segment_table(cases, failing, ("team",), {"amber_above": 5.0, "red_above": 15.0}).set_index("team")
    raw = {team: fisher_exact([[hit, n - hit], [16 - hit, 84 - (n - hit)]], alternative="greater").pvalue
           for team, hit, n in (("A", 12, 40), ("B", 3, 30), ("C", 1, 30))}
    ordered = sorted(raw, key=raw.get)  # Holm: the smallest p times 3, the next times 2, each at least the one before
    holm = np.maximum.accumulate([raw[team] * k for team, k in zip(ordered, (3, 2, 1), strict=True)]).clip(max=1)
    expected = dict(zip(ordered, holm, strict=True))
    assert table.loc[list("ABC"), "p_adjusted"].tolist() == pytest.approx([expected[team] for team in "ABC"], rel=1e-9)
    assert table["beyond_chance"].to_dict() == {"A": True, "B": False, "C": False}


def test_an_evenly_spread_problem_is_not_graded_where_some_of_many_segments_happen_to_run_high():
    """40,000 letters, 4.5% failing at random across 80 teams and categories: some segments run above the 5% amber
    threshold by chance alone, none beyond chance, so the pool's green stands."""
    rng = np.random.default_rng(21)
    size = 40_000
    cases = pd.DataFrame({"organisation": "Testshire Council", "team": rng.integers(0, 8, size).astype(str),
                          "category": rng.integers(0, 10, size).astype(str)})
    table = segment_table(cases, pd.Series(rng.random(size) < 0.045), ("team", "category"),
                          {"amber_above": 5.0, "red_above": 15.0})
    assert len(table) == 80 and table["status"].eq("warn").sum() >= 5
    assert not table["beyond_chance"].any()


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
        "39 of 553 final responses (7.1%) lacked the ombudsman's name, contact or 12-month limit, beyond chance "
        "(Fisher's exact test against the rest of the council, Holm-corrected across 3 groups). 7 of 133 responses "
        "on an extended timescale (5.3%) lacked the ombudsman's details or the next step. 0 of 1,419 other responses "
        "(0.0%) did not offer the next stage. In all, 46 of 2,105 responses (2.2%) did not give the full route to "
        "escalate.")
    groups = result.segments.table.set_index("letter")
    assert groups.loc["final", ["failing", "assessed", "status"]].tolist() == [39, 553, "warn"]
    assert groups.loc["extended-timescale", ["failing", "assessed", "status"]].tolist() == [7, 133, "warn"]


def test_sample_identical_letters_are_a_quarter_of_one_teams_not_upheld_damp_and_mould_letters(sample_records):
    result = run_check("QR006", sample_records)
    assert result.status == "fail"
    assert result.finding.startswith(
        "16 of 64 Stage 1 not-upheld letters about Damp and Mould at Housing Complaints (25.0%) share their wording "
        "with another complaint's letter, beyond chance (Fisher's exact test against the rest of the council, "
        "Holm-corrected across 76 groups); council-wide, 16 of 2,105 response letters (0.8%) share")
    assert len(result.exceptions) == 16


def test_sample_sign_off_and_housing_stage_2_are_headlined_inside_their_pools(sample_records):
    signed = run_check("OV003", sample_records)
    assert signed.finding.startswith(
        "157 of 319 adult social care responses at Adult Social Care Complaints (49.2%) were signed off below the "
        "required level or not at all, beyond chance (Fisher's exact test against the rest of the council, "
        "Holm-corrected across 4 groups); council-wide, 157 of 589 Stage 2, Stage 3 and final responses (26.7%)")
    on_time = run_check("TS002", sample_records)
    assert on_time.status == "fail"  # 45.2% late in one segment; 11.0% pooled would be amber
    assert on_time.finding.startswith(
        "33 of 73 housing Stage 2 responses at Housing Complaints (45.2%) were later than the code allows, beyond "
        "chance (Fisher's exact test against the rest of the council, Holm-corrected across 4 groups); "
        "council-wide, 177 of 1,612 corporate and housing responses (11.0%) were later than the code allows. On time: "
        "Stage 1 1,245 of 1,381 (90.2%); Stage 2 190 of 231 (82.3%).")  # 8 on time once their clock stops are deducted


def test_sample_criteria_give_counts_beside_each_percentage(sample_records):
    result = run_check("QR007", sample_records)
    assert ("by criterion: apology 895 of 938 (95.4%), clear decision 1,941 of 1,941 (100.0%), remedy 938 of 938 "
            "(100.0%), escalation route 2,059 of 2,105 (97.8%), plain language 2,063 of 2,105 (98.0%), complaint defined "
            "1,922 of 1,941 (99.0%), reasons given 1,922 of 1,941 (99.0%), outstanding actions dated 919 of 938 (98.0%)."
            ) in result.finding


def test_dq005_closed_without_outcome_is_graded_by_team_and_a_blank_team_is_said_as_such():
    recorded = [{"case_id": f"A{n}", "outcome": "upheld"} for n in range(200)]
    unowned = [{"case_id": f"U{n}", "team": None, "outcome": "upheld" if n > 2 else None} for n in range(10)]
    result = run_check("DQ005", canonical_records(*recorded, *unowned, team="Team A", responded="2023-04-10"))
    assert result.status == "fail"  # 3 of 210 (1.4%) is green; 3 of the 10 with no team (30.0%) is red
    assert result.finding == ("3 of 10 records with no team recorded (30.0%) are closed or answered with no outcome "
                              f"recorded, beyond chance ({_TESTED_TWO}); council-wide, 3 of 210 records (1.4%) are "
                              "closed or answered with no outcome recorded.")


def test_sample_learning_and_whole_letters_run_high_in_one_segment_only_by_chance(sample_records):
    """LN001's 3 of 23 Missed Visits stages and QR007's 8 of 51 Assisted Collection letters sit among a few per cent
    elsewhere: listed, named as could-be-chance, and not graded."""
    learning, letters = run_check("LN001", sample_records), run_check("QR007", sample_records)
    assert learning.segments.headline is None and letters.segments.headline is None
    assert (f"The highest rate, 3 of 23 {_STAGES} about Missed Visits at Adult Social Care Complaints (13.0%), could be "
            "chance (Fisher's exact test against the rest of the council, Holm-corrected across 30 groups: adjusted "
            "p = 1), so it sets no grade.") in learning.finding
    assert letters.status == "pass"
    assert ("The highest rate, 8 of 51 response letters about Assisted Collection at Corporate Complaints (15.7%), "
            "could be chance") in letters.finding
    highest = letters.segments.table.iloc[0]
    assert (highest["failing"], highest["assessed"], highest["status"], highest["beyond_chance"]) == (8, 51, "warn", False)


@pytest.mark.parametrize("numbered", [True, False])
@pytest.mark.parametrize("seed", range(5))
def test_segments_are_the_groups_pandas_makes_in_its_order(seed, numbered, monkeypatch):
    """segment_groups numbers the segments as groupby(observed=True, dropna=False, sort=True) does: a categorical's in
    its categories' order (not alphabetical), text sorted, blanks last; and each case's segment. So it does where the
    keys have too many combinations to number (NUMBERED false) and it sorts their codes instead."""
    from complaint_audit.engine import segments as module
    from complaint_audit.engine.segments import segment_groups

    if not numbered:
        monkeypatch.setattr(module, "_NUMBERED_UP_TO", 0)

    rng = np.random.default_rng(seed)
    size = 300
    teams = pd.Categorical(rng.choice(["Zeta", "Alpha", "Mid", None], size), categories=["Zeta", "Mid", "Alpha", "Unused"])
    stages = pd.Series(rng.choice(["2", "1", None], size), dtype="str")
    cases = pd.DataFrame({"organisation": pd.Categorical(rng.choice(["B Council", "A Council"], size)), "team": teams,
                          "stage": stages, "category": pd.Categorical([None] * size, categories=[])})
    failing = pd.Series(rng.random(size) < 0.3)
    keys = ["organisation", "team", "stage", "category"]
    expected = (cases.assign(failing=failing).groupby(keys, observed=True, dropna=False, sort=True)["failing"]
                .agg(["sum", "size"]))
    segments, group = segment_groups(cases, keys)
    assert segments.astype(object).where(segments.notna(), None).values.tolist() == \
           expected.index.to_frame(index=False).astype(object).where(expected.index.to_frame(index=False).notna(), None).values.tolist()
    assert np.bincount(group).tolist() == expected["size"].tolist()
    assert np.bincount(group, weights=failing.to_numpy()).astype(int).tolist() == expected["sum"].tolist()
