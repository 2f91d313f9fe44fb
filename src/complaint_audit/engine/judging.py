"""From a check's counts to the grade the audit signs: duties owed to each complainant, and small bases.

A check grades itself by the share of cases failing (contract.graded). Two rules sit on top, the
same for every check, so they live here and the runner applies them to each result:

- A case-level check (Check.case_level) tests a yes/no duty owed to each complainant: any failing
  case is a fault, so the grade is at least amber however large the pool it is diluted in.
- A share of fewer than SMALL_BASE cases is not a rate: "2 of 6" is said, never "33.3%", and a
  grade resting on so few cases says that the evidence is thin.

The counts are read from the metrics a check names in Check.tally (failing, assessed by default).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from complaint_audit.engine.contract import Check, CheckResult, Status, percent

# Below this many cases a percentage misleads (one case moves it by more than ten points).
SMALL_BASE = 10
_GRADED = (Status.PASS, Status.WARN, Status.FAIL)
# "6 of 18 complaint stages open on ... (33.3%)": a count, its base, the words between, the share. The words
# between stay within one sentence and hold no other count, so a share never takes a later one's percentage.
_SHARE = re.compile(r"\b(?P<count>\d[\d,]*) of (?P<base>\d[\d,]*)"
                    r"(?P<what>(?:(?!\d[\d,]* of \d)[^()%;:.])*?) \(\d+(?:\.\d+)?%\)")


def tally(check: type[Check], metrics: Mapping[str, Any]) -> tuple[int, int] | None:
    """(failing, assessed) from the metrics the check names in `tally`; None where it has no such counts."""
    failing, assessed = (metrics.get(name) for name in check.tally)
    if isinstance(failing, bool) or isinstance(assessed, bool):
        return None
    if isinstance(failing, int) and isinstance(assessed, int):
        return failing, assessed
    return None


def judged(check: type[Check], result: CheckResult) -> CheckResult:
    """The result as the audit signs it: nothing assessed is not applicable; a failing case of a
    case-level duty is at least amber; a small base is said in counts, with the evidence called thin."""
    counts = tally(check, result.metrics)
    if result.status not in _GRADED or counts is None:
        return result
    failing, assessed = counts
    if assessed == 0:
        return CheckResult(Status.NOT_APPLICABLE, result.metrics, "Not applicable: nothing to assess.", result.exceptions)
    status, finding = result.status, small_base_shares(result.finding)
    if check.case_level and failing and status == Status.PASS:
        status = Status.WARN
        each = "That case is" if failing == 1 else f"Each of the {failing:,} is"
        finding += (f" {each} a failure counted on its own, not a rate: the duty is owed to every complainant, so any "
                    "failing case is amber however large the pool.")
    if assessed < SMALL_BASE:
        finding += f" {thin_evidence(assessed)}"
    return dataclasses.replace(result, status=status, finding=finding)


def thin_evidence(assessed: int) -> str:
    """What a grade on fewer than SMALL_BASE cases says of itself ("them": the cases the finding names)."""
    return f"The evidence is thin: this grade rests on {assessed} of them, fewer than {SMALL_BASE}."


def small_base_shares(sentence: str | None) -> str | None:
    """The sentence with each "N of M ... (P%)" whose base M is below SMALL_BASE said as "N of M ..." alone."""
    if not sentence:
        return sentence
    return _SHARE.sub(lambda m: m.group(0) if _number(m["base"]) >= SMALL_BASE else
                      f"{m['count']} of {m['base']}{m['what']}", sentence)


def share_text(failing: int, assessed: int, percent_text: str) -> str:
    """A share as a table shows it: the percentage, or "2 of 6" on a base below SMALL_BASE."""
    return f"{failing:,} of {assessed:,}" if assessed < SMALL_BASE else percent_text


def counted_share(part: int, whole: int) -> str:
    """A share as a finding says it, count first: "12 of 40 (30.0%)", or "6 of 8" alone on a base below SMALL_BASE."""
    text = f"{part:,} of {whole:,}"
    return text if whole < SMALL_BASE else f"{text} ({percent(part, whole)}%)"


def _number(text: str) -> int:
    return int(text.replace(",", ""))
