"""RM: remedies. Whether the council records, delivers and pays remedies for the faults it upholds.

The Codes' section 7 (putting things right) and the LGSCO's Guidance on remedies: where a
complaint is upheld in whole or part, the council puts things right (an apology, the service
provided, a refund or payment) and does what it promised. These checks read the case record's
`remedy`, `remedy_amount` and `remedy_done`; QR003 reads the response letter for a remedy.
A case system records one remedy per case, so each check counts cases, not stages.

Not to be confused with engine/remedies.py, which words the remedy the report recommends for the
people a failing check lists: these checks test the remedies the council itself recorded.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks.response_quality import OUTCOME_WORDS, reading
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    Shortfall,
    Status,
    exceptions,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.remedies import REMEDIES_GUIDANCE
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE
from complaint_audit.engine.toolkit import case_numbers, iso_dates
from complaint_audit.schema import COUNCIL_STAGES, UPHELD_OUTCOMES

_SOURCE = "LGSCO Complaint Handling Code 7 (putting things right); Housing Ombudsman Code 7; the LGSCO's Guidance on remedies"
_GENERAL_SOURCE = "Good practice: a remedy for a fault upheld, delivered as promised"
# A remedy field holding only a placeholder records no remedy.
_NO_REMEDY = r"(?:n/?a|none|nil|no remedy(?: offered| required| needed)?|not applicable|-+|\.+)?"
# A remedy that is an apology alone is given in the response letter itself: nothing is left to deliver.
_APOLOGY_ALONE = r"(?:an? |written |verbal )?apolog(?:y|ies|ised|ized)(?: given| made| sent)?\.?"
_STAGE_WORDS = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3"}
# What the letters of a case with no remedy recorded show (RM001's reason), and the finding's words for each.
_LETTER_SHOWS = {"letter_sets_out_remedy": "the letter sets out a remedy",
                 "letter_without_remedy": "the letter sets out none either",
                 "no_letter_read": "no response letter was read"}
_SPLIT_WORDS = {"letter_sets_out_remedy": "the response letter sets one out, so the gap is in the record",
                "letter_without_remedy": "the letter sets out none either (QR003 lists those letters too)",
                "no_letter_read": "no response letter was read"}


def remedy_recorded(records: pd.DataFrame) -> pd.Series:
    """Whether each row records a remedy: text beyond a placeholder (an apology counts), or a payment."""
    text = records["remedy"].fillna("").astype("str").str.strip().str.lower()
    written = ~text.str.fullmatch(_NO_REMEDY).fillna(True).astype(bool)
    return written | records["remedy_amount"].gt(0).fillna(False)


def _cases(data, field: str) -> pd.DataFrame:
    """The council-stage records of the exports with a `field` column, each with its case number, in stage order."""
    records = data.records
    chosen = records["stage"].isin(COUNCIL_STAGES) & data.exported(field)
    columns = ["organisation", "case_id", "stage", "team", "outcome", "responded", "remedy", "remedy_amount", "remedy_done"]
    rows = records.loc[chosen, columns]
    return rows.assign(case_number=case_numbers(data)[chosen], row=rows.index).sort_values(["case_number", "stage"],
                                                                                          kind="stable")


class UpheldWithoutRemedy(Check):
    """Upheld complaints with no remedy recorded.

    What it checks: every complaint upheld or partly upheld at a council stage records a
    remedy in the case record: the `remedy` field holds more than a placeholder ("none", "n/a",
    "-"), or `remedy_amount` a payment. An apology is a remedy: "Apology" counts as recorded. A
    case is counted once, however many of its stages were upheld, and listed at its last upheld
    stage. Records of an export with no remedy column are left out.

    This reads the record; QR003 reads the response letter. Each case listed says what its
    letter shows: a remedy set out in the letter but not recorded (a gap in the records), or
    none in the letter either (QR003 lists that letter too: the same shortfall, not a second
    one).

    Why it matters: where something went wrong, the Codes expect the council to put it right,
    and the ombudsman asks what remedy was given; a council that does not record its remedies
    cannot show it put things right, nor see what it pays.

    How to fix: make the remedy a required field when a stage is closed as upheld or partly
    upheld, with "apology only" as a choice, and review upheld cases without one each month.
    """

    code = "RM001"
    case_level = True  # a remedy where at fault is owed to each complainant (Codes section 7)
    tally = ("without_remedy", "upheld_cases")
    segments = ("team",)  # recording a remedy is a team's habit
    denominator = (
        "complaints upheld or partly upheld at a council stage (Stage 1, 2 or 3) of any process, each counted once, "
        "whose export has a remedy column"
    )
    general_source = _GENERAL_SOURCE
    title = "Upheld complaints with no remedy recorded"
    area = Area.LEARNING
    rule = "A complaint upheld in whole or part records the remedy given (an apology counts)."
    source = _SOURCE
    params = {"amber_above": 5.0, "red_above": 15.0}
    fault = ("{without_remedy} of {upheld_cases} complaints upheld in whole or part ({percent_without_remedy}) record "
             "no remedy")
    impact = ("The records cannot show that {people} whose complaints were upheld had the fault put right, so the "
              "council cannot show it met its duty to them.")
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Check what was done to put things right for {people}; where nothing was, offer a remedy (an apology, "
              "the service put right, and a payment for time and trouble where the fault caused it{guidance}); "
              "record it in every case.")

    def run(self, data, params):
        if not data.exported("remedy").any() and not data.exported("remedy_amount").any():
            return not_applicable("the export has no remedy field")
        stages = _cases(data, "remedy")
        stages = stages.assign(recorded=remedy_recorded(stages))
        upheld = stages[stages["outcome"].isin(UPHELD_OUTCOMES)]
        if upheld.empty:
            return not_applicable("no complaint was upheld or partly upheld at a council stage")
        recorded = stages.groupby("case_number")["recorded"].any()
        cases = upheld.drop_duplicates("case_number", keep="last").set_index("row", drop=False)
        missing = ~cases["case_number"].map(recorded).astype(bool)
        rows = cases[missing]
        letter = self._letter(data, rows)
        reason = (rows["outcome"].map(OUTCOME_WORDS).astype("str") + " at " + rows["stage"].map(_STAGE_WORDS).astype("str")
                  + " with no remedy recorded; " + letter)
        count, upheld_cases = int(missing.sum()), len(cases)
        split = {key: int(letter.eq(words).sum()) for key, words in _LETTER_SHOWS.items()}
        share = percent(count, upheld_cases)
        metrics = {"upheld_cases": upheld_cases, "without_remedy": count, "percent_without_remedy": share, **split}
        said = "; ".join(f"for {split[key]:,} {_SPLIT_WORDS[key]}" for key in _LETTER_SHOWS if split[key])
        finding = (f"{count:,} of {upheld_cases:,} complaints upheld in whole or part ({share}%) recorded no remedy"
                   + (f": {said}." if said else "."))
        table = exceptions(rows, reason, outcome=rows["outcome"])
        result = CheckResult(grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
                             Recommendation("Record the remedy of every upheld complaint, an apology included, and "
                                            "review upheld cases without one each month.", Priority.QUICK_WIN))
        return by_segment(self, result, cases, missing, params, noun="complaints upheld in whole or part",
                          failed="recorded no remedy")

    @staticmethod
    def _letter(data, rows: pd.DataFrame) -> pd.Series:
        """What each listed case's letters show: a remedy set out, none, or no letter text read."""
        letters, _, _, read = reading(data)
        offers = read["offers_remedy"].groupby(case_numbers(data)[letters.index]).any()
        shown = rows["case_number"].map(offers)
        return pd.Series(_LETTER_SHOWS["no_letter_read"], index=rows.index, dtype="str").mask(
            shown.eq(True).fillna(False).astype(bool), _LETTER_SHOWS["letter_sets_out_remedy"]).mask(
            shown.eq(False).fillna(False).astype(bool), _LETTER_SHOWS["letter_without_remedy"])


class RemediesNotDelivered(Check):
    """Remedies promised and not delivered.

    What it checks: every remedy with something to deliver (a payment, a refund, a service put
    right: anything but an apology alone, which the letter itself gives) is recorded as done
    (`remedy_done`) within `within_months` of the case's last council response. A remedy not
    done by the audit date, once that time has passed, is listed. One month, the default, is
    the time the LGSCO gives councils to carry out the remedies it recommends ("within one month
    of the final decision"); a council whose policy promises less time can set its own. A case
    is counted once. Where the export has no remedy_done column, the check is not applicable: a
    blank there says nothing about whether the remedy was delivered.

    Why it matters: a remedy promised and not delivered leaves the injustice in place and
    breaks a promise to the person; the ombudsman checks that remedies are carried out, and a
    complaint about a remedy not paid is a new complaint.

    How to fix: give each remedy an owner and a due date, record the date it is delivered, and
    report remedies not done after a month to the complaints lead.
    """

    code = "RM002"
    case_level = True  # a remedy promised is owed to the person it was promised to
    tally = ("not_delivered", "remedies_due")
    denominator = (
        "complaints whose record holds a remedy to deliver (a payment or anything but an apology alone), whose export has "
        "a remedy_done column, and whose last council response was more than `within_months` before the audit date; each "
        "counted once"
    )
    general_source = _GENERAL_SOURCE
    title = "Remedies promised and not delivered"
    area = Area.LEARNING
    rule = "A remedy promised is delivered, and recorded as done, within a month of the response."
    source = _SOURCE + " (remedies carried out within one month of the decision)"
    params = {"within_months": 1, "amber_above": 5.0, "red_above": 15.0}
    fault = ("{not_delivered} of {remedies_due} remedies promised ({percent_not_delivered}) were not delivered by the "
             "audit date, though promised more than {within} before it")
    impact = "{people} were promised a remedy that had not been delivered by the audit date{shortfall}."
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.SERVICE_FAILURE
    shortfall = Shortfall("days_overdue", unit="days overdue")
    remedy = ("Deliver the remedies promised to {people}{shortfall}, apologise for the delay, and consider a further "
              "payment where the delay caused more time and trouble or distress{guidance}.")

    def run(self, data, params):
        if not data.exported("remedy_done").any():
            return not_applicable("the export has no remedy_done field")
        stages = _cases(data, "remedy_done")
        text = stages["remedy"].fillna("").astype("str").str.strip().str.lower()
        to_deliver = remedy_recorded(stages) & (~text.str.fullmatch(_APOLOGY_ALONE).fillna(False).astype(bool)
                                                | stages["remedy_amount"].gt(0).fillna(False))
        per_case = stages.assign(to_deliver=to_deliver).groupby("case_number").agg(
            to_deliver=("to_deliver", "any"), promised=("responded", "max"), done=("remedy_done", "max"))
        last = stages[stages["responded"].notna()].drop_duplicates("case_number", keep="last").set_index("case_number")
        per_case = per_case[per_case["to_deliver"] & per_case["promised"].notna()].join(last["row"], how="inner")
        months = int(params["within_months"])
        as_of = pd.Timestamp(data.as_of)
        per_case = per_case.assign(deadline=per_case["promised"] + pd.DateOffset(months=months))
        due = per_case[per_case["deadline"] < as_of]
        period = "a month" if months == 1 else f"{months} months"
        if due.empty:
            return not_applicable(f"no remedy to deliver was promised more than {period} before {as_of:%d %B %Y}")
        not_done = due["done"].isna() | due["done"].gt(as_of)
        late = due["done"].gt(due["deadline"]) & ~not_done
        listed = due[not_done]
        rows = data.records.loc[listed["row"].to_numpy()]
        days = pd.Series((as_of - listed["deadline"]).dt.days.to_numpy(), index=rows.index, dtype="int64")
        promised = pd.Series(iso_dates(listed["promised"]).to_numpy(), index=rows.index, dtype="str")
        remedy_text = data.records.loc[rows.index, "remedy"].fillna("a payment").astype("str")
        reason = (remedy_text + " promised in the response of " + promised + ", not recorded as done: "
                  + days.astype("str") + f" days after {period} had passed")
        count, share = int(not_done.sum()), percent(int(not_done.sum()), len(due))
        metrics = {"remedies_due": len(due), "not_delivered": count, "percent_not_delivered": share,
                   "delivered_late": int(late.sum()), "within_months": months, "within": period,
                   "median_days_overdue": float(days.median()) if count else 0.0, "as_of": data.as_of.isoformat()}
        finding = (f"{count:,} of {len(due):,} remedies promised more than {period} before {as_of:%d %B %Y} "
                   f"({share}%) were not recorded as delivered"
                   + (f"; {int(late.sum()):,} more were delivered, but more than {period} after the response." if late.any()
                      else "."))
        table = exceptions(rows, reason, remedy_amount=rows["remedy_amount"], promised=promised, days_overdue=days)
        return CheckResult(grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
                           Recommendation("Give every remedy an owner and a due date, and record the date it is "
                                          "delivered.", Priority.QUICK_WIN))


class PaymentsByTeam(Check):
    """Remedy payments by team and outcome.

    What it checks: the payments the council recorded as remedies (`remedy_amount` above nil),
    one per case, by the team and the outcome of the case's last council stage: how many, the
    total and the median, for the council and for each team (`by_team`, `by_team_and_outcome`
    in results.json). Where two or more teams each made at least `min_payments` payments for
    one outcome, it compares each such team's median payment with the council's median for
    that outcome (every team's payments): a team paying more than `max_ratio` times as much,
    or less than its inverse, is listed with its payments for that outcome.

    Why it matters: the LGSCO's Guidance on remedies asks for remedies proportionate to the
    injustice and consistent between similar cases; one team paying twice what another pays
    for the same outcome treats people unequally. The figures also show members what
    complaints cost.

    How to fix: agree one scale of payments for time and trouble and for distress (the LGSCO's
    guidance gives ranges) and have the complaints lead review payments outside it.
    """

    code = "RM003"
    tally = ("teams_out_of_line", "teams_compared")
    denominator = (
        "a team's payments for one outcome (upheld, partly upheld ...), compared where it and at least one other team "
        "each made `min_payments` or more; a payment is a case's remedy_amount above nil, counted once"
    )
    general_source = "Good practice: remedies proportionate and consistent between similar cases"
    title = "Remedy payments by team and outcome"
    area = Area.LEARNING
    theme = "consistency"
    rule = "Payments for the same outcome are consistent between teams: each team's median within a factor of two of the council's."
    source = "The LGSCO's Guidance on remedies (proportionate and consistent remedies)"
    params = {"min_payments": 5, "max_ratio": 2.0}
    fault = ("{teams_out_of_line} of {teams_compared} team medians compared, each for one outcome, differ from the "
             "council's median payment for it by more than a factor of {max_ratio}")
    standards = (GOOD_PRACTICE,)

    def run(self, data, params):
        if not data.exported("remedy_amount").any():
            return not_applicable("the export has no remedy_amount field")
        stages = _cases(data, "remedy_amount")
        last = stages.drop_duplicates("case_number", keep="last")
        amount = stages.groupby("case_number")["remedy_amount"].max()
        paid = last.assign(amount=last["case_number"].map(amount)).query("amount > 0")
        if paid.empty:
            return not_applicable("no remedy payment is recorded")
        paid = paid.assign(team=paid["team"].astype("str").where(paid["team"].notna(), "no team"),
                           outcome=paid["outcome"].astype("str").where(paid["outcome"].notna(), "no outcome"))
        by_team = _payments(paid, ["team"])
        by_group = _payments(paid, ["team", "outcome"])
        compared = _compared(paid, by_group, int(params["min_payments"]))
        ratio = float(params["max_ratio"])
        out = compared[(compared["ratio"] > ratio) | (compared["ratio"] < 1 / ratio)]
        metrics = {
            "payments": len(paid), "payments_total": round(float(paid["amount"].sum()), 2),
            "payments_median": round(float(paid["amount"].median()), 2),
            "teams_compared": len(compared), "teams_out_of_line": len(out), "max_ratio": ratio,
            "by_team": by_team.to_dict("records"), "by_team_and_outcome": by_group.to_dict("records"),
        }
        teams = "; ".join(f"{row['team']} {row['payments']:,} (£{row['total']:,.2f}, median £{row['median']:,.2f})"
                          for row in metrics["by_team"])
        finding = (f"{len(paid):,} remedy {'payment was' if len(paid) == 1 else 'payments were'} recorded, £{metrics['payments_total']:,.2f} in all, median "
                   f"£{metrics['payments_median']:,.2f}; by team: {teams}.")
        if compared.empty:
            return CheckResult(Status.NOT_APPLICABLE, metrics, finding + f" No two teams made {params['min_payments']} "
                               "or more payments for the same outcome, so none is compared.")
        finding += (f" {counted_share(len(out), len(compared))} team medians compared, each for one outcome, differed "
                    f"from the council's median for that outcome by more than a factor of {ratio:g}.")
        rows = paid.merge(out[["team", "outcome", "median", "council_median"]], on=["team", "outcome"]).set_index("row")
        reason = (rows["outcome"].map(OUTCOME_WORDS).fillna(rows["outcome"]).astype("str") + ": "
                  + rows["team"].astype("str") + "'s median payment £" + rows["median"].astype("float64").map("{:,.2f}".format).astype("str")
                  + " against £" + rows["council_median"].astype("float64").map("{:,.2f}".format).astype("str")
                  + " for the council")
        records = data.records.loc[rows.index]
        table = exceptions(records, reason, remedy_amount=rows["amount"])
        status = Status.WARN if len(out) else Status.PASS
        return CheckResult(status, metrics, finding, table, Recommendation(
            "Agree one scale of remedy payments and review payments outside it" + REMEDIES_GUIDANCE + ".",
            Priority.THREE_MONTHS))


def _payments(paid: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Count, total and median of the payments per group, the largest total first."""
    table = paid.groupby(by, observed=True)["amount"].agg(payments="size", total="sum", median="median").reset_index()
    table[["total", "median"]] = table[["total", "median"]].round(2)
    return table.sort_values(["total", *by], ascending=[False, *[True] * len(by)], kind="stable").reset_index(drop=True)


def _compared(paid: pd.DataFrame, by_group: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Each team and outcome with `minimum` payments, where two or more teams have as many for that outcome, beside the
    council's median payment for the outcome (every team's payments: one team far out of line does not move it much,
    as it would the median of the others alone)."""
    big = by_group[by_group["payments"] >= minimum]
    big = big[big.groupby("outcome")["team"].transform("size") >= 2]
    council = paid.groupby("outcome")["amount"].median()
    compared = big.assign(council_median=big["outcome"].map(council).astype("float64"))
    return compared.assign(ratio=compared["median"] / compared["council_median"])
