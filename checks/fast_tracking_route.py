"""FT: fast-tracking, the route. Complaints from MPs and councillors that skipped Stage 1 or went round the complaints team."""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks._members import MEMBER_WORDS, PUBLIC_REMEDY, RECOMMENDATION, SOURCE, member_or_public
from complaint_audit.checks._text import per_value
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    exceptions,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.standards import CODES, GOOD_PRACTICE


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
