"""The report's themes and their ombudsman language: which checks belong where, who owns them, what the fault is.

The report reads like an ombudsman's assessment, not a list of checks, so each check area maps to
one of the seven themes the brief names, each theme has an owner role and the injustice its
faults cause. Each check states its own fault as the ombudsman would (its `fault`, carried in
results.json); a third-party check that states none is read from its own finding sentence.
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
    # The injustice its faults cause to the people complaining, from a finding's own figures: {people} ("182 people")
    # and {shortfall} (", a median of 7 working days late, range 1 to 22", or nothing).
    impact: str
    # Two or three questions members could ask, in the style of the LGSCO's focus reports.
    questions: tuple[str, ...] = ()
    # The same where no record is under a UK scheme, when the above speaks of UK codes or pounds (report/voice.py).
    general_scope: str | None = None
    general_impact: str | None = None


THEMES: tuple[Theme, ...] = (
    Theme("leadership", "Leadership and oversight", 4, "Chief Executive", False,
          "Whether senior officers see and sign off the council's final responses, and every complaint has an owner.",
          "The final responses to {people} went out without the senior sign-off they needed, so they lack the "
          "assurance the codes promise, and faults a senior officer would have caught may be repeated.",
          general_scope="Whether every complaint has an owner and a category.",
          general_impact="The complaints of {people} were not owned, or not checked by a senior officer, so faults a "
                         "senior officer would have caught may be repeated.",
          questions=(
              "How does a senior officer see, and sign off, the council's final responses, and how would we know if that stopped?",
              "Which senior officer is responsible for complaint handling, and when did this committee last receive their report?",
          )),
    Theme("consistency", "Process and consistency between teams", 1, "Head of Customer Services", False,
          "Whether the teams that handle complaints work to the same targets, categories and outcomes, and keep "
          "records the council can rely on.",
          "The complaints of {people} were handled or recorded differently from the same kind of complaint "
          "elsewhere in the council, so they were treated unequally, or the council cannot see how they were handled.",
          general_scope="Whether the teams that handle complaints work to the same targets, categories and outcomes, "
                        "and keep records the organisation can rely on.",
          questions=(
              "Why do our complaint teams work to different targets and categories, and who can change that?",
              "Can the council produce one set of complaint figures for all its teams, and how long does that take?",
          )),
    Theme("timeliness", "Timeliness", 5, "Head of Customer Services", True,
          "Whether complaints are acknowledged and answered within the timescales of the codes and regulations.",
          "{people} waited longer than the rules allow for an answer{shortfall}, with the avoidable time, trouble and "
          "uncertainty that brings: an injustice the Ombudsman usually remedies (Remedy, Appendix D).",
          general_scope="Whether complaints are answered by their due dates: the case system's, or the response "
                        "target of the audit's standard.",
          general_impact="{people} waited longer than the organisation's own standard allows for an answer"
                         "{shortfall}, with the avoidable time, trouble and uncertainty that brings.",
          questions=(
              "How many complaints are open past their due date today, and who is tracking them?",
              "When we extend a timescale, do we tell the complainant why, and for how long?",
              "Are the on-time figures we receive measured to the date the response was sent?",
          )),
    Theme("childrens", "Children's statutory complaints", 7, "Director of Children's Services", True,
          "Whether the three stages of the children's statutory procedure keep to the timescales the regulations set, "
          "measured to the adjudication letter.",
          "In the complaints of {people}, children and their families waited longer than the law allows for a "
          "decision on matters that affect a child's care{shortfall}.",
          questions=(
              "Do our reported children's Stage 2 timescales run to the adjudication letter, as the regulations require?",
              "How many children and families are waiting for a Stage 2 or Stage 3 decision today, and for how long?",
          )),
    Theme("members", "MP and councillor complaints", 6, "Monitoring Officer", True,
          "Whether complaints brought by MPs and councillors go through the same procedure, route and timescales as "
          "the public's.",
          "The complaints of {people} raised by an MP or councillor were handled apart from the public's, so members "
          "of the public waited longer or went through more steps: an unequal service the Complaint Handling Code "
          "does not allow.",
          questions=(
              "Do complaints raised by MPs and councillors go through the same procedure and timescales as everyone else's?",
              "Who decides how a member enquiry is handled, and is that recorded?",
          )),
    Theme("quality", "Quality of responses", 3, "Complaints Manager", False,
          "Whether response letters state the decision, apologise and put things right where at fault, explain how "
          "to escalate, and are written for the person reading them.",
          "{people} received a response that fell short in this way, so they were more likely to escalate, or to "
          "give up when they had a good case.",
          questions=(
              "Who checks a response letter before it is sent, and against what?",
              "When we uphold a complaint, how do we make sure the letter apologises and says what we will put right?",
          )),
    Theme("learning", "Learning and reporting", 2, "Senior officer for complaints, reporting to the Member "
          "Responsible for Complaints", False,
          "Whether upheld complaints lead to recorded learning and improvement actions that are carried out.",
          "The lessons from the complaints of {people} were not recorded or not acted on, so the same fault is "
          "likely to happen to someone else.",
          questions=(
              "What has changed in our services because of complaints this year?",
              "Who follows up improvement actions that are overdue, and does this committee see that list?",
          )),
)
THEME_BY_KEY = {theme.key: theme for theme in THEMES}

_AREA_THEMES = {
    "data quality": "consistency", "oversight": "leadership", "timeliness": "timeliness", "adults": "timeliness",
    "children's statutory": "childrens", "fast-tracking": "members", "quality of responses": "quality",
    "learning": "learning", "access to the complaints process": "consistency",
}

TIMESCALES = {"quick win": "within one month", "within 3 months": "within three months",
              "within 12 months": "within twelve months"}

def theme_of(check: dict) -> Theme:
    """The theme a check's findings appear under: its own (`theme` in results.json) where the report knows
    it, else its area's; an area the report does not know goes to process."""
    return THEME_BY_KEY.get(check.get("theme") or "") or THEME_BY_KEY[_AREA_THEMES.get(check["area"], "consistency")]
