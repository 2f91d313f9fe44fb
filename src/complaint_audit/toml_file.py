"""TOML files: reading one a user wrote (audit.toml, profiles), and the comments of one the tool writes.

The tool writes TOML (init's audit.toml, suggest's drafts) with tomlkit, so a value or key from
outside (an export's name, a header cell) stays a string whatever it holds. Comments are the one
place tomlkit takes text as it is: it refuses a line break, and the rest goes through toml_comment.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file
from complaint_audit.paths import text_without_surrogates
from complaint_audit.printable import printable


def read_toml(path: Path, what: str) -> dict:
    """The document in PATH; a missing file or bad TOML is a UserError naming the file and WHAT it is."""
    from complaint_audit.ingest.encodings import refuse_wide_text  # with pyarrow: only when a file is read

    check_input_file(Path(path), what)  # a link, a pipe or a device: refused before it is opened
    data = Path(path).read_bytes()
    refuse_wide_text(data, path, f"save the {what} as UTF-8")
    try:
        # Notepad and Excel may start a UTF-8 file with a byte-order mark, which TOML does not allow.
        return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UserError(f"{path}: line {line}: byte 0x{data[error.start]:02x} is not UTF-8; save the {what} as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None


def toml_comment(text: str) -> str:
    """Text to follow a '#': one line, without the control characters TOML forbids in comments,
    and any undecodable byte of a file name written out (a TOML file is UTF-8)."""
    return " ".join(text_without_surrogates(printable(text)).splitlines())
