"""Readers: one export file -> a frame of raw values, one row per source record.

Readers do not interpret anything: text stays text (CSV), cells keep the type the file gave
them (Excel dates, JSON numbers), so that later steps can report a bad value exactly as the
source wrote it. Each frame carries `source_row`, the row a person would look up in the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from complaint_audit.errors import UserError
from complaint_audit.ingest.csv_problems import broken_row, check_delimiter, csv_error_words
from complaint_audit.ingest.encodings import csv_source, decode
from complaint_audit.ingest.limits import (
    MAX_COLUMNS,
    XLSX_MAX_PART_BYTES,
    bounded_rows,
    check_column_count,
    check_parquet_size,
    check_xlsx_sizes,
)
from complaint_audit.ingest.profile import Profile
from complaint_audit.schema import NUMBER_FIELDS

SOURCE_ROW = "source_row"
# Excel's encrypted workbooks and old .xls files are OLE compound files, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# Each parsed block becomes a chunk of every column. 4 MB blocks parsed the 1M-row benchmark
# export fastest: 16 MB blocks are too few to keep both cores busy, and the default 1 MB makes
# hundreds of chunks that then need combining (docs/scaling.md).
_BLOCK_SIZE = 4 << 20
# pyarrow's words for a blank cell ('', 'NULL', 'N/A', '#N/A' ...) but its spellings of NaN, which
# _nan_words_blank treats as blanks everywhere but in amounts.
_NAN_WORDS = pa.array(["NaN", "nan", "-NaN", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"])
_NULL_WORDS = [word for word in pacsv.ConvertOptions().null_values if word not in _NAN_WORDS.to_pylist()]


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


def _check_header(path: Path, names: list[str]) -> None:
    check_column_count(path, len(names))
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
    data = path.read_bytes()
    source, codec, encoding = csv_source(data, profile.encoding, path)
    skip = profile.header_row - 1
    header_lines = _head_lines(data, len(data) - source.size, codec, skip)
    if len(header_lines) <= skip or not header_lines[skip].strip():
        raise UserError(f"{path}: the file has no header at row {profile.header_row} (empty file?)")
    try:
        header = next(csv.reader(io.StringIO(header_lines[skip]), delimiter=profile.delimiter))
    except csv.Error as error:
        raise UserError(f"{path}: the header at row {profile.header_row} cannot be read as CSV ({csv_error_words(error)}); lines that "
                        f"end in a carriage return alone (an old Mac export) must be saved with Windows or Unix line ends") from None
    # Excel saves trailing empty header cells; name them so the columns can still be read.
    names = [name.strip() or f"(unnamed column {number})" for number, name in enumerate(header, start=1)]
    check_delimiter(path, names, profile.delimiter)
    _check_header(path, names)
    if not data.endswith(b"\n"):
        source = pa.py_buffer(source.to_pybytes() + b"\n")  # pyarrow cannot skip a header row that has no line end

    def whole_lines() -> list[str]:
        return decode(data, profile.encoding, path)[0].removeprefix("\ufeff").split("\n", skip + 1)

    try:
        table = _parse_csv(source, codec, skip, names, profile.delimiter)
    except UnicodeDecodeError:
        decode(data, profile.encoding, path)  # raises, naming the line of the byte
        raise
    except pa.ArrowInvalid as error:
        if "straddl" not in str(error):
            raise broken_row(path, whole_lines(), profile.header_row, profile.delimiter, len(names)) or UserError(
                f"{path}: cannot parse as CSV with delimiter '{profile.delimiter}': {_without_values(error)}; "
                f"look for a line break or a stray quote in an unquoted value"
            ) from None
        # A value longer than pyarrow's block (a whole letter in one cell): read in one block.
        table = _parse_csv(source, codec, skip, names, profile.delimiter, block_size=min(source.size + 1, 2**31 - 1))
    if _ends_in_line_break(table) and data.count(b'"') % 2:  # an odd number of quotes: the file may end inside a quoted value
        problem = broken_row(path, whole_lines(), profile.header_row, profile.delimiter, len(names))
        if problem is not None:
            raise problem
    frame = _nan_words_blank(table, keep=profile.columns_of(NUMBER_FIELDS)).to_pandas()
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + profile.header_row + 1
    frame = _without_blank_rows(frame, names)
    return RawTable(frame, "csv", encoding)


def _nan_words_blank(table: pa.Table, keep: set[str]) -> pa.Table:
    """'NaN' and its spellings as blanks, as pyarrow reads them, except in the columns KEEP names.

    A program that writes NaN for a missing value writes it in every column, so in text and dates
    it is a blank; in an amount it is kept, to be quarantined as bad_number like 'inf': an
    amount written as not-a-number was not left blank.
    """
    for index, name in enumerate(table.column_names):
        if name in keep:
            continue
        column = table.column(index)
        is_nan = pc.is_in(column, value_set=_NAN_WORDS)
        if pc.any(is_nan).as_py():
            table = table.set_column(index, name, pc.if_else(is_nan, pa.scalar(None, column.type), column))
    return table


def _without_values(error: pa.ArrowInvalid) -> str:
    """pyarrow's words for a parse error without the row it quotes: that row holds personal
    columns the profile drops ("Expected 14 columns, got 7: C2,Stage 1,...,Ann Lee,...")."""
    return re.sub(r"^(CSV parse error: [^:]*):.*", r"\1", str(error), flags=re.DOTALL)


def _ends_in_line_break(table: pa.Table) -> bool:
    """Does the last row's last value end with a line break?

    A quoted value left open runs to the end of the file, line break and all, and pyarrow takes
    it as the last row's last value (in an earlier column the row would be short, an error). So
    only then is counting the file's quotes, a pass over the whole file, worth its time.
    """
    if not table.num_rows or not table.num_columns:
        return False
    last = table.column(table.num_columns - 1)[-1].as_py()
    return isinstance(last, str) and last.endswith("\n")


def _head_lines(data: bytes, start: int, codec: str, skip: int) -> list[str]:
    """The lines up to and including the header, decoded; the body is pyarrow's to decode.

    A byte the codec cannot read shows as U+FFFD here; pyarrow's decoder then stops on it and
    decode() names its line.
    """
    end = start
    for _ in range(skip + 1):
        end = data.find(b"\n", end) + 1
        if not end:
            end = len(data)
            break
    return data[start:end].decode("utf-8" if codec == "utf8" else codec, errors="replace").split("\n")[: skip + 1]


def _parse_csv(source: pa.Buffer, codec: str, skip: int, names: list[str], delimiter: str, block_size: int = _BLOCK_SIZE) -> pa.Table:
    read_options = pacsv.ReadOptions(skip_rows=skip + 1, column_names=names, block_size=block_size, encoding=codec)
    return pacsv.read_csv(
        pa.BufferReader(source),
        read_options=read_options,
        # Blank lines are kept (as empty rows) so row numbers match what a spreadsheet shows.
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={name: pa.string() for name in names}, strings_can_be_null=True,
                                             null_values=_NULL_WORDS),
    )


def _read_xlsx(path: Path, profile: Profile) -> RawTable:
    # openpyxl directly, not pandas.read_excel: pandas skips blank rows, which would shift
    # every later row number away from what the user sees in the spreadsheet.
    import openpyxl

    check_workbook_container(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if profile.sheet is not None and profile.sheet not in workbook.sheetnames:
                raise UserError(f"{path}: no sheet named '{profile.sheet}' (sheets: {', '.join(workbook.sheetnames)})")
            sheet = workbook[profile.sheet] if profile.sheet else workbook.worksheets[0]
            # Read-only mode stops at the sheet's declared <dimension>, which a program that
            # wrote the sheet may leave stale: every row there is must be read and counted.
            sheet.reset_dimensions()
            rows = list(bounded_rows(sheet.iter_rows(min_row=profile.header_row, values_only=True), path, f"sheet {sheet.title}",
                                     first_row=profile.header_row))
        finally:
            workbook.close()
    except (UserError, MemoryError):
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean the same to a user
        raise UserError(f"{path}: not a readable .xlsx workbook ({type(error).__name__}: {error})") from None
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


def check_workbook_container(path: Path, if_csv: str = "load it with a CSV profile or export it as .xlsx",
                             max_part_bytes: int = XLSX_MAX_PART_BYTES) -> None:
    """Name what the file is when it is not an .xlsx zip, and refuse a zip bomb before it inflates.

    IF_CSV says what to do with CSV text named .xlsx, and MAX_PART_BYTES how large a part may
    inflate, which differ between an export and a review workbook.
    """
    with path.open("rb") as handle:
        start = handle.read(4096)
    if not start:
        raise UserError(f"{path}: the file is empty (0 bytes); export the workbook again")
    if start.startswith(_OLE_MAGIC):
        raise UserError(
            f"{path}: the workbook is password-protected or an old .xls (an OLE compound file, not an .xlsx zip); "
            f"remove the password or save it as .xlsx, and export again"
        )
    if not zipfile.is_zipfile(path):
        if b"\0" not in start and (b"," in start or b";" in start or b"\t" in start):
            raise UserError(f"{path}: not an .xlsx workbook: it looks like CSV text; {if_csv}")
        raise UserError(f"{path}: not an .xlsx workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            check_xlsx_sizes(path, archive, max_part_bytes)
    except zipfile.BadZipFile as error:
        raise UserError(f"{path}: not a readable .xlsx workbook ({error})") from None


def parse_json(path: Path, encoding: str) -> tuple[object, str]:
    """The JSON document in PATH and the encoding it was read in; a file that is not JSON is a UserError."""
    text, encoding = decode(path.read_bytes(), encoding, path)
    try:
        return json.loads(_without_lone_surrogates(text.removeprefix("\ufeff"))), encoding
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise _too_deep(path) from None


# A \uD800-\uDFFF escape with the backslashes before it: an even number of them is an escaped
# backslash followed by the letter u, not an escape. A high surrogate may have its low half after it.
_SURROGATE_ESCAPE = re.compile(r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?")


def _without_lone_surrogates(text: str) -> str:
    """JSON text whose escapes of half a surrogate pair ("\\ud800" alone, valid JSON) read as U+FFFD.

    Parsed, such a half is a character no UTF-8 file, Parquet column or workbook can hold: the
    store's write stopped on it. A whole pair (an emoji as json.dumps writes it) is kept.
    """
    if not re.search(r"\\u[dD][89a-fA-F]", text):
        return text

    def replaced(escape: re.Match) -> str:
        backslashes, first, low = escape.groups()
        if len(backslashes) % 2 == 0 or (first[1] in "89abAB" and low):
            return escape.group()
        return backslashes[:-1] + "\\ufffd" + ("\\ufffd" if low else "")

    return _SURROGATE_ESCAPE.sub(replaced, text)


def _read_json(path: Path, profile: Profile) -> RawTable:
    document, encoding = parse_json(path, profile.encoding)
    records = document
    for key in profile.records.split(".") if profile.records else []:
        if not isinstance(records, dict) or key not in records:
            raise UserError(f"{path}: no key '{profile.records}' holding the records (see [source] records)")
        records = records[key]
    if not isinstance(records, list):
        where = f"at '{profile.records}'" if profile.records else "at the top level"
        raise UserError(f"{path}: expected a list of records {where}, found {describe_json(records)}")
    not_objects = [i for i, record in enumerate(records) if not isinstance(record, dict)]
    if not_objects:
        raise UserError(f"{path}: record {not_objects[0] + 1} is not an object ({len(not_objects)} such records)")
    check_json_keys(path, records)
    # Each case's stages are taken out first: json_normalize would flatten an object found where
    # the list should be ('stages.1.outcome' ...) or drop an empty one, and the case would seem
    # to have no stages instead of stages that are not a list.
    stages = [record.pop(profile.stage_list, None) for record in records] if profile.layout == "nested" else None
    # max_level=None flattens nested objects to dotted keys.
    try:
        frame = pd.json_normalize(records) if records else pd.DataFrame()
    except RecursionError:
        raise _too_deep(path) from None
    check_column_count(path, frame.shape[1])
    frame = frame.astype(object)
    if stages is not None and any(stage is not None for stage in stages):
        frame[profile.stage_list] = pd.Series(stages, index=frame.index, dtype=object)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "json", encoding)


def check_json_keys(path: Path, records: list[dict]) -> None:
    """Refuse records with more keys between them than an export has columns, before a frame of
    them is made: 20,000 records with a key each would be a frame of 400 million cells."""
    keys = len(set().union(*records))
    if keys > MAX_COLUMNS:
        raise UserError(f"{path}: the records hold {keys:,} different keys; at most {MAX_COLUMNS:,} "
                        f"(is this a case system's export?)")


def describe_json(value: object) -> str:
    """What a JSON value is, in a few words, for an error that says what was found instead of records."""
    if isinstance(value, dict):
        keys = ", ".join(repr(key) for key in list(value)[:3]) + (", ..." if len(value) > 3 else "")
        inner = " of objects" if value and all(isinstance(item, dict) for item in value.values()) else ""
        return (f"an object{inner} with {len(value):,} key{'' if len(value) == 1 else 's'} ({keys}); records must be a list [{{...}}, {{...}}]"
                if value else "an empty object")
    if isinstance(value, list):
        return f"a list of {len(value):,} values that are not objects" if value else "an empty list"
    return {str: "a string", bool: "true or false", type(None): "null"}.get(type(value), "a number")


def _too_deep(path: Path) -> UserError:
    return UserError(f"{path}: nested deeper than Python's JSON reader can follow; a case export is a few levels deep: "
                     f"check it is the export you meant")


def check_parquet_text(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a text column holding bytes that are not UTF-8: Parquet's reader passes them, and the
    first text operation on them stopped the load with 'Invalid UTF8 sequence'."""
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name]) and frame[name].dtype != object:
            try:
                pa.array(frame[name]).validate(full=True)
            except pa.ArrowInvalid:
                raise UserError(f"{path}: column '{name}' holds text that is not UTF-8; write the file again with "
                                f"UTF-8 text (as every Parquet writer does by default)") from None


def _read_parquet(path: Path, profile: Profile) -> RawTable:
    try:
        check_parquet_size(path, pq.read_metadata(path))
        frame = pd.read_parquet(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    check_parquet_text(path, frame)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "parquet", None)
