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


def test_the_report_sets_the_return_beside_the_records_with_counts_and_the_gap(sample_run):
    markdown = (sample_run / "report.md").read_text(encoding="utf-8")
    section = markdown[markdown.index("### The council's return to the Regulator of Social Housing for 2023-24"):]

    assert "**Note from the regulator's workbook: MADE-UP EXAMPLE: not the Regulator of Social Housing's" in section
    for row in ("| Stage 1 complaints received (CH01) | 497 | 497 | none |",
                "| Stage 1 complaints per 1,000 homes (21,400 homes) | 23.2 | 23.2 |  |",
                "| Stage 1 answered within the Code's timescales (CH02) | 89.9% (447 of 497) | 86.5% (430 of 497) | "
                "+3.4 points |",
                "| Stage 2 answered within the Code's timescales (CH02) | 51.4% (36 of 70) | 51.4% (36 of 70) | none |"):
        assert row in section
    assert ("For 2023-24 the share of complaints the council returned as answered within the Code's timescales does "
            "not agree with its housing records: at Stage 1 it is 3.4 points kinder than the records (TS007).") in section
    assert "regulator/tsm\\_full\\_data\\_EXAMPLE.xlsx (2023-24; SHA-256 " in section


def test_the_peers_chart_places_the_sample_council_among_the_made_up_councils(sample_run):
    markdown = (sample_run / "report.md").read_text(encoding="utf-8")
    html = (sample_run / "report.html").read_text(encoding="utf-8")

    assert ("Stage 1: 11 councils, CH02 from 56.8% to 97.5% (median of the others 69.3%). Northshire County Council "
            "returned 89.9%, higher than 8 of the 10 other councils; the 86.5% its records give would be higher than "
            "7. Among the 4 other councils with 10,700 to 42,800 homes, its return is higher than 3 of the 4 and its "
            "records higher than 3 of the 4.") in markdown
    assert 'aria-labelledby="regulator_peers-title regulator_peers-desc"' in html  # drawn, with its description


def test_a_run_without_regulator_workbooks_has_no_such_section():
    from complaint_audit.report.regulator import peers_chart, section

    assert section(None, [], None) is None and peers_chart(None, []) is None


def test_the_peers_chart_counts_the_councils_of_the_real_2024_25_workbook():
    """Adur District Council (45UB) among the councils (landlord type LA) of the regulator's 2024-25 workbook."""
    import pytest

    from complaint_audit.ingest.published.regulator import (
        RegulatorWorkbooks,
        landlord_totals,
        read_regulator_workbook,
        regulator_record,
    )
    from complaint_audit.report.regulator import peers_chart
    from tests.test_regulator_figures import REGULATOR

    path = REGULATOR / "tsm_full_data_2024-25.xlsx"
    if not path.exists():
        pytest.skip(f"{path} is not here (the regulator's published workbook, see its README)")
    figures = read_regulator_workbook(path)
    council = landlord_totals(figures, "45UB").assign(organisation="Adur District Council")
    record = regulator_record(RegulatorWorkbooks(({"path": path, "sha256": "", "year": "2024-25"},), figures, council),
                              path.parent)

    description = peers_chart(record, [])["description"]

    assert ("Stage 1: 158 councils, CH02 from 14.5% to 100.0% (median of the others 81.8%). Adur District Council "
            "returned 24.6%, higher than 2 of the 157 other councils. Among the 51 other councils with 1,258 to 5,032 "
            "homes, its return is higher than 2 of the 51.") in description
    assert "Stage 2: 159 councils" in description and "higher than 8 of the 158 other councils" in description
    # The same counts from the regulator's own published rates, LCRA (every council's stock type but one's).
    published = figures[figures["landlord_type"].eq("LA") & figures["stock"].eq("LCRA") & figures["stage"].eq("1")]
    rates = published["published_percent_on_time"].dropna()
    assert len(rates) == 158 and int((rates < 24.5).sum()) == 2


def test_the_section_renders_again_from_the_run_folder_without_the_workbook(sample_run, tmp_path, monkeypatch):
    import shutil

    from complaint_audit.ingest.published import regulator
    from complaint_audit.report.render import render_reports

    def no_workbook(path):
        raise AssertionError(f"the report read {path}")

    monkeypatch.setattr(regulator, "read_regulator_workbook", no_workbook)
    copy = shutil.copytree(sample_run, tmp_path / sample_run.name, ignore=shutil.ignore_patterns("report.*"))

    markdown = render_reports(copy, ["md"])["md"].read_text(encoding="utf-8")

    assert "| Stage 1 answered within the Code's timescales (CH02) | 89.9% (447 of 497) | 86.5% (430 of 497) |" in markdown


def test_a_workbook_with_the_council_alone_has_the_table_but_no_peers_chart():
    from complaint_audit.report.regulator import peers_chart

    alone = {"landlord": "Testshire Council", "landlord_code": "00AA", "years": ["2023-24"], "returned": [
        {"year": "2023-24", "stage": "1", "complaints": 2, "homes": 1000, "answered_on_time": 2, "answered": 2,
         "percent_on_time": 100.0}],
        "councils": [{"year": "2023-24", "stage": "1", "landlord_code": "00AA", "homes": 1000, "percent_on_time": 100.0}]}

    assert peers_chart(alone, []) is None
