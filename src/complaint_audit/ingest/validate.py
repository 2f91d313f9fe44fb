"""Validation: one reason per row that cannot be loaded, decided over whole columns.

The first failing rule wins, in the order of REASONS, so each quarantined row carries exactly
one reason and the per-reason counts add up to the quarantined total.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from complaint_audit.ingest.distinct import combined_numbers, distinct_values
from complaint_audit.ingest.limits import CASE_ID_MAX_LENGTH, EARLIEST_DATE, LATEST_DAYS_AHEAD
from complaint_audit.ingest.privacy import personal_data_kinds
from complaint_audit.ingest.problems import FirstProblems
from complaint_audit.schema import DATE_FIELDS, RECORD_KEY, REQUIRED_FIELDS

REASONS = (
    "no_stage_data",
    "bad_stage_list",
    "bad_case_id",
    "personal_data_in_case_id",
    "bad_date",
    "date_order",
    "date_out_of_range",
    "bad_number",
    "unmapped_value",
    "missing_required",
    "responded_before_received",
    "duplicate_record",
)

_STAGE_PROBLEMS = {"no_stage_data": "the record holds no stage",
                   "bad_stage_list": "the stage list is not a list of objects (an object, a text or a number in its place?)"}


def quarantine_reasons(
    frame: pd.DataFrame,
    stage_problem: pd.Series,
    conversion_problem: pd.Series,
    conversion_detail: pd.Series,
    masked_case_id: pd.Series,
    case_numbers: np.ndarray,
    today: dt.date | None = None,
    *,
    combine: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """(reason, detail) per row; both missing for a row that loads.

    TODAY is the day of loading (dates more than a year after it are placeholders). With
    COMBINE (the profile has a [combine] table), rows repeating a case and stage are not
    duplicates: they load, to be combined into one record (combine.py).

    `masked_case_id` is the case id with its personal data masked: where it differs, the row is
    quarantined, and a message that shows a case id shows this one. `case_numbers` numbers the
    case ids, equal for equal ids (distinct.distinct_values): the masking worked them out, and
    hashing a million ids again to find the duplicates took longer than the rest of this.
    """
    problems = FirstProblems(frame.index)
    problems.note(stage_problem.notna(), stage_problem, lambda rows: stage_problem[rows].map(_STAGE_PROBLEMS))
    bad_id, id_detail = _bad_case_ids(frame["case_id"], masked_case_id)
    problems.note(bad_id, "bad_case_id", id_detail)
    # A case reference that holds an email, a phone number or a name would print it in every
    # table and exception; the value is not shown in the message either.
    kinds = personal_data_kinds(frame["case_id"], masked_case_id)
    problems.note(kinds.notna(), "personal_data_in_case_id",
                  lambda rows: "case_id holds " + kinds[rows] + "; a case reference must not be personal data (is the right column mapped?)")
    problems.note(conversion_problem.notna(), conversion_problem, conversion_detail)
    latest = pd.Timestamp(today or dt.date.today()) + pd.Timedelta(days=LATEST_DAYS_AHEAD)
    for name in DATE_FIELDS:
        too_early, too_late = frame[name] < pd.Timestamp(EARLIEST_DATE), frame[name] > latest
        problems.note(
            too_early | too_late, "date_out_of_range",
            lambda rows, name=name, too_early=too_early: f"{name}: " + _iso(frame.loc[rows, name])
            + too_early[rows].map({True: f" is before {EARLIEST_DATE}", False: " is more than a year after the day it was loaded"})
            + ": a placeholder, not a date; correct it in the case system",
        )
    for name in REQUIRED_FIELDS:
        problems.note(frame[name].isna(), "missing_required", f"{name} is empty")
    responded_early = frame["responded"] < frame["received"]
    problems.note(
        responded_early,
        "responded_before_received",
        lambda rows: "responded " + _iso(frame.loc[rows, "responded"]) + " is before received " + _iso(frame.loc[rows, "received"]),
    )
    if combine:
        return problems.series()
    unexplained = np.flatnonzero(problems.unexplained)
    duplicate = np.zeros(len(frame), dtype=bool)
    duplicate[unexplained] = pd.Series(_key_numbers(frame, case_numbers)[unexplained]).duplicated(keep="first").to_numpy()
    problems.note(duplicate, "duplicate_record", lambda rows: "same organisation, case_id and stage as row "
                  + _first_rows(frame[[*RECORD_KEY, "source_row"]].iloc[unexplained], rows))
    return problems.series()


def _key_numbers(frame: pd.DataFrame, case_numbers: np.ndarray) -> np.ndarray:
    """One integer per row, equal for rows of equal RECORD_KEY (organisation, case_id, stage): the keys'
    numbers (distinct_values; -1 where missing, so counted from 0 here) in one int64, hashed once
    to find the duplicates."""
    return combined_numbers([(case_numbers if name == "case_id" else distinct_values(frame[name])[0]) + 1 for name in RECORD_KEY])


def _first_rows(keyed: pd.DataFrame, duplicates: pd.Series) -> pd.Series:
    """For each duplicate row, the source row of the first row with its key."""
    first = keyed.drop_duplicates(list(RECORD_KEY), keep="first")
    repeated = keyed.loc[duplicates[duplicates].index, list(RECORD_KEY)]
    found = repeated.merge(first, how="left", on=list(RECORD_KEY))["source_row"].set_axis(repeated.index)
    return found.astype("str")


def _bad_case_ids(case_id: pd.Series, shown: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Case ids too long to be a reference, or holding a line break or other control character.

    Either means something else landed in the case id column (a letter, a whole row): loaded,
    it would become a case nobody can look up, and break every table it is printed in. A message
    shows the case id as `shown` has it (masked).
    """
    length = case_id.str.len()
    too_long = length.gt(CASE_ID_MAX_LENGTH).fillna(False).astype(bool)
    control = case_id.str.contains(r"[\x00-\x1f\x7f]", regex=True).fillna(False).astype(bool) & ~too_long
    detail = pd.Series(None, index=case_id.index, dtype=object)
    if too_long.any():
        detail[too_long] = "case_id is " + length[too_long].map("{:,}".format) + f" characters long; at most {CASE_ID_MAX_LENGTH} (is the right column mapped?)"
    if control.any():
        escaped = shown[control].astype("str").str.translate(_CONTROL_ESCAPES).str.slice(0, 78)
        detail[control] = "case_id holds a line break or control character: '" + escaped + "'"
    return too_long | control, detail


_CONTROL_ESCAPES = {code: repr(chr(code))[1:-1] for code in [*range(0x20), 0x7F]}


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")
