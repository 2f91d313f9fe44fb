"""OV checks: hand-made records with exact exceptions, and what they find in the sample data."""

from __future__ import annotations

import pandas as pd

from complaint_audit.calendar import add_working_days
from tests.builders import canonical_records, run_check

RECEIVED = "2023-06-05"  # a Monday; no bank holiday for the next five weeks


def _due_in(days: int) -> str:
    return add_working_days(pd.Timestamp(RECEIVED), days).isoformat()


def _team_rows(prefix: str, team: str, process: str, target: int, count: int = 5, **fields) -> list[dict]:
    return [
        {"case_id": f"{prefix}{n}", "team": team, "process": process, "received": RECEIVED, "due": _due_in(target), **fields}
        for n in range(1, count + 1)
    ]


def test_ov001_team_with_a_looser_target_for_the_same_kind_is_an_exception():
    records = canonical_records(
        *_team_rows("A", "Team A", "corporate", 10),
        *_team_rows("B", "Team B", "corporate", 15, count=4),
        {"case_id": "B5", "team": "Team B", "received": RECEIVED, "due": _due_in(10)},  # this one's own target is not looser
        *_team_rows("C", "Team C", "housing", 10),  # corporate and housing follow the same code
        *_team_rows("D", "Team D", "corporate", 30, count=4),  # too few records to judge the team
        *_team_rows("K", "Children's Team", "childrens_statutory", 10),
    )
    result = run_check("OV001", records)
    assert result.status == "warn"
    assert result.exceptions["case_id"].tolist() == ["B1", "B2", "B3", "B4"]
    assert result.exceptions["reason"].iloc[0] == "due 15 WD after receipt; Team A records 10 WD for corporate and housing Stage 1"
    assert result.metrics == {
        "groups_compared": 1, "groups_differing": 1, "teams_looser": 1, "records_affected": 4,
        "corporate_and_housing_stage_1_targets": "Team A 10, Team B 15, Team C 10",
    }
    assert result.finding == (
        "Teams record different targets for the same kind of complaint in 1 of 1 comparison: for corporate and "
        "housing Stage 1, Team B records 15 working days against 10 at Team A (4 records affected)."
    )


def test_ov001_same_targets_pass_and_processes_apart_are_not_compared():
    records = canonical_records(*_team_rows("A", "Team A", "corporate", 10), *_team_rows("C", "Team C", "housing", 10))
    result = run_check("OV001", records)
    assert (result.status, result.finding) == (
        "pass", "Teams handling the same kind of complaint record the same targets (1 comparison)."
    )
    apart = run_check("OV001", records, comparable_processes=[])
    assert apart.status == "not_applicable"


def test_ov002_a_category_one_team_never_uses_is_found():
    north = [{"case_id": f"N{n}", "team": "North", "category": "Damp"} for n in range(10)]
    north += [{"case_id": f"R{n}", "team": "North", "category": "Repairs"} for n in range(10)]
    north += [{"case_id": "X1", "team": "North", "category": "Rent"}]  # rare: South missing it is chance
    south = [{"case_id": f"S{n}", "team": "South", "category": "Repairs"} for n in range(12)]
    result = run_check("OV002", canonical_records(*north, *south, process="housing"))
    assert result.status == "warn"
    assert sorted(result.exceptions["case_id"]) == [f"N{n}" for n in range(10)]
    assert set(result.exceptions["reason"]) == {"category Damp never used by South for housing complaints"}
    assert result.metrics == {
        "processes_compared_for_categories": 1, "groups_compared_for_outcomes": 0,
        "categories_not_shared": 1, "outcomes_not_shared": 0, "records_affected": 10,
    }
    assert result.finding == (
        "Teams handling the same kind of complaint use different vocabularies: 1 category and 0 outcomes used by one "
        "team are never used by another (10 records), for example category Damp never used by South."
    )


def test_ov002_an_outcome_one_team_never_records_is_found_across_comparable_processes():
    team_a = [{"case_id": f"A{n}", "team": "Team A", "process": "corporate", "outcome": o}
              for n, o in enumerate(["upheld", "not_upheld", "resolved"] * 5)]
    team_b = [{"case_id": f"B{n}", "team": "Team B", "process": "housing", "outcome": o}
              for n, o in enumerate(["upheld", "not_upheld"] * 10)]
    result = run_check("OV002", canonical_records(*team_a, *team_b, category="Repairs"))
    assert result.exceptions[["case_id", "reason"]].values.tolist() == [
        [f"A{n}", "outcome resolved never used by Team B for corporate and housing Stage 1"] for n in (2, 5, 8, 11, 14)
    ]
    same = [{**row, "outcome": "upheld"} for row in team_a + team_b]
    passed = run_check("OV002", canonical_records(*same, category="Repairs"))
    assert (passed.status, passed.finding) == (
        "pass",
        "Teams handling the same kind of complaint use the same outcomes (1 kind and stage compared). "
        "No process has more than one team, so categories could not be compared.",
    )


def test_ov002_one_team_per_kind_is_not_applicable():
    result = run_check("OV002", canonical_records({"case_id": "C1", "category": "Waste", "outcome": "upheld"}))
    assert result.status == "not_applicable"


def test_ov003_final_responses_signed_below_the_required_level():
    answered = {"responded": "2023-05-02"}
    records = canonical_records(
        {"case_id": "C1", "stage": "2", "signed_off_by": "Director of Place", **answered},
        {"case_id": "C2", "stage": "2", "signed_off_by": "Service Manager", **answered},
        {"case_id": "C3", "stage": "2", "signed_off_by": None, **answered},
        {"case_id": "C4", "stage": "2", "signed_off_by": "Directorate Officer", **answered},
        {"case_id": "C7", "stage": "2", "signed_off_by": "  ", **answered},
        {"case_id": "C5", "stage": "2", "signed_off_by": None},  # not answered yet
        {"case_id": "C6", "stage": "1", "signed_off_by": "Team Leader", **answered},  # Stage 1 is not final here
        {"case_id": "A1", "process": "adult_social_care", "signed_off_by": "head of adult social care", **answered},
        {"case_id": "A2", "process": "adult_social_care", "signed_off_by": "Service Manager", **answered},
        {"case_id": "K1", "process": "childrens_statutory", "stage": "2", "signed_off_by": "Assistant Director, Children's Services", **answered},
        {"case_id": "K2", "process": "childrens_statutory", "stage": "3", "signed_off_by": "team manager", **answered},
        {"case_id": "K3", "process": "childrens_statutory", "stage": "1", "signed_off_by": "Team Manager", **answered},
    )
    result = run_check("OV003", records)
    assert result.exceptions[["case_id", "stage", "reason"]].values.tolist() == [
        ["C2", "2", "signed off by Service Manager, below the required level"],
        ["C3", "2", "response sent with no sign-off recorded"],
        ["C4", "2", "signed off by Directorate Officer, below the required level"],
        ["C7", "2", "response sent with no sign-off recorded"],
        ["A2", "1", "signed off by Service Manager, below the required level"],
        ["K2", "3", "signed off by team manager, below the required level"],
    ]
    assert (result.metrics["responses"], result.metrics["failing"], result.metrics["percent_failing"]) == (9, 6, 66.7)
    assert (result.metrics["corporate_failing"], result.metrics["corporate_responses"], result.metrics["no_sign_off"]) == (4, 5, 2)
    assert result.status == "fail"
    assert result.finding == (
        "6 of 9 Stage 2, Stage 3 and final responses were signed off below the required level or not at all: "
        "corporate 4 of 5, adult social care 1 of 2, children's statutory 1 of 2. The evidence is thin: this grade "
        "rests on 9 of them, fewer than 10."
    )
    only_chief = run_check("OV003", records, required_signatories=["Chief Executive"])
    assert only_chief.metrics["failing"] == 9


def test_ov004_complaints_with_no_team_or_category():
    records = canonical_records(
        {"case_id": "C1", "category": "Waste"},
        {"case_id": "C2", "team": None, "category": "Waste"},
        {"case_id": "C3", "category": "  "},
        {"case_id": "C4", "team": None, "category": None},
    )
    result = run_check("OV004", records)
    assert result.exceptions[["case_id", "reason"]].values.tolist() == [
        ["C2", "no team"], ["C3", "no category"], ["C4", "no team or category"]
    ]
    assert (result.metrics["failing"], result.metrics["percent_failing"], result.status) == (3, 75.0, "fail")
    assert result.finding == ("3 of 4 records have no team or no category. The evidence is thin: this grade rests on 4 "
                              "of them, fewer than 10.")


# The sample data.

def _pairs(table) -> set[tuple[str, str]]:
    return set(zip(table["case_id"], table["stage"], strict=True))


def test_ov001_sample_finds_the_housing_teams_looser_stage_2_target(sample_records, ground_truth):
    truth = ground_truth["problems"]["loose_local_target"]
    result = run_check("OV001", sample_records)
    assert result.status == "warn"
    assert _pairs(result.exceptions) == {(case["case_id"], case["stage"]) for case in truth["cases"]}
    assert result.metrics["corporate_and_housing_stage_2_targets"] == "Corporate Complaints 20, Housing Complaints 35"


def test_ov002_sample_teams_share_outcomes(sample_records):
    result = run_check("OV002", sample_records)
    assert (result.status, result.metrics["groups_compared_for_outcomes"], len(result.exceptions)) == ("pass", 2, 0)


def test_ov003_sample_adult_responses_signed_by_service_managers(sample_records):
    # Independently of the check: final responses whose signer does not start with a senior role.
    senior = ("chief executive", "director", "assistant director", "head of")
    records = sample_records
    final = records["stage"].isin(["2", "3"]) | (records["process"].eq("adult_social_care") & records["stage"].eq("1"))
    responses = records[final & records["responded"].notna()]
    below = responses[[not str(signer).lower().startswith(senior) or pd.isna(signer) for signer in responses["signed_off_by"]]]
    result = run_check("OV003", sample_records)
    assert _pairs(result.exceptions) == _pairs(below)
    assert set(result.exceptions["signed_off_by"]) == {"Service Manager"}
    assert set(result.exceptions["case_id"].str[:3]) == {"ASC"}
    assert result.status == "fail"


def test_ov004_sample_every_complaint_has_team_and_category(sample_records):
    result = run_check("OV004", sample_records)
    assert (result.status, result.metrics["failing"]) == ("pass", 0)
