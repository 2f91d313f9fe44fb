"""Ranks per figure and overall, and outliers among organisations: pure functions on the figures table.

Ranks: 1 is best. Values are compared as the report shows them (one decimal place), so two
organisations shown with the same figure share a rank, and the next rank is skipped ("1, 2, 2,
4", competition ranking). An organisation without a figure gets no rank for it. The overall
rank orders organisations by the mean of their ranks on the scored figures they have (ties
share a rank the same way).

Outliers: a figure is an outlier when its modified z-score (Iglewicz and Hoaglin), 0.6745 x
(value - median) / MAD, is beyond 3.5 and it is at least the figure's material difference from
the median. Median and MAD (the median absolute deviation) are used rather than mean and
standard deviation because there are few organisations: with three, an ordinary z-score can
never pass 1.15, since the outlier inflates the spread it is measured against. With three
organisations the rule reads simply: the one whose distance from the middle one is more than
about five times the other's. Where the MAD is 0 (at least half the organisations share the
median value exactly), any figure away from the median has an infinite score, so it is an
outlier when it is the material distance away. Fewer than three organisations with the figure:
no outliers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.compare.figures import HIGHER, NEARER_ZERO, Figure

OUTLIER_Z = 3.5
MINIMUM_FOR_OUTLIERS = 3
_MAD_TO_Z = 0.6745  # the MAD of a normal distribution is 0.6745 standard deviations


def figure_ranks(values: pd.DataFrame, figures: tuple[Figure, ...]) -> pd.DataFrame:
    """Each organisation's rank on each figure that has a better direction; NaN where it has no value."""
    ranks = {}
    for figure in figures:
        if figure.better is None:
            continue
        shown = values[figure.key].round(1)
        ordered = shown.abs() if figure.better == NEARER_ZERO else shown
        ranks[figure.key] = ordered.rank(method="min", ascending=figure.better != HIGHER, na_option="keep")
    return pd.DataFrame(ranks, index=values.index)


def overall_ranks(ranks: pd.DataFrame, scored: tuple[str, ...]) -> pd.DataFrame:
    """Per organisation: the mean rank on the scored figures it has, how many that is, and the overall rank."""
    chosen = ranks[[key for key in scored if key in ranks.columns]]
    mean = chosen.mean(axis=1, skipna=True)
    return pd.DataFrame(
        {"mean_rank": mean, "figures_ranked": chosen.notna().sum(axis=1),
         "overall": mean.rank(method="min", ascending=True, na_option="keep")},
        index=ranks.index,
    )


def modified_z_scores(values: pd.Series) -> pd.Series:
    """Each value's modified z-score among the others (NaN where missing, or with fewer than three values)."""
    present = values.dropna()
    if len(present) < MINIMUM_FOR_OUTLIERS:
        return pd.Series(np.nan, index=values.index)
    deviation = values - present.median()
    mad = (present - present.median()).abs().median()
    if mad > 0:
        return _MAD_TO_Z * deviation / mad
    return deviation.where(deviation.eq(0) | deviation.isna(), np.copysign(np.inf, deviation))


def outliers(values: pd.DataFrame, figures: tuple[Figure, ...]) -> pd.DataFrame:
    """One row per outlier: organisation, figure key, value, the median of all, z-score, and better or worse."""
    found = []
    for figure in figures:
        if figure.better is None:
            continue
        column = values[figure.key]
        z = modified_z_scores(column)
        median = column.median()
        far = z.abs().gt(OUTLIER_Z) & (column - median).abs().ge(figure.material)
        for organisation in column.index[far.fillna(False).to_numpy()]:
            value = column[organisation]
            found.append({"organisation": organisation, "figure": figure.key, "value": float(value),
                          "median": float(median), "z": float(z[organisation]),
                          "direction": _direction(figure, value, median)})
    return pd.DataFrame(found, columns=["organisation", "figure", "value", "median", "z", "direction"])


def _direction(figure: Figure, value: float, median: float) -> str:
    if figure.better == NEARER_ZERO:
        return "better" if abs(value) < abs(median) else "worse"
    return "better" if (value > median) == (figure.better == HIGHER) else "worse"
