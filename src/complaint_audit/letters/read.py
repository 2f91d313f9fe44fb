"""Each letter file read once: its hash, its text (or why it could not be read), what it says it is."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from complaint_audit.config import LettersConfig
from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.letters.files import letter_files, letter_label
from complaint_audit.letters.identify import Identity, identify
from complaint_audit.letters.index import IndexEntry, read_index
from complaint_audit.letters.text import text_of_file
from complaint_audit.letters.unreadable import Unreadable

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess

# The letters a task of hand_out_letters reads: some 20-40 ms of the sample's, so that neither process waits on the
# other for longer than that, with a few dozen tasks in all.
LETTERS_PER_TASK = 16


@dataclass(frozen=True)
class Letter:
    """One letter file as read: `text` is None and `unreadable` says why when it could not be read."""

    label: str
    sha256: str
    text: str | None
    unreadable: str | None
    identity: Identity


def read_letters(config: LettersConfig) -> list[Letter]:
    """Every letter of the folder, read here."""
    index = read_index(config.index) if config.index else None
    return read_letter_files(letter_files(config), config, index)


def hand_out_letters(config: LettersConfig, helper: HelperProcess) -> Callable[[], list[Letter]]:
    """Every letter of the folder, read LETTERS_PER_TASK files a task: None of the records is needed, so HELPER takes
    the tasks from the last while a run loads its exports, and the call returned, once this process is done with
    its own, reads those the helper has not begun from the first and gives every letter in the folder's order.
    Neither process waits on the other for longer than one task takes: with the whole folder given to the helper,
    this process, done with its exports, waited for the letters or for the export the helper loaded after them
    (0.1-0.2 s of the sample's run; 0.5 s with its letters four times over). The index is read here, first: a bad one stops the run
    before anything is loaded, and each task is sent only its own files' entries."""
    index = read_index(config.index) if config.index else None
    paths = letter_files(config)
    tasks = [paths[start : start + LETTERS_PER_TASK] for start in range(0, len(paths), LETTERS_PER_TASK)]
    given = [helper.submit(read_letter_files, files, config, _entries_of(files, config, index)) for files in reversed(tasks)]
    return lambda: [letter for pending in reversed(given) for letter in pending.soonest()]


def read_letter_files(paths: list[Path], config: LettersConfig, index: dict[str, IndexEntry] | None) -> list[Letter]:
    return [read_letter(path, config, index) for path in paths]


def _entries_of(paths: list[Path], config: LettersConfig, index: dict[str, IndexEntry] | None
                ) -> dict[str, IndexEntry] | None:
    """The entries of INDEX that _from_index may look up for PATHS: by path in the folder, and by name."""
    if index is None:
        return None
    keys = {key for path in paths for key in (path.relative_to(config.folder).as_posix().casefold(), path.name.casefold())}
    return {key: index[key] for key in keys if key in index}


def read_letter(path: Path, config: LettersConfig, index: dict[str, IndexEntry] | None) -> Letter:
    label = letter_label(path, config)
    try:
        check_input_file(path, "letter")
        with path.open("rb") as handle:
            sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    except (UserError, OSError) as error:
        return Letter(label, "", None, _without_path(error, path), Identity(None, None, None, "response"))
    try:
        read = text_of_file(path)
        text, first_page, unreadable = read.text, read.first_page, None
    except Unreadable as error:
        text, first_page, unreadable = None, "", str(error)
    except MemoryError:
        text, first_page, unreadable = None, "", "not enough memory to read it"
    identity = identify(path.name, first_page, config)
    if index is not None:
        identity = _from_index(path, config, index, identity)
    return Letter(label, sha256, text, unreadable, identity)


def _from_index(path: Path, config: LettersConfig, index: dict[str, IndexEntry], found: Identity) -> Identity:
    """The index's word on the case, stage and kind, where it has a row for the file (by path in the folder, else by name);
    the stage and kind the letter states fill what the index leaves blank."""
    entry = index.get(path.relative_to(config.folder).as_posix().casefold()) or index.get(path.name.casefold())
    if entry is None:
        return Identity(None, None, found.stage, found.kind)
    return Identity(entry.case_id or None, "index", entry.stage or found.stage, entry.kind or found.kind)


def _without_path(error: UserError | OSError, path: Path) -> str:
    """Why the file could not be opened, without its path, which may hold the complainant's name (the workbook names
    the letter beside it, masked; the report names no letter's file): an OSError's own words, a UserError's message
    after the path it starts with."""
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error).removeprefix(f"{path}: ")
