"""Spreadsheet cells made safe: text a spreadsheet would run as a formula is shown as text."""

from __future__ import annotations

import pandas as pd

# Cells starting with these run as formulas (or DDE commands) in Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@")


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of FRAME whose text cells that start like a formula get a leading ' (shown, not run)."""
    safe = frame.copy()
    for name in safe.columns:
        if safe[name].dtype == object or pd.api.types.is_string_dtype(safe[name]):
            text = safe[name].astype("str")
            risky = text.str.startswith(FORMULA_START) & safe[name].notna()
            safe[name] = safe[name].where(~risky, "'" + text)
    return safe
