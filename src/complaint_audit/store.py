"""The canonical store: a folder of Parquet records, the quarantine and the load ledger.

Layout (DIR is the store):
- DIR/records/<organisation>-<hash>/<year>/<file id>-<load>.parquet: the records loaded from one input file,
  in the canonical schema, of one organisation and the year each complaint was received, where
  the file holds at least OWN_PART_ROWS of them: a reader who wants one council or one year
  opens only those parts;
- DIR/records/shared/<year>/<file id>-<load>[-<n>].parquet: the file's records of that year of
  the organisations with fewer, together (several parts of up to about SHARED_PART_ROWS when
  there are more): a file and its footer cost about what reading a thousand or two records
  costs, so 4,000 records of 271 landlords make four parts, not a thousand (docs/scaling.md);
  the folder is a Parquet dataset that pandas and pyarrow read directly;
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
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from complaint_audit import __version__
from complaint_audit.allocators import use_column_allocators
from complaint_audit.columnwise import cores_for, take_rows
from complaint_audit.errors import UserError
from complaint_audit.lock import LOCK_NAME
from complaint_audit.paths import path_text
from complaint_audit.schema import ARROW_SCHEMA, CATEGORY_FIELDS, FIELD_NAMES, from_arrow, to_arrow
from complaint_audit.spreadsheet import safe_cells

LEDGER_VERSION = 3  # 2: records split by organisation and year; 3: small organisations' records shared by year
READABLE_LEDGER_VERSIONS = (2, 3)  # a version 2 ledger is a version 3 one without shared parts
# An organisation's records of a year from one file get their own part from this many on; fewer
# go into the year's shared part, which takes up to SHARED_PART_ROWS before another is started.
OWN_PART_ROWS = 10_000
SHARED_PART_ROWS = 100_000
# Parquet's min and max per row group, kept for what a reader filters on: dates, numbers and the
# organisation. Those of team names, case ids or letters help no reader and were a quarter of
# the time writing a part took.
_STATISTICS = [field.name for field in ARROW_SCHEMA if not pa.types.is_string(field.type)] + ["organisation"]
# organisation: where the row names one, so each organisation's report can count its own rows set aside.
QUARANTINE_COLUMNS = ("source_file", "source_row", "source", "organisation", "case_id", "stage", "reason", "detail", "raw")


# What Store.commit hands the records it stores to, with its ledger's entries.
RecordsReady = Callable[[pd.DataFrame, list[dict]], object]


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
    # The parts the records make when a loader took them in the store's order (in_store_order);
    # None, and Store.commit orders and cuts them itself.
    parts: list[Part] | None = None


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
        version = ledger.get("schema_version")
        if version not in READABLE_LEDGER_VERSIONS:
            older = isinstance(version, int) and version < min(READABLE_LEDGER_VERSIONS)
            raise UserError(f"{self.ledger_path}: made by {'an older' if older else 'another'} complaint-audit (store version "
                            f"{version}, this one reads {LEDGER_VERSION}); load the exports into a new store")
        return ledger["files"]

    def organisations(self) -> list[str]:
        """The organisations the store holds records of."""
        return sorted({name for entry in self.ledger() for part in entry["parts"] for name in _part_organisations(part)})

    def read_records(
        self,
        columns: list[str] | None = None,
        *,
        organisations: Collection[str] | None = None,
        years: Collection[int] | None = None,
    ) -> pd.DataFrame:
        """The records in the canonical schema, of some organisations and years received or all.

        Only the parts the ledger lists are read, and of those only the ones holding the
        organisations and years asked for: a part written by a load killed before it committed
        is not part of the store, and a reader of one council's year does not pay for the
        others' (but for the few others sharing a part with a small council).
        """
        use_column_allocators()
        parts = [part for entry in self.ledger() for part in entry["parts"]
                 if (organisations is None or not set(_part_organisations(part)).isdisjoint(organisations))
                 and (years is None or part["year"] in years)]
        if not parts:  # only the columns asked for are made: every one of the schema's takes its time
            return from_arrow(ARROW_SCHEMA.empty_table().select(columns or ARROW_SCHEMA.names))
        # Every part is written in ARROW_SCHEMA; names that repeat are read as dictionaries.
        wanted = set(columns or ARROW_SCHEMA.names)
        others_shared = organisations is not None and any(not set(_part_organisations(part)) <= set(organisations) for part in parts)
        read = list(columns) + (["organisation"] if others_shared and "organisation" not in columns else []) if columns else None
        table = pq.ParquetDataset([self.root / part["path"] for part in parts],
                                  read_dictionary=[name for name in CATEGORY_FIELDS if name in wanted | {"organisation"}]).read(columns=read)
        if others_shared:
            names = table["organisation"].cast(pa.string())
            table = table.filter(pc.is_in(names, value_set=pa.array(sorted(organisations), pa.string())))
        # Only the columns read are converted (from_arrow skips the others): a report reading nine of them paid for all.
        return from_arrow(table).loc[:, columns] if columns else from_arrow(table)

    def read_quarantine(self) -> pd.DataFrame:
        """Every quarantined row of the files the ledger lists."""
        return self._read_quarantine(self.ledger())

    def _read_quarantine(self, entries: list[dict]) -> pd.DataFrame:
        parts = [self._quarantine_part(entry) for entry in entries]
        # reindex: a store written before quarantine files had an organisation column
        frames = [pd.read_csv(path, dtype=str, keep_default_na=False).reindex(columns=list(QUARANTINE_COLUMNS), fill_value="")
                  for path in parts if path.exists()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))

    def replaced_by(self, batch_entries: list[dict]) -> list[dict]:
        """Ledger entries that loading these files replaces (same path or same content)."""
        paths = {entry["path"] for entry in batch_entries}
        hashes = {entry["sha256"] for entry in batch_entries}
        return [entry for entry in self.ledger() if entry["path"] in paths or entry["sha256"] in hashes]

    def commit(self, batches: list[FileBatch], records_ready: RecordsReady | None = None) -> None:
        """Replace the records, quarantine rows and ledger entries of these files.

        The new parts are written first, under names no earlier load used, and the ledger last:
        until the ledger is replaced the store is what it was, so a load killed part-way loses
        nothing and changes no part. quarantine.csv, written beside the parts, takes its place
        after the ledger. Then the store's own files no longer listed are removed: the parts of
        the entries replaced, and any a killed load left (its pending note lists them).

        RECORDS_READY is given the records the store then holds, as read_records returns them, and
        its ledger's entries: before anything is written where these files replace the whole store
        and are few enough to convert at once (a run's own store: its checks start while the parts
        are written), else once the store is written, read back.
        """
        earlier = self.ledger()
        replaced = self.replaced_by([batch.entry for batch in batches])
        kept = [entry for entry in earlier if entry not in replaced]
        load = secrets.token_hex(4)
        plans = [_plan(batch.records) if batch.parts is None else PartPlan(None, batch.parts) for batch in batches]
        # Parquet's writer and Arrow's CSV writer let go of the GIL: the parts are written a core
        # each, the quarantine files beside them (the whole one made safe by its writer meanwhile).
        # A load too small for a second core to pay (cores_for) is written in turn, here: its threads
        # would only start and wait on each other for the GIL (the sample's commit, 0.10 s against 0.06 s).
        pooled = cores_for(sum(len(batch.records) for batch in batches)) > 1
        at_once = records_ready is not None and not pooled and not kept
        if at_once:  # converted here, once: the records handed over are made from the tables written
            parts = [_arrow_partitions(batch.records, plan) for batch, plan in zip(batches, plans, strict=True)]
            # Before anything is written: an error there leaves the store as it was.
            records_ready(_from_tables([table for file_parts in parts for _, table in file_parts]),
                          [batch.entry for batch in batches])
        else:  # each file's parts cut as its turn comes: a large load's files are not all copied into store order at once
            parts = (_partitions(batch.records, plan) for batch, plan in zip(batches, plans, strict=True))
        written = {self._part_path(batch.entry, part, load) for batch, plan in zip(batches, plans, strict=True) for part in plan.parts}
        written |= {self._quarantine_dir_path(batch.entry, load) for batch in batches}
        left_by_killed_loads = self._pending()
        self._write_pending(left_by_killed_loads | written)
        quarantines = [batch.quarantine.astype(str) for batch in batches]
        # The other files' quarantine is read back; this load's is at hand. quarantine.csv is the
        # one people open in a spreadsheet: a formula in a bad row must show, not run.
        everything = pd.concat([self._read_quarantine(kept), *quarantines], ignore_index=True)
        committed = []
        with staged(self.quarantine_path) as whole_quarantine, \
                ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) if pooled else _InTurn() as writers:
            quarantines_written = [writers.submit(lambda: write_quarantine(safe_cells(everything), whole_quarantine))] + [
                writers.submit(atomic_write, self._quarantine_dir_path(batch.entry, load), partial(write_quarantine, quarantine))
                for batch, quarantine in zip(batches, quarantines, strict=True)
            ]
            for batch, file_parts in zip(batches, parts, strict=True):
                notes = list(writers.map(partial(self._write_part, batch.entry, load), file_parts))
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
        if records_ready is not None and not at_once:
            records_ready(self.read_records(), entries)

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

    def _part_path(self, entry: dict, part: Part, load: str) -> Path:
        if part.shared is None:
            return self.records_dir / _folder_name(part.organisations[0]) / str(part.year) / f"{entry['file_id']}-{load}.parquet"
        number = f"-{part.shared}" if part.shared else ""
        return self.records_dir / SHARED_FOLDER / str(part.year) / f"{entry['file_id']}-{load}{number}.parquet"

    def _write_part(self, entry: dict, load: str, written: tuple[Part, pd.DataFrame | pa.Table]) -> dict:
        """Write one input file's records of one organisation and year, or of a year's small
        organisations; the ledger's note of the part.

        Each part is made Arrow by the thread writing it, unless the commit made it Arrow already
        (records handed over before they are written): the whole file's records as Arrow at once,
        beside the frame, were the peak of a large load's commit.
        """
        part, records = written
        table = records if isinstance(records, pa.Table) else to_arrow(records)
        path = self._part_path(entry, part, load)
        # Dictionary pages only for the text that repeats: on case ids and pseudonyms, unique per
        # row, Parquet builds a dictionary only to give it up, at a cost (docs/scaling.md).
        atomic_write(path, lambda tmp: pq.write_table(table, tmp, use_dictionary=list(CATEGORY_FIELDS), write_statistics=_STATISTICS))
        where = path.relative_to(self.root).as_posix()
        if part.shared is None:
            return {"organisation": part.organisations[0], "year": part.year, "rows": part.rows, "path": where}
        return {"year": part.year, "organisations": dict(zip(part.organisations, part.counts, strict=True)), "rows": part.rows, "path": where}

    def _quarantine_part(self, entry: dict) -> Path:
        """The entry's quarantine file: where its ledger entry says, or (a store an earlier version wrote) by its file id."""
        return self.root / entry["quarantine"] if "quarantine" in entry else self.quarantine_dir / f"{entry['file_id']}.csv"

    def _quarantine_dir_path(self, entry: dict, load: str) -> Path:
        return self.quarantine_dir / f"{entry['file_id']}-{load}.csv"


# The shapes of the files a load writes, relative to the store (without the load's token: an
# earlier version's): a path from a ledger or pending note of any other shape is never removed.
_OWN_FILE = re.compile(r"records/[A-Za-z0-9 _-]+-[0-9a-f]{8}/\d+/[0-9a-f]{16}(-[0-9a-f]{8})?\.parquet"
                       r"|records/shared/\d+/[0-9a-f]{16}-[0-9a-f]{8}(-\d+)?\.parquet"
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


SHARED_FOLDER = "shared"  # an organisation's own folder always ends in -<hash>: no name can take this one


class Part(NamedTuple):
    """One part of an input file's records: an organisation's year (`shared` None), or a year's
    small organisations together (`shared` numbers the year's shared parts from 0)."""

    year: int
    organisations: tuple[str, ...]
    counts: tuple[int, ...]  # records of each organisation
    shared: int | None
    start: int  # the part's rows, in store order (PartPlan.order)
    stop: int

    @property
    def rows(self) -> int:
        return self.stop - self.start


class PartPlan(NamedTuple):
    """How an input file's records are kept: their order, and the parts that order is cut into."""

    order: np.ndarray | None  # row positions in store order; None where the rows are in that order already
    parts: list[Part]


def _plan(records: pd.DataFrame) -> PartPlan:
    """The parts an input file's records make, and the order that lays each part's rows side by side.

    First the organisations' own parts (an organisation and year with at least OWN_PART_ROWS
    records), by organisation and year; then each year's shared part of the other organisations,
    by year and organisation, cut where it would pass SHARED_PART_ROWS (an organisation's year is
    never cut). Within a part, the file's order. One organisation's records therefore come back
    in the order they always did, by year; it is only the order between organisations that
    the shared parts change. The loop runs over (organisation, year) pairs, not rows.
    """
    if records.empty:
        return PartPlan(np.zeros(0, dtype=np.int64), [])
    codes, names = pd.factorize(records["organisation"], sort=True)
    # A row lacking either (none a loader keeps) would go first (-1).
    names = np.append(names.to_numpy(dtype=object), "")
    years = records["received"].dt.year.fillna(-1).to_numpy(dtype=np.int64)
    # One integer per (organisation, year), ordered as the pairs are. The pairs are few, so they
    # are found by hashing and only they are sorted: sorting the rows' integers (np.unique) took
    # 0.7 s at five million rows, this 0.05 s.
    first_year, span = int(years.min()), int(years.max() - years.min()) + 1
    pair_of_row, keys = pd.factorize(codes.astype(np.int64) * span + (years - first_year), sort=True)
    counts = np.bincount(pair_of_row, minlength=len(keys))
    pairs = np.stack([keys // span, keys % span + first_year], axis=1)
    shared_pair = counts < OWN_PART_ROWS
    # Own parts by (organisation, year), then shared ones by (year, organisation); file order within.
    pair_order = np.lexsort((np.where(shared_pair, pairs[:, 0], pairs[:, 1]), np.where(shared_pair, pairs[:, 1], pairs[:, 0]), shared_pair))
    place = np.argsort(pair_order)  # each pair's place in that order
    # Each row sorted by its pair's place, stably; a small integer type lets numpy sort by radix.
    order = np.argsort(place[pair_of_row].astype(np.min_scalar_type(len(pair_order))), kind="stable")
    parts: list[Part] = []
    start = 0
    for pair in pair_order:
        code, year, count = int(pairs[pair, 0]), int(pairs[pair, 1]), int(counts[pair])
        last = parts[-1] if parts else None
        if shared_pair[pair] and last is not None and last.shared is not None and last.year == year:
            if last.rows + count <= SHARED_PART_ROWS:
                parts[-1] = last._replace(organisations=last.organisations + (names[code],), counts=last.counts + (count,),
                                          stop=last.stop + count)
            else:
                parts.append(Part(year, (names[code],), (count,), last.shared + 1, start, start + count))
        else:
            parts.append(Part(year, (names[code],), (count,), 0 if shared_pair[pair] else None, start, start + count))
        start += count
    return PartPlan(order, parts)


def in_store_order(records: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, list[Part]]:
    """The canonical fields of RECORDS' rows at positions ROWS, taken in the order the store keeps
    them (see _plan), and the parts that order is cut into.

    A loader that drops its bad rows takes every column once anyway: taken in this order, the
    store neither sorts them again nor works the plan out a second time. The fields are moved
    out of RECORDS as they are taken (take_rows' release): the loader is done with them.
    """
    plan = _plan(records[["organisation", "received"]].iloc[rows])
    return take_rows(records, rows[plan.order], list(FIELD_NAMES), release=True), plan.parts


class _InTurn(Executor):
    """An executor that runs each task when it is submitted, in the submitting thread."""

    def submit(self, task, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(task(*args, **kwargs))
        except BaseException as error:  # raised where its result is asked for, as from a pool's thread
            future.set_exception(error)
        return future


def _from_tables(tables: list[pa.Table]) -> pd.DataFrame:
    """The records of parts converted to Arrow, as read_records makes them from the parts written."""
    return from_arrow(pa.concat_tables(tables) if tables else ARROW_SCHEMA.empty_table())


def _part_organisations(part: dict) -> list[str]:
    """The organisations a ledger's part holds: its own, or those sharing it."""
    return [part["organisation"]] if "organisation" in part else list(part["organisations"])


def _partitions(records: pd.DataFrame, plan: PartPlan) -> list[tuple[Part, pd.DataFrame]]:
    """The records cut into the plan's parts: each a slice of the frame in store order."""
    if records.empty:
        return []
    records = _in_store_order(records, plan)
    return [(part, records.iloc[part.start : part.stop]) for part in plan.parts]


def _arrow_partitions(records: pd.DataFrame, plan: PartPlan) -> list[tuple[Part, pa.Table]]:
    """_partitions' parts as Arrow tables: the file's records converted once, each part a slice of the table (a
    conversion a part took twice as long for the sample's six parts of three files, 23 ms against 11 ms)."""
    if records.empty:
        return []
    table = to_arrow(_in_store_order(records, plan))
    return [(part, table.slice(part.start, part.rows)) for part in plan.parts]


def _in_store_order(records: pd.DataFrame, plan: PartPlan) -> pd.DataFrame:
    """The records put in store order, unless they are in it already (a loader takes its rows in_store_order)."""
    if plan.order is not None and (np.diff(plan.order) != 1).any():
        return take_rows(records, plan.order)
    return records


def write_quarantine(frame: pd.DataFrame, path: Path) -> None:
    """Arrow's CSV writer: it quotes every text value (so a bad row's line breaks and lone carriage
    returns stay inside their cell), lets go of the GIL, and is many times faster than pandas'
    writer (docs/scaling.md)."""
    pacsv.write_csv(pa.Table.from_pandas(frame[list(QUARANTINE_COLUMNS)], preserve_index=False), path)
