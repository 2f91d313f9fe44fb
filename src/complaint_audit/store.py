"""The canonical store: a folder of Parquet records, the quarantine and the load ledger.

Layout (DIR is the store):
- DIR/records/<file id>.parquet: the records loaded from one input file, in the canonical
  schema; the folder is a Parquet dataset that pandas and pyarrow read directly;
- DIR/quarantine.csv: every row that could not be loaded, with its reason;
- DIR/load.json: the ledger, one entry per input file (path, SHA-256, counts per reason).

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
        self.quarantine_path = self.root / "quarantine.csv"
        self.ledger_path = self.root / "load.json"

    def ledger(self) -> list[dict]:
        if not self.ledger_path.exists():
            return []
        return json.loads(self.ledger_path.read_text(encoding="utf-8"))["files"]

    def read_records(self, columns: list[str] | None = None) -> pd.DataFrame:
        """All records in the canonical schema (an empty frame for an empty store)."""
        files = sorted(self.records_dir.glob("*.parquet")) if self.records_dir.exists() else []
        if not files:
            return from_arrow(ARROW_SCHEMA.empty_table()).loc[:, columns or slice(None)]
        table = pq.ParquetDataset(files, schema=ARROW_SCHEMA).read(columns=columns)
        if columns:
            return from_arrow(_pad_schema(table)).loc[:, columns]
        return from_arrow(table)

    def read_quarantine(self) -> pd.DataFrame:
        if not self.quarantine_path.exists():
            return pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
        return pd.read_csv(self.quarantine_path, dtype=str, keep_default_na=False)

    def replaced_by(self, batch_entries: list[dict]) -> list[dict]:
        """Ledger entries that loading these files replaces (same path or same content)."""
        paths = {entry["path"] for entry in batch_entries}
        hashes = {entry["sha256"] for entry in batch_entries}
        return [entry for entry in self.ledger() if entry["path"] in paths or entry["sha256"] in hashes]

    def commit(self, batches: list[FileBatch]) -> None:
        """Replace the records, quarantine rows and ledger entries of these files."""
        replaced = self.replaced_by([batch.entry for batch in batches])
        replaced_paths = {entry["path"] for entry in replaced}
        for batch in batches:
            table = to_arrow(batch.records)
            atomic_write(self.records_dir / f"{batch.entry['file_id']}.parquet", lambda tmp, t=table: pq.write_table(t, tmp))
        kept_ids = {batch.entry["file_id"] for batch in batches}
        for entry in replaced:
            if entry["file_id"] not in kept_ids:
                (self.records_dir / f"{entry['file_id']}.parquet").unlink(missing_ok=True)

        quarantine = self.read_quarantine()
        quarantine = quarantine[~quarantine["source_file"].isin(replaced_paths | {b.entry["path"] for b in batches})]
        quarantine = pd.concat([quarantine, *(b.quarantine.astype(str) for b in batches)], ignore_index=True)
        atomic_write(self.quarantine_path, lambda tmp: quarantine.to_csv(tmp, index=False, columns=list(QUARANTINE_COLUMNS)))

        entries = [entry for entry in self.ledger() if entry not in replaced] + [b.entry for b in batches]
        ledger = {"schema_version": LEDGER_VERSION, "tool_version": __version__, "files": entries}
        atomic_write(self.ledger_path, lambda tmp: tmp.write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8"))


def _pad_schema(table: pa.Table) -> pa.Table:
    """Add the canonical columns a column selection left out, empty, so from_arrow can run."""
    for field in ARROW_SCHEMA:
        if field.name not in table.column_names:
            table = table.append_column(pa.field(field.name, field.type), pa.nulls(len(table), field.type))
    return table.select(ARROW_SCHEMA.names)
