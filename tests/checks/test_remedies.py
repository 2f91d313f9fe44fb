"""RM checks on hand-made records with exact exceptions, and on the seeded sample's remedies."""

from __future__ import annotations

import datetime as dt

import pytest

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.engine.api import exported_fields
from complaint_audit.engine.contract import AuditData
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.store import Store
from tests.builders import canonical_records, run_check

REMEDY_LETTER = "Dear Ms [name],\n\nI uphold your complaint. To put things right, we have refunded the fee."


def upheld(**row) -> dict:
    return {"outcome": "upheld", "responded": "2023-05-02", **row}


def rows_of(result) -> list[list[str]]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def run_with_exported(code: str, records, fields: set[str], as_of: str = "2024-03-31"):
    """One check on records whose export (test.csv) has a column for `fields` only."""
    data = AuditData(records, WorkingCalendar("england"), dt.date.fromisoformat(as_of),
                     exported_fields={"test.csv": frozenset(fields)})
    (outcome,) = run_checks(data, [discover()[code]], {})
    return outcome.result


def test_rm001_an_upheld_complaint_records_a_remedy_and_an_apology_counts():
    records = canonical_records(
        upheld(case_id="C1", remedy="Apology"),
        upheld(case_id="C2", remedy="None", response_text=REMEDY_LETTER),
        upheld(case_id="C3"),
        upheld(case_id="C4", remedy_amount=150.0),
        {"case_id": "C5", "outcome": "not_upheld", "responded": "2023-05-02"},
        upheld(case_id="C6", stage="1", outcome="partly_upheld"),
        upheld(case_id="C6", stage="2", response_text="Dear Mr [name],\n\nI uphold your complaint."),
        upheld(case_id="C7", stage="1"),
        {"case_id": "C7", "stage": "2", "outcome": "not_upheld", "responded": "2023-06-01", "remedy": "Refund"},
    )
    result = run_check("RM001", records)
    # C6 is one complaint upheld at two stages: listed once, at its last upheld stage. C7's remedy is on its
    # Stage 2 record, as a case system with one remedy a case may hold it.
    assert rows_of(result) == [
        ["C2", "1", "upheld at Stage 1 with no remedy recorded; the letter sets out a remedy"],
        ["C3", "1", "upheld at Stage 1 with no remedy recorded; no response letter was read"],
        ["C6", "2", "upheld at Stage 2 with no remedy recorded; the letter sets out none either"],
    ]
    metrics = result.metrics
    assert (metrics["upheld_cases"], metrics["without_remedy"], metrics["letter_sets_out_remedy"],
            metrics["letter_without_remedy"], metrics["no_letter_read"]) == (6, 3, 1, 1, 1)
    assert result.status == "fail"
    assert result.finding.startswith(
        "3 of 6 complaints upheld in whole or part recorded no remedy: for 1 the response letter sets one out, so the "
        "gap is in the record; for 1 the letter sets out none either (QR003 lists those letters too); for 1 no "
        "response letter was read.")


def test_rm001_is_not_applicable_when_the_export_has_no_remedy_column():
    result = run_with_exported("RM001", canonical_records(upheld()), {"outcome", "responded"})
    assert result.finding == "Not applicable: the export has no remedy field."


def test_rm002_a_remedy_promised_is_delivered_within_a_month():
    records = canonical_records(
        upheld(case_id="C1", remedy="Apology and refund", remedy_amount=100.0, remedy_done="2023-05-20"),
        upheld(case_id="C2", remedy="Apology and time and trouble payment", remedy_amount=250.0),
        upheld(case_id="C3", remedy="Apology"),  # delivered by the letter itself
        upheld(case_id="C4", remedy="Service put right", remedy_done="2023-07-10"),  # done, but late
        upheld(case_id="C5", remedy="Service put right", responded="2024-03-10"),  # not a month old yet
        upheld(case_id="C6", stage="1", remedy="Refund", remedy_amount=80.0),
        {"case_id": "C6", "stage": "2", "outcome": "not_upheld", "responded": "2023-06-20", "remedy": "Refund",
         "remedy_amount": 80.0},
        upheld(case_id="C7", remedy="Refund", remedy_done="2024-04-05"),  # done after the audit date: not yet
    )
    result = run_check("RM002", records)
    assert rows_of(result) == [
        ["C2", "1", "Apology and time and trouble payment promised in the response of 2023-05-02, not recorded as "
                    "done: 303 days after a month had passed"],
        ["C6", "2", "Refund promised in the response of 2023-06-20, not recorded as done: 255 days after a month had "
                    "passed"],
        ["C7", "1", "Refund promised in the response of 2023-05-02, not recorded as done: 303 days after a month had "
                    "passed"],
    ]
    assert result.exceptions["days_overdue"].tolist() == [303, 255, 303]
    metrics = result.metrics
    assert (metrics["remedies_due"], metrics["not_delivered"], metrics["delivered_late"]) == (5, 3, 1)
    assert result.finding.startswith(
        "3 of 5 remedies promised more than a month before 31 March 2024 were not recorded as delivered; 1 more were "
        "delivered, but more than a month after the response.")


def test_rm002_the_time_allowed_is_a_parameter():
    records = canonical_records(upheld(remedy="Refund", remedy_amount=50.0, responded="2024-01-15"))
    assert run_check("RM002", records).metrics["not_delivered"] == 1
    longer = run_check("RM002", records, within_months=3)
    assert longer.finding == "Not applicable: no remedy to deliver was promised more than 3 months before 31 March 2024."


def test_rm002_is_not_applicable_when_the_export_has_no_remedy_done_column():
    records = canonical_records(upheld(remedy="Refund", remedy_amount=50.0))
    result = run_with_exported("RM002", records, {"remedy", "remedy_amount", "outcome", "responded"})
    assert result.finding == "Not applicable: the export has no remedy_done field."


def _payments(team: str, amounts: list[float], prefix: str) -> list[dict]:
    return [upheld(case_id=f"{prefix}{number}", team=team, remedy="Payment", remedy_amount=amount)
            for number, amount in enumerate(amounts, start=1)]


def test_rm003_payments_by_team_and_a_team_paying_far_more_for_the_same_outcome():
    records = canonical_records(
        *_payments("Team A", [100.0, 100.0, 150.0, 200.0, 100.0], "A"),
        *_payments("Team B", [400.0, 500.0, 500.0, 450.0, 600.0], "B"),
        *_payments("Team C", [100.0, 150.0, 150.0, 100.0, 200.0], "C"),
    )
    result = run_check("RM003", records)
    assert result.status == "warn"
    metrics = result.metrics
    assert (metrics["payments"], metrics["payments_total"], metrics["payments_median"]) == (15, 3800.0, 150.0)
    assert metrics["by_team"] == [
        {"team": "Team B", "payments": 5, "total": 2450.0, "median": 500.0},
        {"team": "Team C", "payments": 5, "total": 700.0, "median": 150.0},
        {"team": "Team A", "payments": 5, "total": 650.0, "median": 100.0},
    ]
    assert (metrics["teams_compared"], metrics["teams_out_of_line"]) == (3, 1)
    assert sorted(result.exceptions["case_id"]) == ["B1", "B2", "B3", "B4", "B5"]
    assert set(result.exceptions["reason"]) == {
        "upheld: Team B's median payment £500.00 against £150.00 for the council"}
    assert result.finding == (
        "15 remedy payments were recorded, £3,800.00 in all, median £150.00; by team: Team B 5 (£2,450.00, median "
        "£500.00); Team C 5 (£700.00, median £150.00); Team A 5 (£650.00, median £100.00). 1 of 3 team medians "
        "compared, each for one outcome, differed from the council's median for that outcome by more than a factor of 2. "
        "The evidence is thin: this grade rests on 3 of them, fewer than 10.")


def test_rm003_gives_the_figures_but_is_not_applicable_with_too_few_payments_to_compare():
    result = run_check("RM003", canonical_records(*_payments("Team A", [100.0, 300.0], "A")))
    assert result.status == "not_applicable"
    assert (result.metrics["payments"], result.metrics["payments_total"]) == (2, 400.0)
    assert result.finding.endswith("No two teams made 5 or more payments for the same outcome, so none is compared.")


# -- the bundled sample ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_data(sample_store, sample_records, ground_truth) -> AuditData:
    """The sample as an audit sees it: which export has which column, as of the day the exports were taken."""
    as_of = dt.date.fromisoformat(ground_truth["generator"]["export_date"])
    return AuditData(sample_records, WorkingCalendar("england"), as_of, exported_fields=exported_fields(Store(sample_store)))


def _sample_result(data: AuditData, code: str):
    (outcome,) = run_checks(data, [discover()[code]], {})
    return outcome.result


def _seeded(ground_truth, problem: str) -> set[tuple[str, str]]:
    return {(case["case_id"], case["stage"]) for case in ground_truth["problems"][problem]["cases"]}


def _found(result) -> set[tuple[str, str]]:
    return set(zip(result.exceptions["case_id"], result.exceptions["stage"], strict=True))


def test_rm001_finds_exactly_the_seeded_upheld_complaints_with_no_remedy(sample_data, ground_truth):
    result = _sample_result(sample_data, "RM001")
    seeded = _seeded(ground_truth, "upheld_no_remedy")
    assert len(seeded) >= 10 and _found(result) == seeded
    assert result.metrics["letter_sets_out_remedy"] == len(seeded)  # their letters still set one out


def test_rm002_finds_exactly_the_seeded_remedies_never_delivered(sample_data, ground_truth):
    # Adult social care's and children's exports have no remedy_done column: their remedies are not assessed.
    result = _sample_result(sample_data, "RM002")
    seeded = _seeded(ground_truth, "remedy_not_delivered")
    assert len(seeded) >= 10 and _found(result) == seeded
    assert result.metrics["delivered_late"] > 0
    assert set(result.exceptions["case_id"].str[:3]) == {"CC-"}


def test_rm003_gives_the_samples_payments_by_team(sample_data):
    result = _sample_result(sample_data, "RM003")
    assert result.status == "pass" and result.exceptions.empty
    teams = {row["team"] for row in result.metrics["by_team"]}
    assert teams == {"Corporate Complaints", "Housing Complaints", "Adult Social Care Complaints", "Children's Complaints"}
    assert sum(row["payments"] for row in result.metrics["by_team"]) == result.metrics["payments"]
