"""Readers: one export file -> a frame of raw values, one row per source record (ingest/formats/)."""

from __future__ import annotations

from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.ingest.formats import csv as csv_format
from complaint_audit.ingest.formats import json as json_format
from complaint_audit.ingest.formats import parquet as parquet_format
from complaint_audit.ingest.formats import xlsx as xlsx_format
from complaint_audit.ingest.formats.tables import RawTable
from complaint_audit.ingest.profile import Profile


def read_export(path: Path, profile: Profile) -> RawTable:
    """Read one export as the profile describes it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    file_format = profile.format_for(path)
    reader = {"csv": csv_format.read_export, "xlsx": xlsx_format.read_export, "json": json_format.read_export,
              "parquet": parquet_format.read_export}[file_format]
    return reader(path, profile)
