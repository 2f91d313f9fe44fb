"""The standard in force decides the words: fault and the ombudsman's counterfactual only for a statutory scheme or a
code in force on the day the case was received; a remedy, with the people affected and how far they fell short."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest

from complaint_audit.audit.results import _check_entry, results_schema, write_results
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.report.findings import check_finding
from tests.builders import audit_data, canonical_records

AS_OF = "2026-12-31"
COUNTERFACTUAL = "Had the Ombudsman investigated"


def _finding(code: str, records: pd.DataFrame) -> tuple[dict, dict]:
    """One check run as an audit runs it: its results.json entry and the report's finding."""
    (outcome,) = run_checks(audit_data(records, AS_OF), [discover()[code]])
    entry = _check_entry(outcome)
    return entry, check_finding(entry, [])


def _late_stage1(process: str, *received: str) -> pd.DataFrame:
    """Stage 1 complaints of PROCESS, each answered 40 calendar days after its receipt: past the code's 15 working days
    from receipt (no acknowledgement recorded), whatever the bank holidays between."""
    rows = [{"case_id": f"C{number}", "received": day,
             "responded": (pd.Timestamp(day) + pd.Timedelta(days=40)).date().isoformat()}
            for number, day in enumerate(received, start=1)]
    return canonical_records(*rows, process=process, outcome="not_upheld")


@pytest.mark.parametrize(("process", "before", "after", "code_name", "applies_from"), [
    ("corporate", "2026-03-02", "2026-04-13", "the LGSCO's Complaint Handling Code", "1 April 2026"),
    ("housing", "2024-03-04", "2024-04-15", "the Housing Ombudsman's Complaint Handling Code", "1 April 2024"),
])
def test_the_same_late_response_falls_short_of_own_procedure_before_the_code_and_is_fault_after(
        process, before, after, code_name, applies_from):
    entry, finding = _finding("TS002", _late_stage1(process, before))
    assert entry["status"] == "fail"
    assert (entry["standard"]["in_force"], entry["standard"]["fault"]) == (False, False)
    assert entry["standard"]["name"] == code_name
    assert finding["ombudsman"].startswith("This falls short of the council's own procedure: 1 of 1 ")
    assert "handled before the code applied" in finding["ombudsman"]
    assert finding["standard"] == f"{code_name[:1].upper()}{code_name[1:]} (from {applies_from})"
    assert COUNTERFACTUAL not in finding["ombudsman"] and "find fault" not in finding["ombudsman"]
    assert finding["standing"] == "Short of the council's own procedure"
    assert finding["kind"].startswith("Of the kind the ombudsmen call maladministration")

    entry, finding = _finding("TS002", _late_stage1(process, after))
    assert (entry["standard"]["in_force"], entry["standard"]["fault"]) == (True, True)
    assert finding["ombudsman"].startswith("Had the Ombudsman investigated, it would be likely to find fault because "
                                           "1 of 1 ")
    assert finding["standing"] == "Fault"
    assert finding["kind"] == "Kind of fault: maladministration."


def test_cases_straddling_the_date_are_counted_under_each_standard():
    entry, finding = _finding("TS002", _late_stage1("corporate", "2026-03-02", "2026-03-09", "2026-04-13"))
    standard = entry["standard"]
    assert (standard["in_force"], standard["cases_fault"], standard["cases_short"]) == ("partly", 1, 2)
    assert finding["ombudsman"].startswith(
        "Had the Ombudsman investigated, it would be likely to find fault in 1 of the 3 cases, the one handled under "
        "the LGSCO's Complaint Handling Code while in force; the other 2 fall short of the council's own procedure, as "
        "they were handled before the code applied. 3 of 3 ")
    assert finding["standing"] == "Fault in 1 of 3 cases"


def test_childrens_statutory_timescales_are_fault_whenever_the_case_was_handled():
    records = canonical_records({"case_id": "L1", "responded": "2023-04-24"}, received="2023-04-03",
                                process="childrens_statutory", outcome="not_upheld")
    entry, finding = _finding("CSC001", records)
    assert entry["standard"]["in_force"] is True and entry["standard"]["in_force_from"] is None
    assert entry["standard"]["parts"][0]["force"] == "statutory"
    assert finding["ombudsman"].startswith("Had the Ombudsman investigated, it would be likely to find fault because")


def test_a_local_sign_off_policy_is_never_fault():
    records = canonical_records({"case_id": "C1", "stage": "2", "responded": "2026-05-01", "signed_off_by": "Officer"},
                                received="2026-04-13", outcome="not_upheld")
    entry, finding = _finding("OV003", records)
    assert entry["status"] == "fail" and entry["standard"]["fault"] is False
    assert finding["ombudsman"] == (
        "This falls short of the council's own procedure: 1 of 1 Stage 2, Stage 3 and final responses were signed off "
        "below the required level or not at all. The rule is the council's own policy on who signs off a final "
        "response, which no statutory scheme or code in force sets, so this is not a finding of fault.")


def _late_childrens_stage1() -> pd.DataFrame:
    """Children's Stage 1 complaints received Mon 3 Apr 2023 (10 working days allowed, after Good Friday and Easter
    Monday): answered 2, 5 and 9 working days late, one on time, and case L2's Stage 1 listed once."""
    return canonical_records(
        {"case_id": "L1", "responded": "2023-04-21"},  # 12 working days: 2 late
        {"case_id": "L2", "responded": "2023-04-26"},  # 15: 5 late
        {"case_id": "L3", "responded": "2023-05-03"},  # 19 (1 May is a bank holiday): 9 late
        {"case_id": "T1", "responded": "2023-04-14"},  # 8: on time
        received="2023-04-03", process="childrens_statutory", outcome="not_upheld",
    )


def test_a_failing_check_carries_a_remedy_for_the_people_affected_with_how_late_they_were(tmp_path):
    (outcome,) = run_checks(audit_data(_late_childrens_stage1(), AS_OF), [discover()["CSC001"]])
    write_results(tmp_path, [outcome], pd.Timestamp(AS_OF).date())
    document = json.loads((tmp_path / "results.json").read_text())
    jsonschema.validate(document, results_schema())
    assert document["schema_version"] == "1.1"
    (check,) = document["checks"]
    assert (check["status"], check["people_affected"], check["fault_type"]) == ("fail", 3, "maladministration")
    assert check["remedy"]["shortfall"] == {"rows": 3, "median": 5.0, "min": 2.0, "max": 9.0,
                                            "unit": "working days late"}
    assert check["remedy"]["text"] == (
        "Apologise to the 3 people whose children's Stage 1 complaint was answered late, a median of 5 working days "
        "late, range 2 to 9, saying what went wrong; consider a payment for the time and trouble the delay caused (the "
        "LGSCO's Guidance on remedies); and answer any point still unanswered.")
    assert check["recommendation"]["text"]  # the service improvement stays beside the remedy
    finding = check_finding(check, [])
    assert (finding["remedy"], finding["people_affected"]) == (check["remedy"]["text"], "the 3 people affected")


def test_a_passing_check_has_no_remedy_and_its_standard_still_declared():
    records = canonical_records({"case_id": "T1", "responded": "2023-04-14"}, received="2023-04-03",
                                process="childrens_statutory", outcome="not_upheld")
    entry, finding = _finding("CSC001", records)
    assert (entry["status"], entry["remedy"], entry["people_affected"]) == ("pass", None, 0)
    assert entry["standard"]["name"] == "the Children Act 1989 Representations Procedure (England) Regulations 2006"
    assert finding["remedy"] is None and finding["ombudsman"] is None


def test_every_built_in_check_declares_its_standard_without_citing_an_internal_file():
    for check in discover().values():
        assert check.standards, f"{check.code} declares no standard"
        cited = [check.source, check.rule, *(standard.source for standard in check.standards)]
        assert not any("RULES.md" in text for text in cited), check.code


def test_the_overall_assessment_speaks_of_fault_only_when_a_red_or_amber_finding_is_fault():
    from complaint_audit.report.findings import overall

    def finding(code, theme, is_fault):
        return {"code": code, "status": "fail", "theme": theme, "theme_title": theme, "percent_failing": 30.0,
                "is_fault": is_fault}

    timely = {"code": "TS001", "status": "pass", "theme": "timeliness", "theme_title": "timeliness",
              "percent_failing": 0.0, "is_fault": False}
    short = overall([finding("OV003", "leadership", False), finding("LN002", "learning", False),
                     finding("QR006", "quality", False), timely])
    assert short["rag"] == "red"
    assert short["text"].startswith("The council's complaint handling falls short of its own procedure or good "
                                    "practice. 3 of the 4 checks rated are red")
    assert COUNTERFACTUAL not in short["text"] and "injustice" not in short["text"]
    fault = overall([finding("CSC002", "childrens", True), timely])
    assert fault["text"].startswith("Had the Ombudsman investigated the complaints audited, it would be likely to find "
                                    "fault in the council's complaint handling. 1 of the 2 checks rated are red")
    assert "injustice" not in fault["text"]
