"""The Regulator of Social Housing's complaint measures per landlord (CH01, CH02), read from its published workbook.

Every landlord with 1,000 or more social homes, councils included, returns the Tenant Satisfaction
Measures each year; the regulator publishes them as a full-data workbook. Its management-information
sheet holds, per landlord and stock type (low-cost rental, LCRA; low-cost home ownership, LCHO; or
the two combined where the regulator allowed it), the Stage 1 and Stage 2 complaints received (CH01)
and those answered within the Housing Ombudsman's Code's timescales (CH02), with numerators and
denominators; from 2024-25 also the answers on time without and with an extension.

The workbook is read as published: the sheet found by its name (TSMyy_Management_Info), the header
row by its first cell ("Landlord name"), each column by the measure code in its heading ("(CH02 1
Numerator)"), never by position, so a later year's workbook with columns added or moved reads the
same. The regulator's markers for a missing figure ([X] left blank, [Z] not required, [E]
excluded, [U] a zero denominator) become blanks, with the reason kept beside the figures.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from complaint_audit.config import AuditConfig
from complaint_audit.errors import UserError
from complaint_audit.ingest.formats.xlsx import check_workbook_container, read_cells
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.paths import path_text
from complaint_audit.store import atomic_write

RECORD = "regulator.json"
STOCK_TYPES = ("LCRA", "LCHO", "Combined")
# Landlord types that are councils: a local authority, or one registered as a provider (2023-24's LARP).
COUNCIL_TYPES = ("LA", "LARP")
# The regulator's notes to the sheet: what each marker in place of a figure means.
MARKERS = {"[X]": "left blank by the landlord", "[Z]": "not required of the landlord",
           "[E]": "excluded by the regulator", "[U]": "not calculated: no complaints or homes to divide by"}
FIGURES = ("complaints", "homes", "answered_on_time", "answered", "on_time_without_extension",
           "on_time_with_extension")
# The rates as the regulator published them, kept to set beside the council's own records.
PUBLISHED = ("published_complaints_per_1000_homes", "published_percent_on_time")

_SHEET = re.compile(r"^tsm(?P<year>\d{2})managementinfo$")
_HEADER = "landlord name"
_IDENTITY = {"landlord": "landlord name", "landlord_code": "landlord code", "landlord_type": "landlord type",
             "size_band": "landlord group size"}
# "LCRA - Number of stage one complaints ... (CH01 1 Numerator)5": the stock type, the measure, its stage and part;
# a footnote number may follow the bracket.
_MEASURE = re.compile(r"^(?P<stock>LCRA|LCHO|Combined) - .*\((?P<measure>CH0[12]) (?P<stage>[12])"
                      r"(?: (?P<part>Numerator|Denominator))?\)\s*\d*\s*$", re.IGNORECASE | re.DOTALL)
# 2024-25 on: "Combined - Out of the number of stage one complaints ... – without the use of the 10 day extension".
_EXTENSION = re.compile(r"^(?P<stock>LCRA|LCHO|Combined) - Out of the number of stage (?P<stage>one|two) complaints"
                        r".*\b(?P<use>without|with) the use of the \d+ day extension", re.IGNORECASE | re.DOTALL)
_FIGURE_OF = {("CH01", "Numerator"): "complaints", ("CH01", "Denominator"): "homes",
              ("CH02", "Numerator"): "answered_on_time", ("CH02", "Denominator"): "answered",
              ("CH01", ""): "published_complaints_per_1000_homes", ("CH02", ""): "published_percent_on_time"}
_STAGE_WORDS = {"one": "1", "two": "2"}


def read_regulator_workbook(path: Path) -> pd.DataFrame:
    """One row per landlord, stock type and stage: the figures as numbers, blank where the regulator marks them.

    Columns: year ("2023-24"), landlord, landlord_code, landlord_type, size_band, note (a column headed "Note",
    which the regulator's workbooks lack and a made-up example uses to say so, or ""), stock, stage ("1", "2"),
    FIGURES, PUBLISHED, and missing (what the regulator's markers in the row's complaint figures say, or "").
    A workbook without the sheet, the header or the CH01/CH02 columns is a UserError naming the file.
    """
    path = Path(path)
    check_input_file(path, "regulator's workbook")
    check_workbook_container(path, if_csv="give the regulator's full-data workbook (.xlsx) as published")  # zip bombs too
    name, cells = read_cells(path, lambda names: _management_sheet(path, names))
    year = _year(name)
    header_at = _header_row(path, name, cells)
    headings = [str(value).strip() if isinstance(value, str) else "" for value in cells.iloc[header_at]]
    body = cells.iloc[header_at + 1:]
    identity = {field: body.iloc[:, _column(path, name, headings, words)] for field, words in _IDENTITY.items()}
    named = identity["landlord"].map(lambda value: isinstance(value, str) and value.strip() != "")
    body = body[named]  # the rows below the table (blank, or the regulator's notes) name no landlord
    identity = {field: values[named].astype("str").str.strip() for field, values in identity.items()}
    note_at = next((at for at, heading in enumerate(headings) if heading.casefold() == "note"), None)
    identity["note"] = ("" if note_at is None else
                        body.iloc[:, note_at].map(lambda value: value.strip() if isinstance(value, str) else ""))
    columns = _measure_columns(headings)
    if not columns:
        raise UserError(f"{path_text(path)}: sheet '{name}' has no CH01 or CH02 columns (headings such as "
                        "'... (CH02 1 Numerator)'); is this the regulator's Tenant Satisfaction Measures full data?")
    frames = []
    for (stock, stage), figures in sorted(columns.items()):
        raw = {figure: body.iloc[:, at] for figure, at in figures.items()}
        frame = pd.DataFrame({"year": year, **identity, "stock": stock, "stage": stage}, index=body.index)
        for figure in (*FIGURES, *PUBLISHED):
            frame[figure] = pd.to_numeric(raw[figure], errors="coerce") if figure in raw else np.nan
        complaints = raw.get("complaints", pd.Series("", index=body.index))
        frame["missing"] = complaints.map(lambda value: MARKERS.get(str(value).strip().upper(), ""))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def landlord_totals(figures: pd.DataFrame, landlord: str) -> pd.DataFrame:
    """One landlord's figures per year and stage, over its stock: the combined return where it made one,
    else LCRA and LCHO added. LANDLORD is its code or its name (any case); none found is a UserError."""
    wanted = landlord.strip().casefold()
    rows = figures[(figures["landlord_code"].str.casefold() == wanted) | (figures["landlord"].str.casefold() == wanted)]
    if rows.empty:
        raise UserError(f"'{landlord}' is not a landlord in the regulator's figures: give its name as the workbook "
                        "spells it, or its code (such as 00CN)")
    return all_landlord_totals(rows)


def all_landlord_totals(figures: pd.DataFrame) -> pd.DataFrame:
    """Every landlord's figures per year and stage, over its stock, as landlord_totals gives one landlord's."""
    combined = figures["stock"] == "Combined"
    years = [figures["landlord_code"], figures["year"], figures["stage"]]
    uses_combined = (combined & figures["complaints"].notna()).groupby(years).transform("any")
    chosen = figures[combined == uses_combined]
    keys = ["year", "landlord", "landlord_code", "landlord_type", "size_band", "stage"]
    totals = chosen.groupby(keys, observed=True)[list(FIGURES)].sum(min_count=1).reset_index()
    return add_rates(totals)


@dataclass(frozen=True)
class RegulatorWorkbooks:
    """The `[regulator]` workbooks as read: each file's SHA-256, every landlord's figures, and the council's."""

    files: tuple[dict, ...]  # each workbook's path, SHA-256 and year
    figures: pd.DataFrame
    council: pd.DataFrame  # landlord_totals of the audited council, with `organisation`


def read_configured_returns(audit: AuditConfig) -> RegulatorWorkbooks | None:
    """The `[regulator]` workbooks and the audited council's figures in them, every year they hold, with
    `organisation` set to the audit's organisation (the records' name for it); None where audit.toml names no
    workbook. Read when a run starts, so a workbook that cannot be read, or a council not in it, stops the run
    before the exports load."""
    if audit.regulator is None:
        return None
    read = [read_regulator_workbook(path) for path in audit.regulator.files]
    files = tuple({"path": Path(path), "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
                   "year": str(frame["year"].iloc[0]) if len(frame) else None}
                  for path, frame in zip(audit.regulator.files, read, strict=True))
    figures = pd.concat(read, ignore_index=True)
    landlord = audit.regulator.landlord or audit.organisation
    if not landlord:
        raise UserError(f"{path_text(audit.path)}: [regulator] needs landlord = \"...\" (the council's name or code "
                        "in the workbook) where the audit names no organisation")
    try:
        totals = landlord_totals(figures, landlord)
    except UserError as error:
        raise UserError(f"{path_text(audit.path)}: [regulator] {error}; set [regulator] landlord") from None
    return RegulatorWorkbooks(files, figures, totals.assign(organisation=audit.organisation or landlord))


def council_returns(audit: AuditConfig) -> pd.DataFrame | None:
    """The audited council's figures in the `[regulator]` workbooks (read_configured_returns), or None."""
    workbooks = read_configured_returns(audit)
    return None if workbooks is None else workbooks.council


def regulator_record(workbooks: RegulatorWorkbooks, base: Path) -> dict:
    """What the run keeps (regulator.json), so the report renders without the workbooks: each workbook's path (as
    audit.toml names it) and SHA-256, the council's line as returned, and every council's homes and CH02 per year
    and stage, the peers the report sets it among. Councils are the landlords of type LA or LARP (a local
    authority registered provider); housing associations (PRP) are left out."""
    council = workbooks.council
    totals = all_landlord_totals(workbooks.figures)
    councils = totals[totals["landlord_type"].str.upper().isin(COUNCIL_TYPES)]
    years = sorted(workbooks.figures["year"].unique())
    files = [{"file": _relative(entry["path"], base), "sha256": entry["sha256"], "year": entry["year"]}
             for entry in workbooks.files]
    peers = councils.dropna(subset=["percent_on_time", "homes"])
    notes = sorted(set(workbooks.figures["note"]) - {""})
    return {
        "files": files,
        "landlord": str(council["landlord"].iloc[0]), "landlord_code": str(council["landlord_code"].iloc[0]),
        "organisation": str(council["organisation"].iloc[0]),
        "years": years, "notes": notes,
        "returned": json.loads(council[["year", "stage", *FIGURES, "complaints_per_1000_homes", "percent_on_time"]]
                               .to_json(orient="records")),
        "councils": json.loads(peers[["year", "stage", "landlord_code", "homes", "percent_on_time"]]
                               .to_json(orient="records")),
    }


def write_regulator_record(run_dir: Path, record: dict) -> Path:
    target = Path(run_dir) / RECORD
    document = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    atomic_write(target, lambda tmp: tmp.write_text(document, encoding="utf-8"))
    return target


def _relative(path: Path, base: Path) -> str:
    try:  # as audit.toml names it: relative to the config's folder
        return path_text(path.relative_to(base))
    except ValueError:
        return path_text(path)


def add_rates(figures: pd.DataFrame) -> pd.DataFrame:
    """CH01 as complaints per 1,000 homes and CH02 as the percentage answered on time, from the figures."""
    with np.errstate(divide="ignore", invalid="ignore"):
        per_1000 = 1000 * figures["complaints"] / figures["homes"].where(figures["homes"] > 0)
        on_time = 100 * figures["answered_on_time"] / figures["answered"].where(figures["answered"] > 0)
    return figures.assign(complaints_per_1000_homes=per_1000, percent_on_time=on_time)


def _management_sheet(path: Path, names: list[str]) -> str:
    """The management-information sheet, named like TSM25_Management_Info."""
    for name in names:
        if _SHEET.match(_squeezed(name)):
            return name
    raise UserError(f"{path_text(path)}: no management-information sheet (named like TSM25_Management_Info); "
                    f"its sheets are {', '.join(names)}")


def _year(sheet: str) -> str:
    """The reporting year the management-information sheet's name gives: TSM24 is the year to March 2024."""
    end = 2000 + int(_SHEET.match(_squeezed(sheet))["year"])
    return f"{end - 1}-{str(end)[2:]}"


def _squeezed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _header_row(path: Path, sheet: str, cells: pd.DataFrame) -> int:
    """The first row with a cell "Landlord name": the sheet's title and notes come before it."""
    named = cells.map(lambda value: isinstance(value, str) and value.strip().casefold() == _HEADER).any(axis=1)
    if not named.any():
        raise UserError(f"{path_text(path)}: sheet '{sheet}' has no header row with a 'Landlord name' column")
    return int(np.flatnonzero(named.to_numpy())[0])


def _column(path: Path, sheet: str, headings: list[str], words: str) -> int:
    for at, heading in enumerate(headings):
        if heading.casefold().startswith(words):
            return at
    raise UserError(f"{path_text(path)}: sheet '{sheet}' has no column headed '{words}'")


def _measure_columns(headings: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Per (stock type, stage), the column of each figure, found from the headings' measure codes."""
    columns: dict[tuple[str, str], dict[str, int]] = {}
    for at, heading in enumerate(headings):
        measure, extension = _MEASURE.match(heading), _EXTENSION.match(heading)
        if measure:
            key = (_stock(measure["stock"]), measure["stage"])
            figure = _FIGURE_OF[(measure["measure"].upper(), (measure["part"] or "").capitalize())]
        elif extension:
            key = (_stock(extension["stock"]), _STAGE_WORDS[extension["stage"].lower()])
            figure = f"on_time_{extension['use'].lower()}_extension"
        else:
            continue
        columns.setdefault(key, {}).setdefault(figure, at)  # CH01's homes repeat per stage: the first is kept
    return columns


def _stock(word: str) -> str:
    return next(stock for stock in STOCK_TYPES if stock.casefold() == word.casefold())
