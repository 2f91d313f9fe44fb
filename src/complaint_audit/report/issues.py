"""The executive summary's issues: red and amber findings about the same people merged, then ranked.

A committee reads about five issues, not thirty checks. Two checks that list mostly the same
cases describe one failing seen twice (a team's looser target, TS006, and the same team's
different target from the others, OV001, name the same 81 complaints), so they become one issue
with one recommendation. Issues are then ranked by a score a reader can redo by hand
(`score`): how severe, how strong the standard broken, and how many people it touched.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from complaint_audit.engine.judging import SMALL_BASE

# Two findings are one issue when this share of the larger one's cases are also the other's (_same_cases).
SAME_CASES_SHARE = 0.8
SUMMARY_ISSUES = 5
_SEVERITY_POINTS = {"fail": 2.0, "warn": 1.0}
# Points for the standard broken, per failing case judged under it (report/standing.py): a statutory scheme or a
# code in force (fault), the council's own procedure, good practice.
_STANDARD_POINTS = {"fault": 2.0, "own procedure": 0.5, "good practice": 0.0}
SCORE_RULE = (
    "Issues are ranked by a score: 2 for a red finding or 1 for an amber one; plus up to 2 for the standard broken "
    "(2 where every failing case is fault under a statutory scheme or a code in force, 0.5 where it falls short of the "
    "council's own procedure, in proportion where the cases straddle a code's date); plus the number of people "
    f"affected on a log scale (log10 of people + 1). Findings of at least {SMALL_BASE} cases each that share "
    f"{SAME_CASES_SHARE:.0%} of the larger one's cases are one issue, led by its highest-scoring finding."
)


def case_sets(exceptions: pd.DataFrame) -> dict[str, set[int]]:
    """Each check's cases listed, as integer case codes (organisation and case), for measuring overlap."""
    if exceptions.empty:
        return {}
    organisation = pd.factorize(exceptions["organisation"], use_na_sentinel=False)[0].astype(np.int64)
    key, keys = pd.factorize(exceptions["case_key"], use_na_sentinel=False)
    case = organisation * len(keys) + key
    check, checks = pd.factorize(exceptions["check"], use_na_sentinel=False)
    order = np.argsort(check, kind="stable")
    starts = np.searchsorted(check[order], np.arange(len(checks) + 1))
    return {str(name): set(case[order[start:stop]].tolist())
            for name, start, stop in zip(checks, starts[:-1], starts[1:], strict=True)}


def score(finding: dict) -> float:
    """Severity plus the strength of the standard plus people affected (log scale): SCORE_RULE."""
    return (_SEVERITY_POINTS.get(finding["status"], 0.0) + standard_points(finding)
            + math.log10(finding["people"] + 1))


def standard_points(finding: dict) -> float:
    """SCORE_RULE's points for the standard: by the share of failing cases judged under each kind of standard."""
    standard = finding.get("standard_judged")
    if not finding["is_fault"]:  # what it falls short of, as results.json's standard says (report/standing.py)
        short_of = (standard or {}).get("short_of") or "good practice"
        return _STANDARD_POINTS["own procedure" if "own procedure" in short_of else "good practice"]
    if not standard or not standard["cases_short"]:
        return _STANDARD_POINTS["fault"]
    judged = standard["cases_fault"] + standard["cases_short"]
    return (standard["cases_fault"] * _STANDARD_POINTS["fault"]
            + standard["cases_short"] * _STANDARD_POINTS["own procedure"]) / judged


def merged(findings: list[dict], cases: dict[str, set[int]]) -> list[list[dict]]:
    """The red and amber findings in groups about the same cases (SAME_CASES_SHARE), each led by its best score."""
    concerns = [f for f in findings if f["status"] in _SEVERITY_POINTS]
    parent = list(range(len(concerns)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, first in enumerate(concerns):
        for j in range(i + 1, len(concerns)):
            mine, theirs = cases.get(first["code"], set()), cases.get(concerns[j]["code"], set())
            if _same_cases(mine, theirs):
                parent[root(j)] = root(i)
    groups: dict[int, list[dict]] = {}
    for i, finding in enumerate(concerns):
        groups.setdefault(root(i), []).append(finding)
    return [sorted(group, key=lambda f: (-score(f), f["code"])) for group in groups.values()]


def _same_cases(mine: set[int], theirs: set[int]) -> bool:
    """Whether two findings list mostly the same cases: SAME_CASES_SHARE of the larger one's, each of at least
    SMALL_BASE. A handful of cases that fail many checks (a tiny export) are many problems, not one."""
    if min(len(mine), len(theirs)) < SMALL_BASE:
        return False
    return len(mine & theirs) >= SAME_CASES_SHARE * max(len(mine), len(theirs))


def ranked(findings: list[dict], cases: dict[str, set[int]]) -> list[dict]:
    """Every issue, highest score first: its lead finding's words, the people across its findings, its codes."""
    issues = []
    for group in merged(findings, cases):
        lead = group[0]
        people = len(set().union(*(cases.get(f["code"], set()) for f in group))) or lead["people"]
        issues.append({
            "lead": lead, "codes": [f["code"] for f in group], "findings": group, "people": people,
            "score": round(score(lead), 2), "also": group[1:],
        })
    issues.sort(key=lambda issue: (-issue["score"], issue["lead"]["code"]))
    return [{**issue, "number": number} for number, issue in enumerate(issues, start=1)]


def lead_of(issues: list[dict]) -> dict[str, str]:
    """Each red or amber check's issue, by its lead check's code: the recommendations are one per issue."""
    return {code: issue["lead"]["code"] for issue in issues for code in issue["codes"]}


def rank_of(issues: list[dict]) -> dict[str, int]:
    """Each red or amber check's issue number: the action plan follows the issues' order."""
    return {code: issue["number"] for issue in issues for code in issue["codes"]}
