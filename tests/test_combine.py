"""[combine]: several rows of one case (a row per allegation or finding) loaded as one record per case and stage."""

import json

import pandas as pd
import pytest

from complaint_audit.cli import app
from complaint_audit.errors import UserError
from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.profile import load_profile
from complaint_audit.schema import MOST_SERIOUS_FIRST, Outcome
from complaint_audit.store import Store
from tests.builders import write

HEADER = "Ref,Stage,Received,Responded,Closed,Outcome,Category,Team,Amount"
PROFILE = """
[source]
name = "findings"

[constants]
organisation = "Testshire Council"
process = "corporate"

[columns]
case_id = "Ref"
stage = "Stage"
received = "Received"
responded = "Responded"
closed = "Closed"
outcome = "Outcome"
category = "Category"
team = "Team"
remedy_amount = "Amount"
"""


def _profile(tmp_path, combine: str | None = "[combine]\n") -> str:
    return write(tmp_path / "findings.toml", PROFILE + ("\n" + combine if combine is not None else ""))


def _load(tmp_path, rows: list[str], combine: str | None = "[combine]\n", name: str = "findings.csv"):
    export = write(tmp_path / name, "\n".join([HEADER, *rows]) + "\n")
    report = load_exports(store=tmp_path / "store", files=[export], profile=_profile(tmp_path, combine))
    records = Store(tmp_path / "store").read_records().sort_values(["case_id", "stage"]).reset_index(drop=True)
    return report, records


def _table(records: pd.DataFrame, columns: list[str]) -> list[list]:
    """The records' COLUMNS as lists of plain values, None where missing."""
    values = records[columns].astype(object)
    return values.where(values.notna(), None).values.tolist()


def _one(tmp_path, rows: list[str], combine: str = "[combine]\n") -> pd.Series:
    _, records = _load(tmp_path, rows, combine)
    assert len(records) == 1, records
    return records.iloc[0]


# --- one test per rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["not_upheld", "upheld", "partly_upheld"], "upheld"),
        (["not_upheld", "partly_upheld", "not_upheld"], "partly_upheld"),
        (["withdrawn", "not_upheld", "out_of_scope"], "not_upheld"),
        (["out_of_scope", "withdrawn", "resolved"], "resolved"),
        (["out_of_scope", "withdrawn"], "withdrawn"),
        (["", "out_of_scope", ""], "out_of_scope"),
        (["", ""], None),
    ],
)
def test_outcome_is_the_most_serious_of_the_rows(tmp_path, outcomes, expected):
    rows = [f"C1,1,03/04/2023,,,{outcome},,," for outcome in outcomes]
    record = _one(tmp_path, rows)
    assert (None if pd.isna(record["outcome"]) else record["outcome"]) == expected
    assert record["combined_rows"] == len(outcomes)


def test_the_order_of_seriousness_covers_every_outcome():
    assert sorted(MOST_SERIOUS_FIRST) == sorted(outcome.value for outcome in Outcome)


def test_received_is_the_earliest_responded_and_closed_the_latest_of_the_dates_given(tmp_path):
    record = _one(tmp_path, [
        "C1,1,05/04/2023,20/04/2023,,upheld,,,",
        "C1,1,03/04/2023,,30/04/2023,not_upheld,,,",
        "C1,1,04/04/2023,25/04/2023,28/04/2023,not_upheld,,,",
    ])
    assert [record[name].date().isoformat() for name in ("received", "responded", "closed")] == [
        "2023-04-03", "2023-04-25", "2023-04-30"]


def test_a_date_rule_can_be_declared(tmp_path):
    record = _one(tmp_path, ["C1,1,05/04/2023,20/04/2023,,,,,", "C1,1,03/04/2023,25/04/2023,,,,,"],
                  '[combine]\nreceived = "latest"\nresponded = "earliest"\n')
    assert (record["received"].date().isoformat(), record["responded"].date().isoformat()) == ("2023-04-05", "2023-04-20")


def test_text_takes_the_first_value_given_by_default(tmp_path):
    record = _one(tmp_path, ["C1,1,03/04/2023,,,,,,", "C1,1,03/04/2023,,,,Delay,North,", "C1,1,03/04/2023,,,,Force,South,"])
    assert (record["category"], record["team"]) == ("Delay", "North")


def test_all_joins_every_distinct_value_in_file_order(tmp_path):
    record = _one(tmp_path, [
        "C1,1,03/04/2023,,,,Use of force,,", "C1,1,03/04/2023,,,,Discourtesy,,",
        "C1,1,03/04/2023,,,,,,", "C1,1,03/04/2023,,,,Use of force,,",
    ], '[combine]\ncategory = "all"\n')
    assert record["category"] == "Use of force; Discourtesy"


def test_most_frequent_takes_the_commonest_value_and_the_first_seen_when_tied(tmp_path):
    rows = ["C1,1,03/04/2023,,,,,South,", "C1,1,03/04/2023,,,,,North,", "C1,1,03/04/2023,,,,,North,",
            "C2,1,03/04/2023,,,,,East,", "C2,1,03/04/2023,,,,,West,"]
    _, records = _load(tmp_path, rows, '[combine]\nteam = "most_frequent"\n')
    assert _table(records, ["team"]) == [["North"], ["East"]]


@pytest.mark.parametrize(("rule", "expected"), [(None, 50.0), ("sum", 80.0), ("min", 30.0), ("first", 30.0)])
def test_amounts_take_the_largest_by_default_or_the_declared_rule(tmp_path, rule, expected):
    combine = "[combine]\n" + (f'remedy_amount = "{rule}"\n' if rule else "")
    record = _one(tmp_path, ["C1,1,03/04/2023,,,,,,30", "C1,1,03/04/2023,,,,,,", "C1,1,03/04/2023,,,,,,50"], combine)
    assert record["remedy_amount"] == expected


def test_each_record_keeps_how_many_rows_it_combines_and_its_first_row(tmp_path):
    rows = ["A1,1,03/04/2023,,,,,,", "B1,1,03/04/2023,,,,,,", "A1,1,03/04/2023,,,,,,", "A1,2,01/05/2023,,,,,,",
            "A1,1,03/04/2023,,,,,,"]
    report, records = _load(tmp_path, rows)
    assert _table(records, ["case_id", "stage", "source_row", "combined_rows"]) == [
        ["A1", "1", 2, 3], ["A1", "2", 5, 1], ["B1", "1", 3, 1]]
    (entry,) = report.files
    assert (entry["read"], entry["loaded"], entry["quarantined"], entry["records"]) == (5, 5, 0, 3)
    assert (entry["combined_rows"], entry["combined_records"]) == (3, 1)


def test_without_combine_every_record_is_one_row(tmp_path):
    _, records = _load(tmp_path, ["A1,1,03/04/2023,,,,,,", "B1,1,03/04/2023,,,,,,"], combine=None)
    assert records["combined_rows"].tolist() == [1, 1]


# --- reconciliation ---------------------------------------------------------------------------


ROWS_WITH_A_BAD_ONE = [
    "P1,1,03/04/2023,10/05/2023,,not_upheld,Force,,",
    "P1,1,03/04/2023,31/02/2023,,upheld,Delay,,",  # a bad date: quarantined on its own, before combining
    "P1,1,04/04/2023,12/05/2023,,partly_upheld,Delay,,",
    "P2,1,05/04/2023,,,,Force,,",
    "P3,1,06/04/2023,01/06/2023,,not_upheld,Other,,",
    "P3,1,06/04/2023,02/06/2023,,not_upheld,Other,,",
    "P3,1,06/04/2023,03/06/2023,,not_upheld,Other,,",
]


def test_a_bad_row_is_quarantined_alone_and_the_rest_of_its_case_combined(tmp_path):
    report, records = _load(tmp_path, ROWS_WITH_A_BAD_ONE)
    quarantine = Store(tmp_path / "store").read_quarantine()
    assert quarantine[["source_row", "reason"]].values.tolist() == [["3", "bad_date"]]
    assert _table(records, ["case_id", "outcome", "combined_rows"]) == [
        ["P1", "partly_upheld", 2], ["P2", None, 1], ["P3", "not_upheld", 3]]
    (entry,) = report.files
    assert entry["read"] == entry["loaded"] + entry["quarantined"] == 7
    assert (entry["loaded"], entry["quarantined"], entry["records"], entry["combined_rows"], entry["combined_records"]) == (6, 1, 3, 5, 2)
    assert {key: report.reconciliation()[key] for key in ("read", "loaded", "quarantined", "records", "combined_rows", "combined_records")} == {
        "read": 7, "loaded": 6, "quarantined": 1, "records": 3, "combined_rows": 5, "combined_records": 2}


def test_load_prints_how_many_rows_were_combined_into_how_many_records(runner, tmp_path):
    export = write(tmp_path / "findings.csv", "\n".join([HEADER, *ROWS_WITH_A_BAD_ONE]) + "\n")
    command = ["load", "--store", str(tmp_path / "store"), "--profile", str(_profile(tmp_path)), str(export)]
    result = runner.invoke(app, command, terminal_width=200)
    assert result.exit_code == 0, result.output
    printed = " ".join(result.stdout.split())
    assert "Read 7 = loaded 6 + quarantined 1 (14.3%)." in printed
    assert "Combined 5 loaded rows of the same case and stage into 2 records ([combine]): 3 records in all." in printed
    result = runner.invoke(app, [*command[:2], str(tmp_path / "again"), *command[3:], "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {key: summary[key] for key in ("read", "loaded", "quarantined", "records", "combined_rows", "combined_records")} == {
        "read": 7, "loaded": 6, "quarantined": 1, "records": 3, "combined_rows": 5, "combined_records": 2}
    assert summary["files"][0]["combined_rows"] == 5 and summary["warnings"] == []


def test_a_combined_record_loaded_again_from_another_file_is_quarantined_row_by_row(tmp_path):
    _load(tmp_path, ["P1,1,03/04/2023,,,upheld,,,"], name="april.csv")
    export = write(tmp_path / "may.csv", "\n".join([HEADER, "P1,1,03/04/2023,,,upheld,,,", "P9,1,03/04/2023,,,,,,",
                                                     "P1,1,04/04/2023,,,not_upheld,,,"]) + "\n")
    report = load_exports(store=tmp_path / "store", files=[export], profile=_profile(tmp_path))
    (entry,) = report.files
    assert (entry["read"], entry["loaded"], entry["quarantined"], entry["records"]) == (3, 1, 2, 1)
    quarantine = Store(tmp_path / "store").read_quarantine()
    may = quarantine[quarantine["source_file"].str.endswith("may.csv")]
    assert may[["source_row", "reason"]].values.tolist() == [["2", "duplicate_record"], ["4", "duplicate_record"]]
    assert may["detail"].str.startswith("already loaded from").all()


# --- no [combine]: today's behaviour, with a warning when repeats are many --------------------


def test_without_combine_repeats_are_quarantined_and_many_of_them_named_with_the_fix(tmp_path):
    rows = ["P1,1,03/04/2023,,,upheld,Force,North,", "P1,1,03/04/2023,,,not_upheld,Delay,North,",
            *[f"Q{number},1,03/04/2023,,,,Other,North," for number in range(8)]]
    report, records = _load(tmp_path, rows, combine=None)
    (entry,) = report.files
    assert (entry["loaded"], entry["reasons"], len(records)) == (9, {"duplicate_record": 1}, 9)
    assert report.warnings == [
        f"{tmp_path / 'findings.csv'}: 1 of 10 rows (10.0%) repeat the organisation, case_id and stage of an earlier row and "
        "were quarantined as duplicate_record; if the export has a row per allegation, finding or action, combine them "
        f"into one record per case: add these lines to {tmp_path / 'findings.toml'}: `[combine]` `team = \"first\"` "
        '`category = "all"` `received = "earliest"` `responded = "latest"` `closed = "latest"` `outcome = "most_serious"` '
        '`remedy_amount = "max"`']


def test_the_warning_s_lines_make_a_profile_that_loads_every_row(tmp_path):
    rows = ["P1,1,03/04/2023,,,upheld,Force,North,", "P1,1,03/04/2023,,,not_upheld,Delay,South,", "P2,1,03/04/2023,,,,,,"]
    report, _ = _load(tmp_path, rows, combine=None)
    lines = [line.strip("`") for line in report.warnings[0].split(": ")[-1].split("` `")]
    assert lines[:3] == ["[combine]", 'team = "most_frequent"', 'category = "all"']
    (tmp_path / "store").rename(tmp_path / "old")
    report, records = _load(tmp_path, rows, combine="\n".join(lines) + "\n")
    assert (report.files[0]["quarantined"], report.warnings) == (0, [])
    assert _table(records, ["outcome"]) == [["upheld"], [None]]


def test_a_few_repeats_are_quarantined_without_a_warning(tmp_path):
    rows = ["P1,1,03/04/2023,,,,,,", "P1,1,03/04/2023,,,,,,", *[f"Q{number},1,03/04/2023,,,,,," for number in range(19)]]
    report, _ = _load(tmp_path, rows, combine=None)
    assert (report.files[0]["reasons"], report.warnings) == ({"duplicate_record": 1}, [])


# --- the profile ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("combine", "message"),
    [
        ('outcome = "worst"', "[combine] outcome: 'worst' is not a rule for outcome (allowed: most_serious, first, most_frequent)"),
        ('received = "all"', "[combine] received: 'all' is not a rule for received (allowed: earliest, latest, first)"),
        ("category = 3", "[combine] category: 3 (not a string) is not a rule for category (allowed: first, most_frequent, all)"),
        ('case_id = "first"', "[combine] case_id: rows are combined by organisation, case_id and stage"),
        ('colour = "first"', "[combine] colour: not a canonical field"),
    ],
)
def test_a_rule_that_does_not_fit_its_field_names_the_key_and_the_rules_allowed(tmp_path, combine, message):
    with pytest.raises(UserError) as error:
        load_profile(_profile(tmp_path, f"[combine]\n{combine}\n"))
    assert f"findings.toml: {message}" in str(error.value)


def test_the_profile_resolves_a_rule_for_each_field_read_from_the_export(tmp_path):
    profile = load_profile(_profile(tmp_path, '[combine]\ncategory = "all"\n'))
    assert profile.combine_rules() == {
        "team": "first", "category": "all", "received": "earliest", "responded": "latest", "closed": "latest",
        "outcome": "most_serious", "remedy_amount": "max"}
    assert load_profile(_profile(tmp_path, None)).combine_rules() is None


# --- the report -------------------------------------------------------------------------------


def test_the_report_says_how_the_rows_of_each_source_were_combined(runner, tmp_path):
    write(tmp_path / "findings.csv", "\n".join([HEADER, *ROWS_WITH_A_BAD_ONE]) + "\n")
    _profile(tmp_path, '[combine]\ncategory = "all"\n')
    write(tmp_path / "audit.toml", """
        organisation = "Testshire Council"
        period = "2023-24"
        [[sources]]
        profile = "findings.toml"
        files = ["findings.csv"]
    """)
    result = runner.invoke(app, ["run", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "runs"), "--format", "md",
                                 "--json"])
    assert result.exit_code in (0, 1), result.output
    summary = json.loads(result.stdout)
    assert (summary["cases"], summary["reconciliation"]["combined_rows"], summary["reconciliation"]["records"]) == (3, 5, 3)
    report = (tmp_path / "runs" / summary["run_dir"].rsplit("/", 1)[-1] / "report.md").read_text(encoding="utf-8")
    assert ("findings.csv: the export has several rows for some cases (one per allegation, finding or action). 5 such rows "
            "were combined into 2 records, one per case and stage, so that each case is counted once. Each record took, "
            "of its rows' values, outcome: the most serious recorded (upheld, then partly upheld, then not upheld, then "
            "resolved, then withdrawn, then out of scope); received: the earliest date; responded and closed: the latest "
            "date; team: the first value given; category: every different value, listed; remedy amount: the largest "
            "amount. Every record keeps the number of rows it combines.") in report.replace("\\", "")
    assert "they were combined into one record by the rules of its profile, so that each case is counted once" in report


def test_run_names_many_repeated_cases_with_the_fix_on_stderr_and_in_its_json(runner, tmp_path):
    rows = ["P1,1,03/04/2023,,,upheld,,,", "P1,1,03/04/2023,,,not_upheld,,,", "P2,1,03/04/2023,,,,,,"]
    write(tmp_path / "findings.csv", "\n".join([HEADER, *rows]) + "\n")
    _profile(tmp_path, None)
    write(tmp_path / "audit.toml", """
        organisation = "Testshire Council"
        period = "2023-24"
        [[sources]]
        profile = "findings.toml"
        files = ["findings.csv"]
    """)
    command = ["run", str(tmp_path / "audit.toml"), "--out", str(tmp_path / "runs"), "--format", "md"]
    result = runner.invoke(app, command)
    assert result.exit_code in (0, 1), result.output
    assert ("warning: findings.csv: 1 of 3 rows (33.3%) repeat the organisation, case_id and stage of an earlier row and "
            "were quarantined as duplicate_record;") in " ".join(result.stderr.split())
    result = runner.invoke(app, [*command, "--json"])
    (warning,) = json.loads(result.stdout)["reconciliation"]["warnings"]
    assert warning.endswith(f"add these lines to {tmp_path / 'findings.toml'}: `[combine]` `team = \"first\"` "
                            '`category = "first"` `received = "earliest"` `responded = "latest"` `closed = "latest"` '
                            '`outcome = "most_serious"` `remedy_amount = "max"`')
