"""The review workbook (sheets Review, Instructions, How drawn) and the manifest beside it.

One row per sampled stage record: its facts, the response text where the store holds it, then
one column per quality criterion from RULES.md section 6 with a drop-down of RATINGS, and
reviewer, review date and notes. Text a spreadsheet would run as a formula is shown as text.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from complaint_audit.letters.criteria import CRITERIA, RATINGS
from complaint_audit.paths import path_text
from complaint_audit.spreadsheet import safe_cells
from complaint_audit.store import atomic_write

FACT_COLUMNS: tuple[str, ...] = (
    "organisation", "case_id", "stage", "process", "team", "category", "raised_via", "received", "responded", "outcome",
)
REVIEW_COLUMNS: tuple[str, ...] = ("Reviewer", "Review date", "Notes")
FROZEN_FACTS = 3  # organisation, case_id, stage stay in view while scrolling right
_WRAPPED_WIDTH = {"response_text": 80, "Notes": 50}
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def write_review(out: Path, sample: pd.DataFrame, description: dict) -> dict[str, Path]:
    """Write the workbook to OUT and the manifest (description plus the sampled keys) to OUT with .json."""
    paths = {"workbook": out, "manifest": out.with_suffix(".json")}
    manifest = {
        **description,
        "workbook": path_text(out.name),
        "cases": sample[["organisation", "case_id", "stage"]].astype(object).to_dict(orient="records"),
    }
    atomic_write(paths["workbook"], lambda tmp: write_review_workbook(tmp, sample, description))
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    atomic_write(paths["manifest"], lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return paths


def write_review_workbook(path: Path, sample: pd.DataFrame, description: dict) -> None:
    """The review workbook for this sample: Review, Instructions and How drawn sheets."""
    facts = [*FACT_COLUMNS, *(["response_text"] if sample.get("response_text", pd.Series()).notna().any() else [])]
    book = Workbook()
    review = book.active
    review.title = "Review"
    _write_review_sheet(review, safe_cells(sample[facts]), facts)
    _write_instructions(book.create_sheet("Instructions"))
    _write_how_drawn(book.create_sheet("How drawn"), description)
    book.save(path)


def _write_review_sheet(sheet: Worksheet, facts_frame: pd.DataFrame, facts: list[str]) -> None:
    headers = [*facts, *(criterion.title for criterion in CRITERIA), *REVIEW_COLUMNS]
    sheet.append(headers)
    blanks = [None] * (len(CRITERIA) + len(REVIEW_COLUMNS))
    for row in facts_frame.itertuples(index=False):
        sheet.append([_cell_value(value) for value in row] + blanks)
    last = max(sheet.max_row, 2)

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=2, column=FROZEN_FACTS + 1)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"

    ratings = DataValidation(
        type="list", formula1='"' + ",".join(RATINGS) + '"', allow_blank=True, showErrorMessage=True,
        errorTitle="Rating", error="Choose one of: " + ", ".join(RATINGS),
    )
    review_date = DataValidation(
        type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
        allow_blank=True, showErrorMessage=True, errorTitle="Review date", error="Enter a date, e.g. 2025-03-31",
    )
    sheet.add_data_validation(ratings)
    sheet.add_data_validation(review_date)
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        column_range = f"{letter}2:{letter}{last}"
        if index > len(facts) and index <= len(facts) + len(CRITERIA):
            ratings.add(column_range)
        if header in ("received", "responded", "Review date"):
            for (cell,) in sheet[column_range]:
                cell.number_format = "yyyy-mm-dd"
        if header == "Review date":
            review_date.add(column_range)
        if header in _WRAPPED_WIDTH:
            for (cell,) in sheet[column_range]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[letter].width = _WRAPPED_WIDTH[header]
        else:
            sheet.column_dimensions[letter].width = _fit_width(header, sheet[column_range], wrapped_header=index > len(facts))


def _fit_width(header: str, cells, wrapped_header: bool) -> float:
    """Widest value (first 500 rows) plus padding; long headers wrap, so they count up to 22."""
    values = [len(str(cell.value)) if not isinstance(cell.value, dt.date) else 10 for (cell,) in cells[:500] if cell.value is not None]
    heading = min(len(header), 22) if wrapped_header else len(header)
    return min(max([heading, *values, 8]) + 2, 60)


def _cell_value(value):
    """Pandas missing values as empty cells, timestamps as dates."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _write_instructions(sheet: Worksheet) -> None:
    lines = [
        ("How to fill in this review", ""),
        ("", ""),
        ("1.", "On the Review sheet, read each case's facts and, where present, its response text."),
        ("2.", "Rate each criterion from the drop-down: " + ", ".join(RATINGS) + ". Score each criterion on its own: there is no total score."),
        ("3.", "Use 'not applicable' where a criterion does not apply (e.g. no fault found, so no apology is needed)."),
        ("4.", "Fill in Reviewer (your name or initials), Review date (a date) and Notes (why, especially for 'partly' and 'not met')."),
        ("5.", "Do not add, remove, reorder or sort-and-save rows, and do not edit the facts: the case ids tie each review back to the store."),
        ("6.", "The How drawn sheet (and the .json manifest beside this file) record how the sample was drawn; keep them with the results."),
        ("", ""),
        ("Criterion", "What to look for (RULES.md section 6)"),
        *((criterion.title, criterion.help) for criterion in CRITERIA),
    ]
    for line in lines:
        sheet.append(list(line))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.cell(row=len(lines) - len(CRITERIA), column=1).font = Font(bold=True)
    sheet.cell(row=len(lines) - len(CRITERIA), column=2).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_how_drawn(sheet: Worksheet, description: dict) -> None:
    scalars = [
        (key, json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
        for key, value in description.items()
        if key != "strata"
    ]
    for key, value in safe_cells(pd.DataFrame(scalars, columns=["item", "value"])).itertuples(index=False):
        sheet.append([key, value])
    sheet.append([])
    strata = pd.DataFrame(description.get("strata", []))
    if not strata.empty:
        sheet.append(list(strata.columns))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in safe_cells(strata).itertuples(index=False):
            sheet.append(list(row))
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
