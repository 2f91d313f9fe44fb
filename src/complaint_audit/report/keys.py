"""Integer keys for rows identified by text: counting cases and matching rows as whole arrays, not strings.

At national scale the report counts a million cases and looks up hundreds of thousands of
exceptions; hashing each text column once into integer codes and combining them makes those
counts and look-ups array operations, where de-duplicating or merging on the text itself took
seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def case_keys(records: pd.DataFrame, exceptions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's case id as an integer, on one scale for the records and the exceptions: equal ids, equal keys.

    The text is hashed once here; matching and counting cases afterwards compares integers.
    """
    both = pd.concat([records["case_id"], exceptions["case_id"]], ignore_index=True)
    keys = pd.factorize(both, use_na_sentinel=False)[0]
    return keys[:len(records)], keys[len(records):]


def case_codes(records: pd.DataFrame) -> np.ndarray:
    """One integer per case (organisation and case id) for each row of records that carry `case_key` (case_keys)."""
    return row_codes(records, ["organisation", "case_key"])[0]


def row_codes(frame: pd.DataFrame, columns: list[str], other: pd.DataFrame | None = None):
    """One int64 per row of `frame` that is equal exactly when the rows' `columns` are (missing equals missing).

    With `other`, its rows get codes on the same scale, and -1 when a value of theirs never
    occurs in `frame` (so no row of `frame` can match them): (codes of frame, codes of other).
    """
    codes = np.zeros(len(frame), dtype=np.int64)
    others = None if other is None else np.zeros(len(other), dtype=np.int64)
    for column in columns:
        column_codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        codes = codes * len(uniques) + column_codes
        if others is not None:
            found = pd.Index(uniques).get_indexer(other[column])
            others = np.where((found < 0) | (others < 0), -1, others * len(uniques) + found)
    return codes, others


def rows_in(frame: pd.DataFrame, other: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Whether each row of `frame` has its `columns` values in some row of `other` (as a merge would match them)."""
    codes, others = row_codes(frame, columns, other)
    return np.isin(codes, others[others >= 0])
