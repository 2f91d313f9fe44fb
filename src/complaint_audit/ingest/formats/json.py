"""JSON exports: a list of case objects (perhaps under a key), flattened to columns, and sniffed for `profile suggest`.

A JSON document has to be parsed whole, for a sample too; only the sample's first SAMPLE_ROWS
records are looked at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit.errors import UserError
from complaint_audit.ingest.encodings import decode
from complaint_audit.ingest.formats.tables import SAMPLE_ROWS, SOURCE_ROW, RawTable, Sample
from complaint_audit.ingest.limits import MAX_COLUMNS, check_column_count

if TYPE_CHECKING:
    from complaint_audit.ingest.profile import Profile


def _parse_json(path: Path, encoding: str) -> tuple[object, str]:
    """The JSON document in PATH and the encoding it was read in; a file that is not JSON is a UserError."""
    text, encoding = decode(path.read_bytes(), encoding, path)
    try:
        return json.loads(_without_lone_surrogates(text.removeprefix("\ufeff"))), encoding
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise _too_deep(path) from None


# A \uD800-\uDFFF escape with the backslashes before it: an even number of them is an escaped
# backslash followed by the letter u, not an escape. A high surrogate may have its low half after it.
_SURROGATE_ESCAPE = re.compile(r"(\\+)u([dD][89a-fA-F][0-9a-fA-F]{2})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?")


def _without_lone_surrogates(text: str) -> str:
    """JSON text whose escapes of half a surrogate pair ("\\ud800" alone, valid JSON) read as U+FFFD.

    Parsed, such a half is a character no UTF-8 file, Parquet column or workbook can hold: the
    store's write stopped on it. A whole pair (an emoji as json.dumps writes it) is kept.
    """
    if not re.search(r"\\u[dD][89a-fA-F]", text):
        return text

    def replaced(escape: re.Match) -> str:
        backslashes, first, low = escape.groups()
        if len(backslashes) % 2 == 0 or (first[1] in "89abAB" and low):
            return escape.group()
        return backslashes[:-1] + "\\ufffd" + ("\\ufffd" if low else "")

    return _SURROGATE_ESCAPE.sub(replaced, text)


def read_export(path: Path, profile: Profile) -> RawTable:
    """The records at [source] records, nested objects flattened to dotted columns; a nested layout's stage lists kept whole."""
    document, encoding = _parse_json(path, profile.encoding)
    records = document
    for key in profile.records.split(".") if profile.records else []:
        if not isinstance(records, dict) or key not in records:
            raise UserError(f"{path}: no key '{profile.records}' holding the records (see [source] records)")
        records = records[key]
    if not isinstance(records, list):
        where = f"at '{profile.records}'" if profile.records else "at the top level"
        raise UserError(f"{path}: expected a list of records {where}, found {_describe_json(records)}")
    not_objects = [i for i, record in enumerate(records) if not isinstance(record, dict)]
    if not_objects:
        raise UserError(f"{path}: record {not_objects[0] + 1} is not an object ({len(not_objects)} such records)")
    _check_json_keys(path, records)
    # Each case's stages are taken out first: json_normalize would flatten an object found where
    # the list should be ('stages.1.outcome' ...) or drop an empty one, and the case would seem
    # to have no stages instead of stages that are not a list.
    stages = [record.pop(profile.stage_list, None) for record in records] if profile.layout == "nested" else None
    # max_level=None flattens nested objects to dotted keys.
    try:
        frame = pd.json_normalize(records) if records else pd.DataFrame()
    except RecursionError:
        raise _too_deep(path) from None
    check_column_count(path, frame.shape[1])
    frame = frame.astype(object)
    if stages is not None and any(stage is not None for stage in stages):
        frame[profile.stage_list] = pd.Series(stages, index=frame.index, dtype=object)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "json", encoding)


def _check_json_keys(path: Path, records: list[dict]) -> None:
    """Refuse records with more keys between them than an export has columns, before a frame of
    them is made: 20,000 records with a key each would be a frame of 400 million cells."""
    keys = len(set().union(*records))
    if keys > MAX_COLUMNS:
        raise UserError(f"{path}: the records hold {keys:,} different keys; at most {MAX_COLUMNS:,} "
                        f"(is this a case system's export?)")


def _describe_json(value: object) -> str:
    """What a JSON value is, in a few words, for an error that says what was found instead of records."""
    if isinstance(value, dict):
        keys = ", ".join(repr(key) for key in list(value)[:3]) + (", ..." if len(value) > 3 else "")
        inner = " of objects" if value and all(isinstance(item, dict) for item in value.values()) else ""
        return (f"an object{inner} with {len(value):,} key{'' if len(value) == 1 else 's'} ({keys}); records must be a list [{{...}}, {{...}}]"
                if value else "an empty object")
    if isinstance(value, list):
        return f"a list of {len(value):,} values that are not objects" if value else "an empty list"
    return {str: "a string", bool: "true or false", type(None): "null"}.get(type(value), "a number")


def _too_deep(path: Path) -> UserError:
    return UserError(f"{path}: nested deeper than Python's JSON reader can follow; a case export is a few levels deep: "
                     f"check it is the export you meant")


def read_sample(path: Path) -> Sample:
    """The first SAMPLE_ROWS records of the first list of objects found, and where the stages are."""
    document, _ = _parse_json(path, "auto")
    key, records = _find_records(document)
    if records is None:
        raise UserError(f"{path}: found no list of records (objects) in the JSON: its top level is {_describe_json(document)}")
    _check_json_keys(path, records[:SAMPLE_ROWS])
    frame = pd.json_normalize(records[:SAMPLE_ROWS])
    check_column_count(path, frame.shape[1])
    frame = frame.astype(object)
    settings: dict[str, tuple[object, str]] = {}
    if key is not None:
        settings["records"] = (key, f"the first key holding a list of objects ({len(records):,} records)")
    stage_list, stage_frame = _stage_list(frame)
    return Sample(frame, settings, len(frame), len(records) <= SAMPLE_ROWS, stage_list, stage_frame)


def _find_records(document: object) -> tuple[str | None, list | None]:
    """The records list: the document itself, or the first key (dotted if nested) holding one."""
    if isinstance(document, list):
        return None, document if _objects(document) else None
    if not isinstance(document, dict):
        return None, None
    for key, value in document.items():
        if isinstance(value, list) and _objects(value):
            return key, value
    for key, value in document.items():
        inner_key, inner = _find_records(value) if isinstance(value, dict) else (None, None)
        if inner is not None:
            return f"{key}.{inner_key}", inner
    return None, None


def _objects(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) for item in items[:SAMPLE_ROWS])


def _stage_list(frame: pd.DataFrame) -> tuple[str | None, pd.DataFrame | None]:
    """The first key whose values are lists of objects: each case's stages."""
    for name in frame.columns:
        values = frame[name].dropna()
        is_list = values.map(lambda value: isinstance(value, list))
        if values.empty or is_list.mean() < 0.8:
            continue
        items = values[is_list].explode().dropna()
        if len(items) and items.map(lambda value: isinstance(value, dict)).all():
            return str(name), pd.json_normalize(items.tolist()).astype(object)
    return None, None
