"""`profile suggest` on exports with several rows per case: the draft combines them, and the headline figures come out at case level."""

import datetime as dt
import random
import tomllib

import openpyxl
import pandas as pd

from complaint_audit.audit.headline import headline_figures
from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, suggest_profile
from complaint_audit.store import Store
from tests.builders import write

POLICE_OUTCOMES = ["Upheld", "Not Upheld", "Not Upheld", "Partially Upheld", "Withdrawn", None]
CATEGORIES = ["Use of force", "Discourtesy", "Delay", "Quality of service", "Discrimination"]


def police_workbook(folder, cases: int = 40):
    """A police complaints workbook: a title row, then one row per allegation, one to four to a complaint."""
    chooser = random.Random(15)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Allegations"
    sheet.append(["Complaint allegations recorded, 2023/24 (OFFICIAL)"])
    sheet.append(["Complaint Reference", "Date Received", "Date Responded", "Allegation Category", "Allegation Outcome"])
    for number in range(cases):
        received = dt.datetime(2023, 4, 3) + dt.timedelta(days=chooser.randint(0, 300))
        still_open = number % 9 == 4
        for allegation in range(chooser.choice([1, 1, 2, 3, 4])):
            outcome = None if still_open else chooser.choice(POLICE_OUTCOMES)
            responded = None if still_open or outcome is None else received + dt.timedelta(days=chooser.randint(10, 90))
            sheet.append([f"CO/{2300 + number}", received + dt.timedelta(days=allegation), responded,
                          chooser.choice(CATEGORIES), outcome])
    path = folder / "police_allegations.xlsx"
    workbook.save(path)
    return path


OMBUDSMAN_FINDINGS = """
Case Reference,Date Received,Decision Date,Category,Finding,Remedy
23001234,03/04/2023,12/06/2023,Housing,Upheld: maladministration and injustice,Apology
23001234,03/04/2023,12/06/2023,Housing,Not upheld: no maladministration,
23001240,05/04/2023,20/06/2023,Planning,Not upheld: no maladministration,
23001251,11/04/2023,,Adult care,,
23001262,14/04/2023,01/07/2023,Benefits,Closed after initial enquiries,
23001262,14/04/2023,01/07/2023,Benefits,Not upheld: no maladministration,
23001262,14/04/2023,01/07/2023,Benefits,Upheld: maladministration no injustice,Apology
23001270,20/04/2023,15/07/2023,Education,Closed after initial enquiries,
23001281,21/04/2023,18/07/2023,Highways,Not upheld: no maladministration,
23001281,21/04/2023,18/07/2023,Highways,Not upheld: no maladministration,
23001292,24/04/2023,19/07/2023,Housing,Upheld: maladministration and injustice,Payment
23001303,25/04/2023,,Planning,Not upheld: no maladministration,
23001303,25/04/2023,,Planning,Upheld: maladministration and injustice,Apology
"""


def _load_the_draft(tmp_path, export):
    """The draft as written, with only the organisation's name filled in; loaded into a store."""
    draft = suggest_profile(export)
    profile = write(tmp_path / "draft.toml", draft.replace(ORGANISATION_PLACEHOLDER, "Testshire"))
    report = load_exports(store=tmp_path / "store", files=[export], profile=profile)
    return draft, report, Store(tmp_path / "store").read_records()


def _case_level(rows: pd.DataFrame, case: str, outcome: str, answered: list[str], upheld: set, decided: set) -> dict:
    """The headline figures counted independently: a case is upheld when any of its rows is, decided when any is."""
    by_case = rows.groupby(case)
    decided_cases = by_case[outcome].agg(lambda values: bool(set(values) & decided))
    upheld_cases = by_case[outcome].agg(lambda values: bool(set(values) & upheld))
    open_cases = by_case.apply(lambda group: group[answered].isna().all().all())
    return {"cases": rows[case].nunique(), "open_cases": int(open_cases.sum()),
            "upheld_percent": round(100 * upheld_cases[decided_cases].mean(), 1)}


def test_a_police_workbook_with_a_row_per_allegation_loads_one_record_per_complaint(tmp_path):
    export = police_workbook(tmp_path)
    draft, report, records = _load_the_draft(tmp_path, export)
    combine = tomllib.loads(draft)["combine"]
    assert {key: combine[key] for key in ("outcome", "received", "responded", "category")} == {
        "outcome": "most_serious", "received": "earliest", "responded": "latest", "category": "all"}
    assert "\n[combine]\n# confirm: " in draft and 'outcome = "most_serious"  # confirm: ' in draft

    rows = pd.read_excel(export, header=1, engine="openpyxl")
    (entry,) = report.files
    assert (entry["read"], entry["loaded"], entry["quarantined"]) == (len(rows), len(rows), 0)
    assert entry["records"] == rows["Complaint Reference"].nunique() == len(records)
    assert entry["combined_rows"] == int(rows["Complaint Reference"].duplicated(keep=False).sum())

    expected = _case_level(rows, "Complaint Reference", "Allegation Outcome", ["Date Responded", "Allegation Outcome"],
                           upheld={"Upheld", "Partially Upheld"}, decided={"Upheld", "Partially Upheld", "Not Upheld"})
    figures = headline_figures(records, entry["quarantined"])
    assert {key: figures[key] for key in expected} == expected
    assert expected["open_cases"] > 0 and 0 < expected["upheld_percent"] < 100


def test_an_ombudsman_s_findings_file_with_several_findings_per_case_loads_one_record_per_case(tmp_path):
    export = write(tmp_path / "ombudsman_findings.csv", OMBUDSMAN_FINDINGS)
    draft, report, records = _load_the_draft(tmp_path, export)
    assert tomllib.loads(draft)["combine"]["outcome"] == "most_serious"
    assert "# confirm: 5 of 13 sample rows repeat the 'Case Reference' of an earlier row (4 cases with several rows, up to 3 each)" in draft

    rows = pd.read_csv(export, dtype=str)
    (entry,) = report.files
    assert (entry["read"], entry["loaded"], entry["quarantined"], entry["records"]) == (13, 13, 0, 8)
    expected = _case_level(rows, "Case Reference", "Finding", ["Decision Date", "Finding"],
                           upheld={"Upheld: maladministration and injustice", "Upheld: maladministration no injustice"},
                           decided={"Upheld: maladministration and injustice", "Upheld: maladministration no injustice",
                                    "Not upheld: no maladministration"})
    figures = headline_figures(records, entry["quarantined"])
    assert {key: figures[key] for key in expected} == expected == {"cases": 8, "open_cases": 1, "upheld_percent": 66.7}


def test_no_combination_is_proposed_for_a_row_per_stage_or_for_copied_rows(tmp_path):
    export = write(tmp_path / "stages.csv", """
        Case Ref,Stage,Date Received,Outcome
        C1,Stage 1,03/04/2023,Not upheld
        C1,Stage 2,03/05/2023,Upheld
        C2,Stage 1,04/04/2023,Upheld
        C2,Stage 1,04/04/2023,Upheld
        C3,Stage 1,05/04/2023,Not upheld
    """)
    draft = suggest_profile(export)
    assert "combine" not in tomllib.loads(draft)
    assert "[combine]" not in draft


def test_a_case_id_column_shared_by_many_rows_is_questioned_not_combined(tmp_path):
    lines = ["Case Ref,Date Received,Outcome", *(f"{'AB'[row % 2]},{1 + row % 28:02}/04/2023,Upheld" for row in range(50))]
    draft = suggest_profile(write(tmp_path / "few_ids.csv", "\n".join(lines) + "\n"))
    assert "combine" not in tomllib.loads(draft)
    assert "# confirm: the 50 sample rows hold only 2 different 'Case Ref': is case_id the right column?" in draft
