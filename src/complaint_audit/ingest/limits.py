"""The limits that keep a hostile export from hanging the loader or filling its memory.

Each is a named constant so the documentation (docs/bad_inputs.md) and the tests cite one
value. They sit far above anything a real case system exports: a limit is there to refuse a
broken or malicious file with a clear message, never to cut a real one short.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from complaint_audit.errors import UserError

# A workbook part may inflate to at most this many bytes: a million-row register's sheet is
# a few hundred megabytes of XML.
XLSX_MAX_PART_BYTES = 2 * 1024**3
# ... and at most this many times its compressed size, unless it is small. Worksheet XML
# compresses about 10 to 30 times; a zip bomb's part thousands of times.
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM_BYTES = 50 * 1024**2
# A review workbook holds a row per sampled case, hundreds: 100,000 rows of its 20 columns are
# under 100 MB of XML. Its shared strings are read whole, so a 15 MB file whose strings part
# inflated to 2 GB of one-letter strings would need several GB.
REVIEW_MAX_PART_BYTES = 128 * 1024**2
# A case reference longer than this is not a reference (a letter or a whole row in the wrong
# column): the row is quarantined as bad_case_id rather than loaded.
CASE_ID_MAX_LENGTH = 200
# Dates outside these are placeholders ('01/01/0001', '01/01/1900', 01/01/1970, '31/12/2099'),
# not events. 1 January 1970 is the Unix epoch, what a system that stores a zero writes for "no
# date"; the statutory complaint procedures this audit checks began in 1991 (NHS and Community
# Care Act 1990, Children Act 1989), and the working-day calendar holds bank holidays from 1990.
# A due or action date may lie ahead of the day an export is loaded, but not by more than a year.
# A row holding one is quarantined as date_out_of_range; loaded, one such date would stretch
# every chart and ageing figure over centuries.
EARLIEST_DATE = "1990-01-01"
LATEST_DAYS_AHEAD = 366

# An export of more columns than this is not a case system's export (Excel's own limit is
# 16,384; case systems export tens to a few hundred): refused before any per-column work, such
# as `profile suggest` does, which a million columns would make endless.
MAX_COLUMNS = 2000
# An export of more rows or cells (rows times columns) than these would not fit in an ordinary
# machine's memory once read: a load holds 50 to 100 bytes a cell (docs/scaling.md: 8 GB for the
# benchmark's 5 million cases of about 20 columns, 100 million cells). Checked before reading
# where a file declares its size (a Parquet footer: 400 KB can declare 150 million rows), and
# while reading a workbook, whose rows can each reach column XFD.
MAX_ROWS = 10_000_000
MAX_CELLS = 100_000_000
# ... and a Parquet file whose columns declare more bytes than this once decompressed.
PARQUET_MAX_BYTES = 8 * 1024**3

_MB = 1024**2
_SPECIAL_FILES = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
                  stat.S_IFBLK: "a device", stat.S_IFDIR: "a folder"}


def check_input_file(path: Path, what: str = "file") -> None:
    """Refuse anything but a regular file, a symbolic link included, before it is opened.

    Every file the tool reads goes through here (exports, profiles, audit.toml, review workbooks,
    the ombudsman's figures). Reading a named pipe or a device never ends (/dev/zero) or waits
    for a writer; a link in an exports folder can point the tool at any file on the machine,
    whose first line an error message would then show.
    """
    try:
        mode = os.stat(path, follow_symlinks=False).st_mode
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found") from None
    if stat.S_ISLNK(mode):
        raise UserError(f"{path}: a symbolic link; give the {what} itself (links are not followed)")
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: {_SPECIAL_FILES.get(stat.S_IFMT(mode), 'not a regular file')}, not a file; give the {what} itself")


def check_found_folders(path: Path, found_below: Path) -> None:
    """Refuse a file a glob found through a linked folder below FOUND_BELOW (the pattern's
    literal part): `exports/**/*.csv` would otherwise read every file a planted link points at.
    Folders the user named are followed as named."""
    if not path.is_relative_to(found_below):
        return
    folder = found_below
    for part in path.relative_to(found_below).parts[:-1]:  # the folders between, from the top: a stat each
        folder = folder / part
        if folder.is_symlink():
            raise UserError(f"{path}: found through the symbolic link {folder}; links are not followed: "
                            f"name the folder itself, or copy the file")


def check_column_count(path: Path, count: int) -> None:
    """Refuse an export with more than MAX_COLUMNS columns, before any work per column."""
    if count > MAX_COLUMNS:
        raise UserError(f"{path}: {count:,} columns; at most {MAX_COLUMNS:,} (is this a case system's export? "
                        f"check the delimiter and the header row)")


def check_parquet_size(path: Path, metadata) -> None:
    """Refuse a Parquet file whose footer declares more than the limits, before any row is read.

    The footer is small whatever it declares: a 400 KB file can declare 150 million rows, which
    would take several GB once read.
    """
    check_column_count(path, metadata.num_columns)
    rows, columns = metadata.num_rows, metadata.num_columns
    declared = sum(metadata.row_group(group).total_byte_size for group in range(metadata.num_row_groups))
    if rows > MAX_ROWS or rows * columns > MAX_CELLS or declared > PARQUET_MAX_BYTES:
        raise UserError(f"{path}: declares {rows:,} rows of {columns:,} columns ({declared / _MB:,.0f} MB decompressed); "
                        f"the limits are {MAX_ROWS:,} rows, {MAX_CELLS:,} values and {PARQUET_MAX_BYTES // _MB:,} MB: "
                        f"split the export, or check it is the file you meant")


def bounded_rows(rows: Iterable[tuple], path: Path, where: str, *, first_row: int = 1, max_rows: int = MAX_ROWS,
                 advice: str = "split the export, or check it is the file you meant") -> Iterator[tuple]:
    """A sheet's rows (the first, sheet row FIRST_ROW, a header), refused past MAX_ROWS rows under
    the header, MAX_COLUMNS columns or MAX_CELLS cells, with ADVICE.

    A sheet declares no trustworthy size (see the dimension's reset), and each row is as long as
    its last cell: a 500 KB workbook of rows that each hold one cell in column XFD would be
    16,384 cells a row. Empty cells past MAX_COLUMNS (a formatted but empty range) are dropped.
    """
    cells = 0
    for number, row in enumerate(rows):
        if len(row) > MAX_COLUMNS:
            beyond = row[MAX_COLUMNS:]
            if beyond.count(None) != len(beyond):
                raise UserError(f"{path}: {where}, row {first_row + number:,} has values in {len(row):,} columns; "
                                f"at most {MAX_COLUMNS:,}: {advice}")
            row = row[:MAX_COLUMNS]
        if number > max_rows:
            raise UserError(f"{path}: {where} has more than {max_rows:,} rows; {advice}")
        cells += len(row)
        if cells > MAX_CELLS:
            raise UserError(f"{path}: {where} holds more than {MAX_CELLS:,} cells by row {first_row + number:,}; {advice}")
        yield row


def check_xlsx_sizes(path: Path, archive: zipfile.ZipFile, max_part_bytes: int = XLSX_MAX_PART_BYTES) -> None:
    """Refuse a workbook whose parts would inflate past the limits, before anything inflates them.

    The zip's directory declares each part's sizes, and Python's zipfile stops at the declared
    size (a part that lies fails its CRC check), so the declared sizes bound the work.
    """
    for member in archive.infolist():
        ratio = member.file_size / max(member.compress_size, 1)
        too_big = member.file_size > max_part_bytes
        if too_big or (member.file_size > XLSX_RATIO_FROM_BYTES and ratio > XLSX_MAX_RATIO):
            raise UserError(
                f"{path}: {member.filename} would inflate to {member.file_size / _MB:,.0f} MB from "
                f"{member.compress_size / _MB:,.1f} MB (ratio {ratio:,.0f}:1; the limits are "
                f"{max_part_bytes // _MB:,} MB and {XLSX_MAX_RATIO}:1): not a real workbook export"
            )


# Response letters ([letters]): a letter is a few pages; these bound what one hostile file can
# cost. A file larger than LETTER_MAX_BYTES is reported unreadable without being opened; of a
# PDF only the first LETTER_MAX_PAGES pages are read; a Word file's parts may inflate to at most
# LETTER_MAX_PART_BYTES (and the workbook's ratio limit, check_xlsx_sizes); the text kept of one
# letter stops at LETTER_MAX_CHARACTERS.
LETTER_MAX_BYTES = 25 * 1024**2
LETTER_MAX_PAGES = 50
LETTER_MAX_PART_BYTES = 64 * 1024**2
LETTER_MAX_CHARACTERS = 200_000
