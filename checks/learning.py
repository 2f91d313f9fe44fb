"""LN: learning. Whether upheld complaints change anything: learning recorded, actions done, themes acted on.

Only the council's own stages (1, 2 and 3) are read; an ombudsman's decision is the
ombudsman's record, not the council's. Learning counts as recorded when the field holds more
than a placeholder ("n/a", "none", "no learning identified", "-").
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    Shortfall,
    TrendFigure,
    exceptions,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE
from complaint_audit.engine.toolkit import case_numbers, iso_dates
from complaint_audit.schema import COUNCIL_STAGES, UPHELD_OUTCOMES

_IDENTITY = ["organisation", "case_id", "stage", "team"]
_WORDS = {"upheld": "upheld", "partly_upheld": "partly upheld"}
_PLACEHOLDER = r"(?:n/?a|none|nil|tbc|tba|not applicable|no learning(?: identified)?|-+|\.+)?"
_SOURCE = ("LGSCO Complaint Handling Code 8-9 (learning and service improvement); Housing Ombudsman Code 9; "
           "SI 2009/309 reg 18 (improvements reported each year); LGSCO Complaint Handling Code 6.5-6.8 (what will "
           "change)")


def learning_recorded(records: pd.DataFrame) -> pd.Series:
    """Whether each row's learning field holds something more than a placeholder."""
    learning = records["learning"].fillna("").astype("str").str.strip().str.lower()
    return ~learning.str.fullmatch(_PLACEHOLDER).fillna(True).astype(bool)


def _at_fault(data) -> pd.DataFrame:
    """Upheld or partly upheld council stages, with `recorded` (learning_recorded): LN001 and LN003 share them."""
    return data.derived(_upheld_stages)


def _upheld_stages(data) -> pd.DataFrame:
    records = data.records
    chosen = records["stage"].isin(COUNCIL_STAGES) & records["outcome"].isin(UPHELD_OUTCOMES)
    rows = records.loc[chosen, [*_IDENTITY, "category", "outcome", "learning"]]  # only the fields used: copying letters costs more
    return rows.assign(recorded=learning_recorded(rows))


class UpheldWithoutLearning(Check):
    """Upheld complaints with no learning recorded.

    What it checks: every upheld or partly upheld complaint stage records what the council
    learned: what will change so the fault does not happen again.

    Why it matters: the codes expect complaints to drive service improvement, reported each
    year to members; an upheld complaint with no learning recorded is a fault the council has
    accepted and may repeat.

    How to fix: make learning mandatory when a stage is closed as upheld or partly upheld,
    and have the complaints lead review the entries each month.
    """

    code = "LN001"
    case_level = True  # what will change after an upheld complaint is owed to its complainant (codes 9; RULES 6)
    tally = ("without_learning", "upheld")
    segments = ("team", "category")  # learning is a team's, about a kind of complaint
    denominator = (
        "upheld or partly upheld council stages: each Stage 1, 2 or 3 record of any process with that outcome, so a "
        "complaint upheld at two stages counts twice"
    )
    general_source = "Good practice: learning and service improvement from complaints"
    title = "Upheld complaints with no learning"
    area = Area.LEARNING
    rule = "An upheld or partly upheld complaint records the learning from it."
    source = _SOURCE
    params = {"amber_above": 5.0, "red_above": 15.0}
    requires = ("learning",)  # a source that never maps learning is a gap in the data, reported as not applicable
    fault = (
        "{without_learning} of {upheld} upheld or partly upheld complaint stages ({percent_without_learning}) "
        "record no learning"
    )
    trend_figures = (TrendFigure("learning_recorded", "Upheld complaints with learning recorded",
                                 "percent_without_learning", complement=True,
                                 chart="Bar chart of the percentage of upheld or partly upheld complaints with learning "
                                       "recorded (LN001)"),)
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Tell {people} whose complaint was upheld what the council has learned from it and what it will change, "
              "and record that learning against their case.")

    def run(self, data, params):
        upheld = _at_fault(data)
        if upheld.empty:
            return not_applicable("no upheld or partly upheld complaint stages")
        missing = ~upheld["recorded"]
        count, share = int(missing.sum()), percent(int(missing.sum()), len(upheld))
        metrics = {"upheld": len(upheld), "without_learning": count, "percent_without_learning": share}
        finding = f"{count:,} of {len(upheld):,} upheld or partly upheld complaint stages ({share}%) recorded no learning."
        rows = upheld[missing]
        table = exceptions(rows, rows["outcome"].map(_WORDS).astype("str") + " with no learning recorded", outcome=rows["outcome"])
        result = CheckResult(
            grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Make learning mandatory when a complaint is upheld, and review the entries monthly.", Priority.QUICK_WIN),
        )
        return by_segment(self, result, upheld, missing, params, noun="upheld or partly upheld complaint stages",
                          failed="recorded no learning")


class OverdueActions(Check):
    """Improvement actions overdue.

    What it checks: improvement actions whose due date has passed by the audit date
    (`action_due` before the "as of" date, less `grace_days`) and that were not done by then.
    An action recorded on two stages of one complaint (the same due date and learning) is
    counted once.

    Why it matters: an action promised in a response and never done breaks a promise to the
    complainant and leaves the fault in place; the ombudsman checks that agreed actions are
    carried out.

    How to fix: give each action an owner, track open actions at the complaints performance
    meeting, and record the completion date when done.
    """

    code = "LN002"
    tally = ("overdue", "actions_due")
    denominator = (
        "improvement actions recorded on Stage 1, 2 or 3 records of any process and due before the audit date less "
        "`grace_days`; an action recorded on two stages of one complaint (the same due date and learning) counts once"
    )
    general_source = "Good practice: agreed improvement actions carried out"
    title = "Improvement actions overdue"
    area = Area.LEARNING
    rule = "Improvement actions are done by their due date."
    source = _SOURCE + "; LGSCO remedies guidance (agreed actions carried out)"
    params = {"grace_days": 0, "amber_above": 10.0, "red_above": 25.0}
    requires = ("action_due",)
    fault = (
        "{overdue} of {actions_due} improvement actions that were due ({percent_overdue}) were not done; the "
        "median one is {median_days_overdue} days overdue"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("days_overdue", unit="days overdue")
    remedy = ("Complete the actions promised in the cases of {people}{shortfall}, tell each of them when it is done, "
              "and apologise for the delay; consider a payment where the delay caused further time and trouble or "
              "distress{guidance}.")

    def run(self, data, params):
        as_of = pd.Timestamp(data.as_of)
        records = data.records
        chosen = records["stage"].isin(COUNCIL_STAGES) & records["action_due"].notna()
        actions = records.loc[chosen, [*_IDENTITY, "action_due", "action_done", "learning"]].assign(
            case_number=case_numbers(data)[chosen])
        actions = actions.sort_values("stage", kind="stable").drop_duplicates(
            ["case_number", "action_due", "learning"], keep="last").sort_index()
        deadline = as_of - pd.Timedelta(days=int(params["grace_days"]))
        due = actions[actions["action_due"] < deadline]
        if due.empty:
            return not_applicable(f"no improvement action was due before {deadline:%Y-%m-%d}")
        overdue = due["action_done"].isna() | (due["action_done"] > as_of)
        rows = due[overdue]
        days = (as_of - rows["action_due"]).dt.days.astype("int64")
        count, share = int(overdue.sum()), percent(int(overdue.sum()), len(due))
        metrics = {"actions_due": len(due), "overdue": count, "percent_overdue": share,
                   "median_days_overdue": float(days.median()) if count else 0.0, "as_of": data.as_of.isoformat()}
        finding = (f"{count:,} of {len(due):,} improvement actions due by {as_of:%d %B %Y} ({share}%) were not done; "
                   f"the median one is {metrics['median_days_overdue']:g} days overdue.")
        reason = "action due " + iso_dates(rows["action_due"]) + " not done: " + days.astype("str") + " days overdue"
        table = exceptions(rows, reason, action_due=rows["action_due"], days_overdue=days)
        return CheckResult(
            grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Track every improvement action to completion at the complaints performance meeting.", Priority.THREE_MONTHS),
        )


class RecurringThemesWithoutLearning(Check):
    """Recurring themes with no learning.

    What it checks: for each team, the categories upheld or partly upheld in at least
    `min_occurrences` complaints over the records audited, and whether learning was recorded.
    A theme is flagged when at least `min_share_without_learning` of its complaints record no
    learning: 1.0 (the default) flags a theme with no learning on any of its complaints; 0.5
    flags one where most have none. Complaints with no team or category are left out.

    Why it matters: a fault that keeps being upheld without any learning is a pattern the
    council is not fixing; the codes expect themes to be reported to a senior officer and to
    the member responsible for complaints.

    How to fix: review recurring themes each quarter, record the learning and the action for
    each, and report them in the annual complaints report.
    """

    code = "LN003"
    tally = ("flagged_themes", "recurring_themes")
    denominator = (
        "recurring themes: a team's category upheld or partly upheld in at least `min_occurrences` complaints (cases, not "
        "stage records; records with no team or category left out)"
    )
    general_source = "Good practice: recurring themes overseen by a senior officer"
    title = "Recurring themes with no learning"
    area = Area.LEARNING
    rule = "A category upheld again and again in one team has learning recorded."
    source = _SOURCE + "; LGSCO code 9 (a senior officer oversees themes)"
    params = {"min_occurrences": 5, "min_share_without_learning": 1.0, "amber_above": 0.0, "red_above": 25.0}
    requires = ("category", "learning")
    fault = (
        "{flagged_themes} of {recurring_themes} recurring themes ({percent_flagged}) record no learning on any "
        "of their complaints"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = "Tell {people} whose complaints share a recurring theme what the council will change because of them."

    def run(self, data, params):
        upheld = _at_fault(data)
        upheld = upheld.assign(category=data.records["category"].reindex(upheld.index))
        upheld = upheld[upheld["team"].notna() & upheld["category"].notna()]
        upheld = upheld.assign(row=upheld.index, case_number=case_numbers(data).reindex(upheld.index))
        theme = ["organisation", "team", "category"]
        # One entry per complaint: learning on any of its upheld stages counts; its latest stage is listed.
        cases = upheld.sort_values("stage", kind="stable").groupby([*theme, "case_number"], sort=False).agg(
            recorded=("recorded", "any"), row=("row", "last"))
        themes = cases.groupby(level=theme).agg(complaints=("recorded", "size"), with_learning=("recorded", "sum"))
        recurring = themes[themes["complaints"] >= params["min_occurrences"]]
        if recurring.empty:
            return not_applicable(f"no category was upheld in {params['min_occurrences']} or more complaints to one team")
        without = 1 - recurring["with_learning"] / recurring["complaints"]
        flagged = recurring[without >= params["min_share_without_learning"] - 1e-9]
        listed = cases[~cases["recorded"]].reset_index().merge(flagged.reset_index(), on=theme)
        rows = data.records.loc[listed["row"].to_numpy()]
        reason = (listed["category"].astype("str") + " upheld or partly upheld in " + listed["complaints"].astype("str") + " complaints to "
                  + listed["team"].astype("str") + "; learning recorded on " + listed["with_learning"].astype("int64").astype("str"))
        count, share = len(flagged), percent(len(flagged), len(recurring))
        metrics = {"recurring_themes": len(recurring), "flagged_themes": count, "percent_flagged": share,
                   "complaints_in_flagged_themes": int(flagged["complaints"].sum()),
                   "min_occurrences": params["min_occurrences"]}
        extent = "any" if params["min_share_without_learning"] >= 1 else f"at least {params['min_share_without_learning']:.0%}"
        finding = (f"{count:,} of {len(recurring):,} recurring themes ({share}%), categories upheld in "
                   f"{params['min_occurrences']} or more complaints to one team, recorded no learning on "
                   f"{extent} of their complaints.")
        table = exceptions(rows, pd.Series(reason.to_numpy(), index=rows.index), category=rows["category"],
                           theme_complaints=pd.Series(listed["complaints"].to_numpy(), index=rows.index))
        return CheckResult(
            grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Review recurring themes quarterly and record the learning and action for each.", Priority.THREE_MONTHS),
        )
