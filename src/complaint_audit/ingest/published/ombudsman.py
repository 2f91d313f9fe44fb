"""The ombudsman's annual figures per organisation: read through their profile, checked, and the council's rows kept.

The file is read and checked in full when a run starts, before the exports are loaded, so a bad
figure stops the run at once with the file, row and column. The rows for the audited council
(every year the file holds for it) are written into the run folder as ombudsman.json, so
`complaint-audit report RUN_DIR` renders the same figures without the config or the file.
A council missing from the file is not an error: the report says so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from complaint_audit.config import AuditConfig, Period
from complaint_audit.errors import UserError
from complaint_audit.ingest.encodings import decode
from complaint_audit.ingest.limits import check_column_count, check_input_file
from complaint_audit.ingest.published.ombudsman_profile import FIGURES, NOTE, OmbudsmanProfile, load_ombudsman_profile
from complaint_audit.paths import path_text
from complaint_audit.store import atomic_write

RECORD = "ombudsman.json"
_MISSING = {"", "-", "–", "—", "n/a", "na", "not applicable", ".."}  # published tables' marks for "no figure"
_YEAR = re.compile(r"^\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*$")
_CHECKS = {  # kind of figure -> (values that are wrong, what is allowed)
    "count": (lambda v: (v < 0) | (v % 1 != 0), "is not a whole number of cases, 0 or more"),
    "percent": (lambda v: (v < 0) | (v > 100), "is not a percentage from 0 to 100"),
    "rate": (lambda v: v < 0, "is not a rate of 0 or more"),
}


@dataclass(frozen=True)
class OmbudsmanFile:
    """The figures file as read and checked: one row per organisation and year, figures as numbers."""

    path: Path
    sha256: str
    profile: OmbudsmanProfile
    frame: pd.DataFrame


def read_ombudsman_figures(path: Path, profile: OmbudsmanProfile) -> OmbudsmanFile:
    """Read the figures file as its profile says; every problem is a UserError naming the file, row and column."""
    path = Path(path)
    check_input_file(path, "ombudsman figures file")
    data = path.read_bytes()
    text, _ = decode(data, profile.encoding, path)
    body = "".join(text.splitlines(keepends=True)[profile.header_row - 1:])
    header = next(csv.reader(io.StringIO(body.partition("\n")[0]), delimiter=profile.delimiter), [])
    check_column_count(path, len(header))  # before pandas does work per column
    try:
        raw = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False, sep=profile.delimiter,
                          skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise UserError(f"{path}: cannot be read as CSV from row {profile.header_row}: {error}") from None
    raw.columns = [str(name).strip() for name in raw.columns]
    raw["source_row"] = raw.index + profile.header_row + 1
    raw = raw[raw.drop(columns="source_row").apply(lambda column: column.str.strip() != "").any(axis=1)]
    wanted = {key: column.strip() for key, column in profile.columns.items()}
    absent = [(key, column) for key, column in wanted.items() if column not in raw.columns]
    if absent:
        key, column = absent[0]
        raise UserError(f"{path}: column '{column}' not found (the profile {profile.path} maps {key} to it); "
                        f"the file's columns: {', '.join(name for name in raw.columns if name != 'source_row')}")
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    frame["organisation"] = _organisations(raw, wanted["organisation"], path)
    frame["year"] = _years(raw, wanted["year"], path)
    for key in (key for key in FIGURES if key in wanted):
        frame[key] = _numbers(raw, wanted[key], FIGURES[key][1], path)
    frame[NOTE] = raw[wanted[NOTE]].str.strip() if NOTE in wanted else ""
    _refuse_duplicates(frame, path)
    return OmbudsmanFile(path, hashlib.sha256(data).hexdigest(), profile, frame.reset_index(drop=True))


def read_configured_figures(audit: AuditConfig) -> OmbudsmanFile | None:
    """The `[ombudsman]` figures of an audit, read and checked; None when the config names none."""
    if audit.ombudsman is None:
        return None
    return read_ombudsman_figures(audit.ombudsman.file, load_ombudsman_profile(audit.ombudsman.profile))


def _error(path: Path, raw: pd.DataFrame, bad: pd.Series, column: str, problem: str) -> UserError:
    first = raw.loc[bad].iloc[0]
    return UserError(f"{path}: row {first['source_row']}, column '{column}': '{first[column].strip()}' {problem}")


def _organisations(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    names = raw[column].str.split().str.join(" ")
    if (names == "").any():
        raise _error(path, raw, names == "", column, "is empty: every row needs the organisation's name")
    return names


def _years(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """'2023-24', '2023/24' and '2023-2024' all become '2023-24'."""
    parts = raw[column].str.extract(_YEAR)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1].str[-2:], errors="coerce")
    bad = first.isna() | ((first + 1) % 100 != second)
    if bad.any():
        raise _error(path, raw, bad, column, "is not a financial year such as 2023-24")
    return first.astype("Int64").astype(str) + "-" + parts[1].str[-2:]


def _numbers(raw: pd.DataFrame, column: str, kind: str, path: Path) -> pd.Series:
    text = raw[column].str.strip()
    missing = text.str.casefold().isin(_MISSING)
    cleaned = text.str.replace(",", "", regex=False)
    if kind == "percent":
        cleaned = cleaned.str.removesuffix("%").str.strip()
    values = pd.to_numeric(cleaned.where(~missing), errors="coerce")
    not_a_number = ~missing & ~np.isfinite(values.astype("float64"))  # 'inf' and 'NaN' parse, but are no figure
    if not_a_number.any():
        raise _error(path, raw, not_a_number, column, "is not a number (leave it empty if there is none)")
    wrong, problem = _CHECKS[kind]
    bad = values.notna() & wrong(values.fillna(0))
    if bad.any():
        raise _error(path, raw, bad, column, problem)
    return values


def _refuse_duplicates(frame: pd.DataFrame, path: Path) -> None:
    key = frame["organisation"].str.casefold() + "|" + frame["year"]
    repeated = frame[key.duplicated(keep=False)]
    if not repeated.empty:
        rows = repeated["source_row"].head(2).tolist()
        first = repeated.iloc[0]
        raise UserError(f"{path}: rows {rows[0]} and {rows[1]} both hold {first['organisation']} for {first['year']}; "
                        "keep one")


def audit_year(period: Period | None) -> str | None:
    """The ombudsman's year (a financial year, 'YYYY-YY') that matches the audit's period."""
    if period is None:
        return None
    if period.kind == "financial_year":
        return period.label
    first = period.end.year if period.end.month >= 4 else period.end.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def council_figures(figures: OmbudsmanFile, organisation: str | None, year: str | None, base: Path) -> dict:
    """What the run keeps: where the figures came from, and the council's rows (all its years), as plain values."""
    name = " ".join((organisation or "").split()).casefold()
    mine = figures.frame[figures.frame["organisation"].str.casefold() == name].sort_values("year", ascending=False)
    shown = ["year", "source_row", *(key for key in FIGURES if key in mine.columns)]
    rows = json.loads(mine[shown].to_json(orient="records"))
    notes = sorted(set(figures.frame[NOTE]) - {""})
    try:  # as audit.toml names it: relative to the config's folder
        where = path_text(figures.path.relative_to(base))
    except ValueError:
        where = path_text(figures.path)
    return {
        "file": where, "sha256": figures.sha256, "profile": figures.profile.name,
        "organisation": organisation, "year": year, "notes": notes,
        "organisations_in_file": int(figures.frame["organisation"].str.casefold().nunique()),
        "years_in_file": sorted(figures.frame["year"].unique().tolist()),
        "figures": [key for key in FIGURES if key in figures.frame.columns],
        "rows": rows,
    }


def write_council_figures(run_dir: Path, record: dict) -> Path:
    target = Path(run_dir) / RECORD
    document = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    atomic_write(target, lambda tmp: tmp.write_text(document, encoding="utf-8"))
    return target
