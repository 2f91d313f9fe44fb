"""The store split by organisation and year: a reader of one council opens only its parts, and
small organisations share a part per year instead of making a file each."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import LEDGER_VERSION, Store

from .builders import WIDE_HEADER, WIDE_PROFILE


@pytest.fixture
def two_council_store(tmp_path, monkeypatch):
    """Two councils' exports in one store, three cases each: two received in 2023, one in 2024."""
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    return _two_councils(tmp_path)


def _two_councils(tmp_path):
    profile = tmp_path / "wide.toml"
    profile.write_text(WIDE_PROFILE.replace('organisation = "Testshire Council"\n', "")
                       .replace("[columns]\n", '[columns]\norganisation = "Council"\n'), encoding="utf-8")
    files = []
    for council in ("Eastmoor", "Westvale"):
        rows = [f"{council},{council[0]}{n},Member of Public,Ann Lee,ann{n}@example.org,{received},,Upheld,,,,"
                for n, received in enumerate(("14/04/2023", "02/05/2023", "03/01/2024"))]
        body = "\n".join(["Complaints export", "Council," + WIDE_HEADER, *rows]) + "\n"
        files.append(tmp_path / f"{council}.csv")
        files[-1].write_text(body, encoding="utf-8")
    store = tmp_path / "store"
    load_exports(store=store, files=files, profile=profile)
    return store


def _part_folders(store):
    parts = (path.relative_to(store / "records").parent.as_posix() for path in (store / "records").rglob("*.parquet"))
    return sorted(re.sub(r"-[0-9a-f]{8}/", "/", part) for part in parts)


def test_records_are_split_by_organisation_and_year_received_where_there_are_enough(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    monkeypatch.setattr("complaint_audit.store.OWN_PART_ROWS", 2)  # each council's 2023 has 2 records, its 2024 one
    # Both files loaded here: a helper process would cut its file's parts by OWN_PART_ROWS unpatched.
    monkeypatch.setattr("complaint_audit.ingest.load.SHARED_FILE_BYTES", 0)
    store_dir = _two_councils(tmp_path)
    assert _part_folders(store_dir) == ["Eastmoor/2023", "Westvale/2023", "shared/2024", "shared/2024"]
    store = Store(store_dir)
    assert store.organisations() == ["Eastmoor", "Westvale"]
    assert len(store.read_records()) == 6
    assert sorted(store.read_records(organisations=["Westvale"])["case_id"]) == ["W0", "W1", "W2"]


def test_small_organisations_share_a_part_per_file_and_year(two_council_store):
    assert _part_folders(two_council_store) == ["shared/2023", "shared/2023", "shared/2024", "shared/2024"]
    store = Store(two_council_store)
    assert store.organisations() == ["Eastmoor", "Westvale"]
    assert len(store.read_records()) == 6


def test_a_reader_of_one_organisation_and_year_gets_only_those_records(two_council_store):
    store = Store(two_council_store)
    east = store.read_records(organisations=["Eastmoor"])
    assert east["organisation"].astype(str).unique().tolist() == ["Eastmoor"] and len(east) == 3
    recent = store.read_records(years=[2024])
    assert sorted(recent["organisation"].astype(str)) == ["Eastmoor", "Westvale"]
    assert recent["received"].dt.year.unique().tolist() == [2024]


def test_names_that_repeat_come_back_as_sorted_categories(two_council_store):
    records = Store(two_council_store).read_records()
    assert isinstance(records["organisation"].dtype, pd.CategoricalDtype)
    assert records["organisation"].cat.categories.tolist() == ["Eastmoor", "Westvale"]
    assert str(records["received"].dtype) == "datetime64[s]"


def test_check_can_be_limited_to_one_organisation(runner, two_council_store, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["check", "--store", str(two_council_store), "--out", str(out), "--organisation", "Westvale",
                                 "--select", "DQ001", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    unknown = runner.invoke(app, ["check", "--store", str(two_council_store), "--out", str(out), "--organisation", "Northmoor"])
    assert unknown.exit_code == 2
    assert "no records of organisation 'Northmoor'; it holds Eastmoor, Westvale" in unknown.output


def test_an_organisation_named_like_a_path_stays_inside_the_store(tmp_path):
    from complaint_audit.store import _folder_name

    for name in ("..", "../../etc", "é" * 300, "Council/../../x"):
        folder = _folder_name(name)
        assert "/" not in folder and not folder.startswith(".") and len(folder.encode()) < 100
    assert _folder_name("Council 07").startswith("Council 07-")
    assert _folder_name("a/b") != _folder_name("a_b")


def test_a_store_from_an_older_version_asks_to_be_loaded_again(two_council_store):
    ledger = two_council_store / "load.json"
    ledger.write_text(ledger.read_text().replace(f'"schema_version": {LEDGER_VERSION}', '"schema_version": 1'))
    with pytest.raises(Exception, match="made by an older complaint-audit .* load the exports into a new store"):
        Store(two_council_store).read_records()


def _many_small_councils(tmp_path, councils: int) -> Path:
    """One export of COUNCILS organisations with three cases each: two received in 2023, one in 2024."""
    profile = tmp_path / "wide.toml"
    profile.write_text(WIDE_PROFILE.replace('organisation = "Testshire Council"\n', "")
                       .replace("[columns]\n", '[columns]\norganisation = "Council"\n'), encoding="utf-8")
    rows = [f"Landlord {council:03d},L{council}-{n},Member of Public,,,{received},,Upheld,,,,"
            for council in range(councils) for n, received in enumerate(("14/04/2023", "02/05/2023", "03/01/2024"))]
    export = tmp_path / "landlords.csv"
    export.write_text("\n".join(["Complaints export", "Council," + WIDE_HEADER, *rows]) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    load_exports(store=store, files=[export], profile=profile)
    return store


def test_many_small_organisations_make_one_part_a_year_not_one_each(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    store_dir = _many_small_councils(tmp_path, 300)  # a part per organisation and year would be 600 files
    assert _part_folders(store_dir) == ["shared/2023", "shared/2024"]
    store = Store(store_dir)
    assert len(store.organisations()) == 300 and len(store.read_records()) == 900
    one = store.read_records(organisations=["Landlord 123"])
    assert sorted(one["case_id"]) == ["L123-0", "L123-1", "L123-2"]
    assert one["organisation"].cat.categories.tolist() == ["Landlord 123"]
    assert sorted(store.read_records(["case_id"], organisations=["Landlord 007"], years=[2024])["case_id"]) == ["L7-2"]


def test_a_read_of_some_columns_gives_those_columns_of_a_whole_read(tmp_path, monkeypatch):
    """Only the columns asked for are converted: their text, categories and dates as a read of every column gives them."""
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    store = Store(_many_small_councils(tmp_path, 30))
    columns = ["received", "case_id", "organisation", "team", "outcome"]
    pd.testing.assert_frame_equal(store.read_records(columns), store.read_records()[columns])
    some = store.read_records(columns, organisations=["Landlord 007", "Landlord 012"])
    pd.testing.assert_frame_equal(some, store.read_records(organisations=["Landlord 007", "Landlord 012"])[columns])
    assert some["organisation"].cat.categories.tolist() == ["Landlord 007", "Landlord 012"] and len(some) == 6


def test_a_year_past_the_shared_part_size_is_cut_between_organisations(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    monkeypatch.setattr("complaint_audit.store.SHARED_PART_ROWS", 500)
    store_dir = _many_small_councils(tmp_path, 300)  # 2023: 600 records, two of each organisation
    assert _part_folders(store_dir) == ["shared/2023", "shared/2023", "shared/2024"]
    ledger = Store(store_dir).ledger()[0]["parts"]
    assert [part["rows"] for part in ledger] == [500, 100, 300]
    assert len(Store(store_dir).read_records(organisations=["Landlord 249", "Landlord 250"])) == 6  # one each side of the cut


def test_a_load_large_enough_for_threads_stores_what_one_written_in_turn_does(tmp_path, monkeypatch):
    """A small load's files are written in the loading thread, a large one's a core each: the same store either way."""
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "test-key-0123456789")
    writers = []
    real_write_part = Store._write_part

    def noting_thread(self, *args):
        writers.append(threading.current_thread().name)
        return real_write_part(self, *args)

    monkeypatch.setattr(Store, "_write_part", noting_thread)
    for folder in ("in_turn", "pooled"):
        (tmp_path / folder).mkdir()
    in_turn = Store(_two_councils(tmp_path / "in_turn"))
    assert set(writers) == {threading.current_thread().name}
    writers.clear()
    monkeypatch.setattr("complaint_audit.store.cores_for", lambda rows: 2)
    pooled = Store(_two_councils(tmp_path / "pooled"))
    assert writers and threading.current_thread().name not in writers
    # The same but for the files' paths (in folders of their own).
    pd.testing.assert_frame_equal(pooled.read_records().drop(columns="source_file"),
                                  in_turn.read_records().drop(columns="source_file"))
    assert pooled.quarantine_path.read_text().replace("pooled", "in_turn") == in_turn.quarantine_path.read_text()
    assert _part_folders(pooled.root) == _part_folders(in_turn.root)
