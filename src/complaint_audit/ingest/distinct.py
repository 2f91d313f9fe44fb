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
    missing = codes < 0
    if not len(answers):  # every value was missing
        return pd.Series(None, index=index, dtype=answers.dtype)
    taken = answers.iloc[np.where(missing, 0, codes)].set_axis(index)
    return taken.mask(missing) if missing.any() else taken
