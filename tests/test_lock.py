"""One writer at a time: a second run or load into the same folder is refused while one is going."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from complaint_audit.audit import run_audit
from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.lock import LOCK_NAME, exclusive
from tests.conftest import SAMPLE_DATA


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path):
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / LOCK_NAME).write_text(str(os.getppid()))  # a live process holds it
    with pytest.raises(UserError, match=rf"runs: another complaint-audit process \(pid {os.getppid()}\) is writing a run there"):
        run_audit(SAMPLE_DATA / "audit.toml", out_root=tmp_path / "runs", formats=())
    assert [path.name for path in (tmp_path / "runs").iterdir()] == [LOCK_NAME]


def test_a_second_load_into_a_store_being_written_is_refused(tmp_path):
    with exclusive(tmp_path / "store", "loading into this store"):
        with pytest.raises(UserError, match="is loading into this store there; wait for it to finish"):
            load_exports(store=tmp_path / "store", config=SAMPLE_DATA / "audit.toml")
    assert not (tmp_path / "store" / LOCK_NAME).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / LOCK_NAME).write_text(finished.stdout.strip())
    report = load_exports(store=tmp_path / "store", config=SAMPLE_DATA / "audit.toml")
    assert report.read == 2286
    assert not (tmp_path / "store" / LOCK_NAME).exists()
