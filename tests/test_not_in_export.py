"""A field the export lacks is not the council's failure, and a check with nothing to test has not
passed (issue 21, item 3): an export without a team column was '3 of 3 records have no team'."""

from __future__ import annotations

import json

from complaint_audit.cli import app

_PROFILE = """
[source]
name = "{name}"

[constants]
process = "corporate"
stage = "1"

[columns]
case_id = "Ref"
received = "Received"
responded = "Responded"
outcome = "Outcome"
{extra}
"""


def test_blanks_are_counted_only_where_the_export_has_the_column(runner, tmp_path):
    (tmp_path / "with_team.csv").write_text("Ref,Received,Responded,Outcome,Team,Category\n"
                                           "A1,03/04/2023,12/04/2023,Upheld,,Repairs\n"
                                           "A2,03/04/2023,12/04/2023,Upheld,Housing,Repairs\n"
                                           "A3,03/04/2023,12/04/2023,Not Upheld,Housing,Repairs\n")
    (tmp_path / "no_team.csv").write_text("Ref,Received,Responded,Outcome\n"
                                         "B1,03/04/2023,12/04/2023,Upheld\nB2,03/04/2023,12/04/2023,Upheld\n"
                                         "B3,03/04/2023,12/04/2023,Not Upheld\n")
    (tmp_path / "with_team.toml").write_text(_PROFILE.format(name="with_team", extra='team = "Team"\ncategory = "Category"'))
    (tmp_path / "no_team.toml").write_text(_PROFILE.format(name="no_team", extra=""))
    (tmp_path / "audit.toml").write_text('organisation = "Testshire Council"\nperiod = "2023-24"\n\n'
                                         '[[sources]]\nprofile = "with_team.toml"\nfiles = ["with_team.csv"]\n\n'
                                         '[[sources]]\nprofile = "no_team.toml"\nfiles = ["no_team.csv"]\n')
    result = runner.invoke(app, ["run", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "runs"), "--format", "md",
                                 "--fail-on", "never", "--quiet"])
    assert result.exit_code == 0, result.output
    checks = {check["code"]: check for check in json.loads(next((tmp_path / "runs").glob("2*/results.json")).read_text())["checks"]}
    assert checks["OV004"]["finding"] == ("1 of 3 records have no team or no category. The evidence is thin: "
                                          "this grade rests on 3 of them, fewer than 10.")
    assert checks["DQ001"]["finding"] == ("1 of 6 records lack one or more key fields. Not in the export, so not "
                                          "tested: raised_via. The evidence is thin: this grade rests on 6 of them, "
                                          "fewer than 10.")
    assert checks["DQ005"]["finding"] == ("0 of 6 records are closed or answered with no outcome recorded. The "
                                          "evidence is thin: this grade rests on 6 of them, fewer than 10.")
    # Nothing open, no later stage, no acknowledgement or closure date to put in order: nothing
    # to test, so nothing passed.
    assert checks["TS005"]["finding"] == "Not applicable: no complaint stages open on 2023-04-12."
    for code in ("DQ006", "DQ002"):
        assert (checks[code]["status"], checks[code]["finding"]) == ("not_applicable", "Not applicable: nothing to assess."), code
