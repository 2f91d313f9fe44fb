"""Which files are letters: the [letters] folder's files that its patterns name, in a stable order."""

from __future__ import annotations

import glob
import stat
from pathlib import Path

from complaint_audit.config import LettersConfig
from complaint_audit.ingest.limits import check_found_folders


def letter_files(config: LettersConfig) -> list[Path]:
    """The files (not folders) the patterns name inside the folder, each once, sorted by name.

    Files found through a linked folder are refused by name (the load's rule for exports);
    a linked file is kept, for the reader to report it unreadable by name.
    """
    found: dict[str, Path] = {}  # by the path in the folder, as the letters are ordered
    for pattern in config.files:
        for match in sorted(glob.glob(pattern, root_dir=config.folder, recursive=True)):
            path = config.folder / match
            if _file_or_link(path):
                check_found_folders(path, config.folder)
                found[Path(match).as_posix()] = path
    return [found[name] for name in sorted(found)]


def _file_or_link(path: Path) -> bool:
    """Whether PATH is not a folder, or is a link (to anything): one lstat, not a stat and an lstat. A file gone since
    the glob found it is kept, for the reader to report by name."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return True
    return stat.S_ISLNK(mode) or not stat.S_ISDIR(mode)


def letter_label(path: Path, config: LettersConfig) -> str:
    """How outputs name a letter: its path from the letters folder, the folder's name first."""
    return (Path(config.folder.name) / path.relative_to(config.folder)).as_posix()
