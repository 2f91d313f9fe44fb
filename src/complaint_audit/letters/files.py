"""Which files are letters: the [letters] folder's files that its patterns name, in a stable order."""

from __future__ import annotations

import glob
from pathlib import Path

from complaint_audit.config import LettersConfig
from complaint_audit.ingest.limits import check_found_folders


def letter_files(config: LettersConfig) -> list[Path]:
    """The files (not folders) the patterns name inside the folder, each once, sorted by name.

    Files found through a linked folder are refused by name (the load's rule for exports);
    a linked file is kept, for the reader to report it unreadable by name.
    """
    found: dict[Path, None] = {}
    for pattern in config.files:
        for match in sorted(glob.glob(pattern, root_dir=config.folder, recursive=True)):
            path = config.folder / match
            if path.is_symlink() or not path.is_dir():
                check_found_folders(path, config.folder)
                found[path] = None
    return sorted(found, key=lambda path: path.relative_to(config.folder).as_posix())


def letter_label(path: Path, config: LettersConfig) -> str:
    """How outputs name a letter: its path from the letters folder, the folder's name first."""
    return (Path(config.folder.name) / path.relative_to(config.folder)).as_posix()
