"""The Complaint Handling Code, requirement by requirement: what the run's records show of each.

Each requirement of code_requirements.REQUIREMENTS becomes one row of the self-assessment, laid
out as the LGSCO's form: section, requirement, the evidence from the records, and whether the
records show it met. A requirement answered from the records takes the grade of the checks that
evidence it, counted over the Code's own complaints (corporate and housing) at the stages the
requirement names: a check graded red for adult social care says nothing of a corporate Stage 1.

A check that could not run, or had nothing to test, has not passed: its requirement is "not
tested", never "met". The appendix, the workbook sheet and the annual report's summary read
the same rows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.report.code_requirements import REQUIREMENTS, SECTIONS, Answer, Evidence, Requirement
from complaint_audit.report.keys import row_codes
from complaint_audit.report.suppression import Suppression
from complaint_audit.report.text import STAGE_WORDS
from complaint_audit.schema import PROCESS_WORDS
from complaint_audit.spreadsheet import write_workbook
from complaint_audit.store import atomic_write

WORKBOOK = "code_self_assessment.xlsx"
SHEET = "Code self-assessment"

MET, PARTLY, NOT_MET = "met", "partly", "not met"
NOT_TESTED, COUNCIL, NOT_YET = "not tested", "for the council to answer", "not yet tested from the records"
# The order the summary counts them in, and how the report colours them.
STATUSES = (MET, PARTLY, NOT_MET, NOT_TESTED, NOT_YET, COUNCIL)
RAG = {MET: "green", PARTLY: "amber", NOT_MET: "red", NOT_TESTED: "grey", NOT_YET: "grey", COUNCIL: "grey"}
_GRADE = {"pass": MET, "warn": PARTLY, "fail": NOT_MET}
_COUNCIL_TEXT = "No record can show this: the council answers it on its self-assessment."
_NOT_YET_TEXT = "The records could show this, but no check tests it yet."
# The appendix shows a finding's first sentence, cut at its first clause when longer than this; the workbook has it all.
_SHORT_FINDING = 250
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z0-9])")
_CLAUSE_END = re.compile(r"[:;] ")


def section(records: pd.DataFrame, exceptions: pd.DataFrame, checks: list[dict], findings: list[dict],
            suppression: Suppression) -> dict:
    """The self-assessment: its rows by section of the Code, and how many requirements have each answer.

    RECORDS needs `organisation`, `case_key`, `stage` and `process`; EXCEPTIONS `check`, `organisation`,
    `case_key`, `stage` (and `figures` where an evidence names a figure); CHECKS are results.json's; FINDINGS the report's (their sentences suppressed)."""
    housing = bool((records["process"] == "housing").any())
    scope = _Scope(records, exceptions)
    by_code = {check["code"]: check for check in checks}
    shown = {finding["code"]: finding for finding in findings}
    rows = [_row(requirement, scope, by_code, shown, suppression) for requirement in REQUIREMENTS
            if housing or not requirement.housing_only]
    counts = Counter(row["status"] for row in rows)
    return {
        "housing": housing,
        "sections": [{"number": number, "title": title, "rows": [row for row in rows if row["section"] == number]}
                     for number, title in SECTIONS.items()],
        "rows": rows,
        "summary": [{"status": status, "rag": RAG[status], "requirements": counts[status]} for status in STATUSES],
        "summary_text": _summary_text(counts, len(rows)),
        "workbook": WORKBOOK, "sheet": SHEET,
    }


class _Scope:
    """Each exception's case and process, found once, so each evidence is counted with two masks.

    Held as numpy arrays, a check's exceptions apart: some eighty evidences each ask for one check's cases, and pandas'
    selections cost about a millisecond each, a fifth of the report's work after the checks."""

    def __init__(self, records: pd.DataFrame, exceptions: pd.DataFrame):
        record_cases, exception_cases = row_codes(records, ["organisation", "case_key"], exceptions)
        process_of = pd.Series(records["process"].astype("str").to_numpy(), index=record_cases)
        process_of = process_of[~process_of.index.duplicated()]
        self._records = _Listed(record_cases, records["process"].astype("str").to_numpy(dtype=object),
                                records["stage"].astype("str").to_numpy(dtype=object), None)
        listed = _Listed(exception_cases, process_of.reindex(exception_cases).to_numpy(dtype=object),
                         exceptions["stage"].astype("str").to_numpy(dtype=object),
                         pa.array(exceptions["figures"].fillna("").astype("str")) if "figures" in exceptions else None)
        checks = exceptions["check"].astype("str").to_numpy(dtype=object)
        self._by_check = {code: listed.take(np.flatnonzero(checks == code)) for code in pd.unique(checks)}
        self._covered: dict[tuple, int] = {}  # records covered, by processes and stages: many requirements share them

    def in_records(self, evidence: Evidence) -> int:
        """How many stage records the evidence covers: none, and the check tested nothing for this requirement."""
        key = (evidence.processes, evidence.stages)
        if key not in self._covered:
            self._covered[key] = int(self._records.within(evidence).sum())
        return self._covered[key]

    def cases(self, evidence: Evidence) -> int:
        """How many cases the check listed within the evidence's processes and stages."""
        listed = self._by_check.get(evidence.check)
        if listed is None:
            return 0
        within = listed.within(evidence)
        if evidence.figure:
            within &= pc.match_substring(listed.figures, evidence.figure).to_numpy(zero_copy_only=False)
        return len(np.unique(listed.case[within]))


@dataclass(frozen=True)
class _Listed:
    """Rows (records, or a check's exceptions) as arrays: their case, process, stage and, for exceptions, figures."""

    case: np.ndarray
    process: np.ndarray
    stage: np.ndarray
    figures: pa.Array | None

    def take(self, rows: np.ndarray) -> _Listed:
        return _Listed(self.case[rows], self.process[rows], self.stage[rows],
                       None if self.figures is None else self.figures.take(pa.array(rows)))

    def within(self, evidence: Evidence) -> np.ndarray:
        """Which rows are of the evidence's processes and stages."""
        mask = np.isin(self.process, list(evidence.processes))
        if evidence.stages:
            mask &= np.isin(self.stage, list(evidence.stages))
        return mask


def _row(requirement: Requirement, scope: _Scope, checks: dict, findings: dict, suppression: Suppression) -> dict:
    row = {"section": requirement.section, "section_title": requirement.section_title,
           "paragraph": requirement.paragraph, "housing_paragraph": requirement.housing or "",
           "requirement": requirement.text}
    if requirement.answer is Answer.COUNCIL:
        return {**row, "status": COUNCIL, "rag": RAG[COUNCIL], "evidence": [], "note": _COUNCIL_TEXT}
    if requirement.answer is Answer.NOT_YET:
        return {**row, "status": NOT_YET, "rag": RAG[NOT_YET], "evidence": [], "note": _NOT_YET_TEXT}
    evidence = [_evidence(item, scope, checks.get(item.check), findings.get(item.check), suppression)
                for item in requirement.evidence]
    status = _combined([item["status"] for item in evidence])
    return {**row, "status": status, "rag": RAG[status], "evidence": evidence, "note": ""}


def _evidence(item: Evidence, scope: _Scope, check: dict | None, finding: dict | None, suppression: Suppression) -> dict:
    """One check's evidence for a requirement: its answer, its finding, and the cases it listed there."""
    where = _where(item)
    base = {"check": item.check, "title": check["title"] if check else item.check, "where": where}
    if check is None or finding is None:
        return {**base, "status": NOT_TESTED, "cases": None, "cases_shown": "", "cases_text": "",
                "finding": "The check did not run in this audit.", "summary": "The check did not run in this audit."}
    tally = check.get("tally")
    if check["status"] not in _GRADE or (tally and not tally["assessed"]):
        return {**base, "status": NOT_TESTED, "cases": None, "cases_shown": "", "cases_text": "",
                "finding": finding["finding"], "summary": first_sentence(finding["finding"])}
    if not scope.in_records(item):
        nothing = f"The records hold no {where} for the check to test."
        return {**base, "status": NOT_TESTED, "cases": None, "cases_shown": "", "cases_text": "", "finding": nothing,
                "summary": nothing}
    cases = scope.cases(item)
    status = MET if cases == 0 else _GRADE[check["status"]]
    listed = (f"{suppression.count(cases)} {where} listed in {finding['evidence']['file']} under {item.check}."
              if cases else f"No {where} listed under {item.check}.")
    return {**base, "status": status, "cases": cases, "cases_shown": suppression.count(cases), "cases_text": listed,
            "finding": finding["finding"], "summary": first_sentence(finding["finding"])}


def first_sentence(finding: str | None) -> str:
    """A finding's first sentence, or its first clause when the sentence runs past _SHORT_FINDING characters."""
    sentence = _SENTENCE_END.split(finding or "", maxsplit=1)[0]
    if len(sentence) > _SHORT_FINDING:
        sentence = _CLAUSE_END.split(sentence, maxsplit=1)[0].rstrip(".") + "."
    return sentence


def _where(item: Evidence) -> str:
    """'corporate and housing Stage 1 cases': what an evidence's count counts."""
    processes = " and ".join(PROCESS_WORDS.get(process, process) for process in item.processes)
    stages = " and ".join(STAGE_WORDS.get(stage, stage) for stage in item.stages) if item.stages else ""
    return " ".join(part for part in (processes, stages, "cases", item.those) if part)


def _combined(statuses: list[str]) -> str:
    """A requirement's answer from its checks': those that tested nothing are left out; none left is not tested."""
    tested = [status for status in statuses if status in _GRADE.values()]
    if not tested:
        return NOT_TESTED
    if all(status == MET for status in tested):
        return MET
    if all(status == NOT_MET for status in tested):
        return NOT_MET
    return PARTLY


def _summary_text(counts: Counter, total: int) -> str:
    tested = counts[MET] + counts[PARTLY] + counts[NOT_MET]
    return (f"Of the {total} requirements listed, the records show {counts[MET]} met, {counts[PARTLY]} partly met and "
            f"{counts[NOT_MET]} not met; {counts[NOT_TESTED]} could not be tested from this audit's records, "
            f"{counts[NOT_YET]} are not yet tested from the records, and {counts[COUNCIL]} are for the council to "
            f"answer. {tested} of {total} were tested.")


def sheet(assessment: dict) -> pd.DataFrame:
    """The self-assessment as one table: a row per requirement and check, as the workbook sheet holds it."""
    rows = []
    for row in assessment["rows"]:
        common = {"Section": f"{row['section']}. {row['section_title']}", "Paragraph (LGSCO Code)": row["paragraph"],
                  "Paragraph (Housing Ombudsman's Code)": row["housing_paragraph"], "Requirement": row["requirement"],
                  "Met?": row["status"]}
        for item in row["evidence"] or [None]:
            rows.append({**common,
                         "Check": item["check"] if item else "", "Check's answer": item["status"] if item else "",
                         "Cases listed": item["cases_shown"] if item else "",
                         "Evidence from the records": item["finding"] if item else row["note"],
                         "Where to find the cases": item["cases_text"] if item else ""})
    return pd.DataFrame(rows)


def write_sheet(run_dir: Path, assessment: dict) -> Path:
    """code_self_assessment.xlsx in RUN_DIR, its one sheet the self-assessment: the form a council fills in."""
    path = Path(run_dir) / WORKBOOK
    atomic_write(path, lambda tmp: write_workbook(tmp, {SHEET: sheet(assessment)}))
    return path
