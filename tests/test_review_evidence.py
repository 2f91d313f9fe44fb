"""End to end from the CLI: sample -> fill the workbook -> reviews import -> check -> run -> the report's manual evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path

import openpyxl

from complaint_audit.cli import app
from complaint_audit.report.text import percent
from tests.conftest import SAMPLE_DATA

NOT_MET_ROWS = (2, 3, 4)  # the first three sampled responses lack an apology, the reviewer says


def fill_every_row(workbook: Path) -> list[str]:
    """Decision met everywhere, apology not met on NOT_MET_ROWS and met elsewhere, the rest not applicable; the teams."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Review"]
    column = {cell.value: cell.column for cell in sheet[1]}
    teams = []
    for row in range(2, sheet.max_row + 1):
        for title in list(column)[column["Decision stated"] - 1:column["Reviewer"] - 1]:
            sheet.cell(row, column[title]).value = "not applicable"
        sheet.cell(row, column["Decision stated"]).value = "met"
        sheet.cell(row, column["Apology where at fault"]).value = "not met" if row in NOT_MET_ROWS else "met"
        sheet.cell(row, column["Reviewer"]).value = "AB"
        sheet.cell(row, column["Review date"]).value = dt.date(2025, 3, 3)
        teams.append(sheet.cell(row, column["team"]).value)
    book.save(workbook)
    return teams


def test_reviewer_scores_reach_the_checks_and_the_report(runner, sample_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    workbook = tmp_path / "review.xlsx"
    drawn = runner.invoke(app, ["sample", "--store", str(store), "--n", "12", "--seed", "3", "--stratify", "team",
                                "--out", str(workbook)])
    assert drawn.exit_code == 0, drawn.output
    teams = fill_every_row(workbook)
    assert len(teams) == 12

    imported = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(store)])
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.splitlines()[:2] == [
        f"Imported 84 scores of 12 cases on 7 criteria from {workbook} by 1 reviewer(s) (AB), reviewed 2025-03-03 to 2025-03-03.",
        "Not reviewed (rows left blank): 0 of 12 rows.",
    ]

    checked = runner.invoke(app, ["check", "--store", str(store), "--out", str(tmp_path / "results"), "--select", "QR008"])
    assert checked.exit_code == 0, checked.output  # 3 of 12 rated not met: 25.0%, amber
    (qr008,) = json.loads((tmp_path / "results" / "results.json").read_text())["checks"]
    assert (qr008["status"], qr008["metrics"]["failing"], qr008["metrics"]["assessed"]) == ("warn", 3, 12)

    # The run builds its own store from the sources, and imports the workbooks audit.toml lists.
    for folder in SAMPLE_DATA.iterdir():  # exports, profiles and whatever else audit.toml names beside it
        if folder.is_dir() and not (tmp_path / folder.name).exists():
            os.symlink(folder, tmp_path / folder.name)
    config = tmp_path / "audit.toml"
    config.write_text(SAMPLE_DATA.joinpath("audit.toml").read_text() + '\n[reviews]\nfiles = ["review.xlsx"]\n')
    ran = runner.invoke(app, ["run", str(config), "--out", str(tmp_path / "runs"), "--quiet", "--fail-on", "never"])
    assert ran.exit_code == 0, ran.output
    run_dir = Path(ran.stdout.strip())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["reviews"] == [{"path": str(workbook), "sha256": hashlib.sha256(workbook.read_bytes()).hexdigest(),
                                    "cases_scored": 12}]
    results = {check["code"]: check for check in json.loads((run_dir / "results.json").read_text())["checks"]}
    assert results["QR008"]["metrics"] == qr008["metrics"]
    metrics = qr008["metrics"]

    markdown = (run_dir / "report.md").read_text()
    section = markdown[markdown.index("### Manual evidence"):markdown.index("## 4. The teams side by side")]
    assert ("Manual evidence: 1 reviewer (AB) scored 12 sampled responses between 3 March 2025 and 3 March 2025, "
            "each criterion of a good response on its own.") in section
    assert (f"| Decision stated | 12 | 12 | 100.0% | 0.0% | 0.0% | 0 | QR002 | "
            f"{percent(metrics['percent_decision_agreement'])} |") in section
    assert (f"| Apology where at fault | 12 | 12 | 75.0% | 0.0% | 25.0% | 0 | QR001 | "
            f"{percent(metrics['percent_apology_agreement'])} |") in section
    assert "| Plain language | 12 | 0 | – | – | – | 12 | QR005 | – |" in section
    for team in sorted(set(teams)):
        cases = teams.count(team)
        not_met = sum(1 for row, name in enumerate(teams, start=2) if name == team and row in NOT_MET_ROWS)
        met = percent(round(100 * (2 * cases - not_met) / (2 * cases), 1))
        assert f"| {team} | {cases} | {2 * cases} | {met} | 0.0% | {percent(round(100 * not_met / (2 * cases), 1))} |" in section
    assert (f"they agreed on {metrics['agreeing']} of {metrics['compared']} ratings "
            f"({percent(metrics['percent_agreement'])}); 'partly' counts as not met.") in section
    assert "Reviewers: AB; reviewed 3 March 2025 to 3 March 2025." in section

    html = (run_dir / "report.html").read_text()
    assert '<section class="theme" id="manual-review">' in html
    assert "Reviewers: AB; reviewed 3 March 2025 to 3 March 2025." in html
    assert "<caption>Reviewers&#39; ratings by team</caption>" in html
