"""What the fictional council's complaints are about, and how each kind is described in a letter.

Each category carries the phrases a response letter needs: the topic, the fault when the
complaint is upheld, the council's side when it is not, how it was put right, and what will
change (also the "learning" a case system records). Learning phrases start with a verb so a
letter can say "To stop this happening again, we will ...".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

DEFAULT_ORGANISATION = "Northshire County Council"  # the fictional council


class Category(NamedTuple):
    process: str
    directorate: str
    service: str
    category: str
    weight: float
    topic: str
    fault: str
    defence: str
    put_right: str
    learning: str


def _c(*fields) -> Category:
    return Category(*fields)


# fmt: off
CORPORATE = (
    _c("corporate", "Place", "Waste and Recycling", "Missed Collection", 9,
       "missed bin collections", "missed your bin collection three times in a row",
       "the crew attended on each collection day but the bin had not been put out",
       "collected your bins and checked that the crew's route list includes your street",
       "check crew route lists against the address register every month"),
    _c("corporate", "Place", "Waste and Recycling", "Assisted Collection", 3,
       "your assisted bin collection", "did not set up the assisted collection we agreed with you",
       "the assisted collection was set up on the date we agreed",
       "set up your assisted collection and told the crew about it",
       "add every new assisted collection to the crew's round on the day it is agreed"),
    _c("corporate", "Place", "Highways", "Potholes", 6,
       "the repair of a pothole", "took eleven weeks to repair a pothole we had marked as urgent",
       "the pothole was inspected within our target time and did not meet the depth for an urgent repair",
       "repaired the pothole", "escalate urgent defects that pass their repair date to the highways manager"),
    _c("corporate", "Place", "Highways", "Street Lighting", 3,
       "a faulty street light", "left a reported street light fault unrepaired for two months",
       "the contractor repaired the light within the time in our contract",
       "repaired the street light", "review the street lighting contractor's performance every month"),
    _c("corporate", "Place", "Parking", "Penalty Charge Notice", 4,
       "a penalty charge notice", "issued a penalty charge notice although your permit was valid",
       "the notice was issued correctly because no valid permit was shown",
       "cancelled the penalty charge notice", "check permit records before a notice is issued"),
    _c("corporate", "Place", "Planning", "Planning Application", 3,
       "the handling of a planning application", "did not tell you about a neighbour's planning application",
       "we sent the neighbour notification letters required by law",
       "explained the decision and how you can comment on future applications",
       "check neighbour notification lists before an application is registered"),
    _c("corporate", "Place", "Environmental Health", "Noise Nuisance", 3,
       "a noise nuisance report", "did not reply to your noise reports for six weeks",
       "officers visited and did not find a statutory nuisance",
       "arranged for an officer to visit and set up noise monitoring",
       "reply to every noise report within five working days"),
    _c("corporate", "Place", "Environmental Health", "Fly-tipping", 2,
       "fly-tipping near your home", "left fly-tipped waste in the lane for three weeks",
       "the waste was on private land, which the owner must clear",
       "cleared the waste", "clear fly-tipping on council land within five working days"),
    _c("corporate", "Resources", "Council Tax", "Council Tax Billing", 6,
       "your council tax bill", "billed you twice for the same month",
       "the bill was correct for the band and the discounts you had",
       "corrected your account and refunded the overpayment",
       "check accounts for duplicate payments before bills are issued"),
    _c("corporate", "Resources", "Council Tax", "Council Tax Recovery", 3,
       "a council tax reminder and summons", "sent a summons while your payment plan was in place",
       "the summons followed two reminders that were not paid",
       "withdrawn the summons and the costs", "check for payment plans before a summons is issued"),
    _c("corporate", "Resources", "Benefits", "Housing Benefit Delay", 3,
       "the delay in your housing benefit claim", "took eight weeks to assess your claim",
       "we decided your claim within the target once we had all the evidence",
       "assessed your claim and paid the arrears", "track claims that are waiting for evidence each week"),
    _c("corporate", "Resources", "Customer Services", "Staff Conduct", 3,
       "how a member of staff spoke to you", "did not treat you with courtesy on the phone",
       "the call recording shows the officer was polite and explained the position",
       "spoken to the officer concerned", "give customer service staff refresher training on difficult calls"),
    _c("corporate", "Resources", "Customer Services", "Failure to Respond", 4,
       "our failure to reply to your emails", "did not reply to your three emails",
       "we replied to each of your emails within our target time",
       "replied in full to your emails", "monitor the shared mailbox so no email waits more than five days"),
    _c("corporate", "Communities", "Libraries", "Library Service", 1,
       "the library opening hours", "closed the library without the notice we promised",
       "the closure was for a safety inspection that could not wait",
       "reopened the library and put up notices of future closures",
       "give at least seven days' notice of planned library closures"),
)

HOUSING = (
    _c("housing", "Housing", "Housing Repairs", "Damp and Mould", 8,
       "damp and mould in your home", "did not treat the damp and mould in your home after your first report",
       "our surveyor found condensation, and we gave advice and fitted an extractor fan",
       "treated the mould and fixed the cause of the damp",
       "inspect every damp and mould report within ten working days"),
    _c("housing", "Housing", "Housing Repairs", "Repair Delay", 8,
       "the delay in a repair to your home", "took four months to repair your kitchen ceiling",
       "the repair was completed within the time for a routine repair",
       "completed the repair", "review every repair that passes its target date each week"),
    _c("housing", "Housing", "Housing Repairs", "Quality of Repair", 4,
       "the quality of a repair", "did not complete the repair to a good standard",
       "the repair was inspected and met the required standard",
       "sent a supervisor to put the repair right", "inspect a sample of completed repairs every month"),
    _c("housing", "Housing", "Tenancy Management", "Neighbour Nuisance", 4,
       "the way we dealt with your reports of nuisance", "did not keep you updated about your reports of nuisance",
       "officers investigated each report and took the action open to them",
       "agreed an action plan with you", "update people who report nuisance at least every two weeks"),
    _c("housing", "Housing", "Housing Options", "Homelessness Assessment", 3,
       "your homelessness assessment", "did not complete your assessment within the time the law sets",
       "your assessment was completed on time and the decision explained",
       "completed your assessment", "check every open assessment weekly against its deadline"),
    _c("housing", "Housing", "Rents", "Rent Account", 2,
       "your rent account", "added arrears to your account by mistake",
       "the arrears on your account are correct", "corrected your rent account",
       "check rent adjustments before letters are sent"),
)

CHILDRENS = (
    _c("childrens_statutory", "Children's Services", "Children in Care", "Communication", 5,
       "communication about the care plan", "did not keep you informed about changes to the care plan",
       "you were told about each change in the care plan at the review meetings",
       "arranged a meeting with the team manager to go through the plan",
       "send written updates to parents within five working days of a care plan change"),
    _c("childrens_statutory", "Children's Services", "Child Protection", "Decision Disputed", 4,
       "the decision to hold a child protection conference",
       "did not share the social work report before the conference",
       "the decision followed the procedure and the report was shared in time",
       "shared the report and offered a meeting to go through it",
       "share conference reports at least three working days before each conference"),
    _c("childrens_statutory", "Children's Services", "Children with Disabilities", "Delay", 4,
       "the delay in the assessment of needs", "took too long to complete the assessment of needs",
       "the assessment was completed within the statutory timescale",
       "completed the assessment and agreed the support package",
       "track every assessment against its deadline at the weekly team meeting"),
    _c("childrens_statutory", "Children's Services", "Fostering", "Placement", 2,
       "the placement arrangements", "did not give the foster carer the information they needed before the placement",
       "the foster carer was given the placement information at the planning meeting",
       "given the foster carer the full placement information",
       "use the placement information checklist before every placement starts"),
    _c("childrens_statutory", "Children's Services", "Children in Care", "Contact Arrangements", 3,
       "family time arrangements", "cancelled family time sessions without telling you in advance",
       "the sessions were changed because of the child's wishes, which were explained to you",
       "rearranged the missed family time sessions",
       "tell families about any change to family time at least two days before it happens"),
    _c("childrens_statutory", "Children's Services", "Leaving Care", "Quality of Service", 2,
       "the support from the leaving care team", "did not review the pathway plan when it was due",
       "the pathway plan was reviewed on time and the support was in line with it",
       "reviewed the pathway plan with you",
       "review pathway plans on time and tell the young person the date in advance"),
    _c("childrens_statutory", "Children's Services", "Early Help", "Staff Conduct", 2,
       "a worker's conduct during a home visit", "did not show you the respect you should expect at a home visit",
       "the worker's notes and the manager's review show the visit was handled properly",
       "spoken to the worker concerned", "include the complaint in the team's reflective practice session"),
)

ADULT_SOCIAL_CARE = (
    ("Home Care", ("Missed Visits", "Quality of Care", "Communication")),
    ("Residential Care", ("Quality of Care", "Charges and Fees", "Communication")),
    ("Assessment and Care Management", ("Delay in Assessment", "Care Package Changes", "Communication")),
    ("Financial Assessments", ("Charges and Fees", "Delay in Assessment")),
    ("Reablement", ("Quality of Care", "Missed Visits")),
    ("Occupational Therapy", ("Delay in Assessment", "Equipment and Adaptations")),
    ("Direct Payments", ("Charges and Fees", "Communication")),
)

ASC_LEARNING = (
    "Remind home care staff to call ahead when a visit will be late.",
    "Check financial assessments against the charging policy before bills are issued.",
    "Send a written care plan within five working days of every review.",
    "Include the complaint in the team's monthly practice learning session.",
    "Monitor missed visits weekly with each home care provider.",
)
# How each adult social care category is described in a response letter: (topic, fault when
# upheld, the council's side when not, how it was put right). The learning is ASC_LEARNING's.
ASC_LETTER_PHRASES = {
    "Missed Visits": (
        "missed home care visits", "missed several of the care visits in your care plan",
        "the carers' visit records show each visit was made, some later than planned",
        "arranged for the same carers to visit at the times in your care plan"),
    "Quality of Care": (
        "the quality of the care you received", "did not give the personal care your care plan sets out",
        "the care records and the provider's checks show the care given matched your care plan",
        "asked the provider to review your care and checked the changes with you"),
    "Communication": (
        "how we kept you informed", "did not return your calls or tell you about changes to your care",
        "the case notes show we wrote to you and called you about each change",
        "named one worker as your contact and given you their direct number"),
    "Charges and Fees": (
        "the charges for your care", "charged you more than your financial assessment allows",
        "the charges follow your financial assessment and our charging policy",
        "corrected your account and sent you a new statement"),
    "Delay in Assessment": (
        "how long your assessment took", "took too long to assess your needs",
        "the assessment was booked in turn, and urgent needs were met while you waited",
        "completed your assessment and sent you a copy"),
    "Care Package Changes": (
        "changes to your care package", "changed your care package without talking to you first",
        "the change followed a review you took part in, and the notes record your views",
        "reviewed your care package with you and restored the support you need"),
    "Equipment and Adaptations": (
        "equipment and adaptations for your home", "did not fit the equipment your assessment recommended",
        "the equipment was ordered as soon as the assessment was agreed, and fitted when it arrived",
        "fitted the equipment and checked with you that it works"),
}
# fmt: on


def catalogue(categories: tuple[Category, ...]) -> pd.DataFrame:
    """The categories as a frame, with weights normalised to probabilities."""
    frame = pd.DataFrame([c._asdict() for c in categories])
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def learning_text(phrases: pd.Series) -> pd.Series:
    """'check crew ...' -> 'Check crew ...': a learning phrase as the case system records it."""
    return phrases.str.slice(0, 1).str.upper() + phrases.str.slice(1) + "."


def choose(rng: np.random.Generator, shares: dict, size: int) -> np.ndarray:
    """`size` labels drawn with the given shares ({label: share})."""
    labels = np.asarray(list(shares), dtype=object)
    p = np.asarray(list(shares.values()), dtype=float)
    return labels[rng.choice(len(labels), size=size, p=p / p.sum())]
