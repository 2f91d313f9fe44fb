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
    # Special-category data (UK GDPR art. 9) and the protected characteristics a complaint
    # export carries: 'ctznRace', 'Officer Sex', 'Age Band', 'Disability'.
    (r"\b(?:race|racial|ethnic|ethnicity|ethnic origin|sex|gender|gender identity|sexual orientation|sexuality"
     r"|religion|religious|faith|belief|disability|disabled|impairment|age|age band|age group|age range"
     r"|marital status|pregnancy|maternity|nationality|trade union)\b",
     "special", "the header names special-category data (race, ethnicity, sex, age, disability, religion ...)"),
)
# Officers and staff named or numbered: a police complaint's 'Officer Name', 'Collar Number',
# 'Badge No'; a casework system's 'Caseworker'. Not a date column ('Investigating Officer'
# in a children's export is the date of the officer's report), so dates are let through.
_OFFICER_HEADER = (
    r"\b(?:officer|ofcr|officers|caseworker|case worker|case officer|case handler|investigator|employee|staff member)"
    r"(?: (?:name|names|number|no|id|ref|identifier|code))?$"
    r"|\b(?:officer|ofcr|collar|badge|shield|warrant|payroll|staff|employee|caseworker|case worker) (?:name|number|no|id|identifier|code)\b"
)
# The words before 'name' that say whose name it is: a person's ('Complainant Name',
# 'First Name') is personal; a thing's ('Landlord Name', 'Agency Name', 'Park Facility Name')
# is not, unless its values look like people's names.
_PERSON_QUALIFIER = (
    r"\b(?:full|first|last|given|family|middle|maiden|preferred|display|contact|complainant|customer|client|"
    r"resident|tenant|person|persons|caller|requester|requestor|applicant|citizen|member of public|user|"
    r"service user|patient|victim|witness|parent|carer|guardian|child|young person|representative|advocate|"
    r"agent|officer|ofcr|staff|employee|caseworker|case worker|handler|investigator|reporter|enquirer|"
    r"constituent|claimant|subject|individual|account holder|your|my)\b"
)
# Words that make a value an organisation's name, not a person's: 'Peabody Trust' has the
# shape of a person's name.
_ORGANISATION_WORDS = (
    r"\b(?:trust|housing|homes|council|borough|authority|association|group|limited|ltd|plc|llc|inc|corp|corporation|"
    r"company|co|bank|department|services|service|partnership|society|foundation|agency|office|ministry|board|"
    r"commission|university|college|school|hospital|nhs|police|precinct|division|unit|centre|center)\b"
)
_PERSONAL_VALUES = (
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "email", "values look like email addresses"),
    (r"(?:\+44\s?|0)(?:\d[\s-]?){9,10}", "phone", "values look like phone numbers"),
    (r"[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]", "id", "values look like NI numbers"),
    (r".*\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b.*", "address", "values look like addresses (postcodes)"),
    (r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Sir|Lady|Lord)\.?", "title", "values look like titles of address (Mr, Mrs ...)"),
)
_PERSON_NAME = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Cllr)\.? )?[A-Z][a-z'’\-]+(?: [A-Z][A-Za-z'’\-]+){1,2}(?: MP)?"


def personal_reason(label: str, filled_text: pd.Series, distinct: int, *, dated: bool = False) -> tuple[str, str] | None:
    """(kind, why) when a column looks like personal data by its header or values, else None.

    kind is one of email, phone, address, birth, id, name, relationship, title, special
    (special-category data) and officer (an officer's or caseworker's name or number).
    DATED says the column's values are dates.
    """
    for pattern, kind, why in _PERSONAL_HEADERS:
        found = re.search(pattern, label)
        # 'Case Age', 'Age of request (days)': how old a case is, not a person's age.
        if found and not (found.group() == "age" and re.search(r"\b(?:case|request|complaint|ticket|days)\b", label)):
            return kind, why
    if not dated and re.search(_OFFICER_HEADER, label):
        return "officer", "the header names an officer or caseworker"
    named = re.fullmatch(r"(.*?) ?\bnames?\b(?: .*)?", label)
    if named and (not named.group(1) or re.search(_PERSON_QUALIFIER, named.group(1))):
        return "name", "the header says name"
    if filled_text.empty or filled_text.str.len().median() > 100:  # letters quote details; a column of them is not one
        return None
    for pattern, kind, why in _PERSONAL_VALUES:
        if filled_text.str.fullmatch(pattern).mean() >= 0.5:
            return kind, why
    people = filled_text.str.fullmatch(_PERSON_NAME) & ~filled_text.str.contains(_ORGANISATION_WORDS, case=False)
    looks_named = people.mean() >= 0.8
    # Names repeat far less than teams or categories written the same way.
    if looks_named and len(filled_text) >= 5 and distinct >= 0.3 * len(filled_text):
        return "name", "values look like people's names"
    return None
