"""OV: oversight, answered at the right level. Final responses signed off by a senior officer, and every complaint
owned by a team and sorted into a category; whether teams handle the same kind of complaint alike is OV001-OV002
(oversight_consistency.py).
"""

from __future__ import annotations

import re

import pandas as pd

from complaint_audit.checks._oversight import IDENTITY
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Force,
    Priority,
    Recommendation,
    RuleStandard,
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
from complaint_audit.engine.standards import GOOD_PRACTICE
from complaint_audit.schema import PROCESS_WORDS

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
    regulations leave open [U], hence a parameter.

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
