"""Work on a frame's columns a core each, once the columns are long enough for it to pay.

Arrow's and numpy's kernels let go of the GIL while they take, cast or search a column, but
pandas works through a frame one column at a time. Giving each column its own task lets a
second core take the next column meanwhile (the gain at 1M stage rows: docs/scaling.md). On
short columns the work is pandas' and Python's own, holding the GIL: a second thread only
contends for it, so the work stays in the calling thread (cores_for).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd

# Below this many values to a core, one core is quicker: a second core's call pays the fixed cost
# again (masking, ingest/privacy.py redact, pays 10 to 20 ms a call and about 2 us a value), and
# its thread contends for the GIL. Loads of the benchmark's export cut to 10,000 and 30,000 cases
# took 0.27 s and 0.45-0.50 s in one thread, 0.30-0.32 s and 0.48-0.53 s in two; at 100,000, 0.97 s
# against 0.90-0.93 s. The checks: 2,253 records in 0.91 s against 1.15-1.25 s, 60,000 in 1.42-1.47 s
# against 1.44-1.55 s, 114,468 in 1.87-1.97 s against 1.72-1.74 s (docs/scaling.md).
VALUES_PER_CORE = 50_000

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def cores_for(rows: int) -> int:
    """How many cores to give work on columns of ROWS values: one per VALUES_PER_CORE, at most every core."""
    return max(1, min(os.cpu_count() or 1, rows // VALUES_PER_CORE))


def map_columns(function: Callable[[_Item], _Result], items: Iterable[_Item], *, rows: int) -> list[_Result]:
    """`function` of every item, in order, a core each: meant for a kernel call per column of ROWS values.

    The tasks run at the same time, so `function` may read a shared frame but must not change
    it; the caller assigns the results. A pool per call, not one shared, so that a function may
    itself call map_columns without waiting on a pool its caller already fills. Columns too short
    for a second core to pay (cores_for) are worked in turn in the calling thread.
    """
    cores = cores_for(rows)
    if cores == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=cores) as pool:
        return list(pool.map(function, items))


def map_stacked(function: Callable[[pd.Series], pd.Series], columns: list[pd.Series]) -> list[pd.Series]:
    """`function` of each column, the small columns stacked end to end into as few calls as the cores need.

    For a function that answers value by value but pays a fixed cost per call (pyarrow compiles
    its regular expressions anew each call): a dozen small columns cost one call, not a dozen. A
    column of VALUES_PER_CORE values or more is called alone, as map_columns would call
    it: beside its own cost the fixed one is nothing, and stacking it would copy it (at a million
    stage records that made the load a fifth slower and its peak 0.1-0.2 GB higher). Each answer
    keeps its column's index.
    """
    large = [position for position, column in enumerate(columns) if len(column) >= VALUES_PER_CORE]
    small = [position for position, column in enumerate(columns) if len(column) < VALUES_PER_CORE]
    values = sum(len(columns[position]) for position in small)
    stacks: list[list[int]] = [[] for _ in range(max(1, min(cores_for(values), len(small))))]
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
    sizes_of_groups = [sum(len(columns[position]) for position in group) for group in groups]
    for group, answer in zip(groups, map_columns(called, groups, rows=max(sizes_of_groups, default=0)), strict=True):
        ends = np.cumsum([len(columns[position]) for position in group])
        for position, end in zip(group, ends, strict=True):
            results[position] = answer.iloc[end - len(columns[position]) : end].set_axis(columns[position].index)
    return results


def take_rows(frame: pd.DataFrame, positions: np.ndarray, columns: list[str] | None = None, *, release: bool = False) -> pd.DataFrame:
    """The rows at `positions` of COLUMNS (default all), in that order, with a fresh 0..n-1 index
    (DataFrame.take, a core per column).

    With RELEASE those columns are moved out of FRAME, each let go as soon as its rows are taken:
    a frame its caller is done with is then not held whole beside its copy (the peak of a load).
    Only where the columns are long enough for a core (VALUES_PER_CORE): pandas rebuilds its index
    of blocks on each column deleted, which at a few thousand rows costs more than the copy held.
    """
    columns = list(frame.columns) if columns is None else columns
    arrays = [frame[name].array for name in columns]
    if release and len(frame) >= VALUES_PER_CORE:
        for name in columns:
            del frame[name]

    def taken(position: int):
        array, arrays[position] = arrays[position], None
        return array.take(positions)

    return pd.DataFrame(dict(zip(columns, map_columns(taken, range(len(columns)), rows=len(positions)), strict=True)), copy=False)
