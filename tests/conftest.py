"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import WIDE_PROFILE, write


@pytest.fixture(autouse=True)
def _pseudonymisation_key(monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")


@pytest.fixture
def wide_profile(tmp_path: Path) -> Path:
    return write(tmp_path / "corporate.toml", WIDE_PROFILE)
