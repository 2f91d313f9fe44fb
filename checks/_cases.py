"""Each record's complaint as one integer, worked out once per run for every check that pairs or dedupes stages.

Finding a case's other stages, or keeping one row per case, by (organisation, case_id) hashes
a million case references each time; numbering the cases once (AuditData.derived) lets
merges, duplicates and groupings work on integers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import AuditData


def case_numbers(data: AuditData) -> pd.Series:
    """One integer per record naming its (organisation, case_id); missing (like the text) where either is."""
    return data.derived(_case_numbers)


def _case_numbers(data: AuditData) -> pd.Series:
    records = data.records
    organisation, _ = pd.factorize(records["organisation"])
    case, cases = pd.factorize(records["case_id"])
    number = organisation.astype(np.int64) * max(len(cases), 1) + case
    missing = (organisation < 0) | (case < 0)
    return pd.Series(pd.arrays.IntegerArray(number, missing), index=records.index, name="case_number")
