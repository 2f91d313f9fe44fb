"""Reviewers' scores tallied: how often each criterion (or team) was rated met, partly or not met.

The check (QR008) and the report tally the same stored scores with these functions, so their
figures agree. Shares are of the ratings that applied: 'not applicable' is counted but left
out of the denominator, and no score is combined across criteria (RULES.md section 6).
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.review.scores import CRITERION_TITLES, KEY
from complaint_audit.review.workbook import RATINGS

APPLICABLE = ("met", "partly", "not met")
# Each workbook criterion's short name in QR008's metrics (percent_<name>_met, percent_<name>_agreement).
CRITERION_NAMES = dict(zip(CRITERION_TITLES, (
    "decision", "apology", "remedy", "outstanding_actions", "escalation", "plain_language", "childrens_stage_2",
), strict=True))
# The criteria an automatic check also judges from the letter text, and which check.
AUTOMATIC_CHECKS = {
    "Decision stated": "QR002", "Apology where at fault": "QR001", "Remedy and what will change": "QR003",
    "How to escalate / ombudsman details": "QR004", "Plain language": "QR005",
}


def tally(scores: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per value of `by` (criterion in the workbook's order, else sorted): counts and shares.

    Columns: cases (distinct stage records scored), each of RATINGS (counts), rated (ratings
    other than not applicable), and percent_met, percent_partly, percent_not_met of `rated`
    (missing where nothing was rated).
    """
    groups = scores[by].fillna("(none)")
    counts = pd.crosstab(groups, scores["score"]).reindex(columns=list(RATINGS), fill_value=0)
    counts.columns.name = None
    counts.insert(0, "cases", scores[list(KEY)].assign(group=groups).drop_duplicates().groupby("group").size())
    counts["rated"] = counts[list(APPLICABLE)].sum(axis=1)
    for rating in APPLICABLE:
        share = (100 * counts[rating] / counts["rated"]).round(1)
        counts[f"percent_{rating.replace(' ', '_')}"] = share.where(counts["rated"] > 0)
    order = [title for title in CRITERION_TITLES if title in counts.index] if by == "criterion" else sorted(counts.index)
    return counts.loc[order].rename_axis(by)


def reviewers(scores: pd.DataFrame) -> list[str]:
    """The reviewers, as they wrote their names, in alphabetical order."""
    return sorted(scores["reviewer"].dropna().unique())


def review_dates(scores: pd.DataFrame) -> tuple[str, str] | None:
    """The first and last review dates (ISO), or None when there are none."""
    dates = pd.to_datetime(scores["review_date"]).dropna()
    return (f"{dates.min():%Y-%m-%d}", f"{dates.max():%Y-%m-%d}") if len(dates) else None
