"""The record identity and process words the OV checks share, in oversight.py and oversight_consistency.py."""

PROCESS_WORDS = {
    "corporate": "corporate", "housing": "housing", "adult_social_care": "adult social care",
    "childrens_statutory": "children's statutory", "other": "other",
}
# Checks copy only the columns they read: copying every column (letters included) of a million
# records costs more than the check itself.
IDENTITY = ["organisation", "case_id", "stage", "team", "process"]
