"""CSC: children's statutory complaints answered in time, with Stage 2 measured to the adjudication.

The ombudsman found a council reporting its Stage 2 timescales to the investigating officer's report,
leaving out the time taken to issue the adjudication, so it looked compliant when it was not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    Chart,
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
    percent,
)
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import CHILDRENS_REGULATIONS
from complaint_audit.engine.toolkit import (
    clock_stop_note,
    clock_stops,
    deadline_after,
    joined,
    open_on,
    reason_given,
    when,
    working_days_taken,
    working_days_text,
)

# ------------------------------------------------------------------------------------------------------------
# What the CSC checks share: the children's statutory stages, their fields and the extension rule.

THRESHOLDS = {"amber_above": 5.0, "red_above": 20.0}
CHILDRENS = "childrens_statutory"
FIELDS = ["organisation", "case_id", "stage", "team", "received", "extended_due", "extension_reason",
          "statement_agreed", "investigation_completed", "panel_held", "panel_report", "responded", "closed",
          "outcome", "status"]
REGULATIONS = "Children Act 1989 Representations Procedure (England) Regulations 2006 (SI 2006/1738)"
STAGE2_START = ("Stage 2 runs from the later of the request and the agreed statement of complaint; no published "
                "source settles which, so a case that is late measured from the request is flagged too.")


def stage_rows(records: pd.DataFrame, stage: str) -> pd.DataFrame:
    """One children's stage, with only the fields these checks use: copying free text would cost more than a check."""
    return records.loc[records["process"].eq(CHILDRENS) & records["stage"].eq(stage), FIELDS]


def extended(rows: pd.DataFrame) -> pd.Series:
    """An extension counts when it has a date and a recorded reason (the complainant told in writing)."""
    return rows["extended_due"].notna() & reason_given(rows)


# ------------------------------------------------------------------------------------------------------------
# The checks: each children's stage on time, Stage 2 to the adjudication (CSC001-CSC002).

def _allowed(rows: pd.DataFrame, start: pd.Series, data, standard: int, most: int) -> pd.Series:
    """Working days allowed from start: the standard, or a valid extension counted up to the maximum (its recorded
    date already moved by any clock stop, which is deducted as from the time taken)."""
    extension = working_days_taken(data, start, rows["extended_due"]).clip(lower=standard, upper=most)
    return pd.Series(standard, index=rows.index, dtype="Int64").where(~extended(rows), extension)


class Stage1OnTime(Check):
    """Children's Stage 1 on time.

    What it checks: each children's Stage 1 complaint is answered within 10 working days of
    receipt, or within an extension of at most 20 working days that records its reason. An
    extension beyond 20 counts only up to 20.

    Why it matters: Stage 1 (local resolution) is the council's chance to put things right
    quickly for a child; the regulations fix its timescale.

    How to fix: track Stage 1 cases against day 10 from receipt, agree extensions with the
    complainant in writing before day 10, and never beyond day 20.
    """

    code = "CSC001"
    case_level = True  # a statutory timescale (reg 14), owed to each complainant
    segments = ("team",)
    denominator = (
        "answered children's Stage 1 complaints: each children's statutory Stage 1 record with a response date; open ones "
        "are not counted"
    )
    uk_rules = True
    title = "Children's Stage 1 on time"
    area = Area.CHILDRENS_STATUTORY
    rule = "Stage 1 is answered within 10 working days of receipt, or 20 with a recorded extension."
    source = f"{REGULATIONS} reg 14"
    params = {"response_working_days": 10, "extended_working_days": 20, **THRESHOLDS}
    fault = (
        "{failing} of {assessed} children's Stage 1 complaints ({percent_failing}) were answered outside the "
        "10 working days the regulations allow (20 with an extension)"
    )
    on_time = (OnTime(("childrens_statutory",), ("1",)),)
    trend_figures = (TrendFigure("childrens_stage1_on_time", "Children's Stage 1 responses on time", "percent_failing",
                                 complement=True, on_time_label="Children's Stage 1"),)
    standards = (CHILDRENS_REGULATIONS,)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("working_days", less="allowed")
    remedy = ("Apologise to {people} whose children's Stage 1 complaint was answered late{shortfall}, saying what "
              "went wrong; consider a payment for the time and trouble the delay caused{guidance}; and answer any "
              "point still unanswered.")

    def run(self, data, params):
        rows = stage_rows(data.records, "1")
        rows = rows[rows["responded"].notna()]
        if rows.empty:
            return not_applicable("no answered children's Stage 1 records")
        standard, most = int(params["response_working_days"]), int(params["extended_working_days"])
        allowed = _allowed(rows, rows["received"], data, standard, most)
        taken = working_days_taken(data, rows["received"], rows["responded"])
        late = taken.gt(allowed).fillna(False).astype(bool)
        beyond = extended(rows) & rows["extended_due"].gt(deadline_after(data, rows["received"], most))
        f = pd.DataFrame({"taken": taken, "allowed": allowed, "extended": extended(rows), "beyond": beyond,
                          "unexplained": rows["extended_due"].notna() & ~extended(rows)})[late]
        reason = ("responded in " + working_days_text(f["taken"]) + " working days; allowed " + working_days_text(f["allowed"])
                  + when(f["extended"], " with extension")
                  + when(f["beyond"], f" (the extension goes beyond {most}, so counts only to {most})")
                  + when(f["unexplained"], " (an extension with no reason does not count)")
                  + clock_stop_note(data, f.index))
        table = exceptions(rows[late], reason, working_days=f["taken"], allowed=f["allowed"])
        result = graded(
            int(late.sum()), len(rows), params,
            "{failing:,} of {assessed:,} children's Stage 1 complaints ({percent_failing}%) were answered late "
            "({extended:,} had an extension).",
            table, Recommendation("Track children's Stage 1 complaints against day 10 and agree any extension in "
                                  "writing.", Priority.QUICK_WIN),
            extended=int(extended(rows).sum()),
        )
        return by_segment(self, result, rows, late, params, noun="children's Stage 1 complaints", failed="were answered late")


class Stage2AsRequired(Check):
    """Children's Stage 2 as recorded and as required.

    What it checks: children's Stage 2 compliance two ways. As the system records it: from the
    Stage 2 start to the investigating officer's report. As the regulations require: from the
    Stage 2 start to the adjudication letter, the response the council actually sends. Both
    against 25 working days, or an extension with a reason of at most 65. It reports both
    percentages, the gap in percentage points and the cases that turn from compliant to late;
    the exceptions are those cases, and the cases late either way, each with its own verdict.
    Stage 2 runs from the later of the request and the agreed statement of complaint; that rule is
    unconfirmed, so a case on time from the statement but late from the request is listed too.

    Why it matters: the adjudication has no separate allowance: the Stage 2 clock stops when the
    adjudication letter is sent. The ombudsman found a council at fault for leaving the adjudication
    time out of its reporting, so it looked compliant when it was not.

    How to fix: measure and report Stage 2 to the adjudication letter; plan the investigation so
    the report arrives with time left for the adjudication inside 25 working days; extend in
    writing, with reasons, before day 25.
    """

    code = "CSC002"
    case_level = True  # a statutory timescale (reg 17), owed to each complainant
    denominator = (
        "answered children's Stage 2 complaints: each children's statutory Stage 2 record with an adjudication letter "
        "date (the figure as recorded, over those of them with an investigating officer's report date)"
    )
    uk_rules = True
    title = "Children's Stage 2: as recorded and as required"
    area = Area.CHILDRENS_STATUTORY
    rule = "Stage 2 ends with the adjudication letter within 25 working days of its start (65 with an extension)."
    source = (f"{REGULATIONS} reg 17; LGSCO review (2022-23): the adjudication has no separate allowance. "
              + STAGE2_START)
    params = {"response_working_days": 25, "extended_working_days": 65, **THRESHOLDS}
    fault = (
        "the council measures children's Stage 2 to the investigating officer's report instead of the "
        "adjudication letter: {on_time_as_recorded} of {compared} complaints ({percent_on_time_as_recorded}) were on "
        "time as recorded, but only {on_time_as_required} of {stage2_cases} ({percent_on_time_as_required}) as "
        "the regulations require, so {turns_late} "
        "complaints reported as on time were late"
    )
    # It also lists cases on time as the regulations require, so the reviewer can check their dates.
    on_time = (OnTime(("childrens_statutory",), ("2",),
                      on_time_verdicts=("late as recorded only", "late from the request only")),)
    trend_figures = (TrendFigure("childrens_stage2_on_time", "Children's Stage 2 on time to the adjudication letter",
                                 "percent_on_time_as_required", on_time_label="Children's Stage 2 (to the adjudication)"),)
    chart = Chart(
        "childrens_stage2", "Children's Stage 2 on time: as recorded against as required",
        "Bar chart of children's Stage 2 complaints on time as each system records them (to the investigating "
        "officer's report) and as the regulations require (to the adjudication letter)",
        ("percent_on_time_as_recorded", "percent_on_time_as_required"),
        ("As recorded (to the report)", "As required (to the adjudication)"),
    )
    standards = (CHILDRENS_REGULATIONS,)
    fault_type = FaultType.MALADMINISTRATION
    shortfall = Shortfall("adjudication_working_days", less="allowed")
    remedy = ("Apologise to {people} whose Stage 2 adjudication letter came later than the regulations "
              "allow{shortfall}; consider a payment for the time and trouble the delay caused{guidance}; and correct "
              "the council's own record of those complaints as late.")

    def run(self, data, params):
        rows = stage_rows(data.records, "2")
        rows = rows[rows["responded"].notna()]
        if rows.empty:
            return not_applicable("no children's Stage 2 records with an adjudication letter")
        if rows["investigation_completed"].isna().all():
            return not_applicable("field investigation_completed not provided, so the system's own measure is unknown")
        standard, most = int(params["response_working_days"]), int(params["extended_working_days"])
        start = rows[["received", "statement_agreed"]].max(axis=1)
        allowed = _allowed(rows, start, data, standard, most)
        to_report = working_days_taken(data, start, rows["investigation_completed"])
        to_adjudication = working_days_taken(data, start, rows["responded"])
        allowed_from_request = _allowed(rows, rows["received"], data, standard, most)
        from_request = working_days_taken(data, rows["received"], rows["responded"])
        compared = rows["investigation_completed"].notna()
        late_recorded = to_report.gt(allowed).fillna(False).astype(bool)
        late_required = to_adjudication.gt(allowed).fillna(False).astype(bool)
        late_from_request = from_request.gt(allowed_from_request).fillna(False).astype(bool)
        verdicts = {  # metric name: (verdict, the cases it covers); the first that applies wins
            "turns_late": ("turns late", compared & ~late_recorded & late_required),
            "late_both_ways": ("late both ways", late_recorded & late_required),
            "late_as_recorded_only": ("late as recorded only", late_recorded & ~late_required),
            "late_no_report_date": ("late, no report date", ~compared & late_required),
            "late_from_request_only": ("late from the request only", ~late_required & late_from_request),
        }
        verdict = pd.Series(np.select([mask for _, mask in verdicts.values()], [name for name, _ in verdicts.values()],
                                      default=""), index=rows.index, dtype="str")
        failing = verdict.ne("")
        f = pd.DataFrame({"verdict": verdict, "start": start, "to_report": to_report, "allowed": allowed,
                          "to_adjudication": to_adjudication, "extended": extended(rows), "from_request": from_request,
                          "allowed_from_request": allowed_from_request})[failing]
        limit = "; allowed " + working_days_text(f["allowed"]) + when(f["extended"], " with extension")
        report, adjudication = working_days_text(f["to_report"]) + " working days", working_days_text(f["to_adjudication"]) + " working days"
        texts = {
            "turns late": "looks on time: the investigating officer's report came after " + report
                          + ", but the adjudication letter after " + adjudication + limit,
            "late both ways": "late both ways: report after " + report + ", adjudication after " + adjudication + limit,
            "late as recorded only": "report after " + report + " but adjudication after " + adjudication + limit
                                     + "; check the dates",
            "late, no report date": "adjudication after " + adjudication + limit
                                    + " (no investigating officer's report date recorded)",
            "late from the request only": "on time from the Stage 2 start (" + adjudication + ") but late from the "
                                          "request (" + working_days_text(f["from_request"]) + " working days; allowed "
                                          + working_days_text(f["allowed_from_request"]) + ")",
        }
        reason = pd.Series(np.select([f["verdict"].eq(name) for name in texts], list(texts.values()), default=""),
                           index=f.index, dtype="str") + clock_stop_note(data, f.index)
        table = exceptions(rows[failing], reason, verdict=f["verdict"], stage2_start=f["start"],
                           report_working_days=f["to_report"], adjudication_working_days=f["to_adjudication"],
                           allowed=f["allowed"])
        on_time_as_recorded, on_time_as_required = int((compared & ~late_recorded).sum()), int((~late_required).sum())
        as_recorded = percent(on_time_as_recorded, int(compared.sum()))
        as_required = percent(on_time_as_required, len(rows))
        metrics = {
            "stage2_cases": len(rows), "no_report_date": int((~compared).sum()), "compared": int(compared.sum()),
            "on_time_as_recorded": on_time_as_recorded, "on_time_as_required": on_time_as_required,
            "percent_on_time_as_recorded": as_recorded, "percent_on_time_as_required": as_required,
            "gap_percentage_points": round(as_recorded - as_required, 1),
            **{key: int(verdict.eq(name).sum()) for key, (name, _) in verdicts.items()},
        }
        finding = ("Of {stage2_cases:,} children's Stage 2 complaints, {on_time_as_recorded:,} of {compared:,} "
                   "({percent_on_time_as_recorded}%) were on time as the system records them (to the investigating "
                   "officer's report) but only {on_time_as_required:,} of {stage2_cases:,} ({percent_on_time_as_required}%) "
                   "as the regulations require (to the adjudication letter): {turns_late:,} cases that look compliant "
                   "were late.")
        if not metrics["turns_late"]:
            finding = ("Of {stage2_cases:,} children's Stage 2 complaints, {on_time_as_required:,} of {stage2_cases:,} "
                       "({percent_on_time_as_required}%) were on time to the adjudication letter, as the regulations "
                       "require; none looked on time only because the "
                       "investigating officer's report was.")
        if metrics["no_report_date"]:
            finding += (" {no_report_date:,} had no investigating officer's report date, so the system's own measure "
                        "leaves them out.")
        return graded(
            int(late_required.sum()), len(rows), params, finding, table,
            Recommendation("Measure and report children's Stage 2 to the adjudication letter, not the investigating "
                           "officer's report, and plan investigations to leave time for the adjudication.",
                           Priority.QUICK_WIN),
            **metrics,
        )


# ------------------------------------------------------------------------------------------------------------
# CSC: children's statutory complaints past the standard answer: Stage 2 extensions and the 65-day limit, the
# Stage 3 panel.

class Stage2Extensions(Check):
    """Children's Stage 2 extensions and the 65-day limit.

    What it checks: a children's Stage 2 that runs past 25 working days (to the adjudication
    letter, or to the audit date while still open) has an extension recorded with its reason, and
    none runs past 65 working days. Both are measured from the Stage 2 start and from the request,
    and a case failing either is listed (the start rule is unconfirmed).

    Why it matters: the regulations allow Stage 2 beyond 25 working days only by extension, with
    the complainant told in writing, and never beyond 65.

    How to fix: decide on an extension before day 25 and write to the complainant with the reason
    and the new date; escalate any case nearing day 65 to the director.
    """

    code = "CSC003"
    case_level = True  # a statutory timescale (reg 17), owed to each complainant
    denominator = (
        "children's Stage 2 complaints answered or still open: each children's statutory Stage 2 record with an "
        "adjudication letter date, or open on the audit date (received, not answered, not closed)"
    )
    uk_rules = True
    title = "Children's Stage 2 extensions and the 65-day limit"
    area = Area.CHILDRENS_STATUTORY
    rule = "Stage 2 beyond 25 working days needs an extension with a reason, and never goes beyond 65."
    source = f"{REGULATIONS} reg 17; Getting the Best from Complaints (2006). " + STAGE2_START
    params = {"response_working_days": 25, "extended_working_days": 65, **THRESHOLDS}
    fault = (
        "{failing} of {assessed} children's Stage 2 complaints ({percent_failing}) ran past 25 working days "
        "without a recorded extension, or past the 65-day limit"
    )
    standards = (CHILDRENS_REGULATIONS,)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Apologise to {people} whose children's Stage 2 ran past its timescale without a valid extension, "
              "saying what went wrong; consider a payment for the time and trouble the delay caused{guidance}; and "
              "send the adjudication to any whose Stage 2 is still open.")

    def run(self, data, params):
        as_of = pd.Timestamp(data.as_of)
        rows = stage_rows(data.records, "2")
        still_open = open_on(rows, as_of)
        measured = rows["responded"].notna() | still_open
        rows, still_open = rows[measured], still_open[measured]
        if rows.empty:
            return not_applicable("no answered or open children's Stage 2 records")
        standard, most = int(params["response_working_days"]), int(params["extended_working_days"])
        end = rows["responded"].where(~still_open, as_of)
        start = rows[["received", "statement_agreed"]].max(axis=1)
        from_start = working_days_taken(data, start, end)
        from_request = working_days_taken(data, rows["received"], end)
        no_extension = from_request.gt(standard).fillna(False).astype(bool) & ~extended(rows)
        over_most = from_request.gt(most).fillna(False).astype(bool)
        failing = no_extension | over_most
        f = pd.DataFrame({"from_start": from_start, "from_request": from_request, "open": still_open,
                          "no_extension": no_extension, "over_most": over_most,
                          "extension_date": rows["extended_due"].notna()})[failing]

        def words(condition, yes: str, no: str) -> pd.Series:
            return pd.Series(np.where(condition, yes, no), index=f.index, dtype="str")

        reason = (words(f["open"], "still open after ", "adjudication after ") + working_days_text(f["from_request"])
                  + " working days from the request (" + working_days_text(f["from_start"]) + " from the Stage 2 start)"
                  + when(f["no_extension"], f"; over {standard} working days from "
                          + words(f["from_start"].gt(standard), "the Stage 2 start", "the request") + " with "
                          + words(f["extension_date"], "an extension that records no reason", "no extension recorded"))
                  + when(f["over_most"], f"; over the {most}-working-day limit from "
                          + words(f["from_start"].gt(most), "the Stage 2 start", "the request"))
                  + clock_stop_note(data, f.index))
        table = exceptions(rows[failing], reason, working_days_from_start=f["from_start"],
                           working_days_from_request=f["from_request"], still_open=f["open"])
        return graded(
            int(failing.sum()), len(rows), params,
            "{failing:,} of {assessed:,} children's Stage 2 complaints ({percent_failing}%) ran past "
            "{allowed_working_days} working days without a recorded extension or past the {limit_working_days}-day "
            "limit ({no_extension:,} without an extension, {over_limit:,} past the limit; {open_failing:,} of them "
            "still open).",
            table, Recommendation("Extend children's Stage 2 in writing, with reasons, before day 25, and escalate any "
                                  "case nearing day 65.", Priority.QUICK_WIN),
            no_extension=int(no_extension.sum()), over_limit=int(over_most.sum()),
            open_failing=int((failing & still_open).sum()), allowed_working_days=standard, limit_working_days=most,
        )


class Stage3PanelTimescales(Check):
    """Children's Stage 3 review panel timescales.

    What it checks: each Stage 3 request came within 20 working days of the Stage 2 adjudication;
    the review panel met within 30 working days of the request; its report followed within 5
    working days of the panel; and the council responded within 15 working days of the report.
    A step not yet taken on the audit date counts once its time has run out. A clock stop (time
    waiting on the complainant, TS008) is deducted from the panel's time: arranging the panel is
    the step that waits on the complainant.

    Why it matters: the review panel is the complainant's last step before the ombudsman; each
    timescale is set by the regulations.

    How to fix: book the panel as soon as the request arrives, agree the report date with the
    panel chair on the day, and diary the council's response for 15 working days after the report.
    """

    code = "CSC004"
    case_level = True  # statutory timescales (regs 18-20), owed to each complainant
    denominator = (
        "every children's Stage 3 review on record (each children's statutory Stage 3 record), answered or not"
    )
    uk_rules = True
    title = "Children's Stage 3 review panel timescales"
    area = Area.CHILDRENS_STATUTORY
    rule = "Request within 20 working days, panel within 30, report within 5, response within 15."
    source = f"{REGULATIONS} regs 18, 19(4), 20 and 20(3)"
    params = {"request_working_days": 20, "panel_working_days": 30, "report_working_days": 5,
              "response_working_days": 15, **THRESHOLDS}
    fault = (
        "{failing} of {assessed} children's Stage 3 reviews ({percent_failing}) missed a timescale the "
        "regulations set"
    )
    on_time = (OnTime(("childrens_statutory",), ("3",)),)
    standards = (CHILDRENS_REGULATIONS,)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Apologise to {people} whose Stage 3 review missed a timescale the regulations set; consider a payment "
              "for the time and trouble the delay caused{guidance}; and complete any review or response to the panel "
              "still outstanding.")

    def run(self, data, params):
        as_of = pd.Timestamp(data.as_of)
        rows = stage_rows(data.records, "3")
        if rows.empty:
            return not_applicable("no children's Stage 3 records")
        adjudications = stage_rows(data.records, "2")[["organisation", "case_id", "responded"]].drop_duplicates(
            ["organisation", "case_id"]).rename(columns={"responded": "adjudication"})
        adjudication = rows[["organisation", "case_id"]].merge(adjudications, how="left")["adjudication"]
        adjudication.index = rows.index
        still_open = open_on(rows, as_of)
        steps = (  # (step, the event it runs from, its own date, the parameter)
            ("request", "the adjudication", adjudication, rows["received"], "request_working_days"),
            ("panel", "the request", rows["received"], rows["panel_held"], "panel_working_days"),
            ("report", "the panel", rows["panel_held"], rows["panel_report"], "report_working_days"),
            ("response", "the report", rows["panel_report"], rows["responded"], "response_working_days"),
        )
        parts, late = [], {}
        for step, after, begin, end, limit in steps:  # four steps, each a whole column
            waiting = end.isna() & begin.notna() & still_open
            taken = data.calendar.working_days_between(begin, end.where(~waiting, as_of))
            if step == "panel":  # arranging the panel is the step that waits on the complainant: any stop is its own
                taken = taken - clock_stops(data).reindex(rows.index)
            late[step] = taken.gt(int(params[limit])).fillna(False).astype(bool)
            done = pd.Series(np.where(waiting, f"no {step} ", f"{step} "), index=rows.index, dtype="str")
            parts.append(when(late[step], done + working_days_text(taken) + f" working days after {after}; allowed {params[limit]}"))
        failing = pd.concat(late, axis=1).any(axis=1)
        reason = joined(*parts) + clock_stop_note(data, rows.index)
        table = exceptions(rows[failing], reason[failing])
        return graded(
            int(failing.sum()), len(rows), params,
            "{failing:,} of {assessed:,} children's Stage 3 reviews ({percent_failing}%) missed a timescale: "
            "{late_request:,} late requests, {late_panel:,} late panels, {late_report:,} late reports, "
            "{late_response:,} late responses.",
            table, Recommendation("Book the review panel when the request arrives and diary the report and the "
                                  "council's response.", Priority.THREE_MONTHS),
            **{f"late_{step}": int(mask.sum()) for step, mask in late.items()},
        )
