"""The tests of chance (engine/significance.py) give scipy.stats' p-values without importing it: held to scipy here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact, hypergeom, mannwhitneyu

from complaint_audit.engine.significance import fails_more_than_the_rest, fisher_exact_two_sided, mann_whitney

counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=300, deadline=None)
@given(counts, counts, counts, counts)
@example(41, 44, 3, 0)  # two tables exactly as likely as each other: both count
def test_fishers_two_sided_test_gives_scipys_p_value(a, b, c, d):
    expected = fisher_exact([[a, b], [c, d]]).pvalue
    assert fisher_exact_two_sided([[a, b], [c, d]]) == pytest.approx(expected, rel=1e-9, abs=1e-300)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_groups_tail_gives_scipys_p_value(data):
    pooled = data.draw(st.integers(min_value=1, max_value=5000))
    pooled_failing = data.draw(st.integers(min_value=0, max_value=pooled))
    assessed = data.draw(st.integers(min_value=1, max_value=pooled))
    failing = data.draw(st.integers(min_value=max(0, assessed - (pooled - pooled_failing)),
                                    max_value=min(assessed, pooled_failing)))
    expected = min(1.0, hypergeom.sf(failing - 1, pooled, pooled_failing, assessed))
    got = fails_more_than_the_rest(pd.Series([failing]), pd.Series([assessed]), pooled_failing, pooled)
    assert got.iloc[0] == pytest.approx(expected, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("failing", "assessed", "pooled_failing", "pooled"), [
    (12, 40, 300, 1_000_000),  # a small team in a pool of a million: the tail is tiny but not nothing
    (900, 1_000, 50_000, 1_000_000),
    (0, 250, 10, 400_000),  # no failure at all: certain
])
def test_a_groups_tail_in_a_pool_of_a_million(failing, assessed, pooled_failing, pooled):
    """Within 1e-8: the log-factorials of a million lose a few digits to each other (docs/scaling.md)."""
    expected = hypergeom.sf(failing - 1, pooled, pooled_failing, assessed)
    got = fails_more_than_the_rest(pd.Series([failing]), pd.Series([assessed]), pooled_failing, pooled).iloc[0]
    assert got == pytest.approx(min(1.0, expected), rel=1e-8, abs=1e-300)


working_days = st.lists(st.integers(min_value=0, max_value=80), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(working_days, working_days)
def test_mann_whitney_gives_scipys_statistic_and_p_value(first, second):
    """Ties or none, small samples (scipy's exact distribution) or larger (its normal approximation)."""
    expected = mannwhitneyu(first, second, alternative="two-sided")
    statistic, p_value = mann_whitney(pd.Series(first), pd.Series(second))
    assert statistic == expected.statistic
    assert p_value == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("seed", range(5))
def test_mann_whitney_exact_against_a_large_sample(seed):
    """Eight values against 300, no ties: the exact distribution, whose counts pass 2**64."""
    values = np.random.default_rng(seed).permutation(np.arange(308)).astype(float)
    first, second = values[:8] * 1.0, values[8:]
    expected = mannwhitneyu(first, second, alternative="two-sided")
    statistic, p_value = mann_whitney(pd.Series(first), pd.Series(second))
    assert statistic == expected.statistic
    assert p_value == pytest.approx(expected.pvalue, rel=1e-9)


def test_the_sample_run_tests_chance_without_scipy(tmp_path):
    """The bundled sample's run makes every kind of test (FT001's Mann-Whitney, FT004's two-sided Fisher, grading by
    segment) and scipy, installed here for the tests above, is never imported."""
    import subprocess
    import sys

    from tests.conftest import SAMPLE_DATA

    probe = ("import sys; from complaint_audit.audit.run import run_audit; "
             f"audit = run_audit({str(SAMPLE_DATA / 'audit.toml')!r}); "
             "print(sorted(o.check.code for o in audit.outcomes if 'p_value' in str(o.result.metrics) "
             "or (o.result.segments is not None and o.result.segments.table['p_adjusted'].notna().any())), "
             "'scipy' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                             cwd=tmp_path).stdout.strip()
    tested, scipy_imported = printed.rsplit(" ", 1)
    assert "FT001" in tested and "FT004" in tested and "CSC001" in tested
    assert scipy_imported == "False"
