"""Parquet exports: read whole with pandas, or their first SAMPLE_ROWS rows (one batch) for `profile suggest`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from complaint_audit.errors import UserError
from complaint_audit.ingest.formats.tables import SAMPLE_ROWS, SOURCE_ROW, RawTable, Sample
from complaint_audit.ingest.limits import check_column_count, check_parquet_size

if TYPE_CHECKING:
    from complaint_audit.ingest.profile import Profile


def _check_parquet_text(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a text column holding bytes that are not UTF-8: Parquet's reader passes them, and the
    first text operation on them stopped the load with 'Invalid UTF8 sequence'."""
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name]) and frame[name].dtype != object:
            try:
                pa.array(frame[name]).validate(full=True)
            except pa.ArrowInvalid:
                raise UserError(f"{path}: column '{name}' holds text that is not UTF-8; write the file again with "
                                f"UTF-8 text (as every Parquet writer does by default)") from None


def read_export(path: Path, profile: Profile) -> RawTable:
    """The whole file, its columns typed as the writer typed them."""
    try:
        check_parquet_size(path, pq.read_metadata(path))
        frame = pd.read_parquet(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    _check_parquet_text(path, frame)
    frame[SOURCE_ROW] = pd.RangeIndex(len(frame)) + 1
    return RawTable(frame, "parquet", None)


def read_sample(path: Path) -> Sample:
    """The first SAMPLE_ROWS rows: one batch, however many rows the file holds."""
    try:
        parquet = pq.ParquetFile(path)
        check_column_count(path, parquet.metadata.num_columns)
        batch = next(parquet.iter_batches(batch_size=SAMPLE_ROWS), None)
    except (pa.ArrowInvalid, OSError) as error:
        raise UserError(f"{path}: not a readable Parquet file ({error})") from None
    frame = batch.to_pandas() if batch is not None else parquet.schema_arrow.empty_table().to_pandas()
    _check_parquet_text(path, frame)
    return Sample(frame, {}, len(frame), parquet.metadata.num_rows <= SAMPLE_ROWS)
