"""Ombudsman figures profiles: which column of the ombudsman's annual figures file holds which figure.

A small format of its own, not a source profile with a `kind` switch: a source profile maps a
case system's export onto the canonical complaint record (stages, layouts, value maps, personal
columns), while the ombudsman's file is one row per organisation and year of published totals.
Sharing the parser would mean a branch in every part of it. The keys that mean the same thing
(`[source] name, encoding, delimiter, header_row` and a `[columns]` table) are spelt the same, and
`[source] kind = "ombudsman_figures"` is required so neither kind of profile is taken for the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.profile import ENCODINGS
from complaint_audit.toml_file import read_toml

KIND = "ombudsman_figures"
# Every figure the report knows, with its words and whether it is a count or a percentage
# (RULES.md section 7: the ombudsman's annual figures per council and financial year).
FIGURES: dict[str, tuple[str, str]] = {
    "complaints_decided": ("Complaints and enquiries decided", "count"),
    "investigated": ("Detailed investigations", "count"),
    "upheld": ("Investigations upheld", "count"),
    "uphold_rate": ("Uphold rate", "percent"),
    "average_uphold_rate": ("Average uphold rate for similar authorities", "percent"),
    "upheld_per_100k": ("Upheld per 100,000 residents", "rate"),
    "compliance_rate": ("Compliance with the Ombudsman's recommendations", "percent"),
    "satisfactory_remedy": ("Cases where the council had already provided a satisfactory remedy", "count"),
}
IDENTITY = ("organisation", "year")
REQUIRED = (*IDENTITY, "uphold_rate")
NOTE = "note"  # an optional column of text the report prints, such as "made-up example figures"
_ALLOWED = {"": {"source", "columns"}, "source": {"kind", "name", "encoding", "delimiter", "header_row"}}


@dataclass(frozen=True)
class OmbudsmanProfile:
    """A parsed, checked profile: `columns` maps a figure (or organisation, year, note) to the file's column."""

    path: Path
    name: str
    columns: dict[str, str]
    encoding: str = "auto"
    delimiter: str = ","
    header_row: int = 1


def load_ombudsman_profile(path: Path) -> OmbudsmanProfile:
    """Read and check an ombudsman figures profile; every problem is a UserError naming the file and key."""
    path = Path(path)
    document = read_toml(path, "profile")
    fail = partial(_error, path)
    _check_keys(document, "", fail)
    source, columns = document.get("source", {}), document.get("columns", {})
    if not isinstance(source, dict) or not isinstance(columns, dict):
        raise fail("[source]" if not isinstance(source, dict) else "[columns]", "must be a table")
    _check_keys(source, "source", fail)
    if source.get("kind") != KIND:
        raise fail("[source] kind", f"must be \"{KIND}\" in a profile for the ombudsman's annual figures")
    name, encoding, delimiter = (source.get(key, default) for key, default in
                                 (("name", None), ("encoding", "auto"), ("delimiter", ",")))
    if not isinstance(name, str) or not name.strip():
        raise fail("[source] name", "required: a name for these figures, such as \"lgsco_annual_review\"")
    if encoding not in ENCODINGS:
        raise fail("[source] encoding", f"'{encoding}' is not one of {', '.join(ENCODINGS)}")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise fail("[source] delimiter", "must be one character, such as \",\"")
    header_row = source.get("header_row", 1)
    if not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1:
        raise fail("[source] header_row", "must be a whole number from 1 (the first row)")
    known = (*IDENTITY, *FIGURES, NOTE)
    for key, column in columns.items():
        if key not in known:
            raise fail(f"[columns] {key}", f"not a figure (allowed: {', '.join(known)})")
        if not isinstance(column, str) or not column.strip():
            raise fail(f"[columns] {key}", "must be the name of a column in the file")
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise fail("[columns]", f"no column for '{missing[0]}' (required: {', '.join(REQUIRED)})")
    return OmbudsmanProfile(path, name.strip(), dict(columns), encoding, delimiter, header_row)


def _error(path: Path, where: str, message: str) -> UserError:
    return UserError(f"{path}: {where}: {message}")


def _check_keys(table: dict, name: str, fail) -> None:
    unknown = sorted(set(table) - _ALLOWED[name])
    if unknown:
        where = f"[{name}] {unknown[0]}" if name else unknown[0]
        raise fail(where, f"unknown key (allowed: {', '.join(sorted(_ALLOWED[name]))})")
