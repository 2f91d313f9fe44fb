"""Excel workbooks (.xlsx): the whole sheet read with openpyxl, and its head sniffed for `profile suggest`.

openpyxl is imported when a workbook is read, not with this module: it is slow to import and
most exports are CSV.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.formats.header import check_header, find_header_row, header_why, sample_frame
from complaint_audit.ingest.formats.tables import (
    HEADER_SEARCH_ROWS,
    SAMPLE_ROWS,
    SOURCE_ROW,
    RawTable,
    Sample,
    without_blank_rows,
)
from complaint_audit.ingest.limits import XLSX_MAX_PART_BYTES, bounded_rows, check_xlsx_sizes

if TYPE_CHECKING:
    from complaint_audit.ingest.profile import Profile

# Excel's encrypted workbooks and old .xls files are OLE compound files, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_export(path: Path, profile: Profile) -> RawTable:
    """The profile's sheet (else the first) from its header row, cells typed as Excel stored them."""
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
    check_header(path, names)
    frame = pd.DataFrame([[row[i] if i < len(row) else None for i in keep] for row in body], columns=names, dtype=object)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + profile.header_row + 1
    return RawTable(without_blank_rows(frame, names), "xlsx", None)


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


def read_sample(path: Path) -> Sample:
    """The head of the first sheet with a header row, with the sheet and header row found."""
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
