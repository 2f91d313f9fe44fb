"""Stage layouts: a raw frame -> one row per complaint stage, columns named by canonical field.

Values are still raw here. Each row keeps `source_row`, and `stage_problem` says why a source
record yielded no usable stage, so the record is quarantined rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from complaint_audit.columnwise import map_columns
from complaint_audit.errors import UserError
from complaint_audit.ingest.formats.tables import SOURCE_ROW
from complaint_audit.ingest.profile import Profile

STAGE_PROBLEM = "stage_problem"


@dataclass(frozen=True)
class StageRows:
    """Raw values under canonical names, and which source column each came from per stage."""

    frame: pd.DataFrame
    # stage label (or "" for every row) -> {canonical field: source column}
    origins: dict[str, dict[str, str]]
    # Each row's position in the export's frame: what is worked out once per export row (the
    # complainant's pseudonym) is taken to its stages by it, not looked up by source row.
    export_rows: np.ndarray


def to_stage_rows(raw: pd.DataFrame, profile: Profile, path) -> StageRows:
    """Reshape per the profile's layout; missing source columns are a UserError naming them."""
    _require_columns(raw, profile, path)
    if profile.layout == "wide":
        return _wide(raw, profile)
    if profile.layout == "nested":
        return _nested(raw, profile, path)
    frame = _select(raw, profile.columns)
    frame[STAGE_PROBLEM] = None
    return StageRows(frame, {"": dict(profile.columns)}, np.arange(len(raw)))


def _select(raw: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame({field: raw[column] for field, column in mapping.items()}, index=raw.index)
    frame[SOURCE_ROW] = raw[SOURCE_ROW]
    return frame


def _has_value(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):  # once per category, then per row by its code
        held = np.append(_has_value(pd.Series(column.cat.categories)).to_numpy(), False)
        return pd.Series(held[column.cat.codes.to_numpy()], index=column.index)
    if isinstance(column.dtype, pd.StringDtype):  # CSV text: a value that is not all spaces, in Arrow without trimming a copy
        values = pa.array(column)
        present = pc.and_(pc.greater(pc.binary_length(values), 0), pc.invert(pc.utf8_is_space(values)))
        return pd.Series(pc.fill_null(present, False).to_numpy(zero_copy_only=False), index=column.index)
    present = column.notna()
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        present &= column.astype("str").str.strip().ne("")
    return present


def _any_value(raw: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per row: does any of these columns hold a value?"""
    return np.logical_or.reduce([_has_value(raw[column]).to_numpy() for column in columns])


def _require_columns(raw: pd.DataFrame, profile: Profile, path) -> None:
    wanted = list(profile.columns.values()) + list(profile.complainant_key)
    for stage_map in profile.stage_columns.values():
        wanted += list(stage_map.values())
    if profile.layout == "nested":
        wanted.append(profile.stage_list)
    missing = [column for column in dict.fromkeys(wanted) if column not in raw.columns]
    if missing and not raw.empty:
        found = ", ".join(sorted(c for c in raw.columns if c != SOURCE_ROW)[:12])
        raise UserError(
            f"{path}: column '{missing[0]}' named in {profile.path} is not in the file "
            f"({len(missing)} missing; found: {found})"
        )
    if raw.empty:
        for column in missing:
            raw[column] = pd.Series(dtype=object)


def _wide(raw: pd.DataFrame, profile: Profile) -> StageRows:
    """One row per stage that holds a value, and one for a source row holding none, in source order.

    Each output column is taken from the raw columns by row positions: copying only the mapped
    columns, once, instead of filtering the whole export per stage and sorting the result.
    """
    groups = []  # (stage label or None, mapping, raw row positions), in output precedence order
    any_stage = np.zeros(len(raw), dtype=bool)
    presence = map_columns(lambda stage_map: _any_value(raw, list(stage_map.values())), profile.stage_columns.values(), rows=len(raw))
    for (label, stage_map), present in zip(profile.stage_columns.items(), presence, strict=True):
        any_stage |= present
        groups.append((label, {**profile.columns, **stage_map}, np.flatnonzero(present)))
    groups.append((None, dict(profile.columns), np.flatnonzero(~any_stage)))

    positions = np.concatenate([rows for _, _, rows in groups])
    order = np.argsort(raw[SOURCE_ROW].to_numpy()[positions], kind="stable")
    positions = positions[order]
    # Group numbers, -1 for the rows without a stage, in output order.
    group = np.concatenate([np.full(len(rows), number if label is not None else -1) for number, (label, _, rows) in enumerate(groups)])[order]
    fields = list(dict.fromkeys(field for _, mapping, _ in groups for field in mapping))
    sources = {field: [mapping.get(field) for _, mapping, _ in groups] for field in fields}
    # Which rows of the columns laid end to end each output row takes depends only on where each group's
    # column sits among them: the same for every field laid out alike (a stage's dates, outcome, handler),
    # so worked out once per layout, not a column-sized array (or three) per field.
    layouts = {field: _layout(field_sources) for field, field_sources in sources.items()}
    takes = {layout: _take_positions(layout, group, positions, len(raw)) for layout in set(layouts.values()) if layout is not None}
    stacked = map_columns(lambda field: _stacked(raw, sources[field], takes.get(layouts[field]), positions), fields, rows=len(positions))
    frame = pd.DataFrame(dict(zip(fields, stacked, strict=True)))
    frame[SOURCE_ROW] = raw[SOURCE_ROW].to_numpy()[positions]
    frame["stage"] = pd.array([label for label, _, _ in groups[:-1]], dtype="str").take(group, allow_fill=True)
    frame[STAGE_PROBLEM] = pd.array(["no_stage_data"], dtype="str").take(np.where(group < 0, 0, -1), allow_fill=True)
    origins = {label: mapping for label, mapping, _ in groups if label is not None}
    return StageRows(frame, origins, positions)


def _layout(sources: list[str | None]) -> tuple[int, ...] | None:
    """Where each group's column sits among a field's distinct columns laid end to end (-1: the group has
    none); None for a field read from one column by every group, taken by row position alone."""
    columns = list(dict.fromkeys(column for column in sources if column is not None))
    if len(columns) == 1 and None not in sources:
        return None
    return tuple(columns.index(column) if column is not None else -1 for column in sources)


def _take_positions(layout: tuple[int, ...], group: np.ndarray, positions: np.ndarray, rows: int) -> np.ndarray:
    """For each output row, its value's position among the LAYOUT's columns of ROWS values laid end to end; -1 for none."""
    offsets = np.array([slot * rows if slot >= 0 else -1 for slot in layout])
    offset = offsets[group]  # group -1 reads the last entry: the rows without a stage
    return np.where(offset < 0, -1, offset + positions)


def _stacked(raw: pd.DataFrame, sources: list[str | None], take: np.ndarray | None, positions: np.ndarray) -> pd.Series:
    """A field's value for every output row, taken from the raw column its group maps it to.

    `sources` is that column per group (None where the group has no such field). The columns
    are laid end to end (Arrow columns without a copy) so that one take, at the positions of
    its layout (_take_positions; None for a field of one column, taken at `positions`), gathers
    the field.
    """
    columns = list(dict.fromkeys(column for column in sources if column is not None))
    if take is None:
        return raw[columns[0]].take(positions).reset_index(drop=True)
    parts = [raw[column] for column in columns]
    if all(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
        # Categories in one list, so that the take moves codes, not text. A column with no value
        # at all has categories of no type: given the others' type to be unioned.
        parts = [part if len(part.cat.categories) else part.cat.set_categories(pd.Index([], dtype="str")) for part in parts]
        stacked = pd.Series(union_categoricals(parts, ignore_order=True))
    else:
        stacked = pd.concat(parts, ignore_index=True)
    return pd.Series(stacked.array.take(take, allow_fill=True))


def _nested(raw: pd.DataFrame, profile: Profile, path) -> StageRows:
    # JSON cases are Python objects already, so walking their stage lists is no slower than
    # the parse that made them.
    stage_lists = raw[profile.stage_list]
    is_list = stage_lists.map(lambda value: isinstance(value, list))
    non_empty = is_list & stage_lists.map(lambda value: isinstance(value, list) and len(value) > 0)
    cases = _select(raw, profile.columns)
    exploded = stage_lists[non_empty].explode()
    is_object = exploded.map(lambda value: isinstance(value, dict))
    stage_frame = pd.json_normalize(exploded[is_object].tolist()) if is_object.any() else pd.DataFrame()
    stage_frame.index = exploded.index[is_object.to_numpy()]
    missing = [key for key in profile.stage_fields.values() if key not in stage_frame.columns]
    for key in missing:
        stage_frame[key] = None
    stages = pd.DataFrame({field: stage_frame[key] for field, key in profile.stage_fields.items()}, index=stage_frame.index)
    good = cases.loc[stages.index].drop(columns=list(stages.columns.intersection(cases.columns)))
    good = pd.concat([good, stages], axis=1)
    good[STAGE_PROBLEM] = None
    no_stages = cases[is_list & ~non_empty].assign(**{STAGE_PROBLEM: "no_stage_data"})
    not_list = cases[~is_list & stage_lists.notna()].assign(**{STAGE_PROBLEM: "bad_stage_list"})
    absent = cases[stage_lists.isna()].assign(**{STAGE_PROBLEM: "no_stage_data"})
    bad_items = cases.loc[exploded.index[~is_object.to_numpy()]].assign(**{STAGE_PROBLEM: "bad_stage_list"})
    frame = pd.concat([good, no_stages, not_list, absent, bad_items])
    frame = frame.sort_values(SOURCE_ROW, kind="stable")
    return StageRows(frame.reset_index(drop=True), {"": {**profile.columns, **profile.stage_fields}}, raw.index.get_indexer(frame.index))
