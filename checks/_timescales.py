"""The clocks and selections the TS checks share: the codes' timescales, the council's own stages, working-day deadlines."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks._timing import reason_given
from complaint_audit.engine.contract import percent

THRESHOLDS = {"amber_above": 5.0, "red_above": 20.0}
CODE_PROCESSES = ("corporate", "housing")
COUNCIL_STAGES = ("1", "2")  # the ombudsman's own stage runs to its timescales, not the council's
FIELDS = ["organisation", "case_id", "stage", "team", "process", "received", "acknowledged", "due", "extended_due",
          "extension_reason", "statement_agreed", "responded", "closed", "outcome", "status"]
CODE_CLOCK = {"acknowledge_working_days": 5, "response_working_days": {"1": 10, "2": 20},  # the codes' clock
              "extension_working_days": {"1": 10, "2": 20}}


def lookup(column: pd.Series, mapping) -> pd.Series:
    """mapping[value] per row, missing where the value is not a key (whole-column comparisons: faster than map)."""
    chosen = [column.eq(key).to_numpy(dtype=bool, na_value=False) for key in mapping]
    values = np.select(chosen, [float(value) for value in mapping.values()], default=np.nan)
    return pd.Series(values, index=column.index).astype("Int64")


def select_rows(records: pd.DataFrame, mask: pd.Series | None = None, processes=None) -> pd.DataFrame:
    """Rows by mask, or the council stages of some processes; only the fields used: copying letters costs more."""
    if processes is not None:
        mask = council_stages_of(records, processes)
    return records.loc[mask, FIELDS]


def council_stages_of(records: pd.DataFrame, processes) -> pd.Series:
    return records["process"].isin(list(processes)) & records["stage"].isin(COUNCIL_STAGES)


def code_clock(rows: pd.DataFrame, calendar, params) -> pd.DataFrame:
    """Corporate and housing response clocks: from acknowledgement, or from receipt plus the acknowledgement
    allowance when none is recorded (RULES.md 3); an extension counts with a reason, up to the code's maximum."""
    from_receipt = rows["acknowledged"].isna()
    start = rows["acknowledged"].where(~from_receipt, rows["received"])
    allowance = lookup(rows["stage"], params["response_working_days"])
    deadline = calendar.add_working_days(start, allowance + from_receipt * int(params["acknowledge_working_days"]))
    latest = calendar.add_working_days(deadline, lookup(rows["stage"], params["extension_working_days"]))
    extended = rows["extended_due"].notna() & reason_given(rows) & rows["extended_due"].gt(deadline)
    extended_to = rows["extended_due"].where(rows["extended_due"].le(latest), latest)
    return pd.DataFrame({"start": start, "from_receipt": from_receipt, "deadline": deadline, "latest": latest,
                         "extended": extended, "beyond_latest": extended & rows["extended_due"].gt(latest),
                         "due": deadline.where(~extended, extended_to)})


def on_time_by(group: pd.Series, names, on_time: pd.Series, assessed: pd.Series, label: str = "{}") -> dict:
    """Percent on time per group with any case assessed, as metrics named '<label>_percent_on_time'."""
    return {f"{label.format(name)}_percent_on_time": percent(int((on_time & group.eq(name)).sum()),
                                                            int((assessed & group.eq(name)).sum()))
            for name in names if (assessed & group.eq(name)).any()}
