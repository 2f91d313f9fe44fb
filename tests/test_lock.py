"""One writer at a time: a second run or load into the same folder is refused while one is going."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from complaint_audit.audit.run import run_audit
from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.lock import LOCK_NAME, exclusive
from tests.conftest import SAMPLE_DATA

# Another process takes the lock, says so, and holds it until it is killed.
HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from complaint_audit.lock import exclusive
    with exclusive(Path(sys.argv[1]), "writing a run"):
        print("held", flush=True)
        time.sleep(120)
""")


@pytest.fixture
def held_by_another_process(tmp_path):
    """TMP/runs locked by a live process; the process, to be killed by the test."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "runs")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path, held_by_another_process):
    with pytest.raises(UserError, match=r"runs: another complaint-audit process is writing a run there; wait for it to finish$"):
        run_audit(SAMPLE_DATA / "audit.toml", out_root=tmp_path / "runs", formats=())
    assert [path.name for path in (tmp_path / "runs").iterdir()] == [LOCK_NAME]


def test_a_lock_held_by_a_process_that_was_killed_does_not_block(tmp_path, held_by_another_process):
    held_by_another_process.kill()  # SIGKILL (TerminateProcess on Windows): no cleanup runs, the lock file stays, the OS lock goes
    held_by_another_process.wait()
    assert (tmp_path / "runs" / LOCK_NAME).exists()
    run = run_audit(SAMPLE_DATA / "audit.toml", out_root=tmp_path / "runs", formats=())
    assert (run.run_dir / "results.json").is_file()


def test_a_second_load_into_a_store_being_written_is_refused(tmp_path):
    with (exclusive(tmp_path / "store", "loading into this store"),
          pytest.raises(UserError, match="is loading into this store there; wait for it to finish")):
        load_exports(store=tmp_path / "store", config=SAMPLE_DATA / "audit.toml")
    assert not (tmp_path / "store").exists()  # created for the lock, removed with it


def test_a_lock_file_left_behind_is_taken_over_and_no_process_is_signalled(tmp_path, monkeypatch):
    """The old lock asked whether the pid in the file was alive with os.kill(pid, 0): on Windows
    that terminates the process. A lock file left behind, naming any pid, must not matter."""

    def kill(pid, signal_number):
        raise AssertionError(f"os.kill({pid}, {signal_number}) called")

    monkeypatch.setattr(os, "kill", kill)
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / LOCK_NAME).write_text(str(os.getppid()))
    report = load_exports(store=tmp_path / "store", config=SAMPLE_DATA / "audit.toml")
    assert report.read == 2289
