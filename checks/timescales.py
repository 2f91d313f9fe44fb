"""TS: timescales, answered on time. Corporate and housing stages against the Complaint Handling Codes, adult social care against
the 2009 regulations; children's timescales are CSC (childrens.py), due dates and extensions TS004-TS006 (timescales_due.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks._text import iso_dates
from complaint_audit.checks._timescales import (
    CODE_CLOCK,
    CODE_PROCESSES,
    COUNCIL_STAGES,
    THRESHOLDS,
    code_clock,
    council_stages_of,
    lookup,
    on_time_by,
    select_rows,
)
from complaint_audit.checks._timing import open_on, reason_given, when, working_days_text
from complaint_audit.engine.contract import (
    Area,
    Check,
    FaultType,
    OnTime,
    Priority,
    Recommendation,
    Shortfall,
    TrendFigure,
    exceptions,
    graded,
    not_applicable,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import ADULTS_REGULATIONS, CODES, GOOD_PRACTICE


class AcknowledgedOnTime(Check):
    """Acknowledged on time.

    What it checks: corporate and housing stages acknowledged within 5 working days of receipt (at
    Stage 2, of the request), adult social care within 3. A stage with no acknowledgement recorded
    fails once its deadline has passed, unless the response itself was sent within it.

    Why it matters: it tells complainants their complaint is in hand and when to expect an answer;
    under the codes it also starts the response clock.

    How to fix: send the acknowledgement when the complaint is logged (an automatic letter or email
    will do), and record its date in the case system.
    """

    code = "TS001"
    case_level = True  # the codes' and the regulations' acknowledgement timescale is owed to each complainant
    segments = ("team", "process", "stage")
    uk_rules = True
    title = "Acknowledged on time"
    area = Area.TIMELINESS
    rule = "Corporate and housing stages are acknowledged within 5 working days; adult social care within 3."
    source = "Complaint Handling Codes 6.2 (Stage 1) and housing 6.11 (Stage 2); SI 2009/309 reg 13(2)"
    params = {"acknowledge_working_days": {"corporate": 5, "housing": 5, "adult_social_care": 3}, **THRESHOLDS}
    requires = ("acknowledged",)
    fault = (
        "{failing} of {assessed} complaint stages ({percent_failing}) were not acknowledged within the "
        "timescale"
    )
    on_time = (OnTime(("corporate", "housing", "adult_social_care"), ("1", "2"), "acknowledgement"),)
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days", less="allowed")
    remedy = "Apologise to {people} whose complaint was acknowledged late{shortfall}."

    def run(self, data, params):
        limits = params["acknowledge_working_days"]
        rows = select_rows(data.records, processes=limits)
        if rows.empty:
            return not_applicable("no corporate, housing or adult social care records")
        limit = lookup(rows["process"], limits)
        deadline = data.calendar.add_working_days(rows["received"], limit)
        taken = data.calendar.working_days_between(rows["received"], rows["acknowledged"])
        late = taken.gt(limit).fillna(False).astype(bool)
        missing = rows["acknowledged"].isna() & deadline.lt(pd.Timestamp(data.as_of)) & ~rows["responded"].le(deadline)
        assessed, failing = rows["acknowledged"].notna() | missing, late | missing
        f = pd.DataFrame({"late": late, "missing": missing, "taken": taken, "limit": limit, "due": deadline})[failing]
        reason = (when(f["late"], "acknowledged in " + working_days_text(f["taken"]) + " working days; allowed " + working_days_text(f["limit"]))
                  + when(f["missing"], "no acknowledgement recorded; due by " + iso_dates(f["due"])))
        result = graded(
            int(failing.sum()), int(assessed.sum()), params,
            "{failing:,} of {assessed:,} complaint stages ({percent_failing}%) were not acknowledged on time: "
            "{late:,} late and {not_recorded:,} with no acknowledgement recorded.",
            exceptions(rows[failing], reason, working_days=f["taken"], allowed=f["limit"]),
            Recommendation("Acknowledge every complaint on the day it is logged, and record the date.",
                           Priority.QUICK_WIN),
            late=int(late.sum()), not_recorded=int(missing.sum()),
            **on_time_by(rows["process"], limits, assessed & ~failing, assessed),
        )
        return by_segment(self, result, rows[assessed], failing[assessed], params, noun="complaint stages",
                          failed="were not acknowledged on time")


class CodeResponseOnTime(Check):
    """Corporate and housing responses on time.

    What it checks: corporate and housing responses within 10 working days of acknowledgement at
    Stage 1 and 20 at Stage 2; with no acknowledgement recorded, from receipt with 5 days added (the
    finding says how many). An extension counts if it has a date and a reason, up to the code's
    maximum (10 more working days at Stage 1, 20 at Stage 2). Late acknowledgements are TS001's.

    Why it matters: the ombudsmen apply the codes' timescales; a council's looser local targets or
    unexplained extensions do not change them.

    How to fix: track open cases against the code's deadline, not a local one; agree extensions in
    writing, with reasons and the ombudsman's details, before the deadline passes.
    """

    code = "TS002"
    uk_rules = True
    segments = ("team", "process", "stage")  # the codes' timescales differ by stage: a late stage is not diluted by the rest
    title = "Corporate and housing responses on time"
    area = Area.TIMELINESS
    rule = "Stage 1 answered within 10 working days of acknowledgement, Stage 2 within 20, or by a valid extension."
    source = "LGSCO and Housing Ombudsman Complaint Handling Codes 6.3-6.5 and the Stage 2 timescales"
    params = {**CODE_CLOCK, **THRESHOLDS}
    requires = ("responded",)
    fault = (
        "{failing} of {assessed} corporate and housing responses ({percent_failing}) were later than the "
        "Complaint Handling Code allows"
    )
    on_time = (OnTime(CODE_PROCESSES, COUNCIL_STAGES),)
    trend_figures = (
        TrendFigure("stage1_on_time", "Corporate and housing Stage 1 responses on time", "stage1_percent_on_time",
                    on_time_label="Corporate and housing Stage 1"),
        TrendFigure("stage2_on_time", "Corporate and housing Stage 2 responses on time", "stage2_percent_on_time",
                    on_time_label="Corporate and housing Stage 2"),
    )
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days", less="allowed")
    remedy = ("Apologise to {people} whose response came later than the timescale{shortfall}, saying what went wrong; "
              "consider a payment for the time and trouble the delay caused{guidance}; and answer any point still "
              "unanswered.")

    def run(self, data, params):
        records = data.records
        rows = select_rows(records, council_stages_of(records, CODE_PROCESSES) & records["responded"].notna())
        if rows.empty:
            return not_applicable("no answered corporate or housing complaint stages")
        clock = code_clock(rows, data.calendar, params)
        late = rows["responded"].gt(clock["due"])
        f, answered = clock[late], rows[late]  # the figures behind a reason: only the late ones need them
        f = f.assign(taken=data.calendar.working_days_between(f["start"], answered["responded"]),
                     allowed=data.calendar.working_days_between(f["start"], f["due"]),
                     unexplained=answered["extended_due"].gt(f["deadline"]) & ~reason_given(answered))
        origin = pd.Series(np.where(f["from_receipt"], "receipt (no acknowledgement recorded)", "acknowledgement"),
                           index=f.index, dtype="str")
        reason = ("responded in " + working_days_text(f["taken"]) + " working days from " + origin + "; allowed " + working_days_text(f["allowed"])
                  + when(f["extended"], " with extension")
                  + when(f["beyond_latest"], " (the extension is beyond the maximum, so counted only to it)")
                  + when(f["unexplained"], " (an extension with no reason does not count)"))
        by_stage = on_time_by(rows["stage"], COUNCIL_STAGES, ~late, late | ~late, "stage{}")
        stage_counts = (~late).groupby(rows["stage"].astype("str")).agg(["sum", "size"])
        on_time = "; ".join(f"Stage {stage} {counted_share(int(row['sum']), int(row['size']))}"
                            for stage, row in stage_counts.reindex(list(COUNCIL_STAGES)).dropna().iterrows())
        finding = ("{failing:,} of {assessed:,} corporate and housing responses ({percent_failing}%) were later than "
                   f"the code allows. On time: {on_time}.")
        if clock["from_receipt"].any():
            finding += (" {from_receipt:,} had no acknowledgement date, so were measured from receipt with "
                        f"{params['acknowledge_working_days']} working days added to acknowledge.")
        result = graded(
            int(late.sum()), len(rows), params, finding,
            exceptions(rows[late], reason, working_days=f["taken"], allowed=f["allowed"]),
            Recommendation("Track every open complaint against the code's deadline and agree any extension in "
                           "writing, with reasons.", Priority.THREE_MONTHS),
            from_receipt=int(clock["from_receipt"].sum()), extended=int(clock["extended"].sum()), **by_stage,
        )
        return by_segment(self, result, rows, late, params, noun="responses", failed="were later than the code allows")


class AdultResponseOnTime(Check):
    """Adult social care responses by the agreed date.

    What it checks: adult social care complaints answered by the date agreed with the complainant
    (the revised date where there is one), and none more than six calendar months from receipt (or
    a longer agreed period) without a response, open complaints on the audit date included.

    Why it matters: the regulations set no fixed number of days but bind the council to the period
    it agreed; after six months without a response the complainant must be told in writing why.

    How to fix: agree a realistic response date with every complainant, revise it with them (and
    record why) before it passes, and write to anyone still waiting at six months.
    """

    code = "TS003"
    case_level = True  # a statutory timescale (reg 13(7), 14), owed to each complainant
    segments = ("team",)
    uk_rules = True
    title = "Adult social care responses by the agreed date"
    area = Area.TIMELINESS
    rule = "Answered by the agreed (or revised) date, and within six calendar months or a longer agreed period."
    source = "SI 2009/309 regs 13(7) and 14(2)"
    params = {"months_limit": 6, **THRESHOLDS}
    fault = (
        "{failing} of {assessed} adult social care complaints ({percent_failing}) missed the response date "
        "agreed with the complainant or ran past {months_limit} months"
    )
    on_time = (OnTime(("adult_social_care",), ("1",)),)
    trend_figures = (TrendFigure("adults_on_time", "Adult social care responses on time", "percent_failing",
                                 complement=True, on_time_label="Adult social care"),)
    standards = (ADULTS_REGULATIONS,)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days_late")
    remedy = ("Apologise to {people} whose response came after the date agreed with them or after six "
              "months{shortfall}, saying why; consider a payment for the time and trouble the delay caused{guidance}.")

    def run(self, data, params):
        rows = select_rows(data.records, processes=("adult_social_care",))
        if rows.empty:
            return not_applicable("no adult social care records")
        as_of, months = pd.Timestamp(data.as_of), int(params["months_limit"])
        agreed = rows["extended_due"].fillna(rows["due"])
        months_point = (rows["received"] + pd.DateOffset(months=months)).astype("datetime64[s]")
        limit = months_point.where(~agreed.gt(months_point), agreed)
        answered, waiting = rows["responded"].notna(), open_on(rows, as_of) & limit.lt(as_of)
        late, past_limit = rows["responded"].gt(agreed), rows["responded"].gt(limit) | waiting
        failing = late | past_limit
        f = pd.DataFrame({"late": late, "past": past_limit, "answered": answered, "agreed": agreed, "limit": limit,
                          "days_late": data.calendar.working_days_between(agreed, rows["responded"])})[failing]
        past = pd.Series(np.where(f["answered"], "answered after ", "no response after "), index=f.index, dtype="str")
        reason = (when(f["late"], "responded " + working_days_text(f["days_late"]) + " working days after the agreed date "
                        + iso_dates(f["agreed"])) + when(f["late"] & f["past"], "; ")
                  + when(f["past"], past + f"{months} months (limit " + iso_dates(f["limit"])
                          + "): the complainant must be told why in writing"))
        assessed = answered | waiting
        result = graded(
            int(failing.sum()), int(assessed.sum()), params,
            "{failing:,} of {assessed:,} adult social care complaints ({percent_failing}%) missed the agreed response "
            "date or ran past {months_limit} months: {late:,} answered late, {past_months_limit:,} past {months_limit} "
            "months ({no_agreed_date:,} had no agreed date recorded).",
            exceptions(rows[failing], reason, agreed=f["agreed"], working_days_late=f["days_late"]),
            Recommendation("Agree and record a response date with every complainant, and revise it with them "
                           "before it passes.", Priority.THREE_MONTHS),
            late=int(late.sum()), past_months_limit=int(past_limit.sum()), months_limit=months,
            no_agreed_date=int(agreed.isna().sum()),
        )
        return by_segment(self, result, rows[assessed], failing[assessed], params, noun="adult social care complaints",
                          failed="missed the agreed response date or ran past the time limit")
