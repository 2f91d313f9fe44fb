"""Reviewers' scores tallied: how often each criterion (or team) was rated met, partly or not met.

The check (QR008) and the report tally the same stored scores with these functions, so their
figures agree; they live here, beside the criteria and without a spreadsheet library, so the
check may import them. Shares are of the ratings that applied: 'not applicable' is counted but left
out of the denominator, and no score is combined across criteria (RULES.md section 6).
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.letters.criteria import APPLICABLE, CRITERION_TITLES, KEY, RATINGS


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
