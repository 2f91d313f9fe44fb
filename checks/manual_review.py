"""QR008: the reviewers' scores of a sample of responses, as manual evidence beside the automatic QR checks.

The scores come from review workbooks imported into the store (`complaint-audit reviews import`,
or `[reviews] files` in audit.toml); without them the check is not applicable. Where a reviewer
and an automatic check (QR001-QR005) both judge a criterion on the same letter, the two are
compared: the agreement rate says how far the automatic text checks can be trusted on their own.
The criteria and the tally of the scores come from complaint_audit.letters, shared with the review
workbook and the report, so the check never loads the review package (or openpyxl).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks import _letter_text as letter_text
from complaint_audit.checks import _response_criteria as response_criteria
from complaint_audit.engine.contract import (
    Area,
    Check,
    FaultType,
    Priority,
    Recommendation,
    exceptions,
    graded,
    not_applicable,
    percent,
)
from complaint_audit.engine.judging import counted_share
from complaint_audit.engine.standards import ADULTS_REGULATIONS, CODES, GOOD_PRACTICE
from complaint_audit.letters.criteria import (
    APOLOGY,
    APPLICABLE,
    CRITERION_NAMES,
    CRITERION_TITLES,
    DECISION,
    ESCALATION,
    KEY,
    PLAIN_LANGUAGE,
    REMEDY,
)
from complaint_audit.letters.ratings import review_dates, reviewers, tally

# The criteria the automatic checks also judge from the letter text (QR001-QR005, each its `review_criterion`).
AUTOMATIC = (DECISION, APOLOGY, REMEDY, ESCALATION, PLAIN_LANGUAGE)


class ReviewerScores(Check):
    """Reviewers' scores of a sample of responses (manual evidence).

    What it checks: the scores reviewers gave a sample of responses in the review workbook
    (`complaint-audit sample`, filled in, then `complaint-audit reviews import`): for each
    criterion of a good response (RULES.md section 6), the share of ratings met, partly met and
    not met, with the reviewers and the dates they reviewed. The share of reviewed responses
    rated not met on at least one criterion is graded by `amber_above` and `red_above`. Where a
    criterion is also judged by an automatic check (decision QR002, apology QR001, remedy QR003,
    how to escalate QR004, plain language QR005, with this check's `min_reading_ease` and
    `on_extension`), the reviewer's rating is compared with the automatic one on the same
    letter: met against met, partly or not met against not met, where both say the criterion
    applies. Each criterion is reported on its own; no combined score exists [U]. Without an
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
    letters, _ = response_criteria.letters_with_text(records)
    letters = letters[pd.MultiIndex.from_frame(letters[list(KEY)]).isin(pd.MultiIndex.from_frame(keys))]
    final = response_criteria.final_stage(records)[letters.index]
    needed = response_criteria.phrases_needed(letters, final, params["on_extension"])
    read = letter_text.measure(letters["response_text"], needed, readability=True)
    judged = {
        DECISION.title: response_criteria.decision(letters, read),
        APOLOGY.title: response_criteria.apology(letters, read),
        REMEDY.title: response_criteria.remedy(letters, read),
        ESCALATION.title: response_criteria.escalation(letters, read, final, params["on_extension"]),
        PLAIN_LANGUAGE.title: response_criteria.plain_language(letters, read, params["min_reading_ease"]),
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
