"""Work on a column's distinct values, then spread the answers back over every row.

Dates, codes and names repeat: a year of complaints has a few hundred distinct dates however
many rows it has. Parsing each distinct value once turns a per-row cost into a per-value one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_values(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct): column == distinct[codes], with code -1 where the value is missing."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=column.dtype if column.dtype != object else object)


def spread(answers: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The answer for each row's distinct value; missing where the row's value was missing."""
    if not len(answers):  # every value was missing
        return pd.Series(None, index=index, dtype=answers.dtype)
    # The array's own take fills code -1 with its missing value, without a pass to mask it.
    taken = answers.array.take(codes, allow_fill=True)
    return pd.Series(taken, index=index, dtype=object if answers.dtype == object else None)
