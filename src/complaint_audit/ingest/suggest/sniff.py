"""Sniffing an unknown export for `profile suggest`: read a sample, find how it is laid out (ingest/formats/)."""

from __future__ import annotations

from pathlib import Path

from complaint_audit.ingest.formats import csv as csv_format
from complaint_audit.ingest.formats import json as json_format
from complaint_audit.ingest.formats import parquet as parquet_format
from complaint_audit.ingest.formats import xlsx as xlsx_format
from complaint_audit.ingest.formats.tables import Sample


def read_sample(path: Path, file_format: str) -> Sample:
    """The head of PATH read as FILE_FORMAT, with the settings a profile needs to read it."""
    reader = {"csv": csv_format.read_sample, "xlsx": xlsx_format.read_sample, "json": json_format.read_sample,
              "parquet": parquet_format.read_sample}
    return reader[file_format](path)
