"""The column helpers checks share: case numbers, pairs of codes, text for whole columns, timescale pieces.

A check works on whole columns of a million records, so these helpers do each job once per
distinct value or with Arrow, never once per row: each record's case as one integer (worked out
once per run through AuditData.derived), values that depend on a pair of codes looked up once per
pair, reason text and dates written by Arrow or once per distinct value, and the pieces both
timescale families (TS, CSC) use: open stages, extensions with a recorded reason, reasons joined.
Checks may import this module (tests/test_import_contract.py); it imports only the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.engine.contract import AuditData

# --- Each record's complaint as one integer, worked out once per run for every check that pairs or dedupes stages.

def case_numbers(data: AuditData) -> pd.Series:
    """One integer per record naming its (organisation, case_id); missing (like the text) where either is."""
    return data.derived(_case_numbers)


def _case_numbers(data: AuditData) -> pd.Series:
    records = data.records
    organisation, _ = pd.factorize(records["organisation"])
    case, cases = pd.factorize(records["case_id"])
    number = organisation.astype(np.int64) * max(len(cases), 1) + case
    missing = (organisation < 0) | (case < 0)
    return pd.Series(pd.arrays.IntegerArray(number, missing), index=records.index, name="case_number")


# --- Per-row values that depend on a pair of codes, worked out once per distinct pair.

def pair_codes(first: pd.Series, second: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """One integer per row naming its (first, second) pair, -1 where either is missing; the pairs."""
    first_codes, first_values = pd.factorize(first)
    second_codes, second_values = pd.factorize(second)
    codes = np.where((first_codes >= 0) & (second_codes >= 0), first_codes * len(second_values) + second_codes, -1)
    return codes, [(a, b) for a in first_values for b in second_values]


def pair_labels(first: pd.Series, second: pd.Series, label: Callable[[object, object], str]) -> pd.Series:
    """label(first, second) per row as text; missing where either value is."""
    codes, pairs = pair_codes(first, second)
    labels = pd.array([label(a, b) for a, b in pairs], dtype="str")
    return pd.Series(labels.take(codes, allow_fill=True), index=first.index)


def pair_values(first: pd.Series, second: pd.Series, mapping: Mapping[tuple, float]) -> pd.Series:
    """mapping[(first, second)] per row as a float; NaN where the pair is not a key or a value is missing."""
    codes, pairs = pair_codes(first, second)
    values = np.array([mapping.get(pair, np.nan) for pair in pairs] + [np.nan], dtype=float)
    return pd.Series(values[codes], index=first.index)  # code -1 picks the trailing NaN


# --- Text from whole columns for reasons and group names: written by Arrow, or once per distinct value, never per row.

def formatted(values: pd.Series, template: str = "{:g}") -> pd.Series:
    """template.format(value) for each row as text: the same as values.map(template.format)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return _spread([template.format(value) for value in distinct], codes, values.index)


def per_value(values: pd.Series, name) -> pd.Series:
    """name(value) for each row as a categorical (categories sorted), calling name once per distinct value.

    For grouping and comparing a million rows by a derived name (a kind of complaint, a route
    ignoring case): the rows keep small integer codes, and the text is never written out per row.
    """
    codes, distinct = pd.factorize(values)
    names = [name(value) for value in distinct]
    categories = sorted(set(names))
    position = {each: number for number, each in enumerate(categories)}
    name_codes = np.array([position[each] for each in names] + [-1], dtype=np.int64)  # code -1 picks the -1
    return pd.Series(pd.Categorical.from_codes(name_codes[codes], categories=categories), index=values.index)


def either(condition, yes: str, no: str, index: pd.Index) -> pd.Series:
    """`yes` where condition holds, else `no`, as text: np.where over strings without a Python string per row."""
    return _spread([no, yes], np.asarray(condition, dtype=bool).astype(np.int64), index)


def _spread(texts: list[str], codes: np.ndarray, index: pd.Index) -> pd.Series:
    taken = pa.array(texts, type=pa.large_string()).take(pa.array(codes))
    return pd.Series(pd.array(taken, dtype="str"), index=index)


def iso_dates(dates: pd.Series) -> pd.Series:
    """Each date as text, 2024-03-31 (missing where the date is): Arrow writes them some five times faster than strftime."""
    days = pa.array(dates.to_numpy().astype("datetime64[D]"), type=pa.date32())
    return pd.Series(pd.array(pc.cast(days, pa.large_string()), dtype="str"), index=dates.index)


# --- Pieces the timescale families (TS, CSC) share: reason text built from whole columns, open cases, extensions.

def working_days_text(values: pd.Series) -> pd.Series:
    """Working-day counts as text for reasons ('14'); missing counts read '<NA>'."""
    return values.astype("Int64").astype("str")


def when(condition: pd.Series, text) -> pd.Series:
    """text where condition holds, else an empty string: reasons are built from such parts."""
    text = text if isinstance(text, pd.Series) else pd.Series(text, index=condition.index, dtype="str")
    return text.where(condition.fillna(False).astype(bool), "")


def joined(*parts: pd.Series) -> pd.Series:
    """Reason parts joined with '; ', skipping the empty ones."""
    result = parts[0]
    for part in parts[1:]:
        result = result + when(result.ne("") & part.ne(""), "; ") + part
    return result


def open_on(rows: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Stages received by the audit date and not answered by then: not responded, and not closed (nor
    settled undated, by an outcome or the status closed) unless the source's status says open.

    A status open outranks a closed date: the source says the case still waits (docs/profiles.md,
    "Open and closed cases"); a response date is the answer itself, so it still ends the wait.
    """
    said_open, said_closed = rows["status"].eq("open").fillna(False), rows["status"].eq("closed").fillna(False)
    settled_undated = (rows["outcome"].notna() | said_closed) & rows["responded"].isna() & rows["closed"].isna()
    waiting = said_open | (~rows["closed"].le(as_of) & ~settled_undated)
    return rows["received"].le(as_of) & ~rows["responded"].le(as_of) & waiting


def reason_given(rows: pd.DataFrame) -> pd.Series:
    """Whether an extension reason is recorded: an extension without one does not count.

    Only the recorded reasons are stripped: most stages were never extended.
    """
    reasons = rows["extension_reason"]
    given = reasons.notna()
    given[given] = reasons[given].astype("str").str.strip().ne("").to_numpy(dtype=bool)
    return given


# --- Clock stops: time the council waited on the complainant, deducted by every timescale check, in one place.

def clock_stops(data: AuditData) -> pd.Series:
    """Per record, the working days of clock stop the timescale checks deduct: 0 unless one is recorded.

    Only a stop that records what the council was waiting for and is plausible counts (more than 0, and no more
    than the working days the stage took: time_elapsed): an unexplained or impossible stop is TS008's
    finding, never a reason to excuse delay, as an extension without a reason does not count. Nothing is guessed
    where the export has no such field.
    """
    return data.derived(_clock_stops)


def _clock_stops(data: AuditData) -> pd.Series:
    stopped, counted = clock_stop_verdicts(data)
    return stopped.where(counted, 0).fillna(0).astype("int64")


def clock_stop_verdicts(data: AuditData) -> tuple[pd.Series, pd.Series]:
    """Per record, the stop recorded (Int64, missing where none) and whether it counts (recorded, with a reason,
    plausible)."""
    return data.derived(_clock_stop_verdicts)


def _clock_stop_verdicts(data: AuditData) -> tuple[pd.Series, pd.Series]:
    records = data.records
    stopped = records["clock_stopped_days"].astype("Int64")
    recorded = stopped.notna() & stopped.ne(0)
    counted = recorded.fillna(False).astype(bool)
    if counted.any():
        reasons = records["clock_stop_reason"]
        given = reasons.notna() & reasons.astype("str").str.strip().ne("")
        counted &= given.fillna(False).astype(bool) & stopped.gt(0).fillna(False).astype(bool)
        counted &= stopped.le(time_elapsed(data)).fillna(False).astype(bool)
    return stopped, counted


def time_elapsed(data: AuditData) -> pd.Series:
    """Per record, the working days from receipt to the response (to the closing date where none was sent, to the
    audit date while neither is recorded): the most time a clock stop can have taken."""
    records = data.records
    end = records["responded"].fillna(records["closed"]).fillna(pd.Timestamp(data.as_of))
    return data.calendar.working_days_between(records["received"], end)


def working_days_taken(data: AuditData, start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from start to end on the audit's calendar, less each record's clock stop (rows of data.records)."""
    return data.calendar.working_days_between(start, end) - clock_stops(data).reindex(start.index)


def deadline_after(data: AuditData, start: pd.Series, working_days) -> pd.Series:
    """The date `working_days` after start, moved on by each record's clock stop: a deadline worked out from a
    timescale. A due date the source recorded is its own, already moved by any stop it kept."""
    allowance = pd.Series(working_days, index=start.index) if np.ndim(working_days) == 0 else working_days
    return data.calendar.add_working_days(start, allowance.astype("Int64") + clock_stops(data).reindex(start.index))


def clock_stop_note(data: AuditData, index: pd.Index) -> pd.Series:
    """'; 4 working days waiting on the complainant deducted' where a record's clock stop was deducted, else ''."""
    stops = clock_stops(data).reindex(index)
    return when(stops.gt(0), "; " + working_days_text(stops) + " working days waiting on the complainant deducted")
