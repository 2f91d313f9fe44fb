"""FT: fast-tracking. Complaints from MPs and councillors against the public's: speed, outcome, stages and route.

The ombudsman's review found members' complaints jumping the queue. Members' and the public's
complaints of the same process and stage are compared: how fast they were answered (FT001,
Mann-Whitney U with Holm's correction) and upheld (FT004, Fisher's exact test), whether members'
complaints skipped Stage 1 (FT002) or went by a route the public's never take (FT003). The
members' and public's rows are picked once per run and shared; the group comparisons follow."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    AuditData,
    Chart,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    Status,
    TrendFigure,
    exceptions,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share, small_base_shares
from complaint_audit.engine.significance import fisher_exact_two_sided, holm, mann_whitney, p_text
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE
from complaint_audit.engine.toolkit import (
    case_numbers,
    clock_stop_note,
    formatted,
    pair_labels,
    per_value,
    working_days_taken,
)
from complaint_audit.schema import COUNCIL_STAGES, PROCESS_WORDS

# ------------------------------------------------------------------------------------------------------------
# The complaints brought by MPs and councillors, and the public's to compare them with: picked once per run
# for the FT checks.

_MEMBERS = ("mp", "councillor")
MEMBER_WORDS = {"mp": "an MP", "councillor": "a councillor"}
_IDENTITY = ["organisation", "case_id", "stage", "team", "process", "raised_via"]
# The remedy of a fast-tracking check: members' complaints were treated better, so the people owed a remedy are the
# members of the public whose comparable complaints were not.
PUBLIC_REMEDY = ("No remedy is owed to {people} listed for being treated better: the injustice, if any, is to members "
                 "of the public whose complaints of the same process and stage waited longer or went through more "
                 "steps; find those answered outside the timescale, apologise to them and consider a payment for the "
                 "time and trouble the delay caused{guidance}.")
SOURCE = (
    "LGSCO Complaint Handling Code 1.5 (MPs and councillors acting for a constituent: same process, stages and timescales)"
)
RECOMMENDATION = Recommendation(
    "Put complaints from MPs and councillors through the normal complaints procedure, stages and timescales, "
    "and report their handling alongside the public's.",
    Priority.THREE_MONTHS,
)


def member_or_public(data: AuditData, *fields: str) -> pd.DataFrame:
    """Council stage rows brought by an MP, a councillor or the public, with `member`, `group`, `case_number`
    and `fields`.

    The rows, their identity and their group are picked once per run and shared by FT001-FT004.
    """
    rows, positions = data.derived(_members_and_public)
    return rows.assign(**{name: data.records[name].take(positions) for name in fields})


def _members_and_public(data: AuditData) -> tuple[pd.DataFrame, np.ndarray]:
    records = data.records
    chosen = records["stage"].isin(COUNCIL_STAGES) & records["raised_via"].isin([*_MEMBERS, "public"])
    positions = np.flatnonzero(chosen.to_numpy())
    rows = records[_IDENTITY].take(positions)  # only the columns used: copying letters costs more than the check
    rows = rows.assign(member=rows["raised_via"].isin(_MEMBERS), group=_group_label(rows["process"], rows["stage"]),
                       case_number=case_numbers(data).take(positions))
    return rows, positions


def _group_label(process: pd.Series, stage: pd.Series) -> pd.Series:
    return pair_labels(process, stage, lambda process, stage: f"{PROCESS_WORDS.get(process, process)} Stage {stage}")


# ------------------------------------------------------------------------------------------------------------
# Members' complaints against the public's, one process and stage group at a time: the shared statistics and
# words.

# The tests a finding rests on, named and explained in a sentence for a reader who is not a statistician.
MANN_WHITNEY = ("Each group's response times were compared with a Mann-Whitney U test, which asks how likely "
                "it is that members' cases would rank this much faster than the public's by chance alone (p).")
FISHER = ("Each group's uphold rates were compared with Fisher's exact test, which gives the chance (p) of a "
          "difference at least this large between groups of these sizes if the two were really upheld alike.")
HOLM = ("Because several groups were tested, each p was adjusted with Holm's correction, so that the chance of "
        "any group being flagged by luck alone stays at {alpha:.0%} or less.")  # format with the check's alpha


def group_metrics(table: pd.DataFrame, names: tuple[str, ...]) -> dict:
    """Each compared group's figures as flat metrics: corporate_stage_1_member_median, ..."""
    return {f"{group.process}_stage_{group.stage}_{name}": getattr(group, name) for group in table.itertuples() for name in names}


def group_sizes(rows: pd.DataFrame, minimum: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Member and public counts per (process, stage) with any member cases; those with `minimum` of each."""
    sizes = rows.groupby(["process", "stage", "member"]).size().unstack("member", fill_value=0)
    sizes = sizes.reindex(columns=[True, False], fill_value=0).set_axis(["members", "public"], axis=1)
    sizes = sizes[sizes["members"].gt(0)]
    return sizes, sizes[sizes["members"].ge(minimum) & sizes["public"].ge(minimum)]


def not_enough(sizes: pd.DataFrame, minimum: int, what: str) -> CheckResult:
    largest = sizes.sort_values(["members", "public"], ascending=False).head(1)
    (process, stage), (members, public) = largest.index[0], largest.iloc[0].tolist()
    metrics = {"min_group_size": minimum, "largest_member_group": int(members), "groups_compared": 0}
    finding = (
        f"Not applicable: not enough cases to judge: no process and stage has {minimum} {what} from MPs and "
        f"councillors and {minimum} from the public (the most is {members:,} and {public:,}, in "
        f"{PROCESS_WORDS.get(process, process)} Stage {stage})."
    )
    return CheckResult(Status.NOT_APPLICABLE, metrics, finding)


def p_texts(group, compared: int) -> str:
    """The p-value and, where more than one group was compared and it reads differently, the adjusted one."""
    raw, adjusted = p_text(group.p_value), p_text(group.p_value_adjusted)
    return raw if compared == 1 or raw == adjusted else f"{raw}, adjusted {adjusted}"


def days(n: float) -> str:
    return f"{n:g} day" + ("" if n == 1 else "s")


def in_groups(count: int, compared: int) -> str:
    if compared == 1:
        return "in the one process and stage group compared"
    return f"in {'any of the' if count == 0 else f'{count} of the'} {compared} process and stage groups compared"


def beyond_chance(compared: int) -> str:
    return "beyond chance" + (" even allowing for the number of groups" if compared > 1 else "")


# ------------------------------------------------------------------------------------------------------------
# The checks: speed and outcome compared (FT001, FT004).

_SPEED_FIGURES = (
    "member_cases", "public_cases", "member_median", "public_median", "difference", "p_value", "p_value_adjusted",
    "effect_size",
)
_UPHOLD_FIGURES = (
    "member_cases", "public_cases", "member_upheld_percent", "public_upheld_percent", "p_value", "p_value_adjusted",
)


class ResponseSpeed(Check):
    """Members' complaints answered faster than the public's.

    What it checks: for each process and stage with at least `min_group_size` answered
    complaints from MPs and councillors and as many from the public, the working days from
    receipt to response of each group: the medians, their difference, a Mann-Whitney U test
    (two-sided) and its rank-biserial effect size (+1 when every member case was answered
    before every public one, 0 when neither is faster). Each group is a separate test, so the
    p-values are adjusted for the number of groups compared (Holm-Bonferroni): without that,
    four groups at `alpha` 0.05 would flag nearly one clean council in five by chance. It fails
    where members are answered at least `min_difference_working_days` faster at the median and
    the adjusted p is below `alpha`; it warns where the difference is that large and the
    unadjusted p is below `alpha` but the adjusted one is not (worth watching, could be chance);
    a large difference with a large p is chance and passes. The exceptions are the member cases
    in the failing groups answered faster than all but a few of the public's: in fewer working
    days than the public's `exception_percentile`th percentile (10 by default: faster than nine
    in ten public cases of the same process and stage). A member case merely below the public's
    median is not listed: half the public's cases are too. With too few cases it says so
    rather than judge.

    Why it matters: a complaint an MP or councillor brings for a constituent is still a
    complaint, to be handled in the same process and timescales as anyone else's. Answering
    members first means the public wait longer for the same service; the review behind this
    tool criticised members' complaints being prioritised.

    How to fix: put members' complaints in the same queue as the public's, and report their
    response times side by side each quarter.
    """

    code = "FT001"
    denominator = (
        "process and stage groups compared: the answered Stage 1, 2 and 3 records of the corporate, housing, children's "
        "and adult social care processes brought by MPs and councillors and by the public, where a process and stage has "
        "at least `min_group_size` of each; the grade rests on the groups where members were answered faster, not on a "
        "share"
    )
    uk_rules = True
    title = "Members' complaints answered faster than the public's"
    area = Area.FAST_TRACKING
    rule = "Complaints from MPs and councillors take about as long to answer as the public's in the same process and stage."
    source = SOURCE
    params = {"min_group_size": 10, "alpha": 0.05, "min_difference_working_days": 2, "exception_percentile": 10}
    requires = ("raised_via", "responded")
    fault = (
        "complaints from MPs and councillors were answered in a median of {member_median} working days against "
        "{public_median} for the public's, faster in {groups_faster} of {groups_compared} process and stage "
        "groups compared: members' complaints were prioritised over the public's"
    )
    fault_when_warn = (
        "complaints from MPs and councillors were answered markedly faster than the public's in "
        "{groups_possibly_faster} of {groups_compared} process and stage groups compared, although the "
        "difference could be chance once the number of groups is allowed for"
    )
    trend_figures = (
        TrendFigure("fast_tracking_gap",
                    "Fast-tracking gap (working days): the public's median response time minus MPs' and councillors'",
                    "median_difference", better="nearer zero", unit="working days", material=2.0),
    )
    chart = Chart(
        "members", "Median working days to respond: MPs and councillors against the public",
        "Bar chart of the median working days from receipt to response, for complaints from MPs and "
        "councillors and from the public, in the processes and stages FT001 compared",
        ("member_median", "public_median"), ("MPs and councillors", "Public"), percent=False,
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = PUBLIC_REMEDY

    def run(self, data, params):
        rows = member_or_public(data, "received", "responded")
        # The statistics need only these columns; the identity of the cases listed is looked up at the end.
        rows = rows[["process", "stage", "member", "group"]].assign(
            working_days=working_days_taken(data, rows["received"], rows["responded"]))  # less any clock stop
        rows = rows[rows["working_days"].ge(0).fillna(False)]
        if not rows["member"].any():
            return not_applicable("no answered complaints from MPs or councillors")
        sizes, enough = group_sizes(rows, params["min_group_size"])
        if enough.empty:
            return not_enough(sizes, params["min_group_size"], "answered complaints")
        tested = rows.join(enough[[]], on=["process", "stage"], how="inner")
        groups = []
        for (process, stage), group in tested.groupby(["process", "stage"]):
            days = group["working_days"].astype("float64")
            member, public = days[group["member"]], days[~group["member"]]
            statistic, p_value = mann_whitney(member, public)
            pairs = len(member) * len(public)
            groups.append({
                "process": process, "stage": stage, "group": group["group"].iloc[0],
                "member_cases": len(member), "public_cases": len(public),
                "member_median": float(member.median()), "public_median": float(public.median()),
                # rank-biserial correlation, signed so that +1 means every member case was answered first
                "p_value": p_value, "effect_size": round(1 - 2 * statistic / pairs, 3),
            })
        table = pd.DataFrame(groups).sort_values("member_cases", ascending=False, kind="stable")
        table["difference"] = table["public_median"] - table["member_median"]
        table["p_value_adjusted"] = holm(table["p_value"])
        # Material at the median, and the ranks agree that members come first.
        material = table["difference"].ge(params["min_difference_working_days"]) & table["effect_size"].gt(0)
        table["faster"] = material & table["p_value_adjusted"].lt(params["alpha"])
        table["maybe_faster"] = material & ~table["faster"] & table["p_value"].lt(params["alpha"])

        # A member case is an exception when few public cases of its group were answered as fast.
        public_fast = (tested[~tested["member"]].groupby(["process", "stage"], observed=True)["working_days"]
                       .quantile(params["exception_percentile"] / 100).rename("public_fast"))
        faster_groups = table.loc[table["faster"]].set_index(["process", "stage"])[["public_median"]].join(public_fast)
        flagged = tested[tested["member"]].join(faster_groups, on=["process", "stage"], how="inner")
        fast = flagged[flagged["working_days"].lt(flagged["public_fast"])]
        reason = (
            "answered in " + fast["working_days"].astype("str") + f" WD, faster than the public's "
            f"{_ordinal(params['exception_percentile'])} percentile (" + formatted(fast["public_fast"])
            + " WD; median " + formatted(fast["public_median"]) + " WD) for " + fast["group"]
            + clock_stop_note(data, fast.index)
        )
        exception_table = exceptions(
            data.records.loc[fast.index, ["organisation", "case_id", "stage", "team"]], reason,
            working_days=fast["working_days"], public_percentile_working_days=fast["public_fast"],
            public_median_working_days=fast["public_median"],
        )
        member_days, public_days = tested.loc[tested["member"], "working_days"], tested.loc[~tested["member"], "working_days"]
        metrics = {
            "groups_compared": len(table), "groups_too_small": len(sizes) - len(table),
            "groups_faster": int(table["faster"].sum()), "groups_possibly_faster": int(table["maybe_faster"].sum()),
            "member_cases": len(member_days), "public_cases": len(public_days),
            "member_median": float(member_days.median()), "public_median": float(public_days.median()),
            "fast_member_cases": len(exception_table), "member_cases_in_faster_groups": len(flagged),
        }
        metrics["median_difference"] = metrics["public_median"] - metrics["member_median"]
        metrics |= group_metrics(table, _SPEED_FIGURES)
        status = Status.FAIL if table["faster"].any() else Status.WARN if table["maybe_faster"].any() else Status.PASS
        return CheckResult(status, metrics, self._finding(table, metrics, status, params), exception_table, RECOMMENDATION)

    @staticmethod
    def _finding(table: pd.DataFrame, metrics: dict, status: Status, params) -> str:
        """The groups that decided the status in full, then the others in brief (largest first)."""
        decided = table["faster"] if status == Status.FAIL else table["maybe_faster"]
        compared = len(table)
        if status == Status.PASS:
            sentences = [(
                "Complaints from MPs and councillors were not answered markedly faster than the public's, beyond chance, "
                f"{in_groups(0, compared)}."
            )]
        else:
            how = beyond_chance(compared) if status == Status.FAIL else (
                "but the difference could be chance once the number of groups is allowed for"
            )
            sentences = [
                "Complaints from MPs and councillors were answered markedly faster than the public's "
                f"{in_groups(int(decided.sum()), compared)}, {how}: " + "; ".join(
                    f"{group.group}, a median of {group.member_median:g} working days against {group.public_median:g} "
                    f"({group.member_cases:,} and {group.public_cases:,} cases), {days(group.difference)} faster "
                    f"({p_texts(group, compared)})"
                    for group in table[decided].itertuples()
                ) + "."
            ]
        others = table[~decided]
        if len(others):
            sentences.append(("Groups compared: " if status == Status.PASS else "Other groups: ") + "; ".join(
                f"{group.group}: {group.member_median:g} against {group.public_median:g} working days "
                f"({group.member_cases:,} and {group.public_cases:,} cases, {p_text(group.p_value)})"
                for group in others.itertuples()
            ) + ".")
        if metrics["groups_too_small"]:
            small = metrics["groups_too_small"]
            sentences.append(f"{small:,} other process and stage group{'s' if small > 1 else ''} had too few cases to judge.")
        if metrics["fast_member_cases"]:
            fast, among, cut = (metrics["fast_member_cases"], metrics["member_cases_in_faster_groups"],
                                params["exception_percentile"])
            sentences.append(small_base_shares(
                f"{fast:,} of {among:,} members' complaints in those groups ({percent(fast, among)}%) were answered "
                f"faster than {100 - cut:g}% of the public's (below the public's {_ordinal(cut)} percentile for the "
                "same process and stage); they are the cases listed."))
        sentences.append(f"{MANN_WHITNEY} {HOLM.format(alpha=params['alpha']) if compared > 1 else ''}".rstrip())
        return " ".join(sentences)


def _ordinal(number: float) -> str:
    number = int(number)
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class OutcomeDifferences(Check):
    """Members' complaints upheld at a different rate.

    What it checks: for each process and stage with at least `min_group_size` decided
    complaints (upheld, partly upheld or not upheld) from MPs and councillors and as many from
    the public, the share upheld (by default fully or partly) in each group, compared with
    Fisher's exact test. Each group is a separate test, so the p-values are adjusted for the
    number of groups compared (Holm-Bonferroni). It warns where the rates differ by more than
    chance would explain (adjusted p below `alpha`), in either direction; the exceptions are
    then the members' decided complaints in that group, for a sample review. Stages are kept
    apart because Stage 2 upholds less often than Stage 1 by design.

    Why it matters: the same complaint should get the same decision whoever brings it. Members'
    complaints upheld more often suggest favour; less often, that they are dismissed or that
    the public's are judged more generously.

    How to fix: review a sample of the members' decisions against comparable public ones, and
    have decisions on members' complaints checked by someone outside the route that handled them.
    """

    code = "FT004"
    denominator = (
        "process and stage groups compared: the decided (upheld, partly upheld or not upheld) Stage 1, 2 and 3 records of "
        "the corporate, housing, children's and adult social care processes brought by MPs and councillors and by the "
        "public, where a process and stage has at least `min_group_size` of each; the grade rests on the groups whose "
        "rates differ, not on a share"
    )
    uk_rules = True
    title = "Members' complaints upheld at a different rate"
    area = Area.FAST_TRACKING
    rule = "Complaints from MPs and councillors are upheld at about the same rate as the public's in the same process and stage."
    source = SOURCE
    params = {"min_group_size": 10, "alpha": 0.05, "upheld_outcomes": ["upheld", "partly_upheld"]}
    requires = ("raised_via", "outcome")
    fault = (
        "complaints from MPs and councillors were upheld at a different rate from the public's in "
        "{groups_different} of {groups_compared} process and stage groups"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = PUBLIC_REMEDY

    def run(self, data, params):
        rows = member_or_public(data, "outcome")
        # Fisher's test needs only these columns; the identity of the cases listed is looked up at the end.
        rows = rows[["process", "stage", "group", "member", "raised_via", "outcome"]]
        rows = rows[rows["outcome"].isin([*params["upheld_outcomes"], "not_upheld"])]
        rows = rows.assign(upheld=rows["outcome"].isin(params["upheld_outcomes"]))
        if not rows["member"].any():
            return not_applicable("no decided complaints from MPs or councillors")
        sizes, enough = group_sizes(rows, params["min_group_size"])
        if enough.empty:
            return not_enough(sizes, params["min_group_size"], "decided complaints")
        tested = rows.join(enough[[]], on=["process", "stage"], how="inner")
        counts = tested.groupby(["process", "stage", "group", "member"])["upheld"].agg(["sum", "count"]).unstack("member")
        groups = []
        for (process, stage, group), row in counts.iterrows():  # one per process and stage: a handful
            upheld_m, cases_m, upheld_p, cases_p = (int(row[(name, side)]) for side in (True, False) for name in ("sum", "count"))
            p_value = fisher_exact_two_sided([[upheld_m, cases_m - upheld_m], [upheld_p, cases_p - upheld_p]])
            groups.append({
                "process": process, "stage": stage, "group": group, "member_cases": cases_m, "public_cases": cases_p,
                "member_upheld": upheld_m, "public_upheld": upheld_p,
                "member_upheld_percent": percent(upheld_m, cases_m), "public_upheld_percent": percent(upheld_p, cases_p),
                "p_value": p_value,
            })
        table = pd.DataFrame(groups).sort_values("member_cases", ascending=False, kind="stable")
        table["p_value_adjusted"] = holm(table["p_value"])
        table["different"] = table["p_value_adjusted"].lt(params["alpha"])
        different = table.loc[table["different"]].set_index(["process", "stage", "group"])
        rates = pd.Series([f"members upheld {counted_share(g.member_upheld, g.member_cases)} against "
                           f"{counted_share(g.public_upheld, g.public_cases)} for the public"
                           for g in different.itertuples()], index=different.index, dtype="str")  # one per group
        flagged = tested[tested["member"]].join(rates.rename("rates"), on=["process", "stage", "group"], how="inner")
        reason = (
            "complaint from " + flagged["raised_via"].map(MEMBER_WORDS).astype("str") + ", " + flagged["outcome"].astype("str").str.replace("_", " ")
            + "; " + flagged["rates"] + " in " + flagged["group"]
        )
        metrics = {
            "groups_compared": len(table), "groups_too_small": len(sizes) - len(table),
            "groups_different": int(table["different"].sum()),
        } | group_metrics(table, _UPHOLD_FIGURES)
        compared = len(table)
        clauses = [  # the groups that differ first: they decide the status
            f"{group.group}: members {counted_share(group.member_upheld, group.member_cases)}, the public "
            f"{counted_share(group.public_upheld, group.public_cases)}, "
            f"{p_texts(group, compared) if group.p_value < params['alpha'] else p_text(group.p_value)}"
            for group in pd.concat([table[table["different"]], table[~table["different"]]]).itertuples()
        ]
        how = (
            f"at a rate different from the public's {in_groups(metrics['groups_different'], compared)}, "
            f"{beyond_chance(compared)}"
            if metrics["groups_different"] else
            f"at a rate not different from the public's beyond chance {in_groups(0, compared)}"
        )
        finding = (f"Complaints from MPs and councillors were upheld {how}: {'; '.join(clauses)}. "
                   f"{FISHER} {HOLM.format(alpha=params['alpha']) if compared > 1 else ''}").rstrip()
        status = Status.WARN if metrics["groups_different"] else Status.PASS
        table = exceptions(data.records.loc[flagged.index, ["organisation", "case_id", "stage", "team"]], reason,
                           outcome=flagged["outcome"])
        return CheckResult(status, metrics, finding, table, RECOMMENDATION)


# ------------------------------------------------------------------------------------------------------------
# FT: fast-tracking, the route. Complaints from MPs and councillors that skipped Stage 1 or went round the
# complaints team.

class EnteredAtStage2(Check):
    """Members' complaints that skipped Stage 1.

    What it checks: complaints whose first stage on record is Stage 2 or later, with no
    Stage 1: the share among complaints from MPs and councillors against the share among the
    public's. The exceptions are the members' complaints, at their first recorded stage.

    Why it matters: the procedure is the same for a complaint an MP or councillor brings; a
    member's complaint that goes straight to Stage 2 skips the council's first chance to put
    things right and jumps the queue, which the review behind this tool criticised as
    "circumnavigating normal complaints procedures".

    How to fix: log every member's complaint at Stage 1 unless the policy records why not, and
    link any escalation to its Stage 1 in the case system.
    """

    code = "FT002"
    tally = ("member_skipped", "member_cases")
    denominator = (
        "complaints (cases, not stage records) of the corporate, housing, children's and adult social care processes "
        "brought by MPs and councillors, each at its first Stage 1, 2 or 3 record; the public's complaints are counted "
        "the same way beside them"
    )
    uk_rules = True
    title = "Members' complaints that skipped Stage 1"
    area = Area.FAST_TRACKING
    rule = "A complaint from an MP or councillor starts at Stage 1, like anyone else's."
    source = SOURCE
    params = {"amber_above": 0.0, "red_above": 2.0}
    requires = ("raised_via",)
    fault = (
        "{member_skipped} of {member_cases} complaints from MPs and councillors ({member_percent}) went "
        "straight past Stage 1, against {public_percent} of the public's"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = PUBLIC_REMEDY

    def run(self, data, params):
        rows = member_or_public(data)
        # Each complaint's first stage on record: sorted on two narrow columns, then the rows picked by position.
        by_stage = rows[["stage", "case_number"]].reset_index(drop=True).sort_values("stage", kind="stable")
        first = rows.iloc[by_stage.drop_duplicates("case_number").index]
        if not first["member"].any():
            return not_applicable("no complaints from MPs or councillors")
        skipped = first["stage"].ne("1")
        member, public = first["member"], ~first["member"]
        failing = first[member & skipped]
        reason = (
            "complaint from " + failing["raised_via"].map(MEMBER_WORDS).astype("str") + " started at Stage " + failing["stage"].astype("str") + " with no Stage 1"
        )
        metrics = {
            "member_cases": int(member.sum()), "member_skipped": len(failing),
            "member_percent": percent(len(failing), int(member.sum())),
            "public_cases": int(public.sum()), "public_skipped": int((public & skipped).sum()),
            "public_percent": percent(int((public & skipped).sum()), int(public.sum())),
        }
        finding = (
            "{member_skipped:,} of {member_cases:,} complaints from MPs and councillors ({member_percent}%) started "
            "after Stage 1 with no Stage 1 on record, against {public_skipped:,} of {public_cases:,} from the public "
            "({public_percent}%)."
        ).format(**metrics)
        status = grade(metrics["member_percent"], params["amber_above"], params["red_above"])
        return CheckResult(status, metrics, finding, exceptions(failing, reason), RECOMMENDATION)


class HandledOutsideComplaintsTeam(Check):
    """Members' complaints handled by a different route.

    What it checks: the route that handled each stage (`handled_by`). A route is normal for a
    process when it is one of `complaints_team_routes` or handles at least
    `public_route_min_percent` of the public's complaints in that process (so a service that
    answers its own Stage 1 complaints for everyone is normal). The exceptions are the stages
    of complaints from MPs and councillors handled by any other route, such as a chief
    executive's office or member services. The metrics also give the share handled outside the
    complaints team altogether, for members and for the public. Routes are compared ignoring
    case.

    Why it matters: a complaint an MP or councillor brings for a constituent goes through the
    complaints procedure; a route kept for members, such as the chief executive's office, gives
    them different treatment and takes their complaints out of the council's complaint figures
    and learning.

    How to fix: send every member's complaint to the complaints team, and handle members'
    enquiries that are really complaints as complaints.
    """

    code = "FT003"
    tally = ("member_different_route", "member_records")
    denominator = (
        "Stage 1, 2 and 3 records of complaints from MPs and councillors (corporate, housing, children's and adult social "
        "care processes) with a handling route recorded; the public's are counted beside them"
    )
    uk_rules = True
    title = "Members' complaints handled by a different route"
    area = Area.FAST_TRACKING
    rule = "A complaint from an MP or councillor goes through the same handling route as the public's."
    source = SOURCE
    params = {
        "complaints_team_routes": ["Complaints Team"], "public_route_min_percent": 5.0, "amber_above": 0.0, "red_above": 5.0,
    }
    requires = ("raised_via", "handled_by")
    fault = (
        "{member_different_route} of {member_records} stages of complaints from MPs and councillors "
        "({member_different_route_percent}) were handled by a route the public's complaints do not go through"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Check that each of {people} had a complaint response with the council's decision and how to escalate; "
              "where the route left that out, write to them with it and apologise.")

    def run(self, data, params):
        rows = member_or_public(data, "handled_by")
        recorded = rows[rows["handled_by"].notna()]
        if not recorded["member"].any():
            return not_applicable("no complaints from MPs or councillors with a handling route recorded")
        route = per_value(recorded["handled_by"], lambda name: str(name).strip().casefold())
        team_route = route.isin([name.strip().casefold() for name in params["complaints_team_routes"]])
        public = ~recorded["member"]
        route_share = 100 * route[public].groupby(recorded["process"][public]).value_counts(normalize=True)
        # Routes are categories: one the public never took in a process is listed there with a share of 0.
        public_routes = route_share[route_share.gt(0) & route_share.ge(params["public_route_min_percent"])].index
        public_route = pd.MultiIndex.from_arrays([recorded["process"], route]).isin(public_routes)
        normal = team_route | pd.Series(public_route, index=recorded.index)
        member = recorded["member"]
        failing = recorded[member & ~normal]
        reason = (
            "complaint from " + failing["raised_via"].map(MEMBER_WORDS).astype("str") + " handled by " + failing["handled_by"].astype("str")
            + ", not a route used for the public's " + failing["group"].str.replace(r" Stage \w+$", "", regex=True) + " complaints"
        )
        members, publics = int(member.sum()), int(public.sum())
        metrics = {
            "member_records": members, "member_different_route": len(failing),
            "member_different_route_percent": percent(len(failing), members),
            "member_outside_team": int((member & ~team_route).sum()),
            "member_outside_team_percent": percent(int((member & ~team_route).sum()), members),
            "public_records": publics, "public_outside_team": int((public & ~team_route).sum()),
            "public_outside_team_percent": percent(int((public & ~team_route).sum()), publics),
            "member_route_not_recorded": int(rows["member"].sum()) - members,
        }
        routes = failing["handled_by"].astype("str").value_counts().index[:3].tolist()
        finding = (
            "{member_different_route:,} of {member_records:,} stages of complaints from MPs and councillors "
            "({member_different_route_percent}%) were handled by a route the public's complaints do not go through"
        ).format(**metrics)
        finding += f" ({' and '.join(routes)})." if routes else "."
        finding += (
            " Outside the complaints team altogether: {member_outside_team:,} of {member_records:,} members' stages "
            "({member_outside_team_percent}%) against {public_outside_team:,} of {public_records:,} of the public's "
            "({public_outside_team_percent}%)."
        ).format(**metrics)
        status = grade(metrics["member_different_route_percent"], params["amber_above"], params["red_above"])
        table = exceptions(failing, reason, handled_by=failing["handled_by"])
        return CheckResult(status, metrics, finding, table, RECOMMENDATION)
