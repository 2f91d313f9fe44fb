"""Figures from the run's records: headline counts, on time by team and stage, the teams side by side.

"On time" is what the run's own timeliness checks decided, not a second calculation: an answered
stage is late when its check listed it as an exception, so every figure in the report agrees with
results.json. Each process and stage is measured by one check (ON_TIME_CHECKS); a process and
stage whose check did not run is left out of the on-time figures.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.report.suppression import NO_SUPPRESSION, WITHHELD, Suppression
from complaint_audit.report.text import STAGE_WORDS

ON_TIME_CHECKS = {
    ("corporate", "1"): "TS002", ("corporate", "2"): "TS002", ("housing", "1"): "TS002", ("housing", "2"): "TS002",
    ("adult_social_care", "1"): "TS003", ("childrens_statutory", "1"): "CSC001",
    ("childrens_statutory", "2"): "CSC002", ("childrens_statutory", "3"): "CSC004",
}
# CSC002 also lists cases that were on time as the regulations require (so the reviewer can check the
# dates); they are not late.
_ON_TIME_VERDICTS = ('"verdict":"late as recorded only"', '"verdict":"late from the request only"')
_COUNCIL_STAGES = ("1", "2", "3")
_DECIDED = ("upheld", "partly_upheld", "not_upheld")
_UPHELD = ("upheld", "partly_upheld")
_KEY = ["organisation", "case_id", "stage"]
NO_TEAM = "No team recorded"


def answered_stages(records: pd.DataFrame, exceptions: pd.DataFrame, measured: set[str]) -> pd.DataFrame:
    """Answered council stages that a timeliness check measured, with `on_time` from its exceptions."""
    rows = records.loc[records["stage"].isin(_COUNCIL_STAGES) & records["responded"].notna(),
                       [*_KEY, "team", "process"]]
    by_key = {f"{process}|{stage}": code for (process, stage), code in ON_TIME_CHECKS.items()}
    checks = (rows["process"].astype("str") + "|" + rows["stage"].astype("str")).map(by_key)
    rows = rows.assign(check=checks)[checks.isin(measured)]
    late = exceptions[exceptions["check"].isin(measured)]
    late = late[~late["figures"].fillna("").str.contains("|".join(_ON_TIME_VERDICTS), regex=True)]
    flagged = rows.merge(late[["check", *_KEY]].drop_duplicates(), on=["check", *_KEY], how="left", indicator=True)
    return rows.assign(team=rows["team"].astype("str").fillna(NO_TEAM), on_time=(flagged["_merge"] == "left_only").to_numpy())


def _upheld(outcomes: pd.Series, suppression: Suppression) -> tuple[float | None, str]:
    """The upheld share of decided outcomes and its text; None and '[c]' when suppression withholds it."""
    return suppression.mask_share(outcomes[outcomes.isin(_DECIDED)].isin(_UPHELD))


def headline(records: pd.DataFrame, answered: pd.DataFrame, suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Complaints by stage, on time by stage and the upheld rate: the summary's figures, as numbers and text.

    A share that suppression withholds is None here too, so the trend cannot show it either.
    """
    stages = []
    for stage, words in STAGE_WORDS.items():
        rows = records[records["stage"] == stage]
        if rows.empty:
            continue
        on_time, on_time_text = suppression.mask_share(answered.loc[answered["stage"] == stage, "on_time"])
        upheld, upheld_text = _upheld(rows["outcome"], suppression)
        stages.append({"stage": words, "complaints": len(rows), "complaints_text": suppression.count(len(rows)),
                       "on_time": on_time, "on_time_text": on_time_text,
                       "upheld": upheld, "upheld_text": upheld_text})
    upheld, upheld_text = _upheld(records["outcome"], suppression)
    on_time, on_time_text = suppression.mask_share(answered["on_time"])
    cases = len(records[["organisation", "case_id"]].drop_duplicates())
    return {"cases": cases, "cases_text": suppression.count(cases), "stage_rows": len(records),
            "stage_rows_text": suppression.count(len(records)), "stages": stages,
            "on_time": on_time, "on_time_text": on_time_text,
            "upheld": upheld, "upheld_text": upheld_text}


def teams(records: pd.DataFrame, answered: pd.DataFrame, exceptions: pd.DataFrame, calendar: WorkingCalendar,
          concern_codes: set[str], suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Each team's measures in one column, so the teams read side by side."""
    count = suppression.count
    records = records.assign(team=records["team"].astype("str").fillna(NO_TEAM))
    stage1 = records[(records["stage"] == "1") & records["responded"].notna()]
    days = calendar.working_days_between(stage1["received"], stage1["responded"]).astype("float64")
    concerns = exceptions[exceptions["check"].isin(concern_codes)].assign(team=lambda e: e["team"].astype("str").fillna(NO_TEAM))
    columns = {}
    for name in sorted(records["team"].unique()):
        mine, done, listed = (frame[frame["team"] == name] for frame in (records, answered, concerns))
        columns[name] = {
            "Complaints (cases)": count(len(mine[['organisation', 'case_id']].drop_duplicates())),
            "Stage 1 complaints": count(int((mine['stage'] == '1').sum())),
            "Stage 2 and later": count(int(mine['stage'].isin(['2', '3', 'ombudsman']).sum())),
            "On time at Stage 1": suppression.mask_share(done.loc[done["stage"] == "1", "on_time"])[1],
            "On time at Stage 2": suppression.mask_share(done.loc[done["stage"] == "2", "on_time"])[1],
            "Upheld or partly upheld": _upheld(mine["outcome"], suppression)[1],
            "Median working days to answer Stage 1": _median(days[stage1["team"] == name], suppression),
            "Cases listed by red or amber checks": count(len(listed[['case_id', 'stage']].drop_duplicates())),
            "Red or amber checks with cases here": ", ".join(sorted(listed["check"].unique())) or "none",
        }
    labels = next(iter(columns.values()), {})
    return {"columns": ["Measure", *columns], "rows": [[label, *(team[label] for team in columns.values())]
                                                       for label in labels]}


def _median(values: pd.Series, suppression: Suppression = NO_SUPPRESSION) -> str:
    """The median, withheld when it is of so few values that it would describe one person's case."""
    values = values.dropna()
    if suppression.small(len(values)):
        return WITHHELD
    return f"{values.median():g}" if len(values) else "–"
