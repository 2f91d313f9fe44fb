"""An export of several organisations: a report each, their comparison, `--organisation`, safe folder names."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from complaint_audit.audit.organisations import folder_names
from complaint_audit.audit.results import results_schema
from complaint_audit.cli import app

from .builders import WIDE_HEADER, WIDE_PROFILE

EASTMOOR, WESTVALE, AERO = "Eastmoor Borough Council", "Westvale District Council", "Ærø Housing / Trust"
# Council,Case Ref,Source,Name,Email,S1 Received,S1 Responded,S1 Outcome,S2 Received,S2 Responded,S2 Outcome,Letter
ROWS = (
    f"{EASTMOOR},E1,Member of Public,,,03/04/2023,14/04/2023,Upheld,,,,",
    f"{EASTMOOR},E2,Member of Public,,,04/04/2023,18/04/2023,Not Upheld,,,,",
    f"{EASTMOOR},E3,Member of Public,,,05/04/2023,,,,,,",  # open: no response, no outcome
    f"{EASTMOOR},E4,Cllr,,,06/04/2023,20/04/2023,Partially Upheld,,,,",
    f"{WESTVALE},W1,Member of Public,,,03/05/2023,10/05/2023,Upheld,15/05/2023,12/06/2023,Not Upheld,",
    f"{WESTVALE},W2,Member of Public,,,04/05/2023,,,,,,",  # open
    f"{WESTVALE},W3,Member of Public,,,05/05/2023,,,,,,",  # open
    f"{AERO},A1,Member of Public,,,01/06/2023,08/06/2023,Upheld,,,,",
    f"{AERO},A2,Member of Public,,,02/06/2023,09/06/2023,Upheld,,,,",
    f"{AERO},A3,Member of Public,,,31/02/2023,,,,,,",  # quarantined (no such date): Ærø's
    ",N1,Member of Public,,,03/06/2023,,,,,,",  # quarantined (no organisation): the run's only
)
# Exact figures per organisation: (cases, open_cases, upheld_percent, quarantined_rows).
EXPECTED = {
    EASTMOOR: (4, 1, 66.7, 0),  # upheld and partly upheld of three decided
    WESTVALE: (3, 2, 0.0, 0),  # W1's final outcome is its stage 2's: not upheld
    AERO: (2, 0, 100.0, 1),
}

# Each one's stage records: W1 has two stages; Ærø's A3 was set aside.
READ_LOADED_QUARANTINED = {EASTMOOR: (4, 4, 0), WESTVALE: (4, 4, 0), AERO: (3, 2, 1)}


@pytest.fixture
def three_councils(tmp_path) -> Path:
    """An audit.toml over one export holding three organisations, named in its Council column."""
    profile = WIDE_PROFILE.replace('organisation = "Testshire Council"\n', "").replace("[columns]\n", '[columns]\norganisation = "Council"\n')
    (tmp_path / "councils.toml").write_text(profile, encoding="utf-8")
    (tmp_path / "councils.csv").write_text("\n".join(["Complaints export", "Council," + WIDE_HEADER, *ROWS]) + "\n", encoding="utf-8")
    config = tmp_path / "audit.toml"
    config.write_text('organisation = "Three councils"\n\n[[sources]]\nprofile = "councils.toml"\nfiles = ["councils.csv"]\n',
                      encoding="utf-8")
    return config


def _run(runner, config: Path, *options: str):
    result = runner.invoke(app, ["run", str(config), "--out", str(config.parent / "runs"), "--quiet", "--fail-on", "never",
                                 "--format", "html,md", *options])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip())


def _summary(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))["summary"]


def _figures(summary: dict) -> tuple:
    return summary["cases"], summary["open_cases"], summary["upheld_percent"], summary["quarantined_rows"]


def test_each_organisation_gets_its_own_report_with_its_own_figures_and_a_comparison(runner, three_councils):
    run_dir = _run(runner, three_councils)
    folders = {EASTMOOR: "eastmoor-borough-council", WESTVALE: "westvale-district-council", AERO: "aero-housing-trust"}
    assert sorted(path.name for path in (run_dir / "organisations").iterdir()) == sorted(folders.values())
    for name, folder in folders.items():
        own = run_dir / "organisations" / folder
        assert _figures(_summary(own)) == EXPECTED[name], name
        assert {"report.html", "report.md", "results.json", "manifest.json", "quarantine.csv", "exceptions.xlsx"} <= {
            path.name for path in own.iterdir()}
        assert f"Complaint handling assessment: {name}" in (own / "report.md").read_text(encoding="utf-8")
        manifest = json.loads((own / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["organisation"] == name and manifest["finished_at"]
        (entry,) = manifest["inputs"]
        assert (entry["read"], entry["loaded"], entry["quarantined"]) == READ_LOADED_QUARANTINED[name]
    # The run's own results.json: every organisation's records together, and each one's summary.
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert _figures(results["summary"]) == (9, 3, 66.7, 2)
    jsonschema.validate(results, results_schema())
    jsonschema.validate(json.loads((run_dir / "organisations" / folders[AERO] / "results.json").read_text()), results_schema())
    assert [(entry["organisation"], entry["folder"], _figures(entry["summary"])) for entry in results["organisations"]] == [
        (name, f"organisations/{folders[name]}", EXPECTED[name]) for name in sorted(EXPECTED)]
    comparison = (run_dir / "compare.md").read_text(encoding="utf-8")
    assert all(name.replace("/", "\\/") in comparison or name in comparison for name in EXPECTED)
    assert not (run_dir / "report.html").exists()  # no report of three councils as one


def test_organisation_option_reports_only_those_named(runner, three_councils):
    run_dir = _run(runner, three_councils, "--organisation", WESTVALE, "--organisation", AERO)
    assert sorted(path.name for path in (run_dir / "organisations").iterdir()) == ["aero-housing-trust", "westvale-district-council"]
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert [entry["organisation"] for entry in results["organisations"]] == [WESTVALE, AERO]
    assert _figures(results["summary"])[:3] == (5, 2, 66.7)  # the two named: W1 not upheld, A1 and A2 upheld
    assert (run_dir / "compare.html").is_file()


def test_an_unknown_organisation_is_refused_with_the_nearest_names(runner, three_councils):
    result = runner.invoke(app, ["run", str(three_councils), "--out", str(three_councils.parent / "runs"), "--organisation",
                                 "westvale district", "--format", "md"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: --organisation 'westvale district': no records of that organisation in this "
                                     f"run's exports; did you mean '{WESTVALE}'?")


def test_the_json_summary_lists_each_organisation(runner, three_councils):
    result = runner.invoke(app, ["run", str(three_councils), "--out", str(three_councils.parent / "runs"), "--json",
                                 "--fail-on", "never", "--format", "md"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [(entry["organisation"], entry["summary"]["cases"]) for entry in summary["organisations"]] == [
        (EASTMOOR, 4), (WESTVALE, 3), (AERO, 2)]  # sorted by name


def test_the_report_command_sends_a_run_of_several_to_one_organisation(runner, three_councils):
    run_dir = _run(runner, three_councils)
    refused = runner.invoke(app, ["report", str(run_dir), "--format", "md"])
    assert refused.exit_code == 2
    assert "a run of 3 organisations, each with its report: give one of its folders" in refused.stderr
    again = runner.invoke(app, ["report", str(run_dir / "organisations" / "eastmoor-borough-council"), "--format", "md"])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("names, expected", [
    (["Ærø Kommune", "東京都"], ["aero-kommune", "dong-jing-du"]),
    (["../../etc", ".", "...", ""], ["etc", "organisation-cdb4ee2a", "organisation-ab5df625", "organisation-e3b0c442"]),
    (["A/B", "a b"], ["a-b-998d3ed8", "a-b-c8687a08"]),
])
def test_folder_names_are_safe_readable_and_unique(names, expected):
    assert list(folder_names(names).values()) == expected


def test_a_very_long_name_makes_a_short_folder_name_and_two_alike_stay_apart():
    long = "Royal Borough of " + "Kensington and Chelsea " * 20
    names = folder_names([long + "North", long + "South"])
    assert all(len(name) <= 69 and "/" not in name for name in names.values())
    assert len(set(names.values())) == 2


def test_each_organisation_compares_itself_with_its_folder_in_the_previous_run(runner, three_councils):
    first = _run(runner, three_councils)
    second = _run(runner, three_councils)
    own = second / "organisations" / "westvale-district-council"
    manifest = json.loads((own / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_run"] == f"../../{first.name}/organisations/westvale-district-council"
    assert f"Compared with the previous run ({first.name}" in (own / "report.md").read_text(encoding="utf-8")
