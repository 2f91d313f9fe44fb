"""Spreadsheets made safe and written fast: formula-like text shown as text, cells written a column at a time.

Excel and LibreOffice run a cell that starts with = + - @ as a formula (or a DDE command), so
such text gets a leading ' before any cell is written. A sheet's XML is made by Arrow's string
kernels a column at a time (escaped text, numbers, booleans, dates), not a cell at a time: openpyxl,
which reads the review workbooks and writes the styled ones, took 10 us a cell (0.12 s of the
sample's exceptions.xlsx, and 0.07 s more to import) where this takes about half a microsecond.
The file is the minimal SpreadsheetML package of ECMA-376 (content types, workbook, styles, sheets,
each cell with its reference), as openpyxl and calamine read it back (tests/test_hostile_outputs.py).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.arrow_text import text_bytes

# Cells starting with these run as formulas (or DDE commands) in Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@")
EXCEL_MAX_ROWS = 1_048_576
_WIDTH_SAMPLE_ROWS = 200
# The characters XML 1.0 forbids: the C0 controls (openpyxl's ILLEGAL_CHARACTERS_RE, for the workbooks it
# writes), U+FFFE, U+FFFF and lone surrogates (U+FFFF makes a file Excel calls corrupt, a surrogate stops a save). Arrow's regex engine takes the first pattern (its
# text holds no surrogates: Arrow strings are UTF-8); Python's takes the second.
_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f" "\ufffe\uffff]"
_XML_ILLEGAL_OR_SURROGATE = _XML_ILLEGAL[:-1] + "\ud800-\udfff]"


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of FRAME whose text cells that start like a formula get a leading ' (shown, not run),
    and lose the control characters XML 1.0 forbids (one NUL makes a workbook no reader opens)."""
    safe = frame.copy()
    safe.columns = [re.sub(_XML_ILLEGAL_OR_SURROGATE, "", str(name)) for name in safe.columns]
    for name in safe.columns:
        column = safe[name]
        if isinstance(column.dtype, pd.CategoricalDtype):  # a store's repeated names: text in a sheet
            column = column.astype("str").where(column.notna())
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            if _printable_ascii(column):  # nothing to remove: most columns, and the quarantine's long raw values
                cleaned = column
            else:
                illegal = _XML_ILLEGAL_OR_SURROGATE if column.dtype == object else _XML_ILLEGAL
                cleaned = column.str.replace(illegal, "", regex=True)  # missing for what is not text
                column = cleaned.where(cleaned.notna(), column)
            risky = cleaned.str.startswith(FORMULA_START).fillna(False).astype(bool).to_numpy()
            if risky.any():  # the quote prefixed to the few cells that need it, not to a copy of every cell
                column = column.copy()
                column[risky] = "'" + cleaned[risky]
            safe[name] = column
    return safe


def _printable_ascii(column: pd.Series) -> bool:
    """Whether every value of a column of text is printable ASCII, in one quick pass of Arrow's."""
    if not isinstance(column.dtype, pd.StringDtype):
        return False  # cells of several types, or Python's strings: searched as they are
    return pc.all(pc.ascii_is_printable(pa.array(column))).as_py() is not False


def write_workbook(path: Path, sheets: Mapping[str, pd.DataFrame]) -> None:
    """One sheet per frame, header frozen, widths fitted to the first rows, cells made safe."""
    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise ValueError(f"sheet {name}: {len(frame):,} rows is more than a spreadsheet holds")
        if len(name) > _MAX_SHEET_NAME or _NOT_IN_SHEET_NAMES.search(name):
            raise ValueError(f"sheet {name!r}: a sheet's name is at most {_MAX_SHEET_NAME} characters, none of []:*?/\\")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _content_types(len(sheets)))
        package.writestr("_rels/.rels", _PACKAGE_RELATIONSHIPS)
        package.writestr("xl/workbook.xml", _workbook(list(sheets)))
        package.writestr("xl/_rels/workbook.xml.rels", _workbook_relationships(len(sheets)))
        package.writestr("xl/styles.xml", _STYLES)
        for number, frame in enumerate(sheets.values(), start=1):
            package.writestr(f"xl/worksheets/sheet{number}.xml", _sheet(safe_cells(frame)))


_MAX_SHEET_NAME = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\\*?:/\[\]]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
# Cell styles by index: 0 as it is, 1 a date, 2 a date and time (the formats openpyxl gives them).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_DATE, _DATE_TIME = 1, 2
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")  # day 0 of Excel's 1900 date system, as openpyxl counts
_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))  # & first; a CR kept, not read as a line end


def _content_types(sheets: int) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for number in range(1, sheets + 1))
            + "</Types>")


# Text and an attribute's value as XML writes them (xml.sax.saxutils' escape and quoteattr did this, and importing
# them imported urllib.request: 0.03 s alone, 0.015 s +- 0.009 s of `run`'s imports, twenty runs alternated). A
# carriage return is kept as a reference, or a reader would take it for a line break.
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                                "\t": "&#9;"})


def _workbook(names: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIP}"><sheets>'
            + "".join(f'<sheet name="{name.translate(_XML_ATTRIBUTE)}" sheetId="{number}" r:id="rId{number}"/>'
                      for number, name in enumerate(names, start=1))
            + "</sheets></workbook>")


def _workbook_relationships(sheets: int) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{number}" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet{number}.xml"/>'
                      for number in range(1, sheets + 1))
            + f'<Relationship Id="rId{sheets + 1}" Type="{_RELATIONSHIP}/styles" Target="styles.xml"/></Relationships>')


def _sheet(cells: pd.DataFrame) -> bytes:
    """A worksheet's XML: the header frozen above the rows, the columns' widths, a row of cells per frame row."""
    widths = "".join(f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
                     for number, width in enumerate(_widths(cells), start=1))
    header = "".join(f'<c r="{_column_letter(number)}1" t="inlineStr"><is><t xml:space="preserve">{str(name).translate(_XML_TEXT)}</t></is></c>'
                     for number, name in enumerate(cells.columns))
    rows = b""
    if len(cells):
        numbers = pa.array(np.arange(2, len(cells) + 2)).cast(pa.large_string())
        columns = [_cells(column, _joined(_column_letter(number), numbers))
                   for number, (_, column) in enumerate(cells.items())]
        joined = _joined('<row r="', numbers, '">', *columns, "</row>")
        joined = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined  # a column read from a CSV's blocks
        # Every row is present, so the array's characters are the rows end to end: its data buffer is the sheet's rows.
        rows = text_bytes(joined)[0].tobytes()
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{widths}</cols>" if widths else ""}'
            f'<sheetData><row r="1">{header}</row>').encode() + rows + b"</sheetData></worksheet>"


def _cells(column: pd.Series, references: pa.Array) -> pa.Array:
    """Each value of COLUMN as its cell's XML at REFERENCES ('B7'), '' where it is missing: text, a number, a
    boolean or a date, by the column's type; a column of Python objects (a workbook's mixed cells) value by value."""
    if column.dtype == object:
        return _mixed_cells(column, references)
    if pd.api.types.is_bool_dtype(column):
        values = pa.array(column, from_pandas=True).cast(pa.int8()).cast(pa.large_string())
        return _filled(_joined('<c r="', references, '" t="b"><v>', values, "</v></c>"))
    if pd.api.types.is_datetime64_any_dtype(column):
        return _date_cells(column.dt.tz_localize(None) if getattr(column.dt, "tz", None) else column, references, _DATE_TIME)
    if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
        return _number_cells(pa.array(column, from_pandas=True).cast(pa.float64()) if pd.api.types.is_float_dtype(column)
                             else pa.array(column, from_pandas=True), references)
    return _text_cells(pa.array(column.astype("str"), from_pandas=True), references)


def _text_cells(text: pa.Array, references: pa.Array) -> pa.Array:
    """Text as inline strings; empty text as no cell, as openpyxl wrote it."""
    text = text.cast(pa.large_string())
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
    for character, entity in _ESCAPES:
        text = pc.replace_substring(text, character, entity)
    return _filled(_joined('<c r="', references, '" t="inlineStr"><is><t xml:space="preserve">', text, "</t></is></c>"))


def _number_cells(numbers: pa.Array, references: pa.Array) -> pa.Array:
    """Numbers as numbers; one that is not finite ('inf') as its text, as no cell holds it as a number."""
    text = numbers.cast(pa.large_string())
    cells = _joined('<c r="', references, '"><v>', text, "</v></c>")
    if pa.types.is_floating(numbers.type):
        finite = pc.fill_null(pc.is_finite(numbers), True)
        cells = pc.if_else(finite, cells, _text_cells(pc.if_else(pc.is_nan(numbers), None, text), references))
    return _filled(cells)


def _date_cells(dates: pd.Series, references: pa.Array, style: int) -> pa.Array:
    """Dates as the days since Excel's epoch, in the date (or date and time) style."""
    days = (dates.to_numpy(dtype="datetime64[s]") - _EXCEL_EPOCH) / np.timedelta64(1, "D")
    serials = pa.array(days, mask=dates.isna().to_numpy(), type=pa.float64()).cast(pa.large_string())
    return _filled(_joined('<c r="', references, f'" s="{style}"><v>', serials, "</v></c>"))


def _mixed_cells(column: pd.Series, references: pa.Array) -> pa.Array:
    """Python objects of several types: each kind of value written as _cells writes a column of it."""
    kinds = column.map(_kind, na_action="ignore").to_numpy(dtype=object)
    cells = pa.repeat(pa.scalar("", pa.large_string()), len(column))
    for kind in set(kinds[pd.notna(kinds)]):
        rows = np.flatnonzero(kinds == kind)
        values, at = column.iloc[rows], references.take(rows)
        if kind == "bool":
            made = _cells(values.astype(bool), at)
        elif kind == "number":
            made = _number_cells(pa.array(values.tolist()), at)  # whole numbers stay integers, as Python holds them
        elif kind in ("date", "datetime"):
            made = _date_cells(pd.to_datetime(values.astype(object)), at, _DATE if kind == "date" else _DATE_TIME)
        else:
            made = _text_cells(pa.array(values.map(str), pa.large_string()), at)
        chosen = np.zeros(len(column), dtype=bool)
        chosen[rows] = True
        cells = pc.replace_with_mask(cells, pa.array(chosen), made)
    return cells


def _kind(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime"
    return "date" if isinstance(value, dt.date) else "text"


def _joined(*parts: pa.Array | str) -> pa.Array:
    """The PARTS joined value by value, text given once standing for every value; missing where a value is."""
    return pc.binary_join_element_wise(*(pa.scalar(part, pa.large_string()) if isinstance(part, str) else part
                                         for part in parts), pa.scalar("", pa.large_string()))


def _filled(cells: pa.Array) -> pa.Array:
    """The cells, '' for a missing value's: no cell is written for it."""
    return pc.fill_null(cells, "")


def _column_letter(position: int) -> str:
    """A column's letters from its position counted from 0: A ... Z, AA ..."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _widths(cells: pd.DataFrame) -> list[int]:
    """Column widths that fit the header and the first rows, between 8 and 80 characters."""
    head = cells.head(_WIDTH_SAMPLE_ROWS)
    widths = []
    for column in cells.columns:
        lengths = head[column].dropna().astype(str).str.len()
        longest = max(int(lengths.max()) if len(lengths) else 0, len(str(column)))
        widths.append(min(max(longest + 2, 8), 80))
    return widths
