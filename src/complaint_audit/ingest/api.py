"""The one call behind `complaint-audit load`, importable for notebooks and tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from complaint_audit.config import AuditConfig, load_config
from complaint_audit.errors import UserError
from complaint_audit.ingest.load import LoadReport, load_into_store
from complaint_audit.ingest.privacy import resolve_key
from complaint_audit.ingest.sources import jobs_from_config, jobs_from_files
from complaint_audit.progress import Progress

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess, Pending
    from complaint_audit.letters.read import Letter


def load_exports(
    *, store: Path, files: list[Path] = (), profile: Path | None = None, config: Path | None = None
) -> LoadReport:
    """Load FILES with PROFILE, or every source CONFIG lists, into STORE."""
    if (profile is None) == (config is None):
        raise UserError("give either --profile PROFILE.toml FILE... or --config AUDIT.toml")
    if profile is not None:
        if not files:
            raise UserError("--profile needs at least one export FILE to load")
        return load_into_store(jobs_from_files(profile, list(files)), store, key=resolve_key(None), defaults={})
    if files:
        raise UserError("--config loads the files audit.toml lists; do not name files as well")
    from complaint_audit.helper_process import HelperProcess

    audit = load_config(config)
    with HelperProcess() as helper:
        return load_sources(audit, store, letters=reading_letters(audit, helper))


def reading_letters(audit: AuditConfig, helper: HelperProcess) -> Pending[list[Letter]] | None:
    """The letters of AUDIT's [letters] folder being read in HELPER while the exports load (load_sources joins them to
    the records); None without [letters]."""
    if audit.letters is None:
        return None
    from complaint_audit.letters.read import read_letters

    return helper.submit(read_letters, audit.letters)


def load_sources(
    audit: AuditConfig, store: Path, progress: Progress | None = None, letters: Pending[list[Letter]] | None = None
) -> LoadReport:
    """Load every source an audit config lists into STORE, with the response letters of its [letters] folder: LETTERS
    where they are being read elsewhere (reading_letters), else read here."""
    defaults = {"organisation": audit.organisation} if audit.organisation else {}
    jobs = jobs_from_config(audit)
    return load_into_store(jobs, store, key=resolve_key(audit.privacy_key), defaults=defaults, progress=progress,
                           before_commit=_joining_letters(audit, letters))


def _joining_letters(audit: AuditConfig, letters: Pending[list[Letter]] | None):
    """What joins the letters to the records before they are stored; None without [letters] (the
    letters package, and pypdfium2 with it, is imported only when there are letters)."""
    if audit.letters is None:
        return None
    from complaint_audit.letters.attach import attach_letters

    if letters is None:
        from complaint_audit.letters.read import read_letters

        return lambda batches: attach_letters(audit.letters, batches, read_letters(audit.letters))
    return lambda batches: attach_letters(audit.letters, batches, letters.result())
