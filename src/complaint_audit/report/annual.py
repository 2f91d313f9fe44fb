"""The annual complaints performance and service improvement report the Complaint Handling Code asks a council to publish.

For the public, not the committee: volumes by stage and service, how many were answered on time
and upheld, the Ombudsman's figures where the run has them, what the council learned and
improved, and its self-assessment against the Code. It is built from the same run folder and
the same figures as the assessment (report/context.py), with three differences a public paper
needs: small counts are suppressed by default (ANNUAL_SUPPRESS_BELOW, or the run's own
`[report] suppress_below` when higher), no case is referred to (no case ids, no examples, no
exceptions), and no free text is shown unless the council allowed it (`[report] free_text`),
and then with contact details masked, as in the assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from complaint_audit.audit.run_folder import MANIFEST, ORGANISATIONS, RESULTS, RunFolder
from complaint_audit.engine.judging import SMALL_BASE
from complaint_audit.errors import UserError
from complaint_audit.report import ombudsman, self_assessment
from complaint_audit.report.context import (
    assessment,
    code_self_assessment,
    learning_examples,
    ombudsman_record,
    report_meta,
)
from complaint_audit.report.render import FORMATS, environment, write_pdf
from complaint_audit.report.suppression import WITHHELD, Suppression
from complaint_audit.report.text import STAGE_WORDS
from complaint_audit.schema import DECIDED_OUTCOMES, PROCESS_WORDS, UPHELD_OUTCOMES
from complaint_audit.store import atomic_write

# Public bodies usually suppress counts of 1 to 4: a published report does so unless the run asks for more.
ANNUAL_SUPPRESS_BELOW = 5
ANNUAL_FILE = "annual_report.{format}"
ANNUAL_TITLE = "Annual complaints performance and service improvement report"
_LEARNING_CHECKS = ("LN001", "LN002", "LN003")
_REMEDY_PAYMENTS = "RM003"  # remedy payments by team (checks/remedies.py)


def annual_suppression(run_dir: Path) -> Suppression:
    """ANNUAL_SUPPRESS_BELOW, or the run's own threshold when it is higher: never off in a published report."""
    recorded = RunFolder(run_dir).manifest().settings.report.suppress_below
    return Suppression(max(recorded, ANNUAL_SUPPRESS_BELOW))


def annual_context(run_dir: Path) -> dict:
    """Everything the annual report says, as plain values; no case reference, small counts suppressed."""
    run_dir = Path(run_dir)
    current = assessment(run_dir, annual_suppression(run_dir))
    suppression = current.suppression
    code = code_self_assessment(current)
    learning = [{"title": f["title"], "finding": self_assessment.first_sentence(f["finding"])}
                for f in current.findings if f["code"] in _LEARNING_CHECKS and f["status"] != "not_applicable"]
    meta = report_meta(current)
    return {
        "meta": meta,
        "title": ANNUAL_TITLE,
        "introduction": (f"This report sets out how {meta['organisation']} handled the complaints it received in "
                         f"{meta['period']}, what it learned from them"
                         + (", and how its handling measures up to the Complaint Handling Code" if code else "")
                         + ". It is drawn from the organisation's own complaint records; it names no one and refers "
                         "to no individual complaint."),
        "disclosure": (f"So that no one can be identified, counts of 1 to {suppression.below - 1} are shown as "
                       f"{suppression.small_text}, and a percentage that would reveal such a count is shown as "
                       f"{WITHHELD}."),
        "headline": current.headline,
        "stages": _stages(current.records, current.answered, suppression),
        "on_time": _share(current.answered["on_time"], suppression),
        "upheld": _share(_upheld(current.records), suppression),
        "services": _services(current.records, current.answered, suppression),
        "ombudsman": ombudsman.section(ombudsman_record(run_dir), current.headline, suppression),
        "learning": learning,
        "learning_examples": learning_examples(current),
        "remedies": _remedy_payments(current.results["checks"], suppression),
        "self_assessment": code and _code_summary(code),
    }


def _stages(records: pd.DataFrame, answered: pd.DataFrame, suppression: Suppression) -> dict:
    """Complaints, answered on time and upheld by stage, counts first."""
    count = suppression.count
    upheld = _upheld(records)
    rows = [[words, count(int((records["stage"] == stage).sum())),
             _share(answered.loc[answered["stage"] == stage, "on_time"], suppression),
             _share(upheld[records.loc[upheld.index, "stage"] == stage], suppression)]
            for stage, words in STAGE_WORDS.items() if (records["stage"] == stage).any()]
    return {"columns": ["Stage", "Complaints", "Answered on time", "Upheld or partly upheld"], "rows": rows}


def _upheld(records: pd.DataFrame) -> pd.Series:
    """Whether each decided stage was upheld in full or in part, indexed as the records are."""
    decided = records["outcome"].isin(DECIDED_OUTCOMES)
    return records.loc[decided, "outcome"].isin(UPHELD_OUTCOMES)


def _services(records: pd.DataFrame, answered: pd.DataFrame, suppression: Suppression) -> dict:
    """Complaints by service (the statutory scheme or the corporate and housing procedures) and stage, on time and upheld."""
    count = suppression.count
    stage_counts = pd.crosstab(records["process"], records["stage"])
    on_time = answered.groupby("process", observed=True)["on_time"]
    upheld = _upheld(records)
    upheld = upheld.groupby(records.loc[upheld.index, "process"], observed=True)
    stages = [stage for stage in STAGE_WORDS if stage in stage_counts.columns]
    rows = []
    for process in stage_counts.index:
        answered_here = on_time.get_group(process) if process in on_time.groups else pd.Series([], dtype=bool)
        upheld_here = upheld.get_group(process) if process in upheld.groups else pd.Series([], dtype=bool)
        rows.append([PROCESS_WORDS.get(process, process).capitalize(),
                     *(count(int(stage_counts.at[process, stage])) for stage in stages),
                     _share(answered_here, suppression), _share(upheld_here, suppression)])
    return {"columns": ["Service", *(STAGE_WORDS[stage] for stage in stages), "Answered on time",
                        "Upheld or partly upheld"], "rows": rows}


def _share(mask: pd.Series, suppression: Suppression) -> str:
    """'1,237 of 1,381 (89.6%)', the counts first; '6 of 8', with no percentage, on a base below SMALL_BASE; '[c]'
    alone where the part, the whole or the rest is a small count (two counts shown would give the third); '–' for none."""
    part, whole = int(mask.sum()), len(mask)
    if not whole:
        return "–"
    if suppression.withholds(part, whole):
        return WITHHELD
    counts = f"{part:,} of {whole:,}"
    return counts if whole < SMALL_BASE else f"{counts} ({suppression.mask_share(mask)[1]})"


def _remedy_payments(checks: list[dict], suppression: Suppression) -> dict | None:
    """The remedy payments the records show, in all and by team, as the public may see them: a team's count
    suppressed where small, and with it its total and median, which would reveal what one person was paid."""
    check = next((c for c in checks if c["code"] == _REMEDY_PAYMENTS and c["status"] != "not_applicable"), None)
    figures = check and check["metrics"]
    if not figures or not figures.get("payments"):
        return None

    def money(value: float) -> str:
        return f"£{value:,.2f}"

    total = (f"{suppression.count(figures['payments'])} remedy payments" if suppression.small(figures["payments"]) else
             f"{figures['payments']:,} remedy {'payment' if figures['payments'] == 1 else 'payments'}, "
             f"{money(figures['payments_total'])} in all (median {money(figures['payments_median'])})")
    rows = [[team["team"], suppression.count(team["payments"]),
             *((WITHHELD, WITHHELD) if suppression.small(team["payments"]) else (money(team["total"]),
                                                                                   money(team["median"])))]
            for team in figures["by_team"]]
    return {"text": f"To put things right where we got something wrong, we made {total}.",
            "table": {"columns": ["Team", "Payments", "Total", "Median payment"], "rows": rows}}


def _code_summary(code: dict) -> dict:
    """The self-assessment by section: how many requirements the records show met, partly met, not met or untested."""
    statuses = self_assessment.STATUSES
    rows = [[f"{part['number']}. {part['title']}", *(str(sum(row["status"] == status for row in part["rows"]))
                                                     for status in statuses)]
            for part in code["sections"]]
    return {"text": code["summary_text"], "table": {"columns": ["Section of the Code", *(s.capitalize() for s in statuses)],
                                                    "rows": rows},
            "not_met": [row["requirement"] for row in code["rows"] if row["status"] == self_assessment.NOT_MET]}


def render_annual(run_dir: Path, formats: Sequence[str] = FORMATS, template_dirs: Sequence[Path] = ()) -> dict[str, Path]:
    """Write annual_report.<format> into RUN_DIR for each format asked for; the paths written, by format."""
    run_dir = Path(run_dir)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UserError(f"unknown report format '{unknown[0]}': use {', '.join(FORMATS)}")
    folder = RunFolder(run_dir)
    if not folder.is_run():
        raise UserError(f"{run_dir}: not a run folder (needs {RESULTS} and {MANIFEST})")
    if folder.manifest().organisations:
        raise UserError(f"{run_dir}: a run of several organisations: give one of its folders under {ORGANISATIONS}/")
    context = annual_context(run_dir)
    written: dict[str, Path] = {}
    html = environment(template_dirs).get_template("annual.html.j2").render(**context) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        written["html"] = _write_text(run_dir / ANNUAL_FILE.format(format="html"), html)
    if "md" in formats:
        markdown = environment(template_dirs, markdown=True).get_template("annual.md.j2").render(**context)
        written["md"] = _write_text(run_dir / ANNUAL_FILE.format(format="md"), markdown)
    if "pdf" in formats:
        target = run_dir / ANNUAL_FILE.format(format="pdf")
        write_pdf(html, target, run_dir)
        written["pdf"] = target
    return written


def _write_text(path: Path, text: str) -> Path:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
