"""The helpers checks build reason text and case numbers with: exact text, as the per-row ways gave."""

import numpy as np
import pandas as pd

from complaint_audit.engine.toolkit import case_numbers, either, formatted, iso_dates, per_value
from tests.builders import audit_data, canonical_records


def test_formatted_writes_each_value_as_str_format_would():
    medians = pd.Series([12.0, 12.5, np.nan, 3.0, 12.0], index=[5, 6, 7, 8, 9])
    text = formatted(medians)
    assert text.tolist() == ["12", "12.5", "nan", "3", "12"]
    assert text.index.tolist() == [5, 6, 7, 8, 9]
    pd.testing.assert_series_equal(text, medians.map("{:g}".format))
    assert formatted(pd.Series([25, 10]), "{}").tolist() == ["25", "10"]


def test_either_chooses_text_per_row():
    chosen = either(pd.Series([True, False, True]), "the Stage 2 start", "receipt", pd.Index([3, 1, 2]))
    assert chosen.tolist() == ["the Stage 2 start", "receipt", "the Stage 2 start"]
    assert chosen.index.tolist() == [3, 1, 2]


def test_per_value_names_each_distinct_value_once_as_sorted_categories():
    seen = []

    def folded(name):
        seen.append(name)
        return name.strip().casefold()

    routes = pd.Series(["Complaints Team", " complaints team", "Chief Executive", None, "Complaints Team"], dtype="category")
    named = per_value(routes, folded)
    assert named.tolist()[:3] == ["complaints team", "complaints team", "chief executive"]
    assert pd.isna(named.iloc[3]) and named.iloc[4] == "complaints team"
    assert list(named.cat.categories) == ["chief executive", "complaints team"]
    assert sorted(seen) == [" complaints team", "Chief Executive", "Complaints Team"]


def test_iso_dates_writes_dates_and_leaves_missing_ones_missing():
    dates = pd.Series(pd.to_datetime(["2024-03-31 15:00", None, "1969-12-31 06:00"]).astype("datetime64[s]"), index=[4, 2, 0])
    text = iso_dates(dates)
    assert text.iloc[0] == "2024-03-31" and pd.isna(text.iloc[1]) and text.iloc[2] == "1969-12-31"
    pd.testing.assert_series_equal(text, dates.dt.strftime("%Y-%m-%d"))


def test_case_numbers_name_a_complaint_across_its_stages_and_organisations():
    records = canonical_records(
        {"case_id": "C1", "stage": "1"}, {"case_id": "C1", "stage": "2"}, {"case_id": "C2", "stage": "1"},
        {"case_id": "C1", "stage": "1", "organisation": "Otherton Council"},
    )
    numbers = case_numbers(audit_data(records))
    assert numbers.iloc[0] == numbers.iloc[1]
    assert len(set(numbers.tolist())) == 3
    assert numbers.index.equals(records.index)
