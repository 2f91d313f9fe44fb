"""Figures from the run's records: headline counts, on time by team and stage, the teams side by side.

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

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.report.keys import row_codes
from complaint_audit.report.suppression import NO_SUPPRESSION, WITHHELD, Suppression
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


def _upheld(outcomes: pd.Series, suppression: Suppression) -> tuple[float | None, str]:
    """The upheld share of decided outcomes and its text; None and '[c]' when suppression withholds it."""
    return suppression.mask_share(outcomes[outcomes.isin(DECIDED_OUTCOMES)].isin(UPHELD_OUTCOMES))


def headline(records: pd.DataFrame, answered: pd.DataFrame, suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Complaints by stage, on time by stage and the upheld rate: the summary's figures, as numbers and text.

    The on-time heading says what the figure counts: the whole rule where an acknowledgement check
    ran, the response alone where none did.

    A share that suppression withholds is None here too, so the trend cannot show it either.
    """
    stages = []
    for stage, words in STAGE_WORDS.items():
        outcomes = records["outcome"][records["stage"] == stage]
        if outcomes.empty:
            continue
        on_time, on_time_text = suppression.mask_share(answered.loc[answered["stage"] == stage, "on_time"])
        upheld, upheld_text = _upheld(outcomes, suppression)
        stages.append({"stage": words, "complaints": len(outcomes), "complaints_text": suppression.count(len(outcomes)),
                       "on_time": on_time, "on_time_text": on_time_text,
                       "upheld": upheld, "upheld_text": upheld_text})
    upheld, upheld_text = _upheld(records["outcome"], suppression)
    on_time, on_time_text = suppression.mask_share(answered["on_time"])
    cases = len(pd.unique(records["case"]))
    return {"on_time_heading": ON_TIME_WHOLE_RULE if answered["acknowledgement"].any() else ON_TIME_RESPONSE_ONLY,
            "cases": cases, "cases_text": suppression.count(cases), "stage_rows": len(records),
            "stage_rows_text": suppression.count(len(records)), "stages": stages,
            "on_time": on_time, "on_time_text": on_time_text,
            "upheld": upheld, "upheld_text": upheld_text}


def teams(records: pd.DataFrame, answered: pd.DataFrame, exceptions: pd.DataFrame, calendar: WorkingCalendar,
          concern_codes: set[str], suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Each team's measures in one column, so the teams read side by side.

    Each measure is grouped by team in one pass over its rows, not one filter of every row per team.
    """
    count = suppression.count
    team = team_names(records["team"])
    stage1 = (records["stage"] == "1") & records["responded"].notna()
    days = calendar.working_days_between(records.loc[stage1, "received"], records.loc[stage1, "responded"])
    concerns = exceptions.loc[exceptions["check"].isin(concern_codes), ["check", "team", "case_key", "stage"]]
    concerns = concerns.assign(team=team_names(concerns["team"]))
    cases = _distinct_by_team(records["case"].to_numpy(), team)
    stage1_complaints = _by_team(records["stage"] == "1", team, "sum")
    later = _by_team(records["stage"].isin(["2", "3", "ombudsman"]), team, "sum")
    listed = _distinct_by_team(row_codes(concerns, ["case_key", "stage"])[0], concerns["team"])
    listed_checks = _by_team(concerns["check"], concerns["team"], "unique")
    on_time = {stage: _split(answered.loc[answered["stage"] == stage, "on_time"],
                             answered.loc[answered["stage"] == stage, "team"]) for stage in ("1", "2")}
    outcomes, stage1_days = _split(records["outcome"], team), _split(days.astype("float64"), team[stage1])
    no_answers, no_days = pd.Series([], dtype=bool), pd.Series([], dtype="float64")
    columns = {}
    for name in sorted(team.unique()):
        columns[name] = {
            "Complaints (cases)": count(int(cases[name])),
            "Stage 1 complaints": count(int(stage1_complaints[name])),
            "Stage 2 and later": count(int(later[name])),
            "On time at Stage 1": suppression.mask_share(on_time["1"].get(name, no_answers))[1],
            "On time at Stage 2": suppression.mask_share(on_time["2"].get(name, no_answers))[1],
            "Upheld or partly upheld": _upheld(outcomes[name], suppression)[1],
            "Median working days to answer Stage 1": _median(stage1_days.get(name, no_days), suppression),
            "Cases listed by red or amber checks": count(int(listed.get(name, 0))),
            "Red or amber checks with cases here": ", ".join(sorted(listed_checks.get(name, []))) or "none",
        }
    labels = next(iter(columns.values()), {})
    return {"columns": ["Measure", *columns], "rows": [[label, *(team[label] for team in columns.values())]
                                                       for label in labels]}


def _by_team(values: pd.Series, team: pd.Series, how: str) -> pd.Series:
    """One figure per team (a sum, the unique values ...) of `values`, indexed by team name."""
    return values.groupby(team, observed=True).agg(how)


def _distinct_by_team(codes: np.ndarray, team: pd.Series) -> pd.Series:
    """How many distinct codes each team has, indexed by team name: the distinct (team, code) pairs, counted."""
    base = int(codes.max(initial=0)) + 1
    pairs = pd.unique(team.cat.codes.to_numpy().astype(np.int64) * base + codes)
    counts = np.bincount(pairs // base, minlength=len(team.cat.categories))
    return pd.Series(counts, index=team.cat.categories)


def _split(values: pd.Series, team: pd.Series) -> dict[str, pd.Series]:
    """`values` cut into one Series per team, in one pass."""
    return {name: group for name, group in values.groupby(team, observed=True)}


def _median(values: pd.Series, suppression: Suppression = NO_SUPPRESSION) -> str:
    """The median, withheld when it is of so few values that it would describe one person's case."""
    values = values.dropna()
    if suppression.small(len(values)):
        return WITHHELD
    return f"{values.median():g}" if len(values) else "–"
