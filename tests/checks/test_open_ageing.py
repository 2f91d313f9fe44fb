"""TS005 on open stages with no due date of their own: aged from receipt against the timescale that applies.

The audit date is Wednesday 10 May 2023, after the early May bank holiday (Monday 1 May) and the coronation
(Monday 8 May); Easter 2023 (Good Friday 7 April, Easter Monday 10 April) falls inside the children's Stage 2 clock.
Receipt (or acknowledgement, or the Stage 2 start) is day 0.
"""

from __future__ import annotations

import datetime as dt

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.config import Standard
from complaint_audit.engine.contract import AuditData
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from tests.builders import canonical_records, run_check

AS_OF = "2023-05-10"


def _overdue(result) -> dict:
    return {row.case_id: (row.due.strftime("%Y-%m-%d"), row.working_days_overdue)
            for row in result.exceptions.itertuples()}


def _run_with_standard(records, standard: Standard):
    data = AuditData(records, WorkingCalendar("england"), dt.date.fromisoformat(AS_OF), standard=standard)
    (outcome,) = run_checks(data, [discover()["TS005"]], {"TS005": {}})
    return outcome.result


def test_open_stages_without_a_due_date_are_aged_from_receipt_across_bank_holidays():
    records = canonical_records(
        # Corporate Stage 1, no acknowledgement: 15 working days from Thu 13 April, skipping 1 May, is Fri 5 May;
        # past it by 2 on 10 May (8 May is the coronation).
        {"case_id": "C1", "received": "2023-04-13"},
        # Acknowledged Mon 17 April: 10 working days from acknowledgement is Tue 2 May; 5 past it.
        {"case_id": "C2", "received": "2023-04-14", "acknowledged": "2023-04-17"},
        # Corporate Stage 2 received 3 May: not yet due.
        {"case_id": "C3", "stage": "2", "received": "2023-05-03"},
        # Children's Stage 1: 10 working days from Fri 21 April is Tue 9 May; 1 past it.
        {"case_id": "K1", "process": "childrens_statutory", "received": "2023-04-21"},
        # Children's Stage 2 runs from the later of the request and the agreed statement (Mon 27 March): 25 working
        # days, skipping Easter and 1 May, is Thu 4 May; 3 past it.
        {"case_id": "K2", "process": "childrens_statutory", "stage": "2", "received": "2023-03-20",
         "statement_agreed": "2023-03-27"},
        # Adult social care agrees its period with each complainant: no timescale, not assessed.
        {"case_id": "A1", "process": "adult_social_care", "received": "2023-03-01"},
        # A due date of its own is kept.
        {"case_id": "R1", "received": "2023-03-01", "due": "2023-05-05"},
    )
    result = run_check("TS005", records, as_of=AS_OF)
    assert _overdue(result) == {
        "C1": ("2023-05-05", 2), "C2": ("2023-05-02", 5), "K1": ("2023-05-09", 1), "K2": ("2023-05-04", 3),
        "R1": ("2023-05-05", 2),
    }
    metrics = dict(result.metrics)
    assert {key: metrics[key] for key in ("assessed", "failing", "no_due_date", "aged_from_receipt", "not_assessed")} == {
        "assessed": 6, "failing": 5, "no_due_date": 6, "aged_from_receipt": 5, "not_assessed": 1}
    assert result.status == "fail"
    assert result.finding == (
        "5 of 6 complaint stages open on 2023-05-10 were past their due date: 5 by 1-10 working days, "
        "0 by 11-20 working days, 0 by 21-40 working days, 0 by more than 40 working days. "
        "5 had no due date of their own and were aged from receipt against the timescale that applies to each: "
        "1 the children's regulations' Stage 1 timescale (10 working days); "
        "1 the children's regulations' Stage 2 timescale (25 working days); "
        "2 the code's Stage 1 timescale (10 working days from acknowledgement, 15 from receipt without one); "
        "1 the code's Stage 2 timescale (20 working days from acknowledgement, 25 from receipt without one). "
        "1 open stage had no due date and no timescale that applies, so was not assessed: "
        "1 where adult social care agrees its response period with each complainant. "
        "The evidence is thin: this grade rests on 6 of them, fewer than 10."
    )
    reasons = result.exceptions.set_index("case_id")["reason"]
    assert reasons["C1"] == (
        "open 2 working days past its due date 2023-05-05 (band 1-10); no due date recorded, so aged from receipt "
        "against the code's Stage 1 timescale (10 working days from acknowledgement, 15 from receipt without one)")
    assert reasons["R1"] == "open 2 working days past its due date 2023-05-05 (band 1-10)"


def test_process_other_is_aged_against_the_standards_response_target():
    # 5 working days from Thu 27 April, skipping 1 May, is Fri 5 May: 2 past it on 10 May.
    records = canonical_records({"case_id": "O1", "process": "other", "received": "2023-04-27"},
                                {"case_id": "O2", "process": "other", "received": "2023-05-09"})
    result = _run_with_standard(records, Standard(name="the City's service standard", response_working_days=5))
    assert _overdue(result) == {"O1": ("2023-05-05", 2)}
    assert (result.metrics["assessed"], result.metrics["aged_from_receipt"]) == (2, 2)
    assert result.finding.startswith(
        "1 of 2 complaint stages open on 2023-05-10 were past their due date: 1 by 1-10 working days, 0 by 11-20 "
        "working days, 0 by 21-40 working days, 0 by more than 40 working days. 2 had no due date of their own and were "
        "aged from receipt against the response target of the City's service standard (5 working days).")


def test_process_other_without_a_standard_target_is_not_assessed():
    undated = {"case_id": "O1", "process": "other", "received": "2023-04-27"}
    alone = _run_with_standard(canonical_records(undated), Standard())
    assert alone.status == "not_applicable"
    assert alone.finding == (
        "Not applicable: 1 complaint stages open on 2023-05-10, none with a due date or a timescale that applies: "
        "1 where audit.toml's [standard] sets no response_working_days.")
    dated = {"case_id": "O2", "process": "other", "received": "2023-04-27", "due": "2023-05-05"}
    mixed = _run_with_standard(canonical_records(undated, dated), Standard())
    assert _overdue(mixed) == {"O2": ("2023-05-05", 2)}
    assert (mixed.metrics["assessed"], mixed.metrics["not_assessed"]) == (1, 1)
    assert ("1 open stage had no due date and no timescale that applies, so was not assessed: 1 where audit.toml's "
            "[standard] sets no response_working_days.") in mixed.finding
