"""CSC checks on hand-made records with exact exceptions, and on the sample data's seeded late adjudications.

Working days are counted on the England calendar with the day a clock starts as day 0. June and July 2023
have no bank holidays; August 2023 has one, Monday 28 August (the summer bank holiday).
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.calendar import working_days_between
from complaint_audit.engine.registry import discover
from tests.builders import canonical_records, run_check

CHILDRENS = {"process": "childrens_statutory", "team": "Children's Complaints"}


def _rows(result) -> list[list]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def test_csc001_stage1_late_with_and_without_an_extension():
    # From Monday 5 June 2023: 19 June is day 10, 20 June day 11, 3 July day 20, 5 July day 22, 10 July day 25.
    records = canonical_records(
        {"case_id": "A", "responded": "2023-06-19"},
        {"case_id": "B", "responded": "2023-06-20"},
        {"case_id": "C", "extended_due": "2023-07-03", "extension_reason": "Complex", "responded": "2023-07-03"},
        {"case_id": "D", "extended_due": "2023-07-10", "extension_reason": "Complex", "responded": "2023-07-05"},
        {"case_id": "E", "extended_due": "2023-06-26", "responded": "2023-06-23"},  # day 14; no reason for the extension
        {"case_id": "F", "stage": "2", "responded": "2023-08-30"},
        {"case_id": "G", "process": "corporate", "responded": "2023-08-30"},
        {"case_id": "H"},  # still open: TS005's
        received="2023-06-05", **CHILDRENS,
    )
    result = run_check("CSC001", records)
    assert _rows(result) == [
        ["B", "1", "responded in 11 working days; allowed 10"],
        ["D", "1", "responded in 22 working days; allowed 20 with extension (the extension goes beyond 20, so counts only to 20)"],
        ["E", "1", "responded in 14 working days; allowed 10 (an extension with no reason does not count)"],
    ]
    assert result.exceptions[["working_days", "allowed"]].values.tolist() == [[11, 10], [22, 20], [14, 10]]
    assert dict(result.metrics) == {"assessed": 5, "failing": 3, "percent_failing": 60.0, "extended": 2}
    assert result.status == "fail"
    assert result.finding == ("3 of 5 children's Stage 1 complaints were answered late (2 had an extension). The evidence is thin: "
                              "this grade rests on 5 of them, fewer than 10.")


def test_csc001_not_applicable_without_childrens_stage1():
    assert run_check("CSC001", canonical_records({"responded": "2023-04-10"})).finding == (
        "Not applicable: no answered children's Stage 1 records."
    )


# The hand-worked example of Stage 2 "as recorded" (to the investigating officer's report) against "as required"
# (to the adjudication letter); allowed 25 working days from the Stage 2 start, the later of the request (received)
# and the agreed statement of complaint. Monday 28 August 2023 is a bank holiday.
#
# S1 request Tue 1 Aug, statement agreed Fri 4 Aug, so the start is Fri 4 Aug (day 0).
#    Report Fri 1 Sep: Aug 7-11 are days 1-5, 14-18 days 6-10, 21-25 days 11-15, (28th a holiday) 29-31 days 16-18,
#    Sep 1 day 19: 19 <= 25, on time as recorded. Adjudication Tue 12 Sep: Sep 4-8 days 20-24, Sep 11 day 25,
#    Sep 12 day 26: 26 > 25, late as required. Turns late.
# S2 start Tue 1 Aug (no statement date). Report Tue 15 Aug: Aug 2-4 days 1-3, 7-11 days 4-8, 14-15 days 9-10: 10.
#    Adjudication Fri 1 Sep: 16-18 days 11-13, 21-25 days 14-18, 29-31 days 19-21, Sep 1 day 22: 22. On time both ways.
# S3 start Tue 1 Aug. Report Tue 12 Sep: Sep 1 is day 22 (as S2), Sep 4-8 days 23-27, 11-12 days 28-29: 29 > 25.
#    Adjudication Fri 15 Sep: 13-15 days 30-32: 32 > 25. Late both ways.
# S4 start Tue 1 Aug, extended with a reason to Fri 15 Sep (day 32, within 65): allowed 32. Report Fri 8 Sep (day 27),
#    adjudication Thu 14 Sep (day 31): on time both ways.
# S5 request Tue 1 Aug, statement agreed Fri 4 Aug. Report Tue 15 Aug (day 7 from the start). Adjudication Fri 8 Sep:
#    day 24 from the start (Sep 1 is day 19, Sep 4-8 days 20-24), on time; but day 27 from the request (Sep 1 day 22,
#    Sep 4-8 days 23-27): late from the request only, listed because the Stage 2 start rule is unconfirmed.
# S6 start Tue 1 Aug. Report Fri 25 Aug (day 18). Adjudication Thu 7 Sep: Sep 1 day 22, 4-7 days 23-26: 26. Turns late.
#
# Measured over the 6 answered cases: as recorded S1, S2, S4, S5, S6 on time, 5 of 6 = 83.3%; as required S2, S4, S5,
# 3 of 6 = 50.0%; the gap is 83.3 - 50.0 = 33.3 percentage points; S1 and S6 turn from compliant to late.
STAGE2_EXAMPLE = (
    {"case_id": "S1", "statement_agreed": "2023-08-04", "investigation_completed": "2023-09-01", "responded": "2023-09-12"},
    {"case_id": "S2", "investigation_completed": "2023-08-15", "responded": "2023-09-01"},
    {"case_id": "S3", "investigation_completed": "2023-09-12", "responded": "2023-09-15"},
    {"case_id": "S4", "extended_due": "2023-09-15", "extension_reason": "Complex; the complainant was told in writing",
     "investigation_completed": "2023-09-08", "responded": "2023-09-14"},
    {"case_id": "S5", "statement_agreed": "2023-08-04", "investigation_completed": "2023-08-15", "responded": "2023-09-08"},
    {"case_id": "S6", "investigation_completed": "2023-08-25", "responded": "2023-09-07"},
    {"case_id": "S7", "investigation_completed": "2023-08-25"},  # no adjudication yet: not measured here
    {"case_id": "S8", "stage": "1", "responded": "2023-10-02"},
)


def test_csc002_as_recorded_against_as_required_on_a_hand_worked_example():
    records = canonical_records(*STAGE2_EXAMPLE, stage="2", received="2023-08-01", **CHILDRENS)
    result = run_check("CSC002", records)
    assert result.metrics["percent_on_time_as_recorded"] == 83.3
    assert result.metrics["percent_on_time_as_required"] == 50.0
    assert result.metrics["gap_percentage_points"] == 33.3
    assert dict(result.metrics) == {
        "assessed": 6, "failing": 3, "percent_failing": 50.0, "stage2_cases": 6, "no_report_date": 0, "compared": 6,
        "on_time_as_recorded": 5, "on_time_as_required": 3,
        "percent_on_time_as_recorded": 83.3,
        "percent_on_time_as_required": 50.0, "gap_percentage_points": 33.3, "turns_late": 2, "late_both_ways": 1,
        "late_as_recorded_only": 0, "late_no_report_date": 0, "late_from_request_only": 1,
    }
    assert result.exceptions[["case_id", "verdict", "report_working_days", "adjudication_working_days", "allowed"]
                             ].values.tolist() == [
        ["S1", "turns late", 19, 26, 25], ["S3", "late both ways", 29, 32, 25],
        ["S5", "late from the request only", 7, 24, 25], ["S6", "turns late", 18, 26, 25],
    ]
    assert _rows(result) == [
        ["S1", "2", "looks on time: the investigating officer's report came after 19 working days, but the adjudication "
                    "letter after 26 working days; allowed 25"],
        ["S3", "2", "late both ways: report after 29 working days, adjudication after 32 working days; allowed 25"],
        ["S5", "2", "on time from the Stage 2 start (24 working days) but late from the request (27 working days; "
                    "allowed 25)"],
        ["S6", "2", "looks on time: the investigating officer's report came after 18 working days, but the adjudication "
                    "letter after 26 working days; allowed 25"],
    ]
    assert result.status == "fail"
    assert result.finding == (
        "Of 6 children's Stage 2 complaints, 5 of 6 were on time as the system records them (to the investigating "
        "officer's report) but only 3 of 6 as the regulations require (to the adjudication letter): 2 cases that "
        "look compliant were late. The evidence is thin: this grade rests on 6 of them, fewer than 10."
    )


def test_csc002_a_report_dated_after_the_adjudication_and_a_missing_report():
    records = canonical_records(
        {"case_id": "R1", "investigation_completed": "2023-09-12", "responded": "2023-08-15"},  # report day 29, letter 10
        {"case_id": "R2", "responded": "2023-09-12"},  # adjudication day 29, no report date
        {"case_id": "R3", "investigation_completed": "2023-08-15", "responded": "2023-09-01"},
        stage="2", received="2023-08-01", **CHILDRENS,
    )
    result = run_check("CSC002", records)
    assert result.exceptions[["case_id", "verdict", "reason"]].values.tolist() == [
        ["R1", "late as recorded only", "report after 29 working days but adjudication after 10 working days; "
                                        "allowed 25; check the dates"],
        ["R2", "late, no report date", "adjudication after 29 working days; allowed 25 (no investigating officer's "
                                       "report date recorded)"],
    ]
    # As recorded: R3 of the two with a report date (50.0%); as required: R1 and R3 of all three (66.7%).
    assert (result.metrics["stage2_cases"], result.metrics["no_report_date"], result.metrics["percent_on_time_as_recorded"],
            result.metrics["percent_on_time_as_required"], result.metrics["turns_late"]) == (3, 1, 50.0, 66.7, 0)
    assert result.finding == (
        "Of 3 children's Stage 2 complaints, 2 of 3 were on time to the adjudication letter, as the regulations "
        "require; none looked on time only because the investigating officer's report was. 1 had no investigating "
        "officer's report date, so the system's own measure leaves them out. The evidence is thin: this grade rests "
        "on 3 of them, fewer than 10."
    )


def test_csc002_not_applicable_without_adjudications_or_report_dates():
    no_stage2 = canonical_records({"stage": "1", "responded": "2023-08-10", **CHILDRENS})
    assert run_check("CSC002", no_stage2).finding == (
        "Not applicable: no children's Stage 2 records with an adjudication letter."
    )
    no_reports = canonical_records({"stage": "2", "responded": "2023-08-10", **CHILDRENS})
    assert run_check("CSC002", no_reports).status == "not_applicable"


def test_csc002_finds_exactly_the_seeded_late_adjudications(sample_records, ground_truth):
    seeded = ground_truth["problems"]["childrens_adjudication_late"]["cases"]
    result = run_check("CSC002", sample_records, as_of="2024-05-15")
    turned = result.exceptions[result.exceptions["verdict"] == "turns late"]
    assert set(zip(turned["case_id"], turned["stage"], strict=True)) == {(case["case_id"], case["stage"]) for case in seeded}
    assert result.metrics["turns_late"] == len(seeded)
    # The generator's other Stage 2 kinds (clean, and extended to 65 working days) are on time both ways.
    assert set(result.exceptions["verdict"]) == {"turns late"}
    assert result.metrics["percent_on_time_as_recorded"] == 100.0
    assert result.metrics["gap_percentage_points"] == round(100.0 - result.metrics["percent_on_time_as_required"], 1)


def test_csc003_stage2_beyond_25_needs_an_extension_and_never_beyond_65():
    # From Tuesday 1 August 2023 (see the example above): 7 September is day 26, 15 September day 32,
    # 1 November day 65, 2 November day 66, 30 November day 86; from Friday 4 August, 8 September is day 24.
    reason = {"extension_reason": "Complex; the complainant was told in writing"}
    records = canonical_records(
        {"case_id": "A", "responded": "2023-09-07"},
        {"case_id": "B", "extended_due": "2023-09-15", "responded": "2023-09-15", **reason},
        {"case_id": "C", "extended_due": "2023-09-15", "responded": "2023-09-15"},
        {"case_id": "D", "extended_due": "2023-11-01", "responded": "2023-11-02", **reason},
        {"case_id": "E", "statement_agreed": "2023-08-04", "responded": "2023-09-08"},
        {"case_id": "F"},  # still open on the audit date, Thursday 30 November: day 86
        {"case_id": "G", "responded": "2023-09-01"},  # day 22
        {"case_id": "H", "received": "2023-12-04"},  # received after the audit date
        stage="2", received="2023-08-01", **CHILDRENS,
    )
    result = run_check("CSC003", records, as_of="2023-11-30")
    assert _rows(result) == [
        ["A", "2", "adjudication after 26 working days from the request (26 from the Stage 2 start); over 25 working "
                   "days from the Stage 2 start with no extension recorded"],
        ["C", "2", "adjudication after 32 working days from the request (32 from the Stage 2 start); over 25 working "
                   "days from the Stage 2 start with an extension that records no reason"],
        ["D", "2", "adjudication after 66 working days from the request (66 from the Stage 2 start); over the "
                   "65-working-day limit from the Stage 2 start"],
        ["E", "2", "adjudication after 27 working days from the request (24 from the Stage 2 start); over 25 working "
                   "days from the request with no extension recorded"],
        ["F", "2", "still open after 86 working days from the request (86 from the Stage 2 start); over 25 working "
                   "days from the Stage 2 start with no extension recorded; over the 65-working-day limit from the "
                   "Stage 2 start"],
    ]
    assert result.exceptions["still_open"].tolist() == [False, False, False, False, True]
    assert dict(result.metrics) == {
        "assessed": 7, "failing": 5, "percent_failing": 71.4, "no_extension": 4, "over_limit": 2, "open_failing": 1,
        "allowed_working_days": 25, "limit_working_days": 65,
    }
    assert result.finding == (
        "5 of 7 children's Stage 2 complaints ran past 25 working days without a recorded extension or past "
        "the 65-day limit (4 without an extension, 2 past the limit; 1 of them still open). The evidence is thin: "
        "this grade rests on 7 of them, fewer than 10."
    )


def test_csc003_on_the_sample_data_finds_the_late_adjudications_and_the_overdue_open_case(sample_records, ground_truth):
    # Beyond the seeded late adjudications (no extension, over 25), the other cases are the Stage 2s still open on the
    # export date past 25 working days from the request with no extension (one in the bundled data, CSC-23-0119),
    # worked out here from the raw rule; the generator's extended cases all end within 65 working days.
    seeded = {case["case_id"] for case in ground_truth["problems"]["childrens_adjudication_late"]["cases"]}
    stage2 = sample_records[sample_records["process"].eq("childrens_statutory") & sample_records["stage"].eq("2")]
    open_cases = stage2[stage2["responded"].isna() & stage2["closed"].isna() & stage2["outcome"].isna()]
    waited = working_days_between(open_cases["received"], pd.Series(pd.Timestamp("2024-05-15"), index=open_cases.index))
    overdue = set(open_cases.loc[(waited > 25).to_numpy() & open_cases["extended_due"].isna().to_numpy(), "case_id"])
    result = run_check("CSC003", sample_records, as_of="2024-05-15")
    assert set(result.exceptions["case_id"]) == seeded | overdue
    assert result.metrics["over_limit"] == 0


def test_csc004_stage3_panel_timescales():
    # P1: adjudication Thu 1 June 2023; request 29 June (day 20); panel 10 August (day 30 after the request);
    #     report 17 August (day 5); response 8 September (day 15): all on time.
    # P2: request 30 June (day 21); panel 14 August (day 31); report 22 August (day 6); response 14 September (day 16).
    # P3: requested Monday 5 June, no panel by the audit date, Monday 31 July: day 40.
    # P4: no Stage 2 row, so its request window cannot be measured; the rest is on time.
    records = canonical_records(
        {"case_id": "P1", "stage": "2", "received": "2023-04-03", "responded": "2023-06-01"},
        {"case_id": "P1", "stage": "3", "received": "2023-06-29", "panel_held": "2023-08-10", "panel_report": "2023-08-17",
         "responded": "2023-09-08"},
        {"case_id": "P2", "stage": "2", "received": "2023-04-03", "responded": "2023-06-01"},
        {"case_id": "P2", "stage": "3", "received": "2023-06-30", "panel_held": "2023-08-14", "panel_report": "2023-08-22",
         "responded": "2023-09-14"},
        {"case_id": "P3", "stage": "3", "received": "2023-06-05"},
        {"case_id": "P4", "stage": "3", "received": "2023-06-29", "panel_held": "2023-07-10", "panel_report": "2023-07-14"},
        **CHILDRENS,
    )
    result = run_check("CSC004", records, as_of="2023-07-31")
    assert _rows(result) == [
        ["P2", "3", "request 21 working days after the adjudication; allowed 20; panel 31 working days after the "
                    "request; allowed 30; report 6 working days after the panel; allowed 5; response 16 working days "
                    "after the report; allowed 15"],
        ["P3", "3", "no panel 40 working days after the request; allowed 30"],
    ]
    assert dict(result.metrics) == {
        "assessed": 4, "failing": 2, "percent_failing": 50.0, "late_request": 1, "late_panel": 2, "late_report": 1,
        "late_response": 1,
    }
    assert result.finding == (
        "2 of 4 children's Stage 3 reviews missed a timescale: 1 late requests, 2 late panels, 1 late reports, "
        "1 late responses. The evidence is thin: this grade rests on 4 of them, fewer than 10."
    )


def test_csc004_not_applicable_without_stage3():
    records = canonical_records({"stage": "2", "responded": "2023-08-10", **CHILDRENS})
    assert run_check("CSC004", records).finding == "Not applicable: no children's Stage 3 records."


def test_csc_checks_run_on_the_sample_data(sample_records):
    for code in [code for code in discover() if code.startswith("CSC")]:
        result = run_check(code, sample_records, as_of="2024-05-15")
        assert result.status in ("pass", "warn", "fail"), (code, result.finding)
