"""Personal data at load: patterns, names and addresses masked; nothing personal in the store."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from complaint_audit.ingest.privacy import PersonalTerms, personal_terms, redact, redact_patterns
from tests.conftest import SAMPLE_DATA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to ann.lee+x@example.co.uk today", "Write to [email] today"),
        ("Call 01632 960123 or 07700-900-123.", "Call [phone] or [phone]."),
        ("Call +44 7700 900123 now", "Call [phone] now"),
        ("The Ombudsman: 0300 061 0614 or www.lgo.org.uk", "The Ombudsman: 0300 061 0614 or www.lgo.org.uk"),
        ("NI number QQ 12 34 56 C on file", "NI number [NI number] on file"),
        ("Postcode NS6 7WS.", "Postcode [postcode]."),
    ],
)
def test_contact_details_are_masked_by_pattern(text, expected):
    assert redact_patterns(pd.Series([text], dtype="str")).iloc[0] == expected


def test_names_and_address_parts_are_masked_but_not_the_councils_name():
    personal = [
        pd.Series(["Priya", "Tom"]), pd.Series(["Patel", "Ray"]),
        pd.Series(["28 Victoria Road, Fernleigh", "3 Mill Lane, Oxton"]),
        pd.Series(["Cllr Jo Bell (Northshire County Council)", None]),
    ]
    terms = personal_terms(personal, keep={"Northshire", "County", "Council"})
    assert terms == PersonalTerms(
        names=["Bell", "Cllr", "Patel", "Priya", "Ray", "Tom"],
        places=["28 Victoria Road", "3 Mill Lane", "Fernleigh", "Oxton"],
    )
    letter = "Dear Mrs Patel, of 28 Victoria Road, Fernleigh. Northshire County Council apologises."
    assert redact(pd.Series([letter, None]), terms).tolist()[0] == (
        "Dear Mrs [name], of [address], [address]. Northshire County Council apologises."
    )


def _raw_personal_values() -> set[str]:
    """Names, emails, phones and street addresses as the raw sample exports hold them."""
    corporate = pd.read_csv(SAMPLE_DATA / "exports" / "corporate_complaints.csv", encoding="cp1252", dtype=str)
    values = set()
    for column in ("Surname", "Email", "Phone", "Address"):
        values |= set(corporate[column].dropna())
    cases = json.loads((SAMPLE_DATA / "exports" / "childrens_complaints.json").read_text())["cases"]
    values |= {case["child"]["name"] for case in cases} | {case["complainant"]["email"] for case in cases if case["complainant"].get("email")}
    return {value for value in values if len(value) > 4}


def test_no_personal_value_from_the_raw_exports_reaches_the_store(sample_store):
    stored = "\n".join(
        pd.read_parquet(path).to_csv() if path.suffix == ".parquet" else path.read_text(encoding="utf-8")
        for path in sample_store.rglob("*") if path.is_file()
    )
    leaked = sorted(value for value in _raw_personal_values() if value in stored)
    assert leaked == []
    assert "demo-key-for-sample-data-only" not in stored
