"""`reviews import`: a filled review workbook's scores checked and stored beside the records.

A workbook is known by its file name: its scores go to store/reviews/<name>.parquet, so
importing it again (filled further, or corrected) replaces them. Each score carries the team
the store records for its case, so the checks and the report can show scores per team.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.errors import UserError
from complaint_audit.lock import exclusive
from complaint_audit.paths import path_text
from complaint_audit.review.scores import KEY, SCORE_COLUMNS, read_review
from complaint_audit.store import Store


@dataclass(frozen=True)
class ImportSummary:
    """What one import stored, for the command's summary."""

    workbook: Path
    stored: Path
    rows: int
    cases_scored: int
    not_reviewed: int
    scores: int
    unrated: int
    criteria: int
    reviewers: tuple[str, ...]
    first_review: dt.date | None
    last_review: dt.date | None

    def lines(self) -> list[str]:
        dates = f", reviewed {self.first_review} to {self.last_review}" if self.first_review else ""
        lines = [
            f"Imported {self.scores:,} scores of {self.cases_scored:,} cases on {self.criteria} criteria from "
            f"{path_text(self.workbook)} by {len(self.reviewers)} reviewer(s) ({', '.join(self.reviewers) or 'none'}){dates}.",
            f"Not reviewed (rows left blank): {self.not_reviewed:,} of {self.rows:,} rows.",
        ]
        if self.unrated:
            lines.append(f"Criteria left blank in rated rows: {self.unrated:,}.")
        return [*lines, f"Stored in {path_text(self.stored)}"]


def import_review(workbook: Path, store: Path, today: dt.date | None = None) -> ImportSummary:
    """Check the review WORKBOOK against STORE's records and store its scores there."""
    workbook, store = Path(workbook), Path(store)
    if not (store / "load.json").exists():
        raise UserError(f"{store}: not a store (no load.json); load exports first with `complaint-audit load`")
    with exclusive(store, "importing reviews into this store"):
        target = Store(store)
        records = target.read_records(["organisation", "case_id", "stage", "team"])
        read = read_review(workbook, records[list(KEY)], today)
        teams = records.drop_duplicates(list(KEY)).astype(object)  # plain text, whatever dtypes the store reads back
        scores = read.scores.merge(teams, how="left", on=list(KEY), validate="many_to_one")[list(SCORE_COLUMNS)]
        stored = target.write_reviews(workbook_id(workbook), scores)
    dates = scores["review_date"].dropna()
    return ImportSummary(
        workbook=workbook, stored=stored, rows=read.rows, cases_scored=len(scores.drop_duplicates(list(KEY))),
        not_reviewed=read.not_reviewed, scores=len(scores), unrated=read.unrated,
        criteria=int(scores["criterion"].nunique()), reviewers=tuple(sorted(scores["reviewer"].unique())),
        first_review=dates.min().date() if len(dates) else None, last_review=dates.max().date() if len(dates) else None,
    )


def workbook_id(workbook: Path) -> str:
    """The name a workbook's scores are stored under: its file name without the extension, made safe."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", Path(workbook).stem).strip("-.") or "review"


def import_reviews(workbooks: list[Path], store: Path) -> list[ImportSummary]:
    """Import several workbooks into one store (a run's `[reviews] files`)."""
    return [import_review(workbook, store) for workbook in workbooks]

