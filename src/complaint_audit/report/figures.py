"""Figures from the run's records: headline counts and on time by stage (the teams side by side: teams.py).

"On time" is what the run's own timeliness checks decided, not a second calculation: an answered
stage is late when a check covering it listed it as an exception, so every figure in the report
agrees with results.json. Each check declares the processes and stages it covers and whether it
measures the response or the acknowledgement (`on_time` in results.json); a stage is on time when
both were, and a process and stage whose response check did not run is left out of the figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from complaint_audit.report.keys import row_codes
from complaint_audit.report.suppression import NO_SUPPRESSION, Suppression
from complaint_audit.report.text import STAGE_WORDS
from complaint_audit.schema import COUNCIL_STAGES, DECIDED_OUTCOMES, UPHELD_OUTCOMES

_MEASURED = ("pass", "warn", "fail")
_KEY = ["organisation", "case_id", "stage"]
NO_TEAM = "No team recorded"
ON_TIME_WHOLE_RULE = "On time (acknowledged and answered)"
ON_TIME_RESPONSE_ONLY = "Answered on time (acknowledgement not checked)"


def team_names(team: pd.Series) -> pd.Series:
    """The team column as a categorical, a missing team named NO_TEAM (categories, not a string per row)."""
    team = team.astype("category")
    if team.isna().any():
        if NO_TEAM not in team.cat.categories:
            team = team.cat.add_categories([NO_TEAM])
        team = team.fillna(NO_TEAM)
    return team


def on_time_roles(checks: list[dict]) -> dict[str, list[dict]]:
    """The on-time declarations (`on_time` in results.json) of the checks that measured something, by code."""
    return {check["code"]: check.get("on_time") or [] for check in checks
            if check["status"] in _MEASURED and check.get("on_time")}


def answered_stages(records: pd.DataFrame, exceptions: pd.DataFrame, roles: Mapping[str, list[dict]]) -> pd.DataFrame:
    """Answered council stages that a response check measured, with `on_time` from the exceptions of every
    check covering them (ROLES, on_time_roles): a stage is late when its response check or its
    acknowledgement check listed it, so the figure is the whole rule, not the response alone.
    `acknowledgement` says whether an acknowledgement check covered the stage."""
    rows = records.loc[records["stage"].isin(COUNCIL_STAGES) & records["responded"].notna(),
                       [*_KEY, "case_key", "team", "process"]]
    # Each stage and each exception as one integer, on one scale, worked out once for every check.
    row_keys, listed_keys = row_codes(rows, ["organisation", "case_key", "stage"], exceptions)
    measured, acknowledgement, late = (np.zeros(len(rows), dtype=bool) for _ in range(3))
    for code, parts in roles.items():
        of_check = (exceptions["check"] == code).to_numpy()
        for part in parts:
            covered = (rows["process"].isin(part["processes"]) & rows["stage"].isin(part["stages"])).to_numpy()
            if part["part"] == "response":
                measured |= covered
            else:
                acknowledgement |= covered
            late_keys = listed_keys[of_check & ~_listed_on_time(exceptions, of_check, part["on_time_verdicts"])]
            late |= covered & np.isin(row_keys, late_keys[late_keys >= 0])
    rows = rows[measured]
    return rows.assign(team=team_names(rows["team"]), on_time=~late[measured], acknowledgement=acknowledgement[measured])


def _listed_on_time(exceptions: pd.DataFrame, of_check: np.ndarray, on_time_verdicts: list[str]) -> np.ndarray:
    """Which of a check's exceptions (OF_CHECK) were listed only to show their dates: their verdict says on time."""
    on_time = np.zeros(len(exceptions), dtype=bool)
    if on_time_verdicts:
        pattern = "|".join(re.escape(f'"verdict":{json.dumps(verdict)}') for verdict in on_time_verdicts)
        on_time[of_check] = exceptions.loc[of_check, "figures"].fillna("").str.contains(pattern).to_numpy()
    return on_time


def headline(records: pd.DataFrame, answered: pd.DataFrame, suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Complaints by stage, on time by stage and the upheld rate: the summary's figures, as numbers and text.

    The on-time heading says what the figure counts: the whole rule where an acknowledgement check
    ran, the response alone where none did.

    A share that suppression withholds is None here too, so the trend cannot show it either.
    """
    stage, answered_stage = records["stage"], answered["stage"]
    decided = records["outcome"].isin(DECIDED_OUTCOMES).to_numpy()
    upheld_outcome = records["outcome"].isin(UPHELD_OUTCOMES).to_numpy()
    on_time_of = answered["on_time"].to_numpy(dtype=bool)
    stages = []
    for name, words in STAGE_WORDS.items():
        rows = (stage == name).to_numpy(dtype=bool)
        if not rows.any():
            continue
        on_time, on_time_text = suppression.mask_share(on_time_of[(answered_stage == name).to_numpy(dtype=bool)])
        upheld, upheld_text = suppression.mask_share(upheld_outcome[rows & decided])
        complaints = int(rows.sum())
        stages.append({"stage": words, "complaints": complaints, "complaints_text": suppression.count(complaints),
                       "on_time": on_time, "on_time_text": on_time_text,
                       "upheld": upheld, "upheld_text": upheld_text})
    upheld, upheld_text = suppression.mask_share(upheld_outcome[decided])
    on_time, on_time_text = suppression.mask_share(on_time_of)
    cases = len(pd.unique(records["case"]))
    return {"on_time_heading": ON_TIME_WHOLE_RULE if answered["acknowledgement"].any() else ON_TIME_RESPONSE_ONLY,
            "cases": cases, "cases_text": suppression.count(cases), "stage_rows": len(records),
            "stage_rows_text": suppression.count(len(records)), "stages": stages,
            "on_time": on_time, "on_time_text": on_time_text,
            "upheld": upheld, "upheld_text": upheld_text}
