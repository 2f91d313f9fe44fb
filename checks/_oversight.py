"""The record identity the OV checks copy, in oversight.py and oversight_consistency.py."""

# Checks copy only the columns they read: copying every column (letters included) of a million
# records costs more than the check itself.
IDENTITY = ["organisation", "case_id", "stage", "team", "process"]
