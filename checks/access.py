"""AC: access to the complaints process. Whether a person who complains has a complaint: told apart from a service
request, taken on or refused with reasons, inside the Codes' two stages.

The Complaint Handling Codes (section 1, 2 and 5) govern the corporate and housing processes only: the social care
schemes have stages and time limits of their own, so these checks read those two processes' records. A complaint
the council did not take on is one whose outcome is `out_of_scope` (a complaint not taken on, schema.Outcome) or
that records a refusal ground: at Stage 1 it was not accepted, at Stage 2 its escalation was refused.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    Check,
    FaultType,
    Priority,
    Recommendation,
    exceptions,
    graded,
    not_applicable,
    not_in_export,
)
from complaint_audit.engine.standards import CODES
from complaint_audit.engine.toolkit import case_numbers, either, iso_dates, joined, when
from complaint_audit.schema import CODE_STAGES, COUNCIL_STAGES, Outcome, RecordedAs, RefusalGround

_CODE_PROCESSES = ("corporate", "housing")
_CODES_SOURCE = "LGSCO and Housing Ombudsman Complaint Handling Codes (February 2024), section {0}"
# Each rule is a duty owed to every person complaining (case_level): one failing case is amber whatever the share
# (engine/judging.py); the thresholds grade the share beyond that.
_THRESHOLDS = {"amber_above": 2.0, "red_above": 10.0}
_TIME_LIMIT = pd.DateOffset(months=12)  # the Codes' time limit is in calendar months (RULES.md section 5)


def _code_records(records: pd.DataFrame) -> np.ndarray:
    """Whether each record is of the Codes' processes."""
    return records["process"].isin(_CODE_PROCESSES).to_numpy()


def refused(records: pd.DataFrame) -> pd.Series:
    """Stage records of the Codes' processes the council did not take on: out of scope, or a refusal ground recorded."""
    not_taken_on = records["outcome"].eq(Outcome.OUT_OF_SCOPE.value) | records["refusal_ground"].notna()
    return not_taken_on & _code_records(records) & records["stage"].isin(CODE_STAGES)


def reasons_given(records: pd.DataFrame) -> pd.Series:
    """Whether refusal_reason holds words, not a blank."""
    reasons = records["refusal_reason"]
    given = reasons.notna()
    given[given] = reasons[given].astype("str").str.strip().ne("").to_numpy(dtype=bool)
    return given


def _untested(data, *names: str) -> str:
    """The sentence naming the fields among NAMES that no export has, which the finding therefore left untested."""
    return not_in_export(data.records, pd.DataFrame({name: data.exported(name) for name in names}))


class RefusalsWithReasons(Check):
    """Refusals recorded with a reason.

    What it checks: each corporate or housing complaint the council did not take on records why: at Stage 1 a
    complaint not accepted, at Stage 2 an escalation refused (the outcome out_of_scope, or a refusal ground
    recorded). A ground (refusal_ground: out of time, legal proceedings, already considered, not a complaint,
    other) or the reasons in words (refusal_reason) counts.

    Why it matters: the Complaint Handling Codes let a council decline a complaint, or its escalation, only for a
    reason its policy gives, and it must tell the person why and that they may go to the Ombudsman. A refusal with
    no reason on record cannot be shown to be one the policy allows: to the person it is a complaint turned away.

    How to fix: make a ground and the reasons mandatory whenever a complaint is not accepted or an escalation is
    refused, and send them to the person with the Ombudsman's details.
    """

    code = "AC001"
    denominator = (
        "corporate and housing Stage 1 and Stage 2 records the council did not take on (outcome out_of_scope, or a "
        "refusal ground recorded) whose export has a refusal_ground or refusal_reason column"
    )
    uk_rules = True
    title = "Refusals recorded with a reason"
    area = Area.ACCESS
    rule = "A complaint is not accepted, and an escalation to Stage 2 is not refused, without the reason recorded."
    source = _CODES_SOURCE.format(2) + " (exclusions)"
    params = dict(_THRESHOLDS)
    case_level = True
    fault = (
        "{failing} of {assessed} complaints or escalations the council turned away ({percent_failing}) have no "
        "reason recorded, so it cannot show it refused them for a reason its policy allows"
    )
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    impact = ("{people} were turned away, or refused Stage 2, with no reason on record: they could not know why or "
              "challenge it, and may have been denied a complaint the policy required the council to take on.")
    remedy = ("Review the refusals of {people} listed: where no reason the policy allows can be found, take the "
              "complaint on (or escalate it) now and apologise; otherwise write to give the reason and the "
              "Ombudsman's details.")

    def run(self, data, params):
        records = data.records
        turned_away = refused(records)
        if not turned_away.any():
            return not_applicable("no corporate or housing complaint or escalation was turned away")
        assessed = turned_away & (data.exported("refusal_ground") | data.exported("refusal_reason"))
        if not assessed.any():
            return not_applicable("the export has no refusal_ground or refusal_reason field")
        failing = assessed & records["refusal_ground"].isna() & ~reasons_given(records)
        rows = records[failing]
        at_stage_2 = rows["stage"].eq("2")
        table = exceptions(rows, either(at_stage_2, "escalation to Stage 2 refused with no reason recorded",
                                        "complaint not accepted with no reason recorded", rows.index))
        return graded(
            int(failing.sum()), int(assessed.sum()), params,
            "{failing:,} of {assessed:,} corporate and housing complaints or escalations the council turned away "
            "({percent_failing}%) record no reason: {not_accepted:,} not accepted at Stage 1, {escalation_refused:,} "
            "refused escalation to Stage 2.",
            table, Recommendation("Make a ground and the reasons mandatory whenever a complaint is not accepted or an "
                                  "escalation refused.", Priority.QUICK_WIN),
            not_accepted=int((~at_stage_2).sum()), escalation_refused=int(at_stage_2.sum()),
        )


class OutOfTimeRefusals(Check):
    """Complaints refused as out of time.

    What it checks: each corporate or housing complaint not accepted at Stage 1 as out of time (refusal_ground
    out_of_time) records the reasons (refusal_reason), and, where the export says when the person became aware of
    the matter (became_aware), was made more than 12 calendar months after it.

    Why it matters: the Codes' exclusions allow a complaint made more than 12 months after the matter arose to be
    refused; one made within 12 months of the matter arising, or of the person becoming aware of it, must be
    accepted unless another exclusion applies. Even a late complaint calls for the council to consider using its
    discretion where there are good reasons, and to explain its decision. A refusal
    as out of time with no reasons cannot show that discretion was considered; one made within 12 months of the
    person becoming aware should not have been refused at all.

    How to fix: record when the person became aware of the matter and, for a complaint refused as out of time,
    why the council did not use its discretion; take on, and apologise to, anyone refused within 12 months.
    """

    code = "AC002"
    denominator = (
        "corporate and housing Stage 1 records not accepted as out of time (refusal_ground out_of_time), whose "
        "export has a refusal_reason or became_aware column"
    )
    uk_rules = True
    title = "Complaints refused as out of time"
    area = Area.ACCESS
    rule = ("A complaint is refused as out of time only when made more than 12 months after the person became aware "
            "of the matter, with the reasons recorded.")
    source = _CODES_SOURCE.format(2) + " (exclusions: the 12-month time limit)"
    params = dict(_THRESHOLDS)
    case_level = True
    fault = (
        "{failing} of {assessed} complaints refused as out of time ({percent_failing}) were made within 12 months of "
        "the person becoming aware of the matter, or record no reasons for refusing them"
    )
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    impact = ("{people} were refused as out of time when the limit may not have applied, or without the reasons that "
              "show discretion was considered, so they may have been denied an answer they were owed.")
    remedy = ("Take on the complaints of {people} listed that were made within 12 months; for the others, consider "
              "afresh whether to use the council's discretion, and write to give the reasons and the Ombudsman's "
              "details.")

    def run(self, data, params):
        records = data.records
        if not data.exported("refusal_ground").any():
            return not_applicable("the export has no refusal_ground field, so no refusal can be told to be for lateness")
        out_of_time = (refused(records) & records["stage"].eq("1")
                       & records["refusal_ground"].eq(RefusalGround.OUT_OF_TIME.value))
        if not out_of_time.any():
            return not_applicable("no corporate or housing complaint was refused as out of time")
        reasons_exported, aware_exported = data.exported("refusal_reason"), data.exported("became_aware")
        assessed = out_of_time & (reasons_exported | aware_exported)
        if not assessed.any():
            return not_applicable("the export has no refusal_reason or became_aware field")
        within = assessed & records["received"].le(records["became_aware"] + _TIME_LIMIT)
        without_reasons = assessed & reasons_exported & ~reasons_given(records)
        failing = within | without_reasons
        rows = records[failing]
        reason = joined(
            when(within[failing], "made " + iso_dates(rows["received"]) + ", within 12 months of the person becoming "
                 "aware of the matter on " + iso_dates(rows["became_aware"])),
            when(without_reasons[failing], "refused as out of time with no reasons recorded, so discretion is not "
                 "shown to have been considered"),
        )
        table = exceptions(rows, reason, became_aware=iso_dates(rows["became_aware"]))
        return graded(
            int(failing.sum()), int(assessed.sum()), params,
            "{failing:,} of {assessed:,} corporate and housing complaints refused as out of time ({percent_failing}%) "
            "fall short: {within_12_months:,} made within 12 months of the person becoming aware of the matter, "
            "{without_reasons:,} with no reasons recorded." + _untested(data, "refusal_reason", "became_aware"),
            table, Recommendation("Record when the person became aware of the matter, and the reasons for any refusal "
                                  "as out of time, discretion included.", Priority.QUICK_WIN),
            within_12_months=int(within.sum()), without_reasons=int(without_reasons.sum()),
            unknown_awareness=int((assessed & aware_exported & records["became_aware"].isna()).sum()),
        )


class TwoStagesOnly(Check):
    """Two stages only.

    What it checks: no corporate or housing complaint has a third stage (a Stage 3 record), or was recorded as an
    'informal' or 'Stage 0' tier before Stage 1 (recorded_as informal).

    Why it matters: the Complaint Handling Codes allow two stages and no more: a third stage, or an informal tier
    before the first, makes the process longer and delays the person's access to the Ombudsman. A complaint dealt
    with informally is still a complaint, owed Stage 1's timescale and response.

    How to fix: log every expression of dissatisfaction that the person wants treated as a complaint at Stage 1,
    and end the process at Stage 2 with the Ombudsman's details.
    """

    code = "AC003"
    denominator = "corporate and housing cases with a stage the council handled (Stage 1, 2 or 3)"
    uk_rules = True
    title = "Two stages only"
    area = Area.ACCESS
    rule = "A corporate or housing complaint goes through two stages at most, with no informal tier before Stage 1."
    source = _CODES_SOURCE.format(5) + " (two stages only)"
    params = dict(_THRESHOLDS)
    case_level = True
    fault = (
        "{failing} of {assessed} corporate and housing complaints ({percent_failing}) went through a third stage, "
        "or an informal tier before Stage 1, that the Codes do not allow"
    )
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    impact = ("{people} went through a stage the Codes do not have, so their complaint took longer and their way to "
              "the Ombudsman was delayed.")
    remedy = ("Tell {people} listed whose complaint is still open that it is at Stage 1 or Stage 2 of the Code's "
              "process, with the Ombudsman's details after Stage 2; apologise for any delay the extra stage caused.")

    def run(self, data, params):
        records = data.records
        code = _code_records(records) & records["stage"].isin(COUNCIL_STAGES).to_numpy()  # not the ombudsman's stage
        if not code.any():
            return not_applicable("no corporate or housing complaint stages handled by the council")
        # A stage the profile sets as a constant shows no third stage, and no recorded_as column no informal tier.
        staged, classed = data.exported("stage").to_numpy(), data.exported("recorded_as").to_numpy()
        code &= staged | classed
        if not code.any():
            return not_applicable("the export has no stage column and no recorded_as field, so neither a third stage "
                                  "nor an informal tier could show")
        third = code & staged & records["stage"].eq("3").to_numpy()
        informal = code & classed & records["recorded_as"].eq(RecordedAs.INFORMAL.value).to_numpy()
        case = case_numbers(data)
        either_one = third | informal
        flagged = pd.DataFrame({"case": case[either_one], "stage": records.loc[either_one, "stage"].astype("str"),
                                "third": third[either_one], "informal": informal[either_one]})
        # One row per case: its earliest flagged stage, with what any of its records showed.
        flagged = flagged.sort_values("stage", kind="stable")
        per_case = flagged.groupby("case", sort=False).agg(third=("third", "any"), informal=("informal", "any"))
        first = flagged.index[~flagged["case"].duplicated()].sort_values()  # listed in the records' order
        rows = records.loc[first]
        shown = per_case.loc[flagged.loc[first, "case"]].set_axis(first)
        reason = joined(
            when(shown["third"], "a " + rows["process"].astype("str") + " complaint taken to a third stage (Stage 3), "
                 "which the Code's two-stage process does not have"),
            when(shown["informal"], pd.Series("recorded as an informal or Stage 0 complaint, a tier before Stage 1 "
                                              "the Code does not have", index=first, dtype="str")),
        )
        table = exceptions(rows, reason, third_stage=shown["third"], informal=shown["informal"])
        return graded(
            int(len(per_case)), int(case[code].nunique()), params,
            "{failing:,} of {assessed:,} corporate and housing complaints ({percent_failing}%) went outside the Code's "
            "two stages: {third_stage:,} taken to a third stage, {informal:,} recorded as an informal or Stage 0 tier."
            + _untested(data, "stage", "recorded_as"),
            table, Recommendation("Close any third stage or informal tier: log complaints at Stage 1 and end at Stage 2 "
                                  "with the Ombudsman's details.", Priority.THREE_MONTHS),
            third_stage=int(per_case["third"].sum()), informal=int(per_case["informal"].sum()),
        )


class ServiceRequestsPursued(Check):
    """Service requests the person pursued as complaints.

    What it checks: no corporate or housing case recorded as a service request (recorded_as service_request) went
    on to a Stage 2 request: a person who asks to escalate is dissatisfied, and wanted a complaint.

    Why it matters: the Codes tell a service request (a request to put something right) apart from a complaint (an
    expression of dissatisfaction), and a person unhappy with how a request was handled must have it logged as a
    complaint. A case kept as a service request until the person escalates never had the Stage 1 response the Code
    requires, and is missing from the council's complaint figures.

    How to fix: log a complaint at Stage 1 as soon as the person expresses dissatisfaction with a service request,
    and review the cases listed to give each a Stage 1 response if none was sent.
    """

    code = "AC004"
    denominator = "corporate and housing cases recorded as a service request (recorded_as service_request)"
    uk_rules = True
    title = "Service requests pursued as complaints"
    area = Area.ACCESS
    rule = "Dissatisfaction with a service request is logged as a complaint, not kept as a service request."
    source = _CODES_SOURCE.format(1) + " (definition of a complaint; service requests)"
    params = dict(_THRESHOLDS)
    case_level = True
    fault = (
        "{failing} of {assessed} cases recorded as service requests ({percent_failing}) went on to a Stage 2 request, "
        "so the person wanted to complain and had no Stage 1 complaint response"
    )
    standards = CODES
    fault_type = FaultType.MALADMINISTRATION
    impact = ("{people} were unhappy enough to ask for Stage 2, yet their complaint was kept as a service request: "
              "they had no Stage 1 response, and are missing from the council's complaint figures.")
    remedy = ("Check whether {people} listed had a Stage 1 response to their complaint; where not, apologise and "
              "answer it now under the Code.")

    def run(self, data, params):
        records = data.records
        code = _code_records(records)
        if not (code & data.exported("recorded_as").to_numpy()).any():
            return not_applicable("the export has no recorded_as field")
        case = case_numbers(data)
        service_request = code & records["recorded_as"].eq(RecordedAs.SERVICE_REQUEST.value).to_numpy()
        if not service_request.any():
            return not_applicable("no corporate or housing case was recorded as a service request")
        escalated = service_request & records["stage"].eq("2").to_numpy()
        rows = records[escalated]
        table = exceptions(rows, "recorded as a service request, yet the person asked for Stage 2")
        return graded(
            int(case[escalated].nunique()), int(case[service_request].nunique()), params,
            "{failing:,} of {assessed:,} corporate and housing cases recorded as service requests ({percent_failing}%) "
            "went on to a Stage 2 request: the person wanted to complain.",
            table, Recommendation("Log a complaint at Stage 1 as soon as the person is dissatisfied with a service "
                                  "request.", Priority.QUICK_WIN),
        )
