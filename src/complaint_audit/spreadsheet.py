"""Spreadsheets made safe and written fast: formula-like text shown as text, rows streamed.

Excel and LibreOffice run a cell that starts with = + - @ as a formula (or a DDE command), so
such text gets a leading ' before any cell is written. Workbooks are written in openpyxl's
write-only mode: rows go straight to the file, so memory stays flat however long the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Cells starting with these run as formulas (or DDE commands) in Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@")
EXCEL_MAX_ROWS = 1_048_576
_WIDTH_SAMPLE_ROWS = 200
# The characters XML 1.0 forbids: the C0 controls openpyxl's ILLEGAL_CHARACTERS_RE names (not
# imported: the store writes quarantine CSVs through safe_cells without loading openpyxl), and
# U+FFFE, U+FFFF and lone surrogates, which openpyxl writes unchecked (U+FFFF makes a file Excel
# calls corrupt, a surrogate stops the save). Arrow's regex engine takes the first pattern (its
# text holds no surrogates: Arrow strings are UTF-8); Python's takes the second.
_XML_ILLEGAL = r"[\x00-\x08\x0b\x0c\x0e-\x1f" "\ufffe\uffff]"
_XML_ILLEGAL_OR_SURROGATE = _XML_ILLEGAL[:-1] + "\ud800-\udfff]"


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of FRAME whose text cells that start like a formula get a leading ' (shown, not run),
    and lose the control characters XML 1.0 forbids (one NUL stops openpyxl mid-workbook)."""
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
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        if len(frame) >= EXCEL_MAX_ROWS:
            raise ValueError(f"sheet {name}: {len(frame):,} rows is more than a spreadsheet holds")
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        cells = safe_cells(frame).astype(object)
        cells = cells.where(cells.notna(), None)
        for number, width in enumerate(_widths(cells), start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.append([str(column) for column in cells.columns])
        for row in cells.itertuples(index=False, name=None):
            sheet.append(row)
    book.save(path)


def _widths(cells: pd.DataFrame) -> list[int]:
    """Column widths that fit the header and the first rows, between 8 and 80 characters."""
    head = cells.head(_WIDTH_SAMPLE_ROWS)
    widths = []
    for column in cells.columns:
        lengths = head[column].dropna().astype(str).str.len()
        longest = max(int(lengths.max()) if len(lengths) else 0, len(str(column)))
        widths.append(min(max(longest + 2, 8), 80))
    return widths
