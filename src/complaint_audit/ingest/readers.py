"""Readers: one export file -> a frame of raw values, one row per source record.

Readers do not interpret anything: text stays text (CSV), cells keep the type the file gave
them (Excel dates, JSON numbers), so that later steps can report a bad value exactly as the
source wrote it. Each frame carries `source_row`, the row a person would look up in the file.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from complaint_audit.errors import UserError
from complaint_audit.ingest.profile import Profile

SOURCE_ROW = "source_row"
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawTable:
    """What a reader found: the raw frame and how the file was read."""

    frame: pd.DataFrame
    format: str
    encoding: str | None


def read_export(path: Path, profile: Profile) -> RawTable:
    """Read one export as the profile describes it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    file_format = profile.format_for(path)
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "parquet": _read_parquet}[file_format]
    return reader(path, profile)


def decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    """Bytes -> text, detecting UTF-8 (with or without BOM) and falling back to cp1252."""
    if encoding == "auto":
        if data.startswith(_UTF8_BOM):
            encoding = "utf-8-sig"
        else:
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                encoding = "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path}: byte {error.start} is not valid {encoding}; set [source] encoding in the profile "
            f"(utf-8, utf-8-sig or cp1252)"
        ) from None


def _check_header(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UserError(f"{path}: the column name '{name}' appears twice in the header; rename one in the export")
        seen.add(name)
    if not names or all(not name.strip() for name in names):
        raise UserError(f"{path}: no header row found; set [source] header_row in the profile")


def _without_blank_rows(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Drop rows with no value at all: a blank line is not a record (row numbers are kept)."""
    blank = frame[names].isna().all(axis=1)
    return frame[~blank].reset_index(drop=True) if blank.any() else frame


def _read_csv(path: Path, profile: Profile) -> RawTable:
    text, encoding = decode(path.read_bytes(), profile.encoding, path)
    text = text.removeprefix("\ufeff")
    skip = profile.header_row - 1
    header_lines = text.split("\n", skip + 1)
    if len(header_lines) <= skip or not header_lines[skip].strip():
        raise UserError(f"{path}: the file has no header at row {profile.header_row} (empty file?)")
    header = next(csv.reader(io.StringIO(header_lines[skip]), delimiter=profile.delimiter))
    # Excel saves trailing empty header cells; name them so the columns can still be read.
    names = [name.strip() or f"(unnamed column {number})" for number, name in enumerate(header, start=1)]
    _check_header(path, names)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(skip_rows=skip + 1, column_names=names),
            # Blank lines are kept (as empty rows) so row numbers match what a spreadsheet shows.
            parse_options=pacsv.ParseOptions(delimiter=profile.delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as error:
        raise UserError(f"{path}: cannot parse as CSV with delimiter '{profile.delimiter}': {error}") from None
    frame = table.to_pandas()
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + profile.header_row + 1
    frame = _without_blank_rows(frame, names)
    return RawTable(frame, "csv", encoding)


def _read_xlsx(path: Path, profile: Profile) -> RawTable:
    # openpyxl directly, not pandas.read_excel: pandas skips blank rows, which would shift
    # every later row number away from what the user sees in the spreadsheet.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise UserError(f"{path}: not a readable .xlsx workbook ({error})") from None
    try:
        if profile.sheet is not None and profile.sheet not in workbook.sheetnames:
            raise UserError(f"{path}: no sheet named '{profile.sheet}' (sheets: {', '.join(workbook.sheetnames)})")
        sheet = workbook[profile.sheet] if profile.sheet else workbook.worksheets[0]
        rows = list(sheet.iter_rows(min_row=profile.header_row, values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise UserError(f"{path}: the sheet has no header at row {profile.header_row}")
    header, body = rows[0], rows[1:]
    names = [str(cell).strip() if cell is not None else "" for cell in header]
    keep = [i for i, name in enumerate(names) if name]
    names = [names[i] for i in keep]
    _check_header(path, names)
    frame = pd.DataFrame([[row[i] if i < len(row) else None for i in keep] for row in body], columns=names, dtype=object)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + profile.header_row + 1
    return RawTable(_without_blank_rows(frame, names), "xlsx", None)


def _read_json(path: Path, profile: Profile) -> RawTable:
    text, encoding = decode(path.read_bytes(), profile.encoding, path)
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    records = document
    for key in profile.records.split(".") if profile.records else []:
        if not isinstance(records, dict) or key not in records:
            raise UserError(f"{path}: no key '{profile.records}' holding the records (see [source] records)")
        records = records[key]
    if not isinstance(records, list):
        where = f"at '{profile.records}'" if profile.records else "at the top level"
        raise UserError(f"{path}: expected a list of records {where}, found {type(records).__name__}")
    not_objects = [i for i, record in enumerate(records) if not isinstance(record, dict)]
    if not_objects:
        raise UserError(f"{path}: record {not_objects[0] + 1} is not an object ({len(not_objects)} such records)")
    # max_level=None flattens nested objects to dotted keys; lists (a case's stages) stay whole.
    frame = pd.json_normalize(records) if records else pd.DataFrame()
    frame = frame.astype(object)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "json", encoding)


def _read_parquet(path: Path, profile: Profile) -> RawTable:
    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "parquet", None)
