"""The teams side by side, at any number of teams: each team's figures, and the few worst and best by each measure.

Teams are rows, so the table grows down the page, never across it. Up to TEAMS_IN_FULL teams
the body of the report lists them all; beyond that it shows the TEAMS_RANKED worst and best
teams by each measure a committee asks about (on time at Stage 1 and 2, the share of cases the
red and amber checks list), says how many teams there are, and leaves every team's figures to
an appendix that runs over as many pages as it needs, and to teams.xlsx for sorting.

A share of fewer than SMALL_GROUP stages or cases is given as its counts ("7 of 8") and marked
as a small group, not as a percentage (a percentage of so few says more than it knows), and a
small group is never ranked. Every figure is grouped by team in one pass over its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.report.figures import team_names
from complaint_audit.report.keys import row_codes
from complaint_audit.report.suppression import NO_SUPPRESSION, WITHHELD, Suppression
from complaint_audit.report.text import number, percent
from complaint_audit.schema import DECIDED_OUTCOMES, UPHELD_OUTCOMES

# Up to this many teams the body of the report lists every one; a committee can read eight rows.
TEAMS_IN_FULL = 8
# Beyond TEAMS_IN_FULL, the body shows this many worst and this many best teams by each measure.
TEAMS_RANKED = 3
# A share of fewer than this many stages or cases is shown as counts, marked, and not ranked.
SMALL_GROUP = 10
SMALL_GROUP_MARK = "small group"
TEAMS_WORKBOOK = "teams.xlsx"

# Each measure's heading, and the columns of the numbers frame (team_figures) its share is made from.
_SHARES = {
    "On time at Stage 1": ("on_time_1", "answered_1"),
    "On time at Stage 2": ("on_time_2", "answered_2"),
    "Upheld or partly upheld": ("upheld", "decided"),
    "Cases listed by red or amber checks": ("listed", "cases"),
}
# Short headings: ten columns share a portrait page. "Cases" counts each complaint once, the stages its stages.
_COUNTS = {"Cases": "cases", "Stage 1 stages": "stage1", "Stage 2 or later stages": "later"}
COLUMNS = ["Team", "Cases", "Stage 1 stages", "Stage 2 or later stages", "On time at Stage 1",
           "On time at Stage 2", "Upheld or partly upheld", "Median working days, Stage 1",
           "Cases listed by red or amber checks", "Red or amber checks (how many)"]
# The measures the body ranks, and whether a higher share is the better one.
_RANKED = {"On time at Stage 1": True, "On time at Stage 2": True, "Cases listed by red or amber checks": False}
_RANKED_WORDS = {True: ("lowest", "highest"), False: ("highest", "lowest")}
_RANKED_BASE = {"On time at Stage 1": "stages answered at Stage 1", "On time at Stage 2": "stages answered at Stage 2",
                "Cases listed by red or amber checks": "cases"}


def team_figures(records: pd.DataFrame, answered: pd.DataFrame, exceptions: pd.DataFrame, calendar: WorkingCalendar,
                 concern_codes: set[str]) -> pd.DataFrame:
    """One row per team (by name, in name order), its figures as numbers: the counts each share is made of.

    Each row is given its team's position in that order once, and every count is a bincount over those positions:
    a pandas group-by per figure cost a millisecond each, and a report makes a dozen."""
    team = team_names(records["team"])
    names = pd.Index(sorted(team.unique()), dtype="object")
    at = _positions(team, names)
    stage, outcome = records["stage"], records["outcome"]
    stage1 = (stage == "1").to_numpy(dtype=bool)
    answered_1 = stage1 & records["responded"].notna().to_numpy()
    decided = outcome.isin(DECIDED_OUTCOMES).to_numpy()
    concern = exceptions["check"].isin(concern_codes).to_numpy()
    concern_at = np.where(concern, _positions(team_names(exceptions["team"]), names), -1)
    columns = {
        "cases": _distinct(at, records["case"].to_numpy(), len(names)),
        "stage1": _count(at, stage1, len(names)),
        "later": _count(at, stage.isin(["2", "3", "ombudsman"]).to_numpy(), len(names)),
        "decided": _count(at, decided, len(names)),
        "upheld": _count(at, decided & outcome.isin(UPHELD_OUTCOMES).to_numpy(), len(names)),
        "listed": _distinct(concern_at, row_codes(exceptions, ["organisation", "case_key"])[0], len(names)),
    }
    answered_at = _positions(answered["team"], names)
    on_time = answered["on_time"].to_numpy(dtype=bool)
    for name in ("1", "2"):
        chosen = (answered["stage"] == name).to_numpy(dtype=bool)
        columns[f"on_time_{name}"] = _count(answered_at, chosen & on_time, len(names))
        columns[f"answered_{name}"] = _count(answered_at, chosen, len(names))
    frame = pd.DataFrame(columns, index=names)
    days = calendar.working_days_between(records.loc[answered_1, "received"], records.loc[answered_1, "responded"])
    stage1_days = pd.Series(days.astype("float64").to_numpy()).groupby(at[answered_1])
    frame["median_days_1"] = stage1_days.median().reindex(range(len(names))).to_numpy()
    frame["days_1"] = stage1_days.count().reindex(range(len(names)), fill_value=0).to_numpy().astype("int64")
    checks: list[list[str]] = [[] for _ in names]
    check, check_codes = pd.factorize(exceptions["check"], sort=True)
    pairs = np.unique(concern_at[concern_at >= 0].astype(np.int64) * len(check_codes) + check[concern_at >= 0])
    for position, code in zip(pairs // len(check_codes), pairs % len(check_codes), strict=True):  # distinct (team, check), in order
        checks[position].append(check_codes[code])
    frame["check_count"] = [len(codes) for codes in checks]
    frame["checks"] = [", ".join(codes) or "none" for codes in checks]
    return frame


def _positions(team: pd.Series, names: pd.Index) -> np.ndarray:
    """Each row's team as its position in NAMES; -1 for a team not among them, or none."""
    team = team.astype("category")
    return np.append(names.get_indexer(team.cat.categories.astype("object")), -1)[team.cat.codes.to_numpy()]


def _count(at: np.ndarray, chosen: np.ndarray, teams: int) -> np.ndarray:
    """How many CHOSEN rows each team has, by the rows' positions AT (-1: no team counted)."""
    return np.bincount(at[chosen & (at >= 0)], minlength=teams).astype("int64")


def _distinct(at: np.ndarray, codes: np.ndarray, teams: int) -> np.ndarray:
    """How many distinct CODES each team has: the distinct (team, code) pairs, counted."""
    kept = at >= 0
    base = int(codes.max(initial=0)) + 1
    pairs = pd.unique(at[kept].astype(np.int64) * base + codes[kept])
    return np.bincount(pairs // base, minlength=teams).astype("int64")


# The appendix's columns when there are too many teams for section 4: the volumes at each stage and the median
# are in teams.xlsx. The PDF's time grows with the cells it lays out and tags (docs/scaling.md, "The report and
# its PDF"), so hundreds of rows get the columns a committee compares teams by.
APPENDIX_COLUMNS = ["Team", "Cases", "On time at Stage 1", "On time at Stage 2", "Upheld or partly upheld",
                    "Cases listed by red or amber checks", "Red or amber checks (how many)"]


def team_section(records: pd.DataFrame, answered: pd.DataFrame, exceptions: pd.DataFrame, calendar: WorkingCalendar,
                 concern_codes: set[str], suppression: Suppression = NO_SUPPRESSION) -> dict:
    """The context's `teams`: section 4 and its appendix (section), and every team's figures as numbers
    for teams.xlsx (workbook_sheet, as plain values)."""
    figures = team_figures(records, answered, exceptions, calendar, concern_codes)
    sheet = workbook_sheet(figures, suppression)
    columns = [[None if value != value else value for value in sheet[name].tolist()] for name in sheet.columns]  # NaN: None
    return {**section(figures, suppression),
            "sheet": [dict(zip(sheet.columns, row, strict=True)) for row in zip(*columns, strict=True)]}


def section(figures: pd.DataFrame, suppression: Suppression = NO_SUPPRESSION) -> dict:
    """Section 4 and its appendix: every team as a row of text, and (over TEAMS_IN_FULL teams) the ranked few.

    The last column counts the red and amber checks with cases in the team rather than naming them
    (teams.xlsx names them): check codes belong to the appendix, and a list of codes in every row of
    hundreds would double the appendix's pages and its time. Over TEAMS_IN_FULL teams, the rows (the
    appendix's) have APPENDIX_COLUMNS.
    """
    in_full = len(figures) <= TEAMS_IN_FULL
    rows = [[name, *_row_texts(row, suppression)]
            for name, row in zip(figures.index, figures.itertuples(), strict=True)]
    columns = COLUMNS
    if not in_full:
        kept = [COLUMNS.index(column) for column in APPENDIX_COLUMNS[:-1]] + [len(COLUMNS) - 1]
        columns, rows = APPENDIX_COLUMNS, [[row[index] for index in kept] for row in rows]
    return {"count": len(figures), "count_text": number(len(figures)), "in_full": in_full, "columns": columns,
            "rows": rows, "ranked": [] if in_full else [_ranked(figures, label, suppression) for label in _RANKED],
            "small_group": SMALL_GROUP, "shown": TEAMS_RANKED, "workbook": TEAMS_WORKBOOK,
            "marked": any(SMALL_GROUP_MARK in cell for row in rows for cell in row[1:])}


def workbook_sheet(figures: pd.DataFrame, suppression: Suppression = NO_SUPPRESSION) -> pd.DataFrame:
    """Every team's figures as numbers, for the Teams sheet of teams.xlsx: the counts, and each share where its
    base is at least SMALL_GROUP. The report points its readers here, so under suppression a small count, and
    a share (with its counts) that would reveal one, are left blank, as the report withholds them."""
    def shown(values: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        return np.where(hidden, np.nan, values.astype("float64"))

    small = np.vectorize(suppression.small, otypes=[bool])
    sheet = {"Team": figures.index.to_numpy()}
    for label, column in _COUNTS.items():
        values = figures[column].to_numpy()
        sheet[label] = shown(values, small(values)) if suppression.on else values
    for label, (numerator, denominator) in _SHARES.items():
        counts, base = figures[numerator].to_numpy(), figures[denominator].to_numpy()
        hidden = np.array([suppression.withholds(int(k), int(n)) for k, n in zip(counts, base, strict=True)], dtype=bool)
        shares = np.where(base >= SMALL_GROUP, np.round(100.0 * counts / np.maximum(base, 1), 1), np.nan)
        sheet[f"{label}: count"] = shown(counts, hidden) if suppression.on else counts
        sheet[f"{label}: of"] = shown(base, hidden) if suppression.on else base
        sheet[f"{label}: percent"] = shown(shares, hidden)
    sheet["Median working days to answer Stage 1"] = shown(figures["median_days_1"].to_numpy(), small(figures["days_1"].to_numpy()))
    sheet["Red or amber checks with cases here"] = figures["checks"].to_numpy()
    return pd.DataFrame(sheet)


def _row_texts(row, suppression: Suppression) -> list[str]:
    count = suppression.count
    shares = {label: share_text(getattr(row, numerator), getattr(row, denominator), suppression)
              for label, (numerator, denominator) in _SHARES.items()}
    return [count(row.cases), count(row.stage1), count(row.later), shares["On time at Stage 1"],
            shares["On time at Stage 2"], shares["Upheld or partly upheld"], _median(row.median_days_1, row.days_1, suppression),
            shares["Cases listed by red or amber checks"], number(row.check_count)]


def share_text(numerator: int, denominator: int, suppression: Suppression = NO_SUPPRESSION) -> str:
    """'41 of 50 (82.0%)': counts before the percentage; '7 of 8 (small group)' below SMALL_GROUP; '[c]' where
    suppression withholds it; '–' where there is nothing to count."""
    numerator, denominator = int(numerator), int(denominator)
    if not denominator:
        return "–"
    if suppression.withholds(numerator, denominator):
        return WITHHELD
    counts = f"{suppression.count(numerator)} of {suppression.count(denominator)}"
    if denominator < SMALL_GROUP:
        return f"{counts} ({SMALL_GROUP_MARK})"
    return f"{counts} ({percent(round(100.0 * numerator / denominator, 1))})"


def _ranked(figures: pd.DataFrame, label: str, suppression: Suppression) -> dict:
    """The TEAMS_RANKED worst and best teams by one measure's share, of the teams with at least SMALL_GROUP in its base."""
    numerator, denominator = _SHARES[label]
    higher_is_better = _RANKED[label]
    base = figures[denominator]
    withheld = np.array([suppression.withholds(int(k), int(n)) for k, n in zip(figures[numerator], base, strict=True)],
                        dtype=bool)
    eligible = figures[(base >= SMALL_GROUP).to_numpy() & ~withheld]
    share = eligible[numerator] / eligible[denominator]
    # Worst first, then best first; among equal shares the larger team first (more people behind the figure).
    ranking = pd.DataFrame({"share": share if higher_is_better else -share, "size": -eligible[denominator],
                            "name": eligible.index})
    worst = list(ranking.sort_values(["share", "size", "name"]).index[:TEAMS_RANKED])
    ranking["share"] = -ranking["share"]
    best = [name for name in ranking.sort_values(["share", "size", "name"]).index
            if name not in worst][:TEAMS_RANKED]
    worst_words, best_words = _RANKED_WORDS[higher_is_better]
    groups = [(f"The {worst_words} {'share' if len(worst) == 1 else 'shares'}", worst),
              (f"The {best_words} {'share' if len(best) == 1 else 'shares'}", best)]
    return {
        "measure": label,
        "caption": (f"{label}: the teams with the {worst_words} and the {best_words} shares, of the "
                    f"{number(len(eligible))} teams with at least {SMALL_GROUP} {_RANKED_BASE[label]}"),
        "columns": ["Team", "Cases", label],
        "groups": [{"label": words, "rows": [[name, suppression.count(int(figures.at[name, "cases"])),
                                              share_text(figures.at[name, numerator], figures.at[name, denominator],
                                                         suppression)] for name in names]}
                   for words, names in groups if names],
        "not_ranked": len(figures) - len(eligible),
    }


def _median(value: float, values: int, suppression: Suppression) -> str:
    """The median, withheld when it is of so few values that it would describe one person's case."""
    if suppression.small(values):
        return WITHHELD
    return f"{value:g}" if values else "–"


