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
    check_input_file(Path(path), what, follow_links=True)  # a pipe or a device would never finish reading
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
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
