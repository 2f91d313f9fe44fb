"""Whether a sampled column looks like personal data, so a draft profile lists it under [personal] to be dropped."""

from __future__ import annotations

import re

import pandas as pd

# Headers that name personal data outright; "name" only when not a team's or service's name.
_PERSONAL_HEADERS = (
    (r"\be ?mail\b", "email", "the header says email"),
    (r"\b(?:phone|telephone|tel|mobile|landline)\b", "phone", "the header says phone"),
    (r"\b(?:address|postcode|post code|street)\b", "address", "the header says address"),
    (r"\b(?:dob|date of birth|birth date|birthday)\b", "birth", "the header says date of birth"),
    (r"\b(?:national insurance|ni number|ni no|nino|nhs number|nhs no)\b", "id", "the header names an identity number"),
    (r"\b(?:forename|surname|first name|last name|full name|firstname|lastname)\b", "name", "the header names a person"),
    (r"^(?:complainant|customer|client|service user|resident|contact|person)(?: details)?$", "name",
     "the header names the complainant"),
    (r"\brelationship\b", "relationship", "the header says relationship (who the complainant is to someone)"),
    (r"^(?:representative|advocate|agent)(?: name| details)?$", "name", "the header names the complainant's representative"),
)
_NOT_A_PERSON = r"\b(?:team|service|directorate|department|category|file|sheet|organisation|council|site|product)\b"
_PERSONAL_VALUES = (
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "email", "values look like email addresses"),
    (r"(?:\+44\s?|0)(?:\d[\s-]?){9,10}", "phone", "values look like phone numbers"),
    (r"[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]", "id", "values look like NI numbers"),
    (r".*\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b.*", "address", "values look like addresses (postcodes)"),
    (r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Sir|Lady|Lord)\.?", "title", "values look like titles of address (Mr, Mrs ...)"),
)
_PERSON_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr)\.? )?[A-Z][a-z'’\-]+(?: [A-Z][A-Za-z'’\-]+){1,2}(?: MP)?"


def personal_reason(label: str, filled_text: pd.Series, distinct: int) -> tuple[str, str] | None:
    """(kind, why) when a column looks like personal data by its header or values, else None.

    kind is one of email, phone, address, birth, id, name, relationship, title.
    """
    for pattern, kind, why in _PERSONAL_HEADERS:
        if re.search(pattern, label):
            return kind, why
    if re.search(r"\bname\b", label) and not re.search(_NOT_A_PERSON, label):
        return "name", "the header says name"
    if filled_text.empty or filled_text.str.len().median() > 100:  # letters quote details; a column of them is not one
        return None
    for pattern, kind, why in _PERSONAL_VALUES:
        if filled_text.str.fullmatch(pattern).mean() >= 0.5:
            return kind, why
    looks_named = filled_text.str.fullmatch(_PERSON_NAME).mean() >= 0.8
    # Names repeat far less than teams or categories written the same way.
    if looks_named and len(filled_text) >= 5 and distinct >= 0.3 * len(filled_text):
        return "name", "values look like people's names"
    return None
