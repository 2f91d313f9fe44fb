"""Write a register to Excel as reporting tools do, and byte for byte the same every time."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font


def write_register(
    frame: pd.DataFrame,
    path: Path,
    *,
    sheet_name: str,
    title_lines: list[str],
    header_row: int,
    date_columns: tuple[str, ...],
    money_columns: tuple[str, ...],
    produced: dt.datetime,
    creator: str,
) -> None:
    """`frame` under a title block (`title_lines` from A1), its header on `header_row`.

    Dates become date cells shown dd/mm/yyyy; text typed into a date column stays text, as a
    hand-edited register has it. `produced` stamps the workbook so that the file never depends on
    when it was written.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    for row, line in enumerate(title_lines, start=1):
        sheet.cell(row=row, column=1, value=line).font = Font(bold=row == 1, size=14 if row == 1 else 11)
    for column, header in enumerate(frame.columns, start=1):
        cell = sheet.cell(row=header_row, column=column, value=header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(header) + 2)
    dates = {frame.columns.get_loc(name) for name in date_columns}
    money = {frame.columns.get_loc(name) for name in money_columns}
    for offset, record in enumerate(frame.itertuples(index=False, name=None)):
        for column, value in enumerate(record):
            if value is None:
                continue
            if isinstance(value, (pd.Timestamp, np.datetime64)):
                value = pd.Timestamp(value).date()
            cell = sheet.cell(row=header_row + 1 + offset, column=column + 1, value=value)
            if column in dates and isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif column in money:
                cell.number_format = '"£"#,##0.00'
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    workbook.properties.creator = creator
    workbook.properties.created = produced
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pinned_bytes(workbook, produced))


def pinned_bytes(workbook: Workbook, produced: dt.datetime) -> bytes:
    """The workbook saved, with its zip entry times and 'modified' property pinned to `produced`."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _pinned(buffer.getvalue(), produced)


def _pinned(data: bytes, produced: dt.datetime) -> bytes:
    """Same workbook, same bytes: pin the zip entry times and the 'modified' property.

    openpyxl stamps both with the time of saving, which would make every regeneration differ.
    """
    stamp = produced.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", content
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
