"""Hostile and broken exports through `complaint-audit load`: each gets its documented outcome.

An unusable file is one line on stderr naming the file and the place, exit 2, and nothing
written; otherwise every row read is loaded or quarantined with its reason. Never a traceback,
never a hang. The corpus and its outcomes are the table in tests/bad_inputs.py, which
docs/bad_inputs.md shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.store import Store
from tests.bad_inputs import CORPUS, BadInput, markdown_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad_inputs.md"
TIME_LIMIT_SECONDS = 60


def _load(runner, item: BadInput, export: Path, profile: Path, store: Path) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `complaint-audit load --profile PROFILE EXPORT --store STORE`."""
    args = ["load", "--profile", str(profile), str(export), "--store", str(store)]
    if item.slow:  # its own process, so a hang or a runaway parse is stopped by the time limit
        command = Path(sys.executable).with_name("complaint-audit")
        done = subprocess.run([str(command), *args], capture_output=True, text=True, timeout=TIME_LIMIT_SECONDS)
        return done.returncode, done.stdout, done.stderr
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("item", CORPUS, ids=[item.name for item in CORPUS])
def test_a_bad_input_gets_its_documented_outcome(runner, item: BadInput, tmp_path):
    export, profile = item.build(tmp_path)
    store = tmp_path / "store"
    status, stdout, stderr = _load(runner, item, export, profile, store)
    assert "Traceback" not in stdout + stderr
    assert "unexpected" not in stderr, stderr

    if item.outcome == "error":
        assert status == 2, stdout + stderr
        (line,) = stderr.strip().splitlines()
        assert line.startswith(f"error: {export.parent}/{item.message}"), line
        assert not (store / "load.json").exists()
        return

    assert status == 0, stdout + stderr
    (entry,) = json.loads((store / "load.json").read_text())["files"]
    assert entry["read"] == entry["loaded"] + entry["quarantined"]
    assert entry["read"] == item.read
    assert entry["reasons"] == item.reasons
    assert f"Read {item.read:,} = loaded {entry['loaded']:,} + quarantined {entry['quarantined']:,}" in stdout
    quarantine = pd.read_csv(store / "quarantine.csv", dtype=str, keep_default_na=False)
    assert len(quarantine) == entry["quarantined"]
    if item.outcome == "quarantined":
        assert entry["quarantined"] > 0
        assert quarantine["detail"].str.startswith(item.message).any(), quarantine["detail"].tolist()
    else:
        assert entry["quarantined"] == 0
    records = Store(store).read_records()
    for case_id, expected in item.records.items():
        (row,) = records[records["case_id"].eq(case_id)].to_dict(orient="records")[:1]
        shown = {name: row[name].strftime("%Y-%m-%d") if hasattr(row[name], "strftime") else str(row[name]) for name in expected}
        assert shown == expected, case_id


def test_the_documented_table_is_the_corpus():
    assert markdown_table() in DOC.read_text(encoding="utf-8"), "regenerate: python -m tests.bad_inputs"
