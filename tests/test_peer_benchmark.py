"""The benchmark's peer (benchmarks/peer.py) does the work `load` is measured against: on a small
export of the benchmark's own kind it writes the same stage rows, with the same dates, outcomes,
partitions and working days as the tool's store. Skipped where DuckDB (the `bench` extra) is not
installed: the tests do not need it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from complaint_audit.calendar import working_days_between
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store

duckdb = pytest.importorskip("duckdb")

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
KEY = "benchmark-key-0123456789"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def loaded_and_peer(tmp_path_factory):
    """A 2,000-case export loaded by the tool and written by the peer: the store's records and
    quarantine, the peer's rows (organisation and year read back from its partition folders)."""
    run, peer = _module("run"), _module("peer")
    folder = tmp_path_factory.mktemp("peer")
    export = run._write_export(2000, False, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPLAINT_AUDIT_KEY", KEY)
        load_exports(store=folder / "store", files=[export], profile=run._profile_for(export))
    run._write_holidays(folder)
    figures = peer.run_peer(export, folder / "england_bank_holidays.csv", folder / "peer", key=KEY)
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{folder / 'peer'}/**/*.parquet', hive_partitioning = true)").df()
    store = Store(folder / "store")
    return store.read_records(), store.read_quarantine(), rows, figures


def test_the_peer_writes_a_row_for_every_stage_the_tool_read(loaded_and_peer):
    records, quarantine, rows, figures = loaded_and_peer
    # The tool keeps a source row without any stage as a quarantined row of no stage; this export has none.
    assert quarantine["stage"].notna().all()
    assert figures["stage_rows"] == len(rows) == len(records) + len(quarantine)
    read = pd.concat([records["stage"], quarantine["stage"]]).astype("str").value_counts().to_dict()
    assert rows["stage"].value_counts().to_dict() == read
    assert set(read) == {"1", "2", "3"} and len(rows) > 2000
    assert figures["rows"] == 2000


def test_the_peer_gives_the_tool_s_dates_outcomes_and_partitions_on_every_loaded_row(loaded_and_peer):
    records, _, rows, _ = loaded_and_peer
    both = records.astype({"stage": "str", "outcome": "str", "raised_via": "str", "process": "str"}).merge(
        rows, on=["case_id", "stage"], how="left", suffixes=("", "_peer"), validate="one_to_one", indicator=True)
    assert (both["_merge"] == "both").all()
    for field in ("received", "responded", "due", "acknowledged", "closed"):
        peer_dates = pd.to_datetime(both[f"{field}_peer"]).to_numpy().astype("datetime64[D]")
        assert np.array_equal(both[field].to_numpy().astype("datetime64[D]"), peer_dates, equal_nan=True), field
    for field in ("outcome", "raised_via", "process"):
        tool = both[field].where(both[field] != "nan")
        assert tool.fillna("-").equals(both[f"{field}_peer"].fillna("-")), field
    assert both["organisation"].astype("str").equals(both["organisation_peer"].astype("str"))
    assert both["received"].dt.year.equals(both["year"].astype("int32"))


def test_the_peer_counts_working_days_as_the_tool_s_calendar_does(loaded_and_peer):
    records, _, rows, _ = loaded_and_peer
    both = records.astype({"stage": "str"}).merge(rows, on=["case_id", "stage"], suffixes=("", "_peer"))
    answered = both[both["responded"].notna()]
    assert len(answered) > 2000
    expected = working_days_between(answered["received"], answered["responded"])
    assert expected.astype("int64").tolist() == answered["working_days_to_response"].astype("int64").tolist()
