"""The run folders a comparison reads: checked, one per organisation, the latest where several are given.

A run folder is what `complaint-audit run` or `demo` writes; the comparison needs its
results.json (the checks' figures) and manifest.json (whose run it is: organisation, period,
inputs). Anything else is a one-line error naming the folder. Two runs of one organisation are
not an error: the latest is kept and the others are listed as left out, so that
`compare runs/*/*` works on folders that keep every month's run; so is a run that was killed or
failed part-way (its manifest records no finish), whatever it holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.audit.history import is_run_id
from complaint_audit.audit.results import RESULTS_SCHEMA_VERSION
from complaint_audit.audit.run_folder import MANIFEST, RESULTS, Manifest, RunFolder
from complaint_audit.errors import UserError


@dataclass(frozen=True)
class OrganisationRun:
    """One organisation's run, as the comparison uses it."""

    run_dir: Path
    organisation: str
    results: dict
    manifest: Manifest

    @property
    def run_id(self) -> str:
        return str(self.manifest.run_id or self.run_dir.name)

    @property
    def period(self) -> str:
        period = self.manifest.settings.period
        return period.label if period else "not stated"

    @property
    def checks(self) -> dict[str, dict]:
        """The checks' entries in results.json, by code."""
        return {entry["code"]: entry for entry in self.results["checks"]}


@dataclass(frozen=True)
class SelectedRuns:
    """The runs compared, in the order given, and a sentence for each run left out."""

    runs: list[OrganisationRun]
    left_out: list[str]


def read_run(run_dir: Path) -> OrganisationRun:
    """One run folder, checked; a UserError naming the folder or file if it is not one the comparison can read."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise UserError(f"{run_dir}: no such folder (give the run folders that `complaint-audit run` wrote)")
    folder = RunFolder(run_dir)
    missing = [path.name for path in (folder.results_file, folder.manifest_file) if not path.is_file()]
    if missing:
        raise UserError(
            f"{run_dir}: not a run folder (no {' or '.join(missing)}; "
            "give the folders that `complaint-audit run` wrote)"
        )
    results, manifest = _json(folder.results_file), folder.manifest()
    version = results.get("schema_version") if isinstance(results, dict) else None
    if version != RESULTS_SCHEMA_VERSION:
        raise UserError(
            f"{run_dir / RESULTS}: results schema_version {json.dumps(version)}, but this complaint-audit compares "
            f"version {RESULTS_SCHEMA_VERSION}: run that audit again with this version"
        )
    organisation = manifest.settings.organisation
    if not organisation:
        raise UserError(
            f"{run_dir / MANIFEST}: no organisation recorded, so the run cannot be told apart from others; "
            "set `organisation` in its audit.toml and run it again"
        )
    if not manifest.finished:
        raise UserError(f"{run_dir / MANIFEST}: records no finish (the run was killed or failed part-way); run that audit again")
    return OrganisationRun(run_dir, str(organisation), results, manifest)


def incomplete(run_dir: Path) -> bool:
    """Whether RUN_DIR is a run this tool started (named as it names runs, or with its run.log)
    and did not finish: such a folder is left out, not an error, whatever else it lacks."""
    started = is_run_id(run_dir.name) or RunFolder(run_dir).log_file.is_file()
    return run_dir.is_dir() and started and RunFolder(run_dir).finished_manifest() is None


def select_runs(run_dirs: Sequence[Path]) -> SelectedRuns:
    """Each folder read and checked; of several runs of one organisation, the latest (by start time) kept."""
    left_incomplete = [Path(folder) for folder in run_dirs if incomplete(Path(folder))]
    runs = [read_run(Path(folder)) for folder in run_dirs if Path(folder) not in left_incomplete]
    latest: dict[str, OrganisationRun] = {}
    for run in runs:
        kept = latest.get(run.organisation)
        if kept is None or _started(run) >= _started(kept):
            latest[run.organisation] = run
    chosen = [run for run in runs if latest[run.organisation] is run]
    left_out = [f"{folder}: left out, an incomplete run (killed or failed part-way)" for folder in left_incomplete] + [
        f"{run.run_dir}: left out, {'the same run given twice' if _same(run, kept) else 'an earlier run'} "
        f"of {run.organisation} than {kept.run_dir}"
        for run in runs
        if (kept := latest[run.organisation]) is not run
    ]
    if len(chosen) < 2:
        given = f"every folder given is a run of {chosen[0].organisation}" if chosen else "no run folder was given"
        raise UserError(f"compare needs runs of at least two organisations; {given}")
    return SelectedRuns(chosen, left_out)


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: not valid JSON ({error.msg} at line {error.lineno}); is the run complete?") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text; is it the file `complaint-audit run` wrote?") from None


def _started(run: OrganisationRun) -> tuple[dt.datetime, str]:
    """Start time (as a time: the manifest keeps microseconds, earlier versions seconds), then
    run id, so the latest run sorts last."""
    started = run.manifest.started_at or dt.datetime.min
    return started if started.tzinfo else started.replace(tzinfo=dt.UTC), run.run_id


def _same(run: OrganisationRun, other: OrganisationRun) -> bool:
    return run.run_dir.resolve() == other.run_dir.resolve()
