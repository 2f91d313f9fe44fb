"""Column-wise work a core each gives what pandas gives one column at a time."""

from __future__ import annotations

import gc
import os
import threading
import weakref

import numpy as np
import pandas as pd
import pytest

from complaint_audit.columnwise import VALUES_PER_CORE, map_columns, map_stacked, take_rows


def test_take_rows_gives_the_rows_asked_for_in_that_order_whatever_the_column_type():
    frame = pd.DataFrame(
        {
            "case_id": pd.array(["C1", None, "C3"], dtype="str"),
            "received": pd.to_datetime(["2023-04-14", None, "2023-05-02"]).astype("datetime64[s]"),
            "remedy_amount": [50.0, np.nan, 12.5],
            "stage": pd.Categorical(["1", "2", "1"]),
            "source_row": pd.array([2, None, 4], dtype="Int64"),
        },
        index=[10, 11, 12],
    )
    taken = take_rows(frame, np.array([2, 0, 2]))
    pd.testing.assert_frame_equal(taken, frame.take([2, 0, 2]).reset_index(drop=True))
    assert taken["case_id"].tolist() == ["C3", "C1", "C3"]


def test_take_rows_releasing_moves_long_columns_out_and_lets_each_go_once_taken():
    rows = VALUES_PER_CORE
    frame = pd.DataFrame({"case_id": pd.array([f"C{number}" for number in range(rows)], dtype="str"),
                          "stage": pd.Categorical(["1", "2"] * (rows // 2)), "note": ["a"] * rows})
    expected = frame[["stage", "case_id"]].take([2, 0]).reset_index(drop=True)
    moved = [weakref.ref(frame[name].array) for name in ("case_id", "stage")]
    taken = take_rows(frame, np.array([2, 0]), ["stage", "case_id"], release=True)
    pd.testing.assert_frame_equal(taken, expected)
    assert list(frame.columns) == ["note"]  # the columns not asked for stay
    gc.collect()
    assert [reference() for reference in moved] == [None, None]  # nothing holds the columns taken


def test_take_rows_leaves_short_columns_where_they_are_even_when_asked_to_release_them():
    """At a few thousand rows pandas' bookkeeping for each column deleted costs more than the copy held meanwhile."""
    frame = pd.DataFrame({"case_id": pd.array(["C1", None, "C3"], dtype="str"), "stage": pd.Categorical(["1", "2", "1"])})
    taken = take_rows(frame, np.array([2, 0]), ["stage", "case_id"], release=True)
    pd.testing.assert_frame_equal(taken, frame[["stage", "case_id"]].take([2, 0]).reset_index(drop=True))
    assert list(frame.columns) == ["case_id", "stage"]


@pytest.mark.parametrize("rows", [10, 4 * VALUES_PER_CORE])
def test_map_columns_keeps_the_order_of_its_items_and_raises_what_a_task_raised(rows):
    assert map_columns(lambda number: number * number, range(20), rows=rows) == [number * number for number in range(20)]
    with pytest.raises(ZeroDivisionError):
        map_columns(lambda number: 1 / number, [1, 0, 2], rows=rows)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: every column is worked in the calling thread")
def test_map_columns_gives_long_columns_a_core_each_and_works_short_ones_in_the_calling_thread():
    def thread_of(_) -> str:
        return threading.current_thread().name

    assert set(map_columns(thread_of, range(4), rows=VALUES_PER_CORE - 1)) == {threading.current_thread().name}
    assert threading.current_thread().name not in map_columns(thread_of, range(4), rows=2 * VALUES_PER_CORE)


def test_map_stacked_gives_each_column_what_the_function_gives_it_alone_in_fewer_calls():
    columns = [
        pd.Series(["ann lee", None, "bob"], index=[7, 8, 9], dtype="str"),
        pd.Series([], dtype="str"),
        pd.Series(["cy"] * 5, index=list("abcde"), dtype="str"),
        pd.Series(["dee", "eve"], index=[0, 1], dtype="str"),
    ]
    calls = []

    def upper(text: pd.Series) -> pd.Series:
        calls.append(len(text))
        return text.str.upper()

    answers = map_stacked(upper, columns)
    for column, answer in zip(columns, answers, strict=True):
        pd.testing.assert_series_equal(answer, column.str.upper())
    assert calls == [10]  # a few values: one call, every value once


def _doubled_by_map_stacked(columns: list[pd.Series]) -> list[int]:
    """map_stacked of doubling over COLUMNS, each answer checked against its own column: the sizes of the calls made."""
    calls = []

    def doubled(numbers: pd.Series) -> pd.Series:
        calls.append(len(numbers))
        return numbers * 2

    for column, answer in zip(columns, map_stacked(doubled, columns), strict=True):
        pd.testing.assert_series_equal(answer, column * 2)
    return calls


def test_map_stacked_calls_a_large_column_alone_with_each_answer_in_its_place():
    columns = [pd.Series(np.arange(size), index=np.arange(size) + 5) for size in (VALUES_PER_CORE, 3, VALUES_PER_CORE + 1, 4)]
    calls = _doubled_by_map_stacked(columns)
    assert sorted(calls) == [7, VALUES_PER_CORE, VALUES_PER_CORE + 1]  # the two small ones stacked


def test_map_stacked_shares_many_small_columns_among_the_cores():
    calls = _doubled_by_map_stacked([pd.Series(np.arange(VALUES_PER_CORE // 2)) for _ in range(6)])
    assert len(calls) == min(os.cpu_count() or 1, 3) and sum(calls) == 3 * VALUES_PER_CORE
