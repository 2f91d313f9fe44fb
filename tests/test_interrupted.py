"""A load or run killed part-way, or stopped by a full disk, loses nothing and is not taken for finished.

A load killed at any point leaves the earlier store as it was, parts and all, and the next load
tidies up after it. A run killed at any point leaves either a finished run folder or one that
every later command ignores: the next run's trend, `compare` and pruning.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from complaint_audit.audit.history import prune_runs, run_history
from complaint_audit.audit.run import run_audit
from complaint_audit.audit.run_folder import MANIFEST, RunFolder
from complaint_audit.cli import app
from complaint_audit.compare.runs import select_runs
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.builders import wide_export
from tests.conftest import SAMPLE_DATA

CONFIG = SAMPLE_DATA / "audit.toml"
CLI = "from complaint_audit.cli import main; main()"

# Load an updated export, and die (SIGKILL: no cleanup runs) at the moment the ledger would be
# replaced, when the new records and quarantine parts are already on disk.
KILLED_LOAD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import complaint_audit.store as store
    real_replace = os.replace
    def replace(source, target):
        if Path(target).name == "load.json":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, target)
    store.os.replace = replace
    from complaint_audit.ingest.api import load_exports
    load_exports(store=Path(sys.argv[1]), files=[Path(sys.argv[2])], profile=Path(sys.argv[3]))
""")

FIRST = ("C1,MP,,,14/04/2023,28/04/2023,Upheld,,,,", "C2,MP,,,31/02/2024,,Upheld,,,,")
UPDATED = ("C1,MP,,,14/04/2023,28/04/2023,Upheld,,,,", "C3,MP,,,14/04/2023,,Upheld,02/05/2023,,,", "C4,MP,,,15/04/2023,,Upheld,,,,")


def test_a_load_killed_before_it_commits_leaves_the_earlier_store_intact(tmp_path, wide_profile, monkeypatch):
    store_dir = tmp_path / "store"
    load_exports(store=store_dir, files=[wide_export(tmp_path, *FIRST)], profile=wide_profile)
    before = Store(store_dir)
    records, quarantine, ledger = before.read_records(), before.read_quarantine(), before.ledger_path.read_text()

    export = wide_export(tmp_path, *UPDATED)
    killed = subprocess.run([sys.executable, "-c", KILLED_LOAD, str(store_dir), str(export), str(wide_profile)], capture_output=True)
    assert killed.returncode == -9
    assert len(list((store_dir / "records").glob("*/*/*.parquet"))) == 2  # the new part was written, not committed

    after = Store(store_dir)
    assert after.ledger_path.read_text() == ledger
    assert after.read_records().equals(records)
    assert after.read_quarantine().equals(quarantine)

    report = load_exports(store=store_dir, files=[export], profile=wide_profile)  # takes over the dead lock
    assert (report.read, report.quarantined) == (4, 0)
    assert sorted(Store(store_dir).read_records()["case_id"]) == ["C1", "C3", "C3", "C4"]
    assert len(list((store_dir / "records").glob("*/*/*.parquet"))) == 1  # the earlier part is gone


def _listed_files(store_dir: Path) -> dict[str, str]:
    """load.json and every file it lists, by path, with a hash of its bytes."""
    entries = json.loads((store_dir / "load.json").read_text())["files"]
    names = ["load.json", *(part["path"] for entry in entries for part in entry["parts"]),
             *(entry["quarantine"] for entry in entries if "quarantine" in entry)]
    return {name: hashlib.sha256((store_dir / name).read_bytes()).hexdigest() for name in names}


def test_a_reload_of_the_same_file_killed_before_it_commits_changes_no_part(tmp_path, wide_profile, monkeypatch):
    """Reloaded with another key, the same file's parts differ in content but not in file id:
    they must not replace the listed parts before the ledger does."""
    store_dir = tmp_path / "store"
    export = wide_export(tmp_path, "C1,MP,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,,,,",
                         "C2,MP,Bo Ng,bo@example.org,31/02/2024,,Upheld,,,,")
    load_exports(store=store_dir, files=[export], profile=wide_profile)
    before = _listed_files(store_dir)

    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "another-key-for-the-reload-0123456789")
    killed = subprocess.run([sys.executable, "-c", KILLED_LOAD, str(store_dir), str(export), str(wide_profile)], capture_output=True)

    assert killed.returncode == -9
    assert _listed_files(store_dir) == before


def test_a_run_stopped_by_a_full_disk_is_named_and_ignored_by_the_next(runner, tmp_path, monkeypatch, sample_run):
    import complaint_audit.report.render

    runs = tmp_path / "runs"
    finished = shutil.copytree(sample_run, runs / sample_run.name)  # an earlier finished run of the same audit
    real_render = complaint_audit.report.render.render_reports

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(complaint_audit.report.render, "render_reports", full_disk)
    stopped = runner.invoke(app, ["run", str(CONFIG), "--out", str(runs), "--format", "md", "--quiet"])
    (failed,) = [folder for folder in runs.iterdir() if folder.is_dir() and folder != finished]
    assert stopped.exit_code == 2
    assert stopped.stderr == f"error: {failed}: no space left on the disk; free some space, or give a folder on another disk, and try again\n"
    assert (failed / "manifest.json").is_file() and RunFolder(failed).finished_manifest() is None  # written before the report, not finished

    monkeypatch.setattr(complaint_audit.report.render, "render_reports", real_render)
    after = runner.invoke(app, ["run", str(CONFIG), "--out", str(runs), "--format", "md", "--quiet", "--fail-on", "never"])
    assert after.exit_code == 0, after.output
    assert RunFolder(Path(after.stdout.strip())).manifest().previous_run == finished.name
    assert after.stderr == (f"note: {failed}: an incomplete run (killed or failed part-way), ignored by later runs, "
                            "`compare` and [history] keep; delete it when no run is going\n")


def _killed_at_random(command: list[str], delays: list[float]) -> list[int | None]:
    """Start COMMAND once per delay and SIGKILL it after that many seconds; the exit codes of
    those that finished first (None for those killed)."""
    finished = []
    for delay in delays:
        process = subprocess.Popen([sys.executable, "-c", CLI, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=delay)
            finished.append(process.returncode)
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL; TerminateProcess on Windows: no cleanup runs either way
            process.wait()
            finished.append(None)
    return finished


def _killed_on_first_manifest(command: list[str], runs: Path) -> None:
    """Start COMMAND and SIGKILL it as soon as a new run folder has a manifest: while its report is
    written, the moment a killed run looked finished."""
    before = set(runs.glob("*/manifest.json"))
    process = subprocess.Popen([sys.executable, "-c", CLI, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not set(runs.glob("*/manifest.json")) - before:
        time.sleep(0.002)
    process.kill()
    process.wait()


def _killed_on_first_part(command: list[str], store_dir: Path) -> None:
    """Start COMMAND and SIGKILL it as soon as it has written a part of the store: between its
    first part and its ledger, the moment a killed load could change the store."""
    started = time.time_ns()
    process = subprocess.Popen([sys.executable, "-c", CLI, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and not any(part.stat().st_mtime_ns >= started for part in store_dir.glob("records/*/*/*.parquet")):
        time.sleep(0.002)
    process.kill()
    process.wait()


def _timed(command: list[str]) -> float:
    clock = time.perf_counter()
    subprocess.run([sys.executable, "-c", CLI, *command], check=False, capture_output=True)
    return time.perf_counter() - clock


def test_a_run_killed_at_random_points_leaves_a_finished_run_or_one_every_later_command_ignores(tmp_path):
    runs = tmp_path / "runs"
    command = ["run", str(CONFIG), "--out", str(runs), "--format", "md", "--quiet"]
    took = _timed(command)  # the first run, finished: the one later runs compare with
    (first,) = run_history(runs).finished
    first_files = {path: path.read_bytes() for path in first.folder.rglob("*") if path.is_file()}
    rng = random.Random(20)
    _killed_at_random(command, sorted(rng.uniform(0.2, 1.0) * took for _ in range(4)))
    _killed_on_first_manifest(command, runs)

    history = run_history(runs)
    for run in history.finished:  # killed after its last step: whole
        assert {"report.md", "results.json", "run.log"} <= {path.name for path in run.folder.iterdir()}
    assert any((folder / "manifest.json").is_file() for folder in history.incomplete), "no kill landed while the report was written"
    assert {path: path.read_bytes() for path in first.folder.rglob("*") if path.is_file()} == first_files

    latest = run_audit(CONFIG, out_root=runs, formats=("md",))
    assert RunFolder(latest.run_dir).manifest().previous_run == history.finished[-1].folder.name
    assert latest.notes == tuple(run_history(runs, current=latest.run_dir).notes()) and len(latest.notes) == len(history.incomplete)

    other = tmp_path / "other" / first.folder.name  # a second council for `compare` to set beside
    shutil.copytree(first.folder, other, ignore=shutil.ignore_patterns("store"))
    (other / "manifest.json").write_text(json.dumps(json.loads((other / MANIFEST).read_text()) | {"organisation": "Southshire Council"}))
    selected = select_runs([*sorted(path for path in runs.iterdir() if path.is_dir()), other])
    assert [run.run_dir for run in selected.runs] == [latest.run_dir, other]
    assert {note for note in selected.left_out if "incomplete" in note} == {
        f"{folder}: left out, an incomplete run (killed or failed part-way)" for folder in history.incomplete}

    assert set(prune_runs(runs, 1, current=latest.run_dir)) == {run.folder.name for run in history.finished}
    assert sorted(path for path in runs.iterdir() if path.is_dir()) == sorted([*history.incomplete, latest.run_dir])


def test_a_reload_killed_at_random_points_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    store_dir = tmp_path / "store"
    load_exports(store=store_dir, config=CONFIG)
    before = _listed_files(store_dir)
    records = Store(store_dir).read_records()
    # Reloaded with another key, every part's content changes: a part replaced too early would show.
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "another-key-for-the-reload-0123456789")
    shutil.copytree(store_dir, tmp_path / "trial")
    took = _timed(["load", "--config", str(CONFIG), "--store", str(tmp_path / "trial")])
    rng = random.Random(21)

    for delay in sorted(rng.uniform(0.2, 0.95) * took for _ in range(5)):
        (exit_code,) = _killed_at_random(["load", "--config", str(CONFIG), "--store", str(store_dir)], [delay])
        if exit_code is None:  # killed: the store is as it was
            assert _listed_files(store_dir) == before
            assert Store(store_dir).read_records().equals(records)
        else:  # it finished first: the store is the new load's
            assert exit_code == 0
            before, records = _listed_files(store_dir), Store(store_dir).read_records()

    _killed_on_first_part(["load", "--config", str(CONFIG), "--store", str(store_dir)], store_dir)
    assert _listed_files(store_dir) == before

    load_exports(store=store_dir, config=CONFIG)  # tidies up after the killed loads
    on_disk = {path.relative_to(store_dir).as_posix() for path in store_dir.rglob("*") if path.is_file()}
    assert on_disk == set(_listed_files(store_dir)) | {"quarantine.csv", ".complaint-audit.lock"}
