"""A run of several organisations: one run folder per organisation inside the run's, and their comparison.

RUN_DIR/organisations/<folder name>/ holds what a run of that organisation alone would hold
(manifest.json, results.json, the exceptions, quarantine.csv with the rows naming it, the
report), without a copy of the records: its manifest's `store` points at the run's own store,
whose shared parts it reads its records from. So `complaint-audit report` and `compare` take it
as they take any run folder. RUN_DIR/compare.html and compare.md compare the organisations, as
`complaint-audit compare` does.

The fixed cost of a run (imports, the load, the store read) is paid once. Each organisation
costs its checks and its report; the PDF, which costs several times the rest, is written only
for up to PDF_ORGANISATIONS organisations: past that, a note says how to ask for the ones wanted.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit.audit.headline import headline_figures
from complaint_audit.audit.organisations import folder_names, inputs_of, records_by_organisation
from complaint_audit.audit.results import check_summary, exceptions_table, write_exceptions_workbook, write_results
from complaint_audit.audit.run_folder import ORGANISATIONS, STORE, Manifest, RunFolder
from complaint_audit.config import AuditConfig
from complaint_audit.engine.api import check_records
from complaint_audit.ingest.published.ombudsman import audit_year, council_figures, write_council_figures
from complaint_audit.progress import Progress
from complaint_audit.spreadsheet import safe_cells
from complaint_audit.store import atomic_write, write_quarantine

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess

PDF_ORGANISATIONS = 10  # at most this many organisations get a report.pdf in one run


@dataclass(frozen=True)
class OrganisationResult:
    """One organisation's part of a run: where its folder is, its checks' statuses and its summary."""

    organisation: str
    folder: str  # relative to the run folder
    statuses: tuple[str, ...]
    summary: dict


@dataclass(frozen=True)
class OrganisationRuns:
    results: list[OrganisationResult]
    comparison: dict[str, Path]  # the comparison's files by format; empty with fewer than two organisations
    notes: list[str]


def write_organisation_runs(
    run_dir: Path,
    audit: AuditConfig,
    records: pd.DataFrame,
    *,
    chosen: Sequence[str],
    manifest: Manifest,
    quarantine: pd.DataFrame,
    reviews: pd.DataFrame | None,
    exported: Mapping[str, frozenset[str]] | None,
    as_of: dt.date,
    formats: Sequence[str],
    ombudsman,
    log: logging.Logger,
    progress: Progress | None = None,
    helper: HelperProcess | None = None,
    unmatched_letters: pd.DataFrame | None = None,
) -> OrganisationRuns:
    """Each chosen organisation's run folder under RUN_DIR/organisations, then their comparison; with the run's
    HELPER process taking a share of each organisation's checks and writing its exceptions.xlsx. Each organisation's
    workbook has the run's UNMATCHED_LETTERS (with [letters]), which its report lists by their rows: a letter that
    matched no case is of no organisation known."""
    notes = []
    per_organisation_formats = list(formats)
    if "pdf" in formats and len(chosen) > PDF_ORGANISATIONS:
        per_organisation_formats.remove("pdf")
        notes.append(f"report.pdf was written for none of the {len(chosen):,} organisations (a PDF takes about 4 s each): "
                     f"name up to {PDF_ORGANISATIONS} with --organisation to have theirs")
    folders = folder_names(chosen)
    frames = records_by_organisation(records, chosen)
    results = []
    for done, name in enumerate(chosen):
        if progress:
            progress("reporting each organisation", done, len(chosen))
        folder = run_dir / ORGANISATIONS / folders[name]
        results.append(_organisation_run(
            folder, name, audit, frames[name], manifest=manifest, quarantine=quarantine, reviews=reviews, exported=exported,
            as_of=as_of, formats=per_organisation_formats, ombudsman=ombudsman, helper=helper,
            unmatched_letters=unmatched_letters))
        log.info("%s: %d records, checks %s, in %s", name, len(frames[name]), _by_status(results[-1].statuses), folder.name)
    comparison = {}
    if len(results) >= 2:
        from complaint_audit.compare import compare_runs

        comparison = compare_runs([run_dir / result.folder for result in results], run_dir).paths
    else:
        notes.append("no comparison: it needs at least two organisations")
    return OrganisationRuns(results, comparison, notes)


def _organisation_run(folder: Path, name: str, audit: AuditConfig, records: pd.DataFrame, *, manifest: Manifest,
                      quarantine: pd.DataFrame, reviews, exported, as_of: dt.date, formats: Sequence[str], ombudsman,
                      helper: HelperProcess | None = None, unmatched_letters: pd.DataFrame | None = None
                      ) -> OrganisationResult:
    """One organisation's run folder: as a run of its records alone writes it, the store shared."""
    folder.mkdir(parents=True, exist_ok=True)
    run = check_records(records, audit, as_of=as_of, reviews=reviews, exported_fields=exported, helper=helper)
    mine = quarantine[quarantine["organisation"].eq(name)]
    run_folder = RunFolder(folder)
    atomic_write(run_folder.quarantine_file, lambda tmp: write_quarantine(safe_cells(mine), tmp))
    figures = headline_figures(records, len(mine))
    table = exceptions_table(run.outcomes)
    # exceptions.xlsx written by the run's helper while the report is written here
    workbook = (helper.submit(write_exceptions_workbook, folder, table, check_summary(run.outcomes), unmatched_letters)
                if helper is not None else None)
    write_results(folder, run.outcomes, as_of, figures, unmatched_letters, table=table, workbook=workbook is None)
    own = replace(manifest, settings=replace(manifest.settings, organisation=name), organisations=(), comparison=(),
                  store=f"../../{STORE}", inputs=tuple(inputs_of(name, list(manifest.inputs), records, quarantine)),
                  previous_run=_previous(folder, manifest.previous_run))
    if ombudsman is not None:
        kept = council_figures(ombudsman, name, audit_year(audit.period), audit.folder)
        write_council_figures(folder, kept)
        own = replace(own, ombudsman={key: kept[key] for key in ("file", "sha256", "profile")})
    run_folder.write_manifest(own)
    if formats:
        from complaint_audit.report.render import render_reports

        render_reports(folder, formats, [audit.report.templates] if audit.report.templates else [])
    if workbook is not None:
        workbook.result()  # written before the folder is finished
    run_folder.write_manifest(replace(own, finished_at=dt.datetime.now(dt.UTC)))
    statuses = tuple(outcome.result.status.value for outcome in run.outcomes)
    summary = {"checks": len(statuses), "by_status": _by_status(statuses), **figures}
    return OrganisationResult(name, f"{ORGANISATIONS}/{folder.name}", statuses, summary)


def _previous(folder: Path, previous_run: str | None) -> str | None:
    """The same organisation's folder in the previous run, as a path from this folder's parent
    (where the report looks for it), when that run had one and finished it."""
    if not previous_run:
        return None
    earlier = folder.parent.parent.parent / previous_run / ORGANISATIONS / folder.name
    return f"../../{previous_run}/{ORGANISATIONS}/{folder.name}" if RunFolder(earlier).finished_manifest() else None


def _by_status(statuses: Sequence[str]) -> dict[str, int]:
    return {status: statuses.count(status) for status in ("pass", "warn", "fail", "not_applicable", "error")}
