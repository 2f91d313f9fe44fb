"""Raw stage rows -> typed canonical columns, recording each value that could not be converted.

Conversion never drops a row: a value that cannot be converted becomes missing, and the row
carries a problem (code and message) so validation can quarantine it with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.arrow_text import text_bytes
from complaint_audit.columnwise import map_columns
from complaint_audit.ingest.characters import unusual_characters
from complaint_audit.ingest.dates import (
    ParsedDates,
    is_mixed_column,
    is_text_column,
    order_words,
    parse_dates,
    parse_mixed_columns,
    parse_text_columns,
)
from complaint_audit.ingest.distinct import distinct_values, spread, spread_categorical
from complaint_audit.ingest.open_codes import open_outcomes_to_status
from complaint_audit.ingest.problems import FirstProblems
from complaint_audit.ingest.profile import Profile, normalise_label
from complaint_audit.printable import printable
from complaint_audit.schema import CATEGORY_FIELDS, FIELDS, Field

_MESSAGES = {
    "bad_date": "{field}: '{raw}' is not a date (expected {order})",
    "date_order": "{field}: '{raw}' only makes sense as {other}, but the profile says {order}",
}


@dataclass(frozen=True)
class Converted:
    """Typed values in canonical columns, and the first conversion problem of each row."""

    frame: pd.DataFrame
    problem: pd.Series  # reason code or None
    detail: pd.Series  # message or None


def text_values(column: pd.Series) -> pd.Series:
    """Any raw column -> trimmed text, missing where blank.

    A whole float reads as an integer ('12', not '12.0'): Excel cells and JSON numbers mixed
    with missing values arrive as floats, and a case id or stage 12.0 means 12.
    """
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":  # CSV text: in Arrow, not factorised
        values = pa.array(column)
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        return pd.Series(pa.chunked_array([_trimmed(chunk) for chunk in chunks], values.type), index=column.index, dtype=column.dtype)
    codes, distinct = distinct_values(column)
    if distinct.dtype == object or pd.api.types.is_float_dtype(distinct):
        distinct = distinct.astype(object).map(_cell_text)
    text = distinct.astype("str").str.strip()
    return spread(text.where(text.ne("")), codes, column.index)


def _trimmed(text: pa.Array) -> pa.Array:
    """TEXT trimmed of whitespace, blank text missing: TEXT itself, not a copy, where no value needs either.

    A column of text (a case id, a note, a letter) is seldom padded: trimming it regardless copied
    every text field's values twice (at a million stage rows, 127 MB held at once). Whether any value
    may need it is told by its first and last bytes alone; one that may is trimmed by Arrow.
    """
    data, offsets = text_bytes(text)
    filled = offsets[:-1] < offsets[1:]
    if _MAY_BE_SPACE[data[offsets[:-1][filled]]].any() or _MAY_BE_SPACE[data[offsets[1:][filled] - 1]].any():
        text = pc.utf8_trim_whitespace(text)
    blank = pc.equal(pc.binary_length(text), 0)
    return pc.if_else(blank, pa.scalar(None, text.type), text) if pc.any(blank).as_py() else text


# A byte that may be whitespace where a value starts or ends: ASCII's controls and space, and every byte of a
# character past ASCII (a no-break space is one); Arrow's trimming says which are.
_MAY_BE_SPACE = np.ones(256, dtype=bool)
_MAY_BE_SPACE[0x21:0x7F] = False


def _cell_text(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


# A field's problems, in the order they are recorded: (rows, code, message for some of those rows).
_Notes = list[tuple[pd.Series, str, Callable[[pd.Series], pd.Series]]]


def convert(rows: pd.DataFrame, profile: Profile, defaults: dict[str, str]) -> Converted:
    """Convert every canonical field the rows carry; constants and defaults fill the rest.

    Fields are converted a core each (see columnwise.py). Each row's problem is then the first
    in field order, as if they had been converted one after another.
    """
    date_columns = [rows[field.name] for field in FIELDS if field.kind == "date" and field.name in rows.columns]
    dates = {}
    for kind, parse in ((is_text_column, parse_text_columns), (is_mixed_column, parse_mixed_columns)):
        chosen = [column for column in date_columns if kind(column)]
        dates |= dict(zip((column.name for column in chosen), parse(chosen, profile.date_order, profile.date_format), strict=True))
    converted = map_columns(lambda field: _convert_field(field, rows, profile, defaults, dates), FIELDS, rows=len(rows))
    # copy=False: the columns are new already, and copying would stack same-typed ones into 2-D blocks (0.4 s at 1M rows).
    frame = pd.DataFrame({field.name: values for field, (values, _) in zip(FIELDS, converted, strict=True)}, index=rows.index,
                         copy=False)
    open_outcomes_to_status(frame)
    problems = FirstProblems(rows.index)
    for mask, code, message in (note for _, notes in converted for note in notes):
        problems.note(mask, code, message)
    return Converted(frame, *problems.series())


def _convert_field(field: Field, rows: pd.DataFrame, profile: Profile, defaults: dict[str, str],
                   dates: dict[str, ParsedDates]) -> tuple[pd.Series, _Notes]:
    """One canonical column, typed, and the problems met converting it; DATES holds the date
    columns of text, and those of mixed cells, parsed together beforehand (dates.parse_text_columns, parse_mixed_columns)."""
    if field.name in rows.columns:
        raw = rows[field.name]
    elif field.name in profile.constants:
        raw = pd.Series(profile.constants[field.name], index=rows.index, dtype="str")
    elif field.name in defaults:
        raw = pd.Series(defaults[field.name], index=rows.index, dtype="str")
    else:
        return _empty(field.kind, rows.index), []
    if field.kind == "date":
        return _convert_dates(field, dates[field.name] if field.name in dates else parse_dates(raw, profile.date_order, profile.date_format), profile)
    if field.kind == "number":
        text = text_values(raw)
        # Per distinct amount: stripping Unicode spaces needs Python's re, one call per value.
        codes, distinct = distinct_values(text)
        parsed = pd.to_numeric(distinct.str.replace(r"[£,\s]", "", regex=True), errors="coerce").astype("float64")
        # 'inf' and 'NaN' parse as floats but are no amount: they are bad numbers like any word.
        number = spread(parsed.where(np.isfinite(parsed)), codes, text.index)
        return number, [(text.notna() & number.isna(), "bad_number", lambda rows: field.name + ": '" + text[rows] + "' is not a number")]
    if field.kind == "integer":
        return pd.to_numeric(raw, errors="coerce").astype("Int64"), []
    if field.name in CATEGORY_FIELDS:
        return _convert_category(field, raw, profile)
    if isinstance(raw.dtype, pd.CategoricalDtype):  # read dictionary-encoded (REPEATING_FIELDS): worked out per distinct value, kept so
        codes, distinct = distinct_values(raw)
        return spread_categorical(_convert_text(field, distinct, profile), codes, raw.index), []
    return _convert_text(field, raw, profile), []


def _convert_text(field: Field, raw: pd.Series, profile: Profile) -> pd.Series:
    """Trimmed text, with the profile's values for the field mapped."""
    text = text_values(raw)
    mapping = profile.values.get(field.name)
    if mapping:
        codes, distinct = distinct_values(text)
        text = spread(_label_keys(distinct).map(mapping), codes, text.index).fillna(text)
    return text.astype("str")


def _convert_category(field: Field, raw: pd.Series, profile: Profile) -> tuple[pd.Series, _Notes]:
    """Text that repeats (teams, outcomes ...), worked out once per distinct value, kept categorical."""
    codes, distinct = distinct_values(raw)
    # Once per distinct name: a NUL or a vertical tab cannot be written to a workbook (XML 1.0
    # forbids them) and an ESC sequence would drive the terminal the name is printed to.
    # astype: map makes an all-missing column float, which has no .str (a lone blank outcome did).
    text = text_values(distinct).map(printable, na_action="ignore").astype("str")
    mapping = profile.values.get(field.name) or {}
    if field.kind == "enum":
        mapped = _label_keys(text).map({normalise_label(value): value for value in field.targets} | mapping)
        values = spread_categorical(mapped, codes, raw.index)
        allowed = ", ".join(field.targets)
        unmapped = pd.Series(np.append((text.notna() & mapped.isna()).to_numpy(), False)[codes], index=raw.index)
        return values, [(unmapped, "unmapped_value", lambda rows: _unmapped_message(field.name, text_values(raw[rows]), allowed))]
    if mapping:
        text = _label_keys(text).map(mapping).fillna(text)
    return spread_categorical(text, codes, raw.index), []


def _convert_dates(field: Field, parsed: ParsedDates, profile: Profile) -> tuple[pd.Series, _Notes]:
    notes: _Notes = []
    for code in ("bad_date", "date_order") if parsed.problem.notna().any() else ():
        mask = parsed.problem.eq(code)
        if mask.any():
            message = _MESSAGES[code].format(
                field=field.name, raw="{raw}", order=order_words(profile.date_order),
                other=order_words("mdy" if profile.date_order == "dmy" else "dmy"),
            )
            before, after = message.split("{raw}")
            notes.append((mask, code, lambda rows, b=before, a=after: b + parsed.raw_text[rows].astype("str") + a))
    return parsed.values, notes


def _unmapped_message(name: str, shown: pd.Series, allowed: str) -> pd.Series:
    return name + ": '" + shown + "' is not mapped" + unusual_characters(shown) + f" (allowed: {allowed})"


def _label_keys(text: pd.Series) -> pd.Series:
    """normalise_label over a whole column."""
    return text.str.normalize("NFKC").str.replace(r"[\s_]+", " ", regex=True).str.strip().str.casefold()


def _empty(kind: str, index: pd.Index) -> pd.Series:
    dtype = {"date": "datetime64[s]", "number": "float64", "integer": "Int64"}.get(kind, "str")
    return pd.Series(np.nan if kind == "number" else None, index=index, dtype=dtype)
