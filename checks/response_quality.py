"""QR: quality of responses, the criteria one at a time. What the letters say, read in bulk against RULES.md section 6;
whole letters (near-identical, every criterion met) are QR006-QR007 (response_quality_whole.py).

Only the council's own stages (1, 2 and 3) with letter text are read; a stage with no text is
left out and counted. The final stage is the last one of the council's procedure: Stage 2 for
corporate and housing complaints, Stage 3 for children's statutory complaints, the single stage
(stage "1") for adult social care, and for any other process the highest stage recorded for a
closed case. A Stage 1 answer that was never escalated is not final: it must still offer Stage 2.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from complaint_audit.checks import _response_criteria as response_criteria
from complaint_audit.checks._reading import reading
from complaint_audit.checks._response_criteria import AT_FAULT, DECIDED, OUTCOME_WORDS, Criterion
from complaint_audit.checks._response_quality import SOURCE
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    exceptions,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import ADULTS_REGULATIONS, CODES, GOOD_PRACTICE
from complaint_audit.letters.criteria import APOLOGY, DECISION, ESCALATION, PLAIN_LANGUAGE, REMEDY

_THRESHOLDS = {"amber_above": 5.0, "red_above": 15.0}


class _LetterCriterion(Check):
    """What QR001-QR005 share: take the letters in scope (read once per run), apply one criterion, grade the share failing.

    A subclass sets `outcomes` (the outcomes in scope; empty for every letter), `finding`,
    `noun` and `failed` (a segment's headline), `advice` and `priority`, and implements criterion;
    with `needs_final` the letters carry a `final` column (final_stage).
    """

    uk_rules = True  # the criteria of a good response come from the Complaint Handling Codes and regulations
    tally = ("failing", "letters")
    segments = ("team", "category")  # a template or a habit is a team's, and shows in one kind of complaint

    outcomes: ClassVar[tuple[str, ...]] = ()
    needs_final: ClassVar[bool] = False
    finding: ClassVar[str]
    noun: ClassVar[str]  # the letters the criterion applies to, for a segment's headline (engine/segments.py)
    failed: ClassVar[str]  # what the failing ones did
    advice: ClassVar[str]
    priority: ClassVar[Priority] = Priority.QUICK_WIN
    requires = ("response_text",)

    def criterion(self, letters: pd.DataFrame, read: pd.DataFrame, data, params) -> Criterion:
        raise NotImplementedError

    def details(self, letters: pd.DataFrame, read: pd.DataFrame, criterion: Criterion, data, params) -> tuple[dict, dict]:
        """Extra metrics, and the figures to list with each exception."""
        return {}, {"outcome": letters["outcome"]}

    def run(self, data, params):
        letters, unread, final, read = reading(data)
        if self.outcomes:
            in_scope = letters["outcome"].isin(self.outcomes)
            letters, final, read = letters[in_scope], final[in_scope], read[in_scope]
            unread = unread & data.records["outcome"].isin(self.outcomes)
        if letters.empty:
            scope = " or ".join(OUTCOME_WORDS[name] for name in self.outcomes) if self.outcomes else "council-stage"
            return not_applicable(f"no {scope} response has letter text")
        if self.needs_final:
            letters = letters.assign(final=final)
        criterion = self.criterion(letters, read, data, params)
        extra, figures = self.details(letters, read, criterion, data, params)
        applies, fails = int(criterion.applies.sum()), int(criterion.fails.sum())
        share = percent(fails, applies)
        metrics = {"letters": applies, "failing": fails, "percent_failing": share, "without_text": int(unread.sum()), **extra}
        finding = self.sentence(metrics)
        if metrics["without_text"]:
            finding += f" {metrics['without_text']:,} such responses have no letter text and were not read."
        failing = criterion.fails
        table = exceptions(letters[failing], criterion.reason[failing], **{k: v[failing] for k, v in figures.items()})
        result = CheckResult(grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
                             Recommendation(self.advice, self.priority))
        assessed = criterion.applies
        return by_segment(self, result, self.segment_columns(letters[assessed], criterion), criterion.fails[assessed],
                          params, noun=self.noun, failed=self.failed)

    def sentence(self, metrics: dict) -> str:
        """The finding from the metrics (`finding` filled in); a subclass may add figures it does not keep as metrics."""
        return self.finding.format(**metrics)

    def segment_columns(self, letters: pd.DataFrame, criterion: Criterion) -> pd.DataFrame:
        """The letters assessed with any column a segment needs that the records do not hold."""
        return letters


class ApologyWhereAtFault(_LetterCriterion):
    """Apology where the council was at fault.

    What it checks: every upheld or partly upheld response letter apologises in words that
    accept the fault ("I am sorry that we ...", "I apologise for ..."). Sympathy and conditional
    phrases ("sorry you feel ...", "sorry to hear ...", "apologise if ...") do not count.

    Why it matters: the ombudsman expects a council that was at fault to say so and apologise
    for the fault and its impact; a non-apology reads as a refusal to accept responsibility and
    drives complaints on to the next stage.

    How to fix: put a clear apology in the template for upheld outcomes, and check it when the
    response is signed off.
    """

    code = "QR001"
    case_level = True  # an apology where at fault is owed to each complainant the council failed
    title = "Apology where at fault"
    area = Area.QUALITY_OF_RESPONSES
    rule = "An upheld or partly upheld response apologises and accepts the fault, not 'sorry you feel'."
    source = SOURCE + "; LGSCO remedies guidance"
    params = dict(_THRESHOLDS)
    outcomes = AT_FAULT
    finding = "{failing:,} of {letters:,} upheld or partly upheld responses ({percent_failing}%) did not apologise."
    noun, failed = "upheld or partly upheld responses", "did not apologise"
    advice = "Apologise, accepting the fault, in every upheld or partly upheld response."
    fault = (
        "{failing} of {letters} upheld or partly upheld responses ({percent_failing}) did not apologise in "
        "words that accept the fault"
    )
    review_criterion = APOLOGY.title
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} whose upheld complaint had no real apology, with a specific apology that accepts the "
              "fault and its impact on them.")

    def criterion(self, letters, read, data, params):
        return response_criteria.apology(letters, read)


class ClearDecision(_LetterCriterion):
    """A clear decision stated.

    What it checks: each response letter on a complaint that was decided says plainly whether
    the complaint is upheld, partly upheld or not upheld, and says the same as the case record.

    Why it matters: a complainant who cannot tell the outcome cannot decide whether to
    escalate, and a letter that says one thing while the record says another makes the
    council's published uphold figures wrong.

    How to fix: state the decision in one sentence near the start of every letter, using the
    words of the complaints policy, and record the same outcome in the case system.
    """

    code = "QR002"
    case_level = True  # the decision on the complaint is owed to each complainant
    title = "A clear decision stated"
    area = Area.QUALITY_OF_RESPONSES
    rule = "The letter states the decision (upheld, partly upheld, not upheld), matching the recorded outcome."
    source = SOURCE
    params = dict(_THRESHOLDS)
    outcomes = DECIDED
    finding = "{failing:,} of {letters:,} decided responses ({percent_failing}%) did not state the recorded decision clearly."
    noun, failed = "decided responses", "did not state the recorded decision clearly"
    advice = "State in every letter whether the complaint is upheld, partly upheld or not upheld."
    fault = "{failing} of {letters} responses ({percent_failing}) did not state the decision clearly"
    review_criterion = DECISION.title
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} with a clear decision on each point of their complaint and the reasons for it, with "
              "an apology that it was not given the first time.")

    def criterion(self, letters, read, data, params):
        return response_criteria.decision(letters, read)


class RemedyWhereAtFault(_LetterCriterion):
    """A remedy or action where the council was at fault.

    What it checks: every upheld or partly upheld response letter says how the council has
    put things right (a remedy: the service provided, a refund, a payment) or what it will do
    so the fault does not happen again.

    Why it matters: where fault caused injustice the ombudsman recommends a remedy; a letter
    that admits fault but offers nothing leaves the injustice in place and the complaint
    likely to escalate.

    How to fix: add a "putting it right" and a "what we will change" paragraph to the template
    for upheld outcomes, with dates for outstanding actions.
    """

    code = "QR003"
    case_level = True  # putting the fault right is owed to each complainant the council failed
    title = "Remedy or action where at fault"
    area = Area.QUALITY_OF_RESPONSES
    rule = "An upheld or partly upheld response says how the fault is put right or what will change."
    source = SOURCE + "; LGSCO remedies guidance"
    params = dict(_THRESHOLDS)
    outcomes = AT_FAULT
    finding = "{failing:,} of {letters:,} upheld or partly upheld responses ({percent_failing}%) offered no remedy or action."
    noun, failed = "upheld or partly upheld responses", "offered no remedy or action"
    advice = "Say in every upheld response how the fault is put right and what will change."
    fault = (
        "{failing} of {letters} upheld or partly upheld responses ({percent_failing}) offered no remedy or "
        "action"
    )
    review_criterion = REMEDY.title
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Decide for each of {people} whose upheld complaint set out no remedy what would put things right, and "
              "write to them with it: an apology, completing what was promised, and a payment for time and trouble "
              "or distress where the fault caused it{guidance}.")

    def criterion(self, letters, read, data, params):
        return response_criteria.remedy(letters, read)


class EscalationRoute(_LetterCriterion):
    """How to escalate.

    What it checks: a Stage 1 response offers Stage 2 (a children's Stage 2 response, Stage 3);
    a final response (corporate and housing Stage 2, children's Stage 3, adult social care's
    single stage; for other processes the highest stage of a closed case) names the ombudsman
    (the Housing Ombudsman for housing, otherwise the Local Government and Social Care
    Ombudsman), gives its phone number or website, and says the usual 12-month time limit. With
    `on_extension` (the default) a response whose timescale was extended must give the
    ombudsman's details too.

    Why it matters: the codes require the ombudsman's details at the end of the procedure and
    whenever a timescale is extended; a complainant who is not told the next step may give up
    or miss the ombudsman's time limit. Only the response letter is read: an extension notice
    sent separately is not in the data, so `on_extension = false` turns that part off.

    How to fix: end every template with the next-step paragraph for its stage, and the
    ombudsman's name, phone, website and 12-month limit in final responses and extension letters.
    """

    code = "QR004"
    case_level = True  # the next step and the ombudsman's details are owed to each complainant
    title = "Escalation route given"
    area = Area.QUALITY_OF_RESPONSES
    rule = ("Stage 2 is offered after Stage 1; the ombudsman's name, contact and 12-month limit are given "
            "in the final response and when a timescale is extended.")
    source = SOURCE + "; LGSCO code 6.4-6.5 (extensions); Local Government Act 1974 s26B (12-month limit)"
    params = {"on_extension": True, **_THRESHOLDS}
    # Each half of the duty on the letters it applies to, in its own sentence; the pool (every letter) follows.
    finding = ("{final_failing:,} of {final_letters:,} final responses ({final_percent}%) lacked the ombudsman's "
               "name, contact or 12-month limit. {extended_failing:,} of {extended_letters:,} responses on an extended "
               "timescale ({extended_percent}%) lacked the ombudsman's details or the next step. "
               "{next_stage_failing:,} of {other_letters:,} other responses ({other_percent}%) did not offer the next "
               "stage. In all, {failing:,} of {letters:,} responses ({percent_failing}%) did not give the full route "
               "to escalate.")
    noun, failed = "responses", "did not give the full route to escalate"
    segments = ("letter",)  # final responses, extension letters and the rest: each half of the duty graded on its own letters
    advice = "End every letter with the next step; give the ombudsman's name, contact and 12-month limit in final responses."

    needs_final = True
    fault = (
        "{failing} of {letters} responses ({percent_failing}) did not explain how to escalate, and "
        "{final_failing} of {final_letters} final responses lacked the ombudsman's details; {extended_failing} of "
        "{extended_letters} responses on an extended timescale lacked them or the next step"
    )
    review_criterion = ESCALATION.title
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} whose response did not say how to escalate, giving the next step and the Ombudsman's "
              "details, and say that the council will not hold against them any delay in escalating that this caused.")

    def criterion(self, letters, read, data, params):
        return response_criteria.escalation(letters, read, letters["final"], params["on_extension"])

    def details(self, letters, read, criterion, data, params):
        final = letters["final"]
        extended = letters["extended_due"].notna() & ~final
        other = ~final & ~extended
        metrics = {
            "final_letters": int(final.sum()), "final_failing": int((criterion.fails & final).sum()),
            "extended_letters": int(extended.sum()), "extended_failing": int((criterion.fails & extended).sum()),
            "other_letters": int(other.sum()), "next_stage_failing": int((criterion.fails & other).sum()),
        }
        return metrics, {"final": final, "extended": extended}

    def sentence(self, metrics):
        # Each half's share is said in the finding (in counts alone on a small base: engine/judging.py), not kept as
        # a metric, where the report would show it however small its base.
        halves = {"final": "final_failing", "extended": "extended_failing", "other": "next_stage_failing"}
        return self.finding.format(**metrics, **{f"{half}_percent": percent(metrics[failing], metrics[f"{half}_letters"])
                                                 for half, failing in halves.items()})

    def segment_columns(self, letters, criterion):
        extended = letters["extended_due"].notna() & ~letters["final"]
        kind = np.select([letters["final"].to_numpy(dtype=bool), extended.to_numpy(dtype=bool)],
                         ["final", "extended-timescale"], default="other")
        return letters.assign(letter=kind)


class PlainLanguage(_LetterCriterion):
    """Plain language.

    What it checks: each response letter's Flesch reading ease (206.835 less 1.015 times the
    words a sentence, less 84.6 times the syllables a word; higher is easier; 60-70 is plain
    English) is at least `min_reading_ease`. The address block and sign-off are left out, and
    syllables are counted by the usual vowel-group rule, so the score is a proxy, not a grade.

    Why it matters: the codes ask for responses in plain language; long sentences of long
    words ("notwithstanding the aforementioned operational parameters") hide the decision and
    the next step from the people who most need them.

    How to fix: short sentences and everyday words; test templates with a readability tool,
    and train officers who write in officialese.
    """

    code = "QR005"
    case_level = True  # a letter its reader can follow is owed to each complainant (codes 6.5-6.8; housing 5.6-5.8)
    title = "Plain language"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Response letters are easy to read: Flesch reading ease at least 50 (a proxy; no official score exists [U])."
    source = SOURCE + "; LGSCO guidance for complaint handlers (plain language)"
    params = {"min_reading_ease": 50.0, "amber_above": 10.0, "red_above": 25.0}
    finding = ("{failing:,} of {letters:,} response letters ({percent_failing}%) scored below {min_reading_ease:g} "
               "for reading ease; the median letter scored {median_reading_ease}.")
    noun, failed = "response letters", "scored below the minimum for reading ease"
    advice = "Rewrite templates and letters in short sentences of everyday words."
    priority = Priority.THREE_MONTHS
    fault = "{failing} of {letters} response letters ({percent_failing}) were hard to read"
    review_criterion = PLAIN_LANGUAGE.title
    standards = (GOOD_PRACTICE,)
    fault_type = FaultType.SERVICE_FAILURE
    remedy = ("Offer {people} whose response was hard to read a plain explanation of the decision and what happens "
              "next, by letter or a call.")

    def criterion(self, letters, read, data, params):
        return response_criteria.plain_language(letters, read, params["min_reading_ease"])

    def details(self, letters, read, criterion, data, params):
        median = read["reading_ease"].median()
        metrics = {"min_reading_ease": params["min_reading_ease"],
                   "median_reading_ease": None if pd.isna(median) else round(float(median), 1)}
        return metrics, {"reading_ease": read["reading_ease"]}
