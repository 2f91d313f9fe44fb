"""Outcome codes that mean "no outcome yet": the record loads open, with no outcome.

Real exports put a case's state in its outcome column ("In progress", "Awaiting internal
review", "Long overdue"). A profile maps such codes to `open` under `[values.outcome]`; the record
then has no outcome and the status `open`, unless a status column of its own says otherwise
(docs/profiles.md, "Open and closed cases").
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.schema import OPEN_OUTCOME, Status


def open_outcomes_to_status(frame: pd.DataFrame) -> None:
    """In place: outcomes mapped to `open` become no outcome, and status open where the status is not given."""
    outcome = frame["outcome"]
    if not isinstance(outcome.dtype, pd.CategoricalDtype) or OPEN_OUTCOME not in outcome.cat.categories:
        return
    now_open = outcome.eq(OPEN_OUTCOME).to_numpy(dtype=bool)
    frame["outcome"] = outcome.cat.remove_categories([OPEN_OUTCOME])
    if now_open.any():
        status = frame["status"].astype("object").where(frame["status"].notna() | ~now_open, Status.OPEN.value)
        frame["status"] = pd.Categorical(status, categories=sorted(status.dropna().unique()))
