"""How a column writes its dates, so a draft profile can declare their day/month order and any format the loader needs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_audit.ingest.dates import parse_dates

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# Formats the loader does not try by itself; one found here is written as [dates] format.
_EXTRA_FORMATS = ("%d-%b-%Y", "%d-%b-%y", "%d-%B-%Y", "%b-%d-%Y", "%Y%m%d")


@dataclass(frozen=True)
class DateFacts:
    """How a column writes its dates."""

    order: str | None  # dmy | mdy | ymd | ambiguous | conflict; None when no text date shows one
    example: str | None  # a value that shows the order
    kinds: tuple[str, ...]  # "real date cells", "ISO dates", "text dates", "Excel serial numbers"
    format: str | None  # a strftime format the loader needs to be told, if any


def date_hinted(label: str) -> bool:
    """Headers that make a column of plain numbers worth reading as Excel serial dates."""
    return bool(re.search(r"\b(?:date|dt|received|responded|closed|due|opened|logged|sent|completed)\b", label))


def sniff_dates(column: pd.Series, text: pd.Series, *, hinted: bool) -> DateFacts | None:
    """DateFacts when most filled values are dates (cells, ISO, text, serials); else None."""
    filled = text.notna()
    if not filled.any() or text[filled].str.len().median() > 40:  # free text, not dates
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        is_cell = filled
    else:
        is_cell = column.map(lambda value: isinstance(value, (dt.date, np.datetime64))).astype(bool) & filled
    written = text.where(filled & ~is_cell).fillna("")
    iso = written.str.match(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]|$)")
    parts = written.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T]\d|$)")
    numeric = parts[0].notna()
    ymd = written.str.match(r"\d{4}[/.]\d{1,2}[/.]\d{1,2}(?:[ T]|$)")
    words_dmy = written.str.match(rf"(?i)\d{{1,2}}(?:st|nd|rd|th)?[ \-/]{_MONTH}[ \-/,]+\d{{2,4}}$")
    words_mdy = written.str.match(rf"(?i){_MONTH}[ \-]\d{{1,2}}(?:st|nd|rd|th)?,?[ \-]\d{{2,4}}$")
    serial = written.str.fullmatch(r"\d{5}(?:\.\d+)?") & pd.to_numeric(written, errors="coerce").between(20000, 80000)
    serial &= hinted
    date_like = is_cell | iso | numeric | ymd | words_dmy | words_mdy | serial
    if date_like[filled].mean() < 0.8:
        return None
    kinds = [
        kind
        for kind, mask in (
            ("real date cells", is_cell),
            ("ISO dates", iso),
            ("text dates", numeric | ymd | words_dmy | words_mdy),
            ("Excel serial numbers", serial),
        )
        if mask.any()
    ]
    order, example = _text_order(written, parts, numeric, ymd, words_dmy, words_mdy)
    return DateFacts(order, example, tuple(kinds), _needed_format(column[filled & ~is_cell], order))


def _text_order(written, parts, numeric, ymd, words_dmy, words_mdy) -> tuple[str | None, str | None]:
    """The day/month order the text dates show, and a value that shows it.

    Only real dates count as evidence, so one mistyped 31/09/2023 does not decide the order.
    """
    first, second = (pd.to_numeric(parts[i], errors="coerce") for i in (0, 1))
    real_dmy, real_mdy = _real_dates(parts, day=0, month=1), _real_dates(parts, day=1, month=0)
    day_first, month_first = numeric & (first > 12) & real_dmy, numeric & (second > 12) & real_mdy
    if day_first.any() and month_first.any():
        return "conflict", f"{written[day_first].iloc[0]} and {written[month_first].iloc[0]}"
    shown = (("dmy", day_first), ("mdy", month_first), ("ambiguous", numeric & (real_dmy | real_mdy)), ("ymd", ymd))
    for order, mask in shown:
        if mask.any():
            return order, written[mask].iloc[0]
    if words_dmy.any() or words_mdy.any():
        order = "mdy" if words_mdy.sum() > words_dmy.sum() else "dmy"
        return order, written[words_mdy if order == "mdy" else words_dmy].iloc[0]
    return None, None


def _real_dates(parts: pd.DataFrame, *, day: int, month: int) -> pd.Series:
    """Whether each extracted (a, b, year) is a calendar date when read with this day and month."""
    year = pd.to_numeric(parts[2], errors="coerce")
    year = year.where(year >= 100, year + 2000)
    month_day = {"month": pd.to_numeric(parts[month], errors="coerce"), "day": pd.to_numeric(parts[day], errors="coerce")}
    return pd.to_datetime(pd.DataFrame({"year": year, **month_day}), errors="coerce").notna()


def _needed_format(values: pd.Series, order: str | None) -> str | None:
    """A format to declare when the loader's own forms leave text dates unread."""
    if values.empty:
        return None
    loader_order = order if order in ("dmy", "mdy", "ymd") else "dmy"
    unread = values[parse_dates(values, loader_order).values.isna()].astype("str").str.strip()
    if unread.empty:
        return None
    parsed = {form: pd.to_datetime(unread, format=form, errors="coerce").notna().sum() for form in _EXTRA_FORMATS}
    best = max(parsed, key=parsed.get)
    return best if parsed[best] > 0 else None
