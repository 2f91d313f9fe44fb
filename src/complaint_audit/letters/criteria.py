"""The criteria of a good response (RULES.md section 6) and the ratings a reviewer gives each.

One vocabulary for everything that judges a response letter: the review workbook's columns
(review/), the reviewers' scores (check QR008) and the automatic checks of the letter text
(QR001-QR005, each naming the criterion it judges as its `review_criterion`). It lives here, with
no spreadsheet library, so that checks may import it (tests/test_import_contract.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Criterion:
    """One quality criterion: its column heading, what the reviewer looks for, and its short name in metrics."""

    title: str
    help: str
    name: str  # QR008's metrics: percent_<name>_met, percent_<name>_agreement


DECISION = Criterion("Decision stated", "The decision (upheld, partly upheld, not upheld) is stated clearly on every point raised, with reasons.", "decision")
APOLOGY = Criterion("Apology where at fault", "Where at fault, an apology that accepts the fault and its impact (not 'sorry you feel ...').", "apology")
REMEDY = Criterion("Remedy and what will change", "Where at fault, the remedy, and what will change so it does not happen again.", "remedy")
OUTSTANDING_ACTIONS = Criterion("Outstanding actions with dates", "Any actions still to be done are listed with the dates they will be done by.", "outstanding_actions")
ESCALATION = Criterion("How to escalate / ombudsman details", "Stage 1: how to go to Stage 2. Final response (or an extended timescale): the ombudsman, its contact details and the usual 12-month limit.", "escalation")
PLAIN_LANGUAGE = Criterion("Plain language", "Short sentences, about the council's actions, officers not named.", "plain_language")
CHILDRENS_STAGE_2 = Criterion("Children's Stage 2: senior decision on each point", "A senior manager's decision on each point, actions and timescales, and the right to Stage 3. Otherwise: not applicable.", "childrens_stage_2")

CRITERIA: tuple[Criterion, ...] = (DECISION, APOLOGY, REMEDY, OUTSTANDING_ACTIONS, ESCALATION, PLAIN_LANGUAGE,
                                   CHILDRENS_STAGE_2)
CRITERION_TITLES = tuple(criterion.title for criterion in CRITERIA)
CRITERION_NAMES = {criterion.title: criterion.name for criterion in CRITERIA}
RATINGS: tuple[str, ...] = ("met", "partly", "not met", "not applicable")
APPLICABLE = ("met", "partly", "not met")
KEY = ("organisation", "case_id", "stage")  # a scored response: one stage record
