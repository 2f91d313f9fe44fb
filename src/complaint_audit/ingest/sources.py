"""Which files to load with which profile: from audit.toml or from the command line."""

from __future__ import annotations

import glob
from pathlib import Path

from complaint_audit.config import AuditConfig, is_placeholder
from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_found_folders
from complaint_audit.ingest.load import LoadJob
from complaint_audit.ingest.profile import Profile, load_profile
from complaint_audit.paths import path_text


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
            if _is_glob(pattern):
                for path in matches:
                    check_found_folders(path, config.folder / _literal_part(pattern))
            jobs += [LoadJob(path, profile, _label(path, config.folder)) for path in matches]
    return jobs


def _loadable_profile(path: Path) -> Profile:
    """The profile at PATH, refused while its organisation is still the draft's placeholder.

    A draft parses as written (so the rest of it can be checked), but records loaded with the
    placeholder would carry it as the council's name into every output.
    """
    profile = load_profile(path)
    if is_placeholder(profile.constants.get("organisation")):
        raise UserError(f"{path_text(path)}: [constants] organisation: still the placeholder from `complaint-audit profile suggest`: "
                        "write the council's name (or delete the line and set organisation in audit.toml)")
    return profile


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def _literal_part(pattern: str) -> Path:
    """The folders a pattern names before its first wildcard: 'exports' of 'exports/**/*.csv'."""
    parts = Path(pattern).parts
    return Path(*parts[: next(index for index, part in enumerate(parts) if _is_glob(part))])


def _matches(folder: Path, pattern: str) -> list[Path]:
    """The files a pattern names, relative to FOLDER unless it is absolute (Path.glob takes only
    relative patterns; glob.glob takes both)."""
    return sorted(folder / match for match in glob.glob(pattern, root_dir=folder, recursive=True))


def _label(path: Path, folder: Path) -> str:
    """How outputs name a file: relative to audit.toml's folder, or in full when it is elsewhere."""
    return path_text(path.relative_to(folder) if path.is_relative_to(folder) else path)
