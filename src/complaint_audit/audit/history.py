"""The run folders under an output folder, kept side by side so runs can be compared.

ROOT/<run id>/ holds what a run read and wrote (README, "Running an audit"). A run is finished
when its manifest, written last, records when it finished; only finished runs count: the latest
earlier one of the same organisation and period kind is the one a new run compares itself with,
and old ones beyond `[history] keep` are removed, oldest first by their recorded start. ROOT may
hold other things (a baseline, a link to an old run, a run killed part-way): they are never
compared with, counted or removed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.audit.run_folder import Manifest, RunFolder

_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")  # as new_run_dir names a run folder


def new_run_dir(root: Path, now: dt.datetime | None = None) -> Path:
    """A fresh, empty run folder under ROOT named by the UTC time and a random suffix."""
    now = now or dt.datetime.now(dt.UTC)
    run_dir = Path(root) / f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    run_dir.mkdir(parents=True)
    return run_dir


def is_run_id(name: str) -> bool:
    """Whether NAME is one new_run_dir gives a run folder."""
    return _RUN_ID.fullmatch(name) is not None


@dataclass(frozen=True)
class FinishedRun:
    """A run folder this tool wrote and finished, with its manifest."""

    folder: Path
    manifest: Manifest

    @property
    def started_at(self) -> dt.datetime:
        return self.manifest.started_at


@dataclass(frozen=True)
class RunHistory:
    """The run folders under an output folder: finished ones oldest first, and those left incomplete."""

    finished: list[FinishedRun]
    incomplete: list[Path]

    def notes(self) -> list[str]:
        """A line per incomplete run folder, saying it is ignored and what to do."""
        return [f"{folder}: an incomplete run (killed or failed part-way), ignored by later runs, "
                "`compare` and [history] keep; delete it when no run is going" for folder in self.incomplete]


def run_history(root: Path, *, current: Path | None = None) -> RunHistory:
    """The run folders under ROOT other than CURRENT, told apart from everything else there.

    A run folder is one this tool can show it wrote: a real folder (never a link: pruning must not
    follow one) named as `new_run_dir` names them, whose manifest records that same run id and
    when it started and finished. Folders of other names (`app`, `baseline-2023-24`) are not
    runs at all; a run-named folder without such a manifest is an incomplete run. Finished runs
    are ordered by their recorded start time, not by name.
    """
    root = Path(root)
    if not root.is_dir():
        return RunHistory([], [])
    finished, incomplete = [], []
    with os.scandir(root) as entries:
        for entry in entries:
            if not is_run_id(entry.name) or not _real_folder(entry) or (current and entry.name == Path(current).name):
                continue
            folder = root / entry.name
            manifest = RunFolder(folder).finished_manifest()
            started = manifest.started_at if manifest else None
            if manifest and manifest.run_id == entry.name and started and started.tzinfo:
                finished.append(FinishedRun(folder, manifest))
            else:
                incomplete.append(folder)
    finished.sort(key=lambda run: (run.started_at, run.folder.name))
    return RunHistory(finished, sorted(incomplete))


def previous_run(history: RunHistory, started_at: dt.datetime, organisation: str | None, period_kind: str | None) -> str | None:
    """The latest finished run that started before STARTED_AT, of the same organisation and period kind."""
    for run in reversed(history.finished):
        settings = run.manifest.settings
        if run.started_at < started_at and settings.organisation == organisation and (
            (settings.period.kind if settings.period else None) == period_kind
        ):
            return run.folder.name
    return None


def prune_runs(root: Path, keep: int, current: Path) -> list[str]:
    """Remove the oldest finished runs so that KEEP remain, CURRENT always among them; the names removed.

    Only folders `run_history` counts as finished runs are removed: never the current run, an
    incomplete one, a link, or a folder this tool did not write.
    """
    finished = run_history(root, current=current).finished
    removed = finished[: max(0, len(finished) - (keep - 1))]
    for run in removed:
        shutil.rmtree(run.folder)
    return [run.folder.name for run in removed]


def _real_folder(entry: os.DirEntry) -> bool:
    """A folder, not a link to one, nor on Windows a junction (a reparse point, which Python
    before 3.12 takes for a folder)."""
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)  # Windows only
    return entry.is_dir(follow_symlinks=False) and not attributes & stat.FILE_ATTRIBUTE_REPARSE_POINT

