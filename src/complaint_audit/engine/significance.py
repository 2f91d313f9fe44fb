"""Whether a difference is beyond chance: Holm's correction across several tests, and one group's failures against
the rest of its pool (Fisher's exact test). Shared by the checks that compare groups (FT) and grading by segment."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_ALPHA = 0.05  # the chance of a difference flagged by luck alone that a check accepts unless it sets `alpha`


def holm(p_values: pd.Series) -> pd.Series:
    """Holm-Bonferroni adjusted p-values, one per group compared, in the same order.

    Each group is a separate test, so with four groups the chance that at least one looks
    significant at 0.05 by luck alone is nearly one in five. Holm's step-down adjustment keeps
    that family-wise chance at `alpha`, like Bonferroni (every p times the number of groups)
    but never less sensitive: the smallest p is multiplied by the number of groups, the next by
    one fewer, and so on, each at least the one before. Benjamini-Hochberg (scipy's
    false_discovery_control) bounds only the expected share of false findings, too weak for a
    finding against a named group.
    """
    ordered = p_values.sort_values(kind="stable")
    steps = np.arange(len(ordered), 0, -1)
    return (ordered * steps).cummax().clip(upper=1.0).reindex(p_values.index)


def fails_more_than_the_rest(failing: pd.Series, assessed: pd.Series, pooled_failing: int, pooled: int) -> pd.Series:
    """One-sided p-value of Fisher's exact test of each group's failures against the rest of its pool.

    The chance of a group of this size holding at least this many of the pool's failures if
    they fell at random: the hypergeometric tail, which is what scipy.stats.fisher_exact
    computes for the 2x2 table (group, rest) x (failing, not) with alternative="greater", here
    for every group in one vectorised call.
    """
    from scipy.stats import hypergeom  # here, not at the top: scipy.stats takes half a second to import

    return pd.Series(hypergeom.sf(failing.to_numpy() - 1, pooled, pooled_failing, assessed.to_numpy()),
                     index=failing.index).clip(upper=1.0)


def p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
