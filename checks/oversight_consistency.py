"""OV: oversight, consistency between teams. One council, one way of handling each kind of complaint: the same
targets (OV001), categories and outcomes (OV002); sign-off and recording are OV003-OV004 (oversight.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks._oversight import IDENTITY
from complaint_audit.checks._text import formatted, per_value
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    Status,
    exceptions,
    not_applicable,
)
from complaint_audit.engine.remedies import CORRECT_THE_RECORDS
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE, SOCIAL_CARE_REGULATIONS
from complaint_audit.schema import PROCESS_WORDS

_COUNCIL_STAGES = ("1", "2", "3")
# Corporate and housing complaints both follow a Complaint Handling Code: two stages, the same timescales.
_COMPARABLE_PROCESSES = [["corporate", "housing"]]


def _kind(process: pd.Series, comparable: list[list[str]]) -> pd.Series:
    """The kind of complaint a process belongs to: 'corporate and housing' for comparable processes.

    A categorical (its categories sorted, as text would sort): it is grouped and merged on, and
    named per distinct process, not written out for a million rows.
    """
    names = PROCESS_WORDS | {name: " and ".join(PROCESS_WORDS.get(p, p) for p in group) for group in comparable for name in group}
    return per_value(process, lambda value: names.get(value, value))


def _count(n: int, word: str, plural: str | None = None) -> str:
    """'1 comparison', '2 comparisons', '3 categories'."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _metric_name(*parts: str) -> str:
    return "_".join(parts).replace(" ", "_").replace("'", "")


class TeamTargets(Check):
    """Teams with different targets for the same kind of complaint.

    What it checks: the target each team records, as the median working days from receipt to
    the due date it records, for each kind of complaint and stage handled by more than one team
    (with at least `min_team_cases` records each). Processes listed together in
    `comparable_processes` count as one kind: by default corporate and housing complaints,
    which both follow a Complaint Handling Code with the same stages and timescales. The
    exceptions are the records of a team whose target is looser than the tightest team's for
    the same kind and stage, where the record's own target is looser too.

    Why it matters: two people making the same kind of complaint should wait the same time for
    an answer. A team working to a looser target makes its complainants wait longer and makes
    its performance look better than it is; where the looser target is also longer than the
    code allows, it breaks the code.

    How to fix: agree one target for each kind of complaint and stage, no looser than the
    code, and set every team's case system to it.
    """

    code = "OV001"
    uk_rules = True
    title = "Teams with different targets for the same kind of complaint"
    area = Area.OVERSIGHT
    rule = "Every team handling the same kind of complaint works to the same target at each stage."
    source = (
        "LGSCO Complaint Handling Code 6.3 and Housing Ombudsman Complaint Handling Code 6.11-6.12: "
        "one timescale per stage for every complaint"
    )
    params = {"comparable_processes": _COMPARABLE_PROCESSES, "min_team_cases": 5}
    requires = ("team", "due")
    fault = (
        "teams handling the same kind of complaint work to different targets ({groups_differing} of "
        "{groups_compared} comparisons), so people wait different times for the same service"
    )
    theme = "consistency"
    standards = (*CODES, *SOCIAL_CARE_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Check whether any of {people} whose team works to a looser target was answered outside the standard "
              "timescale, and put any delay right: an apology, and consider a payment for the time and trouble the "
              "delay caused{guidance}.")

    def run(self, data, params):
        records = data.records
        chosen = records["stage"].isin(_COUNCIL_STAGES) & records["team"].notna()
        # No case references yet: only the records listed at the end need them.
        rows = records.loc[chosen, ["stage", "team", "process", "received", "due"]]
        rows = rows.assign(
            kind=_kind(rows["process"], params["comparable_processes"]),
            target=data.calendar.working_days_between(rows["received"], rows["due"]),
            position=np.flatnonzero(chosen.to_numpy()),
        )
        rows = rows[rows["target"].notna()]
        teams = rows.groupby(["kind", "stage", "team"])["target"].agg(records="size", target="median").reset_index()
        teams = teams[teams["records"].ge(params["min_team_cases"])]
        teams = teams[teams.groupby(["kind", "stage"])["team"].transform("size").ge(2)]
        if teams.empty:
            return not_applicable("no kind of complaint and stage is handled by more than one team with due dates recorded")
        tightest = teams.sort_values(["target", "records", "team"], ascending=[True, False, True])
        tightest = tightest.drop_duplicates(["kind", "stage"])[["kind", "stage", "team", "target"]]
        teams = teams.merge(tightest.rename(columns={"team": "tightest_team", "target": "tightest_target"}), on=["kind", "stage"])
        looser = teams[teams["target"].gt(teams["tightest_target"])]
        affected = rows.merge(
            looser[["kind", "stage", "team", "tightest_team", "tightest_target"]], on=["kind", "stage", "team"]
        )
        affected = affected[affected["target"].gt(affected["tightest_target"])]
        reason = (
            "due " + affected["target"].astype("str") + " WD after receipt; " + affected["tightest_team"].astype("str") + " records "
            + formatted(affected["tightest_target"]) + " WD for " + affected["kind"].astype("str")
            + " Stage " + affected["stage"].astype("str")
        )
        identity = records[IDENTITY].iloc[affected["position"].to_numpy()].set_axis(affected.index)
        table = exceptions(
            identity, reason, target_working_days=affected["target"], tightest_target_working_days=affected["tightest_target"]
        )
        groups = teams.groupby(["kind", "stage"])
        metrics = {
            "groups_compared": groups.ngroups, "groups_differing": len(looser[["kind", "stage"]].drop_duplicates()),
            "teams_looser": len(looser), "records_affected": len(table),
        }
        for (kind, stage), group in groups:  # one per kind and stage: a handful
            metrics[_metric_name(kind, "stage", stage, "targets")] = ", ".join(
                f"{team} {target:g}" for team, target in zip(group["team"], group["target"], strict=True)
            )
        if looser.empty:
            finding = f"Teams handling the same kind of complaint record the same targets ({_count(groups.ngroups, 'comparison')})."
        else:
            clauses = [
                f"for {row.kind} Stage {row.stage}, {row.team} records {row.target:g} working days against "
                f"{row.tightest_target:g} at {row.tightest_team}"
                for row in looser.itertuples()
            ]
            finding = (
                f"Teams record different targets for the same kind of complaint in {metrics['groups_differing']:,} of "
                f"{_count(groups.ngroups, 'comparison')}: {'; '.join(clauses)} ({_count(len(table), 'record')} affected)."
            )
        recommendation = Recommendation(
            "Agree one target for each kind of complaint and stage, no looser than the code, and apply it in every team.",
            Priority.THREE_MONTHS,
        )
        return CheckResult(Status.WARN if len(looser) else Status.PASS, metrics, finding, table, recommendation)


def _team_counts(rows: pd.DataFrame, by: list[str], field: str) -> pd.DataFrame:
    """Records per value of `field` (columns) for each team of each group (rows: by..., team)."""
    return rows.groupby([*by, "team", field]).size().unstack(field, fill_value=0)


def _never_used(counts: pd.DataFrame, by: list[str], field: str, min_expected: float) -> pd.DataFrame:
    """(by..., field, teams) where some teams of a group never use a value another team uses (from _team_counts).

    A team is counted only when, at the highest rate any team of its group uses the value, it
    would have used it at least `min_expected` times: a rare value missing from a small team is
    chance, not a different vocabulary.
    """
    totals = counts.sum(axis=1)
    top_share = counts.div(totals, axis=0).groupby(level=by).transform("max")
    never = counts.eq(0) & top_share.gt(0) & top_share.mul(totals, axis=0).ge(min_expected)
    missing = never.stack()
    missing = missing[missing].reset_index()[[*by, "team", field]]
    return missing.groupby([*by, field])["team"].agg(", ".join).reset_index(name="teams_never")


class TeamVocabularies(Check):
    """Teams using different categories or outcomes for the same kind of complaint.

    What it checks: for each process handled by more than one team, the categories each team
    uses; and for each kind of complaint and stage (processes in `comparable_processes` count
    as one kind), the outcomes each team records. A category or outcome one team uses and
    another never does counts where the other team, at the rate the first uses it, would have
    used it at least `min_expected` times. The exceptions are the records that use such a
    category or outcome. Categories are compared within a process only, as they name the
    services, which differ between processes by design.

    Why it matters: the council reports its complaints by theme and by outcome. Where teams
    sort the same complaints into different categories, or one team never records "partly
    upheld" or "resolved", the figures cannot be added up or compared, and themes are missed.

    How to fix: publish one list of categories and outcomes for each kind of complaint, and use
    only those lists in every team's case system.
    """

    code = "OV002"
    general_source = "Good practice: volumes, outcomes and themes reported across the organisation"
    title = "Teams using different categories or outcomes for the same kind of complaint"
    area = Area.OVERSIGHT
    rule = "Teams handling the same kind of complaint sort and decide it with the same categories and outcomes."
    source = "LGSCO Complaint Handling Code 8-9 (annual performance report of volumes, outcomes and themes across the council)"
    params = {"comparable_processes": _COMPARABLE_PROCESSES, "min_expected": 5}
    requires = ("team",)
    fault = (
        "teams sort or decide the same kind of complaint with different categories or outcomes "
        "({records_affected} records affected), so the council's figures cannot be added up or compared"
    )
    theme = "consistency"
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records
        chosen = records["stage"].isin(_COUNCIL_STAGES) & records["team"].notna()
        # No case references yet: only the records listed at the end need them.
        rows = records.loc[chosen, ["organisation", "stage", "team", "process", "category", "outcome"]]
        rows = rows.assign(
            kind=_kind(rows["process"], params["comparable_processes"]), process_words=_kind(rows["process"], []),
            position=np.flatnonzero(chosen.to_numpy()),
        )
        groups = {"category": ["process_words"], "outcome": ["kind", "stage"]}
        counts = {field: _team_counts(rows[rows[field].notna()], by, field) for field, by in groups.items()}
        # A group is compared where two or more teams record the field.
        compared = {field: int(counts[field].groupby(level=by).size().ge(2).sum()) for field, by in groups.items()}
        if not any(compared.values()):
            return not_applicable("no kind of complaint is handled by more than one team")
        parts = []
        for field, by in groups.items():
            missing = _never_used(counts[field], by, field, params["min_expected"])
            found = rows.merge(missing, on=[*by, field])
            label = (found["process_words"].astype("str") + " complaints" if field == "category"
                     else found["kind"].astype("str") + " Stage " + found["stage"].astype("str"))
            found["reason"] = (
                field + " " + found[field].astype("str") + " never used by " + found["teams_never"].astype("str")
                + " for " + label
            )
            parts.append((field, missing, found))
        affected = pd.concat([found for _, _, found in parts], ignore_index=True)
        identity = records[IDENTITY].iloc[affected["position"].to_numpy()].set_axis(affected.index)
        table = exceptions(identity, affected["reason"])
        metrics = {
            "processes_compared_for_categories": int(compared["category"]),
            "groups_compared_for_outcomes": int(compared["outcome"]),
            "categories_not_shared": len(parts[0][1]), "outcomes_not_shared": len(parts[1][1]),
            "records_affected": len(table),
        }
        if len(table):
            examples = "; ".join(
                f"{field} {row[field]} never used by {row['teams_never']}"
                for field, missing, _ in parts for _, row in missing.head(3).iterrows()
            )
            finding = (
                "Teams handling the same kind of complaint use different vocabularies: "
                f"{_count(metrics['categories_not_shared'], 'category', 'categories')} and "
                f"{_count(metrics['outcomes_not_shared'], 'outcome')} used by one team are never used by another "
                f"({_count(len(table), 'record')}), for example {examples}."
            )
        else:
            compared_text = [
                f"the same categories ({_count(metrics['processes_compared_for_categories'], 'process', 'processes')} compared)"
                if compared["category"] else "",
                f"the same outcomes ({_count(metrics['groups_compared_for_outcomes'], 'kind and stage', 'kinds and stages')} "
                "compared)" if compared["outcome"] else "",
            ]
            finding = "Teams handling the same kind of complaint use " + " and ".join(filter(None, compared_text)) + "."
            if not compared["category"]:
                finding += " No process has more than one team, so categories could not be compared."
            if not compared["outcome"]:
                finding += " No kind of complaint has more than one team recording outcomes, so outcomes could not be compared."
        recommendation = Recommendation(
            "Publish one list of categories and outcomes for each kind of complaint and use only those in every team.",
            Priority.TWELVE_MONTHS,
        )
        return CheckResult(Status.WARN if len(table) else Status.PASS, metrics, finding, table, recommendation)
