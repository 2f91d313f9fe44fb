"""Export formats: one module per format, each with the reader of a whole export and of its head.

Readers do not interpret anything: text stays text (CSV), cells keep the type the file gave
them (Excel dates, JSON numbers), so that later steps can report a bad value exactly as the
source wrote it. Each frame carries `source_row`, the row a person would look up in the file.
A sample's columns are named exactly as the whole-export reader names them, so a draft
profile's column names match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from complaint_audit.errors import UserError
from complaint_audit.ingest.formats import csv, json, parquet, xlsx
from complaint_audit.ingest.formats.tables import RawTable, Sample

if TYPE_CHECKING:
    from complaint_audit.ingest.profile import Profile


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name in [source] format, the extensions that imply it, and its two readers."""

    name: str
    extensions: tuple[str, ...]  # lower case, with the dot
    read: Callable[[Path, Profile], RawTable]  # the whole export, as the profile describes it
    sample: Callable[[Path], Sample]  # its head, and the [source] settings found there, for `profile suggest`


# The order is the order error messages list the formats in.
FORMATS = (
    ExportFormat("csv", (".csv", ".txt"), csv.read_export, csv.read_sample),
    ExportFormat("xlsx", (".xlsx", ".xlsm"), xlsx.read_export, xlsx.read_sample),
    ExportFormat("json", (".json",), json.read_export, json.read_sample),
    ExportFormat("parquet", (".parquet",), parquet.read_export, parquet.read_sample),
)
FORMAT_NAMES = tuple(export.name for export in FORMATS)
_BY_NAME = {export.name: export for export in FORMATS}
_BY_EXTENSION = {extension: export for export in FORMATS for extension in export.extensions}


def export_format(name: str) -> ExportFormat:
    """The format called NAME, one of FORMAT_NAMES (a profile's [source] format is checked against them)."""
    return _BY_NAME[name]


def format_of_extension(path: Path) -> ExportFormat | None:
    """The format PATH's extension implies, in any case; None for an extension no format claims."""
    return _BY_EXTENSION.get(path.suffix.lower())


def read_export(path: Path, profile: Profile) -> RawTable:
    """Read one export as the profile describes it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    return profile.format_for(path).read(path, profile)
