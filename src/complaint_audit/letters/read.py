"""Each letter file read once: its hash, its text (or why it could not be read), what it says it is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.config import LettersConfig
from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.letters.files import letter_files, letter_label
from complaint_audit.letters.identify import Identity, identify
from complaint_audit.letters.index import IndexEntry, read_index
from complaint_audit.letters.text import text_of_file
from complaint_audit.letters.unreadable import Unreadable


@dataclass(frozen=True)
class Letter:
    """One letter file as read: `text` is None and `unreadable` says why when it could not be read."""

    label: str
    sha256: str
    text: str | None
    unreadable: str | None
    identity: Identity


def read_letters(config: LettersConfig) -> list[Letter]:
    """Every letter of the folder, read. None of the records is needed, so a run reads them in its helper
    process while the exports load (ingest/api.py)."""
    index = read_index(config.index) if config.index else None
    return [read_letter(path, config, index) for path in letter_files(config)]


def read_letter(path: Path, config: LettersConfig, index: dict[str, IndexEntry] | None) -> Letter:
    label = letter_label(path, config)
    try:
        check_input_file(path, "letter")
        with path.open("rb") as handle:
            sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    except (UserError, OSError) as error:
        return Letter(label, "", None, _short(error), Identity(None, None, None, "response"))
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


def _short(error: Exception) -> str:
    """A UserError's message without the path it starts with: the letter is named beside it."""
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text
