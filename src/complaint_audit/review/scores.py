"""Reading a filled review workbook back: every cell checked, the scores as long-format rows.

The Review sheet is read as the reviewers left it (openpyxl, cached values). A row whose
ratings, reviewer, date and notes are all blank was not reviewed: it is counted, not an error.
Every other problem is an error naming the sheet and cell: a rating not in the drop-down list, a
rated row without a reviewer or a review date, a date that is not one, a row with a reviewer or
notes but no rating, a case the store does not hold, the same case on two rows. Notes are read
only to tell a blank row from a started one: they are free text that may name people, so they
are not kept (the workbook stays with the auditor's working papers). Reviewers are kept as
written, with any email address or phone number typed into the cell masked.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from complaint_audit.errors import UserError
from complaint_audit.ingest.formats.xlsx import check_workbook_container
from complaint_audit.ingest.limits import REVIEW_MAX_PART_BYTES, bounded_rows, check_input_file
from complaint_audit.ingest.privacy import redact_patterns
from complaint_audit.letters.criteria import CRITERION_TITLES, KEY, RATINGS
from complaint_audit.paths import path_text
from complaint_audit.spreadsheet import FORMULA_START

SHEET = "Review"
# A review workbook holds one row per sampled case, tens to hundreds; more than this is not one.
REVIEW_MAX_ROWS = 100_000
REVIEWER, REVIEW_DATE, NOTES = "Reviewer", "Review date", "Notes"
REQUIRED_COLUMNS = (*KEY, *CRITERION_TITLES, REVIEWER, REVIEW_DATE)
# One row per rated criterion of a reviewed case; `row` is the workbook row, for tracing a score back.
SCORE_COLUMNS = ("organisation", "case_id", "stage", "team", "criterion", "score", "reviewer", "review_date", "workbook", "row")
EARLIEST_REVIEW = dt.date(2000, 1, 1)
NOT_A_DATE = "is not a date (write 2025-03-31)"


@dataclass(frozen=True)
class ReadReview:
    """A workbook's valid scores (SCORE_COLUMNS without team) and what else its rows held."""

    scores: pd.DataFrame
    rows: int  # case rows on the Review sheet
    not_reviewed: int  # rows left entirely blank
    unrated: int  # criteria left blank in rows that were rated


def read_review(path: Path, known: pd.DataFrame, today: dt.date | None = None) -> ReadReview:
    """The scores in the review workbook at PATH, checked cell by cell against the store's `known` keys.

    `known` holds the store's (organisation, case_id, stage) keys. Raises a UserError naming the
    first bad cell (and how many more there are) if any cell is wrong.
    """
    path = Path(path)
    sheet = _sheet_frame(path)
    where = _Cells(path, sheet.columns)
    ratings = sheet[list(CRITERION_TITLES)].apply(_rating)
    key = sheet[list(KEY)].apply(_text)
    reviewer = _text(sheet[REVIEWER])
    review_date = _date(sheet[REVIEW_DATE])
    notes = _text(sheet[NOTES]) if NOTES in sheet else pd.Series(None, index=sheet.index, dtype=object)

    rated = sheet[list(CRITERION_TITLES)].map(_filled).any(axis=1)  # valid or not: a wrong rating is its own error
    is_case = key.notna().any(axis=1)
    started = reviewer.notna() | sheet[REVIEW_DATE].map(_filled) | notes.notna()
    today = today or dt.date.today()
    problems = [
        *(where.each(ratings[title].isna() & sheet[title].map(_filled), title,
                     "'" + sheet[title].astype(str) + "' is not one of " + ", ".join(RATINGS)) for title in CRITERION_TITLES),
        where.each(is_case & ~rated & started, CRITERION_TITLES[0],
                   _case(key) + " has a reviewer, date or notes but no criterion rated: rate the criteria "
                   "(not applicable where one does not apply) or clear the row"),
        *(where.each(rated & key[name].isna(), name, f"a rated row needs its {name}: do not edit the case's facts")
          for name in KEY),
        where.each(rated & reviewer.isna(), REVIEWER, _case(key) + " is rated but has no reviewer"),
        where.each(rated & ~sheet[REVIEW_DATE].map(_filled), REVIEW_DATE, _case(key) + " is rated but has no review date"),
        where.each(sheet[REVIEW_DATE].map(_filled) & review_date.isna(), REVIEW_DATE,
                   "'" + sheet[REVIEW_DATE].astype(str) + "' " + NOT_A_DATE),
        where.each(review_date.notna() & ((review_date > pd.Timestamp(today)) | (review_date < pd.Timestamp(EARLIEST_REVIEW))),
                   REVIEW_DATE, "review date " + review_date.dt.strftime("%Y-%m-%d") + f" is not between {EARLIEST_REVIEW} and today"),
        *_key_problems(where, key, rated, known),
    ]
    where.raise_any(problems)

    scored = key[rated].assign(reviewer=redact_patterns(reviewer[rated]), workbook=path_text(path.name), row=sheet.index[rated] + 2,
                               review_date=review_date[rated].astype("datetime64[s]"))
    long = ratings[rated].melt(ignore_index=False, var_name="criterion", value_name="score").dropna(subset=["score"])
    scores = scored.join(long).sort_values(["row", "criterion"], key=_criterion_order, kind="stable")
    columns = [name for name in SCORE_COLUMNS if name != "team"]
    return ReadReview(scores.reset_index(drop=True)[columns], rows=int(is_case.sum()),
                      not_reviewed=int((is_case & ~rated & ~started).sum()),
                      unrated=int(ratings[rated].isna().sum().sum()))


def _sheet_frame(path: Path) -> pd.DataFrame:
    """The Review sheet as a frame of raw cell values, headers from row 1; frame row i is sheet row i + 2."""
    check_input_file(path, "review workbook")
    # Not a workbook, or a zip bomb: refused before anything inflates.
    check_workbook_container(path, if_csv="open the workbook `complaint-audit sample` wrote, fill it in and save it as .xlsx",
                             max_part_bytes=REVIEW_MAX_PART_BYTES)
    try:
        # Read-only streams the sheet: the whole-workbook mode holds every cell as an object,
        # gigabytes for a workbook of a few megabytes.
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise UserError(f"{path}: not an Excel workbook (.xlsx) that can be read: {error}") from None
    try:
        if SHEET not in book.sheetnames:
            raise UserError(f"{path}: not a review workbook: no sheet named {SHEET} (it has {', '.join(book.sheetnames)}); "
                            "write one with `complaint-audit sample`")
        sheet = book[SHEET]
        sheet.reset_dimensions()  # read every row there is, whatever the sheet's <dimension> declares
        values = list(bounded_rows(sheet.iter_rows(values_only=True), path, f"sheet {SHEET}", max_rows=REVIEW_MAX_ROWS,
                                   advice="a review workbook holds one row per case sampled: check it is the workbook "
                                          "`complaint-audit sample` wrote"))
    finally:
        book.close()
    header = [str(value).strip() if value is not None else "" for value in (values[0] if values else ())]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise UserError(f"{path}: sheet {SHEET}, row 1: no column '{missing[0]}'; this is not a review workbook written "
                        "by `complaint-audit sample`, or its header row was changed")
    frame = pd.DataFrame(values[1:], columns=header, dtype=object)
    return frame.loc[:, ~frame.columns.duplicated()]


class _Cells:
    """Cell addresses of the sheet's columns, and problems gathered as (row, column, message)."""

    def __init__(self, path: Path, columns: pd.Index):
        self.path = path
        self.letters = {name: get_column_letter(position + 1) for position, name in enumerate(columns)}

    def each(self, mask: pd.Series, column: str, message: pd.Series | str) -> pd.DataFrame:
        messages = message if isinstance(message, pd.Series) else pd.Series(message, index=mask.index)
        return pd.DataFrame({"row": mask.index[mask] + 2, "column": self.letters[column], "message": messages[mask]})

    def raise_any(self, problems: list[pd.DataFrame]) -> None:
        found = pd.concat(problems, ignore_index=True).sort_values(["row", "column"], key=_column_order, kind="stable")
        if found.empty:
            return
        first = found.iloc[0]
        others = len(found) - 1
        more = f" (and {others} more problem{'s' if others > 1 else ''} in the workbook)" if others else ""
        raise UserError(f"{self.path}: sheet {SHEET}, cell {first['column']}{first['row']}: {first['message']}{more}")


def _key_problems(where: _Cells, key: pd.DataFrame, rated: pd.Series, known: pd.DataFrame) -> list[pd.DataFrame]:
    """Rated rows whose case the store does not hold, and rated rows repeating an earlier row's case."""
    complete = rated & key.notna().all(axis=1)
    in_store = key.merge(known[list(KEY)].astype(str).drop_duplicates(), how="left", on=list(KEY), indicator=True)
    unknown = complete & pd.Series(in_store["_merge"].eq("left_only").to_numpy(), index=key.index)
    first_row = _first_row(key, complete)
    repeated = complete & first_row.ne(key.index.to_series() + 2)
    return [
        where.each(unknown, "case_id", _case(key) + " of " + key["organisation"].fillna("") + " is not in the store"),
        where.each(repeated, "case_id", _case(key) + " is also on row " + first_row.astype("Int64").astype(str)
                   + ": keep one row per case"),
    ]


def _first_row(key: pd.DataFrame, complete: pd.Series) -> pd.Series:
    """For each complete row, the sheet row where its case first appears."""
    rows = pd.Series(key.index + 2, index=key.index).where(complete)
    return rows.groupby([key[name] for name in KEY], dropna=False).transform("min")


def _case(key: pd.DataFrame) -> pd.Series:
    return "case '" + key["case_id"].fillna("") + "' stage " + key["stage"].fillna("")


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _text(column: pd.Series) -> pd.Series:
    """Cell values as trimmed text (whole numbers without '.0'); blank cells as missing.

    A leading ' that the workbook added to keep text from running as a formula is taken off.
    """
    def one(value):
        if not _filled(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START else text

    return column.map(one).astype(object)


def _rating(column: pd.Series) -> pd.Series:
    """A rating in the drop-down's words (any case, spaces collapsed); anything else as missing."""
    words = column.map(lambda value: " ".join(value.lower().split()) if isinstance(value, str) else None)
    return words.where(words.isin(RATINGS)).astype(object)


def _date(column: pd.Series) -> pd.Series:
    """Review dates from date cells or text written 2025-03-31 or 31/03/2025; anything else as missing."""
    as_dates = pd.to_datetime(column.map(lambda value: value if isinstance(value, (dt.date, dt.datetime)) else None),
                              errors="coerce")
    text = column.map(lambda value: value.strip() if isinstance(value, str) else None)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    british = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    return as_dates.fillna(iso).fillna(british).dt.normalize()


def _criterion_order(column: pd.Series) -> pd.Series:
    """Sort key: criteria in the workbook's order."""
    return column.map({title: number for number, title in enumerate(CRITERION_TITLES)}) if column.name == "criterion" else column


def _column_order(column: pd.Series) -> pd.Series:
    """Sort key: columns by position (Z before AA), so problems come in reading order."""
    return column.map(column_index_from_string) if column.name == "column" else column
