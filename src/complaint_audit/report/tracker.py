"""recommendations.xlsx: the action plan as a workbook the committee keeps up from meeting to meeting.

One row per recommendation with its owner, due date and state against the previous run, and
blank columns for the management response, the agreed date and the evidence of completion.
The recommendations resolved since the previous run follow on their own sheet. Text cells are
made safe as in every workbook the tool writes (spreadsheet.safe_cells): a team named
"=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from complaint_audit.spreadsheet import safe_cells

SHEET = "Recommendations"
RESOLVED_SHEET = "Resolved"
# The columns and their widths in characters; the last three are for the committee to fill in.
COLUMNS = {"No.": 6, "Recommendation": 70, "Priority": 10, "Owner": 30, "Due date": 16, "Checks": 18, "Cases": 8,
           "Against the previous run": 14, "Management response": 50, "Agreed date": 14, "Evidence of completion": 50}
_DATES = ("Due date", "Agreed date")
_DATE_FORMAT = "d mmmm yyyy"


def tracker_rows(recommendations: list[dict]) -> pd.DataFrame:
    """The sheet's rows: a recommendation each, as the report's action plan gives them."""
    return pd.DataFrame([{
        "No.": item["number"], "Recommendation": item["text"], "Priority": item["priority"], "Owner": item["owner"],
        "Due date": dt.date.fromisoformat(item["due"]) if item.get("due") else None,
        "Checks": ", ".join(item["codes"]), "Cases": _count(item.get("cases")),
        "Against the previous run": item.get("state"), "Management response": None, "Agreed date": None,
        "Evidence of completion": None,
    } for item in recommendations], columns=list(COLUMNS))


def write_tracker(path: Path, recommendations: list[dict], resolved: list[dict]) -> None:
    """Write the tracker to PATH: header styled and frozen, columns sized, text wrapped, dates as dates."""
    from openpyxl import Workbook

    book = Workbook()
    _sheet(book.active, SHEET, tracker_rows(recommendations))
    if resolved:
        _sheet(book.create_sheet(), RESOLVED_SHEET, tracker_rows(resolved))
    book.save(path)


def _sheet(sheet, title: str, rows: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = title
    text = [name for name in rows.columns if name not in _DATES]
    cells = pd.concat([safe_cells(rows[text]), rows[list(_DATES)]], axis=1)[rows.columns].astype(object)
    sheet.append(list(cells.columns))
    for row in cells.where(cells.notna(), None).itertuples(index=False, name=None):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, (name, width) in enumerate(COLUMNS.items(), start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if name in _DATES:
                cell.number_format = _DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # Printed for a meeting: landscape, one page wide, the header on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _count(shown: str | int | None):
    """A case count as a number where the report shows one; '<5' (suppressed) stays text."""
    if shown is None:
        return None
    text = str(shown).replace(",", "")
    return int(text) if text.isdigit() else str(shown)
