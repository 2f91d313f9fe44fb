"""TOML files: reading one a user wrote (audit.toml, profiles), and the pieces of one the tool writes.

What the tool writes into a TOML file comes from outside it (export file names, header cells,
values), so every string, key and comment goes through toml_value, toml_key and toml_comment:
a name with a quote or a line break in it must stay a value, never become a new table.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file
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


def toml_value(value: object) -> str:
    """A string, whole number or list of them as a TOML value; strings as basic strings, fully escaped."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, int):
        return str(value)
    # A JSON string is a TOML basic string (control characters as \\uXXXX), except that TOML
    # wants DEL escaped too.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(name: str) -> str:
    """A key: bare when it can be, quoted otherwise."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else toml_value(name)


def toml_comment(text: str) -> str:
    """Text to follow a '#': one line, without the control characters TOML forbids in comments."""
    return " ".join(printable(text).split())
