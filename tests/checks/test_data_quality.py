"""DQ checks on hand-made records with exact exceptions."""

from __future__ import annotations

from tests.builders import canonical_records, run_check


def test_dq001_lists_the_missing_key_fields_per_record():
    records = canonical_records(
        {"case_id": "C1", "category": "Waste", "raised_via": "public"},
        {"case_id": "C2", "category": None, "raised_via": "mp", "responded": "2023-04-10"},
        {"case_id": "C3", "team": None, "category": "Waste", "raised_via": None},
    )
    result = run_check("DQ001", records)
    assert result.exceptions[["case_id", "reason"]].values.tolist() == [
        ["C2", "missing category, outcome"], ["C3", "missing team, raised_via"]
    ]
    assert (result.metrics["failing"], result.metrics["percent_failing"], result.status) == (2, 66.7, "fail")
    assert result.finding == ("2 of 3 records lack one or more key fields. "
                              "The evidence is thin: this grade rests on 3 of them, fewer than 10.")


def test_dq002_names_each_date_out_of_order():
    records = canonical_records(
        {"case_id": "C1", "received": "2023-04-03", "acknowledged": "2023-04-04", "responded": "2023-04-10", "closed": "2023-04-11"},
        {"case_id": "C2", "received": "2023-04-03", "acknowledged": "2023-04-01", "responded": "2023-04-10", "closed": "2023-04-05"},
    )
    result = run_check("DQ002", records)
    assert result.exceptions[["case_id", "reason"]].values.tolist() == [["C2", "acknowledged before received; closed before responded"]]
    assert result.metrics["failing"] == 1


def test_dq003_same_complainant_and_category_within_the_window():
    records = canonical_records(
        {"case_id": "C1", "complainant_key": "k1", "category": "Waste", "received": "2023-04-03"},
        {"case_id": "C2", "complainant_key": "k1", "category": "Waste", "received": "2023-04-06"},
        {"case_id": "C3", "complainant_key": "k1", "category": "Waste", "received": "2023-06-06"},
        {"case_id": "C4", "complainant_key": "k2", "category": "Waste", "received": "2023-04-04"},
    )
    result = run_check("DQ003", records)
    assert result.exceptions[["case_id", "reason", "days_apart"]].values.tolist() == [
        ["C2", "same complainant and category as C1 within 3 days", 3]
    ]


def test_dq003_is_not_applicable_without_complainant_keys():
    result = run_check("DQ003", canonical_records({"case_id": "C1"}))
    assert (result.status, result.finding) == ("not_applicable", "Not applicable: field complainant_key not provided.")


def test_dq004_dates_after_the_audit_date():
    records = canonical_records(
        {"case_id": "C1", "received": "2024-03-01", "responded": "2024-04-02", "due": "2024-05-01"},
        {"case_id": "C2", "received": "2024-03-01"},
    )
    result = run_check("DQ004", records, as_of="2024-03-31")
    assert result.exceptions[["case_id", "reason"]].values.tolist() == [["C1", "responded after 2024-03-31"]]
    assert result.metrics["as_of"] == "2024-03-31"


def test_dq005_closed_or_answered_without_outcome():
    records = canonical_records(
        {"case_id": "C1", "closed": "2023-05-01", "outcome": "upheld"},
        {"case_id": "C2", "closed": "2023-05-01"},
        {"case_id": "C3"},
    )
    result = run_check("DQ005", records)
    assert result.exceptions["case_id"].tolist() == ["C2"]


def test_dq006_later_stage_without_the_earlier_or_before_it_ended():
    records = canonical_records(
        {"case_id": "C1", "stage": "1", "received": "2023-04-03", "responded": "2023-04-17"},
        {"case_id": "C1", "stage": "2", "received": "2023-05-02"},
        {"case_id": "C2", "stage": "2", "received": "2023-05-02"},
        {"case_id": "C3", "stage": "1", "received": "2023-04-03", "responded": "2023-04-17"},
        {"case_id": "C3", "stage": "2", "received": "2023-04-10"},
    )
    result = run_check("DQ006", records)
    assert result.exceptions[["case_id", "stage", "reason"]].values.tolist() == [
        ["C2", "2", "Stage 2 with no Stage 1"], ["C3", "2", "received before Stage 1 was answered"]
    ]
    assert result.metrics["skipped_stage"] == 1


def test_dq006_finds_the_member_cases_that_entered_at_stage_2(sample_records, ground_truth):
    result = run_check("DQ006", sample_records)
    skipped = result.exceptions[result.exceptions["reason"].str.endswith("with no Stage 1")]
    assert set(ground_truth["problems"]["member_entered_at_stage2"]["case_ids"]) <= set(skipped["case_id"])
