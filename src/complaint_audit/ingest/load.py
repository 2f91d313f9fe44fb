"""Load export files into the store: read, reshape, convert, validate, pseudonymise, commit.

Every file is read and checked before anything is written, so an unusable file (exit 2)
leaves the store as it was. Rows read = rows loaded + rows quarantined, for every file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.allocators import use_column_allocators
from complaint_audit.columnwise import map_columns, map_stacked, take_rows
from complaint_audit.errors import UserError, writing_into
from complaint_audit.ingest.combine import combine_rows
from complaint_audit.ingest.combine_rules import REPEATED_ROWS_NOTED_ABOVE_PERCENT, combine_lines, propose_rules
from complaint_audit.ingest.convert import convert
from complaint_audit.ingest.distinct import distinct_values
from complaint_audit.ingest.formats import read_export
from complaint_audit.ingest.formats.tables import SOURCE_ROW
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.ingest.privacy import (
    FREE_TEXT_FIELDS,
    PersonalTerms,
    personal_terms,
    pseudonymise,
    redact,
    redact_cells,
    redact_distinct,
    require_key,
    screen_names,
)
from complaint_audit.ingest.profile import Profile
from complaint_audit.ingest.raw_json import json_lines
from complaint_audit.ingest.stages import STAGE_PROBLEM, to_stage_rows
from complaint_audit.ingest.validate import REASONS, CaseIds, quarantine_reasons
from complaint_audit.lock import exclusive
from complaint_audit.paths import path_text
from complaint_audit.progress import Progress
from complaint_audit.schema import FIELD_NAMES, FIELDS, RECORD_KEY
from complaint_audit.store import QUARANTINE_COLUMNS, FileBatch, RecordsReady, Store, in_store_order

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess, Pending

# Long free text is left out of the quarantine's raw values: it is not what made a row fail.
_RAW_EXCLUDED = {"response_text"}


@dataclass(frozen=True)
class LoadJob:
    """One file to load with its profile; `label` is how the file is named in outputs."""

    path: Path
    profile: Profile
    label: str


@dataclass
class LoadReport:
    """The reconciliation of one load: per file entries (as in load.json) and warnings."""

    files: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    letters: object = None  # letters.reconcile.LetterReport when [letters] is configured

    @property
    def read(self) -> int:
        return sum(entry["read"] for entry in self.files)

    @property
    def quarantined(self) -> int:
        return sum(entry["quarantined"] for entry in self.files)

    @property
    def records(self) -> int:
        """Records stored: rows loaded, less those combined into records of several rows."""
        return sum(entry["records"] for entry in self.files)

    @property
    def combined_rows(self) -> int:
        """Rows loaded that were combined with others of their case and stage ..."""
        return sum(entry["combined_rows"] for entry in self.files)

    @property
    def combined_records(self) -> int:
        """... into this many records."""
        return sum(entry["combined_records"] for entry in self.files)

    @property
    def quarantine_percent(self) -> float:
        return 100.0 * self.quarantined / self.read if self.read else 0.0

    def exceeds(self, max_quarantine: float | None) -> bool:
        """Whether more than MAX_QUARANTINE percent of the rows read were quarantined (never without a limit)."""
        return max_quarantine is not None and self.quarantine_percent > max_quarantine

    def reconciliation(self) -> dict:
        """Rows read = loaded + quarantined, in total and per file with the rows per reason, as plain data.

        Rows loaded count every row combined into a record; `combined_rows` of them were
        combined into `combined_records` records, and `records` were stored. The warnings are
        the lines `load` prints on stderr (many rows repeating a case with no [combine] ...).
        """
        files = [{key: entry[key] for key in _RECONCILED} for entry in self.files]
        return {"read": self.read, "loaded": self.read - self.quarantined, "quarantined": self.quarantined,
                "quarantine_percent": round(self.quarantine_percent, 1), "records": self.records,
                "combined_rows": self.combined_rows, "combined_records": self.combined_records, "files": files,
                "warnings": list(self.warnings)}


# What `run --json` says of each file: as load.json has it, less the hashes and the profile's path.
_RECONCILED = ("path", "profile", "source_rows", "read", "loaded", "quarantined", "reasons", "records", "combined_rows",
               "combined_records")


# What the load does to its batches just before they are stored (the response letters' text
# joining their records): it returns what to report of it.
BeforeCommit = Callable[[list[FileBatch]], object]


def load_into_store(
    jobs: list[LoadJob], store_dir: Path, *, key: str | None, defaults: dict[str, str], progress: Progress | None = None,
    before_commit: BeforeCommit | None = None, elsewhere: Mapping[int, Pending[LoadedFile]] | None = None,
    records_ready: RecordsReady | None = None,
) -> LoadReport:
    """Load every job's file into the store at `store_dir`, replacing earlier loads of the same files.

    ELSEWHERE holds the jobs, by position, being loaded in a helper process (hand_out): each the helper has not begun
    by the time this process comes to it is loaded here instead. RECORDS_READY is given the records the store holds
    and its ledger's entries, as soon as they are known (Store.commit)."""
    use_column_allocators()
    store = Store(store_dir)
    store.require_store_or_empty()  # before the lock, which would leave its file in someone else's folder
    with exclusive(store_dir, "loading into this store"), writing_into(store_dir):
        return _load_into_store(jobs, store, key=key, defaults=defaults, progress=progress, before_commit=before_commit,
                                elsewhere=elsewhere or {}, records_ready=records_ready)


# A file's load: its batch and its warnings.
LoadedFile = tuple[FileBatch, list[str]]

# An export handed to a run's helper process is loaded there and sent back pickled, which copies it. Below this size a
# file's load is mostly fixed costs, which the helper then pays beside this process (the bundled sample's run: 0.3 s
# sooner); a larger file is loaded here, a core a column (columnwise.py), without the copy.
SHARED_FILE_BYTES = 16 << 20


def hand_out(jobs: list[LoadJob], helper: HelperProcess, *, key: str | None, defaults: dict[str, str]
             ) -> dict[int, Pending[LoadedFile]]:
    """The jobs after the first whose files are under SHARED_FILE_BYTES, given to HELPER to load from the last, while
    load_into_store loads the others in order (ELSEWHERE): each side takes the next one the other has not begun, so
    neither waits on the other for longer than one file takes. A file that is not a regular one is loaded here, which
    refuses it by name."""
    return {position: helper.submit(load_alone, jobs[position], key, defaults)
            for position in reversed(range(1, len(jobs))) if _small_file(jobs[position].path)}


def _small_file(path: Path) -> bool:
    try:
        status = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size < SHARED_FILE_BYTES


def load_alone(job: LoadJob, key: str | None, defaults: dict[str, str]) -> LoadedFile:
    """load_file of one job, its hash worked out after it: what a helper process runs for a job handed to it."""
    check_input_file(job.path)

    def hashed() -> Future[str]:
        digest: Future[str] = Future()
        digest.set_result(_sha256(job))
        return digest

    return load_file(job, hashed, key=key, defaults=defaults)


def _load_into_store(
    jobs: list[LoadJob], store: Store, *, key: str | None, defaults: dict[str, str], progress: Progress | None,
    before_commit: BeforeCommit | None, elsewhere: Mapping[int, Pending[LoadedFile]], records_ready: RecordsReady | None,
) -> LoadReport:
    for job in jobs:
        check_input_file(job.path)  # before the hasher opens it: a pipe would never end
    report = LoadReport()
    batches: list[FileBatch] = []
    seen_hashes: set[str] = set()
    loaded: dict[int, LoadedFile] = {}
    # Each file is hashed on another core while it is loaded (hashlib lets go of the GIL), so
    # content given twice is only found once it is loaded: a rare waste for a common saving.
    with ThreadPoolExecutor(max_workers=1) as hasher:
        for position, job in enumerate(jobs):
            if position in elsewhere and not elsewhere[position].withdraw():
                continue  # begun by the helper
            if progress:
                progress(f"loading {job.label}", position, len(jobs))
            if not job.path.is_file():
                _sha256(job)  # says which file is missing
            loaded[position] = _loaded(job, partial(load_file, job, partial(hasher.submit, _sha256, job), key=key,
                                                    defaults=defaults))
    for position, job in enumerate(jobs):
        if position not in loaded and progress:
            progress(f"loading {job.label}", position, len(jobs))
        batch, warnings = loaded.pop(position) if position in loaded else _loaded(job, elsewhere[position].result)
        if batch.entry["sha256"] in seen_hashes:
            report.warnings.append(f"{job.label}: the same content was given twice in this load; loaded once")
            continue
        seen_hashes.add(batch.entry["sha256"])
        batches.append(batch)
        report.warnings.extend(warnings)

    _quarantine_duplicates_across_files(batches, store)
    if before_commit is not None:
        report.letters = before_commit(batches)
    store.commit(batches, records_ready)
    report.files = [batch.entry for batch in batches]
    return report


def _loaded(job: LoadJob, load: Callable[[], LoadedFile]) -> LoadedFile:
    """LOAD() of JOB, with what to do when the file is too large for the memory left."""
    try:
        return load()
    except MemoryError:
        raise _out_of_memory(job) from None


def _out_of_memory(job: LoadJob) -> UserError:
    """A file too large for the memory left: what is needed, and what to do (the limits in
    limits.py catch the files that only declare a size; this is a real file that big)."""
    size = job.path.stat().st_size / 1024**2
    return UserError(f"{job.label}: not enough memory to load this {size:,.0f} MB file (a load needs 5 to 20 times "
                     f"an export's size, docs/scaling.md); close other programs, use a machine with more memory, "
                     f"or split the export")


def _sha256(job: LoadJob) -> str:
    """The file's SHA-256, streamed: the file is read whole only once, by its reader."""
    try:
        with job.path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        raise UserError(f"{job.label}: file not found") from None


def load_file(job: LoadJob, start_hashing: Callable[[], Future[str]], *, key: str | None, defaults: dict[str, str]) -> LoadedFile:
    """One file -> its records, its quarantine and its ledger entry (nothing written).

    `start_hashing` starts working out the file's hash, wanted once the entry is written. It is
    started after the parse: the parse keeps both cores busy, the steps after it mostly one.
    """
    profile = job.profile
    raw = read_export(job.path, profile)
    sha256 = start_hashing()
    stage_rows = to_stage_rows(raw.frame, profile, job.label)
    personal = _personal_data(raw.frame, profile, key)
    source_rows, file_format, encoding = len(raw.frame), raw.format, raw.encoding
    del raw  # the export itself, the largest frame, is done with before conversion makes more
    rows = stage_rows.frame
    converted = convert(rows.drop(columns=[STAGE_PROBLEM, SOURCE_ROW]), profile, defaults)
    records = converted.frame
    # One name on every row: as categoricals (CATEGORY_FIELDS) a row holds a byte, not a copy of it (64 MB at 1M rows).
    same_on_every_row = np.zeros(len(records), dtype=np.int8)
    records["source"] = pd.Categorical.from_codes(same_on_every_row, categories=[profile.name])
    records["source_file"] = pd.Categorical.from_codes(same_on_every_row, categories=[job.label])
    records["source_row"] = rows[SOURCE_ROW].astype("int64")
    records["combined_rows"] = np.int64(1)
    terms, case_ids = _protect_personal_data(records, stage_rows.export_rows, personal)
    del personal  # the personal columns' values: what is masked is in TERMS now
    rules = profile.combine_rules()
    reason, detail = quarantine_reasons(records, rows[STAGE_PROBLEM], converted.problem, converted.detail, case_ids,
                                        combine=rules is not None)
    bad = reason.notna()
    bad_records = records[bad]
    repeated_case = _repeated_case_warning(records, reason, job.label, profile)
    good = np.flatnonzero(~bad.to_numpy())
    # The quarantine is made from the bad rows' copy and the raw values, one core's work, while
    # the good rows are taken into the store's order (memory-bound, and on both cores only in part).
    with ThreadPoolExecutor(max_workers=1) as quarantining:
        quarantined = quarantining.submit(_quarantine_frame, bad_records.assign(case_id=case_ids.masked_rows(bad.to_numpy(), bad_records.index)),
                                          stage_rows.frame.loc[bad_records.index], stage_rows.origins, reason[bad], detail[bad], profile, terms)
        del stage_rows, rows, converted  # the raw values are done with but for the bad rows': free them before the copy below
        if rules is None:
            # One take both drops the bad rows and puts the rest in the store's order.
            loaded, parts = in_store_order(records, good)
            members = None
        else:
            combined = combine_rows(take_rows(records, good, list(FIELD_NAMES), release=True), rules)
            loaded, parts = in_store_order(combined.records, np.arange(len(combined.records)))
            members = combined.members if len(combined.members) else None
        quarantine = quarantined.result()
    digest = sha256.result()
    entry = {
        "path": job.label,
        "file_id": digest[:16],
        "sha256": digest,
        "profile": profile.name,
        "profile_file": path_text(profile.path),
        "format": file_format,
        "encoding": encoding,
        "fields": sorted(profile.exported_fields()),
        "source_rows": source_rows,
        "read": int(len(records)),
        "combine": rules,
    }
    batch = FileBatch(entry, loaded, quarantine, members, terms, parts)
    _count(batch)
    return batch, _date_order_warnings(quarantine, job.label, profile) + repeated_case


@dataclass(frozen=True)
class _PersonalData:
    """What loading keeps of an export's personal columns, so the export itself can be freed early."""

    complainants: pd.Series | None  # the complainant's pseudonym, per row of the export
    distinct: list[pd.Series]  # each personal column's distinct values: all that personal_terms reads
    handler_secret: str | None = None  # the pseudonymisation key, where the profile maps handler_key


def _personal_data(raw: pd.DataFrame, profile: Profile, key: str | None) -> _PersonalData:
    """Pseudonyms per source row, worked out once for all of a row's stages, and the personal values."""
    complainants, distinct = None, {}
    if profile.complainant_key:
        complainants, found = pseudonymise([raw[column] for column in profile.complainant_key], require_key(key, profile.path))
        distinct = dict(zip(profile.complainant_key, found, strict=True))  # the other personal columns are hashed below
    columns = [column for column in dict.fromkeys(profile.personal_drop) if column in raw.columns and column not in distinct]
    distinct |= dict(zip(columns, map_columns(lambda column: pd.Series(raw[column].dropna().unique()), columns, rows=len(raw)), strict=True))
    # A handler is named per stage, so the name is mapped like any field and pseudonymised once the stages are rows.
    handler_secret = require_key(key, profile.path, "handler_key") if "handler_key" in profile.exported_fields() else None
    return _PersonalData(complainants, list(distinct.values()), handler_secret)


def _protect_personal_data(records: pd.DataFrame, export_rows: np.ndarray, personal: _PersonalData) -> tuple[PersonalTerms, CaseIds]:
    """Give each stage its complainant's pseudonym and mask personal details in its text, in place.

    Returns the names and places masked, for the quarantine's messages and raw values; and the
    case ids by their distinct values, masked (the records keep theirs: one that holds personal
    data is quarantined, validate.py).
    The free text, the screened fields and the case ids are masked together, in a call per core
    (map_stacked): each call pays a few milliseconds however few its values.
    """
    if personal.complainants is not None:
        records["complainant_key"] = pd.Series(personal.complainants.array.take(export_rows), index=records.index)
    distinct = personal.distinct
    if personal.handler_secret is not None:
        # The officers' names are masked in free text as the complainants' are, and never stored: only their pseudonym.
        records["handler_key"], (handlers,) = pseudonymise([records["handler_key"]], personal.handler_secret)
        distinct = [*distinct, handlers]
    organisation_words = set(" ".join(records["organisation"].dropna().unique()).split())
    terms = personal_terms(distinct, keep=organisation_words)
    screened = [name for name in _SCREENED_FIELDS if records[name].notna().any()]
    # A field of names (team, category ...) is screened per category (screen_names): its categories are masked here
    # only to find the rare field that holds personal data at all.
    categorical = [name for name in screened if isinstance(records[name].dtype, pd.CategoricalDtype)]
    masked_whole = [name for name in FREE_TEXT_FIELDS if records[name].notna().any()] + \
                   [name for name in screened if name not in categorical]
    categories = [pd.Series(records[name].cat.categories, dtype="str") for name in categorical]
    # The case ids first: nearly every one is distinct, so theirs is the longest call, and started
    # last it would leave the other core idle at the end (at a million records, 0.3 s). Called
    # alone (as map_stacked calls a large column), the distinct ids are not factorised again.
    case_numbers, case_ids = distinct_values(records["case_id"])
    masked_case_ids, *masked = map_stacked(lambda text: redact_distinct(text, terms) if text is case_ids else redact(text, terms),
                                           [case_ids, *(records[name] for name in masked_whole), *categories])
    for name, text in zip(masked_whole, masked, strict=False):
        records[name] = text
    for name, held, screened_categories in zip(categorical, categories, masked[len(masked_whole):], strict=True):
        if not screened_categories.equals(held):
            records[name] = screen_names(records[name], terms)
    return terms, CaseIds(case_numbers, case_ids, masked_case_ids)


# The other text fields that reach a report: no place for personal data, screened all the same.
# (case_id is quarantined instead when it holds any: see validate.py; the pseudonym and the
# lineage fields are the tool's own.)
_SCREENED_FIELDS = tuple(field.name for field in FIELDS if field.kind == "string" and field.name not in
                         {*FREE_TEXT_FIELDS, "case_id", "complainant_key", "handler_key", "source", "source_file"})


def _quarantine_frame(bad: pd.DataFrame, raw_rows: pd.DataFrame, origins: dict[str, dict[str, str]], reason: pd.Series,
                      detail: pd.Series, profile: Profile, terms: PersonalTerms) -> pd.DataFrame:
    """The quarantined rows with their reason and their raw values (RAW_ROWS, the stage rows
    they were converted from; ORIGINS, each stage's source columns) under the source's names.

    A case id (`bad` holds it masked), a message or a raw value may hold personal data (the
    reason a row is here, maybe: an email in a date column is a bad date): all are masked.
    """
    # The messages (as text: they are masked as text) are masked in the same call as the raw values.
    *masked, detail = _masked_cells([*(column for _, column in raw_rows.items()), detail.astype("str")], terms)
    raw_rows = pd.DataFrame(dict(zip(raw_rows.columns, masked, strict=True)), index=raw_rows.index)
    raw_json = pa.repeat("{}", len(bad))
    for stage_label, origin in origins.items():
        in_group = raw_rows["stage"].eq(stage_label).to_numpy(dtype=bool, na_value=False) if stage_label else np.ones(len(raw_rows), dtype=bool)
        if not in_group.any():
            continue
        columns = _raw_columns(origin, raw_rows.columns)
        raw_json = pc.replace_with_mask(raw_json, pa.array(in_group), json_lines(raw_rows.loc[in_group, list(columns)].rename(columns=columns)))
    return pd.DataFrame(
        {
            "source_file": bad["source_file"],
            "source_row": bad["source_row"],
            "source": profile.name,
            "organisation": bad["organisation"],
            "case_id": bad["case_id"],
            "stage": bad["stage"],
            "reason": reason,
            "detail": detail,
            "raw": pd.Series(raw_json, index=bad.index, dtype="str"),
        },
        columns=list(QUARANTINE_COLUMNS),
    ).reset_index(drop=True)


def _masked_cells(columns: list[pd.Series], terms: PersonalTerms) -> list[pd.Series]:
    """redact_cells() of each column, their text masked in one call over the cells of all of them.

    Each call pays a few milliseconds whatever its size (RE2 compiles the masking patterns
    anew), and a file's quarantined rows are a few cells in each of dozens of columns: a call
    per column was most of the quarantine's cost. Masking works cell by cell, so stacking the
    columns changes no cell. Columns of text (or categories of it), all a CSV gives, are stacked
    as text; only a workbook's or JSON's columns, which mix types, are asked cell by cell which
    cells are text (at a million cases that question was half the quarantine's cost).
    """
    masked = list(columns)  # numbers and dates as they are
    mixed = [position for position, column in enumerate(columns) if column.dtype == object]
    text = [position for position, column in enumerate(columns) if column.dtype != object and pd.api.types.is_string_dtype(column)]
    for group, dtype, mask in ((text, "str", redact), (mixed, object, redact_cells)):
        if not group:
            continue
        cells = mask(pd.concat([columns[position].astype(dtype) for position in group], ignore_index=True), terms)
        start = 0
        for position in group:
            masked[position] = cells.iloc[start : start + len(columns[position])].set_axis(columns[position].index)
            start += len(columns[position])
    return masked


def _raw_columns(origin: dict[str, str], available) -> dict[str, str]:
    """{field: source column} naming each source column once, for a quarantined row's raw values.

    A profile may map several fields to one column (responded and closed to "Date closed"):
    the column's value is then given once, by a free-text field where one maps it, since only
    free text has had names masked, and left out where that field is long free text.
    """
    by_column: dict[str, str] = {}
    for name, column in origin.items():
        if name in available and (column not in by_column or name in FREE_TEXT_FIELDS):
            by_column[column] = name
    return {name: column for column, name in by_column.items() if name not in _RAW_EXCLUDED}


def _quarantine_duplicates_across_files(batches: list[FileBatch], store: Store) -> None:
    """A record already loaded from another file (or earlier in this load) is a duplicate.

    Each file's keys are looked up by their hashes among those seen before, and merged with the records seen only
    where some hash is found: nearly always none is, and a merge a file cost milliseconds of every run."""
    key_columns = list(RECORD_KEY) + ["source_file", "source_row"]
    replaced_paths = {entry["path"] for entry in store.replaced_by([batch.entry for batch in batches])}
    seen = store.read_records(key_columns)
    # Keys as text on both sides: categoricals with different categories merge through Python objects.
    seen = _as_text(seen[~seen["source_file"].isin(replaced_paths)])
    seen_hashes = _key_hashes(seen)
    for index, batch in enumerate(batches):
        if seen.empty and index == len(batches) - 1:
            return  # the first file into an empty store: nothing to clash with, nor anything after it
        keys = _as_text(batch.records[key_columns])
        hashes = _key_hashes(keys)
        if np.isin(hashes, seen_hashes).any():
            first = keys[list(RECORD_KEY)].merge(seen.drop_duplicates(list(RECORD_KEY)), how="left", on=list(RECORD_KEY))
            clash = first["source_file"].notna().to_numpy()
            if clash.any():
                detail = "already loaded from " + first["source_file"] + " row " + first["source_row"].astype("Int64").astype("str")
                batches[index] = batch = _move_to_quarantine(batch, clash, detail[clash].to_numpy())
                keys, hashes = keys[~clash], hashes[~clash]
        seen, seen_hashes = pd.concat([seen, keys], ignore_index=True), np.concatenate([seen_hashes, hashes])


def _key_hashes(keys: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each row's RECORD_KEY values: equal keys hash equal, a missing value as any other."""
    return pd.util.hash_pandas_object(keys[list(RECORD_KEY)], index=False).to_numpy()


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as text, decoded by Arrow: pandas' astype goes through Python objects (10x slower)."""
    categorical = [name for name, column in frame.items() if isinstance(column.dtype, pd.CategoricalDtype)]
    return frame.assign(**{name: pd.Series(pa.array(frame[name]).cast(pa.string()), index=frame.index, dtype="str") for name in categorical})


def _move_to_quarantine(batch: FileBatch, mask, detail) -> FileBatch:
    """The records of MASK quarantined as duplicates with their DETAIL, a line per row they were made of."""
    moved = batch.records[mask].assign(detail=detail)
    if batch.members is not None:
        moved = _member_rows(moved, batch.members)
    extra = pd.DataFrame(
        {
            "source_file": moved["source_file"],
            "source_row": moved["source_row"],
            "source": moved["source"],
            "organisation": moved["organisation"],
            "case_id": moved["case_id"],
            "stage": moved["stage"],
            "reason": "duplicate_record",
            "detail": moved["detail"],
            "raw": "{}",
        },
        columns=list(QUARANTINE_COLUMNS),
    )
    quarantine = pd.concat([batch.quarantine, extra], ignore_index=True)
    moved_batch = FileBatch(batch.entry, batch.records[~mask].reset_index(drop=True), quarantine, batch.members,
                            batch.personal_terms)
    _count(moved_batch)
    return moved_batch


def _member_rows(moved: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """MOVED records with each one combined from several rows replaced by those rows (their source_row)."""
    keys = moved.assign(record_row=moved["source_row"], stage=moved["stage"].astype("str"))
    expanded = keys.drop(columns="source_row").merge(members, how="inner", on=["record_row", "stage"])
    alone = keys[keys["combined_rows"].eq(1).to_numpy()]
    return pd.concat([alone, expanded], ignore_index=True).drop(columns="record_row").sort_values("source_row", kind="stable")


def _count(batch: FileBatch) -> None:
    """Fill the ledger entry's counts from what the batch holds now."""
    reasons = Counter(batch.quarantine["reason"])
    rows = batch.records["combined_rows"].to_numpy()
    batch.entry.update(
        loaded=int(rows.sum()),
        quarantined=int(len(batch.quarantine)),
        reasons={code: reasons[code] for code in REASONS if reasons[code]},
        records=int(len(batch.records)),
        combined_rows=int(rows[rows > 1].sum()),
        combined_records=int((rows > 1).sum()),
    )


def _repeated_case_warning(records: pd.DataFrame, reason: pd.Series, label: str, profile: Profile) -> list[str]:
    """One line when many rows repeat a case and stage with no [combine] table: the [combine] lines that would combine them."""
    repeats = int(reason.eq("duplicate_record").sum())
    share = 100.0 * repeats / len(records) if len(records) else 0.0
    if share <= REPEATED_ROWS_NOTED_ABOVE_PERCENT:
        return []
    loadable = records[(reason.isna() | reason.eq("duplicate_record")).to_numpy()]
    proposal = propose_rules(loadable, list(RECORD_KEY), sorted(profile.mapped_fields() - set(profile.constants)))
    lines = " ".join(f"`{line}`" for line in combine_lines(proposal))
    return [f"{label}: {repeats:,} of {len(records):,} rows ({share:.1f}%) repeat the organisation, case_id and stage of an "
            f"earlier row and were quarantined as duplicate_record; if the export has a row per allegation, finding or "
            f"action, combine them into one record per case: add these lines to {path_text(profile.path)}: {lines}"]


def _date_order_warnings(quarantine: pd.DataFrame, label: str, profile: Profile) -> list[str]:
    wrong_order = quarantine[quarantine["reason"].eq("date_order")]
    if wrong_order.empty:
        return []
    example = wrong_order["detail"].iloc[0]
    return [
        f"{label}: {len(wrong_order)} date(s) only make sense in the other day/month order, "
        f"e.g. {example}; check [dates] order in {profile.path}"
    ]
