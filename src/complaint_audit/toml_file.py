"""Reading a TOML file a user wrote (audit.toml, profiles): its data, or one line saying why not."""

from __future__ import annotations

import tomllib
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.limits import check_input_file


def read_toml(path: Path, what: str) -> dict:
    """The document in PATH; a missing file or bad TOML is a UserError naming the file and WHAT it is."""
    check_input_file(Path(path), what, follow_links=True)  # a pipe or a device would never finish reading
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: {what} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not valid TOML: {error}") from None
