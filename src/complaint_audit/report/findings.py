"""From results.json's checks to the report's findings: ombudsman wording, themes, top findings, RAG, actions.

Plain functions of plain data (the results document and the exceptions table), so the report's
judgements can be tested without rendering anything.
"""

from __future__ import annotations

from complaint_audit.audit.results import SHEET_ROWS_PER_CHECK
from complaint_audit.engine.judging import counted_share, small_base_shares
from complaint_audit.engine.remedies import ShortfallSummary
from complaint_audit.engine.standards import CODES
from complaint_audit.report import standing
from complaint_audit.report.examples import EXAMPLES_PER_FINDING
from complaint_audit.report.suppression import NO_SUPPRESSION, WITHHELD, CheckFigures, Suppression
from complaint_audit.report.text import (
    GROUP_METRIC,
    first_sentence,
    group_label,
    long_date,
    lower_first,
    metric_label,
    metric_value,
    param_value,
    percent,
    plural,
)
from complaint_audit.report.themes import THEME_BY_KEY, THEMES, TIMESCALES, theme_of
from complaint_audit.report.voice import Voice

UK_VOICE = Voice(uk=True)

RAG = {"fail": "red", "warn": "amber", "pass": "green", "not_applicable": "grey", "error": "grey"}
STATUS_LABELS = {"fail": "Red", "warn": "Amber", "pass": "Green", "not_applicable": "Not applicable", "error": "Error"}
_SEVERITY = {"fail": 4, "warn": 3, "error": 2, "pass": 1, "not_applicable": 0}
_LIKELIHOOD = {"fail": "would be likely to", "warn": "might"}
# Three failing checks anywhere make the whole assessment red: one bad area is a finding, three are a pattern.
SEVERAL_FAILS = 3
# The amber paragraph's words where no red or amber finding is fault (report/standing.py).
_SHORT_BELOW = "It falls short of the council's own procedure or good practice in the areas set out below"
RAG_RULE = (
    "Red when any check fails in timeliness, children's statutory complaints or MP and councillor complaints "
    f"(the statutory and equal-treatment duties), or when {SEVERAL_FAILS} or more checks fail anywhere; amber when "
    "any other check fails, any check is amber or a check could not run; green otherwise. Checks that could not be "
    "applied to the data provided do not count either way."
)
THIN_EVIDENCE_RULE = (
    "There is no overall grade where fewer than half the checks could be rated, or none of the timeliness checks "
    "could: a grade on so little evidence would say more than the records show."
)


def primary_percent(metrics: dict) -> float | None:
    """The share of cases failing, whatever the check calls it (percent_failing, member_percent, ...)."""
    if isinstance(metrics.get("percent_failing"), (int, float)):
        return float(metrics["percent_failing"])
    for name, value in metrics.items():
        positive = any(word in name for word in ("on_time", "_met", "meeting", "upheld", "public", "outside"))
        if "percent" in name and not positive and not GROUP_METRIC.match(name) and isinstance(value, (int, float)):
            return float(value)
    return None


def group_table(metrics: dict, shown: CheckFigures | None = None) -> dict | None:
    """For per-group metrics (process and stage), one table with a row per group; None where the check has none.

    With `shown`, small counts and withheld percentages are shown as suppression says.
    """
    rows, columns = {}, []
    for name, value in metrics.items():
        match = GROUP_METRIC.match(name)
        if match:
            process, stage, field = match.groups()
            text = metric_value(field, value)
            rows.setdefault(group_label(process, stage), {})[field] = shown.metric(name, value, text) if shown else text
            columns += [field] if field not in columns else []
    if not rows:
        return None
    return {"columns": ["Group", *(metric_label(column) for column in columns)],
            "rows": [[label, *(cells.get(column, "–") for column in columns)] for label, cells in rows.items()]}


def fault(check: dict) -> str:
    """What the fault is, to follow 'because': the check's own wording (its `fault`), else its finding.

    `fault_when_warn` wins for an amber result: an amber may say less than a red. Where a segment
    graded worse than the pool heads the finding (engine/segments.py), the fault is said there, the pool beside it.
    """
    headline = (check.get("segments") or {}).get("headline")
    if headline:
        return small_base_shares(lower_first(headline))
    formatted = {name: metric_value(name, value) for name, value in check["metrics"].items()}
    wording = (check["status"] == "warn" and check.get("fault_when_warn")) or check.get("fault")
    if wording:  # None for a check that states no fault, and in an older run's results
        try:
            return small_base_shares(wording.format_map(formatted))
        except KeyError:  # a figure this run lacks
            pass
    return lower_first(first_sentence(check["finding"]))


def ombudsman_sentence(check: dict, voice: Voice = UK_VOICE) -> str | None:
    """'Had the Ombudsman investigated, it would be likely to find fault because ...' for red and amber checks whose
    standard is a statutory scheme or a code in force, else 'This falls short of the council's own procedure: ...'
    (report/standing.py; another reviewer than the Ombudsman where no record is under a UK scheme: voice.py)."""
    if check["status"] not in _LIKELIHOOD:
        return None
    return standing.judgement(check, _LIKELIHOOD[check["status"]], fault(check), voice)


def recommendation_sentence(action: str, priority: str) -> str:
    """'The council should ..., within three months.' from a check's action and priority."""
    return f"The council should {lower_first(action)}, {TIMESCALES.get(priority, priority)}."


def check_finding(check: dict, examples: list[dict], suppression: Suppression = NO_SUPPRESSION,
                  voice: Voice = UK_VOICE) -> dict:
    """One check as the report shows it; `examples` are its first cases listed (examples.first_cases).

    Under suppression, small counts and the percentages that would reveal them are withheld, and
    so are the example cases when there are few (listing them would count them).
    """
    theme, status, metrics = theme_of(check), check["status"], check["metrics"]
    share, tally = primary_percent(metrics), check.get("tally")
    shown = suppression.check_figures(metrics, [check["finding"], fault(check)], check["params"])
    groups = group_table(metrics, shown)
    examples = [] if suppression.small(check["exceptions"]) else examples[:EXAMPLES_PER_FINDING]
    withheld = shown.percent_withheld(share)
    recommendation = check["recommendation"] if status in _LIKELIHOOD else None
    remedy = check.get("remedy") if status in _LIKELIHOOD else None
    return {
        "code": check["code"], "title": check["title"], "area": check["area"], "rule": check["rule"],
        "source": voice.source(check), "status": status, "rag": RAG[status], "status_label": STATUS_LABELS[status],
        "theme": theme.key, "theme_title": theme.title, "finding": shown.sentence(check["finding"]),
        "ombudsman": shown.sentence(ombudsman_sentence(check, voice)),
        "brief": shown.sentence(first_sentence(check["finding"]) + "."),
        "detail": shown.sentence(_not_repeated(check["finding"], ombudsman_sentence(check, voice))),
        "is_fault": status in _LIKELIHOOD and standing.is_fault(check, voice),
        "standing": standing.label(check, voice) if status in _LIKELIHOOD else None,
        "kind": standing.kind(check, voice) if status in _LIKELIHOOD else None,
        "standard": _standard_text(check.get("standard"), failing_only=True) or _standard_text(check.get("standard")),
        "remedy": remedy and shown.sentence(remedy["text"]),
        "people_affected": _people(check.get("people_affected", 0), suppression),
        "people": check.get("people_affected", 0), "standard_judged": check.get("standard"),
        "shortfall": _shortfall_words(remedy),
        "same_as": None, "merged": [],  # filled where issues merge findings (report/context.py)
        "fault": shown.sentence(_sentence(fault(check))) if status in _LIKELIHOOD else None,
        "impact": _impact(check.get("impact") or (theme.impact if voice.uk else theme.general_impact or theme.impact),
                          check, remedy, suppression) if status in _LIKELIHOOD else None,
        "action": recommendation and recommendation["text"].rstrip("."),
        "priority": recommendation and recommendation["priority"],
        "recommendation": recommendation and recommendation_sentence(recommendation["text"].rstrip("."),
                                                                     recommendation["priority"]),
        "percent_failing": share, "percent_withheld": withheld, "graded": _graded(check, share, withheld),
        "percent_text": _share_text(share, tally, withheld, _graded(check, share, withheld)),
        "thresholds": check["thresholds"], "groups": groups,
        "exceptions": suppression.count(check["exceptions"]), "cases_failing": check["exceptions"] > 0,
        "evidence": _evidence_file(check["exceptions"]),
        "examples": examples,
        "params": [{"name": name, "value": param_value(value)} for name, value in check["params"].items()],
    }


def _impact(template: str, check: dict, remedy: dict | None, suppression: Suppression) -> str:
    """The theme's impact said of this finding's own people and how far they fell short."""
    count = check.get("people_affected", 0)
    people = {0: "people", 1: "the person complaining"}.get(count, f"{suppression.count(count)} people")
    shortfall = _shortfall_words(remedy)
    text = template.format(people=people, shortfall=f", {shortfall}" if shortfall else "")
    return text[:1].upper() + text[1:]


def _graded(check: dict, share: float | None, withheld: bool) -> dict | None:
    """The share the grade rests on: the worst group beyond chance where a group graded the check (engine/segments.py),
    else the pool, with its counts; None where there is no share, or it is withheld."""
    if share is None or withheld:
        return None
    groups = [group for group in (check.get("segments") or {}).get("groups", [])
              if group.get("beyond_chance") and group.get("status") == check["status"] and group["percent"] is not None]
    if groups:
        worst = max(groups, key=lambda group: group["percent"])
        return {"failing": worst["failing"], "assessed": worst["assessed"], "percent": worst["percent"], "group": True}
    tally = check.get("tally")
    if not tally:
        return {"failing": None, "assessed": None, "percent": share, "group": False}
    return {"failing": tally["failing"], "assessed": tally["assessed"], "percent": share, "group": False}


def _not_repeated(finding: str, judgement: str | None) -> str:
    """The finding without its first sentence where the judgement already says all of it (the check's own fault
    wording): the evidence that follows the judgement, not the judgement twice. A first sentence that says more (a
    breakdown, the test behind a group) stays."""
    if not judgement:
        return finding
    first = first_sentence(finding)
    return finding[len(first):].lstrip(". ") if lower_first(first).lower() in judgement.lower() else finding


def _people(count: int, suppression: Suppression) -> str:
    """'the person affected' or 'the 157 people affected', the count shown as suppression allows."""
    shown = suppression.count(count)
    return "the person affected" if count == 1 and shown == "1" else f"the {shown} people affected"


def _shortfall_words(remedy: dict | None) -> str | None:
    """How far the cases fell short, in the remedy's words: 'a median of 7 working days late, range 1 to 22'."""
    shortfall = (remedy or {}).get("shortfall")
    if not shortfall:
        return None
    return ShortfallSummary(shortfall["rows"], shortfall["median"], shortfall["min"], shortfall["max"],
                            shortfall["unit"]).words()


def _standard_text(standard: dict | None, failing_only: bool = False) -> str | None:
    """The standard a check applies, for the report: its name, and the date it applies from where it has one;
    `failing_only`: just the parts that judged failing cases (the summary's issues)."""
    if not standard:
        return None
    parts = [part for part in standard["parts"] if part.get("cases_failing") or not failing_only]
    if not parts:
        return None
    text = "; ".join(part["name"] + (f" (from {long_date(part['in_force_from'])})" if part["in_force_from"] else "")
                     for part in parts)
    return text[:1].upper() + text[1:]


def _share_text(share: float | None, tally: dict | None, withheld: bool, graded: dict | None = None) -> str:
    """The share failing as the catalogue shows it: withheld, "2 of 6" on a small base, or the percentage with its
    counts; where a group graded the check, that group's share first and the pool's after it."""
    if withheld:
        return WITHHELD
    if share is None:
        return "–"
    pooled = counted_share(tally["failing"], tally["assessed"]) if tally else percent(share)
    if graded and graded["group"]:
        return f"{counted_share(graded['failing'], graded['assessed'])} in the worst group; {pooled} overall"
    return pooled


def _evidence_file(exceptions: int) -> dict:
    """Where a reader finds every case: the workbook, or the CSV when the workbook holds only some."""
    if exceptions > SHEET_ROWS_PER_CHECK:
        return {"file": "exceptions.csv", "where": "rows for"}
    return {"file": "exceptions.xlsx", "where": "sheet Exceptions,"}


def _worst(findings: list[dict]) -> str:
    return max((f["status"] for f in findings), key=_SEVERITY.__getitem__, default="not_applicable")


def themes(findings: list[dict], voice: Voice = UK_VOICE) -> list[dict]:
    """The seven themes in report order, each with its findings: red and amber first, then the rest.

    Where no record is under a UK scheme, the themes left with no check (those of UK rules only) are
    left out, and the others say what they look at without the UK's codes.
    """
    result = []
    shown = [theme for theme in THEMES if voice.uk or any(f["theme"] == theme.key for f in findings)]
    for number, theme in enumerate(shown, start=1):
        mine = [f for f in findings if f["theme"] == theme.key]
        concerns = sorted((f for f in mine if f["status"] in _LIKELIHOOD),
                          key=lambda f: (-_SEVERITY[f["status"]], -(f["percent_failing"] or 0), f["code"]))
        counts = {status: sum(f["status"] == status for f in mine) for status in RAG}
        result.append({
            "key": theme.key, "number": number, "title": theme.title, "owner": theme.owner,
            "questions": list(theme.questions) if voice.uk else [],
            "scope": theme.scope if voice.uk else theme.general_scope or theme.scope,
            "rag": RAG[_worst(mine)], "status_label": STATUS_LABELS[_worst(mine)], "counts": counts,
            "checks": len(mine), "concerns": concerns, "no_concerns": _no_concerns(mine),
            "others": [f for f in sorted(mine, key=lambda f: f["code"]) if f["status"] not in _LIKELIHOOD],
        })
    return result


def _no_concerns(findings: list[dict]) -> str:
    """What a theme with no red or amber check says: "No fault found" only where no case failed any of its checks."""
    if any(f["cases_failing"] for f in findings):
        return ("None of the checks in this theme is red or amber, but some cases fell short: see the checks below and "
                "their cases in the exceptions.")
    return "No fault found: none of the checks in this theme is red or amber."


def overall(findings: list[dict], voice: Voice = UK_VOICE) -> dict:
    """The overall assessment (red, amber or green) and its paragraph, by RAG_RULE, with its coverage: how many
    checks could be rated. Where too few could (THIN_EVIDENCE_RULE), there is no overall grade at all."""
    counts = {status: sum(f["status"] == status for f in findings) for status in RAG}
    total = len(findings)
    rated = counts["fail"] + counts["warn"] + counts["pass"]
    coverage = f"rated on {rated} of {plural(total, 'check')}"
    red_themes = [theme.title for theme in THEMES if theme.red_when_failing
                  and any(f["status"] == "fail" and f["theme"] == theme.key for f in findings)]
    tally = f"{counts['fail']} of the {rated} checks rated are red and {counts['warn']} amber"
    if _too_thin(findings, rated, total):
        rag = "grey"
        text = (f"No overall grade: the records provided let this assessment rate only {rated} of {plural(total, 'check')}"
                f"{', none of them on timeliness' if not _rated_in(findings, 'timeliness') else ''}, too few to "
                f"judge {voice.body}'s complaint handling as a whole. The findings below stand on their own.")
    elif red_themes or counts["fail"] >= SEVERAL_FAILS:
        rag = "red"
        where = f", including in {_and([lower_first(title) for title in red_themes])}" if red_themes else ""
        judged = _judged_overall(findings, voice, "would be likely to", " the complaints audited",
                                 f" in {voice.body}'s complaint handling",
                                 f"{voice.body.capitalize()}'s complaint handling falls short of its own procedure or "
                                 "good practice")
        text = (f"{judged}. {tally}{where}. {voice.body.capitalize()} should act on the recommendations in this report, "
                "and put things right for the people affected, the high-priority ones first.")
    elif counts["fail"] or counts["warn"] or counts["error"]:
        rag = "amber"
        text = (f"{voice.body.capitalize()}'s complaint handling meets most of the standards tested, but not all: "
                f"{tally}. {_judged_overall(findings, voice, 'might', '', ' in the areas set out below', _SHORT_BELOW)}; "
                f"{voice.body} should act on the recommendations before they become a pattern.")
    else:
        rag = "green"
        text = (f"No check found fault: all {rated} checks rated are green. {voice.body.capitalize()} should keep "
                "monitoring its complaint handling at this standard.")
    if counts["error"]:
        text += f" {plural(counts['error'], 'check')} could not run, so this assessment is incomplete."
    if counts["not_applicable"]:
        text += f" {plural(counts['not_applicable'], 'check')} could not be applied to the data provided."
    intro = f"{voice.judged('would be likely to')} where a finding is red, and might find fault where it is amber" + (
        f", if it rests on a statutory scheme or a code in force when the complaints were handled ({_CODES_IN_FORCE}); "
        "the others fall short of the council's own procedure or good practice, as each says." if voice.uk else
        f", where it rests on {voice.standard}; the others fall short of good practice, as each says.")
    label = "Not graded" if rag == "grey" else rag.capitalize()
    return {"rag": rag, "label": label, "text": text, "counts": counts, "checks": total, "rated": rated,
            "coverage": coverage, "graded": rag != "grey", "rule": RAG_RULE + " " + THIN_EVIDENCE_RULE,
            "findings_intro": intro}


# When each Complaint Handling Code applies, said once for the findings that name no dates of their own on paper.
_CODES_IN_FORCE = "; ".join(f"{code.name} applies from {long_date(code.in_force_from)}" for code in CODES)


def _rated_in(findings: list[dict], theme: str) -> bool:
    return any(f["theme"] == theme and f["status"] in ("pass", "warn", "fail") for f in findings)


def _too_thin(findings: list[dict], rated: int, total: int) -> bool:
    """THIN_EVIDENCE_RULE: fewer than half the checks rated, or none of the timeliness checks."""
    return rated * 2 < total or not _rated_in(findings, "timeliness")


def _judged_overall(findings: list[dict], voice: Voice, likelihood: str, what: str, where: str, short: str) -> str:
    """'Had the Ombudsman investigated[ what], it [likelihood] find fault[ where]' where some red or amber finding is
    fault (report/standing.py), else SHORT: what the handling falls short of. It says nothing of injustice: that is
    shown, or not, case by case."""
    if any(f.get("is_fault") for f in findings):
        return f"{voice.judged(likelihood, what)}{where}"
    return short


def recommendations(findings: list[dict], issue_of: dict[str, str] | None = None,
                    issue_rank: dict[str, int] | None = None) -> list[dict]:
    """The action plan: one numbered recommendation per issue (`issue_of`: each red or amber check's issue, by its
    lead check, report/issues.py), in the lead check's words and in the issues' order (`issue_rank`, by check), so
    issue 1 of the summary is recommendation 1; without issues, one per distinct action, red and weightier first.

    Its owners and due dates come from the cases and the run (report/tracking.py); `suggested_owner`, the
    theme's, stands only where no case names a team."""
    issue_of, issue_rank = issue_of or {}, issue_rank or {}
    lead = {f["code"]: f for f in findings}
    grouped: dict[str, list[dict]] = {}
    for finding in findings:
        if finding["action"]:
            key = issue_of.get(finding["code"])
            grouped.setdefault(lead[key]["action"] if key in lead and lead[key]["action"] else finding["action"],
                               []).append(finding)
    ranked = []
    for action, sources in grouped.items():
        first = min(sources, key=lambda f: (-_SEVERITY[f["status"]], -THEME_BY_KEY[f["theme"]].weight))
        priority = min((f["priority"] for f in sources), key=_urgency)
        order = (min(issue_rank.get(f["code"], len(findings)) for f in sources), first["status"] != "fail",
                 -THEME_BY_KEY[first["theme"]].weight, _urgency(priority), first["code"])
        ranked.append((order, {
            "action": action, "text": recommendation_sentence(action, priority),
            "priority": "High" if any(f["status"] == "fail" for f in sources) else "Medium",
            "timescale": TIMESCALES.get(priority, priority), "due_in": priority,
            "suggested_owner": THEME_BY_KEY[first["theme"]].owner,
            "theme_title": first["theme_title"],
            "codes": sorted(f["code"] for f in sources),
        }))
    ordered = [item for _, item in sorted(ranked, key=lambda pair: pair[0])]
    return [{**item, "number": number} for number, item in enumerate(ordered, start=1)]


def _urgency(priority: str) -> int:
    """Quick wins first, then three months, then twelve; a priority the report does not know, last."""
    return list(TIMESCALES).index(priority) if priority in TIMESCALES else len(TIMESCALES)


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:] + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
