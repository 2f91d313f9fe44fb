"""The charts' inputs under small-count suppression: what chart_data is given, so no bar or label reveals a small count.

chart_data builds each chart from these, so a chart's bars, its labels and its description
(the words the Markdown report prints) agree; charts.py only draws what it is given.
"""

from __future__ import annotations

import re

import pandas as pd

from complaint_audit.report.suppression import Suppression
from complaint_audit.report.text import GROUP_METRIC


def by_month(chart: dict | None, suppression: Suppression) -> dict | None:
    """Monthly bars by team: a small cell is not drawn, a small yearly total is shown as '<5', and the reader told."""
    if chart is None or not suppression.on:
        return chart
    teams = {team: [0 if suppression.small(n) else n for n in counts] for team, counts in chart["teams"].items()}
    small_totals = {sum(counts) for counts in chart["teams"].values() if suppression.small(sum(counts))}
    description = chart["description"]
    for total in small_totals:
        description = description.replace(f" {total};", f" {suppression.small_text};").replace(
            f" {total}.", f" {suppression.small_text}.")
    if suppression.small(chart.get("not_charted", 0)):
        description = re.sub(r" \d+ complaints? received before (\w+ \d+) (is|are) not charted",
                             rf" {suppression.small_text} complaints received before \1 are not charted", description)
    if teams != chart["teams"]:
        description += (f" A team's month with fewer than {suppression.below} new complaints is left out of the "
                        "chart.")
    return {**chart, "teams": teams, "description": description}


def answered_groups(answered: pd.DataFrame, suppression: Suppression) -> pd.DataFrame:
    """Answered stages without the team and stage groups whose on-time share would reveal a small count."""
    if not suppression.on or answered.empty:
        return answered
    grouped = answered.groupby(["team", "stage"])["on_time"]
    total, on_time = grouped.transform("size"), grouped.transform("sum")
    keep = ~(total.map(suppression.small) | on_time.map(suppression.small) | (total - on_time).map(suppression.small))
    return answered[keep.to_numpy()]


def ft001(check: dict | None, suppression: Suppression) -> dict | None:
    """FT001 without the groups where members' or the public's cases are few: their box plot would show them."""
    if check is None or not suppression.on:
        return check
    small = {GROUP_METRIC.match(name).groups()[:2] for name, value in check["metrics"].items()
             if GROUP_METRIC.match(name) and name.endswith("_cases") and suppression.small(value)}
    metrics = {name: value for name, value in check["metrics"].items()
               if not (GROUP_METRIC.match(name) and GROUP_METRIC.match(name).groups()[:2] in small)}
    return {**check, "metrics": metrics}


def csc002(check: dict | None, suppression: Suppression) -> dict | None:
    """CSC002's chart only when its Stage 2 cases, and those late, are not small counts."""
    metrics = (check or {}).get("metrics", {})
    cases, late = metrics.get("stage2_cases"), metrics.get("failing")
    if check is None or not suppression.on or not (suppression.small(cases) or suppression.withholds(late, cases)):
        return check
    return None


def theme(theme_: dict, withheld_codes: set[str]) -> dict:
    """A theme whose checks' bars leave out the shares that are withheld."""
    if not withheld_codes:
        return theme_
    return {**theme_, "concerns": _without_shares(theme_["concerns"], withheld_codes),
            "others": _without_shares(theme_["others"], withheld_codes)}


def _without_shares(findings: list[dict], codes: set[str]) -> list[dict]:
    return [{**f, "percent_failing": None} if f["code"] in codes else f for f in findings]
