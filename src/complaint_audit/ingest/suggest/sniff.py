"""Sniffing an unknown export for `profile suggest`: read a sample, find how it is laid out.

Only the head of a CSV or Excel file is read (HEADER_SEARCH_ROWS to find the header, then up
to SAMPLE_ROWS data rows), so sniffing a million-row export costs no more than a small one;
JSON has to be parsed whole, but only its first SAMPLE_ROWS records are looked at. Columns are
named exactly as the loader (readers.py) will name them, so a draft's column names match.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.encodings import decode
from complaint_audit.ingest.limits import MAX_COLUMNS, bounded_rows, check_column_count
from complaint_audit.ingest.readers import check_json_keys, check_parquet_text, describe_json, parse_json
from complaint_audit.ingest.suggest.header import find_header_row, header_why, sample_frame

HEADER_SEARCH_ROWS = 50
SAMPLE_ROWS = 2000
# How much of a CSV to read: enough for SAMPLE_ROWS rows carrying long response letters.
_HEAD_BYTES = 8 * 1024 * 1024
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True)
class Sample:
    """The head of an export as the loader would read it, and the [source] settings found."""

    frame: pd.DataFrame  # raw values; columns named as the loader names them
    settings: dict[str, tuple[object, str]]  # [source] key -> (value, why), in writing order
    rows: int  # data rows in the sample
    complete: bool  # the sample is the whole file
    stage_list: str | None = None  # JSON: the key holding each case's list of stages
    stage_frame: pd.DataFrame | None = None  # JSON: the sample's stage objects, flattened
    unnamed_columns: int = 0  # columns with data but an empty header cell


def read_sample(path: Path, file_format: str) -> Sample:
    """The head of PATH read as FILE_FORMAT, with the settings a profile needs to read it."""
    reader = {"csv": _csv_sample, "xlsx": _xlsx_sample, "json": _json_sample, "parquet": _parquet_sample}
    return reader[file_format](path)


# --- reading the head of each format ---------------------------------------------------------


def _csv_sample(path: Path) -> Sample:
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
        complete = not file.read(1)
    if not complete:
        if b"\n" not in head:
            raise UserError(f"{path}: the first {len(head):,} bytes hold no line end: not a CSV export "
                            f"(a header row is a few kB; a file of {MAX_COLUMNS:,} columns or fewer is expected)")
        head = head[: head.rfind(b"\n") + 1]  # whole lines only, so no character is cut in two
    text, encoding = decode(head, "auto", path)
    text = text.removeprefix("\ufeff")
    delimiter, delimiter_why = sniff_delimiter(text)
    limit = HEADER_SEARCH_ROWS + SAMPLE_ROWS + 2
    records, first_lines = _csv_records(path, text, delimiter, limit)
    check_column_count(path, max(map(len, records), default=0))
    if not complete and len(records) < limit:
        records, first_lines = records[:-1], first_lines[:-1]  # the last record may be cut short
    found = find_header_row(records[:HEADER_SEARCH_ROWS])
    header = found or 0
    complete = complete and len(records) <= header + 1 + SAMPLE_ROWS
    frame, unnamed = sample_frame(path, records[header] if records else [], records[header + 1 : header + 1 + SAMPLE_ROWS])
    header_row = first_lines[header] if records else 1
    settings = {
        "encoding": _encoding_setting(head, text, encoding),
        "delimiter": (delimiter, delimiter_why),
        "header_row": (header_row, header_why(records[:header], header_row, found is not None)),
    }
    return Sample(frame, settings, len(frame), complete, unnamed_columns=unnamed)


def _csv_records(path: Path, text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """The first LIMIT CSV records and the 1-based line each starts on (quoted values may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records, first_lines, line = [], [], 1
    try:
        for record in islice(reader, limit):
            records.append(record)
            first_lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise UserError(f"{path}: cannot read as CSV near line {reader.line_num}: {error}") from None
    return records, first_lines


def _encoding_setting(head: bytes, text: str, encoding: str) -> tuple[str, str]:
    if encoding == "utf-8-sig":
        return encoding, "the file starts with a UTF-8 byte-order mark"
    if head.isascii():
        return "auto", "the sample is plain ASCII; auto reads UTF-8 and falls back to Windows-1252"
    position = re.search(r"[^\x00-\x7f]", text).start()
    where = f"line {text.count(chr(10), 0, position) + 1} has '{text[position]}'"
    if encoding == "cp1252":
        return encoding, f"the bytes are not UTF-8, so Windows-1252 ({where})"
    return encoding, f"valid UTF-8 with non-ASCII text ({where})"


def sniff_delimiter(text: str) -> tuple[str, str]:
    """The delimiter that splits the most of the first rows into the same number of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITER_NAMES:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            widths = [len(row) for row in islice(reader, HEADER_SEARCH_ROWS) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        common = Counter(width for width in widths if width > 1).most_common(1)
        score = (common[0][1], common[0][0]) if common else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == (0, 0):
        return ",", "no delimiter splits the rows; the file seems to have one column"
    rows, width = best_score
    return best, f"{rows} of the first rows split into {width} fields on {_DELIMITER_NAMES[best]}s"


def _xlsx_sample(path: Path) -> Sample:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise UserError(f"{path}: not a readable .xlsx workbook ({error})") from None
    try:
        limit = HEADER_SEARCH_ROWS + SAMPLE_ROWS
        chosen = None
        for number, sheet in enumerate(workbook.worksheets):
            sheet.reset_dimensions()  # a stale <dimension> would hide rows, even the header
            grid = [list(row) for row in bounded_rows(sheet.iter_rows(max_row=limit, values_only=True), path, f"sheet {sheet.title}")]
            header = find_header_row(grid[:HEADER_SEARCH_ROWS])
            if header is not None or chosen is None:
                chosen = (number, sheet.title, grid, header)
            if header is not None:
                break
    finally:
        workbook.close()
    number, title, grid, found = chosen
    header = found or 0
    names = [str(cell).strip() if cell is not None else "" for cell in grid[header]] if grid else []
    frame, unnamed = sample_frame(path, names, grid[header + 1 : header + 1 + SAMPLE_ROWS])
    settings: dict[str, tuple[object, str]] = {}
    if number:
        settings["sheet"] = (title, f"the first sheet with a header row (sheet {number + 1})")
    settings["header_row"] = (header + 1, header_why(grid[:header], header + 1, found is not None))
    complete = len(grid) < limit and len(grid) <= header + 1 + SAMPLE_ROWS
    return Sample(frame, settings, len(frame), complete, unnamed_columns=unnamed)


def _json_sample(path: Path) -> Sample:
    document, _ = parse_json(path, "auto")
    key, records = _find_records(document)
    if records is None:
        raise UserError(f"{path}: found no list of records (objects) in the JSON: its top level is {describe_json(document)}")
    check_json_keys(path, records[:SAMPLE_ROWS])
    frame = pd.json_normalize(records[:SAMPLE_ROWS])
    check_column_count(path, frame.shape[1])
    frame = frame.astype(object)
    settings: dict[str, tuple[object, str]] = {}
    if key is not None:
        settings["records"] = (key, f"the first key holding a list of objects ({len(records):,} records)")
    stage_list, stage_frame = _stage_list(frame)
    return Sample(frame, settings, len(frame), len(records) <= SAMPLE_ROWS, stage_list, stage_frame)


def _find_records(document: object) -> tuple[str | None, list | None]:
    """The records list: the document itself, or the first key (dotted if nested) holding one."""
    if isinstance(document, list):
        return None, document if _objects(document) else None
    if not isinstance(document, dict):
        return None, None
    for key, value in document.items():
        if isinstance(value, list) and _objects(value):
            return key, value
    for key, value in document.items():
        inner_key, inner = _find_records(value) if isinstance(value, dict) else (None, None)
        if inner is not None:
            return f"{key}.{inner_key}", inner
    return None, None


def _objects(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) for item in items[:SAMPLE_ROWS])


def _stage_list(frame: pd.DataFrame) -> tuple[str | None, pd.DataFrame | None]:
    """The first key whose values are lists of objects: each case's stages."""
    for name in frame.columns:
        values = frame[name].dropna()
        is_list = values.map(lambda value: isinstance(value, list))
        if values.empty or is_list.mean() < 0.8:
            continue
        items = values[is_list].explode().dropna()
        if len(items) and items.map(lambda value: isinstance(value, dict)).all():
            return str(name), pd.json_normalize(items.tolist()).astype(object)
    return None, None


def _parquet_sample(path: Path) -> Sample:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        check_column_count(path, parquet.metadata.num_columns)
        batch = next(parquet.iter_batches(batch_size=SAMPLE_ROWS), None)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    frame = batch.to_pandas() if batch is not None else parquet.schema_arrow.empty_table().to_pandas()
    check_parquet_text(path, frame)
    return Sample(frame, {}, len(frame), parquet.metadata.num_rows <= SAMPLE_ROWS)
