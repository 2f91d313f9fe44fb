"""Per-row values that depend on a pair of codes, worked out once per distinct pair.

A million records hold a dozen (process, stage) pairs: building a label or looking up a target
once per pair and spreading it to the rows by integer codes is several times faster than
joining or comparing text on every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd


def pair_codes(first: pd.Series, second: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """One integer per row naming its (first, second) pair, -1 where either is missing; the pairs."""
    first_codes, first_values = pd.factorize(first)
    second_codes, second_values = pd.factorize(second)
    codes = np.where((first_codes >= 0) & (second_codes >= 0), first_codes * len(second_values) + second_codes, -1)
    return codes, [(a, b) for a in first_values for b in second_values]


def pair_labels(first: pd.Series, second: pd.Series, label: Callable[[object, object], str]) -> pd.Series:
    """label(first, second) per row as text; missing where either value is."""
    codes, pairs = pair_codes(first, second)
    labels = pd.array([label(a, b) for a, b in pairs], dtype="str")
    return pd.Series(labels.take(codes, allow_fill=True), index=first.index)


def pair_values(first: pd.Series, second: pd.Series, mapping: Mapping[tuple, float]) -> pd.Series:
    """mapping[(first, second)] per row as a float; NaN where the pair is not a key or a value is missing."""
    codes, pairs = pair_codes(first, second)
    values = np.array([mapping.get(pair, np.nan) for pair in pairs] + [np.nan], dtype=float)
    return pd.Series(values[codes], index=first.index)  # code -1 picks the trailing NaN
