"""The canonical store: a folder of Parquet records, the quarantine and the load ledger.

Layout (DIR is the store):
- DIR/records/<organisation>-<hash>/<year>/<file id>-<load>.parquet: the records loaded from one input file,
  in the canonical schema, split by organisation and the year each complaint was received, so
  that a reader who wants one council or one year opens only those parts (the folder is a
  Parquet dataset that pandas and pyarrow read directly);
- DIR/quarantine/<file id>-<load>.csv and DIR/quarantine.csv: the rows that could not be loaded,
  with their reasons, per input file and all together;
- DIR/load.json: the ledger, one entry per input file (path, SHA-256, counts per reason, its
  parts); it is written last, so it says which parts make up the store;
- DIR/load.pending.json, while a load writes: the parts it is about to write, so that the next
  load can remove them if this one is killed before its ledger;
- DIR/reviews/<workbook>.parquet: the reviewers' scores imported from one review workbook
  (`complaint-audit reviews import`), one row per case and criterion.

Loading the same file again (the same path or the same content) replaces its records instead of
adding to them. Each load writes its parts under new names (<load> is a random token) and
replaces the ledger last, so a load interrupted at any point leaves the previous store intact,
parts and all. A store deletes only its own files: parts an earlier ledger listed, or that a
pending note says a load wrote. A folder that is neither empty nor a store is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from complaint_audit import __version__
from complaint_audit.errors import UserError
from complaint_audit.lock import LOCK_NAME
from complaint_audit.paths import path_text
from complaint_audit.schema import ARROW_SCHEMA, CATEGORY_FIELDS, from_arrow, to_arrow
from complaint_audit.spreadsheet import safe_cells

LEDGER_VERSION = 2  # 2: records split by organisation and year
QUARANTINE_COLUMNS = ("source_file", "source_row", "source", "case_id", "stage", "reason", "detail", "raw")


@dataclass(frozen=True)
class FileBatch:
    """What one input file contributes to the store."""

    entry: dict  # the ledger entry: path, sha256, profile, counts ...
    records: pd.DataFrame  # canonical frame
    quarantine: pd.DataFrame  # QUARANTINE_COLUMNS
    # The rows combined into records of several (ingest/combine.py's members), so that a record
    # found again in another file is quarantined row by row; None when nothing was combined.
    members: pd.DataFrame | None = None
    # The names and places masked in this file's text (ingest.privacy.PersonalTerms): response
    # letters matched to its cases are masked with them too. Not stored.
    personal_terms: object = None


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename over `path`."""
    with staged(path) as temporary:
        write(temporary)


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, renamed over it if the block ends without an error, removed if not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def require_text_path(folder: Path, what: str) -> None:
    """Refuse a folder to write into whose absolute path is not text: Arrow takes paths as UTF-8,
    so a folder named in another system's encoding ('caf\\xe9') would stop the first Parquet file
    written, after the exports had been read."""
    where = path_text(folder.absolute())
    if where != folder.absolute().as_posix():
        raise UserError(f"{where}: the {what}'s path is not UTF-8 text, which the Parquet store needs; "
                        "choose a folder whose path is (or rename the folder)")


class Store:
    """A store folder; reading works on any folder, writing creates what is missing."""

    def __init__(self, root: Path):
        self.root = Path(root)
        require_text_path(self.root, "store folder")
        self.records_dir = self.root / "records"
        self.quarantine_dir = self.root / "quarantine"
        self.quarantine_path = self.root / "quarantine.csv"
        self.ledger_path = self.root / "load.json"
        self.pending_path = self.root / "load.pending.json"
        self.reviews_dir = self.root / "reviews"

    def require_store_or_empty(self) -> None:
        """Refuse a folder to load into that is neither missing, empty nor a store: a load deletes
        the parts it replaces, and in someone else's folder nothing is the store's to delete."""
        if not self.root.exists():
            return
        if not self.root.is_dir():
            raise UserError(f"{path_text(self.root)}: a file, not a store folder; give --store a new or empty folder, or a store")
        if self.ledger_path.is_file() or self.pending_path.is_file():
            return
        others = sorted(set(os.listdir(self.root)) - {LOCK_NAME})
        if others:
            more = f" and {len(others) - 1} more" if len(others) > 1 else ""
            raise UserError(f"{self.root}: not a store (no load.json) and not empty (it holds {others[0]}{more}); "
                            "give --store a new or empty folder, or a store that `load` wrote")

    def ledger(self) -> list[dict]:
        if not self.ledger_path.exists():
            return []
        try:
            ledger = json.loads(self.ledger_path.read_text(encoding="utf-8"))
        except ValueError:  # not UTF-8 or not JSON
            ledger = None
        if not isinstance(ledger, dict) or not isinstance(ledger.get("files"), list):
            raise UserError(f"{self.ledger_path}: not a store's ledger (not the JSON `load` writes); "
                            "load the exports into a new store")
        if ledger.get("schema_version") != LEDGER_VERSION:
            raise UserError(f"{self.ledger_path}: made by an older complaint-audit (store version "
                            f"{ledger.get('schema_version')}, this one reads {LEDGER_VERSION}); load the exports into a new store")
        return ledger["files"]

    def organisations(self) -> list[str]:
        """The organisations the store holds records of."""
        return sorted({part["organisation"] for entry in self.ledger() for part in entry["parts"]})

    def read_records(
        self,
        columns: list[str] | None = None,
        *,
        organisations: Collection[str] | None = None,
        years: Collection[int] | None = None,
    ) -> pd.DataFrame:
        """The records in the canonical schema, of some organisations and years received or all.

        Only the parts the ledger lists are read, and of those only the organisations and
        years asked for: a part written by a load killed before it committed is not part of
        the store, and a reader of one council's year does not pay for the others'.
        """
        files = [
            self.root / part["path"]
            for entry in self.ledger()
            for part in entry["parts"]
            if (organisations is None or part["organisation"] in organisations) and (years is None or part["year"] in years)
        ]
        if not files:
            return from_arrow(ARROW_SCHEMA.empty_table()).loc[:, columns or slice(None)]
        # Every part is written in ARROW_SCHEMA; names that repeat are read as dictionaries.
        wanted = set(columns or ARROW_SCHEMA.names)
        table = pq.ParquetDataset(files, read_dictionary=[name for name in CATEGORY_FIELDS if name in wanted]).read(columns=columns)
        if columns:
            return from_arrow(_pad_schema(table)).loc[:, columns]
        return from_arrow(table)

    def read_quarantine(self) -> pd.DataFrame:
        """Every quarantined row of the files the ledger lists."""
        return self._read_quarantine(self.ledger())

    def _read_quarantine(self, entries: list[dict]) -> pd.DataFrame:
        parts = [self._quarantine_part(entry) for entry in entries]
        frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in parts if path.exists()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))

    def replaced_by(self, batch_entries: list[dict]) -> list[dict]:
        """Ledger entries that loading these files replaces (same path or same content)."""
        paths = {entry["path"] for entry in batch_entries}
        hashes = {entry["sha256"] for entry in batch_entries}
        return [entry for entry in self.ledger() if entry["path"] in paths or entry["sha256"] in hashes]

    def commit(self, batches: list[FileBatch]) -> None:
        """Replace the records, quarantine rows and ledger entries of these files.

        The new parts are written first, under names no earlier load used, and the ledger last:
        until the ledger is replaced the store is what it was, so a load killed part-way loses
        nothing and changes no part. quarantine.csv, written beside the parts, takes its place
        after the ledger. Then the store's own files no longer listed are removed: the parts of
        the entries replaced, and any a killed load left (its pending note lists them).
        """
        earlier = self.ledger()
        replaced = self.replaced_by([batch.entry for batch in batches])
        kept = [entry for entry in earlier if entry not in replaced]
        load = secrets.token_hex(4)
        written = {self._part_path(batch.entry, organisation, year, load)
                   for batch in batches for organisation, year in _partition_keys(batch.records)}
        written |= {self._quarantine_dir_path(batch.entry, load) for batch in batches}
        left_by_killed_loads = self._pending()
        self._write_pending(left_by_killed_loads | written)
        quarantines = [batch.quarantine.astype(str) for batch in batches]
        # The other files' quarantine is read back; this load's is at hand. quarantine.csv is the
        # one people open in a spreadsheet: a formula in a bad row must show, not run.
        everything = safe_cells(pd.concat([self._read_quarantine(kept), *quarantines], ignore_index=True))
        committed = []
        # Parquet's writer and Arrow's CSV writer let go of the GIL: the parts are written a core
        # each, the quarantine files beside them.
        with staged(self.quarantine_path) as whole_quarantine, ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as writers:
            quarantines_written = [writers.submit(_write_quarantine, everything, whole_quarantine)] + [
                writers.submit(atomic_write, self._quarantine_dir_path(batch.entry, load), partial(_write_quarantine, quarantine))
                for batch, quarantine in zip(batches, quarantines)
            ]
            for batch in batches:
                notes = list(writers.map(partial(self._write_part, batch.entry, load), _partitions(batch.records)))
                quarantine_part = self._quarantine_dir_path(batch.entry, load).relative_to(self.root).as_posix()
                committed.append({**batch.entry, "parts": notes, "quarantine": quarantine_part})
            for future in quarantines_written:
                future.result()
            entries = kept + committed
            ledger = {"schema_version": LEDGER_VERSION, "tool_version": __version__, "files": entries}
            atomic_write(self.ledger_path, lambda tmp: tmp.write_text(json.dumps(ledger, indent=2) + "\n", encoding="utf-8"))
        listed = self._files_of(entries)
        for path in (self._files_of(earlier) | left_by_killed_loads | written) - listed:
            if self._own(path):
                _remove_with_temporaries(path, self.records_dir)
        for fixed in (self.quarantine_path, self.ledger_path, self.pending_path):  # a killed load's temporaries
            for temporary in self.root.glob(f".{fixed.name}.*.tmp"):
                temporary.unlink(missing_ok=True)
        self.pending_path.unlink()

    def _files_of(self, entries: list[dict]) -> set[Path]:
        """The parts and quarantine files the ledger entries list."""
        return {self.root / part["path"] for entry in entries for part in entry["parts"]} | {
            self._quarantine_part(entry) for entry in entries}

    def _pending(self) -> set[Path]:
        """The parts a killed load was writing (its pending note), if any: the store's own files, so
        removable (`_own` still checks each before it goes)."""
        if not self.pending_path.is_file():
            return set()
        try:
            noted = json.loads(self.pending_path.read_text(encoding="utf-8"))
        except ValueError:
            return set()
        return {self.root / name for name in noted if isinstance(name, str)} if isinstance(noted, list) else set()

    def _own(self, path: Path) -> bool:
        """Whether PATH has the shape of a file a load writes, inside this store."""
        return _OWN_FILE.fullmatch(path.relative_to(self.root).as_posix()) is not None if path.is_relative_to(self.root) else False

    def _write_pending(self, paths: set[Path]) -> None:
        names = sorted(path.relative_to(self.root).as_posix() for path in paths)
        atomic_write(self.pending_path, lambda tmp: tmp.write_text(json.dumps(names, indent=1) + "\n", encoding="utf-8"))

    def write_reviews(self, name: str, scores: pd.DataFrame) -> Path:
        """Store the scores of one review workbook as reviews/<name>.parquet, replacing an earlier import of it."""
        path = self.reviews_dir / f"{name}.parquet"
        atomic_write(path, lambda tmp: scores.to_parquet(tmp, index=False))
        return path

    def read_reviews(self) -> pd.DataFrame | None:
        """Every imported reviewer's score (see complaint_audit.review), or None when no review was imported."""
        parts = sorted(self.reviews_dir.glob("*.parquet"))
        return pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True) if parts else None

    def _part_path(self, entry: dict, organisation: str, year: int, load: str) -> Path:
        return self.records_dir / _folder_name(organisation) / str(year) / f"{entry['file_id']}-{load}.parquet"

    def _write_part(self, entry: dict, load: str, part: Part) -> dict:
        """Write one input file's records of one organisation and year; the ledger's note of the part."""
        path = self._part_path(entry, part.organisation, part.year, load)
        # Dictionary pages only for the text that repeats: on case ids and pseudonyms, unique per
        # row, Parquet builds a dictionary only to give it up (writes at 1M: 2.8 -> 2.1 s of CPU).
        atomic_write(path, lambda tmp: pq.write_table(part.table, tmp, use_dictionary=list(CATEGORY_FIELDS)))
        return {"organisation": part.organisation, "year": part.year, "rows": len(part.table), "path": path.relative_to(self.root).as_posix()}

    def _quarantine_part(self, entry: dict) -> Path:
        """The entry's quarantine file: where its ledger entry says, or (a store an earlier version wrote) by its file id."""
        return self.root / entry["quarantine"] if "quarantine" in entry else self.quarantine_dir / f"{entry['file_id']}.csv"

    def _quarantine_dir_path(self, entry: dict, load: str) -> Path:
        return self.quarantine_dir / f"{entry['file_id']}-{load}.csv"


# The shapes of the files a load writes, relative to the store (without the load's token: an
# earlier version's): a path from a ledger or pending note of any other shape is never removed.
_OWN_FILE = re.compile(r"records/[A-Za-z0-9 _-]+-[0-9a-f]{8}/\d+/[0-9a-f]{16}(-[0-9a-f]{8})?\.parquet"
                       r"|quarantine/[0-9a-f]{16}(-[0-9a-f]{8})?\.csv")


def _remove_with_temporaries(path: Path, records_dir: Path) -> None:
    """Remove a store's file, the temporary a killed write left beside it, and the year and
    organisation folders it leaves empty."""
    path.unlink(missing_ok=True)
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        temporary.unlink(missing_ok=True)
    for folder in (path.parent, path.parent.parent):
        if folder.is_relative_to(records_dir) and folder != records_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _folder_name(organisation: str) -> str:
    """A folder name for an organisation: readable, short, never '..', unique by a hash of the full name."""
    readable = re.sub(r"[^A-Za-z0-9 _-]+", "_", organisation)[:60].strip(" _") or "organisation"
    return f"{readable}-{hashlib.sha256(organisation.encode()).hexdigest()[:8]}"


class Part(NamedTuple):
    """One input file's records of one organisation and year received."""

    organisation: str
    year: int
    table: pa.Table


def _part_keys(records: pd.DataFrame) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """(organisation code, the organisations, year received) per record: what a part is made of."""
    organisation_codes, organisations = pd.factorize(records["organisation"], sort=True)
    return organisation_codes, organisations, records["received"].dt.year.to_numpy()


def _partition_keys(records: pd.DataFrame) -> list[tuple[str, int]]:
    """The (organisation, year received) of each part the records make, without making the parts."""
    if records.empty:
        return []
    organisation_codes, organisations, years = _part_keys(records)
    pairs = np.unique(np.stack([organisation_codes, years], axis=1), axis=0)
    return [(organisations[code], int(year)) for code, year in pairs]


def part_order(records: pd.DataFrame) -> np.ndarray:
    """Row positions in the order the store keeps records: by organisation and year, file order within.

    A loader that takes its rows in this order anyway (to drop bad ones) spares the store a sort.
    """
    organisation_codes, _, years = _part_keys(records)
    return np.lexsort((years, organisation_codes))


def _partitions(records: pd.DataFrame) -> list[Part]:
    """The records split by organisation and year received, as Arrow, in key order.

    The frame is converted once and sorted by the key unless it is in key order already
    (stable, so each part keeps the file's order); each part is then a zero-copy slice, not a
    copy made by a groupby.
    """
    if records.empty:
        return []
    organisation_codes, organisations, years = _part_keys(records)
    table = to_arrow(records)
    organisation_step, year_step = np.diff(organisation_codes), np.diff(years)
    if ((organisation_step < 0) | ((organisation_step == 0) & (year_step < 0))).any():
        order = np.lexsort((years, organisation_codes))
        table, organisation_codes, years = table.take(order), organisation_codes[order], years[order]
    starts = np.flatnonzero(np.r_[True, (np.diff(organisation_codes) != 0) | (np.diff(years) != 0)])
    ends = np.r_[starts[1:], len(organisation_codes)]
    return [
        Part(organisations[organisation_codes[start]], int(years[start]), table.slice(start, end - start))
        for start, end in zip(starts, ends)
    ]


def _write_quarantine(frame: pd.DataFrame, path: Path) -> None:
    """Arrow's CSV writer: it quotes every text value (so a bad row's line breaks and lone carriage
    returns stay inside their cell), lets go of the GIL, and wrote the 1M-row benchmark's 17,000
    quarantined rows in 0.04 s where pandas' writer took 0.46 s."""
    pacsv.write_csv(pa.Table.from_pandas(frame[list(QUARANTINE_COLUMNS)], preserve_index=False), path)


def _pad_schema(table: pa.Table) -> pa.Table:
    """Add the canonical columns a column selection left out, empty, so from_arrow can run."""
    for field in ARROW_SCHEMA:
        if field.name not in table.column_names:
            table = table.append_column(pa.field(field.name, field.type), pa.nulls(len(table), field.type))
    return table.select(ARROW_SCHEMA.names)
