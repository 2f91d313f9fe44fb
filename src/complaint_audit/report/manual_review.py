"""The report's manual evidence: reviewers' scores per criterion and per team, and their agreement with QR001-QR005 and QR011.

The tables tally the scores stored in the run's store with the same functions as the check that
tallies them (the one whose `reviews` is true in results.json, QR008), and the agreement rates are
that check's own figures, so the section and the check say the same. Which automatic check judges
a criterion is each check's own `review_criterion`. Reviewers are shown as they wrote their names in the workbook (the auditor
chooses names or initials; an email or phone number was masked at import). Notes are never
stored, so they cannot reach the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from complaint_audit.audit.run_folder import RunFolder
from complaint_audit.letters.criteria import CRITERION_NAMES
from complaint_audit.letters.ratings import review_dates, reviewers, tally
from complaint_audit.report.text import long_date, number, percent, plural

if TYPE_CHECKING:
    from complaint_audit.report.context import Assessment

NOT_IMPORTED = ("No reviewer scores were imported for this run, so the quality of responses rests on the automatic "
                "text checks alone (QR001 to QR007). To add manual evidence, draw a sample with complaint-audit "
                "sample, have reviewers score it, and list the workbook under [reviews] files in audit.toml.")


def section(current: Assessment) -> dict:
    """The section for the run an assessment (report.context.assessment) describes."""
    checks = current.results["checks"]
    return manual_evidence(RunFolder(current.run_dir).store(current.manifest).read_reviews(),
                           next((check for check in checks if check.get("reviews")), None), automatic_checks(checks))


def automatic_checks(checks: list[dict]) -> dict[str, str]:
    """Each criterion an automatic check judges from the letter text, and that check's code (its `review_criterion`)."""
    return {check["review_criterion"]: check["code"] for check in checks if check.get("review_criterion")}


def manual_evidence(reviews: pd.DataFrame | None, check: dict | None, automatic: dict[str, str]) -> dict:
    """Plain values for the templates: a summary, the per-criterion and per-team tables, the agreement.

    `check` is the run's check of the reviewers' scores, `automatic` the code of each criterion's automatic check."""
    if reviews is None or reviews.empty:
        return {"available": False, "note": NOT_IMPORTED}
    names = reviewers(reviews)
    first, last = review_dates(reviews) or (None, None)
    cases = len(reviews[["organisation", "case_id", "stage"]].drop_duplicates())
    metrics = check["metrics"] if check and check["status"] in ("pass", "warn", "fail") else {}
    return {
        "available": True,
        "summary": (f"Manual evidence: {plural(len(names), 'reviewer')} ({', '.join(names)}) scored "
                    f"{plural(cases, 'sampled response')} between {long_date(first)} and {long_date(last)}, each "
                    "criterion of a good response on its own. These are reviewers' judgements of a sample, beside the "
                    "automatic checks of every letter above."),
        "reviewers": ", ".join(names), "dates": f"{long_date(first)} to {long_date(last)}",
        "criteria": _criteria_table(tally(reviews, "criterion"), metrics, automatic),
        "teams": _teams_table(tally(reviews, "team")),
        "agreement": _agreement(metrics, check),
    }


def _criteria_table(counts: pd.DataFrame, metrics: dict, automatic: dict[str, str]) -> dict:
    rows = [
        [title, number(int(row["cases"])), number(int(row["rated"])), percent(_share(row["percent_met"])),
         percent(_share(row["percent_partly"])), percent(_share(row["percent_not_met"])), number(int(row["not applicable"])),
         automatic.get(title, "none"), percent(metrics.get(f"percent_{CRITERION_NAMES[title]}_agreement"))]
        for title, row in counts.iterrows()
    ]
    return {"columns": ["Criterion", "Cases", "Rated", "Met", "Partly", "Not met", "Not applicable", "Automatic check",
                        "Agreement"], "rows": rows}


def _teams_table(counts: pd.DataFrame) -> dict:
    rows = [[team, number(int(row["cases"])), number(int(row["rated"])), percent(_share(row["percent_met"])),
             percent(_share(row["percent_partly"])), percent(_share(row["percent_not_met"]))]
            for team, row in counts.iterrows()]
    return {"columns": ["Team", "Cases", "Ratings", "Met", "Partly", "Not met"], "rows": rows}


def _agreement(metrics: dict, check: dict | None) -> str:
    if not check:
        return "No check of the reviewers' scores was run, so their agreement with the automatic checks is not reported."
    if not metrics.get("compared"):
        return "No reviewed letter was also judged by the automatic checks, so agreement is not measured."
    return (f"Agreement with the automatic checks: where a reviewer and an automatic check (QR001 to QR005, QR011) judged the "
            f"same criterion on the same letter, they agreed on {number(metrics['agreeing'])} of "
            f"{number(metrics['compared'])} ratings ({percent(metrics['percent_agreement'])}); 'partly' counts as not met.")


def _share(value) -> float | None:
    return None if pd.isna(value) else float(value)
