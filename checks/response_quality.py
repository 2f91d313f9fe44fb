"""QR: quality of responses. What the letters say, read in bulk, against what a good response contains.

One criterion at a time (QR001-QR005: an apology where at fault, the decision, a remedy, the
route to escalate, plain language; QR009-QR011: the complaint defined, reasons for the decision,
outstanding actions with dates), then whole letters (QR006 near-identical letters, QR007 every
criterion met), then the reviewers' scores of a sample (QR008). The criteria come from the
Complaint Handling Codes (LGSCO 6.5-6.8, Housing Ombudsman 5.6-5.8) and the adult regulations
(reg 14(2)); the phrases and readability are measured by complaint_audit.letters.phrases.

Only the council's own stages (1, 2 and 3) with letter text are read; a stage with no text is
left out and counted. The final stage is the last one of the council's procedure: Stage 2 for
corporate and housing complaints, Stage 3 for children's statutory complaints, the single stage
(stage "1") for adult social care, and for any other process the highest stage recorded for a
closed case. A Stage 1 answer that was never escalated is not final: it must still offer Stage 2."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import (
    Area,
    AuditData,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    exceptions,
    flag_names,
    grade,
    graded,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import ADULTS_REGULATIONS, CODES, GOOD_PRACTICE
from complaint_audit.engine.toolkit import iso_dates
from complaint_audit.letters import phrases as letter_text
from complaint_audit.letters.criteria import (
    APOLOGY,
    APPLICABLE,
    CRITERION_NAMES,
    CRITERION_TITLES,
    DECISION,
    ESCALATION,
    KEY,
    OUTSTANDING_ACTIONS,
    PLAIN_LANGUAGE,
    REMEDY,
)
from complaint_audit.letters.near_duplicates import EMPTY_BIN, near_duplicates, signatures
from complaint_audit.letters.ratings import review_dates, reviewers, tally
from complaint_audit.schema import COUNCIL_STAGES, DECIDED_OUTCOMES, UPHELD_OUTCOMES

# ------------------------------------------------------------------------------------------------------------
# The sources the QR checks cite.

SOURCE = "LGSCO Complaint Handling Code 6.5-6.8; Housing Ombudsman Code 5.6-5.8; SI 2009/309 reg 14(2)"


# ------------------------------------------------------------------------------------------------------------
# The criteria of a good response (RULES.md section 6), applied to letters and what was read from them.

OUTCOME_WORDS = {"upheld": "upheld", "partly_upheld": "partly upheld", "not_upheld": "not upheld"}
_FINAL_STAGE = {"corporate": "2", "housing": "2", "childrens_statutory": "3", "adult_social_care": "1"}
_NEXT_STAGE = {"1": "2", "2": "3"}


def final_stage(records: pd.DataFrame, rows: pd.Index | None = None) -> pd.Series:
    """Whether each of ROWS (default: every record) is the last stage of its procedure.

    Stage 2 for corporate and housing complaints, Stage 3 for children's statutory complaints,
    the single stage ("1") for adult social care; for any other process, the highest stage
    recorded for a closed case. A Stage 1 answer never escalated is not final: the known
    procedures still expect it to offer Stage 2.

    The highest stage is looked for only among the records of the cases it is asked of, the
    closed ones of process `other` in ROWS: over every record, it took 0.9 s of the checks at a
    million records, asked of letters there were none of.
    """
    chosen = records if rows is None else records.loc[rows]
    # As text: the two categoricals' categories differ (stages against final stages).
    final = chosen["stage"].astype("str").eq(chosen["process"].map(_FINAL_STAGE).astype("str"))
    asked = chosen["process"].eq("other") & chosen["closed"].notna()
    if asked.any():
        # Every record of those case ids: the groups below are then those cases' own, whole.
        related = records[records["case_id"].isin(chosen.loc[asked, "case_id"].unique())]
        number = pd.to_numeric(related["stage"].where(related["stage"].isin(COUNCIL_STAGES)), errors="coerce")
        highest = number.groupby([related["organisation"], related["case_id"]]).transform("max")
        final = final | (asked & number.eq(highest).reindex(chosen.index, fill_value=False))
    return final.fillna(False).astype(bool)


def letters_with_text(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The council-stage rows with letter text, and a mask of the council-stage rows without."""
    council = records["stage"].isin(COUNCIL_STAGES)
    has_text = records["response_text"].fillna("").str.strip().ne("")
    return records[council & has_text], council & ~has_text & records["responded"].notna()


class Criterion(NamedTuple):
    """One criterion applied to the letters: which it applies to, which fail it, and why."""

    applies: pd.Series
    fails: pd.Series
    reason: pd.Series


def apology(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(UPHELD_OUTCOMES)
    fails = applies & ~read["apologises"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str") + ", but the letter does not apologise")


def decision(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(DECIDED_OUTCOMES)
    stated = {name: read[f"states_{name}"] for name in DECIDED_OUTCOMES}
    says_recorded = pd.Series(False, index=letters.index)
    for name, says in stated.items():
        says_recorded |= letters["outcome"].eq(name) & says
    said = pd.Series(np.select([stated[n] for n in DECIDED_OUTCOMES], [OUTCOME_WORDS[n] for n in DECIDED_OUTCOMES], ""), index=letters.index)
    recorded = letters["outcome"].map(OUTCOME_WORDS).astype("str").fillna("")
    reason = ("the letter says the complaint is " + said + "; the record says " + recorded).where(
        said.ne(""), "the letter does not say whether the complaint is upheld (recorded: " + recorded + ")")
    return Criterion(applies, applies & ~says_recorded, reason)


def remedy(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(UPHELD_OUTCOMES)
    fails = applies & ~read["offers_remedy"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str") + ", but the letter offers no remedy or action")


def _escalation_needs(letters: pd.DataFrame, final: pd.Series, on_extension: bool) -> dict[str, pd.Series]:
    """Which letters must offer Stage 2, Stage 3, or give the ombudsman's details (and which one)."""
    extended = letters["extended_due"].notna() & ~final
    next_stage = letters["stage"].map(_NEXT_STAGE).where(~final)
    needs_ombudsman = final | (extended & on_extension)
    housing = letters["process"].eq("housing")
    return {
        "offers_stage_2": next_stage.eq("2").fillna(False), "offers_stage_3": next_stage.eq("3").fillna(False),
        "names_housing_ombudsman": needs_ombudsman & housing, "names_lgsco": needs_ombudsman & ~housing,
        "gives_ombudsman_contact": needs_ombudsman, "gives_time_limit": needs_ombudsman,
    }


def phrases_needed(letters: pd.DataFrame, final: pd.Series, on_extension: bool) -> dict[str, pd.Series]:
    """For `measure`: each phrase and the letters whose criteria need it."""
    at_fault, decided = letters["outcome"].isin(UPHELD_OUTCOMES), letters["outcome"].isin(DECIDED_OUTCOMES)
    return {"apologises": at_fault, "offers_remedy": at_fault, **{f"states_{name}": decided for name in DECIDED_OUTCOMES},
            "defines_complaint": decided, "gives_reasons": decided, "dates_actions": at_fault,
            **_escalation_needs(letters, final, on_extension)}


def escalation(letters: pd.DataFrame, read: pd.DataFrame, final: pd.Series, on_extension: bool) -> Criterion:
    needs = _escalation_needs(letters, final, on_extension)
    missing = pd.DataFrame({
        "Stage 2 not offered": needs["offers_stage_2"] & ~read["offers_stage_2"],
        "Stage 3 not offered": needs["offers_stage_3"] & ~read["offers_stage_3"],
        "Housing Ombudsman not named": needs["names_housing_ombudsman"] & ~read["names_housing_ombudsman"],
        "Local Government and Social Care Ombudsman not named": needs["names_lgsco"] & ~read["names_lgsco"],
        "no ombudsman phone or website": needs["gives_ombudsman_contact"] & ~read["gives_ombudsman_contact"],
        "no 12-month time limit": needs["gives_time_limit"] & ~read["gives_time_limit"],
    })
    extended = letters["extended_due"].notna() & ~final
    context = pd.Series(np.select([final, extended], ["final response: ", "timescale extended: "], ""), index=letters.index)
    return Criterion(pd.Series(True, index=letters.index), missing.any(axis=1), context + flag_names(missing))


def plain_language(letters: pd.DataFrame, read: pd.DataFrame, minimum: float) -> Criterion:
    applies = read["reading_ease"].notna()
    fails = applies & read["reading_ease"].lt(minimum)
    words_a_sentence = (read["words"] / read["sentences"]).round(0).astype("Int64").astype("str")
    syllables_a_word = (read["syllables"] / read["words"]).round(1).astype("str")
    reason = ("reading ease " + read["reading_ease"].astype("str") + f" (below {minimum:g}): " + words_a_sentence
              + " words a sentence, " + syllables_a_word + " syllables a word")
    return Criterion(applies, fails, reason)


def complaint_defined(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(DECIDED_OUTCOMES)
    fails = applies & ~read["defines_complaint"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str").fillna("")
                     + ": the letter does not say what the complaint is (the council's definition of it)")


def reasons_given(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(DECIDED_OUTCOMES)
    fails = applies & ~read["gives_reasons"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str").fillna("")
                     + ", but the letter gives no reason for the decision")


def actions_outstanding(letters: pd.DataFrame) -> pd.Series:
    """Whether the record shows an action still to be done when the letter was sent, on an upheld or partly upheld stage.

    Outstanding: an action due after the response date, and not done by then; with no action_due (an export without
    the column included) nothing is known to be outstanding. Only the stages that found fault owe it: a wide export
    records one action per case, on a stage that did not uphold it as well.
    """
    due, done, responded = letters["action_due"], letters["action_done"], letters["responded"]
    outstanding = due.gt(responded) & (done.isna() | done.gt(responded))
    return (letters["outcome"].isin(UPHELD_OUTCOMES) & outstanding).fillna(False).astype(bool)


def actions_dated(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = actions_outstanding(letters)
    fails = applies & ~read["dates_actions"]
    reason = ("action due " + iso_dates(letters["action_due"]) + " was outstanding when the letter was sent, but the "
              "letter gives no date for it")
    return Criterion(applies, fails, reason)


# ------------------------------------------------------------------------------------------------------------
# The letters read once per run (AuditData.derived) and shared by every QR check, instead of each reading them
# again.

class Reading(NamedTuple):
    """The letters, read once per run for every QR check (AuditData.derived)."""

    letters: pd.DataFrame  # the council-stage rows with letter text
    unread: pd.Series  # a mask of the council-stage rows answered without letter text
    final: pd.Series  # whether each letter is its procedure's final response (final_stage)
    read: pd.DataFrame  # what `measure` read: every phrase wherever a criterion may need it, and readability


def reading(data: AuditData) -> Reading:
    """The letters and what they say, shared by the QR checks instead of each reading them again."""
    return data.derived(_read_letters)


def council_letters(data: AuditData) -> tuple[pd.DataFrame, pd.Series]:
    """letters_with_text(data.records), once per run."""
    return data.derived(_council_letters)


def _council_letters(data: AuditData) -> tuple[pd.DataFrame, pd.Series]:
    return letters_with_text(data.records)


def _read_letters(data: AuditData) -> Reading:
    letters, unread = council_letters(data)
    final = final_stage(data.records, letters.index)
    # With on_extension every phrase is needed on the most letters, so one reading serves either setting.
    needed = phrases_needed(letters, final, on_extension=True)
    read = letter_text.measure(letters["response_text"], needed, readability=True)
    return Reading(letters, unread, final, read)


# ------------------------------------------------------------------------------------------------------------
# The checks: one criterion at a time (QR001-QR005, and QR009-QR011 after them).

_THRESHOLDS = {"amber_above": 5.0, "red_above": 15.0}


class _LetterCriterion(Check):
    """What QR001-QR005 and QR009-QR011 share: take the letters in scope (read once per run), apply one criterion, grade the share failing.

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
            unread = metrics["without_text"]
            finding += (f" {unread:,} such response{'s have' if unread != 1 else ' has'} no letter text and "
                        f"{'were' if unread != 1 else 'was'} not read.")
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
    denominator = (
        "upheld or partly upheld responses with letter text: each Stage 1, 2 or 3 record (not only final responses) of "
        "the corporate, housing, children's and adult social care processes; responses without text are counted apart, "
        "not read"
    )
    title = "Apology where at fault"
    area = Area.QUALITY_OF_RESPONSES
    rule = "An upheld or partly upheld response apologises and accepts the fault, not 'sorry you feel'."
    source = SOURCE + "; LGSCO remedies guidance"
    params = dict(_THRESHOLDS)
    outcomes = UPHELD_OUTCOMES
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
        return apology(letters, read)


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
    denominator = (
        "decided responses (upheld, partly upheld or not upheld) with letter text: each Stage 1, 2 or 3 record of the "
        "corporate, housing, children's and adult social care processes; responses without text are counted apart, not "
        "read"
    )
    title = "A clear decision stated"
    area = Area.QUALITY_OF_RESPONSES
    rule = "The letter states the decision (upheld, partly upheld, not upheld), matching the recorded outcome."
    source = SOURCE
    params = dict(_THRESHOLDS)
    outcomes = DECIDED_OUTCOMES
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
        return decision(letters, read)


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
    denominator = (
        "upheld or partly upheld responses with letter text: each Stage 1, 2 or 3 record (not only final responses) of "
        "the corporate, housing, children's and adult social care processes; responses without text are counted apart, "
        "not read"
    )
    title = "Remedy or action where at fault"
    area = Area.QUALITY_OF_RESPONSES
    rule = "An upheld or partly upheld response says how the fault is put right or what will change."
    source = SOURCE + "; LGSCO remedies guidance"
    params = dict(_THRESHOLDS)
    outcomes = UPHELD_OUTCOMES
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
        return remedy(letters, read)


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
    denominator = (
        "every response with letter text at Stage 1, 2 or 3 of the corporate, housing, children's and adult social care "
        "processes, in three kinds each graded as a segment: final responses (corporate and housing Stage 2, children's "
        "Stage 3, adult social care's single stage), which owe the ombudsman's details; other responses on an extended "
        "timescale, which owe the next stage and, with `on_extension`, the ombudsman's details; and the rest, which owe "
        "the next stage"
    )
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
        return escalation(letters, read, letters["final"], params["on_extension"])

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
    denominator = (
        "response letters whose reading ease could be measured: each Stage 1, 2 or 3 record with letter text of the "
        "corporate, housing, children's and adult social care processes"
    )
    title = "Plain language"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Response letters are easy to read: Flesch reading ease at least 50 (a proxy: no official readability score exists)."
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
        return plain_language(letters, read, params["min_reading_ease"])

    def details(self, letters, read, criterion, data, params):
        median = read["reading_ease"].median()
        metrics = {"min_reading_ease": params["min_reading_ease"],
                   "median_reading_ease": None if pd.isna(median) else round(float(median), 1)}
        return metrics, {"reading_ease": read["reading_ease"]}


_CONTENTS_SOURCE = "LGSCO Complaint Handling Code 6.8; Housing Ombudsman Code 5.6-5.8"


class ComplaintDefined(_LetterCriterion):
    """The complaint as the council defined it.

    What it checks: each response letter on a complaint that was decided (upheld, partly
    upheld, not upheld) says what the complaint is, in the council's words: "I understand your
    complaint to be that ...", "your complaint is that ...", "you complained that ...", "the
    points of your complaint are ...". A subject line ("your complaint about parking") is not a
    definition: it does not say what the person says went wrong.

    Why it matters: the codes ask every response to set out the complaint definition, so the
    complainant can see that the council understood what they complained about, and can say so
    at the next stage if it did not.

    How to fix: open every response with the complaint as the council defined it at the start
    (the points it agreed to look into), one sentence or a short list.
    """

    code = "QR009"
    case_level = True  # the complaint's definition is owed to each complainant (LGSCO code 6.8)
    denominator = (
        "decided responses (upheld, partly upheld or not upheld) with letter text: each Stage 1, 2 or 3 record of the "
        "corporate, housing, children's and adult social care processes; responses without text are counted apart, not "
        "read"
    )
    title = "The complaint defined"
    area = Area.QUALITY_OF_RESPONSES
    rule = "The response says what the complaint is, as the council defined it."
    source = _CONTENTS_SOURCE
    params = dict(_THRESHOLDS)
    outcomes = DECIDED_OUTCOMES
    finding = "{failing:,} of {letters:,} decided responses ({percent_failing}%) did not say what the complaint is."
    noun, failed = "decided responses", "did not say what the complaint is"
    advice = "Open every response with the complaint as the council defined it."
    fault = "{failing} of {letters} responses ({percent_failing}) did not set out the complaint as the council defined it"
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} whose response did not say what the complaint was, setting out the complaint as the "
              "council understood it and asking whether anything was missed.")

    def criterion(self, letters, read, data, params):
        return complaint_defined(letters, read)


class ReasonsGiven(_LetterCriterion):
    """Reasons for the decision.

    What it checks: each response letter on a complaint that was decided gives a reason for the
    decision: "because ...", "I found that ...", "the reason for ...", "on the basis that ...".
    Only the presence of a reason is read; whether the letter decides each part of a complaint
    of several parts is for a reviewer (the review workbook's "Decision stated").

    Why it matters: the codes ask for the decision on the complaint and the reasons for it; a
    bare "upheld" or "not upheld" leaves the person unable to judge whether to escalate, and is
    what the ombudsman criticises most often in responses.

    How to fix: after the decision, say in a sentence or two what the council found and why
    that leads to the decision, for each part of the complaint.
    """

    code = "QR010"
    case_level = True  # the reasons for the decision are owed to each complainant (LGSCO code 6.8)
    denominator = (
        "decided responses (upheld, partly upheld or not upheld) with letter text: each Stage 1, 2 or 3 record of the "
        "corporate, housing, children's and adult social care processes; responses without text are counted apart, not "
        "read"
    )
    title = "Reasons for the decision"
    area = Area.QUALITY_OF_RESPONSES
    rule = "The response gives the reasons for its decision."
    source = _CONTENTS_SOURCE + "; SI 2009/309 reg 14(2) (how the complaint was considered, and the conclusions)"
    params = dict(_THRESHOLDS)
    outcomes = DECIDED_OUTCOMES
    finding = "{failing:,} of {letters:,} decided responses ({percent_failing}%) gave no reason for the decision."
    noun, failed = "decided responses", "gave no reason for the decision"
    advice = "Give the reasons for the decision, part by part, in every response."
    fault = "{failing} of {letters} responses ({percent_failing}) gave no reason for the decision"
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = "Write to {people} whose response gave no reasons, explaining what the council found and why it decided as it did."

    def criterion(self, letters, read, data, params):
        return reasons_given(letters, read)


class OutstandingActionsDated(_LetterCriterion):
    """Outstanding actions with dates.

    What it checks: where the record shows an action still to be done when the response was
    sent (an upheld or partly upheld stage whose `action_due` is after its response date, and
    not done by then), the letter gives a date for it ("by 3 May 2024", "by the end of June",
    "before 14/06/2024"). Stages that found no fault are left out: a case system that records
    one action per case puts it on those stages as well. Where the export has no action_due
    column nothing is known to be outstanding, and the check is not applicable.

    Why it matters: the codes ask a response to give the details of any outstanding actions; a
    promise without a date cannot be held to, and the person cannot tell when to chase it.

    How to fix: list each action still to be done with the date it will be done by, and track
    those dates (LN002 finds the ones missed).
    """

    code = "QR011"
    case_level = True  # the actions still to be done, with dates, are owed to each complainant (LGSCO code 6.8)
    denominator = (
        "upheld or partly upheld responses with letter text whose record shows an action outstanding when the response "
        "was sent (action_due after the response date, not done by then): each Stage 1, 2 or 3 record of the corporate, "
        "housing, children's and adult social care processes"
    )
    title = "Outstanding actions with dates"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Where actions are outstanding, the response says what they are and the date each will be done by."
    source = _CONTENTS_SOURCE
    params = dict(_THRESHOLDS)
    outcomes = UPHELD_OUTCOMES
    finding = ("{failing:,} of {letters:,} responses with an action outstanding ({percent_failing}%) gave no date for "
               "it.")
    noun, failed = "responses with an action outstanding", "gave no date for the action"
    advice = "List every outstanding action in the response with the date it will be done by."
    fault = "{failing} of {letters} responses with an action outstanding ({percent_failing}) gave no date for it"
    review_criterion = OUTSTANDING_ACTIONS.title
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = "Tell {people} whose response promised an action without a date when it will be done, and keep to that date."

    def run(self, data, params):
        if not data.exported("action_due").any():
            return not_applicable("the export has no action_due field")
        return super().run(data, params)

    def criterion(self, letters, read, data, params):
        return actions_dated(letters, read)

    def details(self, letters, read, criterion, data, params):
        return {}, {"outcome": letters["outcome"], "action_due": letters["action_due"]}


# ------------------------------------------------------------------------------------------------------------
# QR: quality of responses, the whole letter. Is each letter written to its own complaint (QR006), and does it
# meet every criterion that applies (QR007)? The criteria one at a time, and which letters are read, are
# QR001-QR005 (response_quality.py).

class NearIdenticalLetters(Check):
    """Near-identical letters to different complaints.

    What it checks: whether a response letter is near-identical to one sent on a different
    complaint: at least `min_similarity` of its wording in common (the Jaccard similarity of
    its runs of `shingle_words` words, estimated with MinHash). The address block and sign-off
    are left out, and names (masked at load), dates, amounts and references are masked, so a
    template filled in with another complainant's details counts; letters that only share
    standard paragraphs (the opening, the next-step paragraph) do not. Two stages of one
    complaint are never compared. With `across_categories_only`, only letters to complaints in
    different categories count.

    Why it matters: a letter that could have been sent to someone else has not engaged with
    the complaint's own facts; the codes ask for a response to each point raised, with reasons.

    How to fix: keep templates for the standard paragraphs only, and write the findings,
    reasons and remedy for each complaint; review the repeated letters listed here.
    """

    code = "QR006"
    tally = ("near_identical", "letters")
    # One team's template for one kind of complaint and decision: diluted to nothing among every letter sent.
    segments = ("team", "stage", "outcome", "category")
    denominator = (
        "response letters with enough words to compare: each Stage 1, 2 or 3 record with letter text, of any process "
        "(`other` included)"
    )
    general_source = "Good practice: a decision on every point raised, with reasons"
    title = "Near-identical letters"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Each response addresses its own complaint: no near-identical letters (90% of wording in common) to different complaints."
    source = SOURCE + " (a decision on every point raised, with reasons)"
    params = {"min_similarity": 0.9, "shingle_words": 5, "across_categories_only": False, "amber_above": 5.0, "red_above": 20.0}
    requires = ("response_text",)
    fault = (
        "{near_identical} of {letters} response letters ({percent_near_identical}) are near-identical to a "
        "letter sent on a different complaint, so they do not address the complaint's own facts"
    )
    standards = (*CODES, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Review the complaints of {people} answered with a near-identical letter, and write again to any whose "
              "own points it did not answer, with a decision on each and an apology.")

    def run(self, data, params):
        letters, _ = council_letters(data)
        signature = signatures(letters["response_text"], params["shingle_words"])
        has_words = (signature != EMPTY_BIN).any(axis=1)
        letters, signature = letters[has_words], signature[has_words]
        if letters.empty:
            return not_applicable("no council-stage response has letter text")
        complaint = letters["organisation"].astype("str") + "\x1f" + letters["case_id"]
        key = letters["category"].fillna(complaint) if params["across_categories_only"] else complaint
        found = near_duplicates(signature, pd.factorize(key)[0], params["min_similarity"])
        similar = found["similarity"].notna().to_numpy()
        partner = letters.iloc[found["partner"].to_numpy()[similar]]
        rows = letters[similar]
        similarity = pd.Series((100 * found["similarity"].to_numpy()[similar]).round(0).astype(int), index=rows.index)
        reason = ("near-identical (" + similarity.astype("str") + "% of wording) to the Stage "
                  + partner["stage"].to_numpy() + " letter for " + partner["case_id"].to_numpy())
        count = int(similar.sum())
        share = percent(count, len(letters))
        metrics = {"letters": len(letters), "near_identical": count, "percent_near_identical": share,
                   "min_similarity": params["min_similarity"]}
        finding = (f"{count:,} of {len(letters):,} response letters ({share}%) share at least "
                   f"{params['min_similarity']:.0%} of their wording with a letter on a different complaint.")
        table = exceptions(rows, reason, similarity_percent=similarity, similar_case=partner["case_id"].to_numpy(),
                           similar_stage=partner["stage"].to_numpy())
        result = CheckResult(
            grade(share, params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Write each response to its complaint's own facts; keep templates for standard paragraphs only.", Priority.THREE_MONTHS),
        )
        return by_segment(self, result, letters, pd.Series(similar, index=letters.index), params, noun="letters",
                          failed="share their wording with another complaint's letter")


_CRITERIA = ("apology", "clear decision", "remedy", "escalation route", "plain language", "complaint defined",
             "reasons given", "outstanding actions dated")


class AllCriteriaMet(Check):
    """Letters meeting every criterion.

    What it checks: the share of response letters that meet every criterion that applies to
    them: an apology and a remedy or action where upheld or partly upheld (QR001, QR003), the
    decision stated (QR002), the route to escalate (QR004), plain language (QR005), the
    complaint defined (QR009), reasons for the decision (QR010) and outstanding actions with
    dates (QR011). Each criterion's own share is reported too: no official combined score exists.

    Why it matters: a letter is only as good as its weakest part; one share that the audit
    committee can follow over time shows whether response quality is improving.

    How to fix: sign-off against a short checklist of these eight criteria before a response
    is sent; the exceptions list which criteria each letter missed.
    """

    code = "QR007"
    tally = ("failing", "letters")
    segments = ("team", "category")
    denominator = (
        "every response letter: each Stage 1, 2 or 3 record with letter text of the corporate, housing, children's and "
        "adult social care processes, judged on the criteria that apply to it"
    )
    uk_rules = True
    title = "Letters meeting every criterion"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Each response meets every criterion of a good response that applies to it."
    source = SOURCE + "; no official combined score exists, so each criterion is also reported on its own"
    params = {"min_reading_ease": 50.0, "on_extension": True, "amber_above": 10.0, "red_above": 25.0}
    requires = ("response_text",)
    fault = "only {percent_meeting_all} of {letters} response letters met every criterion of a good response"
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} whose response missed a part of a good response with what it left out: the decision "
              "and reasons, the apology and remedy where at fault, or how to escalate.")

    def run(self, data, params):
        letters, unread, final, read = reading(data)
        if letters.empty:
            return not_applicable("no council-stage response has letter text")
        criteria = dict(zip(_CRITERIA, (
            apology(letters, read), decision(letters, read),
            remedy(letters, read),
            escalation(letters, read, final, params["on_extension"]),
            plain_language(letters, read, params["min_reading_ease"]),
            complaint_defined(letters, read), reasons_given(letters, read),
            actions_dated(letters, read),
        ), strict=True))
        fails = pd.DataFrame({name: criterion.fails for name, criterion in criteria.items()})
        failing = fails.any(axis=1)
        count, missed = len(letters), int(failing.sum())
        met = {name: percent(int((c.applies & ~c.fails).sum()), int(c.applies.sum())) for name, c in criteria.items()}
        metrics = {
            "letters": count, "meeting_all": count - missed, "percent_meeting_all": percent(count - missed, count),
            "failing": missed, "percent_failing": percent(missed, count), "without_text": int(unread.sum()),
            # Which procedures' responses could not be read, for the report's "could not test" box.
            "without_text_by_process": data.records.loc[unread, "process"].astype("string").value_counts().to_dict(),
            **{f"percent_{name.replace(' ', '_')}_met": share for name, share in met.items()},
        }
        by_criterion = ", ".join(f"{name} {counted_share(int((c.applies & ~c.fails).sum()), int(c.applies.sum()))}"
                                 for name, c in criteria.items() if c.applies.any())  # one that applies to none: left out
        finding = (f"{count - missed:,} of {count:,} response letters ({metrics['percent_meeting_all']}%) met every "
                   f"criterion that applies to them; by criterion: {by_criterion}.")
        table = exceptions(letters[failing], "missed: " + flag_names(fails[failing]), outcome=letters.loc[failing, "outcome"])
        result = CheckResult(
            grade(metrics["percent_failing"], params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Check every response against the eight criteria before it is signed off.", Priority.THREE_MONTHS),
        )
        return by_segment(self, result, letters, failing, params, noun="response letters",
                          failed="missed a criterion that applies to them")


# ------------------------------------------------------------------------------------------------------------
# QR008: the reviewers' scores of a sample of responses, as manual evidence beside the automatic QR checks.

# The criteria the automatic checks also judge from the letter text (QR001-QR005 and QR011, each its
# `review_criterion`).
AUTOMATIC = (DECISION, APOLOGY, REMEDY, ESCALATION, PLAIN_LANGUAGE, OUTSTANDING_ACTIONS)


class ReviewerScores(Check):
    """Reviewers' scores of a sample of responses (manual evidence).

    What it checks: the scores reviewers gave a sample of responses in the review workbook
    (`complaint-audit sample`, filled in, then `complaint-audit reviews import`): for each
    criterion of a good response (the Codes 5.6-5.8 and 6.5-6.8, the adult regulations reg
    14(2)), the share of ratings met, partly met and not met, with the reviewers and the dates they reviewed. The share of reviewed responses
    rated not met on at least one criterion is graded by `amber_above` and `red_above`. Where a
    criterion is also judged by an automatic check (decision QR002, apology QR001, remedy QR003,
    how to escalate QR004, plain language QR005, outstanding actions with dates QR011, with this
    check's `min_reading_ease` and `on_extension`), the reviewer's rating is compared with the automatic one on the same
    letter: met against met, partly or not met against not met, where both say the criterion
    applies. Each criterion is reported on its own; no official combined score exists. Without an
    imported review the check is not applicable.

    Why it matters: reading letters by machine finds missing phrases, not missing substance:
    an apology that does not accept the impact, or a remedy that does not put things right.
    A reviewer's judgement on a sample is the evidence an ombudsman would look for, and the
    agreement rate shows how far the automatic checks can be relied on for the letters nobody
    read.

    How to fix: go through the responses rated not met (the exceptions) with the officers who
    wrote them; where reviewers and the automatic checks disagree often, read more letters by
    hand before relying on the automatic figures.
    """

    code = "QR008"
    denominator = (
        "reviewed responses: each stage record in the imported review workbooks scored met, partly met or not met on at "
        "least one criterion"
    )
    uk_rules = True
    title = "Reviewers' scores (manual evidence)"
    area = Area.QUALITY_OF_RESPONSES
    rule = "A reviewed sample of responses meets each criterion of a good response, as reviewers score them."
    source = ("LGSCO Complaint Handling Code 6.5-6.8; Housing Ombudsman Code 5.6-5.8; SI 2009/309 "
              "reg 14(2); manual review of a sample (complaint-audit sample and reviews import)")
    params = {"min_reading_ease": 50.0, "on_extension": True, "amber_above": 10.0, "red_above": 25.0}
    fault = (
        "reviewers who read a sample of responses rated {failing} of {assessed} ({percent_failing}) as not meeting "
        "at least one criterion of a good response"
    )
    reviews = True
    standards = (*CODES, ADULTS_REGULATIONS, GOOD_PRACTICE)
    fault_type = FaultType.MALADMINISTRATION
    remedy = ("Write to {people} whose response the reviewer rated short of a criterion with what it left out, and "
              "apologise where the council was at fault.")

    def run(self, data, params):
        if data.reviews is None:
            return not_applicable("no reviewer scores imported (complaint-audit reviews import, or [reviews] files in "
                                  "audit.toml)")
        reviews = data.reviews
        if reviews.empty:
            return not_applicable("the imported review workbooks hold no scored response")
        by_criterion = tally(reviews, "criterion")
        compared = agreement(reviews, data.records, params)
        not_met = _not_met_cases(reviews)
        assessed = int(reviews[reviews["score"].isin(APPLICABLE)][list(KEY)].drop_duplicates().shape[0])
        first, last = review_dates(reviews) or (None, None)
        names = reviewers(reviews)
        met = {CRITERION_NAMES[title]: by_criterion["percent_met"].get(title) for title in CRITERION_TITLES}
        agreeing = {criterion.name: _agreement_share(compared, criterion.title) for criterion in AUTOMATIC}
        metrics = {
            "cases_reviewed": int(reviews[list(KEY)].drop_duplicates().shape[0]),
            "reviewers": len(names), "reviewer_names": ", ".join(names), "first_review": first, "last_review": last,
            **{f"percent_{name}_met": None if pd.isna(share) else float(share) for name, share in met.items()},
            "compared": len(compared), "agreeing": int(compared["agree"].sum()),
            "percent_agreement": percent(int(compared["agree"].sum()), len(compared)) if len(compared) else None,
            **{f"percent_{name}_agreement": share for name, share in agreeing.items()},
        }
        table = exceptions(not_met, "rated not met by the reviewer: " + not_met["criteria"],
                           reviewer=not_met["reviewer"], review_date=not_met["review_date"])
        return graded(len(not_met), assessed, params, _finding(metrics, by_criterion), table, Recommendation(
            "Go through the responses reviewers rated not met with the officers who wrote them.", Priority.THREE_MONTHS,
        ), **metrics)


def agreement(reviews: pd.DataFrame, records: pd.DataFrame, params) -> pd.DataFrame:
    """The reviewer's rating beside the automatic one, where both judge a criterion on the same letter.

    One row per rated score (met, partly, not met) of a criterion in AUTOMATIC whose letter
    the automatic criterion applies to; `agree` is whether both say met or both say it is not.
    """
    automatic = automatic_ratings(records, reviews[list(KEY)].drop_duplicates(), params)
    rated = reviews[reviews["score"].isin(APPLICABLE) & reviews["criterion"].isin([c.title for c in AUTOMATIC])]
    pairs = rated.merge(automatic[automatic["automatic"] != "not applicable"], on=[*KEY, "criterion"], how="inner")
    return pairs.assign(agree=pairs["score"].eq("met") == pairs["automatic"].eq("met"))


def automatic_ratings(records: pd.DataFrame, keys: pd.DataFrame, params) -> pd.DataFrame:
    """For the reviewed letters with text: each automatic criterion as met, not met or not applicable."""
    letters, _ = letters_with_text(records)
    letters = letters[pd.MultiIndex.from_frame(letters[list(KEY)]).isin(pd.MultiIndex.from_frame(keys))]
    final = final_stage(records, letters.index)
    needed = phrases_needed(letters, final, params["on_extension"])
    read = letter_text.measure(letters["response_text"], needed, readability=True)
    judged = {
        DECISION.title: decision(letters, read),
        APOLOGY.title: apology(letters, read),
        REMEDY.title: remedy(letters, read),
        ESCALATION.title: escalation(letters, read, final, params["on_extension"]),
        PLAIN_LANGUAGE.title: plain_language(letters, read, params["min_reading_ease"]),
        OUTSTANDING_ACTIONS.title: actions_dated(letters, read),
    }
    return pd.concat([
        letters[list(KEY)].assign(criterion=title, automatic=np.select(
            [criterion.fails.to_numpy(dtype=bool), criterion.applies.to_numpy(dtype=bool)], ["not met", "met"], "not applicable"))
        for title, criterion in judged.items()
    ], ignore_index=True)


def _agreement_share(compared: pd.DataFrame, title: str) -> float | None:
    mine = compared[compared["criterion"] == title]
    return percent(int(mine["agree"].sum()), len(mine)) if len(mine) else None


def _not_met_cases(reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per reviewed stage record rated not met on any criterion: the criteria, reviewer(s), last date."""
    order = reviews["criterion"].map({title: number for number, title in enumerate(CRITERION_TITLES)})
    not_met = reviews[reviews["score"].eq("not met")].assign(order=order).sort_values([*KEY, "order"])
    return not_met.groupby(list(KEY), as_index=False, sort=True).agg(
        team=("team", "first"), criteria=("criterion", _distinct), reviewer=("reviewer", _distinct),
        review_date=("review_date", "max"),
    )


def _distinct(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(values.dropna().astype(str)))


def _finding(metrics: dict, by_criterion: pd.DataFrame) -> str:
    """The finding as a format string (graded fills assessed, failing and percent_failing)."""
    dates = f", {_long(metrics['first_review'])} to {_long(metrics['last_review'])}" if metrics["first_review"] else ""
    rated = by_criterion[by_criterion["rated"].gt(0)]
    shares = ", ".join(f"{title[:1].lower()}{title[1:]} {counted_share(int(row['met']), int(row['rated']))}"
                       for title, row in rated.iterrows())
    agreement_text = (
        f" Where an automatic check judges the same criterion on the same letter, reviewers agreed with it on "
        f"{metrics['agreeing']:,} of {metrics['compared']:,} ratings ({metrics['percent_agreement']}%)."
        if metrics["compared"] else " No reviewed letter was also judged by the automatic checks, so agreement is not measured."
    )
    plural = "reviewer" if metrics["reviewers"] == 1 else "reviewers"
    return (
        "{failing:,} of {assessed:,} sampled responses ({percent_failing}%) were rated not met on at least one criterion "
        f"by the reviewers (manual evidence: {metrics['reviewers']} {plural}{dates}; {metrics['cases_reviewed']:,} responses "
        f"scored). Rated met, by criterion: {shares or 'none rated'}.{agreement_text}"
    )


def _long(iso: str) -> str:
    day = pd.Timestamp(iso)
    return f"{day.day} {day:%B %Y}"
