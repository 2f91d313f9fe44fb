"""code_self_assessment.xlsx: the Complaint Handling Code self-assessment as a workbook the council fills in.

Written beside the report by `run` and `complaint-audit report`, not by render_reports: rendering
HTML and Markdown never loads openpyxl (tests/test_report.py), and the sheet is the same rows as
the report's appendix (report/self_assessment.py), read from the run folder.
"""

from __future__ import annotations

from pathlib import Path

from complaint_audit.report.context import assessment, code_self_assessment
from complaint_audit.report.self_assessment import write_sheet


def write_code_workbook(run_dir: Path, rows: dict | None = None) -> dict[str, Path]:
    """RUN_DIR/code_self_assessment.xlsx, as {"code_self_assessment": path} to join the files a report wrote; none
    where no record is under a UK scheme (the Code does not apply).

    ROWS is the report context's `self_assessment` where the caller rendered the report from it (render_reports'
    `context`): read from the run folder again, the assessment costs as much as the report's whole context."""
    if rows is None:
        rows = code_self_assessment(assessment(Path(run_dir)))
    return {} if rows is None else {"code_self_assessment": write_sheet(run_dir, rows)}
