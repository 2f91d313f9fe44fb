"""A load killed part-way leaves the earlier store as it was; the next load tidies up after it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.builders import wide_export

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
