"""Rich tables for the terminal: what the CLI prints, built from plain library results."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.table import Table
from rich.text import Text

from complaint_audit.ingest.load import LoadReport
from complaint_audit.printable import printable

_STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red", "not_applicable": "dim", "error": "bold magenta"}


def schema_table(fields: list[dict]) -> Table:
    table = Table(title="Canonical record: one row per (organisation, case_id, stage)")
    for heading in ("field", "type", "required", "allowed values", "meaning"):
        table.add_column(heading, overflow="fold")
    for field in fields:
        table.add_row(
            field["name"], field["type"], "yes" if field["required"] else "", ", ".join(field["allowed"]), field["meaning"]
        )
    return table


def reconciliation_tables(report: LoadReport) -> list[Table]:
    """Per file: rows read, loaded, quarantined; then the quarantined rows per file and reason.

    Files are shown by name to fit a terminal; load.json keeps their paths and profiles.
    """
    files = Table(title="Rows read = loaded + quarantined", box=box.SIMPLE_HEAD)
    files.add_column("file", no_wrap=True)
    # Where a profile combined a case's rows, the records they made: loaded counts rows.
    combined = any(entry.get("combined_rows") for entry in report.files)
    for heading in ("source rows", "stage rows read", "loaded", "quarantined", *(["records"] if combined else [])):
        files.add_column(heading, justify="right")
    for entry in report.files:
        files.add_row(
            Path(entry["path"]).name, f"{entry['source_rows']:,}", f"{entry['read']:,}",
            f"{entry['loaded']:,}", f"{entry['quarantined']:,}", *([f"{entry['records']:,}"] if combined else []),
        )
    reasons = Table(title="Quarantined rows by reason (details in quarantine.csv)", box=box.SIMPLE_HEAD)
    for heading in ("file", "reason", "rows"):
        reasons.add_column(heading, justify="right" if heading == "rows" else "left", no_wrap=True)
    for entry in report.files:
        for reason, count in entry["reasons"].items():
            reasons.add_row(Path(entry["path"]).name, reason, f"{count:,}")
    return [files, reasons] if reasons.row_count else [files]


def checks_table(checks: list) -> Table:
    table = Table(title="Checks", box=box.SIMPLE_HEAD)
    for heading in ("code", "title", "area", "source"):
        table.add_column(heading, no_wrap=heading == "code", overflow="fold")
    for check in checks:
        table.add_row(check.code, check.title, str(check.area), check.source)
    return table


def results_table(outcomes: list, as_of, findings: bool = True) -> Table:
    """One line per check: status, exceptions and the finding (or, where a report follows, the title)."""
    table = Table(title=f"Checks as of {as_of.isoformat()}", box=box.SIMPLE_HEAD)
    table.add_column("code", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("exceptions", justify="right")
    table.add_column("finding" if findings else "check", overflow="fold")
    for outcome in outcomes:
        status = outcome.result.status.value
        table.add_row(
            outcome.check.code, Text(status, style=_STATUS_STYLE[status]), f"{len(outcome.result.exceptions):,}",
            Text(printable(outcome.result.finding if findings else outcome.check.title)),
        )
    return table
