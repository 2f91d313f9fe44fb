"""One call runs an audit: config -> load -> checks -> results -> report, in a run folder if asked.

    from complaint_audit.audit.run import run_audit
    audit = run_audit("audit.toml")                  # nothing written: frames and objects back
    audit.records, audit.outcomes, audit.exceptions  # the canonical records, each check, the exceptions
    run_audit("audit.toml", out_root="runs")         # a run folder with results and the report

This is what `complaint-audit run` and `demo` call; the CLI only adds printing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit import __version__
from complaint_audit.audit.exit_codes import ExitCode, FailOn, exit_code
from complaint_audit.audit.headline import headline_figures
from complaint_audit.audit.history import new_run_dir, previous_run, prune_runs, run_history
from complaint_audit.audit.organisations import chosen_organisations, organisations_in, records_of
from complaint_audit.audit.per_organisation import OrganisationResult, write_organisation_runs
from complaint_audit.audit.results import (
    check_summary,
    exceptions_table,
    results_document,
    results_json,
    write_exceptions_workbook,
    write_result_files,
)
from complaint_audit.audit.run_folder import ConfigFile, Manifest, RunFolder
from complaint_audit.config import AuditConfig, load_config
from complaint_audit.engine.api import CheckRun, exported_fields, start_check_records
from complaint_audit.engine.contract import Status
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import CheckOutcome
from complaint_audit.errors import writing_into
from complaint_audit.ingest.api import HandedOut, hand_out_sources, load_sources
from complaint_audit.ingest.load import LoadReport
from complaint_audit.ingest.published.ombudsman import (
    OmbudsmanFile,
    audit_year,
    council_figures,
    read_configured_figures,
    write_council_figures,
)
from complaint_audit.ingest.published.regulator import (
    RegulatorWorkbooks,
    read_configured_returns,
    regulator_record,
    write_regulator_record,
)
from complaint_audit.lock import exclusive
from complaint_audit.printable import printable
from complaint_audit.progress import Progress
from complaint_audit.store import Store, require_text_path

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess, Pending

REPORT_FORMATS = ("html", "md", "pdf", "xlsx")


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit produced, as objects; `run_dir` is set when a run folder was written."""

    config: AuditConfig
    load: LoadReport
    records: pd.DataFrame
    outcomes: list[CheckOutcome]
    as_of: dt.date
    run_dir: Path | None = None
    notes: tuple[str, ...] = ()  # what the user should know that is not a result: incomplete runs beside this one
    organisations: tuple[OrganisationResult, ...] = ()  # a run of several organisations: each one's folder and summary

    @property
    def exceptions(self) -> pd.DataFrame:
        return exceptions_table(self.outcomes)

    @functools.cached_property
    def figures(self) -> dict:
        """The headline figures of results.json's summary (audit/headline.py)."""
        return headline_figures(self.records, self.load.quarantined)

    @property
    def results(self) -> dict:
        return results_document(self.outcomes, self.as_of, figures=self.figures,
                                organisations=_organisation_entries(self.organisations))

    def exit_code(self, fail_on: FailOn = FailOn.fail, max_quarantine: float | None = None) -> ExitCode:
        """From every check's status: the run's over all its records, and each organisation's own."""
        statuses = [outcome.result.status for outcome in self.outcomes]
        statuses += [Status(status) for result in self.organisations for status in result.statuses]
        return exit_code(statuses, fail_on, too_much_quarantined=self.load.exceeds(max_quarantine))


def run_audit(
    config: Path | str,
    *,
    out_root: Path | str | None = None,
    as_of: dt.date | None = None,
    formats: Sequence[str] = REPORT_FORMATS,
    command_line: Sequence[str] = (),
    progress: Progress | None = None,
    organisations: Sequence[str] = (),
    helper: HelperProcess | None = None,
) -> AuditResult:
    """Run the audit CONFIG describes; with OUT_ROOT, write a new run folder under it.

    When the records hold several organisations, the run folder also holds each one's own run
    and report, and their comparison (audit/per_organisation.py); ORGANISATIONS names the ones to
    audit (default all), an unknown name being a UserError. HELPER is a helper process its caller started and ends
    (the command line starts it before it imports this module); else the run starts its own.
    """
    audit = load_config(Path(config))
    from complaint_audit.helper_process import HelperProcess

    workbooks = read_configured_returns(audit)  # before anything is loaded or written: a bad workbook stops the run
    with HelperProcess() if helper is None else contextlib.nullcontext(helper) as helper:
        first = _first_tasks(helper, audit, formats if out_root is not None else None, workbooks)
        return _run_audit(audit, workbooks, helper, first, out_root, as_of, formats, command_line, progress,
                          organisations)


@dataclass(frozen=True)
class _FirstTasks:
    """What a run gives its helper before the exports load: the letters to read and the exports to load (the sources
    handed out); then a run folder's `[ombudsman]` figures to read, what it keeps of the `[regulator]` workbooks and
    the report's templates to compile (None where there are none)."""

    sources: HandedOut
    ombudsman: Pending[OmbudsmanFile] | None
    templates: Pending[dict[str, bytes]] | None
    regulator: Pending[dict] | None


def _first_tasks(helper: HelperProcess, audit: AuditConfig, formats: Sequence[str] | None,
                 workbooks: RegulatorWorkbooks | None) -> _FirstTasks:
    """The letters and the exports, given to HELPER to read and load while this process loads the rest; the ombudsman's
    figures to read after them, which this process needs only once the exports are loaded (read here first, they kept
    it from its exports for 0.02-0.03 s of the sample's run; config.py has made sure the file is there); the record
    kept of the regulator's WORKBOOKS, made while this process joins the letters to the records (made here, it took
    15 ms of the sample's checks); and the report's templates to compile where the run writes FORMATS (None: it
    writes nothing, and reads no ombudsman's figures nor keeps a record of the regulator's); then, while it waits for
    its next task, the checks' imports."""
    sources = hand_out_sources(audit, helper)
    ombudsman = helper.submit(read_configured_figures, audit) if formats is not None and audit.ombudsman else None
    regulator = helper.submit(regulator_record, workbooks, audit.folder) if formats is not None and workbooks is not None else None
    templates = None
    if formats is not None and {"html", "md", "pdf"} & set(formats):
        from complaint_audit.helper_process import Named

        # By name: the report's modules are imported here while the checks run (_run_in_folder), not now, before the exports.
        templates = helper.submit(Named("complaint_audit.report.render", "compiled_templates"), _template_dirs(audit))
    helper.warm_up(discover)
    return _FirstTasks(sources, ombudsman, templates, regulator)


def _template_dirs(audit: AuditConfig) -> list[str]:
    """The folder of templates audit.toml's [report] names (looked in before the built-in ones), or none."""
    return [str(audit.report.templates)] if audit.report.templates else []


def _run_audit(audit, workbooks, helper, first, out_root, as_of, formats, command_line, progress, organisations) -> AuditResult:
    regulator = None if workbooks is None else workbooks.council
    if out_root is None:
        checking = _Checking(audit, organisations, as_of, progress, regulator, helper)
        with tempfile.TemporaryDirectory() as scratch:
            load = load_sources(audit, Path(scratch) / "store", progress, first.sources, records_ready=checking)
            _import_reviews(audit.reviews, Path(scratch) / "store")
            run = checking.run(Store(Path(scratch) / "store").read_reviews())
        return AuditResult(audit, load, checking.records, run.outcomes, run.as_of)
    require_text_path(Path(out_root), "output folder")
    with exclusive(Path(out_root), "writing a run"):
        started_at = dt.datetime.now(dt.UTC)
        run_dir = new_run_dir(Path(out_root), started_at)
        with writing_into(run_dir):
            return _run_in_folder(audit, run_dir, started_at, as_of, formats, command_line, progress, organisations,
                                  workbooks, helper, first)


def _run_in_folder(audit, run_dir, started_at, as_of, formats, command_line, progress, organisations,
                   workbooks, helper, first) -> AuditResult:
    """The run, written into RUN_DIR; the folder becomes a finished run only with its last step,
    the manifest that records `finished_at`: a run killed or failed before then is ignored by
    later runs, `compare` and pruning. HELPER reads the letters and loads some of the exports while this process loads
    the others, runs a share of the checks, and writes exceptions.xlsx while the rest of the results and the report are
    written (FIRST: what it was given before the load)."""
    folder = RunFolder(run_dir)
    log = _run_log(folder)
    timings: dict[str, float] = {}
    try:
        log.info("complaint-audit %s: run %s of %s", __version__, run_dir.name, audit.path)
        history = run_history(run_dir.parent, current=run_dir)
        for note in history.notes():
            log.warning("%s", note)
        clock = time.perf_counter()
        checking = _Checking(audit, organisations, as_of, progress, None if workbooks is None else workbooks.council,
                             helper)
        load = load_sources(audit, folder.own_store, progress, first.sources, records_ready=checking)
        ombudsman = None if first.ombudsman is None else first.ombudsman.result()  # a bad file stops the run here
        for entry in load.files:
            log.info("loaded %s with %s: read %d = loaded %d + quarantined %d %s; %d rows combined into %d records, "
                     "%d records in all", entry["path"], entry["profile"], entry["read"], entry["loaded"], entry["quarantined"],
                     entry["reasons"], entry["combined_rows"], entry["combined_records"], entry["records"])
        if load.letters is not None:
            log.info("letters: read %d = matched %d + unmatched %d %s", load.letters.read, load.letters.matched,
                     load.letters.unmatched, load.letters.reasons)
        store = Store(folder.own_store)
        records, held, chosen = checking.records, checking.held, checking.chosen
        reviewed = _import_reviews(audit.reviews, folder.own_store)
        for summary in reviewed:
            log.info("imported reviews from %s: %d scores of %d cases", summary.workbook, summary.scores, summary.cases_scored)
        shutil.copyfile(store.quarantine_path, folder.quarantine_file)
        timings["load"] = round(time.perf_counter() - clock, 3)

        # What needs no check's outcome is done while the checks run, begun by the load: this process's share of
        # them waits meanwhile, and the helper takes more.
        if ombudsman is not None:
            figures = council_figures(ombudsman, _council(audit, records), audit_year(audit.period), audit.folder)
            write_council_figures(run_dir, figures)
            log.info("ombudsman figures from %s: %d rows for %s", figures["file"], len(figures["rows"]),
                     figures["organisation"])
        if first.regulator is not None:  # the council's return and its peers kept, so the report needs no workbook
            kept = first.regulator.soonest()
            write_regulator_record(run_dir, kept)
            log.info("regulator's figures from %s for %s", ", ".join(entry["file"] for entry in kept["files"]),
                     kept["landlord"])
        if formats:  # the report's modules: imported by the command as it starts (cli.import_report), else here
            from complaint_audit.report.code_workbook import write_code_workbook
            from complaint_audit.report.context import assessment, report_context
            from complaint_audit.report.render import render_reports, use_compiled
        clock = time.perf_counter()
        reviews, exported = store.read_reviews(), checking.exported
        run = checking.run(reviews)
        timings["checks"] = round(time.perf_counter() - clock, 3)
        if first.templates is not None:  # compiled by the helper while the exports loaded, for every report below
            use_compiled(first.templates.result(), _template_dirs(audit))
        for outcome in run.outcomes:
            log.info("%s %s: %d exceptions", outcome.check.code, outcome.result.status.value, len(outcome.result.exceptions))

        period_kind = audit.period.kind if audit.period else None
        manifest = Manifest(
            run_id=run_dir.name,
            tool_version=__version__,
            started_at=started_at,
            command_line=tuple(command_line or sys.argv),
            config_file=ConfigFile.of(audit.path),
            settings=audit.recorded(),
            as_of=run.as_of,
            inputs=tuple({key: entry[key] for key in _INPUT_KEYS} for entry in load.files),
            letters=load.letters.manifest() if load.letters is not None else None,
            reviews=tuple({"path": str(s.workbook), "sha256": _sha256(s.workbook), "cases_scored": s.cases_scored} for s in reviewed),
            checks=tuple({"code": o.check.code, "params": dict(o.params)} for o in run.outcomes),
            previous_run=previous_run(history, started_at, audit.organisation, period_kind),
        )
        if ombudsman is not None:
            manifest = replace(manifest, ombudsman={key: figures[key] for key in ("file", "sha256", "profile")})
        if first.regulator is not None:
            manifest = replace(manifest, regulator=tuple(kept["files"]))
        unmatched = load.letters.unmatched_letters() if load.letters is not None else None
        several = None
        if len(held) > 1:
            clock = time.perf_counter()
            several = write_organisation_runs(
                run_dir, audit, records, chosen=chosen, manifest=manifest, quarantine=store.read_quarantine(),
                reviews=reviews, exported=exported, as_of=run.as_of, formats=formats, ombudsman=ombudsman, log=log, progress=progress,
                helper=helper, unmatched_letters=unmatched)
            manifest = replace(manifest, organisations=tuple({"organisation": result.organisation, "folder": result.folder}
                                                             for result in several.results),
                               comparison=tuple(sorted(path.name for path in several.comparison.values())))
            timings["organisations"] = round(time.perf_counter() - clock, 3)
            for note in several.notes:
                log.info("%s", note)
        table = exceptions_table(run.outcomes)
        document = results_json(run.outcomes, run.as_of, headline_figures(records, load.quarantined),
                                organisations=_organisation_entries(several.results if several else ()))
        # results.json and the exceptions' files written by the helper while this process makes the report; the
        # report waits only for results.json (a run folder's), not for the workbook after it
        files = helper.submit(write_result_files, run_dir, document, table)
        workbook = helper.submit(write_exceptions_workbook, run_dir, table, check_summary(run.outcomes), unmatched)
        folder.write_manifest(replace(manifest, timings=timings))
        if formats and not several:  # several organisations: each has its report, the run its comparison
            if progress:
                progress("writing the report", 0, 1)
            clock = time.perf_counter()
            # Once: the report and the Code's workbook read the same assessment.
            current = assessment(run_dir, records=records, exceptions=table, results=json.loads(document))
            # The workbook written by the helper as soon as its rows are known, while this process makes the report.
            code_workbook = helper.submit(write_code_workbook, run_dir, current.self_assessment)
            context = report_context(run_dir, current)
            files.result()  # the report is written into a run folder: one with its results.json
            written = render_reports(run_dir, formats, _template_dirs(audit), context=context, helper=helper) | code_workbook.soonest()
            timings["report"] = round(time.perf_counter() - clock, 3)
            log.info("report written: %s", ", ".join(sorted(path.name for path in written.values())))
        files.result()  # both written before the run is finished
        workbook.soonest()
        log.info("finished in %.1f s", sum(timings.values()))
        folder.write_manifest(replace(manifest, timings=timings, finished_at=dt.datetime.now(dt.UTC)))
        if audit.keep_runs:
            for removed in prune_runs(run_dir.parent, audit.keep_runs, current=run_dir):
                log.info("removed old run %s ([history] keep = %d)", removed, audit.keep_runs)
        notes = tuple(history.notes()) + tuple(several.notes if several else ())
        return AuditResult(audit, load, records, run.outcomes, run.as_of, run_dir, notes, tuple(several.results if several else ()))
    except Exception:
        log.exception("the run failed")
        raise
    finally:
        for handler in list(log.handlers):
            handler.close()
            log.removeHandler(handler)


class _Checking:
    """A run's checks, begun as soon as the load knows its records (Store.commit's RECORDS_READY): while this process
    writes the store, the helper takes its share of them. A run with review workbooks begins them once the scores are
    imported, which needs the store written (`run`)."""

    def __init__(self, audit: AuditConfig, organisations: Sequence[str], as_of: dt.date | None,
                 progress: Progress | None, regulator: pd.DataFrame | None, helper: HelperProcess):
        self._audit, self._organisations, self._as_of, self._progress = audit, organisations, as_of, progress
        self._regulator, self._helper = regulator, helper
        self._outcomes: Callable[[], CheckRun] | None = None

    def __call__(self, records: pd.DataFrame, entries: list[dict]) -> None:
        """The records the store holds, of the organisations audited (an unknown one is a UserError), and what each
        file exported; the checks begun on them unless reviews are still to be imported."""
        self.held = organisations_in(records)
        self.chosen = chosen_organisations(self.held, self._organisations)
        self.records, self.exported = records_of(records, self.chosen), exported_fields(entries)
        if not self._audit.reviews:
            self._outcomes = self._begin(None)

    def run(self, reviews: pd.DataFrame | None) -> CheckRun:
        """The checks' outcomes, once done: begun here, with the imported REVIEWS, if they were not already."""
        return (self._outcomes or self._begin(reviews))()

    def _begin(self, reviews: pd.DataFrame | None) -> Callable[[], CheckRun]:
        return start_check_records(self.records, self._audit, as_of=self._as_of, progress=self._progress,
                                   reviews=reviews, exported_fields=self.exported, regulator=self._regulator,
                                   helper=self._helper)


_INPUT_KEYS = ("path", "sha256", "profile", "format", "source_rows", "read", "loaded", "quarantined", "reasons", "records",
               "combined_rows", "combined_records", "combine")


def _organisation_entries(results) -> list[dict] | None:
    """results.json's `organisations`: each organisation's folder and summary, in a run of several."""
    return [{"organisation": result.organisation, "folder": result.folder, "summary": result.summary} for result in results] or None


def _import_reviews(workbooks: list[Path], store: Path) -> list:
    """The configured review workbooks' scores imported into STORE; the review package (and with
    it openpyxl, a slow import) is imported only when there are workbooks to read."""
    if not workbooks:
        return []
    from complaint_audit.review.importer import import_reviews

    return import_reviews(workbooks, store)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _council(audit: AuditConfig, records: pd.DataFrame) -> str | None:
    """The council audited: the config's organisation, else the only one in the records."""
    organisations = records["organisation"].dropna().unique()
    return audit.organisation or (str(organisations[0]) if len(organisations) == 1 else None)


def _run_log(folder: RunFolder) -> logging.Logger:
    """The run's audit trail, run.log, kept apart from any logging the caller set up."""
    log = logging.getLogger(f"complaint_audit.run.{folder.path.name}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(folder.log_file, encoding="utf-8")
    handler.setFormatter(_PrintableFormatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z"))
    log.addHandler(handler)
    return log


class _PrintableFormatter(logging.Formatter):
    """run.log's lines without control sequences: a file or header name can carry them, and the
    log is read in a terminal. A message is one line (a file name with a line break in it would
    otherwise start what reads as a line of the log's own); tracebacks keep their line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record)).replace("\r", "\\r").replace("\n", "\\n")

    def formatException(self, exc_info) -> str:
        return printable(super().formatException(exc_info))
