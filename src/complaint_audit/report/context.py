"""report_context(run_dir): everything the report says, as plain values read from one run folder.

The templates only lay these values out (STYLE.md example 4): every count, percentage, sentence
and judgement is made here or in the modules this one calls, so the HTML, the PDF and the
Markdown cannot disagree, and a test can check a figure without rendering.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import pandas as pd

from complaint_audit.audit.run_folder import QUARANTINE, TRACKER, Manifest, RunFolder
from complaint_audit.calendar import WorkingCalendar
from complaint_audit.config import RecordedConfig
from complaint_audit.ingest.published.ombudsman import RECORD
from complaint_audit.ingest.published.regulator import RECORD as REGULATOR_RECORD
from complaint_audit.report import (
    chart_data,
    figures,
    findings,
    issues,
    manual_review,
    ombudsman,
    regulator,
    self_assessment,
    summary,
    suppressed_charts,
    trend,
)
from complaint_audit.report.appendix import glossary, lineage, method, quarantine_reasons
from complaint_audit.report.combining import combining
from complaint_audit.report.examples import first_cases
from complaint_audit.report.keys import case_codes, case_keys
from complaint_audit.report.suppression import Suppression, withhold_trend
from complaint_audit.report.teams import team_section
from complaint_audit.report.text import long_date
from complaint_audit.report.themes import theme_of
from complaint_audit.report.tracking import plan_start, tracked
from complaint_audit.report.voice import Voice

EXCEPTIONS_LINK = "exceptions.xlsx"
# Above this share of the rows read, the executive summary says how many rows were set aside:
# figures that leave out more than a few rows must say so where they are read.
SET_ASIDE_NOTED_ABOVE_PERCENT = 1.0
LEARNING_EXAMPLES = 3
_RECORD_FIELDS = ["organisation", "case_id", "stage", "team", "process", "raised_via", "received", "responded",
                  "outcome"]
# The columns of exceptions.parquet the report reads: not the reasons, the longest text in it.
_EXCEPTION_FIELDS = ["check", "organisation", "case_id", "stage", "team", "figures"]


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _organisations_read(manifest: Manifest) -> list[str] | None:
    """The organisation whose records a folder sharing its run's store reads; None (all) for a run's own store."""
    return [manifest.settings.organisation] if manifest.shares_store else None


@dataclass(frozen=True)
class Assessment:
    """One run's judgements (findings, themes, overall, actions, headline), with what they were made from."""

    run_dir: Path
    manifest: Manifest
    results: dict  # results.json
    records: pd.DataFrame
    exceptions: pd.DataFrame
    answered: pd.DataFrame  # figures.answered_stages: each answered stage and whether it was on time
    findings: list[dict]
    overall: dict
    voice: Voice
    recommendations: list[dict]
    issues: list[dict]  # report/issues.py: the red and amber findings merged by the cases they share, ranked
    suppression: Suppression
    headline: dict

    @property
    def config(self) -> RecordedConfig:
        return self.manifest.settings

    @property
    def run_id(self) -> str | None:
        return self.manifest.run_id

    @property
    def as_of(self) -> str | None:
        return self.results.get("as_of")

    @functools.cached_property
    def self_assessment(self) -> dict | None:
        """code_self_assessment(self), worked out once: a run's helper writes it as the Code's workbook while this
        process makes the rest of the report from the same assessment."""
        return code_self_assessment(self)


def assessment(run_dir: Path, suppression: Suppression | None = None, *, records: pd.DataFrame | None = None,
               exceptions: pd.DataFrame | None = None, results: dict | None = None) -> Assessment:
    """One run's assessment; a trend compares two of these.

    `suppression` defaults to the run's own `[report] suppress_below`; a previous run is read with the current one's.
    RECORDS, EXCEPTIONS and RESULTS are the run's records, exceptions table (results.exceptions_table) and results.json
    as read (json.loads) where its caller holds them, the run itself making its report while its helper writes the
    files: read back from the run folder they were the same, 0.02 s later.
    """
    folder = RunFolder(run_dir)
    manifest = folder.manifest()
    results = _read_json(folder.results_file) if results is None else results
    exceptions = (pd.read_parquet(folder.exceptions_file("parquet"), columns=_EXCEPTION_FIELDS) if exceptions is None
                  else _columns(exceptions, _EXCEPTION_FIELDS))
    config = manifest.settings
    fields = _RECORD_FIELDS + (["learning"] if config.report.free_text else [])
    records = (folder.store(manifest).read_records(fields, organisations=_organisations_read(manifest)) if records is None
               else _columns(records, fields))
    # Cases are matched and counted by integers, not by their text ids: `case_key` is the case id as
    # one (on the same scale in both tables), `case` one integer per organisation and case id.
    records["case_key"], exceptions["case_key"] = case_keys(records, exceptions)
    records["case"] = case_codes(records)
    examples = first_cases(exceptions)
    suppression = suppression or Suppression(config.report.suppress_below)
    voice = Voice.of_run(records, config)
    checks = [findings.check_finding(check, examples.get(check["code"], []), suppression, voice)
              for check in results["checks"] if voice.applies(check)]
    measured = {f["code"] for f in checks if f["status"] in ("pass", "warn", "fail")}
    answered = figures.answered_stages(records, exceptions, figures.on_time_roles(
        [check for check in results["checks"] if check["code"] in measured]))
    ranked = issues.ranked(checks, issues.case_sets(exceptions))
    plan = tracked(findings.recommendations(checks, issues.lead_of(ranked), issues.rank_of(ranked)), exceptions,
                   config.report.owners, _plan_start(manifest, results)["date"], suppression.count)
    return Assessment(folder.path, manifest, results, records, exceptions, answered, checks,
                      _overall(checks, results["checks"], voice), voice, plan, ranked, suppression,
                      figures.headline(records, answered, suppression))


def _columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The columns NAMES of FRAME, as a frame of its own (columns added to it are not FRAME's), nothing copied."""
    return pd.DataFrame({name: frame[name] for name in names}, copy=False)


def _report_date(manifest: Manifest, results: dict) -> dt.date:
    """The date the report bears: when its run finished (or, while it runs, started)."""
    moment = manifest.finished_at or manifest.started_at or dt.datetime.fromisoformat(results["generated_at"])
    return moment.date()


def _plan_start(manifest: Manifest, results: dict) -> dict:
    """Where the action plan's due dates count from: the committee's meeting where audit.toml gives it, else the report's date."""
    report = manifest.settings.report
    return plan_start(report.committee_date, _report_date(manifest, results), report.audience)


def _overall(checks: list[dict], all_checks: list[dict], voice: Voice) -> dict:
    """The overall assessment, saying which checks of UK rules were left out where no record is under a UK scheme."""
    judged = findings.overall(checks, voice)
    return {**judged, "text": judged["text"] + voice.not_applied(all_checks)}


def _previous(current: Assessment) -> Assessment | None:
    """The previous run's assessment, when the manifest names one and its folder is still there."""
    previous = current.manifest.previous_run
    folder = RunFolder(current.run_dir.parent / previous) if previous else None
    if folder is None or not folder.results_file.exists():
        return None
    return assessment(folder.path, current.suppression)


def report_meta(current: Assessment) -> dict:
    manifest, config, results = current.manifest, current.config, current.results
    period = config.period
    return {
        **{key: getattr(config.report, key) for key in ("title", "audience", "marking", "author", "free_text")},
        "organisation": config.organisation or "the organisation",
        "period": period.label if period else "all records",
        "period_dates": f"{long_date(period.start)} to {long_date(period.end)}" if period else "",
        "as_of": long_date(results.get("as_of")), "run_id": manifest.run_id,
        "date": long_date(manifest.finished_at or manifest.started_at or results["generated_at"]),
        "tool_version": manifest.tool_version or results.get("tool_version"),
        "previous_run": manifest.previous_run,
        "due_from": _plan_start(manifest, results)["text"],
    }


def _scope(current: Assessment) -> dict:
    """Section 2's scope: what was read, loaded and quarantined (the rules applied are in Appendix A)."""
    inputs = current.manifest.inputs
    totals = {key: sum(item.get(key, 0) for item in inputs) for key in ("read", "loaded", "quarantined")}
    count = current.suppression.count
    return {
        "sources": [{"path": item["path"], "profile": item.get("profile", "–"), "format": item.get("format", "–"),
                     **{key: count(item.get(key)) for key in ("read", "loaded", "quarantined")}} for item in inputs],
        "totals": {key: count(value) for key, value in totals.items()},
        "quarantine_reasons": quarantine_reasons(inputs, count),
        "combined": combining(inputs, count),
        "checks_run": len(current.findings),
        "uk": current.voice.uk,
        "standard": current.voice.scope(),
        "letters": _letters(current.manifest.letters, count),
    }


# The unmatched letters listed in Appendix B; the rest are in the workbook's sheet.
UNMATCHED_LETTERS_LISTED = 30
# The first row of the workbook's sheet of unmatched letters under its header.
_FIRST_SHEET_ROW = 2


def _letters(letters: dict | None, count) -> dict | None:
    """Section 2's account of the response letters ([letters]): read = matched + unmatched, and the unmatched, each by
    what it gives (_unmatched_letter) and its row in the workbook's sheet, where its file is named."""
    if not letters:
        return None
    from complaint_audit.letters.reconcile import REASONS

    unmatched = [item for item in letters["files"] if item["status"] != "matched"]
    return {
        "read": count(letters["read"]), "matched": count(letters["matched"]), "unmatched": count(letters["unmatched"]),
        "used": count(sum(1 for item in letters["files"] if item.get("used"))),
        "unmatched_letters": [{"row": row, "letter": _unmatched_letter(item), "reason": item["reason"],
                               "meaning": REASONS.get(item["reason"], ""), "detail": item.get("detail") or ""}
                              for row, item in enumerate(unmatched[:UNMATCHED_LETTERS_LISTED], start=_FIRST_SHEET_ROW)],
        "more": max(len(unmatched) - UNMATCHED_LETTERS_LISTED, 0),
        "sheet": EXCEPTIONS_LINK,
    }


def _unmatched_letter(item: dict) -> str:
    """An unmatched letter as the report describes it: its stage, kind, file type and the case it gives, not its file's
    name, which a case system or an officer may have given the complainant's name, and a name no export holds is not
    known to be one (docs/letters.md). The workbook's sheet names the file, masked as far as the exports allow."""
    from complaint_audit.letters.text import READABLE_KINDS

    suffix = PurePosixPath(item["letter"]).suffix.lower()
    stage = f"Stage {item['stage']} " if item.get("stage") else ""
    case = f"for {item['case_id']}" if item.get("case_id") else "with no case reference found"
    file_type = suffix if suffix in (*READABLE_KINDS, ".doc") else "another file type"
    return f"{stage}{item.get('kind') or 'letter'} ({file_type}) {case}"


def _set_aside(current: Assessment) -> dict | None:
    """The executive summary's sentence on the rows quarantined, when more than SET_ASIDE_NOTED_ABOVE_PERCENT of those read."""
    inputs = current.manifest.inputs
    read, quarantined = (sum(item.get(key, 0) for item in inputs) for key in ("read", "quarantined"))
    share = 100.0 * quarantined / read if read else 0.0
    if share <= SET_ASIDE_NOTED_ABOVE_PERCENT:
        return None
    suppression = current.suppression
    return {"rows": quarantined, "read": read, "percent": round(share, 1),
            "text": f"{suppression.count(quarantined)} of the {suppression.count(read)} rows read "
                    f"({suppression.share(round(share, 1), quarantined, read)}) were set aside (quarantined) and are "
                    "in none of the figures in this report; the reasons are in Appendix B and each row is in quarantine.csv."}


def learning_examples(current: Assessment) -> list[str]:
    """A few recorded lessons, with contact details masked; only when the config allows free text."""
    if not current.config.report.free_text:
        return []
    from complaint_audit.ingest.privacy import redact_patterns

    learning = current.records.sort_values(["case_id", "stage"])["learning"].dropna()
    learning = learning[learning.str.strip() != ""].drop_duplicates().head(LEARNING_EXAMPLES)
    return redact_patterns(learning).tolist()


def _theme_charts(checks: list[dict]) -> dict[str, str]:
    """The chart each theme shows with its evidence: the chart one of its checks feeds (`chart` in
    results.json), else the on-time chart where its checks decide what is on time. A theme with
    neither shows its checks' shares failing."""
    charts: dict[str, str] = {}
    for check in checks:
        theme = theme_of(check).key
        if check.get("chart"):
            charts[theme] = check["chart"]["key"]
        elif check.get("on_time"):
            charts.setdefault(theme, "on_time")
    return charts


def _on_time_target(checks: list[dict]) -> float | None:
    """The on-time chart's line: the share on time below which the strictest timeliness check that decides on time
    (its `on_time`) turns amber; None where none ran."""
    thresholds = [check["thresholds"]["amber_above"] for check in checks
                  if check.get("on_time") and check["status"] in ("pass", "warn", "fail")
                  and check.get("thresholds", {}).get("amber_above") is not None]
    return 100.0 - min(thresholds) if thresholds else None


def _charts(current: Assessment, themes: list[dict], calendar: WorkingCalendar) -> dict:
    suppression = current.suppression
    by_chart = {check["chart"]["key"]: check for check in current.results["checks"] if check.get("chart")}
    charts = {
        "by_month": suppressed_charts.by_month(chart_data.by_month(current.records), suppression),
        "on_time": chart_data.on_time_by_team(suppressed_charts.answered_groups(current.answered, suppression),
                                              _on_time_target(current.results["checks"])),
        "members": chart_data.members_against_public(current.records, calendar,
                                                     suppressed_charts.ft001(by_chart.get("members"), suppression)),
        "childrens_stage2": chart_data.childrens_stage2(suppressed_charts.csc002(by_chart.get("childrens_stage2"),
                                                                                 suppression)),
    }
    charts["regulator_peers"] = regulator.peers_chart(_regulator_record(current.run_dir), current.results["checks"])
    withheld = {f["code"] for f in current.findings if f["percent_withheld"]}
    theme_charts = _theme_charts(current.results["checks"])
    for theme in themes:
        if not charts.get(theme_charts.get(theme["key"], "")):
            charts[f"theme_{theme['key']}"] = chart_data.theme_checks(suppressed_charts.theme(theme, withheld))
    return {name: chart for name, chart in charts.items() if chart}


def ombudsman_record(run_dir: Path) -> dict | None:
    """The ombudsman's figures the run kept (ombudsman.json), when its config named a figures file."""
    path = Path(run_dir) / RECORD
    return _read_json(path) if path.is_file() else None


def _regulator_record(run_dir: Path) -> dict | None:
    """The council's return to the regulator the run kept (regulator.json), when its config named a workbook."""
    path = Path(run_dir) / REGULATOR_RECORD
    return _read_json(path) if path.is_file() else None


def _trend(current: Assessment, previous: Assessment | None, resolved: list[dict]) -> dict | None:
    """None on a first run; a comparison when the previous run is there; a note when it has gone."""
    if previous:
        withheld = {f["code"] for run in (current, previous) for f in run.findings if f["percent_withheld"]}
        return withhold_trend({"available": True, **trend.compare(current, previous, resolved)},
                              current.suppression, withheld,
                              (previous.headline["cases"], current.headline["cases"]))
    named = current.manifest.previous_run
    return {"available": False, "previous_run": named} if named else None


def _summary(current: Assessment) -> dict:
    """Section 1 beyond the judgement: the issues, what could not be tested, and what the committee is asked to do."""
    report_date = _report_date(current.manifest, current.results)
    shown = summary.summary_issues(current.issues, current.suppression.count)
    return {
        "issues": shown, "more": len(current.issues) - len(shown),
        "could_not_test": summary.could_not_test(current.results, current.findings, _set_aside(current),
                                                 current.as_of, report_date),
        "asks": summary.committee_asks(current.recommendations, shown, current.overall["graded"], report_date),
    }


def code_self_assessment(current: Assessment) -> dict | None:
    """The Complaint Handling Code's self-assessment (report/self_assessment.py); None where no record is under a UK scheme."""
    if not current.voice.uk:
        return None
    return self_assessment.section(current.records, current.exceptions, current.results["checks"], current.findings,
                                   current.suppression)


def _point_to_leads(ranked: list[dict]) -> None:
    """Each finding merged into another's issue points to the lead finding, whose evidence, remedy and recommendation
    cover the same cases: said once in section 3, not once per check."""
    for issue in ranked:
        lead = issue["lead"]
        lead["merged"] = [{"code": f["code"], "title": f["title"], "theme_title": f["theme_title"]} for f in issue["also"]]
        for finding in issue["also"]:
            finding["same_as"] = {"code": lead["code"], "title": lead["title"], "theme_title": lead["theme_title"]}


def report_context(run_dir: Path, current: Assessment | None = None) -> dict:
    """Everything the report says about the run in RUN_DIR, as plain values (strings, numbers, lists, dicts); CURRENT is
    its assessment where the caller has it already."""
    current = assessment(Path(run_dir)) if current is None else current
    code = current.self_assessment  # taken before the recommendations are marked: that makes another Assessment
    suppression = current.suppression
    previous = _previous(current)
    marked, resolved = trend.recommendation_states(current.recommendations, previous and previous.recommendations)
    current = replace(current, recommendations=marked)
    themes = findings.themes(current.findings, current.voice)
    calendar = current.config.calendar
    charts = _charts(current, themes, calendar)
    numbers = {code: item["number"] for item in current.recommendations for code in item["codes"]}
    planned = {code: item["text"] for item in current.recommendations for code in item["codes"]}
    theme_charts = _theme_charts(current.results["checks"])
    for theme in themes:
        chart = theme_charts.get(theme["key"])
        theme["chart"] = next((name for name in (chart, f"theme_{theme['key']}") if name in charts), None)
        theme["learning_examples"] = learning_examples(current) if theme["key"] == "learning" else []
        for finding in theme["concerns"]:
            finding["recommendation_number"] = numbers.get(finding["code"])
            finding["recommendation"] = planned.get(finding["code"], finding["recommendation"])
    _point_to_leads(current.issues)
    summary_section = _summary(current)
    # On paper a finding outside the summary's issues is brief (report.css): the printed report stays a committee paper.
    in_summary = {code for issue in summary_section["issues"] for code in issue["codes"]}
    for finding in (finding for theme in themes for finding in theme["concerns"]):
        finding["brief"] = finding["code"] not in in_summary
    return {
        "meta": report_meta(current),
        "overall": current.overall,
        "headline": current.headline,
        "set_aside": _set_aside(current),
        "summary": summary_section,
        "scope": _scope(current),
        "themes": themes,
        "teams": team_section(current.records, current.answered, current.exceptions, calendar,
                              {f["code"] for f in current.findings if f["status"] in ("fail", "warn")},
                              suppression),
        "recommendations": current.recommendations,
        "trend": _trend(current, previous, resolved),
        "ombudsman": ombudsman.section(ombudsman_record(current.run_dir), current.headline, suppression),
        "regulator": regulator.section(_regulator_record(current.run_dir), current.results["checks"], suppression),
        "suppression": suppression.note(),
        "charts": charts,
        "links": {"exceptions": EXCEPTIONS_LINK, "quarantine": QUARANTINE, "tracker": TRACKER},
        "manual_review": manual_review.section(current),
        "self_assessment": code,
        "appendix": {
            "catalogue": sorted(current.findings, key=lambda f: f["code"]),
            "lineage": lineage(current.manifest, current.results, suppression.count),
            "method": method(current.voice, combined=any(item.get("combined_rows") for item in current.manifest.inputs))
                      + ([{"heading": "Disclosure control", "text": suppression.note()["text"]}] if suppression.on else []),
            "glossary": glossary(current.voice),
        },
    }
