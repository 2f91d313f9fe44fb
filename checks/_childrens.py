"""What the CSC checks share: the children's statutory stages, their fields and the extension rule."""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks._timing import reason_given

THRESHOLDS = {"amber_above": 5.0, "red_above": 20.0}
CHILDRENS = "childrens_statutory"
FIELDS = ["organisation", "case_id", "stage", "team", "received", "extended_due", "extension_reason",
          "statement_agreed", "investigation_completed", "panel_held", "panel_report", "responded", "closed",
          "outcome", "status"]
REGULATIONS = "Children Act 1989 Representations Procedure (England) Regulations 2006 (SI 2006/1738)"
STAGE2_START = ("Stage 2 runs from the later of the request and the agreed statement of complaint; the rule is "
                "unconfirmed [U], so a case that is late measured from the request is flagged too.")


def stage_rows(records: pd.DataFrame, stage: str) -> pd.DataFrame:
    """One children's stage, with only the fields these checks use: copying free text would cost more than a check."""
    return records.loc[records["process"].eq(CHILDRENS) & records["stage"].eq(stage), FIELDS]


def extended(rows: pd.DataFrame) -> pd.Series:
    """An extension counts when it has a date and a recorded reason (the complainant told in writing)."""
    return rows["extended_due"].notna() & reason_given(rows)
