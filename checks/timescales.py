"""TS: timescales. Acknowledged and answered on time, extensions, open cases and the due dates teams work to.

Corporate and housing stages are measured against the Complaint Handling Codes' clock (TS001,
TS002), adult social care against the 2009 regulations' agreed date and six months (TS003);
extensions need a reason and stay within the code's maximum (TS004); stages still open on the
audit date are aged against their due date, or from receipt where they have none (TS005); a
team's own due dates are compared with the code's (TS006); the council's return to the regulator
is set beside its records (TS007); and a clock stop is explained and plausible before any check
deducts it (TS008, engine/toolkit.py). Children's timescales are CSC (childrens.py). The shared
clock and selections come first, then the checks."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    OnTime,
    Priority,
    Recommendation,
    Shortfall,
    Status,
    TrendFigure,
    exceptions,
    grade,
    graded,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.remedies import CORRECT_THE_RECORDS
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import (
    ADULTS_REGULATIONS,
    CODES,
    GOOD_PRACTICE,
    OWN_PROCEDURE,
    SOCIAL_CARE_REGULATIONS,
    TSM_STANDARD,
)
from complaint_audit.engine.toolkit import (
    clock_stop_note,
    clock_stop_verdicts,
    clock_stops,
    deadline_after,
    either,
    formatted,
    iso_dates,
    open_on,
    pair_values,
    reason_given,
    time_elapsed,
    when,
    working_days_taken,
    working_days_text,
)
from complaint_audit.schema import CODE_STAGES

# ------------------------------------------------------------------------------------------------------------
# The clocks and selections the TS checks share: the codes' timescales, the council's own stages, working-day
# deadlines.

THRESHOLDS = {"amber_above": 5.0, "red_above": 20.0}
CODE_PROCESSES = ("corporate", "housing")
FIELDS = ["organisation", "case_id", "stage", "team", "process", "received", "acknowledged", "due", "extended_due",
          "extension_reason", "statement_agreed", "responded", "closed", "outcome", "status"]
CODE_CLOCK = {"acknowledge_working_days": 5, "response_working_days": {"1": 10, "2": 20},  # the codes' clock
              "extension_working_days": {"1": 10, "2": 20}}


def lookup(column: pd.Series, mapping) -> pd.Series:
    """mapping[value] per row, missing where the value is not a key (whole-column comparisons: faster than map)."""
    chosen = [column.eq(key).to_numpy(dtype=bool, na_value=False) for key in mapping]
    values = np.select(chosen, [float(value) for value in mapping.values()], default=np.nan)
    return pd.Series(values, index=column.index).astype("Int64")


def select_rows(records: pd.DataFrame, mask: pd.Series | None = None, processes=None) -> pd.DataFrame:
    """Rows by mask, or the council stages of some processes; only the fields used: copying letters costs more."""
    if processes is not None:
        mask = council_stages_of(records, processes)
    return records.loc[mask, FIELDS]


def council_stages_of(records: pd.DataFrame, processes) -> pd.Series:
    return records["process"].isin(list(processes)) & records["stage"].isin(CODE_STAGES)


def code_clock(rows: pd.DataFrame, data, params) -> pd.DataFrame:
    """Corporate and housing response clocks: from acknowledgement, or from receipt plus the acknowledgement
    allowance when none is recorded (RULES.md 3), moved on by any clock stop; an extension counts with a reason, up
    to the code's maximum."""
    from_receipt = rows["acknowledged"].isna()
    start = rows["acknowledged"].where(~from_receipt, rows["received"])
    allowance = lookup(rows["stage"], params["response_working_days"])
    deadline = deadline_after(data, start, allowance + from_receipt * int(params["acknowledge_working_days"]))
    latest = data.calendar.add_working_days(deadline, lookup(rows["stage"], params["extension_working_days"]))
    extended = rows["extended_due"].notna() & reason_given(rows) & rows["extended_due"].gt(deadline)
    extended_to = rows["extended_due"].where(rows["extended_due"].le(latest), latest)
    return pd.DataFrame({"start": start, "from_receipt": from_receipt, "deadline": deadline, "latest": latest,
                         "extended": extended, "beyond_latest": extended & rows["extended_due"].gt(latest),
                         "due": deadline.where(~extended, extended_to)})


def on_time_by(group: pd.Series, names, on_time: pd.Series, assessed: pd.Series, label: str = "{}") -> dict:
    """Percent on time per group with any case assessed, as metrics named '<label>_percent_on_time'."""
    return {f"{label.format(name)}_percent_on_time": percent(int((on_time & group.eq(name)).sum()),
                                                            int((assessed & group.eq(name)).sum()))
            for name in names if (assessed & group.eq(name)).any()}


# ------------------------------------------------------------------------------------------------------------
# The checks: acknowledged and answered on time (TS001-TS003).

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
    denominator = (
        "corporate, housing and adult social care Stage 1 and 2 records (the processes in `acknowledge_working_days`) "
        "with an acknowledgement date, or with none once the deadline has passed without a response inside it"
    )
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
        deadline = deadline_after(data, rows["received"], limit)
        taken = working_days_taken(data, rows["received"], rows["acknowledged"])
        late = taken.gt(limit).fillna(False).astype(bool)
        missing = rows["acknowledged"].isna() & deadline.lt(pd.Timestamp(data.as_of)) & ~rows["responded"].le(deadline)
        assessed, failing = rows["acknowledged"].notna() | missing, late | missing
        f = pd.DataFrame({"late": late, "missing": missing, "taken": taken, "limit": limit, "due": deadline})[failing]
        reason = (when(f["late"], "acknowledged in " + working_days_text(f["taken"]) + " working days; allowed " + working_days_text(f["limit"]))
                  + when(f["missing"], "no acknowledgement recorded; due by " + iso_dates(f["due"]))
                  + clock_stop_note(data, f.index))
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
    maximum (10 more working days at Stage 1, 20 at Stage 2). Time waiting on the complainant
    (a clock stop TS008 accepts) is deducted, and the case's evidence says so. Late
    acknowledgements are TS001's.

    Why it matters: the ombudsmen apply the codes' timescales; a council's looser local targets or
    unexplained extensions do not change them.

    How to fix: track open cases against the code's deadline, not a local one; agree extensions in
    writing, with reasons and the ombudsman's details, before the deadline passes.
    """

    code = "TS002"
    denominator = (
        "answered corporate and housing Stage 1 and 2 complaints: each such stage record with a response date; open ones "
        "are TS005's"
    )
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
    on_time = (OnTime(CODE_PROCESSES, CODE_STAGES),)
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
        clock = code_clock(rows, data, params)
        late = rows["responded"].gt(clock["due"])
        f, answered = clock[late], rows[late]  # the figures behind a reason: only the late ones need them
        f = f.assign(taken=working_days_taken(data, f["start"], answered["responded"]),
                     allowed=working_days_taken(data, f["start"], f["due"]),
                     unexplained=answered["extended_due"].gt(f["deadline"]) & ~reason_given(answered))
        origin = pd.Series(np.where(f["from_receipt"], "receipt (no acknowledgement recorded)", "acknowledgement"),
                           index=f.index, dtype="str")
        reason = ("responded in " + working_days_text(f["taken"]) + " working days from " + origin + "; allowed " + working_days_text(f["allowed"])
                  + when(f["extended"], " with extension")
                  + when(f["beyond_latest"], " (the extension is beyond the maximum, so counted only to it)")
                  + when(f["unexplained"], " (an extension with no reason does not count)")
                  + clock_stop_note(data, f.index))
        by_stage = on_time_by(rows["stage"], CODE_STAGES, ~late, late | ~late, "stage{}")
        stage_counts = (~late).groupby(rows["stage"].astype("str")).agg(["sum", "size"])
        on_time = "; ".join(f"Stage {stage} {counted_share(int(row['sum']), int(row['size']))}"
                            for stage, row in stage_counts.reindex(list(CODE_STAGES)).dropna().iterrows())
        finding = ("{failing:,} of {assessed:,} corporate and housing responses ({percent_failing}%) were later than "
                   f"the code allows. On time: {on_time}.")
        if clock["from_receipt"].any():
            finding += (" {from_receipt:,} had no acknowledgement date, so were measured from receipt with "
                        f"{params['acknowledge_working_days']} working days added to acknowledge.")
        stopped = int(clock_stops(data).reindex(rows.index).gt(0).sum())
        if stopped:
            finding += (" {clock_stopped:,} had time waiting on the complainant (a clock stop with its reason) "
                        "deducted.")
        result = graded(
            int(late.sum()), len(rows), params, finding,
            exceptions(rows[late], reason, working_days=f["taken"], allowed=f["allowed"]),
            Recommendation("Track every open complaint against the code's deadline and agree any extension in "
                           "writing, with reasons.", Priority.THREE_MONTHS),
            from_receipt=int(clock["from_receipt"].sum()), extended=int(clock["extended"].sum()),
            **({"clock_stopped": stopped} if stopped else {}), **by_stage,
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
    denominator = (
        "adult social care complaints (Stage 1 and 2 records) answered, or still open on the audit date past their agreed "
        "date or six-month limit"
    )
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
        stops = clock_stops(data).reindex(rows.index)  # the six months are moved on by any clock stop
        months_point = months_point.where(stops.eq(0), data.calendar.add_working_days(months_point, stops))
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
                          + "): the complainant must be told why in writing")) + clock_stop_note(data, f.index)
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


# ------------------------------------------------------------------------------------------------------------
# TS: timescales, the due dates. Extensions within their maximum, open cases past their due date, and local
# targets looser than the codes; whether stages were answered on time is TS001-TS003 (timescales.py).

class ExtensionsValid(Check):
    """Extensions within their maximum and with a reason.

    What it checks: every extended corporate or housing response date records why and lies within
    the code's maximum (10 working days beyond TS002's Stage 1 deadline, 20 beyond Stage 2); every
    revised adult social care date records why. Children's extensions are CSC001's and CSC003's.

    Why it matters: the codes allow an extension only once, for a reason, and told to the
    complainant with the ombudsman's details; an open-ended or unexplained extension is delay.

    How to fix: make the reason mandatory when an extended date is entered, and block dates beyond
    the maximum; a case that needs longer should be referred on, not extended again.
    """

    code = "TS004"
    denominator = (
        "extensions: each corporate, housing or adult social care Stage 1 or 2 record with an extended response date"
    )
    uk_rules = True
    title = "Extensions within their maximum and with a reason"
    area = Area.TIMELINESS
    rule = "An extension records its reason and goes no further than the code's maximum."
    source = "Complaint Handling Codes 6.4-6.5 and Stage 2 extensions; SI 2009/309 reg 14"
    params = {**CODE_CLOCK, **THRESHOLDS}
    requires = ("extended_due",)
    fault = "{failing} of {assessed} extensions ({percent_failing}) had no reason or went beyond the code's maximum"
    standards = (*CODES, ADULTS_REGULATIONS)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days_beyond_deadline", unit="working days beyond the longest extension allowed")
    remedy = ("Apologise to {people} whose extended response ran past what is allowed{shortfall}; consider a payment "
              "for the time and trouble the delay caused{guidance}.")

    def run(self, data, params):
        rows = select_rows(data.records, processes=(*CODE_PROCESSES, "adult_social_care"))
        rows = rows[rows["extended_due"].notna()]
        if rows.empty:
            return not_applicable("no extended corporate, housing or adult social care response dates")
        code_rows = rows["process"].isin(CODE_PROCESSES)
        clock = code_clock(rows[code_rows], data, params).reindex(rows.index)
        no_reason, beyond = ~reason_given(rows), rows["extended_due"].gt(clock["latest"])
        failing = no_reason | beyond
        f = pd.DataFrame({"beyond": beyond, "no_reason": no_reason, "deadline": clock["deadline"],
                          "extra": data.calendar.working_days_between(clock["deadline"], rows["extended_due"]),
                          "most": lookup(rows["stage"], params["extension_working_days"]),
                          "extended_due": rows["extended_due"]})[failing]
        reason = (when(f["beyond"], "extended " + working_days_text(f["extra"]) + " working days beyond the code's deadline "
                        + iso_dates(f["deadline"]) + "; at most " + working_days_text(f["most"]))
                  + when(f["beyond"] & f["no_reason"], "; ")
                  + when(f["no_reason"], "no reason recorded for the extension to " + iso_dates(f["extended_due"]))
                  + clock_stop_note(data, f.index))
        return graded(
            int(failing.sum()), len(rows), params,
            "{failing:,} of {assessed:,} extensions ({percent_failing}%) lack a reason or exceed the maximum: "
            "{no_reason:,} with no reason, {beyond_maximum:,} beyond the maximum.",
            exceptions(rows[failing], reason, extended_due=f["extended_due"], working_days_beyond_deadline=f["extra"]),
            Recommendation("Require a reason for every extension and block extended dates beyond the code's "
                           "maximum.", Priority.QUICK_WIN),
            no_reason=int(no_reason.sum()), beyond_maximum=int(beyond.sum()),
        )


class OpenPastDue(Check):
    """Open complaints past their due date.

    What it checks: stages open on the audit date (received, not answered, not closed) past their
    due date, in bands of working days overdue: by default 1-10, 11-20, 21-40 and over 40. The due
    date is the one the case system records (the extended one where set); a stage without one is
    aged from receipt against the timescale that applies to it: corporate and housing stages the
    code's (Stage 1 10 working days from acknowledgement, or 15 from receipt where none is
    recorded; Stage 2 20, or 25), children's Stage 1 10 working days from receipt and Stage 2 25
    from its start (the later of the request and the agreed statement), and a process outside the
    UK's schemes (`other`) audit.toml's `[standard] response_working_days`. Where no timescale
    applies (adult social care, whose period is agreed with each complainant; children's Stage 3;
    `other` without a `[standard]` target) a stage with no due date is not assessed, and the
    finding says how many. A due date worked out from receipt moves on by any clock stop TS008
    accepts; a recorded one is taken as the case system set it. Due dates looser than the code are
    TS006's finding.

    Why it matters: an overdue complaint is a complainant waiting now; the oldest are where the
    ombudsman finds fault. A case system that records no due date does not stop the clock.

    How to fix: review the overdue list weekly, oldest first; tell each complainant when they will
    hear and why, and escalate cases over 40 working days to a senior manager.
    """

    code = "TS005"
    denominator = (
        "stages of any process (the ombudsman's excepted) open on the audit date with a due date, recorded or given by "
        "the timescale that applies from receipt; open stages with neither are counted apart as not assessed"
    )
    general_source = "The due date the case system records, or the response target in audit.toml's [standard]"
    title = "Open complaints past their due date"
    area = Area.TIMELINESS
    rule = "No complaint stage is still open after its due date, recorded or given by its timescale from receipt."
    source = "Complaint Handling Codes 6.3-6.5; SI 2006/1738 regs 14, 17; SI 2009/309 reg 14"
    params = {"bands_working_days": [10, 20, 40], **CODE_CLOCK, "childrens_working_days": {"1": 10, "2": 25},
              **THRESHOLDS}
    fault = (
        "{failing} of {assessed} complaint stages open on the audit date ({percent_failing}) were past their "
        "due date"
    )
    standards = (*SOCIAL_CARE_REGULATIONS, *CODES, OWN_PROCEDURE)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days_overdue", unit="working days past the due date")
    remedy = ("Answer the complaints of {people} still open past their due date{shortfall}, oldest first; apologise "
              "for the delay and consider a payment for the time and trouble the delay caused{guidance}.")

    def run(self, data, params):
        as_of, records = pd.Timestamp(data.as_of), data.records
        rows = select_rows(records, records["stage"].ne("ombudsman") & open_on(records, as_of))
        if rows.empty:
            return not_applicable(f"no complaint stages open on {as_of:%Y-%m-%d}")
        recorded = rows["extended_due"].fillna(rows["due"])
        aged = _aged_from_receipt(rows[recorded.isna()], data, params)
        due = recorded.fillna(aged["due"])
        timed, untimed = aged[aged["due"].notna()], aged[aged["due"].isna()]
        if due.isna().all():
            return not_applicable(f"{len(rows):,} complaint stages open on {as_of:%Y-%m-%d}, none with a due date or a "
                                  f"timescale that applies: {_untimed_reasons(untimed)}")
        overdue_by = data.calendar.working_days_between(due, pd.Series(as_of, index=rows.index))
        overdue = overdue_by.gt(0).fillna(False).astype(bool)
        edges = [int(edge) for edge in params["bands_working_days"]]
        labels = [f"{low + 1}-{high}" for low, high in itertools.pairwise([0, *edges])] + [f"over {edges[-1]}"]
        band = pd.cut(overdue_by.astype("float64"), [0, *edges, np.inf], labels=labels).astype("str")
        bands = {f"overdue_{label.replace('-', '_to_').replace(' ', '_')}": int((band[overdue] == label).sum())
                 for label in labels}
        reason = ("open " + working_days_text(overdue_by) + " working days past its due date " + iso_dates(due) + " (band "
                  + band + ")" + when(recorded.isna(), "; no due date recorded, so aged from receipt against "
                                      + aged["timescale"].reindex(rows.index).fillna("")
                                      + clock_stop_note(data, rows.index)))
        words = [*labels[:-1], f"more than {edges[-1]}"]
        by_band = ", ".join(f"{count:,} by {label} working days" for label, count in zip(words, bands.values(), strict=True))
        return graded(
            int(overdue.sum()), int(due.notna().sum()), params,
            "{failing:,} of {assessed:,} complaint stages open on {as_of} ({percent_failing}%) were past their due "
            "date" + (f": {by_band}." if overdue.any() else ".") + _aged_sentence(timed, untimed),
            exceptions(rows[overdue], reason[overdue], due=due[overdue], working_days_overdue=overdue_by[overdue],
                       band=band[overdue]),
            Recommendation("Review overdue complaints weekly, oldest first, and tell each complainant when they "
                           "will hear.", Priority.QUICK_WIN),
            as_of=as_of.strftime("%Y-%m-%d"), no_due_date=len(aged), aged_from_receipt=len(timed),
            not_assessed=len(untimed), **bands,
        )


def _aged_from_receipt(rows: pd.DataFrame, data, params) -> pd.DataFrame:
    """For stages with no due date of their own: the date their timescale gives from receipt, and that timescale's name
    (with each stage's process and stage, to say why where none applies).

    Missing where no timescale applies: adult social care agrees its period with each complainant, children's
    Stage 3 has no response deadline of its own, and `other` has one only where audit.toml's [standard] sets it.
    """
    due = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    timescale = pd.Series(None, index=rows.index, dtype="object")
    code = rows["process"].isin(CODE_PROCESSES) & rows["stage"].isin(["1", "2"])
    if code.any():
        clock = code_clock(rows[code], data, params)
        due[code] = clock["deadline"]
        timescale[code] = ("the code's Stage " + rows.loc[code, "stage"].astype("str") + " timescale ("
                           + lookup(rows.loc[code, "stage"], params["response_working_days"]).astype("str")
                           + " working days from acknowledgement, "
                           + (lookup(rows.loc[code, "stage"], params["response_working_days"])
                              + int(params["acknowledge_working_days"])).astype("str")
                           + " from receipt without one)")
    childrens = rows["process"].eq("childrens_statutory") & rows["stage"].isin(["1", "2"])
    if childrens.any():
        kids = rows[childrens]
        start = kids["received"].where(kids["stage"].ne("2"), kids[["received", "statement_agreed"]].max(axis=1))
        days = lookup(kids["stage"], params["childrens_working_days"])
        due[childrens] = deadline_after(data, start, days)
        timescale[childrens] = ("the children's regulations' Stage " + kids["stage"].astype("str") + " timescale ("
                                + days.astype("str") + " working days)")
    target = data.standard.response_working_days
    other = rows["process"].eq("other")
    if target is not None and other.any():
        due[other] = deadline_after(data, rows.loc[other, "received"], target)
        timescale[other] = f"the response target of {data.standard.name} ({target} working days)"
    return pd.DataFrame({"process": rows["process"], "stage": rows["stage"], "due": due,
                         "timescale": timescale.where(due.notna())})


def _aged_sentence(timed: pd.DataFrame, untimed: pd.DataFrame) -> str:
    """How many open stages had no due date of their own: aged from receipt, by timescale, or not assessed, and why."""
    sentence = ""
    if len(timed):
        counts = timed["timescale"].value_counts(sort=False).sort_index()
        against = (counts.index[0] if len(counts) == 1 else
                   "the timescale that applies to each: " + "; ".join(f"{n:,} {name}" for name, n in counts.items()))
        one = len(timed) == 1
        sentence += (f" {len(timed):,} had no due date of {'its' if one else 'their'} own and {'was' if one else 'were'} "
                     f"aged from receipt against {against}.")
    if len(untimed):
        one = len(untimed) == 1
        sentence += (f" {len(untimed):,} open {'stage' if one else 'stages'} had no due date and no timescale that applies, "
                     f"so {'was' if one else 'were'} not assessed: {_untimed_reasons(untimed)}.")
    return sentence.replace("{", "{{").replace("}", "}}")


def _untimed_reasons(untimed: pd.DataFrame) -> str:
    """Why stages without a due date have no timescale, counted per reason ('2 where adult social care agrees ...')."""
    why = untimed["process"].astype("str").map(_NO_TIMESCALE).fillna("no timescale applies")
    why = why.where(~(untimed["process"].eq("childrens_statutory") & untimed["stage"].eq("3")).to_numpy(dtype=bool),
                    "children's Stage 3 has no response deadline of its own")
    return "; ".join(f"{n:,} where {text}" for text, n in why.value_counts(sort=False).sort_index().items())


_NO_TIMESCALE = {
    "adult_social_care": "adult social care agrees its response period with each complainant",
    "other": "audit.toml's [standard] sets no response_working_days",
}


class LooseLocalTargets(Check):
    """Local targets looser than the code.

    What it checks: each team's own target per process and stage, inferred from its recorded due
    dates (the median working days from receipt, or the children's Stage 2 start, to the due date),
    against the most the rules allow: corporate and housing 15 at Stage 1 and 25 at Stage 2
    (acknowledgement included), children's 10 and 25. Exceptions: that team's stages due later
    than the code's deadline.

    Why it matters: a council that measures itself against a looser local target reports its
    complaints as on time when the code says they were late; the ombudsman judges by the code.

    How to fix: set each team's targets in the case system to the code's timescales and
    recalculate the due dates of open cases.
    """

    code = "TS006"
    denominator = (
        "team stages: the corporate, housing and children's Stage 1 and 2 records with a due date, grouped by "
        "organisation, team, process and stage; not a share: any team stage whose median due date is looser than the "
        "code's fails"
    )
    uk_rules = True
    title = "Local targets looser than the code"
    area = Area.TIMELINESS
    rule = "No team works to a target looser than the code's or the regulations' timescale."
    source = "Complaint Handling Codes 6.2-6.5 and Stage 2; SI 2006/1738 regs 14, 17"
    params = {"code_working_days": {"corporate": {"1": 15, "2": 25}, "housing": {"1": 15, "2": 25},
                                    "childrens_statutory": {"1": 10, "2": 25}}}
    requires = ("due",)
    fault = (
        "{looser} of {team_stages} team stages work to due dates looser than the code ({loose_targets}), so "
        "the council's own reports count late complaints as on time"
    )
    standards = (*CODES, *SOCIAL_CARE_REGULATIONS)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Check whether {people} whose due date was set by a looser local target were answered outside the "
              "code's timescale, and put any delay right: an apology, and consider a payment for the time and "
              "trouble the delay caused{guidance}.")

    def run(self, data, params):
        code_target = {(process, stage): int(days) for process, stages in params["code_working_days"].items()
                       for stage, days in stages.items()}
        records = data.records[["process", "stage", "due"]]
        target = pair_values(records["process"], records["stage"], code_target).astype("Int64")
        chosen = records["due"].notna() & target.notna()
        rows = select_rows(data.records, chosen).assign(code_target=target[chosen].astype("int64"))
        if rows.empty:
            return not_applicable("no corporate, housing or children's stages with a due date")
        childrens_stage2 = rows["process"].eq("childrens_statutory") & rows["stage"].eq("2")
        start = rows["received"].where(~childrens_stage2, rows[["received", "statement_agreed"]].max(axis=1))
        recorded = working_days_taken(data, start, rows["due"])  # a recorded due date already moved by any clock stop
        keys = ["organisation", "team", "process", "stage"]
        teams = rows.assign(recorded=recorded.astype("float64")).groupby(keys, dropna=False)
        rows = rows.assign(local_target=teams["recorded"].transform("median"))
        loose_team = rows["local_target"] > rows["code_target"]
        loose = rows[loose_team].drop_duplicates(keys)
        if loose.empty:
            metrics = {"team_stages": teams.ngroups, "looser": 0, "cases": 0, "loose_targets": ""}
            return CheckResult(Status.PASS, metrics, f"All {teams.ngroups} team stages record due dates within the "
                               "code's timescales.")
        flagging = loose_team & rows["due"].gt(deadline_after(data, start, rows["code_target"]))
        flagged, recorded = rows[flagging], recorded[flagging]
        origin = either(childrens_stage2[flagging], "the Stage 2 start", "receipt", flagged.index)
        local, code = formatted(flagged["local_target"]), formatted(flagged["code_target"], "{}")
        reason = ("due " + working_days_text(recorded) + " working days after " + origin + "; the team's local target is " + local
                  + " where the code allows " + code + clock_stop_note(data, flagged.index))
        described = (loose["team"].astype("str").fillna("no team") + " (" + loose["process"].astype("str") + " Stage "
                     + loose["stage"].astype("str") + ") works to " + loose["local_target"].map("{:g}".format)
                     + " working days where the code allows " + loose["code_target"].astype("str"))
        metrics = {"team_stages": teams.ngroups, "looser": len(loose), "cases": len(flagged),
                   "loose_targets": "; ".join(described)}
        return CheckResult(
            Status.FAIL, metrics,
            "{looser} of {team_stages} team stages record due dates looser than the code, so their own reports count "
            "late cases as on time: {loose_targets}. {cases:,} cases carry such a due date.".format(**metrics),
            exceptions(flagged, reason, recorded_working_days=recorded, local_target=flagged["local_target"],
                       code_target=flagged["code_target"]),
            Recommendation("Set every team's targets to the code's timescales and recalculate open cases' due dates.",
                           Priority.QUICK_WIN),
        )


class ClockStopsExplained(Check):
    """Clock stops explained and plausible.

    What it checks: every stage that records a clock stop (`clock_stopped_days`: working days the
    council waited on the complainant) says what it waited for (`clock_stop_reason`), and the stop
    is plausible: more than nothing, and no longer than the working days from receipt to the
    response (to the closing date where none was sent, to the audit date while open). Every
    timescale check (TS001-TS007, CSC001-CSC004, FT001) deducts a stop that passes, and its
    evidence says so; a stop that fails is not deducted, so the stage is measured on the full
    clock. Where the export has no such field, nothing is deducted and nothing guessed.

    Why it matters: time spent waiting for the complainant (information, consent, access to the
    home) is not delay, and the Codes want it recorded as such; but a stop with no reason, or
    longer than the case took, hides delay in a timescale the council reports as met.

    How to fix: stop the clock only when the complainant has been asked for something, record
    what was asked and for how long, and restart the clock when it arrives.
    """

    code = "TS008"
    denominator = "clock stops: each stage record with a clock stop recorded (clock_stopped_days other than 0)"
    general_source = "Good practice: time waiting on the complainant recorded as such, with its reason"
    title = "Clock stops explained and plausible"
    area = Area.TIMELINESS
    rule = ("A clock stop records what the council waited on the complainant for, and is no longer than the stage "
            "took.")
    source = "Complaint Handling Codes section 5 (time waiting on the complainant recorded as such)"
    params = dict(THRESHOLDS)
    fault = ("{failing} of {assessed} clock stops ({percent_failing}) had no reason recorded or were longer than the "
             "stage took, so they were not deducted")
    standards = (GOOD_PRACTICE,)
    impact = ("The records of {people} show the clock stopped with no reason, or for longer than their complaint "
              "took, so the council cannot show how long they really waited; the audit measured them on the full "
              "clock instead.")
    remedy = CORRECT_THE_RECORDS

    def run(self, data, params):
        if not data.exported("clock_stopped_days").any():
            return not_applicable("the export has no clock stop field (clock_stopped_days)")
        stopped, counted = clock_stop_verdicts(data)
        recorded = (stopped.notna() & stopped.ne(0)).fillna(False).astype(bool)
        if not recorded.any():
            return not_applicable("no clock stops recorded")
        rows = data.records.loc[recorded, ["organisation", "case_id", "stage", "team", "received", "responded",
                                           "closed", "clock_stop_reason"]]
        days, elapsed = stopped[recorded], time_elapsed(data)[recorded]
        reasons = rows["clock_stop_reason"]
        no_reason = ~(reasons.notna() & reasons.astype("str").str.strip().ne("")).fillna(False).astype(bool)
        negative = days.lt(0).fillna(False).astype(bool)
        too_long = days.gt(elapsed).fillna(False).astype(bool)
        failing = ~counted[recorded]
        f = pd.DataFrame({"days": days, "elapsed": elapsed, "no_reason": no_reason, "negative": negative,
                          "too_long": too_long, "unanswered": rows["responded"].isna(),
                          "closed": rows["responded"].isna() & rows["closed"].notna()})[failing]
        until = (either(f["unanswered"], "to the audit date", "to the response", f.index)
                 .where(~f["closed"], "to the closing date"))
        reason = (either(f["negative"], "a clock stop of ", "clock stopped ", f.index) + working_days_text(f["days"])
                  + " working days" + when(f["no_reason"], " with no reason recorded")
                  + when(f["too_long"], ", longer than the " + working_days_text(f["elapsed"])
                         + " working days from receipt " + until))
        return graded(
            int(failing.sum()), int(recorded.sum()), params,
            "{failing:,} of {assessed:,} clock stops ({percent_failing}%) were not deducted from the time taken: "
            "{no_reason:,} with no reason recorded, {implausible:,} negative or longer than the stage took. "
            "{deducted:,} were deducted by every timescale check.",
            exceptions(rows[failing], reason, clock_stopped_days=f["days"], working_days_elapsed=f["elapsed"]),
            Recommendation("Record what the complainant was asked for whenever the clock is stopped, and check the "
                           "stop against the case's dates.", Priority.QUICK_WIN),
            no_reason=int(no_reason.sum()), implausible=int((negative | too_long).sum()),
            deducted=int(counted[recorded].sum()),
        )


class RegulatorReturn(Check):
    """The council's return to the Regulator of Social Housing agrees with its housing records.

    What it checks: for each year of the council's Tenant Satisfaction Measures return
    (`[regulator]` in audit.toml) that its housing records cover, and for Stage 1 and Stage 2: the
    complaints received in the year (CH01's numerator) and the share answered within the Housing
    Ombudsman's Code timescales (CH02), worked out from the records with TS002's clock (from
    acknowledgement, extensions with a reason up to the code's maximum; a complaint not answered
    counts as not on time, as the return counts it), against the figures the council returned. A
    share on time that differs by more than `amber_above` percentage points is amber, by more than
    `red_above` red; a count of complaints that differs is said beside it.

    Why it matters: the regulator, tenants and the Housing Ombudsman read the return as the council's
    performance. Where the return and the council's own records disagree, one of them is wrong, and
    the council cannot show which; a return kinder than the records hides late answers.

    How to fix: produce the return from the case records with the Code's clock, keep the query and its
    output with the return, and reconcile the two before the return is signed off.
    """

    code = "TS007"
    title = "Return to the regulator agrees with the records"
    area = Area.TIMELINESS
    rule = ("The Stage 1 and Stage 2 complaints (CH01) and the share answered within the Code's timescales (CH02) "
            "returned to the Regulator of Social Housing are those the housing records give.")
    source = ("Regulator of Social Housing, Tenant Satisfaction Measures Standard and Technical Requirements (CH01, "
              "CH02), from 1 April 2023")
    params = {**CODE_CLOCK, "amber_above": 2.0, "red_above": 5.0}
    requires = ("received",)
    uk_rules = True
    denominator = ("years and stages of the council's return to the regulator that its housing records cover: the "
                   "housing Stage 1 or 2 complaints received in each year")
    fault = ("the council's return to the Regulator of Social Housing does not agree with its own records: {worst}")
    impact = ("The council's tenants, and the regulator, were given complaint figures that its own records do not "
              "support: the return counts as on time, or leaves out, some of the complaints of {people}, so a "
              "weakness in its handling can go unseen by those who oversee it.")
    standards = (TSM_STANDARD,)

    def run(self, data, params):
        figures = data.regulator
        if figures is None or figures.empty:
            return not_applicable("no return to the Regulator of Social Housing ([regulator] in audit.toml)")
        records = data.records
        housing = council_stages_of(records, ("housing",))
        if "organisation" in figures:  # the return is one landlord's: the records of that organisation only
            housing &= records["organisation"].astype("str").eq(str(figures["organisation"].iloc[0]))
        rows = select_rows(records, housing)
        if rows.empty:
            return not_applicable("no housing complaint stages of the landlord to set beside the return")
        clock = code_clock(rows, data, params)
        on_time = rows["responded"].le(clock["due"]).fillna(False).astype(bool)
        received = pd.to_datetime(rows["received"])
        year = (received.dt.year - (received.dt.month < 4)).astype("Int64")  # 1 April to 31 March
        label = year.astype("str") + "-" + (year + 1).astype("str").str[-2:]
        ours = (pd.DataFrame({"year": label, "stage": rows["stage"].astype("str"), "on_time": on_time})
                .groupby(["year", "stage"], observed=True)["on_time"].agg(received="size", on_time="sum").reset_index())
        compared = figures[["year", "stage", "complaints", "answered_on_time", "answered"]].merge(
            ours, on=["year", "stage"], how="inner")
        compared = compared[compared["answered"].gt(0) & compared["received"].gt(0)]
        if compared.empty:
            years = ", ".join(sorted(figures["year"].unique()))
            return not_applicable(f"the housing records cover none of the return's years ({years})")
        compared = compared.assign(
            returned_percent=100 * compared["answered_on_time"] / compared["answered"],
            records_percent=100 * compared["on_time"] / compared["received"],
        )
        compared["gap"] = (compared["returned_percent"] - compared["records_percent"]).round(1)
        sentences = compared.apply(_return_sentence, axis=1).tolist()  # a few years and stages: not per record
        worst = compared.loc[compared["gap"].abs().idxmax()]
        status = grade(abs(float(worst["gap"])), params["amber_above"], params["red_above"])
        finding = " ".join(sentences)
        table = exceptions(rows.iloc[0:0], "")
        if status != Status.PASS:
            # The cases behind a return kinder than the records: those the records show answered late or not at all.
            apart = compared[compared["gap"].abs() > params["amber_above"]]
            wanted = (label + "|" + rows["stage"].astype("str")).isin(apart["year"] + "|" + apart["stage"]) & ~on_time
            late = rows[wanted]
            table = exceptions(late, pd.Series(np.where(late["responded"].isna(), "not answered",
                                                        "answered after the Code's timescale"), index=late.index,
                                               dtype="str"), year=label[wanted])
        metrics = {"years_and_stages": len(compared), "largest_gap_points": float(worst["gap"]),
                   "worst": _return_sentence(worst).removesuffix("."), **_latest_year_figures(compared)}
        return CheckResult(status, metrics, finding, table,
                           Recommendation("Produce the return to the regulator from the case records with the Code's "
                                          "clock, and reconcile the two before it is signed off.", Priority.THREE_MONTHS)
                           if status != Status.PASS else None)


def _latest_year_figures(compared: pd.DataFrame) -> dict:
    """The latest year's return beside the records, per stage, as group metrics (housing_stage_1_...): the report's
    table of the return and its peers' chart read them from results.json, so it renders without the workbook."""
    year = max(compared["year"])
    figures = {"year_compared": year}
    for row in compared[compared["year"] == year].itertuples(index=False):  # two stages: not per record
        prefix = f"housing_stage_{row.stage}_"
        figures.update({
            prefix + "complaints_returned": None if pd.isna(row.complaints) else int(row.complaints),
            prefix + "complaints_in_records": int(row.received),
            prefix + "on_time_returned": int(row.answered_on_time), prefix + "answered_returned": int(row.answered),
            prefix + "on_time_in_records": int(row.on_time),
            prefix + "percent_on_time_returned": round(float(row.returned_percent), 1),
            prefix + "percent_on_time_in_records": round(float(row.records_percent), 1),
            prefix + "gap_points": float(row.gap)})
    return figures


def _return_sentence(row: pd.Series) -> str:
    """One year and stage: the share the council returned, the share its records give, the counts."""
    counts = ("" if pd.isna(row["complaints"]) or int(row["complaints"]) == int(row["received"]) else
              f"; it returned {int(row['complaints']):,} complaints received where the records hold {int(row['received']):,}")
    return (f"{row['year']} Stage {row['stage']}: returned {row['returned_percent']:.1f}% answered within the Code's "
            f"timescales ({int(row['answered_on_time']):,} of {int(row['answered']):,}), the records give "
            f"{row['records_percent']:.1f}% ({int(row['on_time']):,} of {int(row['received']):,}){counts}.")
