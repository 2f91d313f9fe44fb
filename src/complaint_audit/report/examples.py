"""Each check's example cases: the first few it listed, by case id and then stage, for the reader to look up.

One sort of the whole exceptions table serves every check, and it sorts integer ranks (each
column's values ranked once) rather than the text, so it stays quick at national scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EXAMPLES_PER_FINDING = 5


def first_cases(exceptions: pd.DataFrame) -> dict[str, list[dict]]:
    """Each check's first EXAMPLES_PER_FINDING cases listed (by case id, then stage), repeats left out.

    A missing value sorts last, as pandas sorts it.
    """
    keys = exceptions[["check", "case_id", "stage"]]
    ranks = [_ranks(keys[column]) for column in ("stage", "case_id", "check")]
    order = np.lexsort(ranks)
    check, case, stage = ranks[2][order], ranks[1][order], ranks[0][order]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] = (check[1:] == check[:-1]) & (case[1:] == case[:-1]) & (stage[1:] == stage[:-1])
    listed = order[~repeated]
    check = check[~repeated]
    starts = np.flatnonzero(np.r_[True, check[1:] != check[:-1]]) if len(check) else np.zeros(0, dtype=np.int64)
    within = np.arange(len(listed)) - np.repeat(starts, np.diff(np.r_[starts, len(listed)]))  # place in its check's rows
    first = listed[within < EXAMPLES_PER_FINDING]
    examples: dict[str, list[dict]] = {}
    # A few rows per check, already in order: no frame per check.
    for name, case_id, stage in zip(*(keys[column].to_numpy(dtype=object)[first].tolist()
                                      for column in ("check", "case_id", "stage")), strict=True):
        examples.setdefault(name, []).append({"case_id": case_id, "stage": stage})
    return examples


def _ranks(values: pd.Series) -> np.ndarray:
    """Each value's rank among the column's distinct values in sorted order; missing values rank last."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)
