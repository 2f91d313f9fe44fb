"""Work on a frame's columns a core each.

Arrow's and numpy's kernels let go of the GIL while they take, cast or search a column, but
pandas works through a frame one column at a time. Giving each column its own task lets a
second core take the next column meanwhile (the gain at 1M stage rows: docs/scaling.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd

# A second core's call pays the fixed cost again: below this many values to a core, one call is
# cheaper. Masking (ingest/privacy.py redact) pays 10 to 20 ms a call and about 2 us a value.
STACKED_VALUES_PER_CALL = 50_000

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def map_columns(function: Callable[[_Item], _Result], items: Iterable[_Item]) -> list[_Result]:
    """`function` of every item, in order, a core each: meant for a kernel call per column.

    The tasks run at the same time, so `function` may read a shared frame but must not change
    it; the caller assigns the results. A pool per call, not one shared, so that a function may
    itself call map_columns without waiting on a pool its caller already fills.
    """
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(function, items))


def map_stacked(function: Callable[[pd.Series], pd.Series], columns: list[pd.Series]) -> list[pd.Series]:
    """`function` of each column, the columns stacked end to end into one call per core.

    For a function that answers value by value but pays a fixed cost per call (pyarrow compiles
    its regular expressions anew each call): a dozen small columns cost one call, not a dozen,
    and large ones still share the cores. Each answer keeps its column's index.
    """
    values = sum(len(column) for column in columns)
    calls = max(1, min(os.cpu_count() or 1, len(columns), values // STACKED_VALUES_PER_CALL))
    groups: list[list[int]] = [[] for _ in range(calls)]
    sizes = [0] * len(groups)
    for position in sorted(range(len(columns)), key=lambda position: -len(columns[position])):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(position)
        sizes[smallest] += len(columns[position])
    answers = map_columns(lambda group: function(pd.concat([columns[position] for position in group], ignore_index=True)), groups)
    results: list[pd.Series] = [pd.Series()] * len(columns)
    for group, answer in zip(groups, answers, strict=True):
        ends = np.cumsum([len(columns[position]) for position in group])
        for position, end in zip(group, ends, strict=True):
            results[position] = answer.iloc[end - len(columns[position]) : end].set_axis(columns[position].index)
    return results


def take_rows(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows at `positions`, in that order, with a fresh 0..n-1 index (DataFrame.take, a core per column)."""
    columns = list(frame.columns)
    taken = map_columns(lambda name: frame[name].array.take(positions), columns)
    return pd.DataFrame(dict(zip(columns, taken, strict=True)), copy=False)
