"""Nothing in the inputs or the working folder runs: profiles and audit.toml are data, checks
come from installed entry points and the folders audit.toml names, templates from the package
and the folders named on the command line or in audit.toml.

Each rogue file would write a marker file if it ran; the tests assert the marker is absent, and
a control case (the folder named on purpose) shows the same file does run when asked for.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.cli import app
from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.bad_inputs import CSV_PROFILE, GOOD_ROWS, csv_text

COMMAND = Path(sys.executable).with_name("complaint-audit")


def _payload(marker: Path) -> str:
    return f"__import__('pathlib').Path({str(marker)!r}).touch()"


def _rogue_check(marker: Path) -> str:
    return f'''
import pathlib
pathlib.Path({str(marker)!r}).touch()
from complaint_audit.engine.contract import Area, Check

class Rogue(Check):
    """A check nobody asked for."""
    code = "ROGUE001"
    title = "Rogue"
    area = Area.DATA_QUALITY
    rule = "none"
    source = "none"
    params = {{}}

    def run(self, data, params):
        raise RuntimeError("ran")
'''


def test_a_profile_value_that_looks_like_code_is_only_text(tmp_path):
    marker = tmp_path / "ran"
    profile = CSV_PROFILE.format(encoding="auto").replace('process = "corporate"', f'process = "corporate"\nteam = "{_payload(marker)}"')
    profile = profile.replace('partly_upheld = ["Partially Upheld"]', f'partly_upheld = ["Partially Upheld", "{_payload(marker)}"]')
    profile = profile.replace('\nteam = "Team"', "")  # the team comes from the constant
    (tmp_path / "p.toml").write_text(profile, encoding="utf-8")
    (tmp_path / "e.csv").write_text(csv_text(GOOD_ROWS), encoding="utf-8")
    load_exports(store=tmp_path / "store", files=[tmp_path / "e.csv"], profile=tmp_path / "p.toml")
    assert set(Store(tmp_path / "store").read_records()["team"]) == {_payload(marker)}

    (tmp_path / "q.toml").write_text(profile.replace('case_id = "Case Ref"', f'case_id = "{_payload(marker)}"'), encoding="utf-8")
    with pytest.raises(UserError, match=r"column '__import__\('pathlib'\).+ is not in the file"):
        load_exports(store=tmp_path / "store", files=[tmp_path / "e.csv"], profile=tmp_path / "q.toml")
    assert not marker.exists()


def test_an_audit_toml_value_that_looks_like_code_is_only_text(runner, tmp_path):
    marker = tmp_path / "ran"
    config = tmp_path / "audit.toml"
    config.write_text(f'organisation = "{_payload(marker)}"\nas_of = "{_payload(marker)}"\n', encoding="utf-8")
    result = runner.invoke(app, ["checks", "list", "--config", str(config)])
    assert result.exit_code == 2 and "as_of" in result.stderr, result.output
    config.write_text(f'organisation = "{_payload(marker)}"\n[report]\ntitle = "{{{{ 7 * 7 }}}}"\n', encoding="utf-8")
    assert runner.invoke(app, ["checks", "list", "--config", str(config)]).exit_code == 0
    assert not marker.exists()


@pytest.fixture
def rogue_folder(tmp_path) -> tuple[Path, Path]:
    """A working folder holding checks/ and a loose check module that would touch a marker on import."""
    marker = tmp_path / "ran"
    folder = tmp_path / "work"
    (folder / "checks").mkdir(parents=True)
    (folder / "checks" / "__init__.py").write_text(f"__import__('pathlib').Path({str(marker)!r}).touch()\n", encoding="utf-8")
    (folder / "checks" / "rogue.py").write_text(_rogue_check(marker), encoding="utf-8")
    (folder / "rogue_check.py").write_text(_rogue_check(marker), encoding="utf-8")
    return folder, marker


def _command(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ""})


def test_checks_in_the_working_folder_are_not_loaded(rogue_folder, sample_store):
    folder, marker = rogue_folder
    (folder / "audit.toml").write_text('organisation = "Northshire County Council"\n', encoding="utf-8")
    listed = _command(folder, "checks", "list", "--format", "json", "--config", "audit.toml")
    assert listed.returncode == 0, listed.stderr
    assert "ROGUE001" not in {check["code"] for check in json.loads(listed.stdout)}
    checked = _command(folder, "check", "--store", str(sample_store), "--config", "audit.toml", "--out", "results", "--select", "DQ001", "--fail-on", "never")
    assert checked.returncode == 0, checked.stderr
    assert "ROGUE001" not in (folder / "results" / "results.json").read_text(encoding="utf-8")
    assert not marker.exists()

    (folder / "audit.toml").write_text('organisation = "Northshire County Council"\n[checks]\npaths = ["checks"]\n', encoding="utf-8")
    named = _command(folder, "checks", "list", "--format", "json", "--config", "audit.toml")
    assert named.returncode == 0, named.stderr
    assert "ROGUE001" in {check["code"] for check in json.loads(named.stdout)} and marker.exists()  # the control


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    (folder / "p.toml").write_text(CSV_PROFILE.format(encoding="auto"), encoding="utf-8")
    (folder / "e.csv").write_text(csv_text(GOOD_ROWS), encoding="utf-8")
    (folder / "audit.toml").write_text('organisation = "Testshire Council"\n[privacy]\nkey = "k-0123456789abcdef"\n'
                                       '[[sources]]\nprofile = "p.toml"\nfiles = ["e.csv"]\n', encoding="utf-8")
    return run_audit(folder / "audit.toml", out_root=folder / "runs", formats=()).run_dir


def test_templates_in_the_working_folder_are_not_used(small_run, tmp_path):
    folder = tmp_path / "work"
    (folder / "templates").mkdir(parents=True)
    for name in ("report.html.j2", "report.md.j2"):
        (folder / "templates" / name).write_text("ROGUE TEMPLATE\n", encoding="utf-8")
    rendered = _command(folder, "report", str(small_run), "--format", "html,md")
    assert rendered.returncode == 0, rendered.stderr
    for name in ("report.html", "report.md"):
        text = (small_run / name).read_text(encoding="utf-8")
        assert "ROGUE TEMPLATE" not in text and "Testshire Council" in text

    named = _command(folder, "report", str(small_run), "--format", "md", "--templates", "templates")
    assert named.returncode == 0 and (small_run / "report.md").read_text(encoding="utf-8") == "ROGUE TEMPLATE\n"  # the control


@pytest.mark.parametrize("name", [
    # Written unescaped, this would read as paths = ["../exports"]: the exports folder, beside the audit folder.
    'crafted"]\n[checks]\npaths = ["..\\u002fexports"]\n#.csv',
    'Complaints "Q1".csv',
    "Complaints [Q1] \\ back.csv",
    "Zoë's\x1b[2J export.csv",
])
def test_init_writes_any_export_name_as_a_value_and_runs_nothing(runner, tmp_path, name):
    """A crafted file name added a [checks] paths table to audit.toml, and Python from the exports
    folder ran at the next `checks list` (issue 20, defect 11)."""
    import tomllib

    from tests.bad_inputs import csv_row, csv_text

    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / name).write_text(csv_text([csv_row("C1"), csv_row("C2")]))
    (exports / "evil.py").write_text("open(__file__ + '.ran', 'w').close()\n")
    folder = tmp_path / "audit"
    result = runner.invoke(app, ["init", str(folder), str(exports / name)])
    assert result.exit_code == 0, result.output
    config = tomllib.loads((folder / "audit.toml").read_text(encoding="utf-8"))
    assert "checks" not in config
    (pattern,) = config["sources"][0]["files"]
    assert [path.name for path in folder.glob(pattern)] == [name]  # the glob names exactly the export
    for profile in (folder / "profiles").glob("*.toml"):
        tomllib.loads(profile.read_text(encoding="utf-8"))  # every draft is valid TOML
    from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER

    audit = folder / "audit.toml"
    audit.write_text(audit.read_text(encoding="utf-8").replace(ORGANISATION_PLACEHOLDER, "Testshire Council"), encoding="utf-8")
    listed = runner.invoke(app, ["checks", "list", "--config", str(audit)])
    assert listed.exit_code == 0, listed.output
    assert not (exports / "evil.py.ran").exists()
