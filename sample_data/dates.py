"""Dates for the sample exports: when complaints arrive, working-day offsets, date text."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
from dateutil.easter import easter

from complaint_audit.calendar import WorkingCalendar, add_working_days

# A few complaints arrive by web form or email at weekends and on bank holidays.
_CLOSED_DAY_WEIGHT = 0.05
_SATURDAY_WEIGHT = 0.08


def financial_year(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the financial year that starts on 1 April `year`."""
    return pd.Timestamp(year, 4, 1), pd.Timestamp(year + 1, 3, 31)


def export_date(year: int) -> pd.Timestamp:
    """The exports are taken six weeks after the year ends: later events have not happened yet."""
    return financial_year(year)[1] + pd.Timedelta(days=45)


def period_label(year: int) -> str:
    """2023 -> '2023-24'."""
    return f"{year}-{(year + 1) % 100:02d}"


def daily_weights(year: int, winter_boost: float = 0.0) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """How likely a complaint is to arrive on each day of the year, summing to 1.

    Offices are shut and people are busy over Christmas and Easter, so fewer complaints arrive
    then; January brings a catch-up. `winter_boost` raises November to February (housing
    repairs: damp, heating) for systems that feel the weather.
    """
    start, end = financial_year(year)
    days = pd.date_range(start, end, freq="D")
    working = WorkingCalendar().is_working_day(pd.Series(days)).to_numpy(dtype=bool)
    weights = np.where(working, 1.0, np.where(days.day_of_week == 5, _SATURDAY_WEIGHT, _CLOSED_DAY_WEIGHT))

    christmas = pd.Timestamp(year, 12, 25)
    weights *= np.where(
        (days >= christmas - pd.Timedelta(days=7)) & (days <= christmas + pd.Timedelta(days=11)), 0.4, 1.0
    )
    weights *= np.where(
        (days > christmas + pd.Timedelta(days=11)) & (days <= christmas + pd.Timedelta(days=31)), 1.2, 1.0
    )
    for easter_year in (year, year + 1):
        sunday = pd.Timestamp(easter(easter_year))
        weights *= np.where((days >= sunday - pd.Timedelta(days=6)) & (days <= sunday + pd.Timedelta(days=8)), 0.5, 1.0)
    weights *= np.where(days.month == 8, 0.85, 1.0)
    weights *= np.where(np.isin(days.month, (11, 12, 1, 2)), 1.0 + winter_boost, 1.0)
    return days, weights / weights.sum()


def draw_received(count: int, rng: np.random.Generator, year: int, winter_boost: float = 0.0) -> pd.Series:
    """`count` dates of receipt spread over the financial year with its seasonal dips."""
    days, weights = daily_weights(year, winter_boost)
    return pd.Series(days.to_numpy()[rng.choice(len(days), size=count, p=weights)]).astype("datetime64[s]")


def after(start: pd.Series, working_days) -> pd.Series:
    """The date `working_days` working days after `start` (England), NaT where either is missing."""
    if not np.isscalar(working_days):
        working_days = pd.Series(np.asarray(working_days), index=start.index)
    return add_working_days(start, working_days).astype("datetime64[s]")


def uniform_days(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """Whole numbers of days from low to high inclusive."""
    return rng.integers(low, high + 1, size=size)


def _lookup_format(dates: pd.Series, fmt: str) -> pd.Series:
    """strftime through a table of the distinct days: much faster on a million rows."""
    day_numbers = dates.to_numpy().astype("datetime64[D]")
    missing = np.isnat(day_numbers)
    if missing.all():
        return pd.Series(None, index=dates.index, dtype="str")
    first, last = day_numbers[~missing].min(), day_numbers[~missing].max()
    table = pd.Series(np.arange(first, last + np.timedelta64(1, "D"))).dt.strftime(fmt)
    positions = pa.array(np.where(missing, 0, (day_numbers - first).astype(np.int32)), mask=missing)
    text = pa.DictionaryArray.from_arrays(positions, pa.array(table, type=pa.large_string())).cast(pa.large_string())
    return pd.Series(pd.array(text, dtype="str"), index=dates.index)


def dmy_text(dates: pd.Series) -> pd.Series:
    """dd/mm/yyyy text, missing where the date is missing (the corporate CSV's style)."""
    return _lookup_format(dates, "%d/%m/%Y")


def iso_text(dates: pd.Series) -> pd.Series:
    """yyyy-mm-dd text (the children's JSON's style)."""
    return _lookup_format(dates, "%Y-%m-%d")


def long_text(dates: pd.Series) -> pd.Series:
    """'14 April 2023', as a letter writes a date."""
    text = _lookup_format(dates, "%d %B %Y")
    return text.str.removeprefix("0")


def to_python_date(value) -> dt.date | None:
    """A pandas date -> datetime.date (None if missing), for JSON and Excel cells."""
    return None if pd.isna(value) else pd.Timestamp(value).date()
