"""results.json's headline figures: cases, stage records, open cases, the case-level upheld rate, rows quarantined."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd

from complaint_audit.audit.headline import headline_figures
from complaint_audit.audit.results import results_schema, write_results
from complaint_audit.engine.api import check_store
from tests.builders import canonical_records

ANSWERED = {"responded": "2023-04-20"}


def _cases():
    """Nine cases of two organisations, each making one rule of the figures."""
    return canonical_records(
        # A at Testshire: not upheld at Stage 1, upheld at Stage 2: final outcome upheld.
        {"case_id": "A", "stage": "1", "outcome": "not_upheld", **ANSWERED},
        {"case_id": "A", "stage": "2", "outcome": "upheld", **ANSWERED},
        # B: upheld, then not upheld at Stage 2: final outcome not upheld.
        {"case_id": "B", "stage": "1", "outcome": "upheld", **ANSWERED},
        {"case_id": "B", "stage": "2", "outcome": "not_upheld", **ANSWERED},
        # C: partly upheld, then withdrawn at Stage 2: its final outcome is no decision, so it is left out.
        {"case_id": "C", "stage": "1", "outcome": "partly_upheld", **ANSWERED},
        {"case_id": "C", "stage": "2", "outcome": "withdrawn"},
        # D: received only: open.
        {"case_id": "D", "stage": "1"},
        # E: answered, no outcome recorded: not open, not decided.
        {"case_id": "E", "stage": "1", **ANSWERED},
        # F: a closed date only: still open (no response, no outcome).
        {"case_id": "F", "stage": "1", "closed": "2023-05-01"},
        # G: the ombudsman's record comes first in the rows but is the last stage: final outcome not upheld.
        {"case_id": "G", "stage": "ombudsman", "outcome": "not_upheld", **ANSWERED},
        {"case_id": "G", "stage": "1", "outcome": "upheld", **ANSWERED},
        {"case_id": "G", "stage": "2", "outcome": "partly_upheld", **ANSWERED},
        # H: partly upheld at Stage 1 and open at Stage 2: decided, upheld.
        {"case_id": "H", "stage": "1", "outcome": "partly_upheld", **ANSWERED},
        {"case_id": "H", "stage": "2"},
        # A at another council is another case: not upheld.
        {"case_id": "A", "stage": "1", "outcome": "not_upheld", "organisation": "Otherton Council", **ANSWERED},
    )


def test_figures_count_cases_once_by_their_final_outcome():
    assert headline_figures(_cases(), quarantined_rows=3) == {
        "cases": 9, "stage_records": 15, "open_cases": 2, "decided_cases": 5, "upheld_percent": 40.0, "quarantined_rows": 3,
    }


def test_no_records_no_rate():
    assert headline_figures(_cases().iloc[:0], quarantined_rows=0) == {
        "cases": 0, "stage_records": 0, "open_cases": 0, "decided_cases": 0, "upheld_percent": None, "quarantined_rows": 0,
    }


def test_no_decided_case_no_rate():
    figures = headline_figures(canonical_records({"case_id": "D", "stage": "1"}, {"case_id": "W", "stage": "1", "outcome": "withdrawn"}), 0)
    assert (figures["cases"], figures["open_cases"], figures["decided_cases"], figures["upheld_percent"]) == (2, 1, 0, None)


def test_results_json_carries_them_as_its_schema_says(tmp_path):
    write_results(tmp_path, [], pd.Timestamp("2024-03-31").date(), headline_figures(_cases(), 3))
    document = json.loads((tmp_path / "results.json").read_text())
    jsonschema.validate(document, results_schema())
    assert (document["summary"]["cases"], document["summary"]["upheld_percent"]) == (9, 40.0)


def _independent_count(records: pd.DataFrame, quarantined: int) -> dict:
    """The same figures by another route: plain pandas on text columns, de-duplicating rather than grouping by codes."""
    records = records.astype({"organisation": "str", "stage": "str", "outcome": "object"})
    key = ["organisation", "case_id"]
    cases = records[key].drop_duplicates()
    answered = records[records["responded"].notna() | records["outcome"].notna()][key].drop_duplicates()
    with_outcome = records[records["outcome"].notna()].assign(rank=lambda r: r["stage"].map({"1": 1, "2": 2, "3": 3, "ombudsman": 4}))
    final = with_outcome.sort_values("rank").drop_duplicates(key, keep="last")["outcome"]
    decided = final[final.isin(["upheld", "partly_upheld", "not_upheld"])]
    return {"cases": len(cases), "stage_records": len(records), "open_cases": len(cases) - len(answered),
            "decided_cases": len(decided), "upheld_percent": round(100 * decided.isin(["upheld", "partly_upheld"]).mean(), 1),
            "quarantined_rows": quarantined}


def test_the_samples_figures_agree_with_an_independent_count(sample_store, sample_records):
    quarantined = sum(entry["quarantined"] for entry in json.loads((sample_store / "load.json").read_text())["files"])
    figures = check_store(sample_store, select_codes=["DQ001"]).figures
    assert figures == _independent_count(sample_records, quarantined)
    assert figures == {"cases": 1964, "stage_records": 2253, "open_cases": 5, "decided_cases": 1689, "upheld_percent": 50.5,
                       "quarantined_rows": 36}
