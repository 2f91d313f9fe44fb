"""`profile suggest` on exports shaped like real ones (issue 15, item 6): the guesses that turned into nonsense.

Each fixture is a few rows in the shape of a public export: an ombudsman's findings (several per
case, a row number before the case id, landlords' names), a consumer-complaints register (a
company column, a yes/no "timely" flag), a city's service requests (US date-times, agencies, a
closed date but no response date), a police complaints file (one row per allegation, special-
category and officer columns), a casework log whose decisions sit in a status column.
"""

import tomllib
from pathlib import Path

import pytest

from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, suggest_profile
from complaint_audit.ingest.suggest.guess import guess_value


def write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def draft_of(path: Path) -> dict:
    return tomllib.loads(suggest_profile(path))


def ombudsman_findings(folder: Path) -> Path:
    return write(folder, "findings.csv", [
        "Record ID,Case ID,Landlord Name,Landlord Type,Decision Date,Category,Finding Outcome",
        "1,202347433,London & Quadrant Housing Trust,Housing Association,26 May 2026,Leaks,Reasonable Redress",
        "2,202347433,London & Quadrant Housing Trust,Housing Association,26 May 2026,Complaint Handling,Service Failure",
        "3,202448147,London Borough of Islington,Local Authority,21 May 2026,ASB,No Maladministration",
        "4,202448147,London Borough of Islington,Local Authority,21 May 2026,Complaint Handling,Reasonable Redress",
        "5,202532561,Peabody Trust,Housing Association,19 May 2026,Repairs,Maladministration",
        "6,202532561,Peabody Trust,Housing Association,19 May 2026,Complaint Handling,Severe Maladministration",
        "7,202533112,Southern Housing,Housing Association,30 April 2026,Other,Outside Jurisdiction",
    ])


def test_a_row_number_before_the_case_id_is_not_taken_for_it(tmp_path):
    draft = draft_of(ombudsman_findings(tmp_path))
    assert draft["columns"]["case_id"] == "Case ID"


def test_landlord_names_are_the_organisation_not_personal_data(tmp_path):
    draft = draft_of(ombudsman_findings(tmp_path))
    assert draft["columns"]["organisation"] == "Landlord Name"
    assert "organisation" not in draft.get("constants", {})
    assert "personal" not in draft  # nothing to drop, and no complainant key from landlords


def test_the_ombudsmans_words_are_mapped_to_outcomes(tmp_path):
    draft = draft_of(ombudsman_findings(tmp_path))
    assert draft["columns"]["outcome"] == "Finding Outcome"
    assert draft["values"]["outcome"] == {
        "upheld": ["Maladministration", "Service Failure", "Severe Maladministration"],
        "not_upheld": ["No Maladministration"],
        "resolved": ["Reasonable Redress"],
        "out_of_scope": ["Outside Jurisdiction"],
    }


def test_a_landlord_column_makes_the_process_housing(tmp_path):
    assert draft_of(ombudsman_findings(tmp_path))["constants"]["process"] == "housing"


def test_the_file_name_does_not_decide_the_process(tmp_path):
    path = write(tmp_path, "childrens_adult_social_care_housing.csv", [
        "Case Ref,Date Received,Date Responded,Outcome",
        "C1,01/04/2024,10/04/2024,Upheld",
        "C2,02/04/2024,12/04/2024,Not upheld",
    ])
    draft = draft_of(path)
    assert draft["constants"]["process"] == "corporate"
    assert "no column says which procedure applies" in suggest_profile(path)


def consumer_register(folder: Path) -> Path:
    return write(folder, "register.csv", [
        "Date received,Product,Issue,Company,State,Submitted via,Company response to consumer,Timely response?,Complaint ID",
        "9/24/2019,Debt collection,Attempts to collect debt not owed,TRANSWORLD SYSTEMS INC,FL,Web,Closed with explanation,Yes,3384392",
        "9/19/2019,Credit reporting,Incorrect information,Experian Information Solutions Inc.,PA,Web,Closed with non-monetary relief,Yes,3379500",
        "10/24/2019,Credit reporting,Incorrect information,\"TRANSUNION INTERMEDIATE HOLDINGS, INC.\",CA,Web,Closed with monetary relief,No,3416481",
        "11/20/2019,Mortgage,Trouble during payment process,Wells Fargo & Company,TX,Phone,Closed with explanation,Yes,3444592",
    ])


def test_a_yes_no_flag_is_never_the_response_letter(tmp_path):
    path = consumer_register(tmp_path)
    draft = draft_of(path)
    assert "response_text" not in draft["columns"]
    assert "Timely response?" not in draft["columns"].values()
    assert '"Timely response?" (4 of 4 sample rows filled; perhaps responded (header match 0.83), but its values are yes/no flags)' in suggest_profile(path)


def test_a_company_column_is_the_organisation_and_relief_is_an_outcome(tmp_path):
    draft = draft_of(consumer_register(tmp_path))
    assert draft["columns"]["organisation"] == "Company"
    assert draft["columns"]["case_id"] == "Complaint ID"
    assert draft["columns"]["outcome"] == "Company response to consumer"
    assert draft["values"]["outcome"] == {
        "upheld": ["Closed with monetary relief", "Closed with non-monetary relief"],
        "not_upheld": ["Closed with explanation"],
    }


def test_month_first_dates_mean_no_uk_procedure(tmp_path):
    path = consumer_register(tmp_path)
    assert draft_of(path)["constants"]["process"] == "other"
    assert "the dates are month-first, so the export is not from the UK" in suggest_profile(path)


def service_requests(folder: Path) -> Path:
    return write(folder, "requests.csv", [
        "Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Status,Due Date,Park Facility Name",
        "33648024,06/20/2016 10:04:21 PM,06/20/2016 11:12:32 PM,NYPD,New York City Police Department,Noise - Residential,Closed,06/21/2016 06:04:21 AM,Unspecified",
        "33654645,06/21/2016 02:14:50 PM,06/21/2016 03:07:37 PM,NYPD,New York City Police Department,Noise - Commercial,Closed,06/21/2016 10:14:50 PM,Unspecified",
        "33655882,06/21/2016 01:39:00 PM,,DEP,Department of Environmental Protection,Noise,Open,,Central Park",
    ])


def test_service_requests_are_read_with_their_agencies_as_services(tmp_path):
    path = service_requests(tmp_path)
    draft = draft_of(path)
    assert draft["dates"] == {"order": "mdy"}
    assert draft["columns"]["case_id"] == "Unique Key"
    assert draft["columns"]["received"] == "Created Date"
    assert draft["columns"]["service"] == "Agency"
    assert draft["columns"]["category"] == "Complaint Type"
    assert draft["constants"]["organisation"] == ORGANISATION_PLACEHOLDER
    assert "personal" not in draft  # 'Agency Name' and 'Park Facility Name' name no person
    # No response date: the closed date says the request was answered, so a closed request is not open.
    assert draft["columns"]["responded"] == draft["columns"]["closed"] == "Closed Date"
    profile = tmp_path / "requests.toml"
    profile.write_text(suggest_profile(path).replace(ORGANISATION_PLACEHOLDER, "City of New York"), encoding="utf-8")
    report = load_exports(store=tmp_path / "store", files=[path], profile=profile)
    assert (report.read, report.quarantined) == (3, 0)


def test_a_status_column_without_decisions_is_not_the_outcome(tmp_path):
    text = suggest_profile(service_requests(tmp_path))
    columns = tomllib.loads(text)["columns"]
    assert "outcome" not in columns and columns["status"] == "Status"  # open and closed: the status, not a decision


def test_a_status_column_with_decisions_is_offered_as_the_outcome(tmp_path):
    path = write(tmp_path, "casework.csv", [
        "Case Number,Date Received,Status",
        "M1,01/04/2024,Closed - Upheld",
        "M2,02/04/2024,Closed - Not upheld",
        "M3,03/04/2024,Closed - Partly upheld",
        "M4,04/04/2024,Open",
    ])
    draft = draft_of(path)
    assert draft["columns"]["outcome"] == "Status"
    assert draft["values"]["outcome"] == {
        "upheld": ["Closed - Upheld"], "partly_upheld": ["Closed - Partly upheld"], "not_upheld": ["Closed - Not upheld"],
    }


def police_allegations(folder: Path) -> Path:
    return write(folder, "allegations.csv", [
        "BPC,CCR,Report_Date,Age,ctznRace,ctznSex,Closed,Allegation,Finding,Officer Name,Collar Number,Caseworker,ofcrRace,ObjectId",
        "16-1,67127,2016/01/01 00:00:00+00,65,Black,Female,2016/01/25 00:00:00+00,Procedure,Not Sustained,P Officer,4411,A Worker,White,1",
        "16-2,67128,2016/01/04 00:00:00+00,75,Black,Male,2016/01/21 00:00:00+00,Procedure,Admin. Closure,Q Officer,4412,A Worker,Black,2",
        "16-2,67128,2016/01/04 00:00:00+00,75,Black,Male,2016/01/21 00:00:00+00,Force,Exonerated,Q Officer,4412,A Worker,Black,3",
        "16-3,67129,2016/01/04 00:00:00+00,60,Black,Female,2016/03/07 00:00:00+00,Demeanor,Sustained,R Officer,4413,B Worker,Hispanic,4",
        "16-3,67129,2016/01/04 00:00:00+00,60,Black,Female,2016/03/07 00:00:00+00,Force,Unfounded,R Officer,4413,B Worker,Hispanic,5",
    ])


def test_special_category_data_and_officers_are_dropped(tmp_path):
    draft = draft_of(police_allegations(tmp_path))
    assert draft["personal"] == {
        "drop": ["Age", "ctznRace", "ctznSex", "Officer Name", "Collar Number", "Caseworker", "ofcrRace"],
    }


def test_police_findings_and_a_repeating_case_reference(tmp_path):
    draft = draft_of(police_allegations(tmp_path))
    # One row per allegation: the reference repeats, and the row number (ObjectId) is passed over.
    assert draft["columns"]["case_id"] == "BPC"
    assert draft["columns"]["received"] == "Report_Date"
    assert draft["columns"]["outcome"] == "Finding"
    assert draft["values"]["outcome"] == {
        "upheld": ["Sustained"], "not_upheld": ["Exonerated", "Not Sustained", "Unfounded"], "out_of_scope": ["Admin. Closure"],
    }
    assert "would be quarantined" not in suggest_profile(police_allegations(tmp_path))  # '+00' after the time is read


def test_a_mostly_empty_column_is_not_the_case_id(tmp_path):
    rows = [f"R{n},,{n:02d}/04/2024,Upheld" for n in range(1, 21)]
    rows[0] = "R1,OLD-1,01/04/2024,Upheld"
    path = write(tmp_path, "log.csv", ["Request No,Case Ref,Date Received,Outcome", *rows])
    text = suggest_profile(path)
    assert tomllib.loads(text)["columns"]["case_id"] == "Request No"
    assert '"Case Ref" (1 of 20 sample rows filled; perhaps case_id (header match 1.00), but only 5% of sample rows have a value)' in text
    profile = tmp_path / "log.toml"
    profile.write_text(text.replace(ORGANISATION_PLACEHOLDER, "Northshire Council"), encoding="utf-8")
    report = load_exports(store=tmp_path / "store", files=[path], profile=profile)
    assert (report.read, report.quarantined) == (20, 0)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Maladministration", "upheld"),
        ("Severe Maladministration", "upheld"),
        ("Service Failure", "upheld"),
        ("No Maladministration", "not_upheld"),
        ("Reasonable Redress", "resolved"),
        ("Outside Jurisdiction", "out_of_scope"),
        ("Sustained", "upheld"),
        ("Not Sustained", "not_upheld"),
        ("Partially sustained", "partly_upheld"),
        ("Exonerated", "not_upheld"),
        ("Unfounded", "not_upheld"),
        ("Admin. Closure", "out_of_scope"),
        ("Closed with monetary relief", "upheld"),
        ("Closed with non-monetary relief", "upheld"),
        ("Closed with explanation", "not_upheld"),
        ("Upheld", "upheld"),
        ("Not upheld", "not_upheld"),
        ("Premature", "out_of_scope"),
        ("No fault", "not_upheld"),
        ("Fault causing injustice", "upheld"),
        ("Upheld: fault, no injustice", "upheld"),  # the LGSCO upholds on fault, with or without injustice
        ("In progress", "open"),
        ("Untimely response", "open"),  # a company that has not answered in time: still waiting
        ("Closed", "resolved"),  # a closure with no decision recorded: a case, never upheld or not
        # Freedom of information requests, by their published statuses.
        ("Successful", "upheld"),
        ("Partially successful", "partly_upheld"),
        ("Refused", "not_upheld"),
        ("Information not held", "not_upheld"),
        ("Withdrawn by the requester", "withdrawn"),
        ("Not an FOI request", "out_of_scope"),
        ("Vexatious", "out_of_scope"),
        ("Awaiting classification", "open"),
        ("Long overdue", "open"),
        ("Awaiting internal review", "open"),
    ],
)
def test_ombudsman_and_regulator_outcome_words(label, expected):
    assert guess_value("outcome", label) == expected


def test_police_findings_mean_no_council_procedure(tmp_path):
    """A US police file was measured against the UK Complaint Handling Code: sustained, exonerated
    and unfounded are the findings of a police complaints procedure, which no council rule measures."""
    path = write(tmp_path, "allegations.csv", [
        "Complaint,Received,Finding",
        *(f"P{n},2016/01/{n + 10:02d},{finding}" for n, finding in enumerate(["Sustained", "Not Sustained", "Exonerated", "Unfounded"])),
    ])
    assert tomllib.loads(suggest_profile(path))["constants"]["process"] == "other"
