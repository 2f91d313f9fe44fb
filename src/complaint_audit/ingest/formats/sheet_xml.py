"""What a worksheet's XML says that calamine must not be trusted with: how far its cells reach, and its error cells.

calamine (formats/xlsx.py) builds a sheet as one dense grid from its first cell to its last, so
a 28 KB workbook holding one cell at XFD1048576 asks for 550 GB and aborts the whole process,
where a Python error could have been caught. It also reads an error cell (#N/A, #DIV/0!) as a
blank, where a date or a case reference that is an error must be quarantined as the error it is.
One pass over the sheet's XML, in blocks of whole rows, finds both before calamine reads it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from complaint_audit.office_package import local_name, main_part, related_parts

_BLOCK_BYTES = 16 << 20
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")
# A cell whose column has two letters or more (column AA on), or whose row has six digits or
# more (row 100,000 on): the only cells that can widen the grid past the limits. An export of up
# to 26 columns and 99,999 rows has none, so the scan costs a search, not a match a cell (0.25 s
# over the 117 MB sheet of 100,000 rows by 20 columns). An empty cell (<c r="XFD9" s="1"/>, a
# formatted range) holds nothing and is skipped, as calamine skips it. The patterns start with
# the attribute's name, not the space before it: a leading \s made the search three times slower.
_FAR_CELL = re.compile(rb"""r=["']([A-Z]{2,}\d+|[A-Z]+\d{6,})["'][^>]*(?<!/)>""")
_NEAR_ROWS, _NEAR_COLUMNS = 99_999, 26
_ERROR_MARK = re.compile(rb"""t=["']e["']""")
# An error cell, its attributes and its content up to its end: an error with no cached value
# (<v>) must not take the next cell's.
_ERROR_CELL = re.compile(rb"""<(?:[\w.-]+:)?c(\s(?:[^>]*?\s)?t=["']e["'][^>]*)(?<!/)>((?:(?!</(?:[\w.-]+:)?c>).)*)""", re.DOTALL)
_CACHED_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
_REFERENCE = re.compile(rb"""\sr=["']([A-Z]+)(\d+)["']""")
_ADVICE = "split the export, or check it is the file you meant"


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding SHEET's cells, as workbook.xml and its relationships name it."""
    workbook = main_part(archive) or "xl/workbook.xml"
    relations = related_parts(archive, workbook)
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if local_name(element.tag) == "sheet" and element.get("name") == sheet:
            target = next((relations.get(value) for key, value in element.attrib.items() if local_name(key) == "id"), None)
            if target is not None:
                return target
    raise KeyError(f"no part for sheet {sheet!r}")


def scan_sheet(path: Path, archive: zipfile.ZipFile, part: str, where: str, first_row: int) -> dict[tuple[int, int], str]:
    """Refuse a sheet whose grid (row FIRST_ROW a header) would pass the limits; return its error cells.

    The errors are {(row, column) counted from 0: the error's text, '#N/A'}, as Excel cached them.
    """
    errors: dict[tuple[int, int], str] = {}
    last_row = last_column = 0
    carry = b""
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK_BYTES):
            block = carry + block
            end = _last_row_end(block)
            block, carry = block[:end], block[end:]
            last_row, last_column = _far_extent(block, last_row, last_column, path, where)
            if _ERROR_MARK.search(block):
                errors.update(_error_cells(block))
        last_row, last_column = _far_extent(carry, last_row, last_column, path, where)
        if _ERROR_MARK.search(carry):
            errors.update(_error_cells(carry))
    if last_row - first_row > MAX_ROWS:
        raise UserError(f"{path}: {where} has more than {MAX_ROWS:,} rows; {_ADVICE}")
    # The cells the search passes over reach at most row 99,999 and column Z.
    rows, columns = max(last_row, _NEAR_ROWS), max(last_column, _NEAR_COLUMNS)
    if rows * columns > MAX_CELLS:
        raise UserError(f"{path}: {where} holds more than {MAX_CELLS:,} cells (rows to {rows:,}, columns to {columns:,}); "
                        f"{_ADVICE}")
    return errors


def _last_row_end(block: bytes) -> int:
    """Where the block's last whole row ends (0 if none does): a row is never split between blocks."""
    end = 0
    for end_tag in _ROW_END.finditer(block, max(0, len(block) - (1 << 20))):
        end = end_tag.end()
    if not end and len(block) > (1 << 20):
        for end_tag in _ROW_END.finditer(block):
            end = end_tag.end()
    return end


def _far_extent(block: bytes, last_row: int, last_column: int, path: Path, where: str) -> tuple[int, int]:
    for cell in _FAR_CELL.finditer(block):
        letters, digits = _split_reference(cell.group(1))
        column, row = _column_number(letters), int(digits)
        if column > MAX_COLUMNS:
            raise UserError(f"{path}: {where}, row {row:,} has values in {column:,} columns; at most {MAX_COLUMNS:,}: "
                            f"{_ADVICE}")
        last_row, last_column = max(last_row, row), max(last_column, column)
    return last_row, last_column


def _error_cells(block: bytes) -> dict[tuple[int, int], str]:
    cells = {}
    for cell in _ERROR_CELL.finditer(block):
        reference, value = _REFERENCE.search(cell.group(1)), _CACHED_VALUE.search(cell.group(2))
        if reference and value:  # Excel, LibreOffice and openpyxl write every cell's reference
            cells[(int(reference.group(2)) - 1, _column_number(reference.group(1)) - 1)] = value.group(1).decode("utf-8", "replace")
    return cells


def _split_reference(reference: bytes) -> tuple[bytes, bytes]:
    letters = reference.rstrip(b"0123456789")
    return letters, reference[len(letters):]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
