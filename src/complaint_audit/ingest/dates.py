"""Date parsing per column, vectorised, with the declared day/month order enforced.

Exports write dates every way: dd/mm/yyyy text, ISO dates and datetimes, real Excel date cells,
Excel serial numbers. A text date is read only in the order the profile declares; one that
parses only the other way round (a "month" above 12) is reported as `date_order`, never
silently swapped, because a swapped date moves a case's timescale by weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_audit.ingest.distinct import distinct_values, spread, spread_categorical

_EXCEL_EPOCH = "1899-12-30"
# Excel serials for 1 Mar 1900 .. 31 Dec 9999. Below 61 Excel counts a 29 February 1900 that
# never was, so a serial there is a day off whichever way it is read: it is reported, not guessed.
_SERIAL_RANGE = (61, 2_958_465)
_ORDER_FORMATS = {
    "dmy": ["%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"],
    "mdy": ["%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%B %d %Y"],
    "ymd": ["%Y/%m/%d"],
}
# The time zone after an ISO time of day: Z, +01:00, -0500, +01.
_TIME_ZONE = r"([T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_ORDER_WORDS = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year/month/day"}
_OTHER_ORDER = {"dmy": "mdy", "mdy": "dmy", "ymd": "dmy"}


@dataclass(frozen=True)
class ParsedDates:
    """Parsed dates, and for each unparsed value the problem code and its raw text."""

    values: pd.Series  # datetime64[s], NaT where missing or bad
    problem: pd.Series  # missing, "bad_date" or "date_order"
    raw_text: pd.Series  # the value as written, for the quarantine message: read only where there is a problem


def parse_dates(column: pd.Series, order: str = "dmy", explicit_format: str | None = None) -> ParsedDates:
    """Parse one column of raw date values (text, datetimes, Excel serials or a mix).

    Each distinct value is parsed once (see distinct.py), so the cost follows the number of
    distinct dates, not rows.
    """
    if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return _parse_distinct(column, order, explicit_format)
    codes, distinct = distinct_values(column)
    return _spread(_parse_distinct(distinct, order, explicit_format), codes, column.index)


def _spread(parsed: ParsedDates, codes: np.ndarray, index: pd.Index) -> ParsedDates:
    """Each row's answer from the answers for the distinct values (distinct.py).

    The problems and their raw text come back as categoricals, the raw text only where there is
    a problem: a column's rows have none or a few, and a column of each per date column (convert
    holds seventeen at once) was a fifth of the memory converting a million rows took.
    """
    return ParsedDates(spread(parsed.values, codes, index).astype("datetime64[s]"),
                       spread_categorical(parsed.problem, codes, index),
                       spread_categorical(parsed.raw_text.where(parsed.problem.notna()), codes, index))


def parse_text_columns(columns: list[pd.Series], order: str = "dmy", explicit_format: str | None = None) -> list[ParsedDates]:
    """parse_dates() of each column of text (or categories of text), in one call over them all (_parsed_together)."""
    return _parsed_together(columns, "str", order, explicit_format)


def parse_mixed_columns(columns: list[pd.Series], order: str = "dmy", explicit_format: str | None = None) -> list[ParsedDates]:
    """parse_dates() of each column of mixed cells (a workbook's: date cells, Excel serials and text), in one call over
    them all (_parsed_together): parsed a column at a time, the eight of the bundled sample's adult social care
    workbook made its conversion 57-69 ms, against 46-55 ms."""
    return _parsed_together(columns, object, order, explicit_format)


def _parsed_together(columns: list[pd.Series], dtype, order: str, explicit_format: str | None) -> list[ParsedDates]:
    """A call pays a few milliseconds of pandas' work whatever its size, and an export has a dozen date columns of a few
    hundred distinct dates each: their distinct values are stacked (as DTYPE) and parsed at once, then spread back over
    each column's rows. A value is parsed alone, so parsing the columns together changes no date, problem or raw
    text. Each column's values are made distinct on their own: factorised together, 1 in one column of mixed cells
    would be taken for True in another."""
    if not columns:
        return []
    distinct = [distinct_values(column) for column in columns]
    stacked = pd.Series(np.concatenate([values.to_numpy(dtype=object, na_value=None) for _, values in distinct]), dtype=dtype)
    parsed = _parse_distinct(stacked, order, explicit_format)
    ends = np.cumsum([len(values) for _, values in distinct])
    return [
        _spread(ParsedDates(*(part.iloc[end - len(values) : end].reset_index(drop=True) for part in (parsed.values, parsed.problem, parsed.raw_text))),
                codes, column.index)
        for column, (codes, values), end in zip(columns, distinct, ends, strict=True)
    ]


def is_text_column(column: pd.Series) -> bool:
    """Text, or categories of text: what parse_text_columns takes."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.api.types.is_string_dtype(column.cat.categories)
    return column.dtype != object and pd.api.types.is_string_dtype(column)


def is_mixed_column(column: pd.Series) -> bool:
    """Cells of any kind, as Python objects (a workbook's): what parse_mixed_columns takes."""
    return column.dtype == object


def _parse_distinct(column: pd.Series, order: str, explicit_format: str | None) -> ParsedDates:
    values = pd.Series(pd.NaT, index=column.index, dtype="datetime64[s]")
    problem = pd.Series(None, index=column.index, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(column):
        values[:] = column.dt.tz_localize(None).dt.floor("D") if column.dt.tz else column.dt.floor("D")
        return ParsedDates(values, problem, column.astype("str"))
    if pd.api.types.is_numeric_dtype(column):
        return _from_serials(column, values, problem)

    if column.dtype == object:
        is_date = column.map(lambda value: isinstance(value, (dt.date, np.datetime64))).to_numpy(dtype=bool)
        if is_date.any():
            values[is_date] = pd.to_datetime(column[is_date].astype(object)).dt.floor("D")
            # A workbook's date cells are read: only the other values are read as text (most columns have none).
            column = column[~is_date]
    is_number = column.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)) if column.dtype == object else None
    # A note in brackets after a date says something of it ("13 February 2026 (re-issued)"): the date is still the date.
    text = column.astype("str").str.strip().str.replace(r"\s*\([^()]*\)$", "", regex=True)
    pending = ~(column.isna() | text.str.casefold().isin(["", "nan", "nat", "none", "null"]))
    if is_number is not None:
        number = is_number & pending
        if number.any():
            rows = number.index[number.to_numpy()]
            values.loc[rows] = _serial_to_dates(pd.to_numeric(column[rows], errors="coerce"))
            problem.loc[rows[values.loc[rows].isna().to_numpy()]] = "bad_date"
            pending &= ~number
    if pending.any():
        rows = pending.index[pending.to_numpy()]
        values.loc[rows] = _parse_text(text[rows], order, explicit_format)
        still_bad = rows[values.loc[rows].isna().to_numpy()]
        if len(still_bad):
            other = _parse_text(text[still_bad], _OTHER_ORDER[order], None)
            problem.loc[still_bad] = np.where(other.notna(), "date_order", "bad_date")
    return ParsedDates(values, problem, text.reindex(values.index))


def order_words(order: str) -> str:
    """'dmy' -> 'day/month/year', for messages."""
    return _ORDER_WORDS[order]


def _parse_text(text: pd.Series, order: str, explicit_format: str | None) -> pd.Series:
    """Try each accepted text form in turn on the values not parsed yet."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    iso = text.str.match(r"^\d{4}-\d{1,2}-\d{1,2}([ T]|$)")
    if iso.any():
        # A date is the day on the case system's clock: '2023-04-14T00:30:00+01:00' is 14 April,
        # whatever the offset (offsets mixed in one column stopped pandas' parse).
        local = text[iso].str.replace(_TIME_ZONE, r"\1", regex=True)
        result[iso] = pd.to_datetime(local, format="ISO8601", errors="coerce").dt.floor("D")
    rest = ~iso
    if explicit_format and rest.any():
        result[rest] = pd.to_datetime(text[rest], format=explicit_format, errors="coerce")
    # The cleaning below changes only text with a time, '.', '-', ',' or a space in it. The rest
    # (every value of the usual export) is read as written in the usual form, in one pass.
    todo = result.isna() & rest
    plain = todo & ~text.str.contains(r"[:.,\-\s]", regex=True)
    if plain.any():
        result[plain] = pd.to_datetime(text[plain], format=_ORDER_FORMATS[order][0], errors="coerce")
        todo &= result.isna()
    if not todo.any():
        return result
    # Normalise separators and drop a time of day (and any zone after it), so one format covers
    # 14/04/2023, 14-04-2023, 14.04.2023, 14/04/2023 09:30 and 2016/01/25 00:00:00+00.
    cleaned = (
        text[todo].str.replace(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AaPp][Mm])?(\s*(Z|[+-]\d{2}(:?\d{2})?))?$", "", regex=True)
        .str.replace(r"(?<=\d)[.\-](?=\d)", "/", regex=True)
        .str.replace(r"[,\s]+", " ", regex=True)
        .str.strip()
    )
    parsed = pd.Series(pd.NaT, index=cleaned.index, dtype="datetime64[s]")
    for form in _ORDER_FORMATS[order]:
        unread = parsed.isna()
        if not unread.any():
            break
        parsed[unread] = pd.to_datetime(cleaned[unread], format=form, errors="coerce")
    serial_text = parsed.isna() & cleaned.str.fullmatch(r"\d{1,7}(\.\d+)?")
    if serial_text.any():
        parsed[serial_text] = _serial_to_dates(pd.to_numeric(cleaned[serial_text]))
    result[todo] = parsed
    return result


def _serial_to_dates(serial: pd.Series) -> pd.Series:
    in_range = serial.between(*_SERIAL_RANGE)
    whole_days = np.floor(serial.where(in_range)).astype("float64")
    return (pd.Timestamp(_EXCEL_EPOCH) + pd.to_timedelta(whole_days, unit="D")).astype("datetime64[s]")


def _from_serials(column: pd.Series, values: pd.Series, problem: pd.Series) -> ParsedDates:
    values[:] = _serial_to_dates(column.astype("float64"))
    problem[column.notna() & values.isna()] = "bad_date"
    return ParsedDates(values, problem, column.astype("str"))
