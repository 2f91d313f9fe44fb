"""Open cases: outcome codes that mean "no outcome yet", a status column, and how they are counted and aged."""

from __future__ import annotations

import pytest

from complaint_audit.audit.headline import headline_figures
from complaint_audit.audit.run import run_audit
from tests.builders import canonical_records, run_check, write

# An FOI register shaped like the real ones: one row per request, its state in the status column.
FOI_EXPORT = """\
Request,Received,Responded,Due,Status
F1,03/04/2023,20/04/2023,02/05/2023,Successful
F2,04/04/2023,,03/05/2023,Awaiting classification
F3,05/04/2023,,04/05/2023,Long overdue
F4,06/04/2023,28/04/2023,05/05/2023,Awaiting internal review
F5,11/04/2023,21/04/2023,10/05/2023,Refused
F6,12/04/2023,,11/05/2023,In progress
F7,13/04/2023,02/05/2023,12/05/2023,Partially successful
"""

FOI_PROFILE = """\
[source]
name = "foi"

[constants]
process = "other"
stage = "1"

[columns]
case_id = "Request"
received = "Received"
responded = "Responded"
due = "Due"
outcome = "Status"

[values.outcome]
upheld = ["Successful"]
partly_upheld = ["Partially successful"]
not_upheld = ["Refused"]
open = ["Awaiting classification", "Long overdue", "Awaiting internal review", "In progress"]
"""


def _values(column) -> dict:
    """A record column as {case_id: value}, None where empty."""
    return {key: (None if value != value or value is None else value) for key, value in column.astype("object").items()}


def _audit(tmp_path, export: str, profile: str, extra: str = ""):
    write(tmp_path / "export.csv", export)
    write(tmp_path / "profile.toml", profile)
    write(tmp_path / "audit.toml", f"""
        organisation = "Testshire Council"
        as_of = 2023-05-31
        {extra}
        [[sources]]
        profile = "profile.toml"
        files = ["export.csv"]
    """)
    return run_audit(tmp_path / "audit.toml")


def test_open_codes_load_as_open_cases_and_count_in_the_summary(tmp_path):
    audit = _audit(tmp_path, FOI_EXPORT, FOI_PROFILE)
    assert (audit.load.read, audit.load.quarantined) == (7, 0)
    records = audit.records.set_index("case_id")
    assert _values(records["status"]) == {
        "F1": None, "F2": "open", "F3": "open", "F4": "open", "F5": None, "F6": "open", "F7": None}
    assert records["outcome"].isna().sum() == 4
    # F4 has had a first response but awaits its review: open all the same, as its status says.
    assert audit.figures == {"cases": 7, "stage_records": 7, "open_cases": 4, "decided_cases": 3,
                                  "upheld_percent": 66.7, "quarantined_rows": 0}


def test_an_open_case_past_its_due_date_is_reported_overdue(tmp_path):
    audit = _audit(tmp_path, FOI_EXPORT, FOI_PROFILE)
    ts005 = next(outcome.result for outcome in audit.outcomes if outcome.check.code == "TS005")
    # On 31 May 2023 F2, F3 and F6 wait unanswered, all past their due dates; F4 was answered on 28 April.
    assert ts005.status == "fail"
    assert sorted(ts005.exceptions["case_id"]) == ["F2", "F3", "F6"]
    overdue = ts005.exceptions.set_index("case_id")["working_days_overdue"].to_dict()
    # F2 due Wednesday 3 May: 18 working days to 31 May (the coronation and spring bank holidays left out).
    assert overdue == {"F2": 18, "F3": 17, "F6": 13}


STATUS_EXPORT = """\
Ref,Opened,Closed,State,Decision
S1,03/04/2023,,Open,
S2,03/04/2023,20/04/2023,Open,Upheld
S3,03/04/2023,,Closed,
S4,03/04/2023,20/04/2023,,Not upheld
S5,03/04/2023,,,
S6,03/04/2023,,Closed,Pending
S7,03/04/2023,,,Pending
S8,03/04/2023,21/04/2023,Resolved,Upheld
"""

STATUS_PROFILE = """\
[source]
name = "cases"

[constants]
process = "other"
stage = "1"

[columns]
case_id = "Ref"
received = "Opened"
responded = "Closed"
status = "State"
outcome = "Decision"

[values.status]
open = ["Open"]
closed = ["Resolved"]

[values.outcome]
not_upheld = ["Not upheld"]
open = ["Pending"]
"""


def test_status_outcome_and_response_combine_into_open(tmp_path):
    audit = _audit(tmp_path, STATUS_EXPORT, STATUS_PROFILE)
    records = audit.records.set_index("case_id")
    # The status column wins; an outcome code mapped to open fills an empty status; without either, no
    # response and no outcome is open.
    assert _values(records["status"]) == {
        "S1": "open", "S2": "open", "S3": "closed", "S4": None, "S5": None, "S6": "closed", "S7": "open",
        "S8": "closed"}
    assert _values(records["outcome"]) == {
        "S1": None, "S2": "upheld", "S3": None, "S4": "not_upheld", "S5": None, "S6": None, "S7": None,
        "S8": "upheld"}
    # Open: S1 and S2 (said open), S5 (nothing yet), S7 (pending). S3 and S6 were closed without an outcome.
    assert audit.figures["open_cases"] == 4


def test_a_status_code_not_mapped_is_quarantined_naming_the_allowed_values(tmp_path):
    audit = _audit(tmp_path, STATUS_EXPORT.replace("S5,03/04/2023,,,", "S5,03/04/2023,,Parked,"), STATUS_PROFILE)
    assert audit.load.files[0]["reasons"] == {"unmapped_value": 1}


@pytest.mark.parametrize(("records", "open_cases"), [
    # A later stage said open keeps the case open though Stage 1 was answered.
    ([{"stage": "1", "responded": "2023-04-20", "outcome": "upheld"}, {"stage": "2", "status": "open"}], 1),
    # A later stage with nothing recorded yet does not: the case had its answer at Stage 1.
    ([{"stage": "1", "responded": "2023-04-20", "outcome": "upheld"}, {"stage": "2"}], 0),
    # Closed in the source with no response and no outcome: answered as far as the source says.
    ([{"stage": "1", "status": "closed"}], 0),
    ([{"stage": "1", "status": "open", "responded": "2023-04-20", "outcome": "not_upheld"}], 1),
])
def test_open_cases_at_case_level(records, open_cases):
    assert headline_figures(canonical_records(*records), 0)["open_cases"] == open_cases


def test_an_answered_stage_the_source_calls_open_is_not_overdue_but_a_closed_date_does_not_end_an_open_one():
    records = canonical_records(
        {"case_id": "A", "due": "2023-04-10", "responded": "2023-04-20", "status": "open"},
        {"case_id": "B", "due": "2023-04-10", "closed": "2023-04-20", "status": "open"},
        {"case_id": "C", "due": "2023-04-10", "status": "closed"},
    )
    result = run_check("TS005", records, as_of="2023-05-31")
    assert list(result.exceptions["case_id"]) == ["B"]


# --- profile suggest proposes the open codes and the status column -----------------------------

CONSUMER_EXPORT = """\
Complaint ID,Date received,Outcome
C1,2023-04-03,Upheld
C2,2023-04-04,In progress
C3,2023-04-05,Not upheld
C4,2023-04-06,Pending
C5,2023-04-07,Partly upheld
C6,2023-04-08,Under investigation
C7,2023-04-11,Awaiting internal review
"""

SERVICE_REQUESTS = """\
Unique Key,Created Date,Closed Date,Status
1001,11/01/2023 08:15:00 AM,11/03/2023 10:00:00 AM,Closed
1002,11/20/2023 09:00:00 AM,,Open
1003,11/21/2023 10:30:00 PM,11/30/2023 11:00:00 AM,Closed
1004,12/01/2023 01:00:00 PM,,In Progress
1005,12/04/2023 02:00:00 PM,,Assigned
1006,12/04/2023 02:00:00 PM,12/06/2023 02:00:00 PM,Closed
1007,12/05/2023 02:00:00 PM,,On Hold
1008,12/06/2023 02:00:00 PM,12/07/2023 09:00:00 AM,Resolved
"""


def _suggested_audit(tmp_path, export: str):
    """The export through `profile suggest` with no edit but the organisation's name, then an audit of it."""
    from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, suggest_profile

    write(tmp_path / "export.csv", export)
    draft = suggest_profile(tmp_path / "export.csv").replace(ORGANISATION_PLACEHOLDER, "Testshire Council")
    return draft, _audit(tmp_path, export, draft)


def test_suggest_maps_open_outcome_codes_and_the_draft_loads_its_open_cases(tmp_path):
    draft, audit = _suggested_audit(tmp_path, CONSUMER_EXPORT)
    assert 'open = ["Awaiting internal review", "In progress", "Pending", "Under investigation"]' in draft
    assert (audit.load.quarantined, audit.figures["cases"], audit.figures["open_cases"]) == (0, 7, 4)
    assert audit.figures["upheld_percent"] == 66.7


def test_suggest_maps_a_status_column_and_the_draft_loads_its_open_cases(tmp_path):
    draft, audit = _suggested_audit(tmp_path, SERVICE_REQUESTS)
    assert 'status = "Status"' in draft
    assert 'open = ["Assigned", "In Progress", "On Hold"]' in draft and 'closed = ["Resolved"]' in draft
    assert (audit.load.quarantined, audit.figures["cases"], audit.figures["open_cases"]) == (0, 8, 4)


def test_suggest_leaves_a_status_column_of_decisions_to_the_outcome(tmp_path):
    draft, _ = _suggested_audit(tmp_path, FOI_EXPORT)
    assert "status = " not in draft and "[values.status]" not in draft
