"""FT: fast-tracking, the comparisons. Complaints from MPs and councillors against the public's: speed and outcome."""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks._group_comparison import (
    FISHER,
    HOLM,
    MANN_WHITNEY,
    beyond_chance,
    days,
    group_metrics,
    group_sizes,
    in_groups,
    not_enough,
    p_texts,
)
from complaint_audit.checks._members import MEMBER_WORDS, PUBLIC_REMEDY, RECOMMENDATION, SOURCE, member_or_public
from complaint_audit.checks._text import formatted
from complaint_audit.engine.contract import (
    Area,
    Chart,
    Check,
    CheckResult,
    FaultType,
    Status,
    TrendFigure,
    exceptions,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share, small_base_shares
from complaint_audit.engine.significance import holm, p_text
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE

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
        from scipy.stats import mannwhitneyu  # here, not at the top: only this test pays for scipy.stats

        rows = member_or_public(data, "received", "responded")
        # The statistics need only these columns; the identity of the cases listed is looked up at the end.
        rows = rows[["process", "stage", "member", "group"]].assign(
            working_days=data.calendar.working_days_between(rows["received"], rows["responded"]))
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
            test = mannwhitneyu(member, public, alternative="two-sided")
            statistic, p_value = test.statistic, test.pvalue
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
        from scipy.stats import fisher_exact

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
            p_value = fisher_exact([[upheld_m, cases_m - upheld_m], [upheld_p, cases_p - upheld_p]]).pvalue
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
