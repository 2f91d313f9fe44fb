"""The Complaint Handling Code's requirements, as the LGSCO's self-assessment form lays them out, and what evidences each.

One table, in one place, so the report's appendix, the workbook sheet and the annual report
read the same requirements in the same order. The LGSCO's and the Housing Ombudsman's Codes
(both issued 8 February 2024) are aligned section by section; a requirement gives the
LGSCO's paragraph and, where the council has housing, the Housing Ombudsman's. A paragraph
number is given only where it was read in the Code's text (RULES.md section 3 marks them [V]);
otherwise the section alone.

Each requirement is answered in one of three ways:
- RECORDS: the checks listed evidence it, over the Code's complaints (corporate and housing)
  at the stages named;
- COUNCIL: no record can show it (a member responsible for complaints, a published report):
  the council answers it on the form;
- NOT_YET: records could show it, but no check tests it yet (issue 17 adds them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The processes the Complaint Handling Code governs: the statutory social care schemes have their own.
CODE_PROCESSES = ("corporate", "housing")

SECTIONS = {
    1: "Definition of a complaint",
    2: "Exclusions",
    3: "Accessibility and awareness",
    4: "Complaint handling staff",
    5: "The complaint handling process",
    6: "Complaint stages",
    7: "Putting things right",
    8: "Self-assessment, reporting and compliance",
    9: "Scrutiny and oversight: continuous learning and improvement",
}


class Answer(StrEnum):
    RECORDS = "records"
    COUNCIL = "council"
    NOT_YET = "not_yet"


@dataclass(frozen=True)
class Evidence:
    """A check that evidences a requirement, counted over the Code's processes at `stages` (None: every stage), and
    over its exceptions whose figures hold `figure` (a JSON member such as '"extended":true') where one is given,
    which `those` then describes ('on an extended timescale')."""

    check: str
    stages: tuple[str, ...] | None = None
    processes: tuple[str, ...] = CODE_PROCESSES
    figure: str | None = None
    those: str = ""


@dataclass(frozen=True)
class Requirement:
    section: int
    paragraph: str  # the LGSCO's Code ("6.3"), or the section alone ("6") where no paragraph was verified
    housing: str | None  # the Housing Ombudsman's Code, where it differs or adds a paragraph
    text: str
    answer: Answer
    evidence: tuple[Evidence, ...] = ()
    housing_only: bool = False  # shown only where the records hold housing complaints

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]


def _records(section, paragraph, housing, text, *evidence, housing_only=False) -> Requirement:
    return Requirement(section, paragraph, housing, text, Answer.RECORDS, tuple(evidence), housing_only)


def _council(section, paragraph, housing, text) -> Requirement:
    return Requirement(section, paragraph, housing, text, Answer.COUNCIL)


def _not_yet(section, paragraph, housing, text) -> Requirement:
    return Requirement(section, paragraph, housing, text, Answer.NOT_YET)


_STAGE_1, _STAGE_2 = ("1",), ("2",)

REQUIREMENTS: tuple[Requirement, ...] = (
    _council(1, "1", "1.2", "The complaints policy defines a complaint as the Code does: an expression of "
             "dissatisfaction, however made, about the standard of service, actions or lack of action."),
    _records(1, "1", None, "A complaint is told apart from a service request; dissatisfaction is not closed as "
             "a service request, an 'informal' or a 'Stage 0' case when the person wants to complain.",
             Evidence("AC004"), Evidence("AC003", figure='"informal":true', those="recorded as an informal or Stage 0 tier")),
    _records(1, "1.5", None, "A complaint made for someone by a representative, an MP or a councillor goes through "
             "the normal process, stages and timescales: no faster route and no skipped stage.",
             Evidence("FT001"), Evidence("FT002"), Evidence("FT003"), Evidence("FT004")),
    _council(2, "2", None, "The policy sets out the circumstances in which a complaint is not considered, and they "
             "are reasonable."),
    _records(2, "2", None, "A complaint is refused only for a reason the policy gives, and the person is told why.",
             Evidence("AC001")),
    _records(2, "2", None, "A complaint made more than 12 months after the matter arose is refused only with reasons "
             "recorded, and discretion is considered.", Evidence("AC002", _STAGE_1)),
    _council(3, "3", None, "Complaints can be made in several ways, and reasonable adjustments are made where needed."),
    _council(3, "3", None, "The complaints policy is published, and says how to go to the Ombudsman."),
    _council(4, "4", None, "A designated person or team handles complaints, with the authority and resources to "
             "resolve them."),
    _council(4, "4", None, "Staff who handle complaints are trained to do so."),
    _records(5, "5", None, "Two stages only: no third stage or tier of 'informal' complaints in the process.",
             Evidence("AC003")),
    _records(5, "5", None, "Each complaint goes through the stages in order: a Stage 2 follows a Stage 1.",
             Evidence("DQ006")),
    _records(5, "5", "6.11-6.12", "One timescale per stage for every complaint, whichever team handles it, and no "
             "local target looser than the Code's.", Evidence("OV001"), Evidence("TS006")),
    _records(5, "5", None, "Time the council waits on the complainant is recorded as such, not hidden in a timescale.",
             Evidence("TS008")),
    _records(6, "6.2", None, "Stage 1: the complaint is acknowledged and logged within 5 working days of receipt.",
             Evidence("TS001", _STAGE_1)),
    _records(6, "6.3", None, "Stage 1: a full response within 10 working days of the acknowledgement.",
             Evidence("TS002", _STAGE_1)),
    _records(6, "6.4", None, "Stage 1: any extension is of no more than 10 working days without good reason, and the "
             "reason is explained.", Evidence("TS004", _STAGE_1)),
    _records(6, "6.5", None, "When a timescale is extended, the person is given the Ombudsman's details.",
             Evidence("QR004", figure='"extended":true', those="on an extended timescale")),
    _records(6, "6", "6.11", "Stage 2: the escalation is acknowledged within 5 working days of the request.",
             Evidence("TS001", _STAGE_2)),
    _council(6, "6", "6.12", "Stage 2: the person does not have to explain why they ask for Stage 2."),
    _records(6, "6", "6.13", "Stage 2: the complaint is considered by someone other than the Stage 1 handler.",
             Evidence("OV005", _STAGE_2)),
    _records(6, "6", None, "Stage 2: a full response within 20 working days of the acknowledgement.",
             Evidence("TS002", _STAGE_2)),
    _records(6, "6", None, "Stage 2: any extension is of no more than 20 working days, with the reason explained.",
             Evidence("TS004", _STAGE_2)),
    _records(6, "6", None, "No complaint is left open past its deadline.", Evidence("TS005")),
    _records(6, "6.7", "5.6-5.8", "The response addresses every point raised and gives a clear decision with reasons.",
             Evidence("QR002"), Evidence("QR006")),
    _records(6, "6.8", "5.6-5.8", "The response states the complaint as the council defined it, the decision on each "
             "part, and any actions still outstanding with dates.", Evidence("QR009"), Evidence("QR010"),
             Evidence("QR011")),
    _records(6, "6.8", None, "The response says how to escalate: to Stage 2, then to the Ombudsman with its contact "
             "details and the 12-month time limit.", Evidence("QR004")),
    _records(7, "7", None, "Where something went wrong, the response accepts it and apologises.", Evidence("QR001")),
    _records(7, "7", None, "Where something went wrong, the response sets out what the council will do to put it "
             "right.", Evidence("QR003")),
    _records(7, "7", None, "Remedies are recorded, paid and done: no upheld complaint without a remedy considered, no "
             "remedy promised and not delivered.", Evidence("RM001"), Evidence("RM002")),
    _council(8, "8", None, "An annual complaints performance and service improvement report is produced and "
             "published."),
    _council(8, "8", None, "A self-assessment against the Code is completed each year and published with the annual "
             "report."),
    _records(8, "8-9", None, "The records the annual report is drawn from are complete: each complaint has its key "
             "dates, team, category and outcome.",
             Evidence("DQ001"), Evidence("DQ005"), Evidence("OV004"), Evidence("OV002")),
    _records(8, "8", None, "The complaint figures returned to the Regulator of Social Housing (Tenant Satisfaction "
             "Measures CH01 and CH02) agree with the council's own records.",
             Evidence("TS007", processes=("housing",)), housing_only=True),
    _council(9, "9", None, "A member of the council is responsible for complaints (the Member Responsible for "
             "Complaints)."),
    _council(9, "9", None, "Members receive regular reports on complaint performance, themes and learning."),
    _records(9, "9", None, "A senior officer oversees complaint handling: final responses are signed off at the "
             "required level.", Evidence("OV003")),
    _records(9, "9", None, "Every upheld complaint records what the council learned.", Evidence("LN001")),
    _records(9, "9", None, "Improvement actions agreed from complaints are carried out by their due date.",
             Evidence("LN002")),
    _records(9, "9", None, "Recurring themes in complaints are identified and acted on.", Evidence("LN003")),
)
