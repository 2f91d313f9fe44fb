"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.builders import WIDE_PROFILE, write

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(autouse=True)
def _pseudonymisation_key(monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")


@pytest.fixture
def runner() -> CliRunner:
    """The command line as a user's terminal shows it, made deterministic: 120 columns, no colour."""
    return CliRunner(env={"COLUMNS": "120", "NO_COLOR": "1"})


@pytest.fixture
def wide_profile(tmp_path: Path) -> Path:
    return write(tmp_path / "corporate.toml", WIDE_PROFILE)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """One run folder of the bundled sample audit with all three reports, shared by every test that only reads it.

    Run with the sample's own key (as `complaint-audit demo` is), so pseudonyms and the report
    snapshot do not depend on the shell. A test that changes a run copies this one first.
    """
    from complaint_audit.audit.run import run_audit

    root = tmp_path_factory.mktemp("sample-run")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COMPLAINT_AUDIT_KEY", raising=False)
        return run_audit(SAMPLE_DATA / "audit.toml", out_root=root, command_line=["complaint-audit"]).run_dir


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The bundled sample data loaded once into a store, for ground-truth tests."""
    from complaint_audit.ingest.api import load_exports

    store = tmp_path_factory.mktemp("sample") / "store"
    load_exports(store=store, config=SAMPLE_DATA / "audit.toml")
    return store


@pytest.fixture(scope="session")
def sample_records(sample_store):
    from complaint_audit.store import Store

    return Store(sample_store).read_records()


@pytest.fixture(scope="session")
def ground_truth() -> dict:
    import json

    return json.loads((SAMPLE_DATA / "ground_truth.json").read_text())
