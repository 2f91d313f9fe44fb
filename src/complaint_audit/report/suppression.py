"""Small-count suppression: counts of 1 to N-1 shown as '<N', and the percentages that would reveal them withheld.

A report that goes to a public committee must not let a reader single out the few people
behind a small count (disclosure control; public bodies usually suppress counts of 1 to 4).
`[report] suppress_below = N` turns it on; every count and share the report shows passes
through one Suppression, in the context-building layer, so the HTML, the PDF and the
Markdown withhold the same figures. results.json and the exceptions workbook are for the
auditor and are never suppressed.

The rule: a count of complaints, cases or rows from 1 to N-1 is shown as '<N' (0 stays 0: it
singles nobody out); a percentage is withheld ('[c]', the statistical service's mark for a
confidential cell) when its denominator, its numerator or the rest (denominator - numerator)
is such a count, so a small count cannot be worked back from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from complaint_audit.engine.judging import SMALL_BASE
from complaint_audit.report.text import GROUP_METRIC, number, percent

WITHHELD = "[c]"
# Integer metrics whose names say they are not counts of complaints, cases or rows: durations,
# medians and statistics anywhere in the name, and tallies of groups, teams or themes by their
# first word ("complaints_in_flagged_themes" counts complaints; "flagged_themes" counts themes).
# A metric that echoes one of the check's parameters is not a count either.
_NOT_COUNT_WORDS = ("percent", "median", "_days", "p_value", "effect", "difference", "similarity", "score")
_TALLY_PREFIXES = ("group", "team", "process", "comparison", "recurring_themes", "flagged_themes", "looser",
                   "categories", "outcomes_not")
_NUMBER = re.compile(r"(?<![\w.,/\-£$:])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%/\-]|[.,]\d)")
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)%")
# Words around a number that make it a label or a duration, not a count: 'Stage 2', '6 months'.
_LABEL_BEFORE = re.compile(r"(?:\b(?:[Ss]tage|[Dd]ay|[Ss]ection|Appendix|Recommendation)|p [=<])\s*$")
_DURATION_AFTER = re.compile(r"^\s*(?:working\s+)?(?:days?|months?|years?|weeks?|points?|percent)\b")
# 'X of Y ... (P%)' and 'P% of Y': the share and the counts it was made from, within one clause.
_SHARE_OF_COUNTS = re.compile(r"(\d[\d,]*) of (\d[\d,]*)\b[^;:()]*?\((\d+(?:\.\d+)?)%\)")
_SHARE_OF_COUNT = re.compile(r"(\d+(?:\.\d+)?)% of (\d[\d,]*)\b")


def is_case_count(name: str, value, params: Iterable[str] = ()) -> bool:
    """Whether a check's metric counts complaints, cases or rows (and so may need suppressing)."""
    return (isinstance(value, int) and not isinstance(value, bool) and name not in params
            and not any(word in name for word in _NOT_COUNT_WORDS) and not name.startswith(_TALLY_PREFIXES))


def _int(text: str) -> int:
    return int(text.replace(",", ""))


@dataclass(frozen=True)
class Suppression:
    """Counts below `below` (from 1) shown as '<below'; 0 or 1 turns suppression off."""

    below: int = 0

    @property
    def on(self) -> bool:
        return self.below > 1

    @property
    def small_text(self) -> str:
        return f"<{self.below}"

    def small(self, value) -> bool:
        """A count from 1 to below-1."""
        return self.on and value is not None and not pd.isna(value) and 1 <= value < self.below

    def count(self, value) -> str:
        """A count as the report shows it: '1,234', or '<5' when small."""
        return self.small_text if self.small(value) else number(value)

    def withholds(self, numerator, denominator) -> bool:
        """Whether numerator/denominator as a percentage would reveal a small count."""
        if not self.on or denominator is None:
            return False
        rest = None if numerator is None else denominator - numerator
        return any(self.small(value) for value in (numerator, denominator, rest))

    def share(self, value, numerator, denominator) -> str:
        """A percentage, or '[c]' when it would reveal a small count."""
        return WITHHELD if self.withholds(numerator, denominator) else percent(value)

    def mask_share(self, mask: pd.Series) -> tuple[float | None, str]:
        """The share of True in a boolean column, rounded as the report rounds, and its text: the counts ('5 of 8')
        where the base is under SMALL_BASE, on which a percentage misleads."""
        if not len(mask):
            return None, percent(None)
        share, part = round(100.0 * mask.mean(), 1), int(mask.sum())
        if self.withholds(part, len(mask)):
            return None, WITHHELD
        return share, f"{part:,} of {len(mask):,}" if len(mask) < SMALL_BASE else percent(share)

    def note(self) -> dict:
        """What the report says about suppression (Appendix C and under the headline figures)."""
        if not self.on:
            return {"on": False, "below": self.below, "text": ""}
        return {"on": True, "below": self.below, "text": (
            f"Counts of 1 to {self.below - 1} complaints, cases or rows are shown as "
            f"{self.small_text}, and a percentage that would reveal such a count (from its numerator, its "
            f"denominator or the rest) is shown as {WITHHELD}; a count of 0 is shown. The auditor's results.json "
            "and exceptions workbook hold the exact figures.")}

    # -- a check's figures and sentences ---------------------------------------------------------

    def check_figures(self, metrics: Mapping, texts: Iterable[str], params: Iterable[str] = ()) -> CheckFigures:
        """The small counts and withheld percentages of one check, from its metrics, sentences and parameter names."""
        params = frozenset(params)
        if not self.on:
            return CheckFigures(self, frozenset(), frozenset(), params)
        counts = {name: value for name, value in metrics.items() if is_case_count(_field(name), value, params)}
        small = {value for value in counts.values() if self.small(value)}
        withheld = set()
        if self.withholds(metrics.get("failing"), metrics.get("assessed")):
            withheld.add(_rounded(metrics.get("percent_failing")))
        possible = {_rounded(100.0 * k / d) for d in small for k in range(d + 1)}
        for name, value in metrics.items():
            if "percent" in name and isinstance(value, (int, float)) and not isinstance(value, bool):
                if _rounded(value) in possible:
                    withheld.add(_rounded(value))
        for text in texts:
            for numerator, denominator, share in _SHARE_OF_COUNTS.findall(text or ""):
                if self.withholds(_int(numerator), _int(denominator)):
                    withheld.add(_rounded(float(share)))
                    small |= {n for n in (_int(numerator), _int(denominator)) if self.small(n)}
            for share, denominator in _SHARE_OF_COUNT.findall(text or ""):
                if self.small(_int(denominator)):
                    withheld.add(_rounded(float(share)))
        return CheckFigures(self, frozenset(small), frozenset(withheld - {None}), params)


@dataclass(frozen=True)
class CheckFigures:
    """One check's figures under suppression: which counts are small and which percentages are withheld."""

    suppression: Suppression
    small: frozenset[int]
    withheld: frozenset[float]
    params: frozenset[str] = frozenset()

    def metric(self, name: str, value, formatted: str) -> str:
        """A metric's shown value: '<5' for a small count, '[c]' for a withheld percentage, else as formatted."""
        field = _field(name)
        if is_case_count(field, value, self.params) and self.suppression.small(value):
            return self.suppression.small_text
        if "percent" in field and isinstance(value, (int, float)) and _rounded(value) in self.withheld:
            return WITHHELD
        return formatted

    def percent_withheld(self, value) -> bool:
        return value is not None and _rounded(value) in self.withheld

    def sentence(self, text: str | None) -> str | None:
        """A sentence with its small counts as '<5' and its withheld percentages as '[c]'."""
        if not text or not (self.small or self.withheld):
            return text
        text = _PERCENT.sub(lambda m: WITHHELD if _rounded(float(m[1])) in self.withheld else m[0], text)
        return _NUMBER.sub(self._count_token, text)

    def _count_token(self, match: re.Match) -> str:
        before, after = match.string[:match.start()], match.string[match.end():]
        if _int(match[1]) not in self.small or _LABEL_BEFORE.search(before) or _DURATION_AFTER.match(after):
            return match[0]
        return self.suppression.small_text


def _field(name: str) -> str:
    """A per-group metric's own field ('corporate_stage_1_member_cases' -> 'member_cases')."""
    match = GROUP_METRIC.match(name)
    return match.group(3) if match else name


def _rounded(value) -> float | None:
    return None if value is None else round(float(value), 1)


NO_SUPPRESSION = Suppression(0)


def withhold_trend(trend: dict | None, suppression: Suppression, codes: set[str],
                   cases: tuple[int, int]) -> dict | None:
    """The trend with the checks' withheld shares, and a small number of cases then or now, not shown."""
    if not trend or not trend.get("available") or not suppression.on:
        return trend
    hidden = {"before_percent": WITHHELD, "after_percent": WITHHELD, "change": WITHHELD}
    for key in ("worse", "better", "changed"):
        trend[key] = [{**row, **hidden} if row["code"] in codes else row for row in trend[key]]
    if any(suppression.small(count) for count in cases):
        trend["headline"] = [{**row, "before": suppression.count(cases[0]), "after": suppression.count(cases[1]),
                              "change": WITHHELD} if row["label"] == "Complaints (cases)" else row
                             for row in trend["headline"]]
    return trend
