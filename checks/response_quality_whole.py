"""QR: quality of responses, the whole letter. Is each letter written to its own complaint (QR006), and does it meet every
criterion that applies (QR007)? The criteria one at a time, and which letters are read, are QR001-QR005 (response_quality.py).
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks import _response_criteria as response_criteria
from complaint_audit.checks._near_duplicates import EMPTY_BIN, near_duplicates, signatures
from complaint_audit.checks._reading import council_letters, reading
from complaint_audit.checks._response_quality import SOURCE
from complaint_audit.engine.contract import (
    Area,
    Check,
    CheckResult,
    FaultType,
    Priority,
    Recommendation,
    exceptions,
    flag_names,
    grade,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.segments import by_segment
from complaint_audit.engine.standards import ADULTS_REGULATIONS, CODES, GOOD_PRACTICE


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


_CRITERIA = ("apology", "clear decision", "remedy", "escalation route", "plain language")


class AllCriteriaMet(Check):
    """Letters meeting every criterion.

    What it checks: the share of response letters that meet every criterion that applies to
    them: an apology and a remedy or action where upheld or partly upheld (QR001, QR003), the
    decision stated (QR002), the route to escalate (QR004) and plain language (QR005). Each
    criterion's own share is reported too: no official combined score exists.

    Why it matters: a letter is only as good as its weakest part; one share that the audit
    committee can follow over time shows whether response quality is improving.

    How to fix: sign-off against a short checklist of these five criteria before a response
    is sent; the exceptions list which criteria each letter missed.
    """

    code = "QR007"
    tally = ("failing", "letters")
    segments = ("team", "category")
    uk_rules = True
    title = "Letters meeting every criterion"
    area = Area.QUALITY_OF_RESPONSES
    rule = "Each response meets every criterion of a good response that applies to it."
    source = SOURCE + "; no official combined score exists [U]: each criterion is also reported on its own"
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
            response_criteria.apology(letters, read), response_criteria.decision(letters, read),
            response_criteria.remedy(letters, read),
            response_criteria.escalation(letters, read, final, params["on_extension"]),
            response_criteria.plain_language(letters, read, params["min_reading_ease"]),
        ), strict=True))
        fails = pd.DataFrame({name: criterion.fails for name, criterion in criteria.items()})
        failing = fails.any(axis=1)
        count, missed = len(letters), int(failing.sum())
        met = {name: percent(int((c.applies & ~c.fails).sum()), int(c.applies.sum())) for name, c in criteria.items()}
        metrics = {
            "letters": count, "meeting_all": count - missed, "percent_meeting_all": percent(count - missed, count),
            "failing": missed, "percent_failing": percent(missed, count), "without_text": int(unread.sum()),
            **{f"percent_{name.replace(' ', '_')}_met": share for name, share in met.items()},
        }
        by_criterion = ", ".join(f"{name} {counted_share(int((c.applies & ~c.fails).sum()), int(c.applies.sum()))}"
                                 for name, c in criteria.items())
        finding = (f"{count - missed:,} of {count:,} response letters ({metrics['percent_meeting_all']}%) met every "
                   f"criterion that applies to them; by criterion: {by_criterion}.")
        table = exceptions(letters[failing], "missed: " + flag_names(fails[failing]), outcome=letters.loc[failing, "outcome"])
        result = CheckResult(
            grade(metrics["percent_failing"], params["amber_above"], params["red_above"]), metrics, finding, table,
            Recommendation("Check every response against the five criteria before it is signed off.", Priority.THREE_MONTHS),
        )
        return by_segment(self, result, letters, failing, params, noun="response letters",
                          failed="missed a criterion that applies to them")
