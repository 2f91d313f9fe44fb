"""The sample council's return to the regulator in a run: what the run folder keeps, and the report's table and chart.

The bundled sample's audit.toml names a made-up regulator's workbook (sample_data/regulator/) whose
Stage 1 CH02 is seeded kinder than the housing records (ground_truth.json's `regulator`).
"""

from __future__ import annotations

import hashlib
import json

from tests.conftest import SAMPLE_DATA


def _json(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_manifest_records_each_regulator_workbook_read_with_its_sha(sample_run, ground_truth):
    workbook = SAMPLE_DATA / ground_truth["regulator"]["file"]

    assert _json(sample_run / "manifest.json")["regulator"] == [{
        "file": "regulator/tsm_full_data_EXAMPLE.xlsx", "sha256": hashlib.sha256(workbook.read_bytes()).hexdigest(),
        "year": "2023-24"}]


def test_the_run_keeps_the_council_s_line_and_every_council_s_ch02(sample_run, ground_truth):
    kept = _json(sample_run / "regulator.json")
    seeded = ground_truth["regulator"]["stages"]

    assert (kept["landlord"], kept["organisation"], kept["years"]) == (
        "Northshire County Council", "Northshire County Council", ["2023-24"])
    assert kept["notes"] == ["MADE-UP EXAMPLE: not the Regulator of Social Housing's published figures"]
    returned = {row["stage"]: row for row in kept["returned"]}
    for stage in ("1", "2"):
        assert [returned[stage][key] for key in ("complaints", "homes", "answered_on_time", "answered")] == [
            seeded[stage][key] for key in ("complaints", "homes", "answered_on_time", "answered")]
    assert len(kept["councils"]) == 2 * (1 + ground_truth["regulator"]["peers"])  # two stages of eleven councils


def test_ts007_keeps_the_return_beside_the_records_in_results_json(sample_run, ground_truth):
    (check,) = [check for check in _json(sample_run / "results.json")["checks"] if check["code"] == "TS007"]
    seeded = ground_truth["regulator"]["stages"]["1"]

    assert check["status"] == "warn"
    assert check["metrics"]["year_compared"] == "2023-24"
    assert [check["metrics"][f"housing_stage_1_{name}"] for name in (
        "on_time_returned", "answered_returned", "on_time_in_records", "complaints_in_records", "gap_points")] == [
        seeded["answered_on_time"], seeded["answered"], seeded["records_on_time"], seeded["complaints"],
        seeded["gap_points"]] == [447, 497, 430, 497, 3.4]
