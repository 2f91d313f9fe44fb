"""`reviews import`: a filled review workbook round-trips into the store; every bad cell is named, exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.errors import UserError
from complaint_audit.review import draw_sample, import_review, write_review
from complaint_audit.store import QUARANTINE_COLUMNS, FileBatch, Store
from tests.builders import canonical_records

ALL_CRITERIA = {
    "Decision stated": "met", "Apology where at fault": "met", "Remedy and what will change": "partly",
    "Outstanding actions with dates": "not applicable", "How to escalate / ombudsman details": "not met",
    "Plain language": "met", "Children's Stage 2: senior decision on each point": "not applicable",
}
SCORED = {**ALL_CRITERIA, "Reviewer": "AB", "Review date": dt.date(2025, 3, 3)}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Four stage records of three complaints in two teams, committed as one loaded file."""
    records = canonical_records(
        {"case_id": "C1", "stage": "1", "team": "Team A", "outcome": "upheld", "response_text": "Dear Ms X, sorry."},
        {"case_id": "C1", "stage": "2", "team": "Team A", "outcome": "not_upheld", "response_text": "Dear Ms X, no."},
        {"case_id": "C2", "stage": "1", "team": "Team B", "outcome": "partly_upheld", "response_text": "Dear Mr Y, in part."},
        {"case_id": "C3", "stage": "1", "team": "Team B", "outcome": "upheld", "response_text": "Dear Mx Z, yes."},
    )
    entry = {"file_id": "0123456789abcdef", "path": "test.csv", "sha256": "0" * 64}
    Store(tmp_path / "store").commit([FileBatch(entry, records, pd.DataFrame(columns=list(QUARANTINE_COLUMNS)))])
    return tmp_path / "store"


@pytest.fixture
def workbook(store: Path, tmp_path: Path) -> Path:
    """The review workbook of every record: rows 2-5 are C1/1, C1/2, C2/1, C3/1."""
    sample, description = draw_sample(Store(store).read_records(), 10, seed=0)
    return write_review(tmp_path / "review.xlsx", sample, description)["workbook"]


def fill(path: Path, rows: dict[int, dict[str, object]]) -> Path:
    """Type values into the Review sheet as a reviewer would: {sheet row: {column heading: value}}."""
    book = openpyxl.load_workbook(path)
    sheet = book["Review"]
    column = {cell.value: cell.column for cell in sheet[1]}
    for row, values in rows.items():
        for heading, value in values.items():
            sheet.cell(row, column[heading]).value = value
    book.save(path)
    return path


def stored(store: Path) -> list[tuple]:
    reviews = Store(store).read_reviews()
    reviews["review_date"] = reviews["review_date"].dt.strftime("%Y-%m-%d")
    return [tuple(row) for row in reviews[["case_id", "stage", "team", "criterion", "score", "reviewer", "review_date", "row"]]
            .itertuples(index=False)]


def test_a_filled_workbook_round_trips_into_the_store(store, workbook):
    fill(workbook, {
        2: {**SCORED, "Notes": "Rang Mrs Jones on 07700 900123"},
        4: {"Decision stated": " Not  Met ", "Apology where at fault": "Partly", "Reviewer": "CD cd@testshire.gov.uk",
            "Review date": "04/03/2025"},
    })
    summary = import_review(workbook, store)

    assert stored(store) == [
        ("C1", "1", "Team A", "Decision stated", "met", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "Apology where at fault", "met", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "Remedy and what will change", "partly", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "Outstanding actions with dates", "not applicable", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "How to escalate / ombudsman details", "not met", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "Plain language", "met", "AB", "2025-03-03", 2),
        ("C1", "1", "Team A", "Children's Stage 2: senior decision on each point", "not applicable", "AB", "2025-03-03", 2),
        ("C2", "1", "Team B", "Decision stated", "not met", "CD [email]", "2025-03-04", 4),
        ("C2", "1", "Team B", "Apology where at fault", "partly", "CD [email]", "2025-03-04", 4),
    ]
    assert (summary.rows, summary.cases_scored, summary.not_reviewed, summary.scores, summary.unrated) == (4, 2, 2, 9, 5)
    assert (summary.criteria, summary.reviewers) == (7, ("AB", "CD [email]"))  # contact details typed in are masked
    assert (summary.first_review, summary.last_review) == (dt.date(2025, 3, 3), dt.date(2025, 3, 4))
    assert summary.stored == store / "reviews" / "review.parquet"
    # Notes are free text that may name people: they are not kept anywhere in the store.
    kept = Store(store).read_reviews()
    assert "notes" not in [name.lower() for name in kept.columns]
    assert not kept.astype(str).apply(lambda column: column.str.contains("Jones|07700")).any().any()


def test_importing_the_same_workbook_again_replaces_its_scores(store, workbook):
    fill(workbook, {2: SCORED, 4: {**SCORED, "Reviewer": "CD"}})
    assert import_review(workbook, store).cases_scored == 2
    fill(workbook, {4: {heading: None for heading in SCORED}, 5: {"Plain language": "not met", "Reviewer": "EF",
                                                                  "Review date": dt.datetime(2025, 3, 10, 14, 30)}})
    summary = import_review(workbook, store)
    assert (summary.cases_scored, summary.not_reviewed, summary.reviewers) == (2, 2, ("AB", "EF"))
    assert sorted({(case, stage, reviewer) for case, stage, *_, reviewer, _date, _row in stored(store)}) == [
        ("C1", "1", "AB"), ("C3", "1", "EF"),
    ]
    assert [path.name for path in (store / "reviews").iterdir()] == ["review.parquet"]


def test_reviews_import_prints_a_summary(runner, store, workbook):
    fill(workbook, {2: SCORED})
    result = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Imported 7 scores of 1 cases on 7 criteria from {workbook} by 1 reviewer(s) (AB), reviewed 2025-03-03 to 2025-03-03.",
        "Not reviewed (rows left blank): 3 of 4 rows.",
        f"Stored in {store / 'reviews' / 'review.parquet'}",
    ]


BAD_CELLS = [
    ({2: {**SCORED, "Apology where at fault": "mostly"}},
     "cell M2: 'mostly' is not one of met, partly, not met, not applicable"),
    ({2: {**SCORED, "Plain language": 3}}, "cell Q2: '3' is not one of met, partly, not met, not applicable"),
    ({2: {**SCORED, "Reviewer": None}}, "cell S2: case 'C1' stage 1 is rated but has no reviewer"),
    ({2: {**SCORED, "Reviewer": "   "}}, "cell S2: case 'C1' stage 1 is rated but has no reviewer"),
    ({2: {**SCORED, "Review date": None}}, "cell T2: case 'C1' stage 1 is rated but has no review date"),
    ({2: {**SCORED, "Review date": "31/13/2025"}}, "cell T2: '31/13/2025' is not a date (write 2025-03-31)"),
    ({2: {**SCORED, "Review date": "2025-02-30"}}, "cell T2: '2025-02-30' is not a date (write 2025-03-31)"),
    ({2: {**SCORED, "Review date": dt.date(2099, 1, 1)}},
     "cell T2: review date 2099-01-01 is not between 2000-01-01 and today"),
    ({2: {**SCORED, "case_id": "C9"}}, "cell B2: case 'C9' stage 1 of Testshire Council is not in the store"),
    ({2: {**SCORED, "stage": "3"}}, "cell B2: case 'C1' stage 3 of Testshire Council is not in the store"),
    ({2: {**SCORED, "case_id": None}}, "cell B2: a rated row needs its case_id: do not edit the case's facts"),
    ({2: SCORED, 4: {**SCORED, "case_id": "C1"}}, "cell B4: case 'C1' stage 1 is also on row 2: keep one row per case"),
    ({3: {"Reviewer": "AB"}},
     "cell L3: case 'C1' stage 2 has a reviewer, date or notes but no criterion rated: rate the criteria "
     "(not applicable where one does not apply) or clear the row"),
    ({3: {"Notes": "could not find the letter"}},
     "cell L3: case 'C1' stage 2 has a reviewer, date or notes but no criterion rated: rate the criteria "
     "(not applicable where one does not apply) or clear the row"),
    ({2: {**SCORED, "Decision stated": "mostly", "Reviewer": None}, 5: {**SCORED, "Review date": "soon"}},
     "cell L2: 'mostly' is not one of met, partly, not met, not applicable (and 2 more problems in the workbook)"),
]


@pytest.mark.parametrize(("rows", "message"), BAD_CELLS, ids=[message[:40] for _, message in BAD_CELLS])
def test_every_bad_cell_is_an_error_naming_it(runner, store, workbook, rows, message):
    fill(workbook, rows)
    result = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {workbook}: sheet Review, {message}"
    assert not (store / "reviews").exists()


def test_a_workbook_that_is_not_a_review_workbook(runner, store, workbook, tmp_path):
    book = openpyxl.load_workbook(workbook)
    book["Review"].title = "Scores"
    book.save(tmp_path / "renamed.xlsx")
    book["Scores"].title = "Review"
    book["Review"].delete_cols(17)  # Plain language
    book.save(tmp_path / "narrow.xlsx")
    (tmp_path / "text.xlsx").write_text("case_id,score\nC1,met\n")
    expected = {
        "renamed.xlsx": "not a review workbook: no sheet named Review (it has Scores, Instructions, How drawn); "
                        "write one with `complaint-audit sample`",
        "narrow.xlsx": "sheet Review, row 1: no column 'Plain language'; this is not a review workbook written by "
                       "`complaint-audit sample`, or its header row was changed",
        "text.xlsx": "not an .xlsx workbook: it looks like CSV text; open the workbook `complaint-audit sample` wrote, "
                     "fill it in and save it as .xlsx",
        "missing.xlsx": "review workbook not found",
    }
    for name, message in expected.items():
        result = runner.invoke(app, ["reviews", "import", str(tmp_path / name), "--store", str(store)])
        assert result.exit_code == 2, result.output
        assert result.stderr.strip() == f"error: {tmp_path / name}: {message}"


def test_importing_into_a_folder_that_is_not_a_store(tmp_path, workbook):
    with pytest.raises(UserError, match=r"elsewhere: not a store \(no load.json\)"):
        import_review(workbook, tmp_path / "elsewhere")


def test_reviews_import_has_help(runner):
    result = runner.invoke(app, ["reviews", "import", "--help"], prog_name="complaint-audit")
    assert result.exit_code == 0, result.output
    assert "Usage: complaint-audit reviews import" in result.output


def test_a_review_sheet_longer_than_any_sample_is_refused_without_reading_it_whole(runner, store, workbook, monkeypatch):
    from complaint_audit.review import scores

    monkeypatch.setattr(scores, "REVIEW_MAX_ROWS", 3)  # the workbook has a header and 4 rows
    result = runner.invoke(app, ["reviews", "import", str(workbook), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: {workbook}: sheet Review has more than 3 rows; a review workbook holds one row "
                                     "per case sampled: check it is the workbook `complaint-audit sample` wrote")
    assert Store(store).read_reviews() is None


def test_a_review_workbook_that_is_a_zip_bomb_is_refused_before_it_inflates(runner, store, tmp_path):
    from tests.bad_inputs import _zip_bomb

    bomb = tmp_path / "bomb.xlsx"
    _zip_bomb(bomb)
    result = runner.invoke(app, ["reviews", "import", str(bomb), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "would inflate to 200 MB" in result.stderr
