"""The bundled sample exports: reproducible, realistic in shape, and true to their ground truth.

The ground truth lists every seeded problem case by case, so later tests can assert that a
check finds exactly those cases. These tests check the promise from the raw files themselves,
without the loader, except the last one which loads them end to end.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import tomllib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import complaint_audit.sample_data
from complaint_audit.calendar import working_days_between
from complaint_audit.letters.text import text_of_file
from complaint_audit.letters.unreadable import Unreadable
from complaint_audit.sample_data.generate import generate

SAMPLE = Path(complaint_audit.sample_data.__file__).resolve().parent
CSV, XLSX, JSON = (
    "exports/corporate_complaints.csv",
    "exports/adult_social_care.xlsx",
    "exports/childrens_complaints.json",
)
DMY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
APOLOGY = re.compile(r"sorry|apologi", re.IGNORECASE)
OMBUDSMAN_DETAILS = (
    ("Local Government and Social Care Ombudsman", "0300 061 0614", "www.lgo.org.uk", "12 months"),
    ("Housing Ombudsman Service", "0300 111 3000", "www.housing-ombudsman.org.uk", "12 months"),
)
SEEDED_UNMAPPED = {"Elected Member", "Referred to Safeguarding", "NFA"}
LETTERS = "letters"
REGULATOR = "regulator/tsm_full_data_EXAMPLE.xlsx"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    generate(out)
    return out


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((SAMPLE / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corporate() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / CSV, encoding="cp1252", dtype=str, keep_default_na=False).replace("", None)


@pytest.fixture(scope="module")
def adults() -> pd.DataFrame:
    return _sheet(SAMPLE / XLSX)


@pytest.fixture(scope="module")
def children() -> list[dict]:
    return json.loads((SAMPLE / JSON).read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def children_stages(children) -> pd.DataFrame:
    rows = [{"case_id": case["case_id"], **stage} for case in children for stage in case["stages"]]
    return pd.DataFrame(rows)


def _sheet(path: Path) -> pd.DataFrame:
    sheet = openpyxl.load_workbook(path, read_only=True)["Complaints Register"]
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


def _cells(path: Path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path)
    return [tuple(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def _cases(truth: dict, problem: str, file: str | None = None) -> set[tuple[str, str]]:
    return {
        (e["case_id"], e["stage"]) for e in truth["problems"][problem]["cases"] if file is None or e["file"] == file
    }


def _quarantined(truth: dict) -> list[dict]:
    return [e for kind, entries in truth["problems"]["quarantine"].items() if kind != "description" for e in entries]


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, format="%d/%m/%Y", errors="coerce")


def _letters(corporate: pd.DataFrame, children_stages: pd.DataFrame) -> pd.DataFrame:
    """Every response letter: file, case, stage, outcome (canonical), final, extended, category, text."""
    outcome_words = {**_value_map("corporate", "outcome"), **_value_map("childrens", "outcome")}
    parts = []
    for stage in ("1", "2"):
        sent = corporate[corporate[f"Stage {stage} Response"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "file": CSV,
                    "case_id": sent["Case Ref"],
                    "stage": stage,
                    "process": sent["Complaint Type"],
                    "outcome": sent[f"Stage {stage} Outcome"].str.casefold().map(outcome_words),
                    "final": stage == "2",
                    "extended": sent[f"Stage {stage} Extended Due"].notna(),
                    "category": sent["Category"],
                    "text": sent[f"Stage {stage} Response"],
                }
            )
        )
    sent = children_stages[children_stages["response_letter"].notna()]
    stage = sent["stage"].str.removeprefix("Stage ")
    parts.append(
        pd.DataFrame(
            {
                "file": JSON,
                "case_id": sent["case_id"],
                "stage": stage,
                "process": "Children",
                "outcome": sent["outcome"].str.casefold().map(outcome_words),
                "final": stage.eq("3"),
                "extended": sent["extended_target_date"].notna(),
                "category": None,  # held on the case, not the stage; not needed here
                "text": sent["response_letter"],
            }
        )
    )
    return pd.concat(parts, ignore_index=True)


def _value_map(profile: str, field: str) -> dict[str, str]:
    document = tomllib.loads((SAMPLE / "profiles" / f"{profile}.toml").read_text(encoding="utf-8"))
    return {label.casefold(): canonical for canonical, labels in document["values"][field].items() for label in labels}


_MONTH = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")


def _masked_body(letter: str) -> str:
    """The letter without address block, salutation or sign-off, with digits and month names masked."""
    body = letter.split("\n\nDear ", 1)[1].split(",\n\n", 1)[1].rsplit("Yours sincerely", 1)[0]
    return _MONTH.sub("MONTH", re.sub(r"\d+", "0", body))


def _flesch(letter: str) -> float:
    """Flesch reading ease of the letter's body, with a rough syllable count."""
    body = letter.split("\n\nDear ", 1)[1].rsplit("Yours sincerely", 1)[0]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", body) if re.search("[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", body)
    syllables = sum(
        max(1, len(re.findall("[aeiouy]+", w.lower())) - (w.lower().endswith("e") and not w.lower().endswith("le")))
        for w in words
    )
    return 206.835 - 1.015 * len(words) / len(sentences) - 84.6 * syllables / len(words)


# -- reproducible ------------------------------------------------------------------------------


def test_committed_sample_equals_a_fresh_generation(fresh):
    for name in (CSV, JSON, "ground_truth.json"):
        assert (fresh / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert _cells(fresh / XLSX) == _cells(SAMPLE / XLSX)
    assert _cells(fresh / REGULATOR) == _cells(SAMPLE / REGULATOR)
    assert _folder(fresh / LETTERS) == _folder(SAMPLE / LETTERS)


def _folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_arguments_give_the_same_bytes_and_another_seed_other_data(tmp_path):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, cases=200, seed=7)
    generate(again, cases=200, seed=7)
    generate(other, cases=200, seed=8)
    for name in (CSV, XLSX, JSON, "ground_truth.json"):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name
        assert (first / name).read_bytes() != (other / name).read_bytes(), name
    assert _folder(first / LETTERS) == _folder(again / LETTERS) != _folder(other / LETTERS)


def test_a_generated_folder_is_self_contained_for_its_organisation(tmp_path):
    generate(tmp_path, cases=120, seed=1, year=2024, organisation="Southshire District Council")
    audit = tomllib.loads((tmp_path / "audit.toml").read_text(encoding="utf-8"))
    assert audit["organisation"] == "Southshire District Council" and audit["period"] == "2024-25"
    for source in audit["sources"]:
        profile = tomllib.loads((tmp_path / source["profile"]).read_text(encoding="utf-8"))
        assert profile["constants"]["organisation"] == "Southshire District Council"
        assert all((tmp_path / file).is_file() for file in source["files"])
    received = _dates(pd.read_csv(tmp_path / CSV, encoding="cp1252", dtype=str)["Date Received"]).dropna()
    assert received.min() >= pd.Timestamp("2024-04-01") and received.max() <= pd.Timestamp("2025-03-31")


def test_teams_spreads_the_corporate_cases_so_the_exports_name_that_many_teams_and_nothing_else_changes(tmp_path):
    plain, spread = tmp_path / "plain", tmp_path / "spread"
    generate(plain, cases=200, seed=7)
    truth = generate(spread, cases=200, seed=7, teams=40)
    before, after = (pd.read_csv(folder / CSV, encoding="cp1252", dtype=str) for folder in (plain, spread))
    corporate = before["Team"] == "Corporate Complaints"
    # housing's team stays; 37 corporate teams, and adult social care's and children's teams from their profiles
    assert set(after.loc[~corporate, "Team"]) == {"Housing Complaints"} and after.loc[corporate, "Team"].nunique() == 37
    assert after.drop(columns="Team").equals(before.drop(columns="Team"))
    assert truth["generator"]["teams"] == 40 and truth["generator"]["command"].endswith("--teams 40")
    with pytest.raises(ValueError, match="teams must be more than 3"):
        generate(tmp_path / "few", cases=200, teams=3)
def test_the_made_up_regulator_workbook_reads_as_the_real_one_and_says_made_up_on_every_row(truth):
    from complaint_audit.ingest.published.regulator import landlord_totals, read_regulator_workbook

    figures = read_regulator_workbook(SAMPLE / REGULATOR)
    council = landlord_totals(figures, "Northshire County Council").set_index("stage")
    seeded = truth["regulator"]["stages"]

    assert figures["landlord"].nunique() == 1 + truth["regulator"]["peers"] == 11
    assert council.loc["1", "year"] == truth["regulator"]["year"] == "2023-24"
    for stage in ("1", "2"):
        assert council.loc[stage, ["complaints", "answered_on_time", "answered"]].tolist() == [
            seeded[stage]["complaints"], seeded[stage]["answered_on_time"], seeded[stage]["answered"]]
    sheet = openpyxl.load_workbook(SAMPLE / REGULATOR)["TSM24_Management_Info"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 11 and all(row[-1].startswith("MADE-UP EXAMPLE") for row in rows)


def test_too_few_cases_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least"):
        generate(tmp_path, cases=10)


# -- three shapes ------------------------------------------------------------------------------


def test_corporate_csv_is_cp1252_with_day_first_dates_and_personal_data(corporate, truth):
    raw = (SAMPLE / CSV).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Remedy Amount (£)" in text.splitlines()[0]
    assert (
        len(list(csv.reader(io.StringIO(text, newline=""))))
        == len(corporate) + 1
        == truth["exports"]["corporate"]["cases"] + 1
    )
    date_columns = ["Date Received", "Stage 1 Response Sent", "Stage 2 Requested", "Stage 2 Due", "Date Closed"]
    for column in date_columns:
        assert corporate[column].dropna().str.match(DMY).all(), column
    assert (
        corporate["Email"].dropna().str.contains(r"^[\w.]+@[\w.]+$").all() and corporate["Email"].notna().mean() > 0.7
    )
    assert corporate["Phone"].dropna().str.match(r"^0\d{4} \d{6}$").all()
    assert corporate["Postcode"].str.match(r"^NS\d{1,2} \d[A-Z]{2}$").all()
    letters = corporate["Stage 1 Response"].dropna()
    assert letters.str.contains(",").all() and letters.str.contains("\n").all()
    first = corporate[corporate["Stage 1 Response"].notna()].iloc[0]
    assert f"Dear {first['Title']} {first['Surname']}," in first["Stage 1 Response"]
    assert corporate["Complaint Type"].value_counts().to_dict().keys() == {"Corporate", "Housing"}
    stage2_share = corporate["Stage 2 Requested"].notna().mean()
    assert 0.12 < stage2_share < 0.22
    assert 0.03 < corporate["Source"].eq("MP").mean() < 0.07 and 0.025 < corporate["Source"].eq("Cllr").mean() < 0.06


def test_adult_social_care_workbook_has_a_title_block_and_date_cells(adults):
    sheet = openpyxl.load_workbook(SAMPLE / XLSX)["Complaints Register"]
    assert sheet["A1"].value == "Northshire County Council"
    assert all(sheet.cell(row=row, column=2).value is None for row in range(1, 6))
    assert sheet.cell(row=6, column=1).value == "Reference"
    received = adults["Date Received"].dropna()
    assert received.map(lambda value: isinstance(value, datetime.datetime)).mean() > 0.98
    assert set(adults["Stage"]) == {"Local Resolution", "Ombudsman"}
    assert 300 <= adults["Stage"].eq("Local Resolution").sum() <= 400 and adults["Stage"].eq("Ombudsman").sum() >= 5


def test_childrens_json_nests_stages_and_stage_2_has_report_and_adjudication(children, children_stages):
    assert {"name", "email", "phone", "address"} <= children[0]["complainant"].keys() and "name" in children[0]["child"]
    stage2 = children_stages[children_stages["stage"].eq("Stage 2")]
    assert 0.18 <= len(stage2) / len(children) <= 0.3
    answered = stage2[stage2["response_date"].notna()]
    assert answered["io_report_date"].notna().all()
    assert (pd.to_datetime(answered["response_date"]) >= pd.to_datetime(answered["io_report_date"])).all()
    stage3 = children_stages[children_stages["stage"].eq("Stage 3")]
    assert 1 <= len(stage3) <= 10 and stage3[["panel_date", "panel_report_date"]].notna().any().all()


def test_received_dates_dip_over_christmas_and_easter(corporate):
    received = _dates(corporate["Date Received"]).dropna()
    per_day = received.value_counts().reindex(pd.date_range("2023-04-01", "2024-03-31"), fill_value=0)
    ordinary = per_day[per_day.index.day_of_week < 5].mean()
    assert per_day["2023-12-22":"2024-01-02"].mean() < 0.5 * ordinary
    assert per_day["2024-03-25":"2024-03-31"].mean() < 0.6 * ordinary  # Easter 2024


# -- ground truth ------------------------------------------------------------------------------


def test_every_ground_truth_case_is_in_its_export(truth, corporate, adults, children):
    ids = {
        CSV: set(corporate["Case Ref"]),
        XLSX: set(adults["Reference"]),
        JSON: {case["case_id"] for case in children},
    }
    entries = [e for name, problem in truth["problems"].items() if name != "quarantine" for e in problem["cases"]]
    for entry in entries + _quarantined(truth):
        assert entry["case_id"] in ids[entry["file"]], entry
    for name, problem in truth["problems"].items():
        if name != "quarantine":
            assert problem["cases"], f"{name} seeded nothing"


def test_problems_that_need_exact_answers_do_not_share_cases(truth):
    exclusive = [
        "missing_apology_upheld",
        "missing_ombudsman_details_final",
        "missing_ombudsman_details_extension",
        "jargon_responses",
        "boilerplate_responses",
        "upheld_no_learning",
        "childrens_adjudication_late",
    ]
    member = ["member_fast_tracked", "member_entered_at_stage2", "member_handled_outside_complaints_team"]
    sets = {name: set(truth["problems"][name]["case_ids"]) for name in exclusive + member}
    sets["quarantine"] = {e["case_id"] for e in _quarantined(truth)}
    for i, first in enumerate([*exclusive, "quarantine"]):
        for second in [*exclusive, "quarantine", *member][i + 1 :]:
            assert not sets[first] & sets[second], (first, second)


def test_bad_rows_hold_the_recorded_bad_values_and_are_one_to_two_percent(truth, corporate, adults, children):
    entries = _quarantined(truth)
    for entry in entries:
        if entry["file"] == CSV:
            row = corporate.iloc[entry["source_row"] - 2]
            assert row["Case Ref"] == entry["case_id"]
            value = row[
                {"received": "Date Received", "responded": "Stage 1 Response Sent", "raised_via": "Source"}[
                    entry["field"]
                ]
            ]
        elif entry["file"] == XLSX:
            row = adults.iloc[entry["source_row"] - 7]
            assert row["Reference"] == entry["case_id"]
            value = row[
                {"received": "Date Received", "responded": "Response Date", "outcome": "Outcome"}[entry["field"]]
            ]
            value = value.strftime("%Y-%m-%d") if isinstance(value, datetime.datetime) else value
        else:
            case = children[entry["source_row"] - 1]
            assert case["case_id"] == entry["case_id"]
            value = case["stages"][0][
                {"received": "received_date", "responded": "response_date", "outcome": "outcome"}[entry["field"]]
            ]
        assert (value if isinstance(value, str) else "") == entry["value"], entry
    stage_rows = sum(export["stage_rows"] for export in truth["exports"].values())
    assert 0.01 <= len(entries) / stage_rows <= 0.02
    assert {e["file"] for e in entries} == {CSV, XLSX, JSON}


def test_profiles_map_every_enumerated_value_except_the_seeded_ones(corporate, adults, children_stages, children):
    checks = [
        ("corporate", "raised_via", corporate["Source"]),
        ("corporate", "process", corporate["Complaint Type"]),
        ("corporate", "outcome", pd.concat([corporate["Stage 1 Outcome"], corporate["Stage 2 Outcome"]])),
        ("adult_social_care", "raised_via", adults["Raised By"]),
        ("adult_social_care", "outcome", adults["Outcome"]),
        ("adult_social_care", "stage", adults["Stage"]),
        ("childrens", "outcome", children_stages["outcome"]),
        ("childrens", "stage", children_stages["stage"]),
        ("childrens", "raised_via", pd.Series([c["raised_by"] for c in children])),
    ]
    for profile, field, values in checks:
        mapped = _value_map(profile, field)
        unmapped = {value for value in values.dropna() if value.casefold() not in mapped}
        assert unmapped <= SEEDED_UNMAPPED, (profile, field, unmapped)


# -- seeded problems hold in the raw data ------------------------------------------------------


def test_member_cases_are_fast_tracked_against_public_ones(truth, corporate):
    raised_via = corporate["Source"].str.casefold().map(_value_map("corporate", "raised_via"))
    for stage, received_column in (("1", "Date Received"), ("2", "Stage 2 Requested")):
        taken = working_days_between(
            _dates(corporate[received_column]), _dates(corporate[f"Stage {stage} Response Sent"])
        )
        for process in ("Corporate", "Housing"):
            in_process = corporate["Complaint Type"].eq(process) & taken.notna()
            member = taken[in_process & raised_via.isin(["mp", "councillor"])].median()
            public = taken[in_process & raised_via.eq("public")].median()
            assert member <= 0.6 * public, (stage, process, member, public)
    for entry in truth["problems"]["member_fast_tracked"]["cases"]:
        row = corporate.set_index("Case Ref").loc[entry["case_id"]]
        assert row["Source"] in ("MP", "Cllr")
        received = row["Date Received" if entry["stage"] == "1" else "Stage 2 Requested"]
        assert (
            working_days_between(
                _dates(pd.Series([received])), _dates(pd.Series([row[f"Stage {entry['stage']} Response Sent"]]))
            )[0]
            == entry["working_days"]
        )


def test_member_cases_enter_at_stage_2_or_bypass_the_complaints_team(truth, corporate):
    by_id = corporate.set_index("Case Ref")
    stage1 = [c for c in corporate.columns if c.startswith("Stage 1")] + ["Date Received"]
    no_stage1 = by_id[stage1].isna().all(axis=1) & by_id["Stage 2 Requested"].notna()
    assert set(no_stage1[no_stage1].index) == set(truth["problems"]["member_entered_at_stage2"]["case_ids"])
    outside = by_id["Handled By"].isin(["Chief Executive's Office", "Member Services"])
    assert set(outside[outside].index) == set(truth["problems"]["member_handled_outside_complaints_team"]["case_ids"])
    assert by_id.loc[outside, "Source"].isin(["MP", "Cllr"]).all()


def test_childrens_adjudications_late_behind_a_report_in_time(truth, children_stages):
    stage2 = children_stages[children_stages["stage"].eq("Stage 2") & children_stages["response_date"].notna()]
    received, agreed = pd.to_datetime(stage2["received_date"]), pd.to_datetime(stage2["statement_agreed_date"])
    start = np.maximum(received, agreed)
    report = working_days_between(start, pd.to_datetime(stage2["io_report_date"]))
    report_from_request = working_days_between(received, pd.to_datetime(stage2["io_report_date"]))
    adjudication = working_days_between(start, pd.to_datetime(stage2["response_date"]))
    hidden = (report <= 25) & (report_from_request <= 25) & (adjudication > 25)
    assert set(stage2.loc[hidden.to_numpy(), "case_id"]) == set(
        truth["problems"]["childrens_adjudication_late"]["case_ids"]
    )
    assert (adjudication[hidden] <= 65).all() and stage2.loc[hidden.to_numpy(), "timescale_met"].all()
    due = working_days_between(start, pd.to_datetime(stage2["target_date"]))
    assert (due == 25).all()


def test_letters_say_what_good_letters_say_except_where_seeded(truth, corporate, children_stages):
    letters = _letters(corporate, children_stages)
    key = list(zip(letters["case_id"], letters["stage"], strict=True))
    seeded = {
        name: _cases(truth, name)
        for name in ("missing_apology_upheld", "missing_ombudsman_details_final", "jargon_responses")
    }
    at_fault = letters["outcome"].isin(["upheld", "partly_upheld"])
    no_apology = pd.Series([k in seeded["missing_apology_upheld"] for k in key])
    has_apology = letters["text"].str.contains(APOLOGY)
    assert (has_apology[at_fault & ~no_apology]).all() and not has_apology[no_apology].any()
    assert at_fault[no_apology].all()

    no_ombudsman = pd.Series([k in seeded["missing_ombudsman_details_final"] for k in key])
    complete = letters["text"].map(
        lambda text: any(all(part in text for part in details) for details in OMBUDSMAN_DETAILS)
    )
    assert complete[letters["final"] & ~no_ombudsman].all() and not complete[no_ombudsman].any()
    assert letters["final"][no_ombudsman].all()
    # The ombudsman's details also whenever a timescale was extended, except where seeded.
    extension = pd.Series([k in _cases(truth, "missing_ombudsman_details_extension") for k in key])
    extended = letters["extended"] & ~letters["final"]
    assert complete[extended & ~extension].all() and not complete[extension].any()
    assert (extended & letters["stage"].eq("1"))[extension].all()
    housing_final = letters["final"] & letters["process"].eq("Housing") & ~no_ombudsman
    assert letters.loc[housing_final, "text"].str.contains("Housing Ombudsman Service").all()

    assert letters.loc[letters["stage"].eq("1"), "text"].str.contains("Stage 2").all()
    assert letters.loc[letters["file"].eq(JSON) & letters["stage"].eq("2"), "text"].str.contains("Stage 3").all()
    jargon = pd.Series([k in seeded["jargon_responses"] for k in key])
    ease = letters["text"].map(_flesch)
    assert (ease[jargon] < 30).all() and (ease[~jargon] > 50).all()


def _adult_letters(truth: dict, adults: pd.DataFrame) -> pd.DataFrame:
    """Adult social care's letters that should match, read back from their files: file, case, outcome, text.

    The text's whitespace is made single spaces: a PDF's lines are wrapped to its page.
    """
    local = adults[adults["Stage"].eq("Local Resolution")].set_index("Reference")
    rows = [{"file": name, **entry} for name, entry in truth["letters"]["matched"].items()]
    letters = pd.DataFrame(rows)
    letters["outcome"] = local.loc[letters["case_id"], "Outcome"].str.casefold().map(
        _value_map("adult_social_care", "outcome")).to_numpy()
    letters["text"] = [" ".join(text_of_file(SAMPLE / LETTERS / name).text.split()) for name in letters["file"]]
    return letters


def test_adult_social_care_letters_are_small_files_of_each_kind_that_read_back(truth):
    """One file per answered Local Resolution stage, mostly .docx and PDF, named by reference or not, all small."""
    letters = truth["letters"]
    files = sorted(path.name for path in (SAMPLE / LETTERS).iterdir())
    assert files == sorted([*letters["matched"], *{entry["file"] for entry in letters["unmatched"]}])
    assert letters["files"] == len(files) and letters["reference_pattern"] == r"ASC-\d{4}-\d{4}"
    suffixes = pd.Series([Path(name).suffix for name in files]).value_counts()
    assert suffixes[".docx"] > suffixes[".pdf"] > suffixes[".eml"] > 0 and suffixes[".doc"] == 1
    sizes = [(SAMPLE / LETTERS / name).stat().st_size for name in files]
    assert sum(sizes) < 1_000_000 and max(sizes) < 8_000  # shipped in the wheel: no fonts, themes or styles
    by_text = {name for name, entry in letters["matched"].items() if entry["reference_in"] == "text"}
    assert 20 <= len(by_text) <= 60 and not any(re.search(letters["reference_pattern"], name) for name in by_text)
    for name, entry in letters["matched"].items():
        assert entry["case_id"] in text_of_file(SAMPLE / LETTERS / name).first_page, name
    reasons = {entry["file"]: entry["reason"] for entry in letters["unmatched"]}
    assert sorted(reasons.values()) == ["no_such_case", "two_letters", "two_letters", "unreadable"]
    (unreadable,) = (name for name, reason in reasons.items() if reason == "unreadable")
    with pytest.raises(Unreadable, match="legacy Word"):
        text_of_file(SAMPLE / LETTERS / unreadable)


def test_word_letters_are_built_on_a_template_of_under_a_kilobyte(tmp_path):
    """python-docx's own template carries themes, fonts and styles (about 36 KB a letter); the sample's has none."""
    from complaint_audit.sample_data.letter_files import docx_bytes, minimal_docx_template

    template = minimal_docx_template()
    assert len(template) < 1_024
    letter = tmp_path / "letter.docx"
    letter.write_bytes(docx_bytes("Our reference: ASC-2023-0001\n\nDear Ms Jones,\n\nI am sorry.", template))
    assert letter.stat().st_size < 2_048
    assert text_of_file(letter).text == "Our reference: ASC-2023-0001\n\nDear Ms Jones,\n\nI am sorry."


def test_adult_social_care_letter_files_carry_the_seeded_faults(truth, adults):
    """As in the other systems' letters: no apology, no ombudsman's details, officialese, only where seeded."""
    letters = _adult_letters(truth, adults)
    key = pd.Series(list(zip(letters["case_id"], letters["stage"], strict=True)))
    no_apology = key.isin(_cases(truth, "missing_apology_upheld", XLSX))
    at_fault = letters["outcome"].isin(["upheld", "partly_upheld"])
    has_apology = letters["text"].str.contains(APOLOGY)
    assert no_apology.sum() >= 5 and at_fault[no_apology].all()
    assert has_apology[at_fault & ~no_apology].all() and not has_apology[no_apology].any()
    no_ombudsman = key.isin(_cases(truth, "missing_ombudsman_details_final", XLSX))
    complete = letters["text"].map(lambda text: all(part in text for part in OMBUDSMAN_DETAILS[0]))
    assert no_ombudsman.sum() >= 5 and complete[~no_ombudsman].all() and not complete[no_ombudsman].any()
    jargon = key.isin(_cases(truth, "jargon_responses", XLSX))
    ease = letters["text"].str.replace(" Dear ", "\n\nDear ", n=1, regex=False).map(_flesch)
    assert jargon.sum() >= 5 and (ease[jargon] < 30).all() and (ease[~jargon] > 50).all()
    facts = letters["text"].str.extract(r"(You first contacted us.*?Thank you[^.]*\.)", expand=False)
    assert facts.notna().all() and facts.is_unique  # each written for its own case
    # The unmatched letters' cases carry no seeded fault: a letter that is not read could not show one.
    unread = {(entry["case_id"], "1") for entry in truth["letters"]["unmatched"]}
    seeded = set().union(*(_cases(truth, name) for name in ("missing_apology_upheld", "jargon_responses",
                                                            "missing_ombudsman_details_final")))
    assert not unread & seeded


def test_each_letter_is_written_for_its_case_except_the_seeded_template(truth, corporate, children_stages):
    """Masked like QR006 masks them, the seeded template letters are all one text and every other letter is unique."""
    letters = _letters(corporate, children_stages)
    key = pd.Series(list(zip(letters["case_id"], letters["stage"], strict=True)))
    template = key.isin(_cases(truth, "boilerplate_responses")).to_numpy()
    body = letters["text"].map(_masked_body)
    assert 12 <= template.sum() <= 20
    assert body[template].nunique() == 1 and "You first contacted us" not in body[template].iloc[0]
    assert letters.loc[template, "file"].eq(CSV).all() and letters.loc[template, "stage"].eq("1").all()
    assert letters.loc[template, "category"].nunique() == 1 and letters.loc[template, "outcome"].eq("not_upheld").all()
    assert not letters.loc[template, "extended"].any()
    assert not body[~template].isin(set(body[template])).any() and body[~template].is_unique
    # Every other letter tells its own case's facts, and within an export no two tell the same.
    facts = body[~template].str.extract(r"(You first contacted us[^\n]*)", expand=False)
    assert facts.notna().all()
    assert not facts.groupby(letters.loc[~template, "file"]).apply(lambda paragraphs: paragraphs.duplicated().any()).any()


def test_upheld_stages_record_learning_except_where_seeded(truth, corporate, adults, children_stages):
    outcome = _value_map("corporate", "outcome")
    fault = (
        corporate["Stage 1 Outcome"].str.casefold().map(outcome).isin(["upheld", "partly_upheld"])
        & corporate["Stage 1 Response Sent"].notna()
    )
    fault |= (
        corporate["Stage 2 Outcome"].str.casefold().map(outcome).isin(["upheld", "partly_upheld"])
        & corporate["Stage 2 Response Sent"].notna()
    )
    missing = set(corporate.loc[fault & corporate["Learning"].isna(), "Case Ref"])
    asc_fault = adults["Outcome"].isin(["Well Founded", "Partly Well Founded"]) & adults["Response Date"].notna()
    missing |= set(adults.loc[asc_fault & adults["Lessons Learned"].isna(), "Reference"])
    csc_fault = children_stages["outcome"].isin(["UPHELD", "PART_UPHELD"]) & children_stages["response_date"].notna()
    missing |= set(children_stages.loc[csc_fault & children_stages["learning"].isna(), "case_id"])
    assert missing == set(truth["problems"]["upheld_no_learning"]["case_ids"])


def test_the_housing_team_records_stage_2_due_dates_looser_than_the_code(truth, corporate):
    stage2 = corporate[corporate["Stage 2 Requested"].notna()]
    target = working_days_between(_dates(stage2["Stage 2 Requested"]), _dates(stage2["Stage 2 Due"]))
    housing = stage2["Team"].eq("Housing Complaints").to_numpy()
    assert (target[housing] == 35).all() and (target[~housing] == 20).all()
    assert set(stage2.loc[housing, "Case Ref"]) == set(truth["problems"]["loose_local_target"]["case_ids"])
    [team] = truth["problems"]["loose_local_target"]["teams"]
    assert (team["team"], team["local_target_working_days"], team["code_target_working_days"]) == (
        "Housing Complaints",
        35,
        25,
    )


# -- end to end ----------------------------------------------------------------------------------


def test_the_loader_quarantines_exactly_the_seeded_bad_rows(truth, tmp_path):
    api = pytest.importorskip("complaint_audit.ingest.api")
    report = api.load_exports(store=tmp_path / "store", config=SAMPLE / "audit.toml")
    by_file = {entry["path"]: entry for entry in report.files}
    for export in truth["exports"].values():
        loaded = by_file[export["file"]]
        assert (loaded["read"], loaded["quarantined"]) == (export["stage_rows"], export["quarantined_stage_rows"])
    quarantine = pd.read_csv(tmp_path / "store" / "quarantine.csv", dtype={"stage": str})
    found = set(
        zip(
            quarantine["source_file"],
            quarantine["case_id"],
            quarantine["stage"],
            quarantine["reason"],
            quarantine["source_row"],
            strict=True,
        )
    )
    assert found == {(e["file"], e["case_id"], e["stage"], e["reason"], e["source_row"]) for e in _quarantined(truth)}
