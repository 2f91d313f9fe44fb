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

TIMESCALES = {"quick win": "within one month", "within 3 months": "within three months",
              "within 12 months": "within twelve months"}

def theme_of(check: dict) -> Theme:
    """The theme a check's findings appear under: its own (`theme` in results.json) where the report knows
    it, else its area's; an area the report does not know goes to process."""
    return THEME_BY_KEY.get(check.get("theme") or "") or THEME_BY_KEY[_AREA_THEMES.get(check["area"], "consistency")]
