"""A clean sample dataset: every rule kept, so every check finds nothing.

`generate(..., clean=True)` draws the same fictional council's year as the seeded sample, with
no seeded problems and no ordinary failings. Loaded and checked end to end, nothing may be
quarantined and no check may report an exception: a check that does is either wrong about the
rules (RULES.md decides) or the generator is.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from complaint_audit.engine.api import available_checks, check_store
from complaint_audit.ingest.api import load_exports
from complaint_audit.sample_data.generate import generate, main
from complaint_audit.sample_data.letters import detail_choices

CASES, SEED = 600, 11
CODES = [check.code for check in available_checks()]
CLEAN_STATUSES = {"pass", "not_applicable"}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate(out, cases=CASES, seed=SEED, clean=True)
    return out


@pytest.fixture(scope="module")
def loaded(clean):
    return load_exports(store=clean / "store", config=clean / "audit.toml")


@pytest.fixture(scope="module")
def outcomes(clean, loaded) -> dict:
    run = check_store(clean / "store", config=clean / "audit.toml")
    return {outcome.check.code: outcome for outcome in run.outcomes}


@pytest.fixture(scope="module")
def records(clean, loaded) -> pd.DataFrame:
    from complaint_audit.store import Store

    return Store(clean / "store").read_records()


def test_nothing_is_quarantined(clean, loaded):
    truth = json.loads((clean / "ground_truth.json").read_text(encoding="utf-8"))
    by_file = {entry["path"]: entry for entry in loaded.files}
    for export in truth["exports"].values():
        entry = by_file[export["file"]]
        assert entry["quarantined"] == 0, entry
        assert entry["read"] == export["stage_rows"], entry
    quarantine = clean / "store" / "quarantine.csv"
    assert not quarantine.exists() or pd.read_csv(quarantine).empty


def test_the_ground_truth_lists_no_problem(clean):
    truth = json.loads((clean / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["clean"] is True and truth["generator"]["command"].endswith(" --clean")
    for name, problem in truth["problems"].items():
        if name == "quarantine":
            assert not any(entries for kind, entries in problem.items() if kind != "description"), name
        else:
            assert problem["case_ids"] == [] and problem["cases"] == [], name
    assert truth["problems"]["loose_local_target"]["teams"] == []


def test_the_clean_data_still_gives_every_rule_something_to_test(records):
    """Passing must not be vacuous: members, extensions, open cases and every stage are there."""
    answered = records["responded"].notna()
    members = records["raised_via"].isin(["mp", "councillor"])
    for process in ("corporate", "housing"):
        in_process = records["process"].eq(process)
        assert (in_process & members & answered).sum() >= 5, process
        assert (in_process & records["stage"].eq("2") & answered).any(), process
    corporate_housing = records["process"].isin(["corporate", "housing"])
    assert (corporate_housing & records["extended_due"].notna()).sum() >= 10
    assert (records["process"].eq("adult_social_care") & records["extended_due"].notna()).any()
    childrens = records["process"].eq("childrens_statutory")
    assert (childrens & records["extended_due"].notna()).any()
    assert (childrens & records["stage"].eq("3")).any()
    assert records["learning"].notna().sum() > 100 and records["action_due"].notna().sum() > 100
    assert (records["received"].notna() & records["responded"].isna() & records["outcome"].isna()).any()  # open
    assert records["response_text"].notna().sum() > 400
    refused = corporate_housing & records["outcome"].eq("out_of_scope")  # AC001, AC002 and AC004 test something
    assert (refused & records["refusal_ground"].eq("out_of_time")).any() and (refused & records["stage"].eq("2")).any()
    assert (corporate_housing & records["recorded_as"].eq("service_request")).any()


@pytest.mark.parametrize("code", CODES)
def test_the_check_finds_nothing(outcomes, code):
    result = outcomes[code].result
    exceptions = 0 if result.exceptions is None else len(result.exceptions)
    detail = "" if not exceptions else "\n" + result.exceptions.head(5).to_string()
    assert exceptions == 0, f"{code}: {result.finding}{detail}"
    assert str(result.status) in CLEAN_STATUSES, f"{code} {result.status}: {result.finding}"


def test_any_two_letters_differ_in_at_least_five_of_their_eight_case_details():
    """What keeps a clean dataset's letters from being near-identical (QR006), however many share a template."""
    choices = detail_choices(3000, np.random.default_rng(5))
    for start in range(0, len(choices), 500):
        differ = (choices[start : start + 500, None, :] != choices[None, :, :]).sum(axis=2)
        differ[np.arange(len(differ)), np.arange(start, start + len(differ))] = 8
        assert differ.min() >= 5


def test_the_command_line_makes_a_clean_dataset(tmp_path, capsys):
    main(["--out", str(tmp_path), "--cases", "60", "--seed", "3", "--clean"])
    truth = json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["clean"] is True
    assert all(not problem.get("case_ids") for problem in truth["problems"].values())
    assert "0 to quarantine" in capsys.readouterr().out


def test_the_command_line_will_not_overwrite_the_bundled_sample_with_clean_data():
    with pytest.raises(SystemExit):
        main(["--clean"])


def test_the_made_up_return_to_the_regulator_agrees_with_the_clean_records(outcomes):
    """Not vacuous: the clean sample's [regulator] workbook is read and set beside its housing records."""
    result = outcomes["TS007"].result
    assert str(result.status) == "pass"
    assert result.metrics["years_and_stages"] == 2 and result.metrics["largest_gap_points"] == 0.0
