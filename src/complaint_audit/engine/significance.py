"""Whether a difference is beyond chance: Holm's correction across several tests, Fisher's exact test (one group's
failures against the rest of its pool, and a 2x2 table two-sided) and the Mann-Whitney U test. Shared by the checks
that compare groups (FT) and grading by segment.

The tests are scipy.stats' (fisher_exact, mannwhitneyu with its defaults), computed here with numpy and the
standard library: importing scipy.stats took half a second of the bundled sample's run, a third of the time set
for all of its work (docs/scaling.md). tests/test_significance.py holds them to scipy's p-values: within a relative
1e-9 for pools of thousands, 1e-8 for a pool of a million, whose log-factorials lose a few digits to each other.
"""

from __future__ import annotations

import math

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
    return pd.Series(holm_adjusted(p_values.to_numpy(dtype="float64")), index=p_values.index)


def holm_adjusted(p_values: np.ndarray) -> np.ndarray:
    """holm() over an array: a check grading its segments adjusts a few p-values at a time, where pandas' fixed costs
    were most of the work."""
    order = np.argsort(p_values, kind="stable")  # a missing p-value last, as pandas sorts it, and left missing
    adjusted = np.empty(len(p_values))
    adjusted[order] = np.minimum(np.maximum.accumulate(p_values[order] * np.arange(len(p_values), 0, -1)), 1.0)
    return adjusted


def fails_more_than_the_rest(failing: pd.Series, assessed: pd.Series, pooled_failing: int, pooled: int) -> pd.Series:
    """One-sided p-value of Fisher's exact test of each group's failures against the rest of its pool.

    The chance of a group of this size holding at least this many of the pool's failures if
    they fell at random: the hypergeometric tail, which is what scipy.stats.fisher_exact
    computes for the 2x2 table (group, rest) x (failing, not) with alternative="greater".
    """
    return pd.Series(upper_tails(failing.to_numpy(), assessed.to_numpy(), pooled_failing, pooled), index=failing.index)


def upper_tails(failing: np.ndarray, assessed: np.ndarray, pooled_failing: int, pooled: int) -> np.ndarray:
    """fails_more_than_the_rest() over arrays."""
    tails = [_upper_tail(int(hits), pooled, pooled_failing, int(size))  # a group at a time: a few hundred at most
             for hits, size in zip(failing, assessed, strict=True)]
    return np.minimum(np.array(tails, dtype="float64"), 1.0)


def fisher_exact_two_sided(table: list[list[int]]) -> float:
    """Two-sided p-value of Fisher's exact test of a 2x2 table, as scipy.stats.fisher_exact gives it: the chance of
    every table with the same margins no likelier than this one."""
    (a, b), (c, d) = table
    if 0 in (a + b, c + d, a + c, b + d):
        return 1.0
    total, successes, draws = a + b + c + d, a + b, a + c
    low, high = max(0, draws - (c + d)), min(draws, successes)
    chances = np.exp(_log_chances(low, high, total, successes, draws))
    observed = chances[a - low]
    # Tables within a relative 1e-7 of this one's chance count as likely as it (R's tolerance): two tables exactly as
    # likely (a symmetric pair) come out of the log-factorials a few 1e-15 apart, past the 1e-14 scipy allows its own.
    return min(1.0, float(chances[chances <= observed * (1 + 1e-7)].sum()))


def mann_whitney(first: pd.Series, second: pd.Series) -> tuple[float, float]:
    """(U of FIRST, two-sided p-value) of the Mann-Whitney U test, as scipy.stats.mannwhitneyu gives them by default:
    the exact distribution of U where a sample has 8 values or fewer and no value repeats, else the normal
    approximation with the correction for ties and for continuity."""
    n1, n2 = len(first), len(second)
    values = pd.concat([first, second], ignore_index=True).astype("float64")
    ranks = values.rank(method="average").to_numpy()
    u1 = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)
    u = max(u1, n1 * n2 - u1)
    ties = values.value_counts().to_numpy(dtype="float64")
    if (n1 <= 8 or n2 <= 8) and not (ties > 1).any():
        return u1, min(1.0, 2 * _exact_u_cdf(round(n1 * n2 - u), min(n1, n2), max(n1, n2)))
    n = n1 + n2
    spread = math.sqrt(n1 * n2 / 12 * ((n + 1) - (ties**3 - ties).sum() / (n * (n - 1))))
    if spread == 0:  # every value the same: nothing tells the samples apart
        return u1, 1.0
    z = (u - n1 * n2 / 2 - 0.5) / spread
    return u1, min(1.0, math.erfc(z / math.sqrt(2)))


def _log_chances(start: int, end: int, total: int, successes: int, draws: int) -> np.ndarray:
    """The hypergeometric distribution's log-chances of START to END successes among DRAWS from TOTAL holding
    SUCCESSES: the first from the log-factorials, each next one from its ratio to the one before, in one numpy pass."""
    def log_choose(n: int, k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    first = log_choose(successes, start) + log_choose(total - successes, draws - start) - log_choose(total, draws)
    k = np.arange(start, end, dtype="float64")
    ratios = (successes - k) * (draws - k) / ((k + 1) * (total - successes - draws + k + 1))
    return first + np.concatenate(([0.0], np.cumsum(np.log(ratios))))


def _upper_tail(hits: int, total: int, successes: int, draws: int) -> float:
    """The chance of HITS or more, summed in logs: no term overflows, nor does the tail of a pool of a million
    underflow on the way."""
    high = min(draws, successes)
    start = max(hits, draws - (total - successes), 0)
    if start > high:
        return 0.0
    logs = _log_chances(start, high, total, successes, draws)
    largest = logs.max()
    return float(math.exp(largest) * np.exp(logs - largest).sum())


def _exact_u_cdf(u: int, n1: int, n2: int) -> float:
    """P(U <= u) for samples of N1 <= N2 values with no ties: the counts of U by Löffler's recursion, as scipy counts
    them (an integer count until it passes 2**64, then a float)."""
    sigma = np.zeros(u + 1, dtype="int64")
    for d in range(1, n1 + 1):
        sigma[d::d] += d
    for d in range(n2 + 1, n1 + n2 + 1):
        sigma[d::d] -= d
    counts = np.zeros(u + 1, dtype="uint64")
    counts[0] = 1
    for step in range(1, u + 1):  # u is at most half of n1 * n2, and n1 at most 8
        value = np.dot(counts[:step], sigma[step:0:-1]) / step
        if value > np.iinfo(np.uint64).max and counts.dtype == np.uint64:
            counts = counts.astype("float64")
        counts[step] = value
    return float(np.cumsum(counts / float(math.comb(n1 + n2, n1)))[-1])


def p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
