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
    from complaint_audit.helper_process import HelperProcess


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

    with HelperProcess(LETTER_READERS) as helper:
        return load_sources(load_config(config), store, helper=helper)


# What a helper process imports to read letters (helper_process.py): the letters package and its two readers of note.
LETTER_READERS = ("complaint_audit.letters.read", "docx", "pypdfium2")


def load_sources(
    audit: AuditConfig, store: Path, progress: Progress | None = None, helper: HelperProcess | None = None
) -> LoadReport:
    """Load every source an audit config lists into STORE, with the response letters of its [letters] folder.

    With a HELPER, the letters are read in it while the exports load."""
    defaults = {"organisation": audit.organisation} if audit.organisation else {}
    jobs = jobs_from_config(audit)
    return load_into_store(jobs, store, key=resolve_key(audit.privacy_key), defaults=defaults, progress=progress,
                           before_commit=_letters(audit, helper))


def _letters(audit: AuditConfig, helper: HelperProcess | None):
    """What joins the letters to the records before they are stored; None without [letters] (the
    letters package, and python-docx and pypdfium2 with it, is imported only when there are letters)."""
    if audit.letters is None:
        return None
    from complaint_audit.letters.attach import attach_letters
    from complaint_audit.letters.read import read_letters

    if helper is None:
        return lambda batches: attach_letters(audit.letters, batches, read_letters(audit.letters))
    letters = helper.submit(read_letters, audit.letters)
    return lambda batches: attach_letters(audit.letters, batches, letters.result())
