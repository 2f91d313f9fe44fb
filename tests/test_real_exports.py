"""Real public exports through `profile suggest` and `load`: the draft's key guesses, and every row accounted for.

The exports (docs/real_exports.md says where each comes from) are cut from public repositories
and are not committed with the code: each is looked for under tests/data/real/NAME/ and then
under the shared data folder beside the repository (shared/data/real/NAME/). A test whose file is
in neither place is skipped, saying so. Each folder's profile.toml is the profile
docs/real_exports.md reports on: the draft with no edit but the organisation's name, which the
first test keeps true.
"""

import tomllib
from pathlib import Path

import pytest

from complaint_audit.ingest.api import load_exports
from complaint_audit.ingest.suggest import ORGANISATION_PLACEHOLDER, suggest_profile

REPO = Path(__file__).resolve().parents[1]
PLACES = (REPO / "tests" / "data" / "real", REPO.parent / "shared" / "data" / "real")

# name -> (file, the organisation's name written over the placeholder, or None when a column holds it)
EXPORTS = {
    "housing_ombudsman_findings": ("ombudsman_complaints_findings.csv", None),
    "detroit_police_complaints": ("DPD_Citizen_Complaints.csv", "Detroit Police Department"),
    "nyc_311_service_requests": ("311_Service_Requests.csv", "City of New York"),
    "cfpb_consumer_complaints": ("Consumer_Complaints.csv", None),
}

# The guesses that decide the headline figures: case id, organisation, dates, outcome, process.
KEY_MAPPINGS = {
    "housing_ombudsman_findings": {
        "columns": {"organisation": "Landlord Name", "case_id": "Case ID", "category": "Category",
                    "received": "Decision Date", "outcome": "Finding Outcome"},
        "constants": {"process": "housing", "stage": "1"},
        "values": {"upheld": ["Maladministration", "Service Failure", "Severe Maladministration"],
                   "not_upheld": ["No Maladministration"], "resolved": ["Reasonable Redress"],
                   "out_of_scope": ["Outside Jurisdiction"]},
    },
    "detroit_police_complaints": {
        "columns": {"case_id": "BPC", "category": "Allegation", "received": "Report_Date", "responded": "Closed",
                    "closed": "Closed", "outcome": "Finding"},
        "constants": {"organisation": "Detroit Police Department", "process": "corporate", "stage": "1"},
        "values": {"upheld": ["Sustained"], "not_upheld": ["Not Sustained", "No Charge", "Exonerated", "Unfounded"],
                   "out_of_scope": ["Admin. Closure", "Void"]},
    },
    "nyc_311_service_requests": {
        "columns": {"case_id": "Unique Key", "service": "Agency", "category": "Complaint Type", "received": "Created Date",
                    "due": "Due Date", "responded": "Closed Date", "closed": "Closed Date"},
        "constants": {"organisation": "City of New York", "process": "other", "stage": "1"},
        "values": None,
    },
    "cfpb_consumer_complaints": {
        "columns": {"organisation": "company", "case_id": "complaint_id", "category": "issue", "channel": "submitted_via",
                    "received": "date_received", "outcome": "company_response_to_consumer"},
        "constants": {"process": "other", "stage": "1"},
        "values": {"upheld": ["Closed with non-monetary relief", "Closed with monetary relief"],
                   "not_upheld": ["Closed with explanation"]},
    },
}


def export(name: str) -> Path:
    file_name = EXPORTS[name][0]
    found = next((place / name / file_name for place in PLACES if (place / name / file_name).is_file()), None)
    if found is None:
        pytest.skip(f"{name}/{file_name} is in neither {PLACES[0]} nor {PLACES[1]}: see docs/real_exports.md")
    return found


def confirmed_draft(name: str) -> str:
    """The draft with only the organisation's name written in, as the acceptance run does."""
    organisation = EXPORTS[name][1]
    draft = suggest_profile(export(name))
    return draft.replace(ORGANISATION_PLACEHOLDER, organisation) if organisation else draft


@pytest.mark.parametrize("name", EXPORTS)
def test_the_kept_profile_is_the_draft_with_only_the_organisation_written_in(name):
    kept = tomllib.loads((REPO / "tests" / "data" / "real" / name / "profile.toml").read_text(encoding="utf-8"))
    assert tomllib.loads(confirmed_draft(name)) == kept


@pytest.mark.parametrize("name", EXPORTS)
def test_key_guesses(name):
    draft = tomllib.loads(confirmed_draft(name))
    expected = KEY_MAPPINGS[name]
    assert {field: draft["columns"].get(field) for field in expected["columns"]} == expected["columns"]
    assert draft.get("constants", {}) == expected["constants"]
    assert draft.get("values", {}).get("outcome") == expected["values"]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_row_is_loaded_or_quarantined_with_a_reason(name, tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "real exports test key 0123456789")
    profile = tmp_path / "profile.toml"
    profile.write_text(confirmed_draft(name), encoding="utf-8")
    (entry,) = load_exports(store=tmp_path / "store", files=[export(name)], profile=profile).files
    assert entry["read"] == entry["source_rows"] == entry["loaded"] + entry["quarantined"]
    assert entry["quarantined"] == sum(entry["reasons"].values())
    # No date is unreadable but the Housing Ombudsman's seven '13 February 2026 (re-issued)'.
    assert entry["reasons"].get("bad_date", 0) == (7 if name == "housing_ombudsman_findings" else 0)
    assert "date_order" not in entry["reasons"]
