"""A store deletes only its own files: `load` refuses someone else's folder and leaves files it did not write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from complaint_audit.cli import app
from complaint_audit.ingest.api import load_exports
from complaint_audit.store import Store
from tests.builders import wide_export

FIRST = ("C1,MP,,,14/04/2023,28/04/2023,Upheld,,,,", "C2,MP,,,31/02/2024,,Upheld,,,,")
UPDATED = ("C1,MP,,,14/04/2023,28/04/2023,Upheld,,,,", "C3,MP,,,14/04/2023,,Upheld,02/05/2023,,,")
# Files a user keeps where `load` writes: shaped like a store's parts, but not the store's.
FOREIGN = ("quarantine/mine.csv", "records/Testshire-00000000/2023/mine.parquet", "notes.txt")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _listed(store: Path) -> set[Path]:
    """The parts and quarantine files the store's ledger lists."""
    entries = json.loads((store / "load.json").read_text())["files"]
    return {store / part["path"] for entry in entries for part in entry["parts"]} | {store / entry["quarantine"] for entry in entries}


def _put_foreign_files(folder: Path) -> None:
    for name in FOREIGN:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{name}: not the store's\n")


def _load(runner, store: Path, tmp_path: Path, profile: Path, *args: str):
    return runner.invoke(
        app, ["load", "--store", str(store), "--profile", str(profile), str(wide_export(tmp_path, *FIRST)), *args])


def test_a_folder_that_is_neither_empty_nor_a_store_is_refused_and_left_as_it_was(runner, tmp_path, wide_profile):
    folder = tmp_path / "documents"
    _put_foreign_files(folder)
    before = _files(folder)

    result = _load(runner, folder, tmp_path, wide_profile)

    assert result.exit_code == 2, result.output
    assert result.stderr == (f"error: {folder}: not a store (no load.json) and not empty (it holds notes.txt and 2 more); "
                             "give --store a new or empty folder, or a store that `load` wrote\n")
    assert _files(folder) == before and sorted(path.name for path in folder.iterdir()) == ["notes.txt", "quarantine", "records"]


def test_a_file_given_as_the_store_is_refused(runner, tmp_path, wide_profile):
    (tmp_path / "store").write_text("a file")
    result = _load(runner, tmp_path / "store", tmp_path, wide_profile)
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'store'}: a file, not a store folder; give --store a new or empty folder, or a store\n"


def test_a_reload_removes_the_parts_it_replaces_and_nothing_else(tmp_path, wide_profile):
    store = tmp_path / "store"
    load_exports(store=store, files=[wide_export(tmp_path, *FIRST)], profile=wide_profile)
    first_parts = _listed(store)
    _put_foreign_files(store)

    load_exports(store=store, files=[wide_export(tmp_path, *UPDATED)], profile=wide_profile)

    assert all((store / name).read_text() == f"{name}: not the store's\n" for name in FOREIGN)
    assert not any(path.exists() for path in first_parts)
    own = _listed(store)
    on_disk = {path for path in store.rglob("*") if path.is_file() and path.relative_to(store).as_posix() not in FOREIGN}
    assert on_disk - own == {store / "load.json", store / "quarantine.csv", store / ".complaint-audit.lock"}
    assert sorted(Store(store).read_records()["case_id"]) == ["C1", "C3", "C3"]


@pytest.mark.parametrize("ledger", ["{", "[]", '{"files": 3}'], ids=["not-json", "a-list", "no-file-list"])
def test_a_ledger_this_tool_did_not_write_is_one_line_naming_it(runner, tmp_path, wide_profile, ledger):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "load.json").write_text(ledger)
    result = _load(runner, tmp_path / "store", tmp_path, wide_profile)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'store' / 'load.json'}: not a store's ledger (not the JSON `load` writes); "
                             "load the exports into a new store\n")
