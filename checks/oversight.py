"""OV: oversight and consistency. Whether teams handle the same kind of complaint alike, and who answers for it.

Teams handling the same process and stage should work to the same targets (OV001) and use the
same categories and outcomes (OV002); final responses are signed off at the required level
(OV003); every complaint has a team and a category, so somebody owns it (OV004); and a Stage 2 is
considered by someone other than the Stage 1 handler (OV005)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Force,
    Priority,
    Recommendation,
    RuleStandard,
    Status,
    exceptions,
    flag_names,
    grade,
    graded,
    not_applicable,
    not_in_export,
    percent,
)
from complaint_audit.engine.remedies import CORRECT_THE_RECORDS
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE, SOCIAL_CARE_REGULATIONS
from complaint_audit.engine.toolkit import formatted, per_value
from complaint_audit.schema import COUNCIL_STAGES, PROCESS_WORDS

# ------------------------------------------------------------------------------------------------------------
# The record identity the OV checks copy.

# Checks copy only the columns they read: copying every column (letters included) of a million
# records costs more than the check itself.
IDENTITY = ["organisation", "case_id", "stage", "team", "process"]


# ------------------------------------------------------------------------------------------------------------
# The checks: sign-off and ownership (OV003-OV004).

_DEFAULT_THRESHOLDS = {"amber_above": 2.0, "red_above": 10.0}
# Which grades may sign off a final response is the council's own policy: the regulations leave it open.
SIGN_OFF_POLICY = RuleStandard("the council's own policy on who signs off a final response",
                               "the council's complaints policy (the grades it names: `required_signatories`)",
                               Force.LOCAL)


class SignOffLevel(Check):
    """Final responses signed off below the required level.

    What it checks: every Stage 2 and Stage 3 response, and the final response of each
    process (`final_stages`: the single stage of adult social care, Stage 2 of corporate and
    housing complaints, Stage 3 of children's), records a sign-off by one of the
    `required_signatories`. A role matches when the recorded sign-off starts with it as whole
    words, ignoring case: "Director" covers "Director of Children's Services" (not
    "Directorate Officer"), and "Head of" covers any head of service ("Head of Service",
    "Head of Adult Social Care"). The exceptions are responses sent with no sign-off recorded
    or signed off by anyone else. Which grades may sign off is local policy that the
    regulations leave open, hence a parameter.

    Why it matters: a final response closes the council's handling and sends the complainant to
    the ombudsman. The adult regulations require it to be signed by the responsible person,
    and the children's guidance a senior manager's decision on each point at Stage 2; a
    response signed lower down has not had the senior oversight the codes expect.

    How to fix: route every final response to an approved signatory before it is sent, and
    record who signed it off.
    """

    code = "OV003"
    tally = ("failing", "responses")
    segments = ("team", "process")  # who signs off a final response differs by process (regulations, codes)
    denominator = (
        "responses sent at Stage 2 or Stage 3, and at each process's final stage in `final_stages` (by default adult "
        "social care's single stage), of the corporate, housing, children's and adult social care processes: each such "
        "stage record with a response date"
    )
    uk_rules = True
    title = "Final responses signed off below the required level"
    area = Area.OVERSIGHT
    rule = "Stage 2, Stage 3 and final responses are signed off by a senior officer."
    source = (
        "SI 2009/309 reg 14(2) (signed by the responsible person); SI 2006/1738 and Getting the Best from Complaints "
        "(children's Stage 2 decision by a senior manager); LGSCO Complaint Handling Code 9 (senior oversight)"
    )
    params = {
        "required_signatories": ["Chief Executive", "Director", "Assistant Director", "Head of"],
        "final_stages": {"corporate": "2", "housing": "2", "childrens_statutory": "3", "adult_social_care": "1", "other": "2"},
        **_DEFAULT_THRESHOLDS,
    }
    requires = ("signed_off_by",)
    fault = (
        "{failing} of {responses} Stage 2, Stage 3 and final responses ({percent_failing}) were signed off "
        "below the required level or not at all"
    )
    standards = (SIGN_OFF_POLICY,)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Have an approved senior officer review the final responses sent to {people} without the required "
              "sign-off, and write with an apology to any whose response that review changes.")

    def run(self, data, params):
        records = data.records[[*IDENTITY, "responded", "signed_off_by"]]
        final = records["stage"].isin(["2", "3"]) | records["stage"].eq(records["process"].map(params["final_stages"]))
        responses = records[final & records["responded"].notna()]
        if responses.empty:
            return not_applicable("no Stage 2, Stage 3 or final responses sent")
        roles = "|".join(re.escape(role.strip()) for role in params["required_signatories"])
        signer = responses["signed_off_by"].str.strip()
        signer = signer.mask(signer.eq(""))
        senior = signer.str.match(rf"(?:{roles})\b", case=False).fillna(False).astype(bool)
        failing = responses[~senior]
        reason = ("signed off by " + signer[~senior].astype("str") + ", below the required level").fillna("response sent with no sign-off recorded")
        by_process = (~senior).groupby(responses["process"]).agg(["sum", "size"])
        metrics = {
            "responses": len(responses), "failing": len(failing), "percent_failing": percent(len(failing), len(responses)),
            "no_sign_off": int(signer.isna().sum()),
        }
        for process, row in by_process.iterrows():
            metrics[f"{process}_failing"] = int(row["sum"])
            metrics[f"{process}_responses"] = int(row["size"])
        finding = (
            "{failing:,} of {responses:,} Stage 2, Stage 3 and final responses ({percent_failing}%) were signed off below "
            "the required level or not at all"
        ).format(**metrics)
        worst = by_process[by_process["sum"].gt(0)].sort_values("sum", ascending=False)
        finding += ": " + ", ".join(
            f"{PROCESS_WORDS.get(process, process)} {int(row['sum']):,} of {int(row['size']):,}" for process, row in worst.iterrows()
        ) + "." if len(worst) else "."
        recommendation = Recommendation(
            "Have every final response signed off by an approved senior officer before it is sent, and record who signed it.",
            Priority.QUICK_WIN,
        )
        status = grade(metrics["percent_failing"], params["amber_above"], params["red_above"])
        table = exceptions(failing, reason, signed_off_by=failing["signed_off_by"])
        return by_segment(self, CheckResult(status, metrics, finding, table, recommendation), responses, ~senior, params,
                          noun="responses", failed="were signed off below the required level or not at all")


class NoTeamOrCategory(Check):
    """Complaints with no team or category.

    What it checks: every complaint record names the team that owns it and the category it is
    about (a blank counts as missing).

    Why it matters: oversight works through teams and themes: a complaint with no team is
    nobody's to improve, and one with no category is left out of the themes the council must
    report and learn from.

    How to fix: make team and category mandatory when a complaint is logged, and allocate the
    exceptions listed here.
    """

    code = "OV004"
    denominator = (
        "records (stage records of every process, the ombudsman's stage included) whose export has a team or a category "
        "column"
    )
    general_source = "Good practice: performance and themes reported by service"
    title = "Complaints with no team or category"
    area = Area.OVERSIGHT
    rule = "Every complaint is owned by a team and sorted into a category."
    source = "LGSCO Complaint Handling Code 8-9 (performance and themes reported by service)"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = (
        "{failing} of {assessed} complaint records ({percent_failing}) have no team or no category, so nobody "
        "owns them"
    )
    standards = (GOOD_PRACTICE,)
    fault_type = None
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        records = data.records[[*IDENTITY, "category"]]
        exported = pd.DataFrame({name: data.exported(name) for name in ("team", "category")})
        missing = pd.DataFrame({name: (records[name].isna() | records[name].str.strip().eq("")) & exported[name] for name in ("team", "category")})
        failing = missing.any(axis=1)
        table = exceptions(records[failing], "no " + flag_names(missing[failing], " or "))
        return graded(
            int(failing.sum()), int(exported.any(axis=1).sum()), params,
            "{failing:,} of {assessed:,} records ({percent_failing}%) have no team or no category." + not_in_export(records, exported),
            table, Recommendation("Make team and category mandatory when a complaint is logged.", Priority.QUICK_WIN),
            no_team=int(missing["team"].sum()), no_category=int(missing["category"].sum()),
        )


class Stage2BySomeoneElse(Check):
    """Stage 2 considered by someone other than the Stage 1 handler.

    What it checks: each corporate or housing Stage 2 whose export names its handler and the
    Stage 1 handler of the same case (`handler_key`, pseudonymised at load: the names are never
    stored) is handled by someone else. A case with either handler unrecorded is not assessed,
    and the finding says how many.

    Why it matters: Stage 2 is the complainant's chance to have the council's decision looked at
    afresh; the Codes require it to be considered by someone not involved at Stage 1, and an
    officer reviewing their own answer is no review.

    How to fix: allocate every Stage 2 to an officer who had no part in Stage 1 (a more senior
    reviewer or the complaints team), and record the handler at each stage.
    """

    code = "OV005"
    case_level = True  # the Codes' Stage 2 duty is owed to each complainant who escalates
    denominator = ("corporate and housing Stage 2 records whose export names a handler, with a handler recorded at "
                   "both stages of the case")
    uk_rules = True
    title = "Stage 2 by someone other than the Stage 1 handler"
    area = Area.OVERSIGHT
    rule = "A Stage 2 complaint is considered by someone who did not handle it at Stage 1."
    source = "Housing Ombudsman Complaint Handling Code 6.13; LGSCO Complaint Handling Code section 6 (Stage 2)"
    params = dict(_DEFAULT_THRESHOLDS)
    fault = ("{failing} of {assessed} Stage 2 complaints ({percent_failing}) were handled by the officer who had "
             "handled them at Stage 1")
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    impact = ("The Stage 2 complaints of {people} were considered by the officer whose Stage 1 answer they were "
              "challenging, so they never had the fresh look at their complaint that escalating is meant to give.")
    remedy = ("Offer {people} whose Stage 2 was considered by their Stage 1 handler a fresh Stage 2 review by someone "
              "not involved before, and apologise for the flaw in the process.")

    def run(self, data, params):
        records = data.records
        code = records["process"].isin(["corporate", "housing"]) & data.exported("handler_key")
        stage2 = records.loc[code & records["stage"].eq("2"), [*IDENTITY, "handler_key"]]
        if stage2.empty:
            return not_applicable("the export has no handler field (handler_key) for corporate or housing Stage 2")
        stage1 = records.loc[code & records["stage"].eq("1"), ["organisation", "case_id", "handler_key"]]
        stage1 = stage1.dropna().drop_duplicates(["organisation", "case_id"])
        first = stage2[["organisation", "case_id"]].merge(stage1, how="left")["handler_key"].set_axis(stage2.index)
        assessed = stage2["handler_key"].notna() & first.notna()
        if not assessed.any():
            return not_applicable(f"none of the {len(stage2):,} corporate or housing Stage 2 records has a handler "
                                  "recorded at both stages")
        same = assessed & stage2["handler_key"].eq(first).fillna(False).astype(bool)
        unassessed = len(stage2) - int(assessed.sum())
        finding = ("{failing:,} of {assessed:,} corporate and housing Stage 2 complaints ({percent_failing}%) were "
                   "handled by the officer who had handled them at Stage 1.")
        if unassessed:
            finding += (f" {unassessed:,} Stage 2 {'record' if unassessed == 1 else 'records'} without a handler "
                        "recorded at both stages could not be assessed.")
        return graded(
            int(same.sum()), int(assessed.sum()), params, finding,
            exceptions(stage2[same], "Stage 2 handled by the Stage 1 handler (the same pseudonymised officer)"),
            Recommendation("Allocate every Stage 2 to an officer not involved at Stage 1, and record the handler at "
                           "each stage.", Priority.QUICK_WIN),
            not_assessed=unassessed,
        )


# ------------------------------------------------------------------------------------------------------------
# OV: oversight, consistency between teams. One council, one way of handling each kind of complaint: the same
# targets (OV001), categories and outcomes (OV002); sign-off and recording are OV003-OV004 (oversight.py).

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
    denominator = (
        "comparisons: each kind of complaint (the processes in `comparable_processes` counted as one) and stage, of the "
        "corporate, housing, children's and adult social care processes, handled by two or more teams with at least "
        "`min_team_cases` Stage 1, 2 or 3 records with a due date each; not a share: any team looser than the tightest "
        "warns"
    )
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
        chosen = records["stage"].isin(COUNCIL_STAGES) & records["team"].notna()
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
    denominator = (
        "comparisons: each process (for categories) and each kind of complaint and stage (for outcomes) handled by two or "
        "more teams, over the Stage 1, 2 and 3 records with a team of any process; not a share: a category or outcome one "
        "team never uses warns"
    )
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
        chosen = records["stage"].isin(COUNCIL_STAGES) & records["team"].notna()
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
