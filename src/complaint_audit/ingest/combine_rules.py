"""The rules a profile's [combine] table may give each field, their defaults, and a proposal from the data.

Real exports often carry one row per allegation, finding, officer or action, several to a
case. [combine] declares how those rows become one record per (organisation, case_id, stage):
a rule per field, each field not named taking its default (DEFAULT_RULES). load.py warns with
a proposal when a file repeats cases without a [combine] table, and `profile suggest` writes
the same proposal into a draft, both from propose_rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.schema import FIELD_BY_NAME, FIELDS, LINEAGE_FIELDS, MOST_SERIOUS_FIRST, RECORD_KEY

# A file whose rows repeat a case and stage more often than this (percent of rows read), with
# no [combine] table, gets a warning: a few repeats are slips, this many are a row per finding.
REPEATED_ROWS_NOTED_ABOVE_PERCENT = 5.0

# What each rule does, in the words docs/profiles.md and the report use.
RULE_MEANINGS = {
    "first": "the first value given, in file order",
    "most_frequent": "the value given most often (the first of those tied)",
    "all": "every distinct value, in file order, joined with '; '",
    "earliest": "the earliest date",
    "latest": "the latest date",
    "most_serious": "the most serious outcome: " + " > ".join(MOST_SERIOUS_FIRST),
    "min": "the smallest amount",
    "max": "the largest amount",
    "sum": "the total of the amounts",
}
_RULES_BY_KIND = {
    "date": ("earliest", "latest", "first"),
    "number": ("max", "min", "sum", "first"),
    "integer": ("max", "min", "sum", "first"),
    "enum": ("first", "most_frequent"),
    "string": ("first", "most_frequent", "all"),
}
# Set by the loader or the record's key: never given a rule.
NOT_COMBINED = frozenset(RECORD_KEY) | frozenset(LINEAGE_FIELDS) | {"complainant_key"}
COMBINABLE: tuple[str, ...] = tuple(field.name for field in FIELDS if field.name not in NOT_COMBINED)

# Dates that start something take the earliest row's (the case was received when its first
# allegation was); dates that end something the latest (it was answered when its last finding
# was). An amount repeated on every row of a case would be counted again by "sum": "max" is
# the default that never overstates; "sum" is there for amounts given per finding.
DEFAULT_RULES: dict[str, str] = {
    "outcome": "most_serious",
    "received": "earliest",
    "acknowledged": "earliest",
    "due": "earliest",
    "statement_agreed": "earliest",
    "panel_held": "earliest",
    "extended_due": "latest",
    "investigation_completed": "latest",
    "panel_report": "latest",
    "responded": "latest",
    "closed": "latest",
    "action_due": "latest",
    "action_done": "latest",
    "remedy_done": "latest",
    "remedy_amount": "max",
    "clock_stopped_days": "max",
}
# Text fields whose different values on a case's rows are each worth keeping (the allegations'
# categories, the remedies): proposed as "all" where they vary, other text as "most_frequent".
_LISTED = frozenset({"category", "remedy", "learning"})


def allowed_rules(field_name: str) -> tuple[str, ...]:
    """The rules a field may take; outcome also takes most_serious."""
    allowed = _RULES_BY_KIND[FIELD_BY_NAME[field_name].kind]
    return ("most_serious", *allowed) if field_name == "outcome" else allowed


def default_rule(field_name: str) -> str:
    return DEFAULT_RULES.get(field_name, "first")


def resolved_rules(declared: dict[str, str], provided: set[str]) -> dict[str, str]:
    """Every field the source provides with its rule: the declared one, else the default."""
    return {name: declared.get(name, default_rule(name)) for name in COMBINABLE if name in provided}


def repeated_rows(frame: pd.DataFrame, key: list[str]) -> int:
    """How many rows repeat the KEY of an earlier row (rows with a missing key part are not counted)."""
    keyed = frame[key].dropna()
    return int(keyed.duplicated().sum())


def propose_rules(frame: pd.DataFrame, key: list[str], provided: list[str]) -> list[tuple[str, str, str]]:
    """(field, rule, why) for each PROVIDED field, from rows with canonical column names.

    Dates and outcome take their default rule; a text field that differs between the rows of
    one case takes "all" (categories, remedies, learning) or "most_frequent" (a team, a
    channel); one that never differs, "first". The first _EVIDENCE_ROWS rows of repeated
    cases are evidence enough, and keep a warning on a million rows quick.
    """
    keyed = frame.dropna(subset=key)
    repeated = keyed[keyed.duplicated(key, keep=False).to_numpy()].head(_EVIDENCE_ROWS)
    case = repeated.groupby(key, observed=True, sort=False).ngroup().to_numpy()
    cases = int(case.max()) + 1 if len(case) else 0
    proposal = []
    for name in (name for name in COMBINABLE if name in provided):
        kind = FIELD_BY_NAME[name].kind
        if name in DEFAULT_RULES or kind in ("date", "number"):
            proposal.append((name, default_rule(name), RULE_MEANINGS[default_rule(name)]))
            continue
        varying = _cases_varying(case, repeated[name]) if name in repeated.columns else 0
        if not varying:
            proposal.append((name, "first", f"the same on every row of a case in the {cases:,} repeated cases seen"))
            continue
        rule = "all" if name in _LISTED else "most_frequent"
        proposal.append((name, rule, f"differs between the rows of {varying:,} of the {cases:,} repeated cases seen; "
                                     f"{RULE_MEANINGS[rule]}"))
    return proposal


_EVIDENCE_ROWS = 50_000


def _cases_varying(case: np.ndarray, values: pd.Series) -> int:
    """How many cases hold more than one distinct (non-missing) value among their rows."""
    codes, distinct = pd.factorize(values)
    given = codes >= 0
    pairs = np.unique(case[given].astype("int64") * (len(distinct) + 1) + codes[given])
    cases_of_pairs = pairs // (len(distinct) + 1)
    return int((np.bincount(cases_of_pairs) > 1).sum()) if len(pairs) else 0


def combine_lines(proposal: list[tuple[str, str, str]]) -> list[str]:
    """The [combine] table's lines, as a user adds them to a profile."""
    return ["[combine]", *(f'{name} = "{rule}"' for name, rule, _ in proposal)]
