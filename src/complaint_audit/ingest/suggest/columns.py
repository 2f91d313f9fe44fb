"""What each column of a sample holds (values, dates, amounts, personal data): the facts guess.py matches fields by."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

from complaint_audit.ingest.convert import text_values
from complaint_audit.ingest.suggest.dates import DateFacts, date_hinted, sniff_dates
from complaint_audit.ingest.suggest.personal import personal_reason

# What pyarrow (and so the loader) reads as missing, besides the empty string.
_MISSING_TEXT = {"n/a", "na", "#n/a", "null", "nan", "none"}
# A yes/no flag's values ('Timely response?' Yes/No): no canonical field is one.
_FLAG_WORDS = {"yes", "no", "y", "n", "true", "false", "t", "f"}


@dataclass(frozen=True)
class ColumnFacts:
    """What one column's sample values look like."""

    name: str
    label: str  # normalised header, for matching against synonyms
    filled: int
    counts: tuple[tuple[str, int], ...]  # distinct values, most frequent first (at most 31)
    distinct: int
    dates: DateFacts | None
    number_share: float  # share of filled values that read as amounts
    personal: tuple[str, str] | None  # (kind, why) when the column looks like personal data
    row_number: bool  # whole numbers counting up by one down the rows: a row's number, not a case's
    flag: bool  # only yes/no (true/false) values
    raw: pd.Series = field(repr=False, compare=False)  # the sample values, missing ones as None


def normalise_header(name: object) -> str:
    """'Date_Received (dd/mm/yyyy)' -> 'date received'; camelCase and dots become words."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=\d)(?=[A-Z][a-z])", " ", str(name))
    text = re.sub(r"['’]", "", text.replace("&", " and ")).casefold()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(re.sub(r"\b(?:dd|mm|yy|yyyy)\b", " ", text).split())


def describe_columns(frame: pd.DataFrame) -> list[ColumnFacts]:
    """Facts for every column of a sample frame, in column order."""
    return [describe_column(str(name), frame[name]) for name in frame.columns]


def describe_column(name: str, column: pd.Series) -> ColumnFacts:
    label = normalise_header(name)
    column = column.reset_index(drop=True)
    if column.dtype == object:  # JSON lists and objects are described by their text
        column = column.map(lambda value: json.dumps(value) if isinstance(value, (list, dict)) else value)
    text = text_values(column)
    text = text.where(~text.str.casefold().isin(_MISSING_TEXT))
    filled_text = text.dropna()
    counts = sorted(filled_text.value_counts().items(), key=lambda item: (-item[1], item[0]))
    amounts = filled_text.str.fullmatch(r"£?\s*-?[\d,]*\.?\d+")
    dates = sniff_dates(column, text, hinted=date_hinted(label))
    return ColumnFacts(
        name=name,
        label=label,
        filled=len(filled_text),
        counts=tuple((str(value), int(count)) for value, count in counts[:31]),
        distinct=len(counts),
        dates=dates,
        number_share=float(amounts.mean()) if len(filled_text) else 0.0,
        personal=personal_reason(label, filled_text, len(counts), dated=dates is not None),
        raw=column.where(text.notna(), None),
        row_number=_counts_rows(filled_text, len(column)),
        flag=bool(len(filled_text)) and set(filled_text.str.strip().str.casefold()) <= _FLAG_WORDS,
    )


def _counts_rows(filled_text: pd.Series, rows: int) -> bool:
    """Whether the values are whole numbers going up by one from row to row ('Record ID' 1, 2, 3 ...)."""
    if rows < 3 or len(filled_text) < 0.9 * rows or not filled_text.str.fullmatch(r"\d{1,9}").all():
        return False
    steps = pd.to_numeric(filled_text).diff().dropna()
    return bool((steps == 1).mean() >= 0.9)
