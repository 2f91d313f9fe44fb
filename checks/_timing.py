"""Pieces the timescale families (TS, CSC) share: reason text built from whole columns, open cases, extensions."""

from __future__ import annotations

import pandas as pd


def working_days_text(values: pd.Series) -> pd.Series:
    """Working-day counts as text for reasons ('14'); missing counts read '<NA>'."""
    return values.astype("Int64").astype("str")


def when(condition: pd.Series, text) -> pd.Series:
    """text where condition holds, else an empty string: reasons are built from such parts."""
    text = text if isinstance(text, pd.Series) else pd.Series(text, index=condition.index, dtype="str")
    return text.where(condition.fillna(False).astype(bool), "")


def joined(*parts: pd.Series) -> pd.Series:
    """Reason parts joined with '; ', skipping the empty ones."""
    result = parts[0]
    for part in parts[1:]:
        result = result + when(result.ne("") & part.ne(""), "; ") + part
    return result


def open_on(rows: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Stages received by the audit date and not answered by then: not responded, and not closed (nor
    settled undated, by an outcome or the status closed) unless the source's status says open.

    A status open outranks a closed date: the source says the case still waits (docs/profiles.md,
    "Open and closed cases"); a response date is the answer itself, so it still ends the wait.
    """
    said_open, said_closed = rows["status"].eq("open").fillna(False), rows["status"].eq("closed").fillna(False)
    settled_undated = (rows["outcome"].notna() | said_closed) & rows["responded"].isna() & rows["closed"].isna()
    waiting = said_open | (~rows["closed"].le(as_of) & ~settled_undated)
    return rows["received"].le(as_of) & ~rows["responded"].le(as_of) & waiting


def reason_given(rows: pd.DataFrame) -> pd.Series:
    """Whether an extension reason is recorded: an extension without one does not count.

    Only the recorded reasons are stripped: most stages were never extended.
    """
    reasons = rows["extension_reason"]
    given = reasons.notna()
    given[given] = reasons[given].astype("str").str.strip().ne("").to_numpy(dtype=bool)
    return given
