"""Working-day counting against RULES.md section 5 and the bank holidays of each nation."""

import datetime
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaint_audit.calendar import WorkingCalendar, add_working_days, working_days_between
from complaint_audit.errors import UserError

ENGLAND = WorkingCalendar()
SCOTLAND = WorkingCalendar("scotland")
NORTHERN_IRELAND = WorkingCalendar("northern_ireland")
WALES = WorkingCalendar("wales")

# Inside the 1990-2060 holiday table, leaving room for a year of working days after.
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2058, 12, 31))


@pytest.mark.parametrize(
    ("received", "responded", "expected"),
    [
        (date(2023, 4, 14), date(2023, 4, 28), 10),
        (date(2023, 4, 5), date(2023, 4, 19), 8),  # Good Friday and Easter Monday
        (date(2023, 4, 15), date(2023, 4, 28), 9),  # Saturday, so day 0 is Monday 17th
        (date(2023, 4, 14), date(2023, 4, 14), 0),
        (date(2023, 4, 14), date(2023, 4, 17), 1),
        (date(2023, 4, 17), date(2023, 4, 14), -1),  # end before start: minus the working days in (end, start]
    ],
)
def test_rules_worked_examples_count(received, responded, expected):
    assert working_days_between(received, responded) == expected


def test_rules_worked_example_deadline_over_christmas():
    assert add_working_days(date(2023, 12, 20), 10) == date(2024, 1, 8)


def test_deadline_from_a_weekend_counts_from_the_next_working_day():
    assert add_working_days(date(2023, 4, 15), 0) == date(2023, 4, 17)
    assert add_working_days(date(2023, 4, 15), 9) == date(2023, 4, 28)


@pytest.mark.parametrize(
    "day",
    [
        date(2023, 12, 25),  # Christmas Day
        date(2023, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day substitute
        date(2024, 1, 1),  # New Year's Day
        date(2023, 1, 2),  # New Year's Day substitute
        date(2023, 4, 7),  # Good Friday
        date(2023, 4, 10),  # Easter Monday
        date(2022, 6, 2),  # Spring bank holiday, moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of Charles III
        date(2023, 4, 15),  # Saturday
        date(2023, 4, 16),  # Sunday
    ],
)
@pytest.mark.parametrize("calendar", [ENGLAND, WALES], ids=["england", "wales"])
def test_england_and_wales_non_working_days(calendar, day):
    assert calendar.is_working_day(day) is False


def test_ordinary_weekday_is_a_working_day():
    assert ENGLAND.is_working_day(date(2023, 4, 14)) is True
    assert ENGLAND.is_working_day(date(2022, 5, 30)) is True  # moved spring bank holiday


@pytest.mark.parametrize(
    ("calendar", "day", "working_in_england"),
    [
        (SCOTLAND, date(2024, 1, 2), True),  # 2 January
        (SCOTLAND, date(2023, 1, 3), True),  # 2 January substitute
        (SCOTLAND, date(2024, 12, 2), True),  # St Andrew's Day substitute
        (SCOTLAND, date(2023, 8, 7), True),  # Scottish summer bank holiday
        (NORTHERN_IRELAND, date(2023, 3, 17), True),  # St Patrick's Day
        (NORTHERN_IRELAND, date(2024, 3, 18), True),  # St Patrick's Day substitute
        (NORTHERN_IRELAND, date(2023, 7, 12), True),  # Battle of the Boyne
    ],
)
def test_nations_have_their_own_bank_holidays(calendar, day, working_in_england):
    assert calendar.is_working_day(day) is False
    assert ENGLAND.is_working_day(day) is working_in_england


@pytest.mark.parametrize(
    "day",
    [date(2023, 4, 10), date(2023, 8, 28)],  # Easter Monday, English late summer bank holiday
)
def test_scotland_works_on_english_only_bank_holidays(day):
    assert ENGLAND.is_working_day(day) is False
    assert SCOTLAND.is_working_day(day) is True


def test_scotland_counts_differ_over_new_year():
    assert working_days_between(date(2023, 12, 29), date(2024, 1, 5)) == 4
    assert working_days_between(date(2023, 12, 29), date(2024, 1, 5), SCOTLAND) == 3


def test_closure_days_from_config_are_non_working():
    closed = WorkingCalendar(closure_days=(date(2023, 12, 27), "2023-12-28"))
    assert closed.closure_days == (date(2023, 12, 27), date(2023, 12, 28))
    assert closed.is_working_day(date(2023, 12, 27)) is False
    assert closed.is_working_day(date(2023, 12, 28)) is False
    assert ENGLAND.is_working_day(date(2023, 12, 27)) is True
    assert add_working_days(date(2023, 12, 20), 10, closed) == date(2024, 1, 10)


def test_unknown_nation_is_a_user_error_naming_the_choices():
    with pytest.raises(UserError) as raised:
        WorkingCalendar("uk")
    message = str(raised.value)
    assert "\n" not in message
    assert all(name in message for name in ("england", "wales", "scotland", "northern_ireland"))


def test_a_us_state_counts_its_own_holidays():
    new_york = WorkingCalendar(None, country="US", subdivision="NY")
    # Thanksgiving (Thursday 23 November 2023) is not a working day in New York; it is in England.
    assert new_york.working_days_between(date(2023, 11, 20), date(2023, 11, 27)) == 4
    assert ENGLAND.working_days_between(date(2023, 11, 20), date(2023, 11, 27)) == 5
    # ... and England's summer bank holiday (Monday 28 August 2023) is a working day in New York.
    assert new_york.working_days_between(date(2023, 8, 25), date(2023, 8, 29)) == 2
    assert ENGLAND.working_days_between(date(2023, 8, 25), date(2023, 8, 29)) == 1
    assert new_york.add_working_days(date(2023, 11, 22), 1) == date(2023, 11, 24)
    assert new_york.nation is None and ENGLAND.nation == "england"


def test_a_uk_nation_named_as_a_country_is_the_same_calendar():
    assert WorkingCalendar(country="gb", subdivision="SCT") == SCOTLAND
    assert WorkingCalendar(None, country="UK", subdivision="WLS").nation == "wales"
    assert SCOTLAND.is_working_day(date(2023, 11, 30)) is False  # St Andrew's Day
    assert ENGLAND.is_working_day(date(2023, 11, 30)) is True


@pytest.mark.parametrize(("country", "subdivision", "named"), [("XX", None, "country 'XX'"), ("US", "ZZ", "subdivision 'ZZ'")])
def test_unknown_country_or_subdivision_names_where_to_find_the_codes(country, subdivision, named):
    with pytest.raises(UserError) as raised:
        WorkingCalendar(None, country=country, subdivision=subdivision)
    assert named in str(raised.value) and "list_supported_countries" in str(raised.value)


def test_default_calendar_is_england_and_built_once():
    assert WorkingCalendar() == WorkingCalendar("england")
    assert WorkingCalendar().busdaycalendar is WorkingCalendar().busdaycalendar


@pytest.mark.parametrize(
    "received",
    [
        date(2023, 4, 14),
        datetime.datetime(2023, 4, 14, 23, 59),
        pd.Timestamp("2023-04-14 09:30"),
        pd.Timestamp("2023-04-14 23:30", tz="Europe/London"),  # 22:30 UTC, same local day
        np.datetime64("2023-04-14"),
        "2023-04-14",
    ],
)
def test_scalar_inputs_of_any_date_type(received):
    assert working_days_between(received, "2023-04-28") == 10
    assert add_working_days(received, 10) == date(2023, 4, 28)


@pytest.mark.parametrize("missing", [None, pd.NaT, pd.NA, np.datetime64("NaT")])
def test_missing_scalar_gives_none(missing):
    assert working_days_between(missing, date(2023, 4, 28)) is None
    assert working_days_between(date(2023, 4, 14), missing) is None
    assert add_working_days(missing, 10) is None
    assert add_working_days(date(2023, 4, 14), None) is None
    assert ENGLAND.is_working_day(missing) is None


def test_series_in_series_out_with_index_and_missing_values():
    received = pd.Series(
        pd.to_datetime(["2023-04-14", None, "2023-04-15", "2023-04-05"]), index=[10, 20, 30, 40]
    )
    responded = pd.Series(
        pd.to_datetime(["2023-04-28", "2023-04-28", "2023-04-28", None]), index=received.index
    )
    counts = working_days_between(received, responded)
    expected = pd.Series([10, pd.NA, 9, pd.NA], index=received.index, dtype="Int64")
    pd.testing.assert_series_equal(counts, expected)


def test_series_with_scalar_end_and_object_dates():
    received = pd.Series([date(2023, 4, 14), None, "2023-04-05"], index=["a", "b", "c"])
    counts = working_days_between(received, date(2023, 4, 19))
    expected = pd.Series([3, pd.NA, 8], index=received.index, dtype="Int64")
    pd.testing.assert_series_equal(counts, expected)


def test_add_working_days_with_n_as_a_series():
    received = pd.Series(pd.to_datetime(["2023-04-14", "2023-12-20", None, "2023-04-15"]))
    received.index = [3, 1, 4, 1]
    allowance = pd.Series([10, 10, 5, pd.NA], index=received.index, dtype="Int64")
    deadlines = add_working_days(received, allowance)
    expected = pd.Series(
        pd.to_datetime(["2023-04-28", "2024-01-08", None, None]).astype("datetime64[s]"),
        index=received.index,
    )
    pd.testing.assert_series_equal(deadlines, expected)


def test_add_working_days_with_scalar_n_over_a_series():
    received = pd.Series(pd.to_datetime(["2023-04-14", None]), index=[7, 8])
    deadlines = add_working_days(received, 10)
    assert deadlines.dtype == "datetime64[s]"
    assert deadlines.index.tolist() == [7, 8]
    assert deadlines[7] == pd.Timestamp("2023-04-28")
    assert pd.isna(deadlines[8])


def test_is_working_day_over_a_series_is_nullable_boolean():
    days_in = pd.Series(pd.to_datetime(["2023-04-14", "2023-04-15", None]), index=[2, 1, 0])
    expected = pd.Series([True, False, pd.NA], index=days_in.index, dtype="boolean")
    pd.testing.assert_series_equal(ENGLAND.is_working_day(days_in), expected)


def test_numpy_arrays_give_a_series_with_a_default_index():
    received = np.array(["2023-04-14", "NaT"], dtype="datetime64[D]")
    responded = np.array(["2023-04-28", "2023-04-28"], dtype="datetime64[D]")
    counts = working_days_between(received, responded)
    pd.testing.assert_series_equal(counts, pd.Series([10, pd.NA], dtype="Int64"))
    deadlines = add_working_days(received, np.array([10, 0]))
    assert deadlines.tolist()[0] == pd.Timestamp("2023-04-28")
    assert pd.isna(deadlines.tolist()[1])


def test_series_with_different_indexes_are_refused():
    with pytest.raises(ValueError, match="same index"):
        working_days_between(pd.Series(["2023-04-14"], index=[1]), pd.Series(["2023-04-28"]))


@given(start=days, end=days, later=st.integers(min_value=0, max_value=400))
def test_count_is_monotone_in_end(start, end, later):
    after = end + datetime.timedelta(days=later)
    assert working_days_between(start, end) <= working_days_between(start, after)


@given(start=days, n=st.integers(min_value=0, max_value=300))
@pytest.mark.parametrize("calendar", [ENGLAND, SCOTLAND, NORTHERN_IRELAND], ids=["england", "scotland", "northern_ireland"])
def test_counting_back_a_deadline_gives_the_allowance(calendar, start, n):
    deadline = add_working_days(start, n, calendar)
    assert calendar.is_working_day(deadline)
    assert working_days_between(start, deadline, calendar) == n


@given(
    rows=st.lists(
        st.tuples(st.none() | days, st.none() | days, st.integers(-30, 300)), max_size=20
    )
)
def test_vectorised_equals_element_wise(rows):
    starts = pd.Series([row[0] for row in rows], dtype=object)
    ends = pd.Series([row[1] for row in rows], dtype=object)
    allowances = pd.Series([row[2] for row in rows], dtype="Int64")

    counts = working_days_between(starts, ends)
    deadlines = add_working_days(starts, allowances)
    flags = ENGLAND.is_working_day(starts)

    assert counts.dtype == "Int64" and deadlines.dtype == "datetime64[s]"
    for position, (start, end, n) in enumerate(rows):
        count, deadline, flag = counts.iloc[position], deadlines.iloc[position], flags.iloc[position]
        assert (None if pd.isna(count) else count) == working_days_between(start, end)
        assert (None if pd.isna(deadline) else deadline.date()) == add_working_days(start, n)
        assert (None if pd.isna(flag) else flag) == ENGLAND.is_working_day(start)


# Counting is a table lookup inside 1990-2100 and numpy's busday walk outside it: both must agree
# with numpy on the same calendar, across the span's edges as well as inside it.
wide_days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
edge_days = st.sampled_from([date(1989, 12, 29), date(1990, 1, 1), date(2100, 12, 30), date(2100, 12, 31), date(2101, 1, 3)])


@given(rows=st.lists(st.tuples(wide_days | edge_days, wide_days | edge_days, st.integers(-400, 400)), min_size=1, max_size=30))
def test_counts_and_deadlines_agree_with_numpy_busday_everywhere(rows):
    starts = np.array([row[0] for row in rows], dtype="datetime64[D]")
    ends = np.array([row[1] for row in rows], dtype="datetime64[D]")
    allowances = np.array([row[2] for row in rows])
    calendar = ENGLAND.busdaycalendar
    rolled = np.busday_offset(starts, 0, roll="forward", busdaycal=calendar)

    counts = ENGLAND.working_days_between(starts, ends)
    deadlines = ENGLAND.add_working_days(starts, allowances)

    assert counts.tolist() == np.busday_count(rolled, ends, busdaycal=calendar).tolist()
    expected = np.busday_offset(rolled, allowances, busdaycal=calendar).astype("datetime64[s]")
    assert deadlines.to_numpy().tolist() == expected.tolist()


def test_a_deadline_past_the_counted_span_is_still_found():
    assert add_working_days(date(2100, 12, 24), 10) == date(2101, 1, 7)
    assert working_days_between(date(2100, 12, 24), date(2101, 1, 7)) == 10


def test_a_column_of_local_times_counts_on_its_local_dates():
    # 00:30 in London on Saturday 15 April is 23:30 UTC on Friday the 14th: the clock counts the
    # local date, so day 0 is Monday the 17th (9 working days to the 28th, not 10).
    received = pd.Series(pd.to_datetime(["2023-04-15 00:30"]).tz_localize("Europe/London"))
    assert working_days_between(received, pd.Series(pd.to_datetime(["2023-04-28"]))).tolist() == [9]
