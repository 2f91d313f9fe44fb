"""Several rows of one case -> one record per (organisation, case_id, stage), by the profile's [combine] rules.

Only rows that loaded are combined: a row with a bad date is quarantined on its own first.
Each record stands where its case's first row stood, and keeps that row's source_row and the
number of rows it combines (`combined_rows`).

Vectorised over whole columns: most rules pick one row per case (the earliest date, the most
serious outcome, the first value given ...), found by one stable sort of (case, score), and
the field's value is then taken from that row, keeping its type (categoricals stay
categoricals). Only "sum" and "all" make new values. Cases of one row are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_audit.columnwise import map_columns
from complaint_audit.ingest.combine_rules import COMBINABLE, default_rule
from complaint_audit.schema import CATEGORY_FIELDS, MOST_SERIOUS_FIRST, RECORD_KEY

JOINED_BY = "; "
MEMBER_COLUMNS = ("source_row", "stage", "record_row")


@dataclass(frozen=True)
class Combined:
    """The records, one per key, and the rows that were combined with others."""

    records: pd.DataFrame  # fresh index, in the file order of each record's first row
    # Each row combined into a record of several: its source_row and stage, and its record's
    # source_row (a record is known by its source_row and stage within a file).
    members: pd.DataFrame


def combine_rows(records: pd.DataFrame, rules: dict[str, str]) -> Combined:
    """One record per (organisation, case_id, stage); RULES names each field's rule (others: the default)."""
    no_members = pd.DataFrame({name: pd.Series(dtype="int64" if name != "stage" else "str") for name in MEMBER_COLUMNS})
    if records.empty:
        return Combined(records.assign(combined_rows=pd.Series(dtype="int64")).reset_index(drop=True), no_members)
    case = records.groupby(list(RECORD_KEY), observed=True, sort=False).ngroup().to_numpy()
    sizes = np.bincount(case)
    repeated = np.flatnonzero(sizes[case] > 1)
    if not len(repeated):
        return Combined(records.reset_index(drop=True).assign(combined_rows=np.ones(len(records), dtype="int64")), no_members)

    group, _ = pd.factorize(case[repeated])  # 0.. per repeated case, in order of its first row
    groups = int(group.max()) + 1
    first_rows = repeated[np.unique(group, return_index=True)[1]]
    keep = sizes[case] == 1
    keep[first_rows] = True
    anchors = np.flatnonzero(keep)  # each record's first row, in file order
    slot = np.searchsorted(anchors, first_rows)  # where each repeated case's record stands

    def combined_column(name: str) -> pd.Series:
        column = records[name]
        rule = rules.get(name, default_rule(name)) if name in COMBINABLE else ("first" if name == "complainant_key" else None)
        if rule in _COMPUTED:
            values = _COMPUTED[rule](column.iloc[repeated], group, groups)
            return _with_values(column, anchors, slot, values, name)
        source = anchors.copy()
        if rule is not None:
            source[slot] = repeated[_pick(group, groups, _SCORES[rule](column.iloc[repeated], group))]
        return pd.Series(column.array.take(source))

    names = [name for name in records.columns if name != "combined_rows"]
    frame = pd.DataFrame(dict(zip(names, map_columns(combined_column, names))), copy=False)
    counts = np.ones(len(anchors), dtype="int64")
    counts[slot] = sizes[case[first_rows]]
    frame["combined_rows"] = counts
    source_row = records["source_row"].to_numpy()
    members = pd.DataFrame({
        "source_row": source_row[repeated],
        "stage": records["stage"].iloc[repeated].astype("str").to_numpy(),
        "record_row": source_row[first_rows][group],
    })
    return Combined(frame, members)


def _pick(group: np.ndarray, groups: int, score: np.ndarray) -> np.ndarray:
    """Per group, the position of its row with the lowest score; the earliest row where tied (a stable sort)."""
    order = np.lexsort((score, group))
    return order[np.searchsorted(group[order], np.arange(groups))]


# --- the rules that pick a row: a score per row, lowest picked ---------------------------------


def _first(values: pd.Series, group: np.ndarray) -> np.ndarray:
    return values.isna().to_numpy().astype("int8")


def _moment(values: pd.Series, sign: int) -> np.ndarray:
    """Dates or amounts as numbers to sort by (negated for the latest or largest); missing ones last."""
    numbers = values.to_numpy(dtype="datetime64[s]").astype("int64").astype("float64") if values.dtype.kind == "M" \
        else values.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(values.isna().to_numpy(), np.inf, sign * numbers)


def _most_serious(values: pd.Series, group: np.ndarray) -> np.ndarray:
    codes, outcomes = pd.factorize(values)
    rank = {outcome: position for position, outcome in enumerate(MOST_SERIOUS_FIRST)}
    ranks = np.array([rank.get(outcome, len(rank)) for outcome in outcomes] + [len(rank) + 1])
    return ranks[codes]  # code -1 (missing) reads the last: after every outcome


def _most_frequent(values: pd.Series, group: np.ndarray) -> np.ndarray:
    codes, distinct = pd.factorize(values)
    pairs = group.astype("int64") * (len(distinct) + 1) + codes + 1
    _, inverse, counts = np.unique(pairs, return_inverse=True, return_counts=True)
    return np.where(codes < 0, 1, -counts[inverse])


_SCORES = {
    "first": _first,
    "earliest": lambda values, group: _moment(values, 1),
    "min": lambda values, group: _moment(values, 1),
    "latest": lambda values, group: _moment(values, -1),
    "max": lambda values, group: _moment(values, -1),
    "most_serious": _most_serious,
    "most_frequent": _most_frequent,
}


# --- the rules that make a new value ----------------------------------------------------------


def _all(values: pd.Series, group: np.ndarray, groups: int) -> pd.Series:
    """Every distinct value of each group, in file order, joined."""
    text = pd.DataFrame({"group": group, "text": np.asarray(values.astype(object), dtype=object)})
    text = text[values.notna().to_numpy()].drop_duplicates()
    return text.groupby("group", sort=True)["text"].agg(JOINED_BY.join).reindex(range(groups))


def _sum(values: pd.Series, group: np.ndarray, groups: int) -> pd.Series:
    return pd.Series(values.to_numpy(dtype="float64", na_value=np.nan)).groupby(group).sum(min_count=1).reindex(range(groups))


_COMPUTED = {"all": _all, "sum": _sum}


def _with_values(column: pd.Series, anchors: np.ndarray, slot: np.ndarray, values: pd.Series, name: str) -> pd.Series:
    """The column at the anchors, with the repeated cases' records given their new VALUES."""
    if values.dtype.kind == "f" and column.dtype.kind == "f":
        taken = column.to_numpy()[anchors].copy()
        taken[slot] = values.to_numpy()
        return pd.Series(taken)
    taken = np.asarray(column.astype(object), dtype=object)[anchors]
    taken[slot] = values.to_numpy(dtype=object)
    result = pd.Series(taken, dtype=object).where(pd.notna(taken), None)
    if name in CATEGORY_FIELDS:
        return result.astype(pd.CategoricalDtype(sorted(result.dropna().unique())))
    return result.astype(column.dtype if not isinstance(column.dtype, pd.CategoricalDtype) else "str")

