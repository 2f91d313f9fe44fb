"""Work on a column's distinct values, then spread the answers back over every row.

Dates, codes and names repeat: a year of complaints has a few hundred distinct dates however
many rows it has. Parsing each distinct value once turns a per-row cost into a per-value one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct_values(column: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes, distinct): column == distinct[codes], with code -1 where the value is missing.

    A categorical is factorised already: its codes and categories are the answer, with no pass
    over its rows (a category no row uses is worked on for nothing, a small waste).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), pd.Series(column.cat.categories)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=column.dtype if column.dtype != object else object)


def combined_numbers(numbers: list[np.ndarray]) -> np.ndarray:
    """One int64 per row, equal exactly where the rows are equal in every one of NUMBERS (each at
    least 0, as distinct_values' codes are once missing has a number of its own).

    The numbers are packed as the digits of one integer, hashed once where several columns would
    each be hashed; where the next digit would take the key past an int64, the key is first
    renumbered (pd.factorize) below the rows' count.
    """
    key = np.zeros(len(numbers[0]), dtype=np.int64)
    for more in numbers:
        radix = int(more.max(initial=0)) + 1
        if (int(key.max(initial=0)) + 1) * radix > np.iinfo(np.int64).max:
            key = pd.factorize(key)[0]
        key = key * radix + more
    return key


def spread(answers: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The answer for each row's distinct value; missing where the row's value was missing."""
    if not len(answers):  # every value was missing
        return pd.Series(None, index=index, dtype=answers.dtype)
    # The array's own take fills code -1 with its missing value, without a pass to mask it.
    taken = answers.array.take(codes, allow_fill=True)
    return pd.Series(taken, index=index, dtype=object if answers.dtype == object else None)


def spread_categorical(answers: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """As spread(), as a categorical with sorted categories: the answers may repeat or be missing.

    A row then holds a small integer, not a copy of its text: taking rows in the store's order
    moves the integers, and the text is written out once, when the store's parts are.
    """
    answer_codes, categories = pd.factorize(answers.astype("str"), sort=True)
    # In the narrowest integer that holds them (as the categorical keeps them), gathered once and
    # not checked again: every code is one of the answers' or the appended -1.
    lookup = np.append(answer_codes, -1).astype(np.min_scalar_type(-len(categories) - 1))
    row_codes = lookup[codes]  # code -1 reads the appended -1: missing stays missing
    return pd.Series(pd.Categorical.from_codes(row_codes, categories=categories, validate=False), index=index)
