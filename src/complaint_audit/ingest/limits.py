"""The limits that keep a hostile export from hanging the loader or filling its memory.

Each is a named constant so the documentation (docs/bad_inputs.md) and the tests cite one
value. They sit far above anything a real case system exports: a limit is there to refuse a
broken or malicious file with a clear message, never to cut a real one short.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from complaint_audit.errors import UserError

# A workbook part may inflate to at most this many bytes: a million-row register's sheet is
# a few hundred megabytes of XML.
XLSX_MAX_PART_BYTES = 2 * 1024**3
# ... and at most this many times its compressed size, unless it is small. Worksheet XML
# compresses about 10 to 30 times; a zip bomb's part thousands of times.
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM_BYTES = 50 * 1024**2
# A case reference longer than this is not a reference (a letter or a whole row in the wrong
# column): the row is quarantined as bad_case_id rather than loaded.
CASE_ID_MAX_LENGTH = 200
# Dates outside these are placeholders ('01/01/0001', '01/01/1900', '31/12/2099'), not events:
# no complaint scheme predates 1970 (the Local Government Act 1974 set up the first
# ombudsman for councils), and no case system schedules a response a lifetime ahead. A row
# holding one is quarantined as date_out_of_range; loaded, one such date would stretch every
# chart and ageing figure over centuries.
EARLIEST_DATE = "1970-01-01"
LATEST_DATE = "2098-12-31"

# An export of more columns than this is not a case system's export (Excel's own limit is
# 16,384; case systems export tens to a few hundred): refused before any per-column work, which
# `profile suggest` does at tens of milliseconds a column.
MAX_COLUMNS = 2000
# A Parquet file declaring more cells (rows times columns) than this would not fit in memory
# once read (a 5 million row export of 30 columns is 150 million); its footer is read first.
PARQUET_MAX_CELLS = 500_000_000

_MB = 1024**2
_SPECIAL_FILES = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
                  stat.S_IFBLK: "a device", stat.S_IFDIR: "a folder"}


def check_input_file(path: Path, what: str = "file", follow_links: bool = False) -> None:
    """Refuse anything but a regular file, and (unless FOLLOW_LINKS) a symbolic link, before it is opened.

    Reading a named pipe or a device never ends (/dev/zero) or waits for a writer; a link in an
    exports folder can point the tool at any file on the machine, whose first line an error
    message would then show.
    """
    try:
        mode = os.stat(path, follow_symlinks=follow_links).st_mode
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found") from None
    if stat.S_ISLNK(mode):
        raise UserError(f"{path}: a symbolic link; give the {what} itself (links are not followed)")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: {_SPECIAL_FILES.get(stat.S_IFMT(mode), 'not a regular file')}, not a file; give the {what} itself")


def check_column_count(path: Path, count: int) -> None:
    """Refuse an export with more than MAX_COLUMNS columns, before any work per column."""
    if count > MAX_COLUMNS:
        raise UserError(f"{path}: {count:,} columns; at most {MAX_COLUMNS:,} (is this a case system's export? "
                        f"check the delimiter and the header row)")


def check_parquet_size(path: Path, metadata) -> None:
    """Refuse a Parquet file whose footer declares more than the limits, before any row is read.

    The footer is small whatever it declares: a 700 KB file can declare 150 million rows, which
    would take several GB once read.
    """
    check_column_count(path, metadata.num_columns)
    cells = metadata.num_rows * metadata.num_columns
    if cells > PARQUET_MAX_CELLS:
        raise UserError(f"{path}: declares {metadata.num_rows:,} rows of {metadata.num_columns:,} columns "
                        f"({cells:,} values; the limit is {PARQUET_MAX_CELLS:,}): split the export, or check it is the file you meant")


def check_xlsx_sizes(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts would inflate past the limits, before anything inflates them.

    The zip's directory declares each part's sizes, and Python's zipfile stops at the declared
    size (a part that lies fails its CRC check), so the declared sizes bound the work.
    """
    for member in archive.infolist():
        ratio = member.file_size / max(member.compress_size, 1)
        too_big = member.file_size > XLSX_MAX_PART_BYTES
        if too_big or (member.file_size > XLSX_RATIO_FROM_BYTES and ratio > XLSX_MAX_RATIO):
            raise UserError(
                f"{path}: {member.filename} would inflate to {member.file_size / _MB:,.0f} MB from "
                f"{member.compress_size / _MB:,.1f} MB (ratio {ratio:,.0f}:1; the limits are "
                f"{XLSX_MAX_PART_BYTES // _MB:,} MB and {XLSX_MAX_RATIO}:1): not a real workbook export"
            )
