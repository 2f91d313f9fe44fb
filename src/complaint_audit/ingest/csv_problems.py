"""A CSV that does not parse, diagnosed: which delimiter it uses, which row is broken or cut off.

pyarrow reads CSV fast but says only that a row is wrong, not which; these name the row so the
user can open the export at the right place.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from complaint_audit.errors import UserError


def check_delimiter(path: Path, names: list[str], delimiter: str) -> None:
    """One column whose name holds another separator: the profile names the wrong delimiter."""
    if len(names) != 1:
        return
    for other in (";", "\t", "|", ","):
        if other != delimiter and other in names[0]:
            shown = "\\t" if other == "\t" else other
            raise UserError(
                f"{path}: the header has one column but contains '{shown}': is the file separated by '{shown}'? "
                f"set [source] delimiter = \"{shown}\" in the profile"
            )


def csv_error_words(error: csv.Error) -> str:
    """Python's csv error in a user's words; its errors describe the fault, never the row's values."""
    if "new-line character" in str(error):
        return "a line break inside a value that is not in quotes"
    return str(error)


def broken_row(path: Path, header_lines: list[str], header_row: int, delimiter: str, width: int) -> UserError | None:
    """The first record with the wrong number of fields, or cut off inside a quoted value; None if none.

    HEADER_LINES is the text split at the header (the body last). Only called when pyarrow
    failed or the quotes do not pair up, so this slower row-by-row reader runs on broken files
    only, to name the row.
    """
    body = header_lines[-1] if len(header_lines) > header_row else ""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(body) + 1))
    row_number = header_row
    try:
        for row_number, fields in enumerate(csv.reader(io.StringIO(body), delimiter=delimiter, strict=True), start=header_row + 1):
            if fields and len(fields) != width:
                return UserError(
                    f"{path}: row {row_number} has {len(fields)} fields, the header has {width}: a broken or cut-off "
                    f"line; fix it in the export"
                )
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            return UserError(
                f"{path}: row {row_number + 1} is cut short: the file ends inside a quoted value (a truncated export?)"
            )
        return UserError(f"{path}: row {row_number + 1} cannot be read as CSV ({csv_error_words(error)}); fix it in the export")
    finally:
        csv.field_size_limit(limit)
    return None
