"""CSC: children's statutory complaints past the standard answer: Stage 2 extensions and the 65-day limit, the Stage 3 panel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks._childrens import REGULATIONS, STAGE2_START, THRESHOLDS, extended, stage_rows
from complaint_audit.checks._timing import joined, open_on, when, working_days_text
from complaint_audit.engine.contract import (
    Area,
    Check,
    FaultType,
    OnTime,
    Priority,
    Recommendation,
    exceptions,
    graded,
    not_applicable,
)
from complaint_audit.engine.standards import CHILDRENS_REGULATIONS


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
        from_start = data.calendar.working_days_between(start, end)
        from_request = data.calendar.working_days_between(rows["received"], end)
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
                          + words(f["from_start"].gt(most), "the Stage 2 start", "the request")))
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
    A step not yet taken on the audit date counts once its time has run out.

    Why it matters: the review panel is the complainant's last step before the ombudsman; each
    timescale is set by the regulations.

    How to fix: book the panel as soon as the request arrives, agree the report date with the
    panel chair on the day, and diary the council's response for 15 working days after the report.
    """

    code = "CSC004"
    case_level = True  # statutory timescales (regs 18-20), owed to each complainant
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
            late[step] = taken.gt(int(params[limit])).fillna(False).astype(bool)
            done = pd.Series(np.where(waiting, f"no {step} ", f"{step} "), index=rows.index, dtype="str")
            parts.append(when(late[step], done + working_days_text(taken) + f" working days after {after}; allowed {params[limit]}"))
        failing = pd.concat(late, axis=1).any(axis=1)
        reason = joined(*parts)
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
