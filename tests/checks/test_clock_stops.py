"""Clock stops (time waiting on the complainant) deducted by the timescale checks, TS008 on the stops themselves,
OV005 on Stage 2 by the Stage 1 handler, and handler_key pseudonymised at load.

Working days on the England calendar, receipt as day 0. June 2023 has no bank holidays, so from
Monday 5 June 2023: 12 June is day 5, 19 June day 10, 22 June day 13, 26 June day 15, 30 June day 19.
"""

from __future__ import annotations

import dataclasses

import pytest

from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.store import Store
from tests.builders import WIDE_PROFILE, audit_data, canonical_records, run_check, wide_export, write

WAITING = "waiting for photographs of the damp"


def _rows(result) -> list[list]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def _stopped(**fields) -> dict:
    return {"received": "2023-06-05", "acknowledged": "2023-06-05"} | fields


STOPS = canonical_records(
    _stopped(case_id="C1", responded="2023-06-22", clock_stopped_days=4, clock_stop_reason=WAITING),  # 13 - 4: on time
    _stopped(case_id="C2", responded="2023-06-22", clock_stopped_days=4),  # no reason: not deducted
    _stopped(case_id="C3", responded="2023-06-30", clock_stopped_days=4, clock_stop_reason=WAITING),  # 19 - 4 = 15
    _stopped(case_id="C4", responded="2023-06-22", clock_stopped_days=30, clock_stop_reason=WAITING),  # longer than 13
    _stopped(case_id="C5", responded="2023-06-12", clock_stopped_days=-2, clock_stop_reason=WAITING),  # negative
    _stopped(case_id="C6", responded="2023-06-12", clock_stopped_days=0),  # no stop
)


def test_ts002_deducts_an_explained_plausible_stop_and_says_so():
    result = run_check("TS002", STOPS)
    assert _rows(result) == [
        ["C2", "1", "responded in 13 working days from acknowledgement; allowed 10"],
        ["C3", "1", "responded in 15 working days from acknowledgement; allowed 10; 4 working days waiting on the "
                    "complainant deducted"],
        ["C4", "1", "responded in 13 working days from acknowledgement; allowed 10"],
    ]
    assert result.exceptions["working_days"].tolist() == [13, 15, 13]
    assert result.metrics["clock_stopped"] == 2
    assert "Stage 1 3 of 6. 2 had time waiting on the complainant (a clock stop with its reason) deducted." in result.finding


def test_ts008_finds_stops_without_a_reason_negative_or_longer_than_the_stage():
    result = run_check("TS008", STOPS)
    assert _rows(result) == [
        ["C2", "1", "clock stopped 4 working days with no reason recorded"],
        ["C4", "1", "clock stopped 30 working days, longer than the 13 working days from receipt to the response"],
        ["C5", "1", "a clock stop of -2 working days"],
    ]
    assert result.metrics["assessed"] == 5 and result.metrics["deducted"] == 2
    assert result.finding == ("3 of 5 clock stops were not deducted from the time taken: 1 with no reason recorded, 2 "
                              "negative or longer than the stage took. 2 were deducted by every timescale check. The "
                              "evidence is thin: this grade rests on 5 of them, fewer than 10.")


def test_ts008_is_not_applicable_where_the_export_has_no_clock_stop_field():
    data = dataclasses.replace(audit_data(canonical_records(_stopped(case_id="C1"))),
                               exported_fields={"test.csv": frozenset({"case_id", "received"})})
    (outcome,) = run_checks(data, [discover()["TS008"]], {"TS008": {}})
    assert outcome.result.finding == "Not applicable: the export has no clock stop field (clock_stopped_days)."
    assert run_check("TS008", canonical_records(_stopped(case_id="C1"))).finding == (
        "Not applicable: no clock stops recorded.")


def test_ts001_and_the_aged_open_stage_of_ts005_move_their_deadline_by_the_stop():
    records = canonical_records(
        {"case_id": "C1", "received": "2023-06-05", "acknowledged": "2023-06-14", "responded": "2023-06-16",
         "clock_stopped_days": 2, "clock_stop_reason": WAITING},  # day 7 less 2
        {"case_id": "C2", "received": "2023-06-05", "acknowledged": "2023-06-14", "responded": "2023-06-16",
         "clock_stopped_days": 1, "clock_stop_reason": WAITING},  # day 7 less 1
    )
    assert _rows(run_check("TS001", records)) == [
        ["C2", "1", "acknowledged in 6 working days; allowed 5; 1 working days waiting on the complainant deducted"]]
    open_stage = canonical_records({"case_id": "C3", "received": "2023-06-05", "clock_stopped_days": 3,
                                    "clock_stop_reason": WAITING})
    (row,) = _rows(run_check("TS005", open_stage, as_of="2023-06-30"))
    assert row[2].startswith("open 1 working days past its due date 2023-06-29 (band 1-10)")
    assert row[2].endswith("; 3 working days waiting on the complainant deducted")


def test_csc001_deducts_the_stop_from_the_childrens_stage_1():
    records = canonical_records(
        {"case_id": "K1", "received": "2023-06-05", "responded": "2023-06-22", "clock_stopped_days": 3,
         "clock_stop_reason": WAITING},
        {"case_id": "K2", "received": "2023-06-05", "responded": "2023-06-22", "clock_stopped_days": 2,
         "clock_stop_reason": WAITING},
        process="childrens_statutory",
    )
    assert _rows(run_check("CSC001", records)) == [
        ["K2", "1", "responded in 11 working days; allowed 10; 2 working days waiting on the complainant deducted"]]


def _handled(case_id: str, stage: str, handler: str | None, process: str = "corporate") -> dict:
    return {"case_id": case_id, "stage": stage, "process": process, "handler_key": handler,
            "received": "2023-06-05" if stage == "1" else "2023-07-03"}


def test_ov005_a_stage_2_handled_by_the_stage_1_handler_is_an_exception():
    records = canonical_records(
        _handled("C1", "1", "c01"), _handled("C1", "2", "c01"),
        _handled("C2", "1", "c01"), _handled("C2", "2", "c02"),
        _handled("C3", "1", "c03"), _handled("C3", "2", None),
        _handled("H4", "1", "c04", "housing"), _handled("H4", "2", "c04", "housing"),
        _handled("A5", "1", "c05", "adult_social_care"), _handled("A5", "2", "c05", "adult_social_care"),
    )
    result = run_check("OV005", records)
    assert _rows(result) == [
        ["C1", "2", "Stage 2 handled by the Stage 1 handler (the same pseudonymised officer)"],
        ["H4", "2", "Stage 2 handled by the Stage 1 handler (the same pseudonymised officer)"],
    ]
    assert result.finding.startswith("2 of 3 corporate and housing Stage 2 complaints were handled by the officer "
                                     "who had handled them at Stage 1. 1 Stage 2 record without a handler recorded at "
                                     "both stages could not be assessed.")


def test_ov005_is_not_applicable_where_the_export_names_no_handler():
    records = canonical_records(_handled("C1", "1", None), _handled("C1", "2", None))
    data = dataclasses.replace(audit_data(records), exported_fields={"test.csv": frozenset({"case_id", "received"})})
    (outcome,) = run_checks(data, [discover()["OV005"]], {"OV005": {}})
    assert outcome.result.finding == ("Not applicable: the export has no handler field (handler_key) for corporate or "
                                      "housing Stage 2.")


HANDLED_PROFILE = (WIDE_PROFILE.replace('outcome = "S1 Outcome"', 'outcome = "S1 Outcome"\nhandler_key = "S1 Handler"')
                   .replace('outcome = "S2 Outcome"', 'outcome = "S2 Outcome"\nhandler_key = "S2 Handler"'))


@pytest.fixture
def handled_export(tmp_path):
    from complaint_audit.ingest.api import load_exports

    header = "Case Ref,Source,Name,Email,S1 Received,S1 Responded,S1 Outcome,S1 Handler,S2 Received,S2 Responded,S2 Outcome,S2 Handler,Letter"
    rows = ["C1,Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,Priya Okonkwo,02/05/2023,"
            "30/05/2023,Not Upheld, priya okonkwo ,\"Dear Ms Lee, Priya Okonkwo will reply.\"",
            "C2,Member of Public,Bo Chan,bo@example.org,14/04/2023,28/04/2023,Upheld,Priya Okonkwo,02/05/2023,"
            "30/05/2023,Not Upheld,Tomasz Wilde,Dear Mr Chan"]
    path = tmp_path / "handled.csv"
    path.write_text("\n".join(["Complaints export", header, *rows]) + "\n", encoding="utf-8")
    load_exports(store=tmp_path / "store", files=[path], profile=write(tmp_path / "handled.toml", HANDLED_PROFILE))
    return tmp_path / "store"


def test_handler_names_are_pseudonymised_at_load_and_never_stored(handled_export):
    records = Store(handled_export).read_records().sort_values(["case_id", "stage"])
    keys = records["handler_key"].tolist()
    assert all(key.startswith("c") and len(key) == 17 for key in keys)
    assert keys[0] == keys[1] == keys[2] != keys[3]  # C1 both stages and C2's Stage 1: one officer, however typed
    store_text = "".join(p.read_bytes().decode("latin-1") for p in handled_export.rglob("*") if p.is_file())
    for name in ("Priya", "Okonkwo", "Tomasz", "Wilde"):
        assert name not in store_text
    assert records["response_text"].iloc[0] == "Dear Ms [name], [name] [name] will reply."


def test_a_handler_has_one_pseudonym_whether_the_export_is_a_csv_or_a_workbook(handled_export, tmp_path):
    """A CSV's handler column is read dictionary-encoded and pseudonymised per name; a workbook's
    cells as text: the same officer must come out as the same pseudonym either way."""
    import csv

    import openpyxl

    from complaint_audit.ingest.api import load_exports

    book = openpyxl.Workbook()
    for row in csv.reader((tmp_path / "handled.csv").read_text(encoding="utf-8").splitlines()):
        book.active.append(row)
    book.save(tmp_path / "handled.xlsx")
    load_exports(store=tmp_path / "book-store", files=[tmp_path / "handled.xlsx"], profile=write(tmp_path / "book.toml", HANDLED_PROFILE))
    from_csv, from_book = (Store(store).read_records().sort_values(["case_id", "stage"])["handler_key"].astype("str").tolist()
                           for store in (handled_export, tmp_path / "book-store"))
    assert from_book == from_csv and len(set(from_csv)) == 2


def test_a_profile_naming_handlers_needs_a_key(tmp_path, monkeypatch):
    from complaint_audit.errors import UserError
    from complaint_audit.ingest.api import load_exports

    monkeypatch.delenv("COMPLAINT_AUDIT_KEY")
    profile = write(tmp_path / "handled.toml", HANDLED_PROFILE.replace('complainant_key = ["Email"]', ""))
    path = wide_export(tmp_path, "C1,Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,,,,x")
    path.write_text(path.read_text().replace("S1 Outcome,", "S1 Outcome,S1 Handler,").replace("S2 Outcome,", "S2 Outcome,S2 Handler,")
                    .replace("Upheld,", "Upheld,Priya Okonkwo,").replace(",,,x", ",,,,x"))
    with pytest.raises(UserError, match="handler_key needs a pseudonymisation key; set COMPLAINT_AUDIT_KEY"):
        load_exports(store=tmp_path / "store", files=[path], profile=profile)


# --- The bundled sample: each check finds exactly the seeded cases of ground_truth.json.

def _seeded(ground_truth, problem: str) -> list[list[str]]:
    return sorted([entry["case_id"], entry["stage"]] for entry in ground_truth["problems"][problem]["cases"])


def _found(result) -> list[list[str]]:
    return sorted(result.exceptions[["case_id", "stage"]].values.tolist())


def test_ts008_finds_the_samples_unexplained_and_implausible_stops_exactly(sample_records, ground_truth):
    result = run_check("TS008", sample_records, as_of="2024-05-15")
    assert _found(result) == _seeded(ground_truth, "clock_stop_not_deducted")
    seeded = len(_seeded(ground_truth, "clock_stop_on_time")) + len(_seeded(ground_truth, "clock_stop_still_late"))
    assert result.metrics["deducted"] == seeded
    why = {entry["case_id"]: entry["why"] for entry in ground_truth["problems"]["clock_stop_not_deducted"]["cases"]}
    for case_id, reason in result.exceptions[["case_id", "reason"]].values:
        assert ("with no reason recorded" in reason) == (why[case_id] == "no reason recorded"), reason


def test_ts002_counts_the_samples_explained_stops_and_says_so(sample_records, ground_truth):
    result = run_check("TS002", sample_records, as_of="2024-05-15")
    late = result.exceptions.set_index("case_id")
    on_time = {case_id for case_id, _ in _seeded(ground_truth, "clock_stop_on_time")}
    assert on_time.isdisjoint(late.index)
    for entry in ground_truth["problems"]["clock_stop_still_late"]["cases"]:
        assert late.loc[entry["case_id"], "reason"].endswith(
            f"; {entry['clock_stopped_days']} working days waiting on the complainant deducted")
    assert late["reason"].str.contains("waiting on the complainant").sum() == len(
        ground_truth["problems"]["clock_stop_still_late"]["cases"])
    # Without the stops (an export with no such field), the seeded on-time cases are late.
    without = run_check("TS002", sample_records.assign(clock_stopped_days=None), as_of="2024-05-15")
    assert on_time <= set(without.exceptions["case_id"])
    assert len(without.exceptions) == len(late) + len(on_time)


def test_ov005_finds_the_samples_stage_2_by_the_stage_1_handler_exactly(sample_records, ground_truth):
    result = run_check("OV005", sample_records, as_of="2024-05-15")
    assert _found(result) == _seeded(ground_truth, "stage2_same_handler")


def test_the_samples_regulator_return_counts_a_housing_stop_as_ts007_does():
    import pandas as pd

    from complaint_audit.sample_data.regulator import housing_figures

    case = {"Case Ref": "H1", "Complaint Type": "Housing", "Date Received": "05/06/2023",
            "Stage 1 Acknowledged": "05/06/2023", "Stage 1 Extended Due": None, "Stage 1 Extension Reason": None,
            "Stage 1 Response Sent": "22/06/2023", "Stage 2 Requested": None, "Stage 2 Acknowledged": None,
            "Stage 2 Extended Due": None, "Stage 2 Extension Reason": None, "Stage 2 Response Sent": None,
            "Stage 1 Days On Hold": "3", "Stage 1 Hold Reason": WAITING, "Stage 2 Days On Hold": None,
            "Stage 2 Hold Reason": None}
    frame = pd.DataFrame([case, case | {"Case Ref": "H2", "Stage 1 Hold Reason": None}])
    figures = housing_figures(frame, set(), 2023).set_index("stage")
    assert figures.loc["1", "received"] == 2 and figures.loc["1", "on_time"] == 1  # H2's stop has no reason


def test_ts008_measures_an_unanswered_stage_to_its_closing_date_or_the_audit_date():
    records = canonical_records(
        {"case_id": "C1", "received": "2023-06-05", "closed": "2023-06-12", "outcome": "withdrawn",
         "clock_stopped_days": 6, "clock_stop_reason": WAITING},  # closed on day 5
        {"case_id": "C2", "received": "2023-06-05", "clock_stopped_days": 6, "clock_stop_reason": WAITING},
    )
    assert _rows(run_check("TS008", records, as_of="2023-06-12")) == [
        ["C1", "1", "clock stopped 6 working days, longer than the 5 working days from receipt to the closing date"],
        ["C2", "1", "clock stopped 6 working days, longer than the 5 working days from receipt to the audit date"],
    ]
