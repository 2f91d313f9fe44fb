"""Validation: one reason per row that cannot be loaded, decided over whole columns.

The first failing rule wins, in the order of REASONS, so each quarantined row carries exactly
one reason and the per-reason counts add up to the quarantined total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.ingest.distinct import combined_numbers, distinct_values, spread
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


@dataclass(frozen=True)
class CaseIds:
    """A file's case ids by their distinct values, as masking found them: a case id is checked
    once, however many stages repeat it, and its masked text is spread over rows only where a
    row is quarantined (at five million rows the spread alone took 0.4 s)."""

    numbers: np.ndarray  # each row's number among the distinct ids, equal for equal ids; -1 where missing
    distinct: pd.Series
    masked: pd.Series  # the distinct ids with their personal data masked

    def per_row(self, flags: np.ndarray) -> np.ndarray:
        """Each row's flag of its distinct id; False where the id is missing."""
        return np.append(flags, False)[self.numbers]

    def worded(self, messages: pd.Series):
        """A note's message (FirstProblems.note) for the rows it words, from MESSAGES of the distinct ids by number."""
        return lambda rows: messages.loc[self.numbers[rows.to_numpy()]]

    def masked_rows(self, rows: np.ndarray, index: pd.Index) -> pd.Series:
        """The masked case id of ROWS (positions), on INDEX."""
        return spread(self.masked, self.numbers[rows], index)


def quarantine_reasons(
    frame: pd.DataFrame,
    stage_problem: pd.Series,
    conversion_problem: pd.Series,
    conversion_detail: pd.Series,
    case_ids: CaseIds,
    today: dt.date | None = None,
    *,
    combine: bool = False,
) -> tuple[pd.Series, pd.Series]:
    """(reason, detail) per row; both missing for a row that loads.

    TODAY is the day of loading (dates more than a year after it are placeholders). With
    COMBINE (the profile has a [combine] table), rows repeating a case and stage are not
    duplicates: they load, to be combined into one record (combine.py).

    CASE_IDS are the rows' case ids as masking found them: where an id's masked text differs,
    its rows are quarantined, and a message that shows a case id shows the masked one. Their
    numbers also find the duplicates: hashing a million ids again took longer than the rest of this.
    """
    problems = FirstProblems(frame.index)
    problems.note(stage_problem.notna(), stage_problem, lambda rows: stage_problem[rows].map(_STAGE_PROBLEMS))
    id_detail = _bad_case_ids(case_ids.distinct, case_ids.masked)
    problems.note(case_ids.per_row(id_detail.notna().to_numpy()), "bad_case_id", case_ids.worded(id_detail.dropna()))
    # A case reference that holds an email, a phone number or a name would print it in every
    # table and exception; the value is not shown in the message either.
    kinds = personal_data_kinds(case_ids.distinct, case_ids.masked)
    problems.note(case_ids.per_row(kinds.notna().to_numpy()), "personal_data_in_case_id",
                  case_ids.worded("case_id holds " + kinds.dropna() + "; a case reference must not be personal data (is the right column mapped?)"))
    problems.note(conversion_problem.notna(), conversion_problem, conversion_detail)
    # Compared as numpy's dates (a missing one compares False): a pandas comparison costs a few
    # milliseconds of its own, and there are two for each of a dozen date fields.
    earliest = np.datetime64(EARLIEST_DATE, "s")
    latest = np.datetime64(today or dt.date.today(), "s") + np.timedelta64(LATEST_DAYS_AHEAD, "D")
    for name in DATE_FIELDS:
        dates = frame[name].to_numpy(dtype="datetime64[s]")
        too_early = dates < earliest
        problems.note(
            too_early | (dates > latest), "date_out_of_range",
            lambda rows, name=name, too_early=too_early: f"{name}: " + _iso(frame.loc[rows, name])
            + np.where(too_early[rows.to_numpy()], f" is before {EARLIEST_DATE}", " is more than a year after the day it was loaded")
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
    # Only a row whose case id is on another such row can repeat a record: counting the ids leaves
    # out of the hash most rows of a wide export, whose case has one row per stage (at five
    # million rows the hash of every row's key took 0.75 s).
    numbers = case_ids.numbers[unexplained] + 1  # a missing id (-1) is counted at 0
    shared = unexplained[np.bincount(numbers)[numbers] > 1]
    duplicate = np.zeros(len(frame), dtype=bool)
    duplicate[shared] = pd.Series(_key_numbers(frame, case_ids.numbers)[shared]).duplicated(keep="first").to_numpy()
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


def _bad_case_ids(case_id: pd.Series, shown: pd.Series) -> pd.Series:
    """Per distinct case id, why it is no reference (missing for most): too long, or holding a line
    break or other control character.

    Either means something else landed in the case id column (a letter, a whole row): loaded,
    it would become a case nobody can look up, and break every table it is printed in. A message
    shows the case id as `shown` has it (masked).
    """
    length = case_id.str.len()
    too_long = length.gt(CASE_ID_MAX_LENGTH).fillna(False).astype(bool)
    # Nearly every id is printable ASCII, which one quick pass finds; only the others are searched.
    maybe = pc.fill_null(pc.invert(pc.ascii_is_printable(pa.array(case_id, type=pa.large_string(), from_pandas=True))), False)
    control = pd.Series(False, index=case_id.index)
    if pc.any(maybe).as_py():
        searched = case_id[maybe.to_numpy(zero_copy_only=False)]
        control[searched.index] = searched.str.contains(r"[\x00-\x1f\x7f]", regex=True).fillna(False).astype(bool)
    control &= ~too_long
    detail = pd.Series(None, index=case_id.index, dtype=object)
    if too_long.any():
        detail[too_long] = "case_id is " + length[too_long].map("{:,}".format) + f" characters long; at most {CASE_ID_MAX_LENGTH} (is the right column mapped?)"
    if control.any():
        escaped = shown[control].astype("str").str.translate(_CONTROL_ESCAPES).str.slice(0, 78)
        detail[control] = "case_id holds a line break or control character: '" + escaped + "'"
    return detail


_CONTROL_ESCAPES = {code: repr(chr(code))[1:-1] for code in [*range(0x20), 0x7F]}


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")
