"""The review sample is reproducible, respects strata and oversampling; the workbook is usable."""

from __future__ import annotations

import json
import math

import openpyxl
import pandas as pd
import pytest

from complaint_audit.errors import UserError
from complaint_audit.review import CRITERIA, draw_from_store, draw_sample, parse_oversample, write_review
from complaint_audit.review.sample import OVERSAMPLE_SHARE, _allocate
from complaint_audit.review.workbook import RATINGS
from complaint_audit.schema import FIELD_NAMES


def _records(teams: dict[str, int], mp_every: int = 0) -> pd.DataFrame:
    """A canonical-looking frame: `count` stage-1 records per team; every mp_every-th raised by an MP."""
    rows = []
    for team, count in teams.items():
        for i in range(count):
            number = len(rows)
            rows.append({
                "organisation": "Testshire Council", "case_id": f"C{number:04d}", "stage": "1", "process": "corporate",
                "team": team, "category": "=HYPERLINK(\"x\")" if number % 2 else "Bins",
                "raised_via": "mp" if mp_every and number % mp_every == 0 else "public",
                "received": pd.Timestamp("2024-04-01") + pd.Timedelta(days=i), "responded": pd.NaT, "outcome": "upheld",
                "response_text": f"Dear complainant, decision {number}.",
            })
    frame = pd.DataFrame(rows)
    for name in FIELD_NAMES:
        if name not in frame:
            frame[name] = None
    return frame


TEAMS = {"A": 60, "B": 30, "C": 10}


def test_same_seed_gives_the_same_sample_whatever_the_load_order():
    records = _records(TEAMS)
    first, _ = draw_sample(records, 20, seed=7, stratify=["team"])
    shuffled, _ = draw_sample(records.sample(frac=1, random_state=3), 20, seed=7, stratify=["team"])
    other, _ = draw_sample(records, 20, seed=8, stratify=["team"])
    assert first["case_id"].tolist() == shuffled["case_id"].tolist()
    assert first["case_id"].tolist() == sorted(first["case_id"])
    assert set(first["case_id"]) != set(other["case_id"])


def test_strata_are_proportional_with_largest_remainder():
    sample, description = draw_sample(_records(TEAMS), 20, seed=1, stratify=("team",))
    assert sample["team"].value_counts().to_dict() == {"A": 12, "B": 6, "C": 2}
    assert [(s["stratum"], s["population"], s["sampled"]) for s in description["strata"]] == [
        ("team=A", 60, 12), ("team=B", 30, 6), ("team=C", 10, 2),
    ]


@pytest.mark.parametrize(
    ("total", "sizes", "expected"),
    [
        (20, [60, 30, 10], [12, 6, 2]),
        (10, [5, 3, 2], [5, 3, 2]),
        (3, [1, 1, 1], [1, 1, 1]),
        (5, [97, 2, 1], [3, 1, 1]),  # small strata still get one each, taken from the largest
        (2, [97, 2, 1], [2, 0, 0]),  # fewer places than strata: proportional only
        (4, [0, 10, 10], [0, 2, 2]),
    ],
)
def test_allocate(total, sizes, expected):
    assert _allocate(total, sizes) == expected


def test_every_non_empty_stratum_is_represented():
    sample, _ = draw_sample(_records({"A": 500, "B": 3, "C": 1}), 10, seed=2, stratify=["team"])
    assert set(sample["team"]) == {"A", "B", "C"}
    assert len(sample) == 10


def test_oversampling_guarantees_its_share():
    records = _records(TEAMS, mp_every=25)  # 4 of 100 records raised by an MP
    plain, _ = draw_sample(records, 20, seed=3)
    sample, description = draw_sample(records, 20, seed=3, stratify=["team"], oversample={"raised_via": ["mp", "councillor"]})
    guaranteed = min(4, math.ceil(20 * OVERSAMPLE_SHARE))
    assert (sample["raised_via"] == "mp").sum() >= guaranteed == 4
    assert sample["oversampled"].sum() == 4
    assert description["oversample"]["guaranteed"] == 4
    assert len(sample) == 20
    # the MP records fall within the teams' shares, so stratum counts still match the targets
    assert sample["team"].value_counts().to_dict() == {"A": 12, "B": 6, "C": 2}
    assert (plain["raised_via"] == "mp").sum() < 4  # without oversampling, chance alone


def test_oversampling_is_capped_at_the_share():
    records = _records(TEAMS, mp_every=2)  # half the records raised by an MP
    sample, description = draw_sample(records, 20, seed=4, oversample={"raised_via": ["mp"]})
    assert description["oversample"]["guaranteed"] == 5
    assert sample["oversampled"].sum() == 5
    assert (sample["raised_via"] == "mp").sum() >= 5


def test_n_larger_than_the_population_takes_everything():
    records = _records({"A": 3, "B": 2})
    sample, description = draw_sample(records, 50, seed=1, stratify=["team"])
    assert len(sample) == 5
    assert description["took_everything"] is True
    assert "every record is in the sample" in description["note"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stratify": ["squad"]}, "stratify: 'squad' is not a canonical field"),
        ({"oversample": {"via": ["mp"]}}, "oversample: 'via' is not a canonical field"),
        ({"oversample": {"raised_via": ["MP"]}}, "'MP' is not a value of raised_via"),
        ({"n": 0}, "n must be a whole number of at least 1"),
    ],
)
def test_bad_arguments_are_user_errors(kwargs, message):
    arguments = {"n": 5, "seed": 1, **kwargs}
    with pytest.raises(UserError, match=message) as raised:
        draw_sample(_records(TEAMS), **arguments)
    if "canonical field" in message:
        assert "team" in str(raised.value)  # names the allowed fields


def test_parse_oversample():
    assert parse_oversample(["raised_via=mp,councillor", "team=A"]) == {"raised_via": ["mp", "councillor"], "team": ["A"]}
    with pytest.raises(UserError, match="FIELD=VALUE"):
        parse_oversample(["raised_via"])


def test_workbook_is_ready_to_review(tmp_path):
    sample, description = draw_sample(_records(TEAMS), 20, seed=5, stratify=["team"])
    paths = write_review(tmp_path / "review.xlsx", sample, description)
    book = openpyxl.load_workbook(paths["workbook"])
    assert book.sheetnames == ["Review", "Instructions", "How drawn"]
    review = book["Review"]
    headers = [cell.value for cell in review[1]]
    assert headers[:3] == ["organisation", "case_id", "stage"]
    assert "response_text" in headers
    assert headers[-3:] == ["Reviewer", "Review date", "Notes"]
    assert review.freeze_panes == "D2"
    assert [row[0] for row in review.iter_rows(min_row=2, min_col=2, max_col=2, values_only=True)] == sample["case_id"].tolist()

    last = len(sample) + 1
    lists = [v for v in review.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"' + ",".join(RATINGS) + '"'
    covered = {str(ref) for ref in lists[0].sqref.ranges}
    for criterion in CRITERIA:
        letter = openpyxl.utils.get_column_letter(headers.index(criterion.title) + 1)
        assert f"{letter}2:{letter}{last}" in covered
    date_letter = openpyxl.utils.get_column_letter(headers.index("Review date") + 1)
    assert any(v.type == "date" and f"{date_letter}2:{date_letter}{last}" in str(v.sqref) for v in review.data_validations.dataValidation)

    # formula-looking text stays text
    categories = {row[0] for row in review.iter_rows(min_row=2, min_col=6, max_col=6, values_only=True)}
    assert headers[5] == "category" and categories == {"Bins", "'=HYPERLINK(\"x\")"}
    assert not any(cell.data_type == "f" for row in review.iter_rows() for cell in row)
    instructions = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row if c.value)
    assert all(criterion.help in instructions for criterion in CRITERIA)
    assert "Do not add, remove" in instructions
    manifest = json.loads(paths["manifest"].read_text())
    assert paths["manifest"].name == "review.json"
    assert manifest["seed"] == 5 and [case["case_id"] for case in manifest["cases"]] == sample["case_id"].tolist()


def test_sample_store_gives_a_40_case_review(sample_store, tmp_path):
    sample, description = draw_from_store(sample_store, 40, seed=2025, stratify=["team", "stage"])
    again, _ = draw_from_store(sample_store, 40, seed=2025, stratify=["team", "stage"])
    assert len(sample) == 40
    assert sample["case_id"].tolist() == again["case_id"].tolist()
    assert sum(s["sampled"] for s in description["strata"]) == 40
    assert all(s["sampled"] >= 1 for s in description["strata"]) or len(description["strata"]) > 40
    assert description["source"]["files"]
    paths = write_review(tmp_path / "review.xlsx", sample, description)
    review = openpyxl.load_workbook(paths["workbook"])["Review"]
    assert review.max_row == 41
