"""The header row: checked when an export is read, found under any title block when a sample is.

A sample's rows are framed with the names the whole-export readers give the columns, so a draft
profile's column names match what the loader will find.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_column_count


def check_header(path: Path, names: list[str]) -> None:
    """Refuse a header the columns cannot be named from: too many, a name twice, or none at all."""
    check_column_count(path, len(names))
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UserError(f"{path}: the column name '{name}' appears twice in the header; rename one in the export")
        seen.add(name)
    if not names or all(not name.strip() for name in names):
        raise UserError(f"{path}: no header row found; set [source] header_row in the profile")


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


def header_why(title_rows: list[list[object]], header_row: int, found: bool) -> str:
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


def sample_frame(path: Path, header: list[object], body: list[list[object]]) -> tuple[pd.DataFrame, int]:
    """Header + rows -> frame of the named columns, blank rows dropped (as the export readers do)."""
    check_column_count(path, len(header))
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
