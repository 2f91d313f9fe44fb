"""The headline figures in results.json's summary: cases, stage records, open cases, the upheld rate, rows quarantined.

Counted from the canonical records, at case level where the figure is about cases. A case is an
organisation's case id (two organisations' case "C1" are two cases); the store holds one record
per case and stage. The definitions, as results.schema.json and the README give them:

- `open_cases`: cases still waiting for an answer: a record of theirs has the status open, or
  none of their records is answered. A record is answered when its status is closed, or, with no
  status (or an outcome code mapped to open, which leaves none), when it has a `responded` date or
  an `outcome`. A `closed` date alone does not make a case answered (docs/profiles.md, "Open and
  closed cases").
- `upheld_percent`: each case counts once, by its final outcome, the outcome of its last stage
  (in stage order 1, 2, 3, ombudsman) that records one. Of the cases whose final outcome is a
  decision on the complaint (upheld, partly upheld or not upheld: `decided_cases`), the percentage
  upheld or partly upheld, to one decimal as the checks round; null when no case has one. A case
  whose final outcome is withdrawn, resolved or out of scope was not decided, and is left out,
  as the report's upheld rates leave those outcomes out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.schema import DECIDED_OUTCOMES, UPHELD_OUTCOMES, Stage, Status

OPEN, CLOSED = Status.OPEN.value, Status.CLOSED.value


def headline_figures(records: pd.DataFrame, quarantined_rows: int) -> dict:
    """The summary's figures from canonical records and the rows the load quarantined."""
    case = _case_numbers(records)
    cases = int(case.max()) + 1 if len(case) else 0
    said_open, said_closed = (records["status"].eq(value).to_numpy(dtype=bool, na_value=False) for value in (OPEN, CLOSED))
    answered = said_closed | (~said_open & (records["responded"].notna() | records["outcome"].notna()).to_numpy())
    open_cases = (np.bincount(case[answered], minlength=cases) == 0) | (np.bincount(case[said_open], minlength=cases) > 0)
    final = _final_outcomes(records, case)
    decided = final[final.isin(DECIDED_OUTCOMES)]
    return {
        "cases": cases,
        "stage_records": int(len(records)),
        "open_cases": int(open_cases.sum()),
        "decided_cases": int(len(decided)),
        "upheld_percent": round(100.0 * float(decided.isin(UPHELD_OUTCOMES).mean()), 1) if len(decided) else None,
        "quarantined_rows": int(quarantined_rows),
    }


def _case_numbers(records: pd.DataFrame) -> np.ndarray:
    """One integer per case (organisation and case id), from 0, for each record."""
    if records.empty:
        return np.zeros(0, dtype=np.int64)
    groups = records.groupby(["organisation", "case_id"], observed=True, sort=False, dropna=False)
    return groups.ngroup().to_numpy(dtype=np.int64)


def _final_outcomes(records: pd.DataFrame, case: np.ndarray) -> pd.Series:
    """Each case's outcome at its last stage (in stage order) that records one; cases without any are absent."""
    has_outcome = records["outcome"].notna().to_numpy()
    stage_rank = pd.Categorical(records["stage"], categories=[stage.value for stage in Stage], ordered=True).codes
    order = np.lexsort((stage_rank[has_outcome], case[has_outcome]))  # by case, then stage
    cases_in_order = case[has_outcome][order]
    last_of_case = np.append(cases_in_order[1:] != cases_in_order[:-1], True) if len(order) else np.zeros(0, dtype=bool)
    return pd.Series(records["outcome"].to_numpy()[has_outcome][order][last_of_case], dtype=object)
