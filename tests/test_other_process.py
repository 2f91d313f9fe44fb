"""A process outside the UK's statutory schemes (`other`): never measured against UK rules, reported without UK statute."""

from __future__ import annotations

import re

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.config import load_config
from complaint_audit.engine.registry import discover
from complaint_audit.errors import UserError
from tests.builders import canonical_records, run_check, write

# A city's service requests: US dates, a status column, one MP-like "council member" route.
EXPORT = """\
Request ID,Opened,Closed,Status,Due,Source
R1,11/01/2023,11/03/2023,Closed,11/10/2023,Council Member
R2,11/20/2023,,Open,11/24/2023,Public
R3,11/21/2023,11/30/2023,Closed,12/01/2023,Public
R4,11/22/2023,,In Progress,,Council Member
R5,12/04/2023,12/06/2023,Closed,12/10/2023,Public
R6,12/05/2023,12/07/2023,Closed,12/12/2023,Public
"""

PROFILE = """\
[source]
name = "city311"

[dates]
order = "mdy"

[constants]
process = "other"
stage = "1"
team = "311"
category = "Service request"

[columns]
case_id = "Request ID"
received = "Opened"
responded = "Closed"
status = "Status"
due = "Due"
raised_via = "Source"

[values.status]
open = ["In Progress"]

[values.raised_via]
councillor = ["Council Member"]
"""

# Words that name UK law, codes, ombudsmen or pounds: none may reach a report on process other.
UK_WORDS = re.compile(r"£|\bSI \d{4}|Regulations|Complaint Handling Code|LGSCO|Ombudsman|Children Act|Housing "
                      r"Ombudsman|bank holiday|Monitoring Officer", re.IGNORECASE)


def _audit(tmp_path, standard: str = ""):
    write(tmp_path / "export.csv", EXPORT)
    write(tmp_path / "profile.toml", PROFILE)
    write(tmp_path / "audit.toml", f"""
        organisation = "Springfield City"
        as_of = 2023-12-15
        [calendar]
        country = "US"
        subdivision = "NY"
        {standard}
        [[sources]]
        profile = "profile.toml"
        files = ["export.csv"]
    """)
    return run_audit(tmp_path / "audit.toml", out_root=tmp_path / "runs", formats=("md",))


def test_process_other_report_carries_no_uk_statute(tmp_path):
    audit = _audit(tmp_path)
    report = (audit.run_dir / "report.md").read_text(encoding="utf-8")
    assert UK_WORDS.findall(report) == []
    assert "It tests the handling against the organisation's own complaint procedure, and against good practice" in report
    assert "checks of UK rules were not applied: no record is under a UK statutory scheme" in report
    assert "less the public holidays of US (NY)" in report
    # The checks of UK rules are in results.json, not applicable, never passed.
    statuses = {outcome.check.code: outcome.result for outcome in audit.outcomes}
    for code in [code for code, check in discover().items() if check.uk_rules]:
        assert statuses[code].status == "not_applicable", code
        assert "no record is under a UK statutory scheme" in statuses[code].finding
    assert not re.search(r"\bFT00\d\b|\bTS002\b|\bCSC00\d\b", report)


def test_a_configured_standard_sets_the_target_and_names_the_body_to_escalate_to(tmp_path):
    audit = _audit(tmp_path, """
        [standard]
        name = "the City's 311 service standard"
        response_working_days = 5
        escalation = "the City Ombudsman"
    """)
    report = (audit.run_dir / "report.md").read_text(encoding="utf-8")
    assert ("It tests the handling against the City's 311 service standard (a response within 5 working days where "
            "the case system records no due date), with the City Ombudsman as the body complainants may escalate to"
            in report)
    assert "Had the City Ombudsman investigated, it would be likely to find fault because" in report
    assert "£" not in report and "Complaint Handling Code" not in report
    ts005 = next(outcome.result for outcome in audit.outcomes if outcome.check.code == "TS005")
    # R2 was due 24 November; R4 has no due date, so it is due 5 working days after receipt on 22 November on
    # New York's calendar, which skips Thanksgiving (23 November): 30 November (England's would say the 29th).
    overdue = ts005.exceptions.set_index("case_id")["due"].dt.strftime("%Y-%m-%d").to_dict()
    assert overdue == {"R2": "2023-11-24", "R4": "2023-11-30"}


def test_members_of_process_other_are_not_measured_against_uk_procedure_in_a_mixed_audit():
    public = {"raised_via": "public", "received": "2023-04-03", "responded": "2023-04-28"}
    member = {"raised_via": "councillor", "received": "2023-04-03", "responded": "2023-04-05"}
    rows = [{**public, "case_id": f"P{n}"} for n in range(12)] + [{**member, "case_id": f"M{n}"} for n in range(12)]
    other = canonical_records(*rows, process="other")
    uk = canonical_records(*rows, process="corporate")
    assert run_check("FT001", other).status == "not_applicable"
    assert run_check("FT001", uk).status == "fail"
    import pandas as pd

    mixed = pd.concat([uk, other.assign(case_id="O" + other["case_id"].astype("str"))], ignore_index=True)
    for name in ("process", "case_id"):
        mixed[name] = mixed[name].astype("category")
    result = run_check("FT001", mixed)
    assert result.status == "fail"
    assert not result.exceptions["case_id"].astype("str").str.startswith("O").any()


@pytest.mark.parametrize(("text", "message"), [
    ("[standard]\nresponse_working_days = 0", "standard.response_working_days: must be a whole number"),
    ("[standard]\nescalation = \" \"", "standard: name and escalation must not be empty"),
    ("[standard]\nbody = \"x\"", "standard.body: unknown key"),
])
def test_standard_mistakes_name_audit_toml(tmp_path, text, message):
    path = write(tmp_path / "audit.toml", text)
    with pytest.raises(UserError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ") and message in str(raised.value)
