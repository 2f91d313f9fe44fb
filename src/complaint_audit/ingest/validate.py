"""Validation: one reason per row that cannot be loaded, decided over whole columns.

The first failing rule wins, in the order of REASONS, so each quarantined row carries exactly
one reason and the per-reason counts add up to the quarantined total.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.schema import RECORD_KEY, REQUIRED_FIELDS

REASONS = (
    "no_stage_data",
    "bad_stage_list",
    "bad_date",
    "date_order",
    "bad_number",
    "unmapped_value",
    "missing_required",
    "responded_before_received",
    "duplicate_record",
)


def quarantine_reasons(
    frame: pd.DataFrame,
    stage_problem: pd.Series,
    conversion_problem: pd.Series,
    conversion_detail: pd.Series,
) -> tuple[pd.Series, pd.Series]:
    """(reason, detail) per row; both missing for a row that loads."""
    reason = stage_problem.astype(object).where(stage_problem.notna(), None)
    detail = reason.map(
        {"no_stage_data": "the record holds no stage", "bad_stage_list": "the stage list is not a list of objects"}
    ).astype(object)

    def note(mask: pd.Series, code: pd.Series | str, message: pd.Series | str) -> None:
        fresh = mask & reason.isna()
        reason[fresh] = code[fresh] if isinstance(code, pd.Series) else code
        detail[fresh] = message[fresh] if isinstance(message, pd.Series) else message

    note(conversion_problem.notna(), conversion_problem, conversion_detail)
    for name in REQUIRED_FIELDS:
        note(frame[name].isna(), "missing_required", f"{name} is empty")
    responded_early = frame["responded"] < frame["received"]
    note(
        responded_early.fillna(False),
        "responded_before_received",
        "responded " + _iso(frame["responded"]) + " is before received " + _iso(frame["received"]),
    )
    candidates = reason.isna()
    keyed = frame.loc[candidates, list(RECORD_KEY) + ["source_row"]]
    first_row = keyed.groupby(list(RECORD_KEY), sort=False, dropna=False)["source_row"].transform("first")
    duplicate = keyed.duplicated(list(RECORD_KEY), keep="first").reindex(frame.index, fill_value=False)
    note(duplicate, "duplicate_record", "same organisation, case_id and stage as row " + first_row.astype("str").reindex(frame.index))
    return reason, detail


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d")
