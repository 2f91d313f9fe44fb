"""The records a load hands over as soon as it knows them (Store.commit's records_ready), for a run to begin its checks
on while the store is written: they must be the records the store reads back, to the categories and the row order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from complaint_audit.config import load_config
from complaint_audit.engine.api import exported_fields
from complaint_audit.ingest.api import load_sources
from complaint_audit.ingest.load import load_into_store
from complaint_audit.ingest.sources import jobs_from_files
from complaint_audit.store import Store

from .builders import WIDE_HEADER, WIDE_PROFILE
from .conftest import SAMPLE_DATA


def _same_records(handed: pd.DataFrame, read: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(handed, read, check_exact=True)
    for name in read.columns:  # assert_frame_equal lets categories differ in order where the values are equal
        if isinstance(read[name].dtype, pd.CategoricalDtype):
            assert handed[name].cat.categories.tolist() == read[name].cat.categories.tolist(), name


def test_the_sample_is_handed_over_before_anything_is_written_as_the_store_reads_it_back(tmp_path):
    store = tmp_path / "store"
    handed = []

    def records_ready(records, entries):
        assert not (store / "load.json").exists() and not list(store.rglob("*.parquet"))
        handed.append((records, entries))

    report = load_sources(load_config(SAMPLE_DATA / "audit.toml"), store, records_ready=records_ready)
    ((records, entries),) = handed
    written = Store(store)
    _same_records(records, written.read_records())
    assert len(records) == sum(entry["loaded"] for entry in report.files) == 2253
    assert exported_fields(entries) == exported_fields(written)


def test_the_parts_written_from_the_records_handed_over_are_those_a_load_without_them_writes(tmp_path):
    """Handed over, each file's records are made Arrow once and every part is a slice of that table; without, each part
    is made Arrow by the thread writing it: the same Parquet files, byte for byte, part for part."""
    import hashlib

    def parts(store: Path) -> list[tuple]:
        return [(entry["path"], part.get("organisation"), part["year"], part["rows"],
                 hashlib.sha256((store / part["path"]).read_bytes()).hexdigest())
                for entry in Store(store).ledger() for part in entry["parts"]]

    audit = load_config(SAMPLE_DATA / "audit.toml")
    load_sources(audit, tmp_path / "handed", records_ready=lambda records, entries: None)
    load_sources(audit, tmp_path / "not_handed")
    handed, not_handed = parts(tmp_path / "handed"), parts(tmp_path / "not_handed")
    assert len(handed) == 6 and handed == not_handed


def _export(folder: Path, council: str) -> Path:
    rows = [f"{council},{council[0]}{n},Member of Public,Ann Lee,ann{n}@example.org,{received},,Upheld,,,,"
            for n, received in enumerate(("14/04/2023", "02/05/2023", "03/01/2024"))]
    path = folder / f"{council}.csv"
    path.write_text("\n".join(["Complaints export", "Council," + WIDE_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_load_into_a_store_holding_other_files_hands_over_all_it_holds_once_written(tmp_path):
    profile = tmp_path / "wide.toml"
    profile.write_text(WIDE_PROFILE.replace('organisation = "Testshire Council"\n', "")
                       .replace("[columns]\n", '[columns]\norganisation = "Council"\n'), encoding="utf-8")
    store, handed = tmp_path / "store", []

    def load(council: str) -> None:
        load_into_store(jobs_from_files(profile, [_export(tmp_path, council)]), store, key="test-key-0123456789",
                        defaults={}, records_ready=lambda records, entries: handed.append((records, entries)))

    load("Westvale")
    load("Eastmoor")  # Westvale's records are kept: they are read back with Eastmoor's, once written
    records, entries = handed[-1]
    assert sorted(records["case_id"]) == ["E0", "E1", "E2", "W0", "W1", "W2"]
    assert records["organisation"].cat.categories.tolist() == ["Eastmoor", "Westvale"]
    _same_records(records, Store(store).read_records())
    assert [Path(entry["path"]).name for entry in entries] == ["Westvale.csv", "Eastmoor.csv"]
