"""The one call behind `complaint-audit load`, importable for notebooks and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from complaint_audit.config import AuditConfig, load_config
from complaint_audit.errors import UserError
from complaint_audit.ingest.load import LoadedFile, LoadJob, LoadReport, hand_out, load_into_store
from complaint_audit.ingest.privacy import resolve_key
from complaint_audit.ingest.sources import jobs_from_config, jobs_from_files
from complaint_audit.progress import Progress
from complaint_audit.store import RecordsReady

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess, Pending
    from complaint_audit.letters.read import Letter


def load_exports(
    *, store: Path, files: list[Path] = (), profile: Path | None = None, config: Path | None = None
) -> LoadReport:
    """Load FILES with PROFILE, or every source CONFIG lists, into STORE."""
    if (profile is None) == (config is None):
        raise UserError("give either --profile PROFILE.toml FILE... or --config AUDIT.toml")
    if profile is not None and not files:
        raise UserError("--profile needs at least one export FILE to load")
    if config is not None and files:
        raise UserError("--config loads the files audit.toml lists; do not name files as well")
    from complaint_audit.helper_process import HelperProcess

    with HelperProcess() as helper:  # started only if it is given something: a second file, or letters
        if profile is not None:
            jobs, key = jobs_from_files(profile, list(files)), resolve_key(None)
            return load_into_store(jobs, store, key=key, defaults={}, elsewhere=hand_out(jobs, helper, key=key, defaults={}))
        audit = load_config(config)
        return load_sources(audit, store, handed=hand_out_sources(audit, helper))


@dataclass(frozen=True)
class HandedOut:
    """What a helper process was given of an audit's sources, to do while this process loads the rest (load_sources)."""

    jobs: list[LoadJob]  # the exports, in the order they load
    letters: Callable[[], list[Letter]] | None  # the [letters] folder being read (letters.read.hand_out_letters); None without one
    exports: dict[int, Pending[LoadedFile]]  # the exports being loaded, by position (load.hand_out)


def hand_out_sources(audit: AuditConfig, helper: HelperProcess) -> HandedOut:
    """AUDIT's small exports after the first, then its letters, given to HELPER to load and read while this process
    loads the others; what the helper has not begun once this process is done with its exports is taken back, the
    letters too (load_sources joins them to the records)."""
    jobs = jobs_from_config(audit)
    exports = hand_out(jobs, helper, key=resolve_key(audit.privacy_key), defaults=_defaults(audit))
    letters = None
    if audit.letters is not None:
        from complaint_audit.letters.read import hand_out_letters

        letters = hand_out_letters(audit.letters, helper)
    return HandedOut(jobs, letters, exports)


def load_sources(audit: AuditConfig, store: Path, progress: Progress | None = None, handed: HandedOut | None = None,
                 records_ready: RecordsReady | None = None) -> LoadReport:
    """Load every source an audit config lists into STORE, with the response letters of its [letters] folder: what
    HANDED says a helper process is reading and loading (hand_out_sources) is taken from it, the rest done here.
    RECORDS_READY is given the stored records as soon as they are known (Store.commit)."""
    jobs = handed.jobs if handed else jobs_from_config(audit)
    return load_into_store(jobs, store, key=resolve_key(audit.privacy_key), defaults=_defaults(audit), progress=progress,
                           before_commit=_joining_letters(audit, handed.letters if handed else None),
                           elsewhere=handed.exports if handed else None, records_ready=records_ready)


def _defaults(audit: AuditConfig) -> dict[str, str]:
    """The values a record takes where its export has none: audit.toml's organisation."""
    return {"organisation": audit.organisation} if audit.organisation else {}


def _joining_letters(audit: AuditConfig, letters: Callable[[], list[Letter]] | None):
    """What joins the letters to the records before they are stored; None without [letters] (the
    letters package, and pypdfium2 with it, is imported only when there are letters)."""
    if audit.letters is None:
        return None
    from complaint_audit.letters.attach import attach_letters

    if letters is None:
        from complaint_audit.letters.read import read_letters

        return lambda batches: attach_letters(audit.letters, batches, read_letters(audit.letters))
    return lambda batches: attach_letters(audit.letters, batches, letters())
