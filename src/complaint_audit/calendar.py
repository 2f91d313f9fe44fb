"""Working days for statutory complaint timescales, counted as RULES.md section 5 says."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache

import holidays
import numpy as np
import pandas as pd

from complaint_audit.errors import UserError

# Bank holidays differ by nation, so each maps to its subdivision of GB in the holidays package.
NATIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
UK = "GB"
_COUNTRY_ALIASES = {"UK": UK}
# Where a user finds the country and subdivision codes the holidays package knows.
CODES_HELP = ("the codes are those of the `holidays` package: see its list of supported countries at "
              "https://holidays.readthedocs.io, or run `python -c \"import holidays; "
              "print(holidays.list_supported_countries())\"`")
# Covers any complaint record we expect; dates outside still work, with weekends only.
_YEARS = range(1990, 2061)
# The span counted in advance (_DayTable): the holiday years, then weekends only, to leave room for deadlines.
_TABLE_SPAN = ("1990-01-01", "2101-01-01")


def public_holidays(country: str, subdivision: str | None, years=_YEARS) -> holidays.HolidayBase:
    """The public holidays of a country (and subdivision) the holidays package knows; a UserError otherwise."""
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError:
        where = f"subdivision {subdivision!r} of country {country!r}" if subdivision else f"country {country!r}"
        raise UserError(f"unknown {where}: {CODES_HELP}") from None


@cache
def _busdaycalendar(country: str, subdivision: str | None, closure_days: tuple[datetime.date, ...]) -> np.busdaycalendar:
    """Build each calendar once: 70 years of holidays cost more to compute than to use."""
    days = np.array([*public_holidays(country, subdivision), *closure_days], dtype="datetime64[D]")
    return np.busdaycalendar(weekmask="1111100", holidays=days)


class _DayTable:
    """Every day of the table's span numbered by the working days before it, so counting is a lookup.

    numpy's busday functions walk the calendar for each date, which over a million records costs
    more than most checks; with the working days before each day counted once (`before`), the
    working days from a (rolled) start to a later end are before[end] - before[start], and the
    n-th working day after a start is working[before[start] + n]. Dates outside the span, or a
    deadline beyond it, are left to numpy (the same answer, computed the slow way).
    """

    def __init__(self, calendar: np.busdaycalendar):
        self.first = np.datetime64(_TABLE_SPAN[0], "D").astype(np.int64)
        days = np.arange(_TABLE_SPAN[0], _TABLE_SPAN[1], dtype="datetime64[D]")
        working = np.is_busday(days, busdaycal=calendar)
        self.days = len(days)
        self.before = np.concatenate([[0], np.cumsum(working)])  # working days in [first, day), one past the end too
        self.working = np.flatnonzero(working)  # the working days, as positions in the span

    def positions(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each day's position in the span, and whether it lies inside it."""
        position = days.astype(np.int64) - self.first
        return position, (position >= 0) & (position < self.days)

    def count(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """numpy.busday_count(start rolled forward, end) for positions inside the span.

        With the end before the rolled start numpy counts the working days in (end, start],
        negated: those up to and including the end are before[end + 1].
        """
        from_start, through_end = self.before[start], self.before[end + 1]
        return np.where(through_end > from_start, self.before[end] - from_start, through_end - from_start - 1)


@cache
def _day_table(country: str, subdivision: str | None, closure_days: tuple[datetime.date, ...]) -> _DayTable:
    return _DayTable(_busdaycalendar(country, subdivision, closure_days))


def _as_days(value) -> tuple[np.ndarray, pd.Index | None]:
    """Any date-like scalar or column as datetime64[D] (NaT where missing), plus its index.

    A timestamp counts on its local calendar date: the clock runs in days, not hours.
    """
    index = value.index if isinstance(value, pd.Series) else None
    if index is not None and isinstance(value.dtype, np.dtype) and value.dtype.kind == "M":  # naive dates: no parsing
        return value.to_numpy().astype("datetime64[D]"), index
    if index is None:
        value = np.atleast_1d(value)
        if value.dtype == np.dtype("datetime64"):  # a bare NaT has no unit; pandas needs one
            value = value.astype("datetime64[D]")
    stamps = pd.to_datetime(pd.Series(value))
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    return stamps.to_numpy().astype("datetime64[D]"), index


def _as_counts(value) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    """A whole number of days, scalar or column, as int64 values, a missing mask and its index."""
    index = value.index if isinstance(value, pd.Series) else None
    counts = pd.array(np.atleast_1d(value) if index is None else value, dtype="Int64")
    return counts.to_numpy(dtype=np.int64, na_value=0), np.asarray(counts.isna()), index


def _common_index(*indexes: pd.Index | None) -> pd.Index | None:
    """The index of the Series inputs; refuse to pair rows of Series indexed differently."""
    given = [index for index in indexes if index is not None]
    if any(not index.equals(given[0]) for index in given[1:]):
        raise ValueError("Series passed together must share the same index")
    return given[0] if given else None


def _result(values: np.ndarray, missing: np.ndarray, index: pd.Index | None, scalar: bool):
    """Shape results like the input: a scalar (None if missing), else a nullable Series."""
    if scalar:
        return None if missing[0] else values[0].item()
    if values.dtype.kind == "M":
        column = np.where(missing, np.datetime64("NaT"), values).astype("datetime64[s]")
    elif values.dtype.kind == "b":
        column = pd.arrays.BooleanArray(values, missing)
    else:
        column = pd.arrays.IntegerArray(values, missing)
    return pd.Series(column, index=index)


@dataclass(frozen=True)
class WorkingCalendar:
    """Mon-Fri less the public holidays of a place and the body's own closure days.

    Scotland and Northern Ireland have different bank holidays, a US state has its own, and a
    council that shuts between Christmas and New Year does not count those days either, so all
    are settings. A UK `nation` is the short way to name Great Britain's subdivision; any other
    place is a `country` (and `subdivision`) code of the holidays package, with `nation` None.
    """

    nation: str | None = "england"
    closure_days: tuple[datetime.date, ...] = ()
    country: str = UK
    subdivision: str | None = None

    def __post_init__(self):
        country = _COUNTRY_ALIASES.get(self.country.strip().upper(), self.country.strip().upper())
        if country == UK and self.subdivision is None:
            if self.nation not in NATIONS:
                raise UserError(f"unknown nation {self.nation!r}: use one of {', '.join(NATIONS)}")
            subdivision = NATIONS[self.nation]
        else:
            subdivision = self.subdivision
        public_holidays(country, subdivision, years=_YEARS[:1])  # an unknown place fails here, not at first use
        nation = next((name for name, code in NATIONS.items() if code == subdivision), None) if country == UK else None
        # Normalised so config can give ISO strings and equal calendars share one cache entry.
        closures = tuple(sorted({pd.Timestamp(day).date() for day in self.closure_days}))
        for name, value in (("nation", nation), ("country", country), ("subdivision", subdivision),
                            ("closure_days", closures)):
            object.__setattr__(self, name, value)

    @property
    def busdaycalendar(self) -> np.busdaycalendar:
        """The numpy calendar, built on first use and shared by equal WorkingCalendars."""
        return _busdaycalendar(self.country, self.subdivision, self.closure_days)

    @property
    def _table(self) -> _DayTable:
        return _day_table(self.country, self.subdivision, self.closure_days)

    @property
    def place(self) -> dict[str, str | None]:
        """Whose holidays the calendar keeps, as a manifest records it: nation, country, subdivision."""
        return {"nation": self.nation, "country": self.country, "subdivision": self.subdivision}

    def working_days_between(self, start, end):
        """Working days from start (day 0) to end: the number a timescale is measured against.

        A start on a non-working day counts from the next working day, which is then day 0.
        An end before the (rolled) start gives minus the working days after end up to that start
        (numpy.busday_count's convention).
        """
        (starts, start_index), (ends, end_index) = _as_days(start), _as_days(end)
        starts, ends = np.broadcast_arrays(starts, ends)
        missing, table = np.isnat(starts) | np.isnat(ends), self._table
        (start_at, start_inside), (end_at, end_inside) = table.positions(starts), table.positions(ends)
        looked_up = ~missing & start_inside & end_inside
        counts = np.zeros(missing.shape, dtype=np.int64)
        counts[looked_up] = table.count(start_at[looked_up], end_at[looked_up])
        outside = ~missing & ~looked_up
        if outside.any():
            rolled = np.busday_offset(starts[outside], 0, roll="forward", busdaycal=self.busdaycalendar)
            counts[outside] = np.busday_count(rolled, ends[outside], busdaycal=self.busdaycalendar)
        scalar = np.ndim(start) == 0 and np.ndim(end) == 0
        return _result(counts, missing, _common_index(start_index, end_index), scalar)

    def add_working_days(self, start, n):
        """The date of the n-th working day after start: a deadline, when n is the allowance."""
        starts, start_index = _as_days(start)
        counts, counts_missing, counts_index = _as_counts(n)
        starts, counts, counts_missing = np.broadcast_arrays(starts, counts, counts_missing)
        missing, table = np.isnat(starts) | counts_missing, self._table
        start_at, inside = table.positions(starts)
        nth = np.where(inside & ~missing, table.before[np.clip(start_at, 0, table.days - 1)] + counts, -1)
        looked_up = ~missing & inside & (nth >= 0) & (nth < len(table.working))
        dates = np.full(missing.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        dates[looked_up] = (table.working[nth[looked_up]] + table.first).astype("datetime64[D]")
        outside = ~missing & ~looked_up
        if outside.any():
            rolled = np.busday_offset(starts[outside], 0, roll="forward", busdaycal=self.busdaycalendar)
            dates[outside] = np.busday_offset(rolled, counts[outside], busdaycal=self.busdaycalendar)
        scalar = np.ndim(start) == 0 and np.ndim(n) == 0
        return _result(dates, missing, _common_index(start_index, counts_index), scalar)

    def is_working_day(self, day):
        """Whether the clock ticks on day (nullable boolean for columns)."""
        days, index = _as_days(day)
        missing = np.isnat(days)
        flags = np.zeros(missing.shape, dtype=bool)
        flags[~missing] = np.is_busday(days[~missing], busdaycal=self.busdaycalendar)
        return _result(flags, missing, index, np.ndim(day) == 0)


def working_days_between(start, end, calendar: WorkingCalendar | None = None):
    """Working days from start (day 0) to end, on the England calendar unless one is given."""
    return (calendar or WorkingCalendar()).working_days_between(start, end)


def add_working_days(start, n, calendar: WorkingCalendar | None = None):
    """The n-th working day after start, on the England calendar unless one is given."""
    return (calendar or WorkingCalendar()).add_working_days(start, n)
