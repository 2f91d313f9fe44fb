"""Grading by segment: a fault concentrated in one team or kind of complaint is not diluted by the rest.

A check declares in Check.segments the columns whose values make a segment (the team and stage,
the team and category, the process and stage) and, once it has its pooled result, passes it to
`by_segment` with the cases it assessed and which of them failed. Every segment with at least
SMALL_BASE cases is graded by the check's own thresholds (amber_above, red_above). A segment
sets the grade, where it is worse than the pool's, and heads the finding with the pooled rate as
context, only when it fails more often than the rest of the pool beyond chance:

    "16 of 64 Stage 1 not-upheld letters about Damp and Mould at Housing Complaints (25.0%) share
     their wording with another complaint's letter, beyond chance (Fisher's exact test against
     the rest of the council, Holm-corrected across 62 groups); council-wide, 16 of 1,788 ..."

Without that gate an evenly spread problem turns amber wherever one of many segments happens to
run high (a million cases failing at random at 4.5% put 27 of 320 segments above an amber_above
of 5). The test is one-sided Fisher's exact test of each segment against the rest of the pool,
with Holm's correction across every segment large enough to grade (not only those that run high:
they are chosen for running high, so correcting across them alone would understate chance), at
the check's `alpha` or 0.05. A segment that runs high but could be chance is listed with
`beyond_chance` false and named in the finding as such; it sets no grade.

A smaller segment sets no grade (one case moves its rate by more than ten points) but is listed
in the segments table with its counts, and the finding names the few whose share would have
been graded amber or worse. Segments are always split by organisation too, so two councils'
teams of the same name are never pooled. Everything is one groupby over the assessed cases and
one vectorised test over the segments.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import Check, CheckResult, Status, grade, percent
from complaint_audit.engine.judging import SMALL_BASE
from complaint_audit.engine.significance import DEFAULT_ALPHA, holm_adjusted, p_text, upper_tails
from complaint_audit.schema import PROCESS_WORDS

NOT_GRADED = "not_graded"  # a segment below SMALL_BASE: counted and listed, never graded
NOT_RECORDED = "not recorded"  # a segment's value where the records leave the column blank
SEGMENT_FIELDS = ("failing", "assessed", "percent", "status", "p_adjusted", "beyond_chance")
_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
_SMALL_NAMED = 3  # at most this many small failing segments are named in a finding
_SENTENCE_END = re.compile(r"[.;:](?=\s|$)")
_OUTCOME_WORDS = {"upheld": "upheld", "partly_upheld": "partly upheld", "not_upheld": "not-upheld"}


@dataclass(frozen=True)
class Segments:
    """How a check was graded by segment (CheckResult.segments): one row per segment (segment_table), and the worst
    segment's sentence with the pooled rate ("16 of 64 ... (25.0%) share ...; 16 of 1,788 letters council-wide
    (0.9%)") where that segment heads the finding, for the report to say the fault where it falls."""

    table: pd.DataFrame
    headline: str | None = None


def segment_table(cases: pd.DataFrame, failing: pd.Series, by: Sequence[str], params: Mapping[str, Any]) -> pd.DataFrame:
    """One row per segment of CASES (their values of `organisation` and BY): failing, assessed, percent, status,
    p_adjusted and beyond_chance (whether it fails more often than the rest of the pool beyond chance).

    The percent, p_adjusted and beyond_chance are None and the status NOT_GRADED below SMALL_BASE
    cases; rows run from the worst graded segment down, the small segments last.
    """
    keys = ["organisation", *(name for name in by if name != "organisation")]
    # Grouped on the columns' codes; only the segments' keys become text. What follows is numpy over the few segments:
    # pandas' fixed cost per operation was most of a check's grading.
    segments, group = segment_groups(cases, keys)
    failing_counts = np.bincount(group, weights=failing.to_numpy(dtype=bool), minlength=len(segments)).astype(int)
    assessed = np.bincount(group, minlength=len(segments))
    large = assessed >= SMALL_BASE
    share = np.round(100.0 * failing_counts / assessed, 1)
    status = pd.array([grade(value, params["amber_above"], params["red_above"]).value if big else NOT_GRADED
                       for value, big in zip(share, large, strict=True)], dtype="str")  # one per segment, not per case
    p_adjusted, beyond_chance = _beyond_chance(failing_counts, assessed, large, params)
    # The worst graded segment first, the small ones last; ties in the groups' order.
    order = np.lexsort((-failing_counts, -np.where(large, share, -1.0)))
    table = {name: _key_text(segments[name])[order] for name in keys}
    table.update({"failing": failing_counts[order], "assessed": assessed[order],
                  "percent": np.where(large, share.astype(object), None)[order], "status": status[order],
                  "p_adjusted": p_adjusted[order], "beyond_chance": beyond_chance[order]})
    return pd.DataFrame({name: pd.Series(values, dtype=values.dtype, copy=False) for name, values in table.items()})


def segment_groups(cases: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The segments CASES fall into by the values of KEYS, one row each, and each case's segment by its position.

    The segments are those `groupby(keys, observed=True, dropna=False, sort=True)` makes, in its order: by each key in
    turn, a categorical's in its categories' order and other text sorted, blanks after every value. Worked out on
    each key's codes with numpy: the groupby cost a few milliseconds a check, whatever the cases.
    """
    codes, values = [], []
    for name in keys:
        column = cases[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            code, distinct = column.cat.codes.to_numpy(dtype=np.int64), column.cat.categories
        else:
            code, distinct = pd.factorize(column, sort=True)
        codes.append(np.where(code < 0, len(distinct), code))  # a blank after every value
        values.append(distinct)
    sizes = [len(distinct) + 1 for distinct in values]
    if np.prod(np.array(sizes, dtype=float)) < _NUMBERED_UP_TO:  # each combination of codes as one number, in order
        found, group = np.unique(np.ravel_multi_index(codes, sizes), return_inverse=True)
        found_codes = np.unravel_index(found, sizes)
    else:  # too many combinations to number: the rows of codes themselves, sorted the same way
        rows, group = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
        found_codes = tuple(rows.T)
    segments = pd.DataFrame({name: _values_at(distinct, code) for name, distinct, code in zip(keys, values, found_codes,
                                                                                              strict=True)})
    return segments, group.reshape(-1)


# The combinations of the keys' codes are numbered in an int64 while there are fewer than this.
_NUMBERED_UP_TO = 2**62


def _values_at(distinct: pd.Index, code: np.ndarray) -> pd.Series:
    """DISTINCT's values at CODE, None where CODE is past them (a blank)."""
    values = np.full(len(code), None, dtype=object)
    present = code < len(distinct)
    values[present] = np.asarray(distinct, dtype=object)[code[present]]
    return pd.Series(values, dtype=object)


def _key_text(values: pd.Series) -> np.ndarray:
    """A segment's values as text, NOT_RECORDED where the records leave them blank.

    Value by value where they are text already (the segments' keys are teams, stages, categories: a few hundred
    values at most), as pandas would give them; each pandas call here cost about a millisecond, paid for every key of
    every check graded by segment, and again for each organisation of a run of several."""
    missing, items = values.isna().to_numpy(), values.tolist()
    if all(isinstance(value, str) for value, blank in zip(items, missing, strict=True) if not blank):
        return np.array([NOT_RECORDED if blank else value for value, blank in zip(items, missing, strict=True)], dtype=object)
    return values.astype("str").where(values.notna(), NOT_RECORDED).to_numpy(dtype=object)


def by_segment(check: type[Check] | Check, result: CheckResult, cases: pd.DataFrame, failing: pd.Series,
               params: Mapping[str, Any], *, noun: str, failed: str) -> CheckResult:
    """RESULT (the check's pooled grade of CASES) graded by its segments as well, with the segments table.

    NOUN names the cases in the plural ("letters"), FAILED says what the failing ones did
    ("did not apologise"): the headline reads "<f> of <n> <segment> <noun> (<p>%) <failed>; <F> of
    <N> <noun> council-wide (<P>%)." A finding that already gives the segment's count keeps its
    own words. A check with no segments, or a result that is not graded, is returned as it is.
    """
    if not check.segments or result.status not in _SEVERITY or cases.empty:
        return result
    table = segment_table(cases, failing, check.segments, params)
    status, finding, headline = result.status, result.finding, None
    pooled_failing, pooled = int(failing.sum()), len(cases)
    several = len(table) > 1
    # The segments that would head the finding: graded amber or red, and failing more often than the pool. Picked out
    # with numpy over the table's columns: a pandas filter cost about a millisecond each, paid for every check.
    status_of, failing_of, assessed_of = table["status"].to_numpy(), table["failing"].to_numpy(), table["assessed"].to_numpy()
    graded_high = np.flatnonzero(np.isin(status_of, [Status.WARN.value, Status.FAIL.value]))
    high = graded_high[table["percent"].to_numpy()[graded_high].astype(float) > percent(pooled_failing, pooled)]
    beyond = high[table["beyond_chance"].to_numpy()[high].astype(bool)]
    if several and len(beyond):
        worst = table.iloc[beyond[0]]
        worst_status = Status(worst["status"])
        if _SEVERITY[worst_status] > _SEVERITY[status]:
            status = worst_status
        finding, headline = _headline(worst, table, noun, failed, pooled_failing, pooled, finding)
    elif several and len(high):
        finding += f" {_could_be_chance(table.iloc[high[0]], table, noun)}"
    # Small segments are named only beside a pool large enough to grade (else the whole finding is thin evidence),
    # and not where the check's own words already give their counts.
    small = np.flatnonzero((status_of == NOT_GRADED) & (failing_of > 0) & (100.0 * failing_of / assessed_of > params["amber_above"]))
    small = [row for row in small.tolist() if f"{failing_of[row]:,} of {assessed_of[row]:,} " not in finding]
    if several and pooled >= SMALL_BASE and small:
        named = table.iloc[small].sort_values("failing", ascending=False, kind="stable").head(_SMALL_NAMED)
        more = len(small) - len(named)
        finding += (" Too few to grade on their own: " + "; ".join(
            f"{row.failing:,} of {row.assessed:,} {_label(row, table, noun)}" for row in named.itertuples())
            + (f"; and {more:,} more" if more else "") + ".")
    return dataclasses.replace(result, status=status, finding=finding, segments=Segments(table, headline))


def segments_json(segments: Segments | None) -> dict | None:
    """The segments as results.json holds them: the columns grouped by, each segment's keys and figures, and the
    headline; None where the check was not graded by segment."""
    if segments is None:
        return None
    table = segments.table
    keys = [name for name in table.columns if name not in SEGMENT_FIELDS]
    groups = [{"keys": {name: row[name] for name in keys}, "failing": int(row["failing"]),
               "assessed": int(row["assessed"]), "percent": None if row["percent"] is None else float(row["percent"]),
               "status": row["status"],
               "p_adjusted": None if row["p_adjusted"] is None else float(f"{row['p_adjusted']:.3g}"),
               "beyond_chance": None if row["beyond_chance"] is None else bool(row["beyond_chance"])}
              for row in _records(table)]
    return {"by": keys, "groups": groups, "headline": segments.headline}


def _records(table: pd.DataFrame) -> list[dict]:
    """TABLE's rows as dicts of Python values, as to_dict("records") gives them in a fifth of the time."""
    columns = {name: table[name].tolist() for name in table.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _headline(worst: pd.Series, table: pd.DataFrame, noun: str, failed: str, pooled_failing: int, pooled: int,
              finding: str) -> tuple[str, str]:
    """The finding headed by the worst segment's sentence, naming the test that puts it beyond chance, and that
    sentence with the pooled rate on its own (the report's headline, without the test).

    The pool is said once: the check's own finding follows "council-wide," where it opens with the
    pooled count; a finding that already gives the segment's count keeps its own words."""
    count, pooled_count = f"{int(worst['failing']):,} of {int(worst['assessed']):,}", f"{pooled_failing:,} of {pooled:,}"
    scope = "council-wide" if table["organisation"].nunique() == 1 else "across the councils audited"
    pooled_text = f"{pooled_count} {noun} {scope} ({percent(pooled_failing, pooled)}%)"
    segment = f"{count} {_label(worst, table, noun)} ({worst['percent']}%) {failed}"
    headline = f"{segment}; {pooled_text}"
    test = _test_named(table)
    if f"{count} " in finding:
        # The test is said at the end of the check's own sentence with the segment's count.
        end = _SENTENCE_END.search(finding, finding.index(f"{count} "))
        at = end.start() if end else len(finding)
        finding = f"{finding[:at]}, beyond chance ({test}){finding[at:]}"
        return (finding if f"{pooled_count} " in finding else f"{finding} In all, {pooled_text}."), headline
    if finding.startswith(f"{pooled_count} "):
        return f"{segment}, beyond chance ({test}); {scope}, {finding}", headline
    return f"{segment}, beyond chance ({test}); {pooled_text}. {finding}", headline


def _could_be_chance(highest: pd.Series, table: pd.DataFrame, noun: str) -> str:
    """The highest-running segment named where it sets no grade because its excess could be chance."""
    count = f"{int(highest['failing']):,} of {int(highest['assessed']):,}"
    return (f"The highest rate, {count} {_label(highest, table, noun)} ({highest['percent']}%), could be chance "
            f"({_test_named(table)}: adjusted {p_text(highest['p_adjusted'])}), so it sets no grade.")


def _test_named(table: pd.DataFrame) -> str:
    """The test behind `beyond_chance`, briefly: 'Fisher's exact test against the rest of the council, Holm-corrected
    across 62 groups'."""
    rest = "the rest of the council" if table["organisation"].nunique() == 1 else "the rest of the councils audited"
    tested = int(table["beyond_chance"].notna().sum())
    return f"Fisher's exact test against {rest}" + (f", Holm-corrected across {tested:,} groups" if tested > 1 else "")


def _beyond_chance(failing: np.ndarray, assessed: np.ndarray, large: np.ndarray,
                   params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's Holm-adjusted p-value of failing more often than the rest of the pool, and whether it is below
    the check's alpha; None for a segment too small to grade. Holm's family is every segment large enough to grade."""
    adjusted = holm_adjusted(upper_tails(failing[large], assessed[large], int(failing.sum()), int(assessed.sum())))
    p_values, beyond = np.full(len(failing), None, dtype=object), np.full(len(failing), None, dtype=object)
    p_values[large] = adjusted.astype(object)
    beyond[large] = (adjusted < params.get("alpha", DEFAULT_ALPHA)).astype(object)
    return p_values, beyond


def _label(row, table: pd.DataFrame, noun: str) -> str:
    """A segment in words: 'housing Stage 2 responses at Housing Complaints', 'not-upheld letters about Damp and
    Mould at ...'; the organisation too where there are several."""
    values = row._asdict() if hasattr(row, "_asdict") else dict(row)
    recorded = {name: value for name, value in values.items() if name not in SEGMENT_FIELDS and name != "Index"}
    before, blank = [], [name for name, value in recorded.items() if value == NOT_RECORDED]
    recorded = {name: value for name, value in recorded.items() if name not in blank or name == "organisation"}
    for name, value in recorded.items():
        if name == "process":
            before.append(PROCESS_WORDS.get(value, value))
        elif name == "stage":
            before.append(f"Stage {value}")
        elif name == "outcome":
            before.append(_OUTCOME_WORDS.get(value, value.replace("_", " ")))
        elif name not in ("organisation", "team", "category"):
            before.append(str(value))
    words = " ".join([*before, noun])
    if "category" in recorded:
        words += f" about {recorded['category']}"
    if "team" in recorded:
        words += f" at {recorded['team']}"
    if blank:
        words += f" with no {' or '.join(name.replace('_', ' ') for name in blank)} recorded"
    if table["organisation"].nunique() > 1:
        words += f" ({recorded['organisation']})"
    return words
