"""AC checks on hand-made records with exact exceptions, and on the seeded sample data."""

from __future__ import annotations

from tests.builders import canonical_records, run_check


def rows_of(result) -> list[list[str]]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def seeded(ground_truth, problem: str) -> set[tuple[str, str]]:
    return {(case["case_id"], case["stage"]) for case in ground_truth["problems"][problem]["cases"]}


def listed(result) -> set[tuple[str, str]]:
    return set(zip(result.exceptions["case_id"], result.exceptions["stage"], strict=True))


def _refusals():
    return canonical_records(
        {"case_id": "R1", "outcome": "out_of_scope", "refusal_ground": "legal_proceedings"},
        {"case_id": "R2", "outcome": "out_of_scope", "refusal_reason": "Already answered under case R0"},
        {"case_id": "R3", "outcome": "out_of_scope", "refusal_reason": "  "},
        {"case_id": "R4", "stage": "2", "outcome": "out_of_scope"},
        {"case_id": "R5", "outcome": "not_upheld"},
        {"case_id": "R6", "process": "adult_social_care", "outcome": "out_of_scope"},
        {"case_id": "R7", "outcome": "not_upheld", "refusal_ground": "other"},
    )


def test_ac001_a_complaint_turned_away_with_no_reason_is_listed():
    result = run_check("AC001", _refusals())
    assert rows_of(result) == [
        ["R3", "1", "complaint not accepted with no reason recorded"],
        ["R4", "2", "escalation to Stage 2 refused with no reason recorded"],
    ]
    assert dict(result.metrics) == {"assessed": 5, "failing": 2, "percent_failing": 40.0, "not_accepted": 1,
                                    "escalation_refused": 1}
    assert result.status == "fail"
    assert result.finding == (
        "2 of 5 corporate and housing complaints or escalations the council turned away record no reason: 1 not "
        "accepted at Stage 1, 1 refused escalation to Stage 2. The evidence is thin: this grade rests on 5 of them, "
        "fewer than 10.")


def test_ac001_one_refusal_without_reason_among_many_is_amber():
    records = canonical_records(*({"case_id": f"C{n}", "refusal_reason": "Legal action started"} for n in range(99)),
                                {"case_id": "X1"}, outcome="out_of_scope")
    result = run_check("AC001", records)
    assert (result.status, result.exceptions["case_id"].tolist()) == ("warn", ["X1"])


def test_ac001_is_not_applicable_without_refusals_or_reason_fields():
    assert run_check("AC001", canonical_records({"outcome": "upheld"})).finding == (
        "Not applicable: no corporate or housing complaint or escalation was turned away.")
    import dataclasses

    from complaint_audit.engine.registry import discover
    from complaint_audit.engine.runner import run_checks
    from tests.builders import audit_data

    data = dataclasses.replace(audit_data(canonical_records({"outcome": "out_of_scope"})),
                               exported_fields={"test.csv": frozenset({"outcome"})})
    (outcome,) = run_checks(data, [discover()["AC001"]], {"AC001": {}})
    assert outcome.result.finding == "Not applicable: the export has no refusal_ground or refusal_reason field."


def _out_of_time():
    return canonical_records(
        {"case_id": "T1", "received": "2023-06-01", "became_aware": "2022-01-10", "refusal_reason": "Aware in 2022"},
        {"case_id": "T2", "received": "2023-06-01", "became_aware": "2022-09-01", "refusal_reason": "Said too late"},
        {"case_id": "T3", "received": "2023-06-01", "became_aware": "2021-05-01"},
        {"case_id": "T4", "received": "2023-06-01", "became_aware": "2022-06-01", "refusal_reason": "On the day"},
        {"case_id": "T5", "received": "2023-06-01", "refusal_reason": "No date recorded"},
        {"case_id": "T6", "stage": "2", "received": "2023-06-01", "became_aware": "2023-05-01"},
        outcome="out_of_scope", refusal_ground="out_of_time",
    )


def test_ac002_out_of_time_refusals_within_12_months_or_without_reasons_are_listed():
    result = run_check("AC002", _out_of_time())
    assert rows_of(result) == [
        ["T2", "1", "made 2023-06-01, within 12 months of the person becoming aware of the matter on 2022-09-01"],
        ["T3", "1", "refused as out of time with no reasons recorded, so discretion is not shown to have been "
                    "considered"],
        ["T4", "1", "made 2023-06-01, within 12 months of the person becoming aware of the matter on 2022-06-01"],
    ]
    assert dict(result.metrics) == {"assessed": 5, "failing": 3, "percent_failing": 60.0, "within_12_months": 2,
                                    "without_reasons": 1, "unknown_awareness": 1}
    assert result.finding.startswith("3 of 5 corporate and housing complaints refused as out of time fall short: 2 "
                                     "made within 12 months of the person becoming aware of the matter, 1 with no "
                                     "reasons recorded.")


def test_ac002_is_not_applicable_without_out_of_time_refusals():
    records = canonical_records({"outcome": "out_of_scope", "refusal_ground": "legal_proceedings"})
    assert run_check("AC002", records).finding == (
        "Not applicable: no corporate or housing complaint was refused as out of time.")


def test_ac003_a_third_stage_or_an_informal_tier_in_a_code_process_is_listed_once_per_case():
    records = canonical_records(
        {"case_id": "S1"}, {"case_id": "S1", "stage": "2"}, {"case_id": "S1", "stage": "3"},
        {"case_id": "I1", "recorded_as": "informal"}, {"case_id": "I1", "stage": "2", "recorded_as": "informal"},
        {"case_id": "H1", "process": "housing", "recorded_as": "informal"},
        {"case_id": "H1", "process": "housing", "stage": "3", "recorded_as": "informal"},
        {"case_id": "C1", "recorded_as": "complaint"},
        {"case_id": "K1", "process": "childrens_statutory"}, {"case_id": "K1", "process": "childrens_statutory",
                                                               "stage": "3"},
    )
    result = run_check("AC003", records)
    assert rows_of(result) == [
        ["S1", "3", "a corporate complaint taken to a third stage (Stage 3), which the Code's two-stage process does "
                    "not have"],
        ["I1", "1", "recorded as an informal or Stage 0 complaint, a tier before Stage 1 the Code does not have"],
        ["H1", "1", "a housing complaint taken to a third stage (Stage 3), which the Code's two-stage process does not "
                    "have; recorded as an informal or Stage 0 complaint, a tier before Stage 1 the Code does not have"],
    ]
    assert dict(result.metrics) == {"assessed": 4, "failing": 3, "percent_failing": 75.0, "third_stage": 2,
                                    "informal": 2}


def test_ac004_a_service_request_escalated_to_stage_2_is_listed():
    records = canonical_records(
        {"case_id": "Q1", "recorded_as": "service_request"},
        {"case_id": "Q1", "stage": "2", "recorded_as": "service_request"},
        {"case_id": "Q2", "recorded_as": "service_request"},
        {"case_id": "Q3", "recorded_as": "complaint"}, {"case_id": "Q3", "stage": "2", "recorded_as": "complaint"},
    )
    result = run_check("AC004", records)
    assert rows_of(result) == [["Q1", "2", "recorded as a service request, yet the person asked for Stage 2"]]
    assert (result.metrics["failing"], result.metrics["assessed"], result.status) == (1, 2, "fail")
    assert run_check("AC004", canonical_records({"recorded_as": "complaint"})).finding == (
        "Not applicable: no corporate or housing case was recorded as a service request.")


def test_ac001_finds_exactly_the_seeded_refusals_without_reason(sample_records, ground_truth):
    assert listed(run_check("AC001", sample_records)) == seeded(ground_truth, "refused_without_reason")


def test_ac002_finds_exactly_the_seeded_out_of_time_refusals(sample_records, ground_truth):
    result = run_check("AC002", sample_records)
    within = seeded(ground_truth, "out_of_time_refusal_within_12_months")
    without = seeded(ground_truth, "out_of_time_refusal_without_reasons")
    assert listed(result) == within | without
    assert (result.metrics["within_12_months"], result.metrics["without_reasons"]) == (len(within), len(without))


def test_ac003_finds_exactly_the_seeded_third_stages_and_informal_tier(sample_records, ground_truth):
    result = run_check("AC003", sample_records)
    third, informal = seeded(ground_truth, "third_stage"), seeded(ground_truth, "informal_tier")
    assert listed(result) == third | informal
    assert (result.metrics["third_stage"], result.metrics["informal"]) == (len(third), len(informal))


def test_ac004_finds_exactly_the_seeded_service_requests_escalated(sample_records, ground_truth):
    assert listed(run_check("AC004", sample_records)) == seeded(ground_truth, "service_request_escalated")


def test_ac003_tests_only_what_the_export_can_show_a_stage_column_and_recorded_as():
    import dataclasses

    from complaint_audit.engine.registry import discover
    from complaint_audit.engine.runner import run_checks
    from tests.builders import audit_data

    records = canonical_records({"case_id": "S1"}, {"case_id": "S1", "stage": "2"}, {"case_id": "S1", "stage": "3"},
                                {"case_id": "S2"})
    data = dataclasses.replace(audit_data(records),
                               exported_fields={"test.csv": frozenset({"stage", "received", "outcome"})})
    (outcome,) = run_checks(data, [discover()["AC003"]], {"AC003": {}})
    assert outcome.result.exceptions["case_id"].tolist() == ["S1"]
    assert outcome.result.finding.startswith(
        "1 of 2 corporate and housing complaints went outside the Code's two stages: 1 taken to a third stage, 0 "
        "recorded as an informal or Stage 0 tier. Not in the export, so not tested: recorded_as.")

    # A stage the profile sets as a constant (every row Stage 1) cannot show a third stage: nothing was tested.
    data = dataclasses.replace(audit_data(records), exported_fields={"test.csv": frozenset({"received", "outcome"})})
    (outcome,) = run_checks(data, [discover()["AC003"]], {"AC003": {}})
    assert outcome.result.status == "not_applicable"
    assert outcome.result.finding == ("Not applicable: the export has no stage column and no recorded_as field, so "
                                      "neither a third stage nor an informal tier could show.")


def test_ac003_is_not_applicable_to_the_ombudsmans_records_alone():
    records = canonical_records({"case_id": "O1", "stage": "ombudsman", "process": "housing"})
    assert run_check("AC003", records).finding == (
        "Not applicable: no corporate or housing complaint stages handled by the council.")
