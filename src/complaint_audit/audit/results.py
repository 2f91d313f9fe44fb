"""Results of a check run as files: results.json and the exceptions as Parquet, CSV and Excel.

results.json follows results.schema.json (shipped beside this module, `schema_version` in every
document). The exceptions table has fixed columns, one row per failing case of every check:
the identity columns, the reason, and `figures`, a JSON object of the numbers behind the row.
exceptions.parquet and exceptions.csv hold every row; exceptions.xlsx, for reading, holds up to
SHEET_ROWS_PER_CHECK rows of each check (enough to read and sample; its Summary sheet says how
many of how many) because a spreadsheet is slow to write (docs/scaling.md) and tops out at
about a million rows.
Same inputs give the same files apart from `generated_at`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections import Counter
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from complaint_audit import __version__
from complaint_audit.audit.run_folder import EXCEPTIONS, RESULTS
from complaint_audit.engine.contract import Status
from complaint_audit.engine.judging import tally
from complaint_audit.engine.remedies import Remedy
from complaint_audit.engine.runner import EXCEPTIONS_TEXT_COLUMNS, CheckOutcome
from complaint_audit.engine.segments import segments_json
from complaint_audit.engine.standards import Standing
from complaint_audit.spreadsheet import safe_cells, write_workbook
from complaint_audit.store import atomic_write

RESULTS_SCHEMA_VERSION = "1.1"
SHEET_ROWS_PER_CHECK = 2_000
UNMATCHED_LETTERS = "Unmatched letters"


def results_schema() -> dict:
    return json.loads(files("complaint_audit").joinpath("results.schema.json").read_text(encoding="utf-8"))


def results_document(
    outcomes: list[CheckOutcome], as_of: dt.date, generated_at: dt.datetime | None = None, figures: dict | None = None,
    organisations: list[dict] | None = None,
) -> dict:
    """The results as plain data, in the shape results.schema.json describes; `figures` (headline.headline_figures)
    join the summary; `organisations`, in a run of several, lists each one's folder and summary."""
    counts = Counter(outcome.result.status.value for outcome in outcomes)
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "tool_version": __version__,
        "generated_at": (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "summary": {"checks": len(outcomes), "by_status": {status.value: counts[status.value] for status in Status},
                    **(figures or {})},
        "checks": [_check_entry(outcome) for outcome in outcomes],
        **({"organisations": organisations} if organisations else {}),
    }


def exceptions_table(outcomes: list[CheckOutcome]) -> pd.DataFrame:
    """Every check's exceptions in one table of text with fixed columns; figures as a JSON object per row (each
    outcome's exceptions_text, made where its check ran: engine/runner.py)."""
    joined = pa.concat_tables([outcome.exceptions_text for outcome in outcomes]) if outcomes else None
    # Text as pandas holds it, the Arrow columns taken as they are, not copied.
    return pd.DataFrame({name: pd.Series(joined[name] if joined is not None else [], dtype="str")
                         for name in EXCEPTIONS_TEXT_COLUMNS})


def write_results(out: Path, outcomes: list[CheckOutcome], as_of: dt.date, figures: dict | None = None,
                  unmatched_letters: pd.DataFrame | None = None, organisations: list[dict] | None = None, *,
                  table: pd.DataFrame | None = None, workbook: bool = True) -> dict[str, Path]:
    """Write results.json (with the headline `figures` in its summary) and exceptions.parquet, .csv and .xlsx into OUT; their paths.

    TABLE is exceptions_table(OUTCOMES) where the caller has it. Without WORKBOOK, exceptions.xlsx is left to
    write_exceptions_workbook."""
    table = exceptions_table(outcomes) if table is None else table
    return write_result_files(out, results_json(outcomes, as_of, figures, organisations), table,
                              check_summary(outcomes) if workbook else None, unmatched_letters)


def results_json(outcomes: list[CheckOutcome], as_of: dt.date, figures: dict | None = None,
                 organisations: list[dict] | None = None) -> str:
    """results_document as JSON on one line: json's C encoder makes it in a fifth of the time it takes to lay it out
    (write_result_files does that, in a run's helper)."""
    document = results_document(outcomes, as_of, figures=figures, organisations=organisations)
    return json.dumps(document, default=_json_value, allow_nan=False)


def write_result_files(out: Path, document: str, table: pd.DataFrame, summary: pd.DataFrame | None = None,
                       unmatched_letters: pd.DataFrame | None = None) -> dict[str, Path]:
    """results.json (DOCUMENT, from results_json, laid out to read), exceptions.parquet and exceptions.csv of the
    exceptions TABLE, and, where the checks' SUMMARY is given (check_summary), exceptions.xlsx
    (write_exceptions_workbook), into OUT; their paths.

    Text and tables only, so a run's helper process writes them while the run makes its report from the same
    document."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in (RESULTS, *EXCEPTIONS)}
    laid_out = json.dumps(json.loads(document), indent=2) + "\n"
    atomic_write(paths[RESULTS], lambda tmp: tmp.write_text(laid_out, encoding="utf-8"))
    atomic_write(paths["exceptions.parquet"], lambda tmp: table.to_parquet(tmp, index=False))
    atomic_write(paths["exceptions.csv"], lambda tmp: safe_cells(table).to_csv(tmp, index=False, encoding="utf-8-sig"))
    if summary is not None:
        write_exceptions_workbook(out, table, summary, unmatched_letters)
    return paths


def write_exceptions_workbook(out: Path, table: pd.DataFrame, summary: pd.DataFrame,
                              unmatched_letters: pd.DataFrame | None = None) -> Path:
    """exceptions.xlsx into OUT, of the exceptions TABLE and the checks' SUMMARY (exceptions_sheets)."""
    path = out / "exceptions.xlsx"
    atomic_write(path, lambda tmp: write_workbook(tmp, exceptions_sheets(table, summary, unmatched_letters)))
    return path


def _check_entry(outcome: CheckOutcome) -> dict:
    check, result = outcome.check, outcome.result
    recommendation = result.recommendation
    return {
        "code": check.code,
        "title": check.title,
        "area": str(check.area),
        "rule": check.rule,
        "source": check.source,
        "uk_rules": bool(check.uk_rules),
        "general_source": check.general_source,
        "case_level": bool(check.case_level),
        "tally": _tally(check, result),
        "denominator": check.denominator,
        "fault": check.fault,
        "fault_when_warn": check.fault_when_warn,
        "theme": check.theme,
        "impact": check.impact,
        "on_time": [dataclasses.asdict(part) for part in check.on_time],
        "trend_figures": [dataclasses.asdict(figure) for figure in check.trend_figures],
        "chart": dataclasses.asdict(check.chart) if check.chart else None,
        "review_criterion": check.review_criterion,
        "reviews": bool(check.reviews),
        "status": result.status.value,
        "metrics": {name: _json_value(value) for name, value in result.metrics.items()},
        "params": {name: _json_value(value) for name, value in outcome.params.items()},
        "thresholds": outcome.thresholds,
        "finding": result.finding,
        "recommendation": {"text": recommendation.text, "priority": recommendation.priority.value} if recommendation else None,
        "exceptions": int(len(result.exceptions)),
        "standard": _standard(outcome.standing),
        "fault_type": check.fault_type.value if check.fault_type else None,
        "people_affected": outcome.people_affected,
        "remedy": _remedy(outcome.remedy),
        "segments": segments_json(result.segments),
    }


def _standard(standing: Standing | None) -> dict | None:
    """The standards the check's records were judged by (engine/standards.py): one object, its parts when several."""
    if standing is None:
        return None
    parts = [{"name": item.standard.name, "source": item.standard.source, "force": item.standard.force.value,
              "in_force_from": _json_value(item.standard.in_force_from), "in_force": item.in_force,
              "processes": sorted(item.standard.processes) if item.standard.processes else None,
              "records": item.records, "cases_failing": item.cases_failing, "cases_fault": item.cases_fault}
             for item in standing.applied]
    dates = [item.standard.in_force_from for item in standing.applied if item.standard.in_force_from]
    return {
        "name": "; ".join(part["name"] for part in parts), "source": "; ".join(part["source"] for part in parts),
        "in_force_from": _json_value(max(dates)) if dates else None, "in_force": standing.in_force,
        "fault": standing.fault, "cases_fault": standing.cases_fault, "cases_short": standing.cases_short, "short_of": standing.short_of,
        "parts": parts,
    }


def _remedy(remedy: Remedy | None) -> dict | None:
    if remedy is None:
        return None
    summary = remedy.shortfall
    return {"text": remedy.text, "shortfall": None if summary is None else {
        "rows": summary.rows, "median": summary.median, "min": summary.least, "max": summary.most, "unit": summary.unit,
    }}


def _tally(check, result) -> dict | None:
    """The cases failing and assessed that the grade rests on (engine/judging.py), or None where the check counts none."""
    counts = tally(check, result.metrics)
    return {"failing": counts[0], "assessed": counts[1]} if counts else None


def _json_value(value):
    """Numbers and dates from pandas and numpy as JSON values; NaN as null."""
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value


def check_summary(outcomes: list[CheckOutcome]) -> pd.DataFrame:
    """One row per check of OUTCOMES: its code, title, area, status, how many exceptions and its finding (the
    Summary sheet of exceptions.xlsx, but for how many of them the workbook holds)."""
    return pd.DataFrame(
        [
            {
                "code": o.check.code, "title": o.check.title, "area": str(o.check.area), "status": o.result.status.value,
                "exceptions": len(o.result.exceptions), "finding": o.result.finding,
            }
            for o in outcomes
        ]
    )


def exceptions_sheets(table: pd.DataFrame, summary: pd.DataFrame, unmatched_letters: pd.DataFrame | None = None
                      ) -> dict[str, pd.DataFrame]:
    """exceptions.xlsx's sheets, of the exceptions TABLE (exceptions_table) and the checks' SUMMARY (check_summary): the
    Summary (one row per check, with how many of its exceptions the workbook holds), the Exceptions (up to
    SHEET_ROWS_PER_CHECK rows a check), and with [letters] the unmatched letters (UNMATCHED_LETTERS, even when none:
    their absence is worth seeing)."""
    shown = table.groupby("check", sort=False).head(SHEET_ROWS_PER_CHECK)
    in_sheet = shown["check"].value_counts()
    summary = summary.copy()
    if len(summary.columns):
        summary.insert(summary.columns.get_loc("exceptions") + 1, "in_this_workbook",
                       [int(in_sheet.get(code, 0)) for code in summary["code"]])
    letters = {} if unmatched_letters is None else {UNMATCHED_LETTERS: unmatched_letters}
    return {"Summary": summary, "Exceptions": shown, **letters}
