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
    """`function` of each column, the small columns stacked end to end into as few calls as the cores need.

    For a function that answers value by value but pays a fixed cost per call (pyarrow compiles
    its regular expressions anew each call): a dozen small columns cost one call, not a dozen. A
    column of STACKED_VALUES_PER_CALL values or more is called alone, as map_columns would call
    it: beside its own cost the fixed one is nothing, and stacking it would copy it (at a million
    stage records that made the load a fifth slower and its peak 0.1-0.2 GB higher). Each answer
    keeps its column's index.
    """
    large = [position for position, column in enumerate(columns) if len(column) >= STACKED_VALUES_PER_CALL]
    small = [position for position, column in enumerate(columns) if len(column) < STACKED_VALUES_PER_CALL]
    values = sum(len(columns[position]) for position in small)
    stacks: list[list[int]] = [[] for _ in range(max(1, min(os.cpu_count() or 1, len(small), values // STACKED_VALUES_PER_CALL)))]
    sizes = [0] * len(stacks)
    for position in sorted(small, key=lambda position: -len(columns[position])):
        smallest = sizes.index(min(sizes))
        stacks[smallest].append(position)
        sizes[smallest] += len(columns[position])
    groups = [[position] for position in large] + [stack for stack in stacks if stack]

    def called(group: list[int]) -> pd.Series:
        if len(group) == 1:
            return function(columns[group[0]])
        return function(pd.concat([columns[position] for position in group], ignore_index=True))

    results: list[pd.Series] = [pd.Series()] * len(columns)
    for group, answer in zip(groups, map_columns(called, groups), strict=True):
        ends = np.cumsum([len(columns[position]) for position in group])
        for position, end in zip(group, ends, strict=True):
            results[position] = answer.iloc[end - len(columns[position]) : end].set_axis(columns[position].index)
    return results


def take_rows(frame: pd.DataFrame, positions: np.ndarray, columns: list[str] | None = None, *, release: bool = False) -> pd.DataFrame:
    """The rows at `positions` of COLUMNS (default all), in that order, with a fresh 0..n-1 index
    (DataFrame.take, a core per column).

    With RELEASE those columns are moved out of FRAME, each let go as soon as its rows are taken:
    a frame its caller is done with is then not held whole beside its copy (the peak of a load).
    """
    columns = list(frame.columns) if columns is None else columns
    arrays = [frame[name].array for name in columns]
    if release:
        for name in columns:
            del frame[name]

    def taken(position: int):
        array, arrays[position] = arrays[position], None
        return array.take(positions)

    return pd.DataFrame(dict(zip(columns, map_columns(taken, range(len(columns))), strict=True)), copy=False)
