"""Several rows of one case -> one record per (organisation, case_id, stage), by the profile's [combine] rules.

Only rows that loaded are combined: a row with a bad date is quarantined on its own first.
Each record stands where its case's first row stood, and keeps that row's source_row and the
number of rows it combines (`combined_rows`).

Vectorised over whole columns: most rules pick one row per case (the earliest date, the most
serious outcome, the first value given ...), found by a few linear passes over the rows sorted
once by case, and the field's value is then taken from that row, keeping its type
(categoricals stay categoricals). Only "sum" and "all" make new values. Cases of one row are
left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.columnwise import map_columns
from complaint_audit.ingest.combine_rules import COMBINABLE, default_rule
from complaint_audit.schema import MOST_SERIOUS_FIRST, RECORD_KEY

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
    case = records.groupby(list(RECORD_KEY), observed=True, sort=False, dropna=False).ngroup().to_numpy()
    sizes = np.bincount(case)
    repeated = np.flatnonzero(sizes[case] > 1)
    if not len(repeated):
        return Combined(records.reset_index(drop=True).assign(combined_rows=np.ones(len(records), dtype="int64")), no_members)

    group, _ = pd.factorize(case[repeated])  # 0.. per repeated case, in order of its first row
    groups = Groups(group)
    first_rows = repeated[groups.first_row]
    keep = sizes[case] == 1
    keep[first_rows] = True
    anchors = np.flatnonzero(keep)  # each record's first row, in file order
    slot = np.searchsorted(anchors, first_rows)  # where each repeated case's record stands

    def combined_column(name: str) -> pd.Series:
        column = records[name]
        rule = rules.get(name, default_rule(name)) if name in COMBINABLE else ("first" if name == "complainant_key" else None)
        values = column.iloc[repeated] if rule is not None else None
        missing = values.isna().to_numpy() if values is not None else None
        # No rule, or nothing to choose from: the first row's value is the record's.
        if rule is None or missing.all() or (rule == "first" and not missing.any()):
            return pd.Series(column.array.take(anchors))
        if rule in _COMPUTED:
            return _with_values(column, anchors, slot, _COMPUTED[rule](values, missing, group, groups.count))
        source = anchors.copy()
        source[slot] = repeated[groups.lowest(_SCORES[rule](values, missing, group))]
        return pd.Series(column.array.take(source))

    names = [name for name in records.columns if name != "combined_rows"]
    frame = pd.DataFrame(dict(zip(names, map_columns(combined_column, names, rows=len(records)), strict=True)), copy=False)
    counts = np.ones(len(anchors), dtype="int64")
    counts[slot] = groups.sizes
    frame["combined_rows"] = counts
    source_row = records["source_row"].to_numpy()
    members = pd.DataFrame({
        "source_row": source_row[repeated],
        "stage": records["stage"].iloc[repeated].astype("str").to_numpy(),
        "record_row": source_row[first_rows][group],
    })
    return Combined(frame, members)


class Groups:
    """Rows numbered by group (0, 1, ... in order of first appearance), sorted once, so that each
    rule's choice per group is a few linear passes, not a sort per field."""

    def __init__(self, group: np.ndarray):
        self.order = np.argsort(group, kind="stable")  # by group, file order within
        self.sorted = group[self.order]
        self.starts = np.flatnonzero(np.r_[True, self.sorted[1:] != self.sorted[:-1]])
        self.count = len(self.starts)
        self.sizes = np.diff(np.r_[self.starts, len(group)])
        self.first_row = self.order[self.starts]

    def lowest(self, score: np.ndarray) -> np.ndarray:
        """Per group, the position of its row with the lowest score; the earliest row where tied."""
        ranked = score[self.order]
        lowest = np.minimum.reduceat(ranked, self.starts)
        hits = np.flatnonzero(ranked == lowest[self.sorted])
        hit_groups = self.sorted[hits]
        return self.order[hits[np.r_[True, hit_groups[1:] != hit_groups[:-1]]]]


# --- the rules that pick a row: a score per row, lowest picked ---------------------------------


def _first(values: pd.Series, missing: np.ndarray, group: np.ndarray) -> np.ndarray:
    return missing.astype("int8")


def _moment(values: pd.Series, missing: np.ndarray, sign: int) -> np.ndarray:
    """Dates or amounts as numbers to sort by (negated for the latest or largest); missing ones last."""
    numbers = values.to_numpy(dtype="datetime64[s]").astype("int64").astype("float64") if values.dtype.kind == "M" \
        else values.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(missing, np.inf, sign * numbers)


def _most_serious(values: pd.Series, missing: np.ndarray, group: np.ndarray) -> np.ndarray:
    codes, outcomes = pd.factorize(values)
    rank = {outcome: position for position, outcome in enumerate(MOST_SERIOUS_FIRST)}
    ranks = np.array([rank.get(outcome, len(rank)) for outcome in outcomes] + [len(rank) + 1])
    return ranks[codes]  # code -1 (missing) reads the last: after every outcome


def _most_frequent(values: pd.Series, missing: np.ndarray, group: np.ndarray) -> np.ndarray:
    codes, distinct = pd.factorize(values)
    pairs = group.astype("int64") * (len(distinct) + 1) + codes + 1
    _, inverse, counts = np.unique(pairs, return_inverse=True, return_counts=True)
    return np.where(missing, 1, -counts[inverse])


_SCORES = {
    "first": _first,
    "earliest": lambda values, missing, group: _moment(values, missing, 1),
    "min": lambda values, missing, group: _moment(values, missing, 1),
    "latest": lambda values, missing, group: _moment(values, missing, -1),
    "max": lambda values, missing, group: _moment(values, missing, -1),
    "most_serious": _most_serious,
    "most_frequent": _most_frequent,
}


# --- the rules that make a new value ----------------------------------------------------------


def _all(values: pd.Series, missing: np.ndarray, group: np.ndarray, groups: int) -> pd.Series:
    """Every distinct value of each group, in file order, joined.

    Each (group, value) pair is kept at its first row; laid out by group, the pairs' values are
    an Arrow list per group, which Arrow joins in one call (no Python join per case).
    """
    codes, distinct = pd.factorize(values)
    present_group, present_code = group[~missing], codes[~missing]
    _, first = np.unique(present_group.astype("int64") * len(distinct) + present_code, return_index=True)
    first.sort()  # file order
    first = first[np.argsort(present_group[first], kind="stable")]  # by group, file order within
    offsets = np.searchsorted(present_group[first], np.arange(groups + 1))
    texts = pa.array(np.asarray(distinct.astype("str"), dtype=object), type=pa.string()).take(pa.array(present_code[first]))
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), texts), JOINED_BY)
    return pd.Series(joined.to_numpy(zero_copy_only=False), dtype=object).where(np.diff(offsets) > 0, None)


def _sum(values: pd.Series, missing: np.ndarray, group: np.ndarray, groups: int) -> pd.Series:
    return pd.Series(values.to_numpy(dtype="float64", na_value=np.nan)).groupby(group).sum(min_count=1).reindex(range(groups))


_COMPUTED = {"all": _all, "sum": _sum}


def _with_values(column: pd.Series, anchors: np.ndarray, slot: np.ndarray, values: pd.Series) -> pd.Series:
    """The column at the anchors, with the repeated cases' records given their new VALUES (at SLOT)."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # by codes: the text is not copied per row
        categories = column.cat.categories.append(pd.Index(values.dropna().unique())).unique().sort_values()
        recoded = np.append(categories.get_indexer(column.cat.categories), -1)  # code -1 stays missing
        codes = recoded[column.cat.codes.to_numpy()[anchors]]
        codes[slot] = categories.get_indexer(values)
        return pd.Series(pd.Categorical.from_codes(codes, categories))
    result = pd.Series(column.array.take(anchors))
    result.iloc[slot] = values.to_numpy()
    return result
