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
from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER, suggest_profile

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
        "constants": {"organisation": "Detroit Police Department", "process": "other", "stage": "1"},
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
                   "not_upheld": ["Closed with explanation"], "resolved": ["Closed"], "open": ["Untimely response"]},
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
    # Every date is read, the Housing Ombudsman's seven '13 February 2026 (re-issued)' included.
    assert entry["reasons"].get("bad_date", 0) == 0
    assert "date_order" not in entry["reasons"]


def _independent_counts(name: str) -> tuple[int, int, float | None]:
    """Cases, open cases and the upheld percentage at case level, by pandas alone from the file as
    published (docs/real_exports.md explains each reading of the outcome words)."""
    import pandas as pd

    frame = pd.read_csv(export(name), encoding="utf-8-sig", dtype=str)

    def percent(upheld: pd.Series, decided: pd.Series) -> float | None:
        return round(100 * upheld[decided].mean(), 1) if decided.any() else None

    if name == "housing_ombudsman_findings":
        outcomes = frame.groupby(["Landlord Name", "Case ID"])["Finding Outcome"].agg(set)
        upheld = outcomes.map(lambda found: bool(found & {"Maladministration", "Severe Maladministration", "Service Failure"}))
        decided = upheld | outcomes.map(lambda found: "No Maladministration" in found)
        return len(outcomes), 0, percent(upheld, decided)
    if name == "detroit_police_complaints":
        case = frame.groupby("BPC")
        findings = case["Finding"].agg(lambda values: set(values.dropna()))
        upheld = findings.map(lambda found: "Sustained" in found)
        decided = upheld | findings.map(lambda found: bool(found & {"Not Sustained", "Exonerated", "Unfounded", "No Charge"}))
        still_open = case["Closed"].agg(lambda closed: closed.isna().all()) & findings.map(lambda found: not found)
        return len(findings), int(still_open.sum()), percent(upheld, decided)
    if name == "nyc_311_service_requests":
        return frame["Unique Key"].nunique(), int(frame["Closed Date"].isna().sum()), None
    response = frame["company_response_to_consumer"]
    relief = response.str.contains("relief", case=False) & ~response.str.contains("without", case=False)
    decided = relief | response.eq("Closed with explanation")
    return frame["complaint_id"].nunique(), int(response.isin(["In progress", "Untimely response"]).sum()), percent(relief, decided)


@pytest.mark.parametrize("name", EXPORTS)
def test_the_headline_figures_match_an_independent_case_level_count(name, tmp_path, monkeypatch):
    """Issue 15's acceptance, on the exports we hold: draft with no edit but the organisation's name,
    then the figures results.json reports against pandas."""
    from complaint_audit.audit.headline import headline_figures
    from complaint_audit.store import Store

    monkeypatch.setenv("COMPLAINT_AUDIT_KEY", "real exports test key 0123456789")
    profile = tmp_path / "profile.toml"
    profile.write_text(confirmed_draft(name), encoding="utf-8")
    report = load_exports(store=tmp_path / "store", files=[export(name)], profile=profile)
    figures = headline_figures(Store(tmp_path / "store").read_records(), report.quarantined)
    assert (figures["cases"], figures["open_cases"], figures["upheld_percent"]) == _independent_counts(name)
