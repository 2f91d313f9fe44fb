"""The canonical store: a folder of Parquet records, the quarantine and the load ledger.

Layout (DIR is the store):
- DIR/records/<file id>.parquet: the records loaded from one input file, in the canonical
  schema; the folder is a Parquet dataset that pandas and pyarrow read directly;
- DIR/quarantine/<file id>.csv and DIR/quarantine.csv: the rows that could not be loaded, with
  their reasons, per input file and all together;
- DIR/load.json: the ledger, one entry per input file (path, SHA-256, counts per reason); it
  is written last, so it says which parts make up the store.

One records file per input file makes reloading idempotent: loading the same file again
(the same path or the same content) replaces its records instead of adding to them.
Every file is written to a temporary name and renamed, so an interrupted load leaves the
previous store intact.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from complaint_audit import __version__
from complaint_audit.schema import ARROW_SCHEMA, from_arrow, to_arrow

LEDGER_VERSION = 1
QUARANTINE_COLUMNS = ("source_file", "source_row", "source", "case_id", "stage", "reason", "detail", "raw")


@dataclass(frozen=True)
class FileBatch:
    """What one input file contributes to the store."""

    entry: dict  # the ledger entry: path, sha256, profile, counts ...
    records: pd.DataFrame  # canonical frame
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


class Store:
    """A store folder; reading works on any folder, writing creates what is missing."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.records_dir = self.root / "records"
        self.quarantine_dir = self.root / "quarantine"
        self.quarantine_path = self.root / "quarantine.csv"
        self.ledger_path = self.root / "load.json"

    def ledger(self) -> list[dict]:
        if not self.ledger_path.exists():
            return []
        return json.loads(self.ledger_path.read_text(encoding="utf-8"))["files"]

    def read_records(self, columns: list[str] | None = None) -> pd.DataFrame:
        """All records in the canonical schema (an empty frame for an empty store).

        Only the parts the ledger lists are read: a part written by a load that was killed
        before it committed is not part of the store.
        """
        files = [self._records_part(entry) for entry in self.ledger()]
        files = [path for path in files if path.exists()]
        if not files:
            return from_arrow(ARROW_SCHEMA.empty_table()).loc[:, columns or slice(None)]
        table = pq.ParquetDataset(files, schema=ARROW_SCHEMA).read(columns=columns)
        if columns:
            return from_arrow(_pad_schema(table)).loc[:, columns]
        return from_arrow(table)

    def read_quarantine(self) -> pd.DataFrame:
        """Every quarantined row of the files the ledger lists."""
        parts = [self._quarantine_part(entry) for entry in self.ledger()]
        frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in parts if path.exists()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))

    def replaced_by(self, batch_entries: list[dict]) -> list[dict]:
        """Ledger entries that loading these files replaces (same path or same content)."""
        paths = {entry["path"] for entry in batch_entries}
        hashes = {entry["sha256"] for entry in batch_entries}
        return [entry for entry in self.ledger() if entry["path"] in paths or entry["sha256"] in hashes]

    def commit(self, batches: list[FileBatch]) -> None:
        """Replace the records, quarantine rows and ledger entries of these files.

        The new parts are written first and the ledger last: until the ledger is replaced the
        store is what it was, so a load killed part-way loses nothing. quarantine.csv is then
        rebuilt from the parts, and parts no longer listed are removed.
        """
        replaced = self.replaced_by([batch.entry for batch in batches])
        for batch in batches:
            table, quarantine = to_arrow(batch.records), batch.quarantine.astype(str)
            atomic_write(self._records_part(batch.entry), lambda tmp, t=table: pq.write_table(t, tmp))
            atomic_write(self._quarantine_part(batch.entry), lambda tmp, q=quarantine: _write_quarantine(q, tmp))
        entries = [entry for entry in self.ledger() if entry not in replaced] + [b.entry for b in batches]
        ledger = {"schema_version": LEDGER_VERSION, "tool_version": __version__, "files": entries}
        atomic_write(self.ledger_path, lambda tmp: tmp.write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8"))

        everything = self.read_quarantine()
        atomic_write(self.quarantine_path, lambda tmp: _write_quarantine(everything, tmp))
        listed = {self._records_part(entry) for entry in entries} | {self._quarantine_part(entry) for entry in entries}
        for part in [*self.records_dir.glob("*.parquet"), *self.quarantine_dir.glob("*.csv")]:
            if part not in listed:
                part.unlink()

    def _records_part(self, entry: dict) -> Path:
        return self.records_dir / f"{entry['file_id']}.parquet"

    def _quarantine_part(self, entry: dict) -> Path:
        return self.quarantine_dir / f"{entry['file_id']}.csv"


def _write_quarantine(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, columns=list(QUARANTINE_COLUMNS))


def _pad_schema(table: pa.Table) -> pa.Table:
    """Add the canonical columns a column selection left out, empty, so from_arrow can run."""
    for field in ARROW_SCHEMA:
        if field.name not in table.column_names:
            table = table.append_column(pa.field(field.name, field.type), pa.nulls(len(table), field.type))
    return table.select(ARROW_SCHEMA.names)
