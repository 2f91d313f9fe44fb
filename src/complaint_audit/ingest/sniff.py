"""Sniffing an unknown export for `profile suggest`: read a sample, find how it is laid out.

Only the head of a CSV or Excel file is read (HEADER_SEARCH_ROWS to find the header, then up
to SAMPLE_ROWS data rows), so sniffing a million-row export costs no more than a small one;
JSON has to be parsed whole, but only its first SAMPLE_ROWS records are looked at. Columns are
named exactly as the loader (readers.py) will name them, so a draft's column names match.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.convert import text_values
from complaint_audit.ingest.dates import parse_dates
from complaint_audit.ingest.encodings import decode

HEADER_SEARCH_ROWS = 50
SAMPLE_ROWS = 2000
# How much of a CSV to read: enough for SAMPLE_ROWS rows carrying long response letters.
_HEAD_BYTES = 8 * 1024 * 1024
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# What pyarrow (and so the loader) reads as missing, besides the empty string.
_MISSING_TEXT = {"n/a", "na", "#n/a", "null", "nan", "none"}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Formats the loader does not try by itself; one found here is written as [dates] format.
_EXTRA_FORMATS = ("%d-%b-%Y", "%d-%b-%y", "%d-%B-%Y", "%b-%d-%Y", "%Y%m%d")


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


@dataclass(frozen=True)
class DateFacts:
    """How a column writes its dates."""

    order: str | None  # dmy | mdy | ymd | ambiguous | conflict; None when no text date shows one
    example: str | None  # a value that shows the order
    kinds: tuple[str, ...]  # "real date cells", "ISO dates", "text dates", "Excel serial numbers"
    format: str | None  # a strftime format the loader needs to be told, if any


@dataclass(frozen=True)
class ColumnFacts:
    """What one column's sample values look like."""

    name: str
    label: str  # normalised header, for matching against synonyms
    filled: int
    counts: tuple[tuple[str, int], ...]  # distinct values, most frequent first (at most 31)
    distinct: int
    dates: DateFacts | None
    number_share: float  # share of filled values that read as amounts
    personal: tuple[str, str] | None  # (kind, why) when the column looks like personal data
    raw: pd.Series = field(repr=False, compare=False)  # the sample values, missing ones as None


def read_sample(path: Path, file_format: str) -> Sample:
    """The head of PATH read as FILE_FORMAT, with the settings a profile needs to read it."""
    reader = {"csv": _csv_sample, "xlsx": _xlsx_sample, "json": _json_sample, "parquet": _parquet_sample}
    return reader[file_format](path)


def normalise_header(name: object) -> str:
    """'Date_Received (dd/mm/yyyy)' -> 'date received'; camelCase and dots become words."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=\d)(?=[A-Z][a-z])", " ", str(name))
    text = re.sub(r"['’]", "", text.replace("&", " and ")).casefold()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(re.sub(r"\b(?:dd|mm|yy|yyyy)\b", " ", text).split())


def describe_columns(frame: pd.DataFrame) -> list[ColumnFacts]:
    """Facts for every column of a sample frame, in column order."""
    return [describe_column(str(name), frame[name]) for name in frame.columns]


def describe_column(name: str, column: pd.Series) -> ColumnFacts:
    label = normalise_header(name)
    column = column.reset_index(drop=True)
    if column.dtype == object:  # JSON lists and objects are described by their text
        column = column.map(lambda value: json.dumps(value) if isinstance(value, (list, dict)) else value)
    text = text_values(column)
    text = text.where(~text.str.casefold().isin(_MISSING_TEXT))
    filled_text = text.dropna()
    counts = sorted(filled_text.value_counts().items(), key=lambda item: (-item[1], item[0]))
    amounts = filled_text.str.fullmatch(r"£?\s*-?[\d,]*\.?\d+")
    return ColumnFacts(
        name=name,
        label=label,
        filled=len(filled_text),
        counts=tuple((str(value), int(count)) for value, count in counts[:31]),
        distinct=len(counts),
        dates=sniff_dates(column, text, hinted=_date_hinted(label)),
        number_share=float(amounts.mean()) if len(filled_text) else 0.0,
        personal=personal_reason(label, filled_text, len(counts)),
        raw=column.where(text.notna(), None),
    )


# --- reading the head of each format ---------------------------------------------------------


def _csv_sample(path: Path) -> Sample:
    with path.open("rb") as file:
        head = file.read(_HEAD_BYTES)
        complete = not file.read(1)
    if not complete:
        head = head[: head.rfind(b"\n") + 1]  # whole lines only, so no character is cut in two
    text, encoding = decode(head, "auto", path)
    text = text.removeprefix("\ufeff")
    delimiter, delimiter_why = sniff_delimiter(text)
    limit = HEADER_SEARCH_ROWS + SAMPLE_ROWS + 2
    records, first_lines = _csv_records(path, text, delimiter, limit)
    if not complete and len(records) < limit:
        records, first_lines = records[:-1], first_lines[:-1]  # the last record may be cut short
    found = find_header_row(records[:HEADER_SEARCH_ROWS])
    header = found or 0
    complete = complete and len(records) <= header + 1 + SAMPLE_ROWS
    frame, unnamed = _frame(path, records[header] if records else [], records[header + 1 : header + 1 + SAMPLE_ROWS])
    header_row = first_lines[header] if records else 1
    settings = {
        "encoding": _encoding_setting(head, text, encoding),
        "delimiter": (delimiter, delimiter_why),
        "header_row": (header_row, _header_why(records[:header], header_row, found is not None)),
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


def find_header_row(grid: list[list[object]]) -> int | None:
    """0-based index of the first row of short names over rows of data, skipping a title block."""
    filled = [sum(not _blank(cell) for cell in row) for row in grid]
    width = max(filled, default=0)
    for index, row in enumerate(grid):
        cells = [cell for cell in row if not _blank(cell)]
        if len(cells) < 2 or len(cells) < 0.7 * width or not all(map(_name_like, cells)):
            continue
        following = [count for count in filled[index + 1 : index + 6] if count]
        if not following or max(following) >= 0.5 * len(cells):
            return index
    return None


def _header_why(title_rows: list[list[object]], header_row: int, found: bool) -> str:
    if not found:
        return "no row looked like column names over rows of data, so the first row is assumed"
    if header_row == 1:
        return "the first row holds the column names"
    titles = ["; ".join(str(cell).strip() for cell in row if not _blank(cell))[:40] for row in title_rows]
    shown = "; ".join(f'"{title}"' for title in titles if title)
    block = f"rows 1-{header_row - 1}" if header_row > 2 else "row 1"
    return f"{block} look like a title block ({shown or 'blank'}); the column names are on row {header_row}"


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _name_like(cell: object) -> bool:
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return 0 < len(text) <= 80 and not re.fullmatch(r"[\d\s/.:,\-£$%]+", text)


def _frame(path: Path, header: list[object], body: list[list[object]]) -> tuple[pd.DataFrame, int]:
    """Header + rows -> frame of the named columns, blank rows dropped (as readers.py does)."""
    names = [str(cell).strip() if isinstance(cell, str) else ("" if cell is None else str(cell)) for cell in header]
    keep = [index for index, name in enumerate(names) if name]
    seen = Counter(names[index] for index in keep)
    twice = [name for name, count in seen.items() if count > 1]
    if twice:
        raise UserError(f"{path}: the column name '{twice[0]}' appears twice in the header; rename one in the export")
    rows = [[row[index] if index < len(row) else None for index in keep] for row in body]
    columns = [header[index] if isinstance(header[index], str) else names[index] for index in keep]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame = frame.map(lambda cell: None if _blank(cell) else cell)
    unnamed = sum(
        1 for index, name in enumerate(names) if not name and any(index < len(row) and not _blank(row[index]) for row in body)
    )
    return frame[frame.notna().any(axis=1)].reset_index(drop=True), unnamed


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
            grid = [list(row) for row in sheet.iter_rows(max_row=limit, values_only=True)]
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
    frame, unnamed = _frame(path, names, grid[header + 1 : header + 1 + SAMPLE_ROWS])
    settings: dict[str, tuple[object, str]] = {}
    if number:
        settings["sheet"] = (title, f"the first sheet with a header row (sheet {number + 1})")
    settings["header_row"] = (header + 1, _header_why(grid[:header], header + 1, found is not None))
    complete = len(grid) < limit and len(grid) <= header + 1 + SAMPLE_ROWS
    return Sample(frame, settings, len(frame), complete, unnamed_columns=unnamed)


def _json_sample(path: Path) -> Sample:
    text, _ = decode(path.read_bytes(), "auto", path)
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    key, records = _find_records(document)
    if records is None:
        raise UserError(f"{path}: found no list of records (objects) in the JSON")
    frame = pd.json_normalize(records[:SAMPLE_ROWS]).astype(object)
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
        batch = next(parquet.iter_batches(batch_size=SAMPLE_ROWS), None)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    frame = batch.to_pandas() if batch is not None else parquet.schema_arrow.empty_table().to_pandas()
    return Sample(frame, {}, len(frame), parquet.metadata.num_rows <= SAMPLE_ROWS)


# --- what a column holds ---------------------------------------------------------------------


def _date_hinted(label: str) -> bool:
    """Headers that make a column of plain numbers worth reading as Excel serial dates."""
    return bool(re.search(r"\b(?:date|dt|received|responded|closed|due|opened|logged|sent|completed)\b", label))


def sniff_dates(column: pd.Series, text: pd.Series, *, hinted: bool) -> DateFacts | None:
    """DateFacts when most filled values are dates (cells, ISO, text, serials); else None."""
    filled = text.notna()
    if not filled.any() or text[filled].str.len().median() > 40:  # free text, not dates
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        is_cell = filled
    else:
        is_cell = column.map(lambda value: isinstance(value, (dt.date, np.datetime64))).astype(bool) & filled
    written = text.where(filled & ~is_cell).fillna("")
    iso = written.str.match(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]|$)")
    parts = written.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T]\d|$)")
    numeric = parts[0].notna()
    ymd = written.str.match(r"\d{4}[/.]\d{1,2}[/.]\d{1,2}(?:[ T]|$)")
    words_dmy = written.str.match(rf"(?i)\d{{1,2}}(?:st|nd|rd|th)?[ \-/]{_MONTH}[ \-/,]+\d{{2,4}}$")
    words_mdy = written.str.match(rf"(?i){_MONTH}[ \-]\d{{1,2}}(?:st|nd|rd|th)?,?[ \-]\d{{2,4}}$")
    serial = written.str.fullmatch(r"\d{5}(?:\.\d+)?") & pd.to_numeric(written, errors="coerce").between(20000, 80000)
    serial &= hinted
    date_like = is_cell | iso | numeric | ymd | words_dmy | words_mdy | serial
    if date_like[filled].mean() < 0.8:
        return None
    kinds = [
        kind
        for kind, mask in (
            ("real date cells", is_cell),
            ("ISO dates", iso),
            ("text dates", numeric | ymd | words_dmy | words_mdy),
            ("Excel serial numbers", serial),
        )
        if mask.any()
    ]
    order, example = _text_order(written, parts, numeric, ymd, words_dmy, words_mdy)
    return DateFacts(order, example, tuple(kinds), _needed_format(column[filled & ~is_cell], order))


def _text_order(written, parts, numeric, ymd, words_dmy, words_mdy) -> tuple[str | None, str | None]:
    """The day/month order the text dates show, and a value that shows it.

    Only real dates count as evidence, so one mistyped 31/09/2023 does not decide the order.
    """
    first, second = (pd.to_numeric(parts[i], errors="coerce") for i in (0, 1))
    real_dmy, real_mdy = _real_dates(parts, day=0, month=1), _real_dates(parts, day=1, month=0)
    day_first, month_first = numeric & (first > 12) & real_dmy, numeric & (second > 12) & real_mdy
    if day_first.any() and month_first.any():
        return "conflict", f"{written[day_first].iloc[0]} and {written[month_first].iloc[0]}"
    shown = (("dmy", day_first), ("mdy", month_first), ("ambiguous", numeric & (real_dmy | real_mdy)), ("ymd", ymd))
    for order, mask in shown:
        if mask.any():
            return order, written[mask].iloc[0]
    if words_dmy.any() or words_mdy.any():
        order = "mdy" if words_mdy.sum() > words_dmy.sum() else "dmy"
        return order, written[words_mdy if order == "mdy" else words_dmy].iloc[0]
    return None, None


def _real_dates(parts: pd.DataFrame, *, day: int, month: int) -> pd.Series:
    """Whether each extracted (a, b, year) is a calendar date when read with this day and month."""
    year = pd.to_numeric(parts[2], errors="coerce")
    year = year.where(year >= 100, year + 2000)
    month_day = {"month": pd.to_numeric(parts[month], errors="coerce"), "day": pd.to_numeric(parts[day], errors="coerce")}
    return pd.to_datetime(pd.DataFrame({"year": year, **month_day}), errors="coerce").notna()


def _needed_format(values: pd.Series, order: str | None) -> str | None:
    """A format to declare when the loader's own forms leave text dates unread."""
    if values.empty:
        return None
    loader_order = order if order in ("dmy", "mdy", "ymd") else "dmy"
    unread = values[parse_dates(values, loader_order).values.isna()].astype("str").str.strip()
    if unread.empty:
        return None
    parsed = {form: pd.to_datetime(unread, format=form, errors="coerce").notna().sum() for form in _EXTRA_FORMATS}
    best = max(parsed, key=parsed.get)
    return best if parsed[best] > 0 else None


# Headers that name personal data outright; "name" only when not a team's or service's name.
_PERSONAL_HEADERS = (
    (r"\be ?mail\b", "email", "the header says email"),
    (r"\b(?:phone|telephone|tel|mobile|landline)\b", "phone", "the header says phone"),
    (r"\b(?:address|postcode|post code|street)\b", "address", "the header says address"),
    (r"\b(?:dob|date of birth|birth date|birthday)\b", "birth", "the header says date of birth"),
    (r"\b(?:national insurance|ni number|ni no|nino|nhs number|nhs no)\b", "id", "the header names an identity number"),
    (r"\b(?:forename|surname|first name|last name|full name|firstname|lastname)\b", "name", "the header names a person"),
    (r"^(?:complainant|customer|client|service user|resident|contact|person)(?: details)?$", "name",
     "the header names the complainant"),
    (r"\brelationship\b", "relationship", "the header says relationship (who the complainant is to someone)"),
    (r"^(?:representative|advocate|agent)(?: name| details)?$", "name", "the header names the complainant's representative"),
)
_NOT_A_PERSON = r"\b(?:team|service|directorate|department|category|file|sheet|organisation|council|site|product)\b"
_PERSONAL_VALUES = (
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "email", "values look like email addresses"),
    (r"(?:\+44\s?|0)(?:\d[\s-]?){9,10}", "phone", "values look like phone numbers"),
    (r"[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]", "id", "values look like NI numbers"),
    (r".*\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b.*", "address", "values look like addresses (postcodes)"),
    (r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Sir|Lady|Lord)\.?", "title", "values look like titles of address (Mr, Mrs ...)"),
)
_PERSON_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr)\.? )?[A-Z][a-z'’\-]+(?: [A-Z][A-Za-z'’\-]+){1,2}(?: MP)?"


def personal_reason(label: str, filled_text: pd.Series, distinct: int) -> tuple[str, str] | None:
    """(kind, why) when a column looks like personal data by its header or values, else None.

    kind is one of email, phone, address, birth, id, name, relationship, title.
    """
    for pattern, kind, why in _PERSONAL_HEADERS:
        if re.search(pattern, label):
            return kind, why
    if re.search(r"\bname\b", label) and not re.search(_NOT_A_PERSON, label):
        return "name", "the header says name"
    if filled_text.empty or filled_text.str.len().median() > 100:  # letters quote details; a column of them is not one
        return None
    for pattern, kind, why in _PERSONAL_VALUES:
        if filled_text.str.fullmatch(pattern).mean() >= 0.5:
            return kind, why
    looks_named = filled_text.str.fullmatch(_PERSON_NAME).mean() >= 0.8
    # Names repeat far less than teams or categories written the same way.
    if looks_named and len(filled_text) >= 5 and distinct >= 0.3 * len(filled_text):
        return "name", "values look like people's names"
    return None
