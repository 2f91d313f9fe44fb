"""Who answers for each recommendation and by when: the team holding its cases, and a date, not "within three months".

A committee tracks an action plan by owner and date. The owner is whoever holds most of the
recommendation's cases, named through `[report.owners]` (team = officer) where audit.toml maps
the team, else the team itself: a role the data does not show would be made up. The due date
counts the recommendation's timescale from the committee's meeting (`[report] committee_date`)
where given, else from the report's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from complaint_audit.report.text import long_date, lower_first

# How many months each timescale of themes.TIMESCALES gives, counted from the plan's start.
TIMESCALE_MONTHS = {"quick win": 1, "within 3 months": 3, "within 12 months": 12}
_CASE = ["organisation", "case_id"]


def due_date(start: dt.date, timescale: str) -> dt.date | None:
    """START plus the timescale's months, on the same day of the month (the month's last day where it has no such
    day: 31 January plus one month is 29 February 2024); None for a timescale the report does not know."""
    months = TIMESCALE_MONTHS.get(timescale)
    return None if months is None else (pd.Timestamp(start) + pd.DateOffset(months=months)).date()


def plan_start(committee_date: dt.date | None, report_date: dt.date, audience: str) -> dict:
    """Where the due dates count from, and the sentence saying so above the action plan."""
    if committee_date:
        return {"date": committee_date,
                "text": f"Due dates count from the meeting of the {audience} on {long_date(committee_date)}."}
    return {"date": report_date, "text": f"Due dates count from the date of this report, {long_date(report_date)}."}


def team_owner(team: str, owners: dict[str, str]) -> str:
    """The officer `[report.owners]` names for TEAM (matched whatever its case or spacing), else the team itself."""
    return owners.get(_team_key(team)) or _team_named(team)


def _team_key(team: str) -> str:
    return " ".join(team.split()).casefold()


def _team_named(team: str) -> str:
    """'Housing Complaints team'; 'Adult Social Care Team' as it is."""
    return team if team.casefold().endswith("team") else f"{team} team"


def owners_of(codes: dict[int, Sequence[str]], exceptions: pd.DataFrame,
              owners: Sequence[tuple[str, str]] = ()) -> dict[int, dict]:
    """For each recommendation (number: its checks' codes), the owner of the teams holding most of its cases.

    A case counts once for each team holding it; teams mapped to the same officer count together, and
    the teams not the owner's are counted in `other_teams`. A recommendation none of whose cases names
    a team is left out: the caller says who is suggested instead.
    """
    by_team = {_team_key(team): owner for team, owner in owners}
    cases = _cases(codes, exceptions, ["team"])
    cases = cases[cases["team"].notna()].astype({"team": str})
    cases = cases[cases["team"].str.strip() != ""]
    names = cases["team"].unique()
    cases["owner"] = cases["team"].map({team: team_owner(team, by_team) for team in names})  # once per team
    held = (cases.groupby(["number", "owner"]).size().rename("cases").reset_index()
            .sort_values(["number", "cases", "owner"], ascending=[True, False, True]).drop_duplicates("number"))
    main = held.set_index("number")["owner"]
    is_main = cases["owner"] == cases["number"].map(main)
    main_team = (cases[is_main].groupby(["number", "team"]).size().rename("cases").reset_index()
                 .sort_values(["number", "cases", "team"], ascending=[True, False, True])
                 .drop_duplicates("number").set_index("number")["team"])
    others = cases[~is_main].groupby("number")["team"].nunique()
    return {int(number): _owner(owner, main_team[number], int(others.get(number, 0))) for number, owner in main.items()}


def _owner(owner: str, team: str, others: int) -> dict:
    """The owner as the action plan names them: the officer with their team in brackets (the team alone where
    audit.toml maps it to no one), and how many other teams hold some of the cases."""
    named = owner if owner == _team_named(team) else f"{owner} ({team})"
    text = named + (f", with {others} other team{'s' if others != 1 else ''}" if others else "")
    return {"owner": owner, "team": team, "other_teams": others, "text": text}


def cases_of(codes: dict[int, Sequence[str]], exceptions: pd.DataFrame) -> dict[int, int]:
    """How many cases each recommendation concerns: the distinct cases its checks list."""
    counted = _cases(codes, exceptions).drop_duplicates(["number", *_CASE]).groupby("number").size()
    return {number: int(counted.get(number, 0)) for number in codes}


def _cases(codes: dict[int, Sequence[str]], exceptions: pd.DataFrame, columns: Sequence[str] = ()) -> pd.DataFrame:
    """The exceptions of each recommendation's checks, one row per case (and team) under its number."""
    checks = pd.DataFrame([(number, code) for number, codes_of in codes.items() for code in codes_of],
                          columns=["number", "check"])
    cases = exceptions[["check", *_CASE, *columns]].merge(checks, on="check")
    cases = cases[cases["case_id"].notna()]  # a row of a whole group (no case) is no one's case
    cases["organisation"] = cases["organisation"].fillna("")
    return cases.drop_duplicates(["number", *_CASE, *columns])


def tracked(recommendations: list[dict], exceptions: pd.DataFrame, owners: Sequence[tuple[str, str]], start: dt.date,
            count=str) -> list[dict]:
    """The action plan with an owner, a due date and a case count (shown by COUNT, the report's suppression) on each.

    Each recommendation's sentence ends with its date (", by 15 October 2024.") in place of its timescale; a
    recommendation whose cases name no team keeps the owner its theme suggests, and says so.
    """
    codes = {item["number"]: item["codes"] for item in recommendations}
    owner, cases = owners_of(codes, exceptions, owners), cases_of(codes, exceptions)
    result = []
    for item in recommendations:
        due = due_date(start, item["due_in"])
        held = owner.get(item["number"]) or {"owner": item["suggested_owner"], "team": None, "other_teams": 0,
                                             "text": f"{item['suggested_owner']} (suggested: the cases name no team)"}
        result.append({
            **item, "owner": held["text"], "owner_team": held["team"],
            "other_teams": held["other_teams"], "cases": count(cases[item["number"]]),
            "due": due.isoformat() if due else None,
            "text": f"The council should {lower_first(item['action'])}, by {long_date(due)}." if due else item["text"],
        })
    return result
