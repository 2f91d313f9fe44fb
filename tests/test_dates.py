"""Date parsing: every way exports write dates, the declared order enforced, nothing swapped."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from complaint_audit.ingest.dates import parse_dates, parse_mixed_columns, parse_text_columns


def _parse(values, order="dmy", fmt=None):
    parsed = parse_dates(pd.Series(values, dtype=object), order, fmt)
    return [None if pd.isna(v) else v.date() for v in parsed.values], [None if pd.isna(p) else p for p in parsed.problem]


def test_text_dates_in_every_common_spelling_read_day_first():
    dates, problems = _parse(["14/04/2023", "14-04-2023", "14.04.2023", "14/04/23", "14/04/2023 09:30", "14 Apr 2023"])
    assert dates == [dt.date(2023, 4, 14)] * 6
    assert problems == [None] * 6


def test_iso_dates_and_datetimes_are_always_understood():
    dates, _ = _parse(["2023-04-14", "2023-04-14T16:45:00", "2023-04-14 08:00"], order="mdy")
    assert dates == [dt.date(2023, 4, 14)] * 3


def test_month_first_profile_reads_month_first():
    dates, _ = _parse(["04/14/2023", "12/01/2023"], order="mdy")
    assert dates == [dt.date(2023, 4, 14), dt.date(2023, 12, 1)]


def test_a_value_that_only_fits_the_other_order_is_reported_not_swapped():
    dates, problems = _parse(["03/25/2023", "05/04/2023"])
    assert dates == [None, dt.date(2023, 4, 5)]
    assert problems == ["date_order", None]


def test_impossible_and_garbage_dates_are_bad():
    dates, problems = _parse(["31/02/2024", "TBC", "", None])
    assert dates == [None, None, None, None]
    assert problems == ["bad_date", "bad_date", None, None]


def test_placeholder_words_and_spaces_are_blank_not_bad_dates():
    dates, problems = _parse(["NULL", "None", "nan", "NaT", "   ", "14/04/2023"])
    assert dates == [None] * 5 + [dt.date(2023, 4, 14)]
    assert problems == [None] * 6


def test_a_column_mostly_in_the_usual_form_still_reads_its_other_spellings():
    dates, problems = _parse(["14/04/2023", "15/04/2023", "16.04.2023", "17 Apr  2023", "18/04/2023 09:30", "45030",
                              "31/04/2023", "04/25/2023"])
    assert dates == [dt.date(2023, 4, day) for day in (14, 15, 16, 17, 18, 14)] + [None, None]
    assert problems == [None] * 6 + ["bad_date", "date_order"]


def test_excel_cells_serials_and_serial_text():
    dates, problems = _parse([dt.datetime(2023, 4, 14, 10, 30), dt.date(2023, 4, 14), 45030, 45030.75, "45030"])
    assert dates == [dt.date(2023, 4, 14)] * 5
    assert problems == [None] * 5


def test_a_workbooks_date_cells_beside_text_numbers_and_blanks_each_read_as_themselves():
    """The date cells are taken as dates and only the rest read as text: the bad ones keep their own text to quote."""
    column = pd.Series([dt.datetime(2023, 4, 14, 10, 30), "junk", 45030, None, "31/02/2023", "04/14/2023", " ",
                        dt.date(2024, 2, 29), "15/04/2023 (re-issued)", True], dtype=object)
    parsed = parse_dates(column, "dmy")
    assert [None if pd.isna(v) else v.date() for v in parsed.values] == [
        dt.date(2023, 4, 14), None, dt.date(2023, 4, 14), None, None, None, None, dt.date(2024, 2, 29), dt.date(2023, 4, 15), None]
    assert [None if pd.isna(p) else p for p in parsed.problem] == [
        None, "bad_date", None, None, "bad_date", "date_order", None, None, None, "bad_date"]
    bad = parsed.problem.notna()
    assert parsed.raw_text[bad].tolist() == ["junk", "31/02/2023", "04/14/2023", "True"]


def test_a_datetime_column_keeps_its_dates():
    column = pd.Series(pd.to_datetime(["2023-04-14 23:59", None]))
    parsed = parse_dates(column)
    assert parsed.values.iloc[0] == pd.Timestamp("2023-04-14")
    assert pd.isna(parsed.values.iloc[1])


def test_explicit_format_is_tried_first():
    dates, _ = _parse(["20230414"], fmt="%Y%m%d")
    assert dates == [dt.date(2023, 4, 14)]


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_date_written_day_first_reads_back(day):
    dates, problems = _parse([day.strftime("%d/%m/%Y"), day.isoformat()])
    assert dates == [day, day]
    assert problems == [None, None]


def test_a_note_in_brackets_after_a_date_is_read_past():
    """A real ombudsman export dates seven findings '13 February 2026 (re-issued)': a bad date lost a whole case."""
    parsed = parse_dates(pd.Series(["13 February 2026 (re-issued)", "01/03/2026 (approx.)", "(not known)"]))
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist()[:2] == ["2026-02-13", "2026-03-01"]
    assert parsed.values.isna().tolist() == [False, False, True]  # a note and no date: no date, as a blank
    assert parsed.problem.isna().all()


def test_text_columns_parsed_together_give_each_column_its_own_dates_problems_and_raw_text():
    received = pd.Series(["14/04/2023", "04/13/2023", None, "14/04/2023"], index=[3, 4, 5, 6], dtype="str")
    closed = pd.Series(pd.Categorical(["2023-05-02T00:30:00+01:00", "not yet", "02.05.2023"]), index=[7, 8, 9])
    together = parse_text_columns([received, closed], "dmy")
    _assert_each_as_alone([received, closed], together)
    assert [None if pd.isna(value) else value.date() for value in together[0].values] == [dt.date(2023, 4, 14), None, None, dt.date(2023, 4, 14)]
    assert together[0].problem.tolist()[1] == "date_order" and together[0].problem.notna().tolist() == [False, True, False, False]
    assert together[1].problem.tolist()[1] == "bad_date" and together[1].problem.notna().tolist() == [False, True, False]
    assert together[1].raw_text[8] == "not yet"


def _assert_each_as_alone(columns, together):
    """Each column's dates, problems and raw text, parsed with the others, are what parse_dates gives it alone."""
    for column, parsed in zip(columns, together, strict=True):
        alone = parse_dates(column, "dmy")
        pd.testing.assert_series_equal(parsed.values, alone.values)
        pd.testing.assert_series_equal(parsed.problem, alone.problem)
        pd.testing.assert_series_equal(parsed.raw_text, alone.raw_text)


def test_a_workbooks_date_columns_parsed_together_give_each_column_its_own_dates_problems_and_raw_text():
    """Date cells, Excel serials, text and what is none of them, in two columns of cells: 1 in one column and True in
    the other are not taken for one value, as factorising them together would."""
    received = pd.Series([dt.datetime(2023, 4, 14, 9, 30), 45030, "14/04/2023", True, None, "04/13/2023"], dtype=object,
                         index=range(10, 16))
    closed = pd.Series([dt.date(2023, 5, 2), 1, "not yet", 45030.0, "2023-05-02T00:30:00+01:00", None], dtype=object,
                       index=range(20, 26))
    together = parse_mixed_columns([received, closed], "dmy")
    _assert_each_as_alone([received, closed], together)
    assert [None if pd.isna(value) else value.date() for value in together[0].values] == [
        dt.date(2023, 4, 14), dt.date(2023, 4, 14), dt.date(2023, 4, 14), None, None, None]
    assert together[0].problem.astype(object).fillna("").tolist() == ["", "", "", "bad_date", "", "date_order"]
    assert together[0].raw_text[13] == "True" and together[1].raw_text[21] == "1"
    assert together[1].problem.astype(object).fillna("").tolist() == ["", "bad_date", "bad_date", "", "", ""]
