"""Which files to load with which profile: from audit.toml or from the command line."""

from __future__ import annotations

import glob
from pathlib import Path

from complaint_audit.config import AuditConfig, is_placeholder
from complaint_audit.errors import UserError
from complaint_audit.ingest.load import LoadJob
from complaint_audit.ingest.profile import Profile, load_profile


def jobs_from_files(profile_path: Path, files: list[Path]) -> list[LoadJob]:
    """`load --profile P FILE...`: each file named as the user typed it."""
    profile = _loadable_profile(profile_path)
    return [LoadJob(Path(file), profile, path_text(Path(file))) for file in files]


def jobs_from_config(config: AuditConfig) -> list[LoadJob]:
    """Every file every [[sources]] entry names, globs expanded, relative to audit.toml."""
    if not config.sources:
        raise UserError(f"{config.path}: no [[sources]] to load")
    jobs = []
    for number, source in enumerate(config.sources, start=1):
        profile = _loadable_profile(config.folder / source.profile)
        for pattern in source.files:
            matches = _matches(config.folder, pattern) if _is_glob(pattern) else [config.folder / pattern]
            # Folders are not exports; links, pipes and devices are kept so the load refuses them by name.
            matches = [path for path in matches if path.is_symlink() or not path.is_dir()]
            if not matches:
                raise UserError(f"{config.path}: sources #{number}: '{pattern}' matches no file")
            jobs += [LoadJob(path, profile, _label(path, config.folder)) for path in matches]
    return jobs


def _loadable_profile(path: Path) -> Profile:
    """The profile at PATH, refused while its organisation is still the draft's placeholder.

    A draft parses as written (so the rest of it can be checked), but records loaded with the
    placeholder would carry it as the council's name into every output.
    """
    profile = load_profile(path)
    if is_placeholder(profile.constants.get("organisation")):
        raise UserError(f"{path}: [constants] organisation: still the placeholder from `complaint-audit profile suggest`: "
                        "write the council's name (or delete the line and set organisation in audit.toml)")
    return profile


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def _matches(folder: Path, pattern: str) -> list[Path]:
    """The files a pattern names, relative to FOLDER unless it is absolute (Path.glob takes only
    relative patterns; glob.glob takes both)."""
    return sorted(folder / match for match in glob.glob(pattern, root_dir=folder, recursive=True))


def _label(path: Path, folder: Path) -> str:
    """How outputs name a file: relative to audit.toml's folder, or in full when it is elsewhere."""
    return path_text(path.relative_to(folder) if path.is_relative_to(folder) else path)


def path_text(path: Path) -> str:
    """A file's name as text every output can hold. A name that is not valid UTF-8 (bytes a Linux
    file system allows) reaches Python with surrogates, which no UTF-8 file or JSON can hold: its
    bad bytes are written as \\xNN, so the name stays recognisable and distinct."""
    return path.as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
