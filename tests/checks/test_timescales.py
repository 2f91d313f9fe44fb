"""TS checks on hand-made records with exact exceptions, and on the sample data's seeded loose local target.

Working days are counted on the England calendar, receipt as day 0. June and July 2023 have no bank
holidays, so from Monday 5 June 2023: 12 June is day 5, 19 June day 10, 26 June day 15, 3 July day 20.
"""

from __future__ import annotations

from complaint_audit.engine.registry import discover
from tests.builders import canonical_records, run_check


def _rows(result) -> list[list]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def test_ts001_late_and_missing_acknowledgements_are_exceptions():
    records = canonical_records(
        {"case_id": "C1", "received": "2023-06-05", "acknowledged": "2023-06-12"},  # day 5: on time
        {"case_id": "C2", "received": "2023-06-05", "acknowledged": "2023-06-13"},  # day 6
        {"case_id": "C3", "process": "adult_social_care", "received": "2023-06-05", "acknowledged": "2023-06-09"},
        # answered within the acknowledgement period: the response acknowledges it
        {"case_id": "C4", "process": "housing", "stage": "2", "received": "2023-06-05", "responded": "2023-06-07"},
        {"case_id": "C5", "received": "2023-06-05", "responded": "2023-06-30"},
        {"case_id": "C6", "process": "childrens_statutory", "received": "2023-06-05", "acknowledged": "2023-06-30"},
        {"case_id": "C7", "process": "adult_social_care", "stage": "ombudsman", "acknowledged": "2023-06-30"},
        # due after Easter 2024 (29 March, 1 April are bank holidays), so not yet due on 31 March
        {"case_id": "C8", "received": "2024-03-28"},
    )
    result = run_check("TS001", records, as_of="2024-03-31")
    assert _rows(result) == [
        ["C2", "1", "acknowledged in 6 working days; allowed 5"],
        ["C3", "1", "acknowledged in 4 working days; allowed 3"],
        ["C5", "1", "no acknowledgement recorded; due by 2023-06-12"],
    ]
    assert result.exceptions["working_days"].tolist()[:2] == [6, 4]
    assert dict(result.metrics) == {
        "assessed": 4, "failing": 3, "percent_failing": 75.0, "late": 2, "not_recorded": 1,
        "corporate_percent_on_time": 33.3, "adult_social_care_percent_on_time": 0.0,
    }
    assert result.status == "fail"
    assert result.finding == (
        "3 of 4 complaint stages were not acknowledged on time: 2 late and 1 with no acknowledgement recorded. "
        "The evidence is thin: this grade rests on 4 of them, fewer than 10."
    )


def test_ts001_not_applicable_without_its_processes_or_field():
    childrens = canonical_records({"process": "childrens_statutory", "acknowledged": "2023-04-04"})
    assert run_check("TS001", childrens).finding == "Not applicable: no corporate, housing or adult social care records."
    assert run_check("TS001", canonical_records({})).finding == "Not applicable: field acknowledged not provided."


def test_ts001_thresholds_and_limits_are_parameters():
    records = canonical_records({"case_id": "C1", "received": "2023-06-05", "acknowledged": "2023-06-13"})
    result = run_check("TS001", records, acknowledge_working_days={"corporate": 6})
    assert (result.status, result.metrics["failing"]) == ("pass", 0)


def test_ts002_late_response_is_an_exception():
    records = canonical_records(
        {"case_id": "A", "acknowledged": "2023-06-05", "responded": "2023-06-19"},  # day 10
        {"case_id": "B", "acknowledged": "2023-06-05", "responded": "2023-06-20"},  # day 11
        {"case_id": "C", "process": "housing", "received": "2023-06-05", "responded": "2023-06-26"},  # 15 from receipt
        {"case_id": "D", "process": "housing", "received": "2023-06-05", "responded": "2023-06-27"},  # 16 from receipt
        # Stage 2: 20 working days plus at most 20 more; 31 July is day 40 after 5 June
        {"case_id": "E", "stage": "2", "received": "2023-06-01", "acknowledged": "2023-06-05", "extended_due": "2023-07-31",
         "extension_reason": "Awaiting a contractor's report", "responded": "2023-07-28"},  # day 39
        {"case_id": "F", "stage": "2", "received": "2023-06-01", "acknowledged": "2023-06-05", "extended_due": "2023-08-14",
         "extension_reason": "Complex", "responded": "2023-08-07"},  # extended to day 50, answered on day 45
        {"case_id": "G", "acknowledged": "2023-06-05", "extended_due": "2023-06-26", "responded": "2023-06-23"},
        {"case_id": "H", "process": "childrens_statutory", "acknowledged": "2023-06-05", "responded": "2023-08-01"},
        {"case_id": "I", "acknowledged": "2023-06-05"},  # not answered: TS005's
        received="2023-06-01",
    )
    result = run_check("TS002", records)
    assert _rows(result) == [
        ["B", "1", "responded in 11 working days from acknowledgement; allowed 10"],
        ["D", "1", "responded in 16 working days from receipt (no acknowledgement recorded); allowed 15"],
        ["F", "2", "responded in 45 working days from acknowledgement; allowed 40 with extension "
                   "(the extension is beyond the maximum, so counted only to it)"],
        ["G", "1", "responded in 14 working days from acknowledgement; allowed 10 (an extension with no reason does not count)"],
    ]
    assert result.exceptions[["working_days", "allowed"]].values.tolist() == [[11, 10], [16, 15], [45, 40], [14, 10]]
    assert dict(result.metrics) == {
        "assessed": 7, "failing": 4, "percent_failing": 57.1, "from_receipt": 2, "extended": 2,
        "stage1_percent_on_time": 40.0, "stage2_percent_on_time": 50.0,
    }
    assert result.status == "fail"
    assert result.finding == (
        "4 of 7 corporate and housing responses were later than the code allows. On time: Stage 1 2 of 5; "
        "Stage 2 1 of 2. 2 had no acknowledgement date, so were measured from receipt with 5 working days added to "
        "acknowledge. The evidence is thin: this grade rests on 7 of them, fewer than 10."
    )


def test_ts002_not_applicable_without_answered_corporate_or_housing_stages():
    records = canonical_records({"process": "adult_social_care", "responded": "2023-04-20"})
    assert run_check("TS002", records).status == "not_applicable"


def test_ts003_late_against_the_agreed_date_and_past_six_months():
    asc = {"process": "adult_social_care", "team": "Adults", "received": "2023-06-05", "due": "2023-07-03"}
    records = canonical_records(
        {"case_id": "A", "responded": "2023-07-03"},
        {"case_id": "B", "responded": "2023-07-05"},
        {"case_id": "C", "extended_due": "2023-07-17", "extension_reason": "Awaiting the provider", "responded": "2023-07-14"},
        {"case_id": "D", "responded": "2023-12-15"},  # six months from 5 June 2023 is 5 December 2023
        {"case_id": "E", "due": "2023-12-20"},  # a longer period agreed, still open on the audit date
        {"case_id": "F", "received": "2024-01-10", "due": "2024-03-01"},  # open and late, but not six months: TS005's
        {"case_id": "G", "stage": "ombudsman", "received": "2023-01-10", "responded": "2023-12-01"},
        **asc,
    )
    result = run_check("TS003", records, as_of="2024-03-31")
    tell = ": the complainant must be told why in writing"
    assert _rows(result) == [
        ["B", "1", "responded 2 working days after the agreed date 2023-07-03"],
        ["D", "1", "responded 118 working days after the agreed date 2023-07-03; answered after 6 months "
                   "(limit 2023-12-05)" + tell],
        ["E", "1", "no response after 6 months (limit 2023-12-20)" + tell],
    ]
    assert dict(result.metrics) == {
        "assessed": 5, "failing": 3, "percent_failing": 60.0, "late": 2, "past_months_limit": 2, "months_limit": 6,
        "no_agreed_date": 0,
    }
    assert result.status == "fail"
    assert result.finding == (
        "3 of 5 adult social care complaints missed the agreed response date or ran past 6 months: 2 answered "
        "late, 2 past 6 months (0 had no agreed date recorded). The evidence is thin: this grade rests on 5 of them, "
        "fewer than 10."
    )


def test_ts004_extensions_beyond_the_maximum_or_without_a_reason():
    records = canonical_records(
        # Stage 1 deadline: 10 working days after acknowledgement (19 June); at most 10 more (3 July)
        {"case_id": "A", "acknowledged": "2023-06-05", "extended_due": "2023-07-03", "extension_reason": "Complex"},
        {"case_id": "B", "acknowledged": "2023-06-05", "extended_due": "2023-07-04", "extension_reason": "Complex"},
        # Stage 2 with no acknowledgement: 25 from the request (10 July), at most 20 more (7 August)
        {"case_id": "C", "process": "housing", "stage": "2", "received": "2023-06-05", "extended_due": "2023-08-07"},
        {"case_id": "D", "process": "adult_social_care", "extended_due": "2023-08-07", "extension_reason": " "},
        {"case_id": "E", "process": "adult_social_care", "extended_due": "2023-12-07", "extension_reason": "Agreed"},
        {"case_id": "F", "process": "childrens_statutory", "extended_due": "2023-06-30"},  # CSC001's
        {"case_id": "G", "acknowledged": "2023-06-05"},
        received="2023-06-01",
    )
    result = run_check("TS004", records)
    assert _rows(result) == [
        ["B", "1", "extended 11 working days beyond the code's deadline 2023-06-19; at most 10"],
        ["C", "2", "no reason recorded for the extension to 2023-08-07"],
        ["D", "1", "no reason recorded for the extension to 2023-08-07"],
    ]
    assert dict(result.metrics) == {
        "assessed": 5, "failing": 3, "percent_failing": 60.0, "no_reason": 2, "beyond_maximum": 1,
    }
    assert result.finding == (
        "3 of 5 extensions lack a reason or exceed the maximum: 2 with no reason, 1 beyond the maximum. "
        "The evidence is thin: this grade rests on 5 of them, fewer than 10."
    )


def test_ts005_open_cases_past_due_in_ageing_bands():
    records = canonical_records(
        {"case_id": "A", "due": "2023-07-28"},  # 1 working day overdue on Monday 31 July
        {"case_id": "B", "due": "2023-07-14"},  # 11
        {"case_id": "C", "due": "2023-06-16"},  # 31
        {"case_id": "D", "due": "2023-05-31"},  # 43
        {"case_id": "E", "due": "2023-08-10"},  # not yet due
        {"case_id": "F", "due": "2023-06-01", "responded": "2023-07-01"},  # answered
        {"case_id": "G", "due": "2023-07-20", "responded": "2023-08-05"},  # answered after the audit date: open on it
        {"case_id": "H", "due": "2023-06-01", "outcome": "withdrawn"},  # withdrawn, no dates
        {"case_id": "I"},  # open, no due date: aged from receipt against the code
        {"case_id": "J", "due": "2023-07-01", "extended_due": "2023-08-15", "extension_reason": "Complex"},
        {"case_id": "K", "received": "2023-08-02", "due": "2023-06-01"},  # received after the audit date
        {"case_id": "L", "stage": "ombudsman", "due": "2023-06-01"},
        received="2023-04-03",
    )
    result = run_check("TS005", records, as_of="2023-07-31")
    assert result.exceptions[["case_id", "working_days_overdue", "band"]].values.tolist() == [
        ["A", 1, "1-10"], ["B", 11, "11-20"], ["C", 31, "21-40"], ["D", 43, "over 40"], ["G", 7, "1-10"],
        ["I", 65, "over 40"],  # no due date: 15 working days from 3 April (Easter left out) is 26 April
    ]
    assert result.exceptions["reason"][0] == "open 1 working days past its due date 2023-07-28 (band 1-10)"
    assert dict(result.metrics) == {
        "assessed": 8, "failing": 6, "percent_failing": 75.0, "as_of": "2023-07-31", "no_due_date": 1,
        "aged_from_receipt": 1, "not_assessed": 0,
        "overdue_1_to_10": 2, "overdue_11_to_20": 1, "overdue_21_to_40": 1, "overdue_over_40": 2,
    }
    assert result.status == "fail"
    assert result.finding == (
        "6 of 8 complaint stages open on 2023-07-31 were past their due date: 2 by 1-10 working days, "
        "1 by 11-20 working days, 1 by 21-40 working days, 2 by more than 40 working days. 1 had no due date of its "
        "own and was aged from receipt against the code's Stage 1 timescale (10 working days from acknowledgement, "
        "15 from receipt without one). The evidence is thin: this grade rests on 8 of them, fewer than 10."
    )


def test_ts005_bands_are_a_parameter():
    records = canonical_records({"case_id": "A", "due": "2023-07-14"}, {"case_id": "B", "due": "2023-05-31"})
    result = run_check("TS005", records, as_of="2023-07-31", bands_working_days=[5, 30])
    assert result.exceptions["band"].tolist() == ["6-30", "over 30"]
    assert (result.metrics["overdue_6_to_30"], result.metrics["overdue_over_30"]) == (1, 1)


def test_ts006_a_team_working_to_a_looser_target_is_found():
    # Team A's Stage 2 due dates run 35, 35 and 20 working days from the request (median 35; the code allows 25).
    # The children's Stage 2 is due 25 working days after the statement was agreed (12 June), which is 30 from the
    # request: not looser, because children's Stage 2 runs from the later of the two.
    records = canonical_records(
        {"case_id": "A1", "stage": "2", "received": "2023-06-05", "due": "2023-07-24"},
        {"case_id": "A2", "stage": "2", "received": "2023-06-05", "due": "2023-07-24"},
        {"case_id": "A3", "stage": "2", "received": "2023-06-05", "due": "2023-07-03"},
        {"case_id": "B1", "team": "Team B", "received": "2023-06-05", "due": "2023-06-19"},
        {"case_id": "K1", "process": "childrens_statutory", "team": "Children", "stage": "2", "received": "2023-06-05",
         "statement_agreed": "2023-06-12", "due": "2023-07-17"},
        {"case_id": "X1", "process": "adult_social_care", "received": "2023-06-05", "due": "2023-12-01"},
    )
    result = run_check("TS006", records)
    assert _rows(result) == [
        ["A1", "2", "due 35 working days after receipt; the team's local target is 35 where the code allows 25"],
        ["A2", "2", "due 35 working days after receipt; the team's local target is 35 where the code allows 25"],
    ]
    assert dict(result.metrics) == {
        "team_stages": 3, "looser": 1, "cases": 2,
        "loose_targets": "Team A (corporate Stage 2) works to 35 working days where the code allows 25",
    }
    assert result.status == "fail"
    assert result.finding == (
        "1 of 3 team stages record due dates looser than the code, so their own reports count late cases as on time: "
        "Team A (corporate Stage 2) works to 35 working days where the code allows 25. 2 cases carry such a due date."
    )


def test_ts006_passes_when_every_team_is_within_the_code():
    records = canonical_records({"case_id": "B1", "received": "2023-06-05", "due": "2023-06-19"})
    result = run_check("TS006", records)
    assert (result.status, result.finding) == ("pass", "All 1 team stages record due dates within the code's timescales.")
    assert result.exceptions.empty


def test_ts006_finds_the_sample_datas_loose_local_target_exactly(sample_records, ground_truth):
    seeded = ground_truth["problems"]["loose_local_target"]
    result = run_check("TS006", sample_records, as_of="2024-05-15")
    found = set(zip(result.exceptions["case_id"], result.exceptions["stage"], strict=True))
    assert found == {(case["case_id"], case["stage"]) for case in seeded["cases"]}
    (team,) = seeded["teams"]
    assert set(result.exceptions["team"]) == {team["team"]}
    assert result.metrics["looser"] == 1
    assert result.metrics["loose_targets"] == (
        f"{team['team']} ({team['process']} Stage {team['stage']}) works to {team['local_target_working_days']} "
        f"working days where the code allows {team['code_target_working_days']}"
    )


def test_ts_checks_run_on_the_sample_data(sample_records, ground_truth):
    """Each TS check grades the sample; TS007 with the sample council's made-up return to the regulator."""
    for code in [code for code in discover() if code.startswith("TS") and code != "TS007"]:
        result = run_check(code, sample_records, as_of="2024-05-15")
        assert result.status in ("pass", "warn", "fail"), (code, result.finding)
    assert _sample_return_run(sample_records, ground_truth).status in ("pass", "warn", "fail")


def test_ts007_finds_the_sample_return_kinder_than_the_records_by_the_seeded_gap(sample_records, ground_truth):
    seeded = ground_truth["regulator"]["stages"]
    result = _sample_return_run(sample_records, ground_truth)

    assert result.status == "warn"  # 3.4 points: over amber's 2, under red's 5
    assert result.metrics["largest_gap_points"] == seeded["1"]["gap_points"] == 3.4
    assert result.finding == (
        "2023-24 Stage 1: returned 89.9% answered within the Code's timescales (447 of 497), the records give 86.5% "
        "(430 of 497). 2023-24 Stage 2: returned 51.4% answered within the Code's timescales (36 of 70), the records "
        "give 51.4% (36 of 70).")
    assert (seeded["1"]["answered_on_time"], seeded["1"]["records_on_time"], seeded["1"]["complaints"]) == (
        447, 430, 497)
    # The cases behind the gap: the Stage 1 housing complaints the records show late or not answered.
    assert len(result.exceptions) == seeded["1"]["complaints"] - seeded["1"]["records_on_time"]
    assert set(result.exceptions["stage"]) == {"1"}


def _sample_return_run(records, ground_truth):
    """TS007 on the sample's records with the council's line read from the sample's made-up regulator workbook."""
    from complaint_audit.ingest.published.regulator import landlord_totals, read_regulator_workbook
    from tests.conftest import SAMPLE_DATA

    regulator = ground_truth["regulator"]
    figures = landlord_totals(read_regulator_workbook(SAMPLE_DATA / regulator["file"]), regulator["landlord"])
    returned = figures.assign(organisation=regulator["landlord"]).to_dict("records")
    return _regulator_run(records, returned, as_of="2024-05-15")


def _regulator_run(records, returned: list[dict], as_of: str = "2024-05-31", **params):
    """TS007 with the council's return to the regulator (landlord_totals' columns) beside the records."""
    import datetime as dt

    import pandas as pd

    from complaint_audit.calendar import WorkingCalendar
    from complaint_audit.engine.contract import AuditData
    from complaint_audit.engine.runner import run_checks

    data = AuditData(records, WorkingCalendar("england"), dt.date.fromisoformat(as_of), regulator=pd.DataFrame(returned))
    (outcome,) = run_checks(data, [discover()["TS007"]], {"TS007": params})
    return outcome.result


# Ten housing Stage 1 complaints received on Monday 5 June 2023 and acknowledged the same day (10 working days:
# due 19 June): C1-C7 answered on 19 June, C8 on 20 June (late), C9 and C10 never answered.
_HOUSING = [{"case_id": f"C{n}", "process": "housing", "received": "2023-06-05", "acknowledged": "2023-06-05",
             "responded": {8: "2023-06-20", 9: None, 10: None}.get(n, "2023-06-19")} for n in range(1, 11)]


def test_ts007_a_return_kinder_than_the_records_is_red_with_the_cases_behind_it():
    result = _regulator_run(canonical_records(*_HOUSING), [
        {"year": "2023-24", "stage": "1", "complaints": 10, "answered_on_time": 10, "answered": 10}])

    assert result.status == "fail"
    assert result.finding == (
        "2023-24 Stage 1: returned 100.0% answered within "
        "the Code's timescales (10 of 10), the records give 70.0% (7 of 10).")
    assert result.metrics["largest_gap_points"] == 30.0
    assert _rows(result) == [["C8", "1", "answered after the Code's timescale"], ["C9", "1", "not answered"],
                             ["C10", "1", "not answered"]]


def test_ts007_lists_the_cases_of_the_year_and_stage_that_differ_only():
    # The same dates at Stage 2 (20 working days allowed): C8S2 is on time, so 8 of 10 are.
    stage2 = [{**row, "stage": "2", "case_id": row["case_id"] + "S2"} for row in _HOUSING]
    result = _regulator_run(canonical_records(*_HOUSING, *stage2), [
        {"year": "2023-24", "stage": "1", "complaints": 10, "answered_on_time": 10, "answered": 10},
        {"year": "2023-24", "stage": "2", "complaints": 10, "answered_on_time": 8, "answered": 10}])

    assert result.status == "fail"
    assert sorted(set(result.exceptions["stage"])) == ["1"] and len(result.exceptions) == 3


def test_ts007_a_return_that_matches_the_records_passes_and_a_different_count_is_said():
    result = _regulator_run(canonical_records(*_HOUSING), [
        {"year": "2023-24", "stage": "1", "complaints": 12, "answered_on_time": 7, "answered": 10}])

    assert result.status == "pass" and result.exceptions.empty
    assert result.finding.endswith("the records give 70.0% (7 of 10); it returned 12 complaints received where the "
                                   "records hold 10.")


def test_ts007_a_return_with_no_count_of_complaints_still_compares_the_share_on_time():
    result = _regulator_run(canonical_records(*_HOUSING), [
        {"year": "2023-24", "stage": "1", "complaints": float("nan"), "answered_on_time": 7, "answered": 10}])

    assert result.status == "pass" and result.finding.endswith("the records give 70.0% (7 of 10).")


def test_ts007_not_applicable_without_a_return_or_a_year_in_common():
    records = canonical_records(*_HOUSING)
    assert run_check("TS007", records).status == "not_applicable"
    other_year = _regulator_run(records, [
        {"year": "2024-25", "stage": "1", "complaints": 5, "answered_on_time": 5, "answered": 5}])
    assert (other_year.status, other_year.finding) == (
        "not_applicable", "Not applicable: the housing records cover none of the return's years (2024-25).")
