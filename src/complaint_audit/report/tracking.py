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

import numpy as np
import pandas as pd

from complaint_audit.report.text import long_date, lower_first

# How many months each timescale of themes.TIMESCALES gives, counted from the plan's start.
TIMESCALE_MONTHS = {"quick win": 1, "within 3 months": 3, "within 12 months": 12}


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
    a team is left out: the caller says who is suggested instead. Ties go to the owner, then the team, first
    in alphabetical order.
    """
    by_team = {_team_key(team): owner for team, owner in owners}
    number, row = _recommendation_rows(codes, exceptions)
    team, names = pd.factorize(exceptions["team"])  # a missing team: -1
    names = np.array([str(name) for name in names], dtype=object)
    named = np.append(np.array([name.strip() != "" for name in names], dtype=bool), False)[team]
    number, case, team = _distinct(number[named[row]], _case_codes(exceptions)[row[named[row]]], team[row[named[row]]])
    owner_names, owner = np.unique(np.array([team_owner(name, by_team) for name in names], dtype=object),
                                   return_inverse=True)
    owner = owner.reshape(-1)[team]
    main_owner = _most(number, owner)  # by number
    is_main = owner == _looked_up(main_owner, number)
    team_rank = np.argsort(np.argsort(names, kind="stable"), kind="stable")  # each team's place in name order
    main_team = _most(number[is_main], team_rank[team[is_main]])
    by_rank = names[np.argsort(names, kind="stable")]
    others = _distinct(number[~is_main], team[~is_main])[0]
    other_count = dict(zip(*np.unique(others, return_counts=True), strict=True))
    return {int(value): _owner(owner_names[main_owner[value]], by_rank[main_team[value]], int(other_count.get(value, 0)))
            for value in sorted(main_owner)}


def _owner(owner: str, team: str, others: int) -> dict:
    """The owner as the action plan names them: the officer with their team in brackets (the team alone where
    audit.toml maps it to no one), and how many other teams hold some of the cases."""
    named = owner if owner == _team_named(team) else f"{owner} ({team})"
    text = named + (f", with {others} other team{'s' if others != 1 else ''}" if others else "")
    return {"owner": owner, "team": team, "other_teams": others, "text": text}


def cases_of(codes: dict[int, Sequence[str]], exceptions: pd.DataFrame) -> dict[int, int]:
    """How many cases each recommendation concerns: the distinct cases its checks list."""
    number, row = _recommendation_rows(codes, exceptions)
    counted = dict(zip(*np.unique(_distinct(number, _case_codes(exceptions)[row])[0], return_counts=True), strict=True))
    return {number: int(counted.get(number, 0)) for number in codes}


def _recommendation_rows(codes: dict[int, Sequence[str]], exceptions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each recommendation's exceptions, as pairs of its number and a row of EXCEPTIONS (a check under two
    recommendations gives its rows to both); a row with no case is left out (a whole group's is no one's case)."""
    pairs = [(number, code) for number, codes_of in codes.items() for code in codes_of]
    check, checks = pd.factorize(exceptions["check"])
    wanted = checks.get_indexer([code for _, code in pairs]) if pairs else np.zeros(0, dtype=np.int64)
    numbers = np.array([number for number, _ in pairs], dtype=np.int64)[wanted >= 0]
    wanted = wanted[wanted >= 0]
    order = np.argsort(wanted, kind="stable")
    numbers, per_check = numbers[order], np.bincount(wanted, minlength=len(checks))
    rows = np.flatnonzero(exceptions["case_id"].notna().to_numpy())
    repeat = per_check[check[rows]]
    row = np.repeat(rows, repeat)
    within = np.arange(len(row)) - np.repeat(np.cumsum(repeat) - repeat, repeat)  # which of its check's numbers
    return numbers[(np.cumsum(per_check) - per_check)[check[row]] + within], row


def _case_codes(exceptions: pd.DataFrame) -> np.ndarray:
    """One integer per case (organisation, missing as "", and case id) for each row of EXCEPTIONS."""
    organisation = pd.factorize(exceptions["organisation"].fillna(""))[0].astype(np.int64)
    case_id, ids = pd.factorize(exceptions["case_id"])
    return organisation * (len(ids) + 1) + case_id


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of the integer COLUMNS (each at least -1), column by column."""
    if not len(columns[0]):
        return columns
    shape = [int(column.max()) + 2 for column in columns]  # -1 counted as 0
    rows = np.unique(np.ravel_multi_index([column + 1 for column in columns], shape))  # each row as one number, in order
    return tuple(column - 1 for column in np.unravel_index(rows, shape))


def _most(number: np.ndarray, value: np.ndarray) -> dict[int, int]:
    """For each number, the value (at least 0) it has most often; of equals, the smallest."""
    if not len(number):
        return {}
    size = int(value.max()) + 1
    key, counts = np.unique(number.astype(np.int64) * size + value, return_counts=True)
    numbers, values = key // size, key % size
    order = np.lexsort((values, -counts, numbers))
    first = order[np.r_[True, numbers[order][1:] != numbers[order][:-1]]]
    return dict(zip(numbers[first].tolist(), values[first].tolist(), strict=True))


def _looked_up(found: dict[int, int], number: np.ndarray) -> np.ndarray:
    """FOUND's value for each NUMBER (small, at least 0), -1 where it has none."""
    table = np.full(max([*found, int(number.max(initial=0))]) + 1, -1, dtype=np.int64)
    table[list(found)] = list(found.values())
    return table[number]


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
