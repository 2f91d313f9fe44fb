"""A quarantined row's raw values as one JSON object per row, written column by column.

pandas' to_json writes every cell through its encoder: at five million cases the quarantine's
84,580 rows took 1.3 s of a load that has no other step on a single core. Here a text column
(all a CSV gives) is escaped by Arrow's string kernels and every row is joined in one call;
pandas writes only the cells that are not text (numbers, dates, a workbook's mixed cells).

The JSON is what to_json writes with force_ascii=False, except that '/' is not escaped: it is
read by people in quarantine.csv, where "01\\/02\\/2024" for a date and "\\u00e9" for an é
hid the very values that made a row fail. Both are valid JSON for the same values.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What JSON requires escaped in a string: the quote, the backslash and the control characters,
# the usual ones by their short names (as json.dumps and to_json write them).
_SHORT_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL_ESCAPES = [(chr(code), _SHORT_ESCAPES.get(chr(code), f"\\u{code:04x}")) for code in range(32)]
# Never in escaped text (control characters are escaped): it stands for a missing value until
# the rows are joined, and '"<it>"' then becomes null.
_MISSING = "\x00"


def json_lines(frame: pd.DataFrame) -> pa.Array:
    """Each row of FRAME as a JSON object of its columns, in their order, by name; missing is null."""
    if frame.empty:
        return pa.repeat("{}", len(frame))
    # The names and separators between two values written as one text each: one join for the rows.
    parts: list[str | pa.Array] = []
    closing = ""  # what closes the value before: a quote after text
    for position, (name, column) in enumerate(frame.items()):
        key = ("{" if position == 0 else closing + ",") + json.dumps(str(name), ensure_ascii=False)
        if _is_text(column):
            parts += [key + ':"', pc.fill_null(_escaped(pa.array(column, type=pa.string(), from_pandas=True)), _MISSING)]
            closing = '"'
        else:
            parts += [key + ":", _encoded_by_pandas(column)]
            closing = ""
    parts.append(closing + "}")
    return pc.replace_substring(pc.binary_join_element_wise(*parts, ""), f'"{_MISSING}"', "null")


def _is_text(column: pd.Series) -> bool:
    """Text, or categories of text: never an object column, whose cells may be of any type."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.api.types.is_string_dtype(column.cat.categories) and column.cat.categories.dtype != object
    return column.dtype != object and pd.api.types.is_string_dtype(column)


def _escaped(values: pa.Array) -> pa.Array:
    """The text as the inside of a JSON string. Each escape is searched for before it is made:
    most columns need none, and a search is far cheaper than a replacement."""
    if pc.any(pc.match_substring(values, "\\")).as_py():
        values = pc.replace_substring(values, "\\", "\\\\")  # first: the other escapes add backslashes
    if pc.any(pc.match_substring(values, '"')).as_py():
        values = pc.replace_substring(values, '"', '\\"')
    if not pc.all(pc.ascii_is_printable(values)).as_py() and pc.any(pc.match_substring_regex(values, "[\x00-\x1f]")).as_py():
        for character, escape in _CONTROL_ESCAPES:
            values = pc.replace_substring(values, character, escape)
    return values


def _encoded_by_pandas(column: pd.Series) -> pa.Array:
    """Each cell's JSON as to_json writes it (dates in ISO 8601, anything else by its text), '/' unescaped."""
    lines = column.rename("v").to_frame().to_json(orient="records", lines=True, force_ascii=False, date_format="iso", default_handler=str)
    # Split on the line feed alone: to_json escapes it inside strings, but not U+2028 or \x1c, which splitlines() would split on.
    objects = pa.array(lines.split("\n")[: len(column)], type=pa.string())
    values = pc.utf8_slice_codeunits(objects, len('{"v":'), -1)
    # A backslash before '/' is only ever the escape of the '/': a backslash of the text is written as two.
    return pc.replace_substring(values, "\\/", "/")
