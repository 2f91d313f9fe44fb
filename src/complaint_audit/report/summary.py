"""The executive summary: the judgement and its coverage, about five issues, what could not be tested, and the asks.

Two pages a committee member reads first, so everything here is plain sentences from the run's
own figures: each issue says what happened, to how many people, how far short, under which
standard and how to put it right (report/issues.py merges and ranks them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from complaint_audit.report.issues import SUMMARY_ISSUES
from complaint_audit.report.text import long_date, number, plural
from complaint_audit.report.themes import THEME_BY_KEY
from complaint_audit.schema import PROCESS_WORDS

# Records older than this at the date of the report may no longer show how the council handles complaints.
STALE_AFTER_MONTHS = 6
_NOT_APPLICABLE = "Not applicable: "


def summary_issues(issues: list[dict], count: Callable[[int], str] = "{:,}".format) -> list[dict]:
    """The top SUMMARY_ISSUES issues by score, and the best issue of any theme with statutory or equal-treatment
    duties (a red theme on its own) that they leave out: a committee must not miss a children's or members' fault.
    `count` shows a number of people as the report's disclosure control allows."""
    shown = issues[:SUMMARY_ISSUES]
    themes = {issue["lead"]["theme"] for issue in shown}
    for issue in issues[SUMMARY_ISSUES:]:
        theme = issue["lead"]["theme"]
        if THEME_BY_KEY[theme].red_when_failing and issue["lead"]["status"] == "fail" and theme not in themes:
            shown.append(issue)
            themes.add(theme)
    return [_issue_text(issue, count) for issue in shown]


def _issue_text(issue: dict, count: Callable[[int], str]) -> dict:
    """One issue as the summary says it: lead finding's words, the people across the merged findings (as `count`,
    the report's disclosure control, shows them)."""
    lead, findings = issue["lead"], issue["findings"]
    worst = "fail" if any(f["status"] == "fail" for f in findings) else "warn"
    return {
        "number": issue["number"], "title": lead["title"], "code": lead["code"], "codes": issue["codes"],
        "rag": "red" if worst == "fail" else "amber", "status_label": "Red" if worst == "fail" else "Amber",
        "what": lead["fault"], "people": f"{count(issue['people'])} {'person' if issue['people'] == 1 else 'people'}",
        "short": lead.get("shortfall"), "standing": lead["standing"], "standard": lead["standard"],
        "remedy": lead["remedy"], "recommendation": lead["recommendation"],
        "recommendation_number": lead.get("recommendation_number"),
        "also": [f["title"] for f in findings[1:]],
    }


def could_not_test(results: dict, findings: list[dict], set_aside: dict | None, as_of: str | None,
                   report_date: dt.date) -> list[str]:
    """What this assessment could not test, in plain sentences: checks shown (`findings`) that the export gave nothing
    to test (with why),
    responses without letter text, rows set aside, and records older than STALE_AFTER_MONTHS at the report date."""
    notes = []
    shown = {f["code"] for f in findings}  # the checks the report shows: none of UK rules where no record is under one
    for check in sorted(results["checks"], key=lambda c: c["code"]):
        if check["status"] == "not_applicable" and check["code"] in shown:
            reason = check["finding"].removeprefix(_NOT_APPLICABLE).rstrip(".")
            notes.append(f"{check['title']}: {reason[:1].lower()}{reason[1:]}.")
    read_letters = [check for check in results["checks"] if check["status"] != "not_applicable" and check["code"] in shown]
    without_text = max((check["metrics"].get("without_text", 0) for check in read_letters), default=0)
    if without_text:
        by_process = max((check["metrics"].get("without_text_by_process", {}) for check in read_letters), key=len,
                         default={})
        where = "; ".join(f"{number(n)} {PROCESS_WORDS.get(process, process)}" for process, n in
                          sorted(by_process.items(), key=lambda item: (-item[1], item[0])))
        notes.append(f"The quality of {plural(without_text, 'response')} with no letter text in the records"
                     + (f" ({where})" if where else "") + ": they were not read.")
    if set_aside:
        notes.append(f"{set_aside['rows']:,} rows set aside as unusable ({set_aside['percent']}% of those read): "
                     "they are in no figure (Appendix B).")
    if as_of:
        records_date = dt.date.fromisoformat(as_of[:10])
        months = (report_date.year - records_date.year) * 12 + report_date.month - records_date.month
        if months > STALE_AFTER_MONTHS:
            notes.append(f"Handling since {long_date(records_date)}: the records are {plural(months, 'month')} old at "
                         "the date of this report, so they may not show how complaints are handled today.")
    not_rated = [f for f in findings if f["status"] == "error"]
    if not_rated:
        notes.append(f"{plural(len(not_rated), 'check')} could not run: "
                     + ", ".join(f["title"] for f in not_rated) + ".")
    return notes


def committee_asks(recommendations: list[dict], issues: list[dict], graded: bool, report_date: dt.date) -> list[str]:
    """'The Committee is asked to ...': what the committee is asked to do with this report, with dates."""
    asks = ["note the assessment" + (" and its overall grade" if graded else "") + ", and what it could not test;"]
    if recommendations:
        responses_by = report_date + dt.timedelta(days=28)
        asks.append(f"agree the {plural(len(recommendations), 'recommendation')} in the action plan (section 6), and "
                    f"ask the owners for a management response and an agreed date for each by {long_date(responses_by)};")
    if any(issue["remedy"] for issue in issues):
        asks.append("ask officers to confirm that the people affected by the issues above have been, or will be, "
                    "put right as each issue says;")
    progress = report_date + dt.timedelta(days=91)
    asks.append(f"receive a report on progress, with this assessment run again on newer records, by "
                f"{long_date(progress)}.")
    return asks
