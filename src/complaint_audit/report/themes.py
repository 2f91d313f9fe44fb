"""The report's themes and their ombudsman language: which checks belong where, who owns them, what the fault is.

The report reads like an ombudsman's assessment, not a list of checks, so each check area maps to
one of the seven themes the brief names, each theme has an owner role and the injustice its
faults cause, and each built-in check states its fault as the ombudsman would. A third-party
check gets the same treatment from its own finding sentence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    weight: int  # how much a fault here weighs in the top findings: the statutory and equal-treatment themes most
    owner: str  # the role a recommendation in this theme is suggested for
    red_when_failing: bool  # a failing check here makes the overall assessment red on its own
    scope: str  # what the theme looks at, one sentence
    impact: str  # the injustice its faults cause to the people complaining
    # The same where no record is under a UK scheme, when the above speaks of UK codes or pounds (report/voice.py).
    general_scope: str | None = None
    general_impact: str | None = None


THEMES: tuple[Theme, ...] = (
    Theme("leadership", "Leadership and oversight", 4, "Chief Executive", False,
          "Whether senior officers see and sign off the council's final responses, and every complaint has an owner.",
          "Final responses that no senior officer has checked leave people without the assurance the codes promise, "
          "and faults a senior officer would have caught are repeated.",
          general_scope="Whether every complaint has an owner and a category.",
          general_impact="Complaints that nobody owns, and final responses that no senior officer has checked, leave "
                         "faults a senior officer would have caught to be repeated."),
    Theme("consistency", "Process and consistency between teams", 1, "Head of Customer Services", False,
          "Whether the teams that handle complaints work to the same targets, categories and outcomes, and keep "
          "records the council can rely on.",
          "People making the same kind of complaint are treated differently depending on which team handles it, and "
          "the council's records cannot show where its complaint handling is failing."),
    Theme("timeliness", "Timeliness", 5, "Head of Customer Services", True,
          "Whether complaints are acknowledged and answered within the timescales of the codes and regulations.",
          "People waited longer than the rules allow for an answer, with the avoidable time, trouble and uncertainty "
          "that brings; the Ombudsman usually treats such delay as an injustice and may recommend a symbolic payment "
          "(typically £100 to £500).",
          general_scope="Whether complaints are answered by their due dates: the case system's, or the response "
                        "target of the audit's standard.",
          general_impact="People waited longer than the organisation's own standard allows for an answer, with the "
                         "avoidable time, trouble and uncertainty that brings."),
    Theme("childrens", "Children's statutory complaints", 7, "Director of Children's Services", True,
          "Whether the three stages of the children's statutory procedure keep to the timescales the regulations set, "
          "measured to the adjudication letter.",
          "Children and their families waited longer than the law allows for a decision on matters that affect a "
          "child's care, and the council's own reporting hid the delay from those who oversee it."),
    Theme("members", "MP and councillor complaints", 6, "Monitoring Officer", True,
          "Whether complaints brought by MPs and councillors go through the same procedure, route and timescales as "
          "the public's.",
          "Members of the public waited longer, and went through more steps, than people whose complaint an MP or "
          "councillor raised: an unequal service that the Complaint Handling Code does not allow."),
    Theme("quality", "Quality of responses", 3, "Complaints Manager", False,
          "Whether response letters state the decision, apologise and put things right where at fault, explain how "
          "to escalate, and are written for the person reading them.",
          "People received responses that did not accept fault, put things right or explain the next step clearly, "
          "so they were more likely to escalate, or to give up when they had a good case."),
    Theme("learning", "Learning and reporting", 2, "Senior officer for complaints, reporting to the Member "
          "Responsible for Complaints", False,
          "Whether upheld complaints lead to recorded learning and improvement actions that are carried out.",
          "When the council does not learn from complaints it has upheld, the same fault is likely to happen to "
          "someone else."),
)
THEME_BY_KEY = {theme.key: theme for theme in THEMES}

_AREA_THEMES = {
    "data quality": "consistency", "oversight": "leadership", "timeliness": "timeliness", "adults": "timeliness",
    "children's statutory": "childrens", "fast-tracking": "members", "quality of responses": "quality",
    "learning": "learning",
}
# Oversight checks that compare teams with each other are about consistency, not senior oversight.
_CODE_THEMES = {"OV001": "consistency", "OV002": "consistency"}

TIMESCALES = {"quick win": "within one month", "within 3 months": "within three months",
              "within 12 months": "within twelve months"}

# Each built-in check's fault, after "... it would be likely to find fault because"; filled from the
# check's formatted metrics. A check not listed here (or missing a figure) uses its own finding.
FAULTS = {
    "CSC001": "{failing} of {assessed} children's Stage 1 complaints ({percent_failing}) were answered outside the "
              "10 working days the regulations allow (20 with an extension)",
    "CSC002": "the council measures children's Stage 2 to the investigating officer's report instead of the "
              "adjudication letter: {on_time_as_recorded} of {compared} complaints ({percent_on_time_as_recorded}) were on "
              "time as recorded, but only {on_time_as_required} of {stage2_cases} ({percent_on_time_as_required}) as "
              "the regulations require, so {turns_late} "
              "complaints reported as on time were late",
    "CSC003": "{failing} of {assessed} children's Stage 2 complaints ({percent_failing}) ran past 25 working days "
              "without a recorded extension, or past the 65-day limit",
    "CSC004": "{failing} of {assessed} children's Stage 3 reviews ({percent_failing}) missed a timescale the "
              "regulations set",
    "DQ001": "{failing} of {assessed} records ({percent_failing}) lack a field the council needs to report on and "
             "improve its complaint handling",
    "DQ002": "{failing} of {assessed} records with dates to compare ({percent_failing}) hold them in an impossible order, so the council "
             "cannot rely on its own timescale figures",
    "DQ003": "{failing} of {assessed} first stages ({percent_failing}) look like the same complaint logged twice",
    "DQ004": "{failing} of {assessed} records ({percent_failing}) carry dates after the audit date",
    "DQ005": "{failing} of {assessed} closed records ({percent_failing}) have no outcome, so the council cannot "
             "report how many complaints it upheld",
    "DQ006": "{failing} of {assessed} later stages ({percent_failing}) have no earlier stage on record, "
             "or started before it ended",
    "FT001": "complaints from MPs and councillors were answered in a median of {member_median} working days against "
             "{public_median} for the public's, faster in {groups_faster} of {groups_compared} process and stage "
             "groups compared: members' complaints were prioritised over the public's",
    "FT001:warn": "complaints from MPs and councillors were answered markedly faster than the public's in "
                  "{groups_possibly_faster} of {groups_compared} process and stage groups compared, although the "
                  "difference could be chance once the number of groups is allowed for",
    "FT002": "{member_skipped} of {member_cases} complaints from MPs and councillors ({member_percent}) went "
             "straight past Stage 1, against {public_percent} of the public's",
    "FT003": "{member_different_route} of {member_records} stages of complaints from MPs and councillors "
             "({member_different_route_percent}) were handled by a route the public's complaints do not go through",
    "FT004": "complaints from MPs and councillors were upheld at a different rate from the public's in "
             "{groups_different} of {groups_compared} process and stage groups",
    "LN001": "{without_learning} of {upheld} upheld or partly upheld complaint stages ({percent_without_learning}) "
             "record no learning",
    "LN002": "{overdue} of {actions_due} improvement actions that were due ({percent_overdue}) were not done; the "
             "median one is {median_days_overdue} days overdue",
    "LN003": "{flagged_themes} of {recurring_themes} recurring themes ({percent_flagged}) record no learning on any "
             "of their complaints",
    "OV001": "teams handling the same kind of complaint work to different targets ({groups_differing} of "
             "{groups_compared} comparisons), so people wait different times for the same service",
    "OV002": "teams sort or decide the same kind of complaint with different categories or outcomes "
             "({records_affected} records affected), so the council's figures cannot be added up or compared",
    "OV003": "{failing} of {responses} Stage 2, Stage 3 and final responses ({percent_failing}) were signed off "
             "below the required level or not at all",
    "OV004": "{failing} of {assessed} complaint records ({percent_failing}) have no team or no category, so nobody "
             "owns them",
    "QR001": "{failing} of {letters} upheld or partly upheld responses ({percent_failing}) did not apologise in "
             "words that accept the fault",
    "QR002": "{failing} of {letters} responses ({percent_failing}) did not state the decision clearly",
    "QR003": "{failing} of {letters} upheld or partly upheld responses ({percent_failing}) offered no remedy or "
             "action",
    "QR004": "{failing} of {letters} responses ({percent_failing}) did not explain how to escalate, and "
             "{final_failing} of {final_letters} final responses lacked the ombudsman's details; {extended_failing} of "
             "{extended_letters} responses on an extended timescale lacked them or the next step",
    "QR005": "{failing} of {letters} response letters ({percent_failing}) were hard to read",
    "QR006": "{near_identical} of {letters} response letters ({percent_near_identical}) are near-identical to a "
             "letter sent on a different complaint, so they do not address the complaint's own facts",
    "QR007": "only {percent_meeting_all} of {letters} response letters met every criterion of a good response",
    "QR008": "reviewers who read a sample of responses rated {failing} of {assessed} ({percent_failing}) as not meeting "
             "at least one criterion of a good response",
    "TS001": "{failing} of {assessed} complaint stages ({percent_failing}) were not acknowledged within the "
             "timescale",
    "TS002": "{failing} of {assessed} corporate and housing responses ({percent_failing}) were later than the "
             "Complaint Handling Code allows",
    "TS003": "{failing} of {assessed} adult social care complaints ({percent_failing}) missed the response date "
             "agreed with the complainant or ran past {months_limit} months",
    "TS004": "{failing} of {assessed} extensions ({percent_failing}) had no reason or went beyond the code's maximum",
    "TS005": "{failing} of {assessed} complaint stages open on the audit date ({percent_failing}) were past their "
             "due date",
    "TS006": "{looser} of {team_stages} team stages work to due dates looser than the code ({loose_targets}), so "
             "the council's own reports count late complaints as on time",
}


def theme_of(code: str, area: str) -> Theme:
    """The theme a check's findings appear under; an area the report does not know goes to process."""
    return THEME_BY_KEY[_CODE_THEMES.get(code) or _AREA_THEMES.get(area, "consistency")]
