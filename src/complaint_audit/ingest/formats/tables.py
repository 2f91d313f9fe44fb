"""What a format's readers return: the whole export (RawTable) or its head for `profile suggest` (Sample).

A sample reads only the head of a file (HEADER_SEARCH_ROWS rows to find the header, then up to
SAMPLE_ROWS data rows), so sniffing a million-row export costs no more than a small one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SOURCE_ROW = "source_row"
HEADER_SEARCH_ROWS = 50
SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class RawTable:
    """What a reader found: the raw frame and how the file was read."""

    frame: pd.DataFrame
    format: str
    encoding: str | None


@dataclass(frozen=True)
class Sample:
    """The head of an export as the loader would read it, and the [source] settings found."""

    frame: pd.DataFrame  # raw values; columns named as the loader names them
    settings: dict[str, tuple[object, str]]  # [source] key -> (value, why), in writing order
    rows: int  # data rows in the sample
    complete: bool  # the sample is the whole file
    stage_list: str | None = None  # JSON: the key holding each case's list of stages
    stage_frame: pd.DataFrame | None = None  # JSON: the sample's stage objects, flattened
    unnamed_columns: int = 0  # columns with data but an empty header cell


def without_blank_rows(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Drop rows with no value at all: a blank line is not a record (row numbers are kept).

    Column by column: `frame[names].isna().all(axis=1)` went through a copy of the whole export
    (half a gigabyte at a million cases, the peak of the load).
    """
    blank = np.logical_and.reduce([frame[name].isna().to_numpy() for name in names]) if names else np.zeros(len(frame), bool)
    return frame[~blank].reset_index(drop=True) if blank.any() else frame
