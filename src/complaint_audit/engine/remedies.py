"""Putting things right for the people affected: who they are and how far their cases fell short.

The ombudsmen pair each fault that caused injustice with a remedy for the person affected and a
service improvement. A check's `recommendation` is the improvement; its `remedy` template
(Check.remedy) is the personal remedy, framed by the LGSCO's Guidance on remedies: a specific
apology, consideration of a payment for time and trouble or distress, and completing what was
promised. It is filled here, the same for every check, from the exceptions table: the people
affected are its distinct cases (organisation and case id), and where the check names the
columns holding how far each case fell short (Check.shortfall), their median and range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import Check, CheckResult, Status, as_text

# Cited beside any payment a remedy suggests, where a record is under a UK scheme.
REMEDIES_GUIDANCE = " (the LGSCO's Guidance on remedies)"
# The remedy of a check of the records themselves: no complainant is harmed by a gap unless it cost them an answer.
CORRECT_THE_RECORDS = ("Check and correct the records of {people} listed; where the gap or error left a complaint "
                       "unanswered or its answer late, answer it and apologise.")
_PUT_RIGHT = (Status.WARN, Status.FAIL)


@dataclass(frozen=True)
class ShortfallSummary:
    """How far the cases fell short: the median and range of the days, over the exception rows that carry them."""

    rows: int
    median: float
    least: float
    most: float
    unit: str

    def words(self) -> str:
        """'a median of 11 working days late, range 6 to 18'; '11 working days late' for one row or one value."""
        if self.least == self.most:
            return f"{'each ' if self.rows > 1 else ''}{_days(self.most)} {self.unit}"
        return f"a median of {_days(self.median)} {self.unit}, range {_days(self.least)} to {_days(self.most)}"


@dataclass(frozen=True)
class Remedy:
    text: str
    shortfall: ShortfallSummary | None


def people_affected(exceptions: pd.DataFrame) -> int:
    """Distinct cases in the exceptions: an organisation and a case id (two stages of one case are one person)."""
    if exceptions.empty:
        return 0
    # As text (a case id read as a number and as text is one case), each column factorised on its own: a frame's
    # drop_duplicates costs some twenty times more on the few rows a check lists, and every check asks.
    organisation, _ = pd.factorize(as_text(exceptions["organisation"]), use_na_sentinel=False)
    case, cases = pd.factorize(as_text(exceptions["case_id"]), use_na_sentinel=False)
    return len(np.unique(organisation.astype(np.int64) * len(cases) + case))


def shortfall(check: type[Check], exceptions: pd.DataFrame) -> ShortfallSummary | None:
    """The median and range of how far the failing cases fell short, from the columns the check names; None without
    them."""
    declared = check.shortfall
    if declared is None or exceptions.empty or declared.column not in exceptions:
        return None
    days = pd.to_numeric(exceptions[declared.column], errors="coerce")
    if declared.less is not None:
        if declared.less not in exceptions:
            return None
        days = days - pd.to_numeric(exceptions[declared.less], errors="coerce")
    days = days[days.gt(0)]
    if days.empty:
        return None
    return ShortfallSummary(len(days), float(days.median()), float(days.min()), float(days.max()), declared.unit)


def remedy(check: type[Check], result: CheckResult, uk: bool, people: int | None = None) -> Remedy | None:
    """The remedy for the people a warn or fail result lists; None where it passed, lists nobody or has no template.

    `uk`: some record the check saw is under a UK scheme, so the LGSCO's guidance is cited beside a payment;
    `people`: people_affected(result.exceptions), where the caller has counted them already.
    """
    people = people_affected(result.exceptions) if people is None else people
    if result.status not in _PUT_RIGHT or not people or not check.remedy:
        return None
    summary = shortfall(check, result.exceptions)
    text = check.remedy.format(
        people="the person" if people == 1 else f"the {people:,} people",
        shortfall=f", {summary.words()}" if summary else "",
        guidance=REMEDIES_GUIDANCE if uk else "",
    )
    return Remedy(text, summary)


def _days(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
