"""The standards checks apply, and which one was in force when each case was handled.

A check declares its standards (Check.standards), each governing some processes: the
children's and adults' regulations bind throughout; the LGSCO's Complaint Handling Code is
applied to councils' corporate complaints from 1 April 2026, the Housing Ombudsman's code is
statutory for council housing from 1 April 2024. A record is judged by the first standard that
governs its process, as it stood on the record's `received` date: the day the stage was
received is when its handling began, and every timescale runs from it. Before a code applies,
the same rule (its parameters default to the code's timescales) stands for the council's own
procedure, and a shortfall is said to fall short of that procedure, never to be fault.
A record with no received date is not shown to be under a code in force, so it is not fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import AuditData, Check, Force, RuleStandard

CHILDRENS_REGULATIONS = RuleStandard(
    "the Children Act 1989 Representations Procedure (England) Regulations 2006",
    "SI 2006/1738, with the guidance Getting the Best from Complaints (2006)", Force.STATUTORY,
    processes=frozenset({"childrens_statutory"}),
)
ADULTS_REGULATIONS = RuleStandard(
    "the Local Authority Social Services and National Health Service Complaints (England) Regulations 2009",
    "SI 2009/309", Force.STATUTORY, processes=frozenset({"adult_social_care"}),
)
LGSCO_CODE = RuleStandard(
    "the LGSCO's Complaint Handling Code",
    "Local Government and Social Care Ombudsman, Complaint Handling Code (issued 8 February 2024), applied in its "
    "investigations of councils' complaints from 1 April 2026", Force.CODE, dt.date(2026, 4, 1),
    frozenset({"corporate"}),
)
HOUSING_CODE = RuleStandard(
    "the Housing Ombudsman's Complaint Handling Code",
    "Housing Ombudsman, Complaint Handling Code (issued 8 February 2024), statutory for social landlords, council "
    "housing included, from 1 April 2024", Force.CODE, dt.date(2024, 4, 1), frozenset({"housing"}),
)
# The two codes: a check of the codes' rules declares both, corporate records under one, housing under the other.
CODES = (LGSCO_CODE, HOUSING_CODE)
SOCIAL_CARE_REGULATIONS = (CHILDRENS_REGULATIONS, ADULTS_REGULATIONS)
OWN_PROCEDURE = RuleStandard("the council's own complaint procedure", "the council's complaints policy", Force.LOCAL)
GOOD_PRACTICE = RuleStandard(
    "good practice in complaint handling",
    "LGSCO guidance for complaint handlers; Complaint Handling Codes (as good practice)", Force.GOOD_PRACTICE,
)
TSM_STANDARD = RuleStandard(
    "the Regulator of Social Housing's Tenant Satisfaction Measures Standard",
    "Regulator of Social Housing, Tenant Satisfaction Measures Standard and its Technical Requirements (CH01, CH02), "
    "from 1 April 2023", Force.REGULATORY, dt.date(2023, 4, 1), frozenset({"housing"}),
)
_BINDING = (Force.STATUTORY, Force.CODE)


@dataclass(frozen=True)
class StandardApplied:
    """One standard as it applied to the records a check saw, and the check's failing cases under it."""

    standard: RuleStandard
    in_force: bool | str | None  # True, False or "partly" over its records; None where it governs none
    records: int
    cases_failing: int = 0  # failing cases (distinct organisation and case id) judged by it
    cases_fault: int = 0  # of those, the ones it judged while in force, where it is binding: fault


@dataclass(frozen=True)
class Standing:
    """The standards a check's records were judged by, and its failing cases under each.

    The failing cases are the distinct cases of its exceptions. A case is fault where a statutory
    scheme or a code in force judged one of its rows; otherwise it falls short of the council's own
    procedure (a code not yet in force, a local policy) or of good practice.
    """

    applied: tuple[StandardApplied, ...]
    binding_in_force: bool  # some record the check saw was judged by a statutory scheme or a code in force

    @property
    def cases_fault(self) -> int:
        return sum(item.cases_fault for item in self.applied)

    @property
    def cases_short(self) -> int:
        return sum(item.cases_failing - item.cases_fault for item in self.applied)

    @property
    def fault(self) -> bool:
        """Whether the finding may say fault: a failing case broke a statutory scheme or a code in force (where the
        check lists no cases, some record it judged was under one)."""
        if self.cases_fault or self.cases_short:
            return self.cases_fault > 0
        return self.binding_in_force

    @property
    def short_of(self) -> str:
        """What the cases that are not fault fall short of: good practice where only guidance judged them."""
        forces = {item.standard.force for item in self.applied if item.cases_failing > item.cases_fault}
        if forces == {Force.REGULATORY}:
            return "the regulator's standard"
        return "good practice" if forces == {Force.GOOD_PRACTICE} else "the council's own procedure"

    @property
    def in_force(self) -> bool | str | None:
        """For the period: True where every record was judged by a standard in force, False where none, else
        "partly"."""
        states = {item.in_force for item in self.applied if item.in_force is not None}
        if not states:
            return None
        return states.pop() if len(states) == 1 else "partly"


def standing(check: type[Check], data: AuditData, exceptions: pd.DataFrame) -> Standing | None:
    """The standards CHECK's records were judged by, and how many of its failing cases were fault; None where it
    declares none."""
    if not check.standards:
        return None
    judged = data.derived(_judged, check.standards)
    cases = _failing_cases(data, judged, exceptions)
    applied = tuple(_applied(standard, judged["in_force"][judged["standard"].eq(number)],
                             cases[cases["standard"].eq(number)])
                    for number, standard in enumerate(check.standards))
    binding_in_force = bool((judged["binding"] & judged["in_force"]).any())
    return Standing(tuple(item for item in applied if item.records) or applied, binding_in_force)


def _judged(data: AuditData, standards: tuple[RuleStandard, ...]) -> pd.DataFrame:
    """Per record: the number of the first standard governing its process (NaN where none does), whether it was in
    force on the record's received date, and whether it binds (a statutory scheme or a code)."""
    records = data.records
    received = pd.to_datetime(records["received"])
    number = pd.Series(float("nan"), index=records.index)
    in_force = pd.Series(False, index=records.index)
    binding = pd.Series(False, index=records.index)
    for position, standard in enumerate(standards):
        governs = number.isna() & (records["process"].isin(standard.processes) if standard.processes else True)
        number = number.mask(governs, position)
        start = pd.Timestamp(standard.in_force_from) if standard.in_force_from else None
        on = received.ge(start).fillna(False).astype(bool) if start is not None else True
        in_force = in_force.mask(governs, on)
        binding = binding.mask(governs, standard.force in _BINDING)
    return pd.DataFrame({"standard": number, "in_force": in_force.astype(bool), "binding": binding.astype(bool)})


def _positions(data: AuditData) -> tuple[pd.MultiIndex, np.ndarray, pd.MultiIndex, np.ndarray]:
    """Where each (organisation, case id, stage), and each case's first record, sits among the records: worked out
    once a run, so matching a check's exceptions to their records costs only the exceptions' own lookups."""
    identity = pd.DataFrame({name: data.records[name].astype("str").to_numpy(dtype=object)
                             for name in ("organisation", "case_id", "stage")})
    by_stage = identity.drop_duplicates()
    by_case = identity.drop_duplicates(["organisation", "case_id"])
    return (pd.MultiIndex.from_frame(by_stage), by_stage.index.to_numpy(),
            pd.MultiIndex.from_frame(by_case[["organisation", "case_id"]]), by_case.index.to_numpy())


def _applied(standard: RuleStandard, in_force: pd.Series, failing: pd.DataFrame) -> StandardApplied:
    state = None if in_force.empty else True if in_force.all() else False if not in_force.any() else "partly"
    return StandardApplied(standard, state, len(in_force), len(failing), int(failing["fault"].sum()))


def _failing_cases(data: AuditData, judged: pd.DataFrame, exceptions: pd.DataFrame) -> pd.DataFrame:
    """One row per failing case (organisation, case_id): whether a binding standard in force judged any of its rows
    (fault), and the standard that judged it. An exception is matched to its record by stage, else (a row naming no
    stage the records hold) to its case's first record; one matching no record is left out."""
    if exceptions.empty:
        return pd.DataFrame({"organisation": [], "case_id": [], "fault": pd.Series(dtype=bool), "standard": []})
    keys = pd.DataFrame({name: exceptions[name].astype("str").to_numpy(dtype=object)
                         for name in ("organisation", "case_id", "stage")}).drop_duplicates()
    stages, stage_rows, cases, case_rows = data.derived(_positions)
    found = stages.get_indexer(pd.MultiIndex.from_frame(keys))
    row = np.where(found >= 0, stage_rows[found], -1)
    by_case = cases.get_indexer(pd.MultiIndex.from_frame(keys[["organisation", "case_id"]]))
    row = np.where((row < 0) & (by_case >= 0), case_rows[by_case], row)
    matched = keys[["organisation", "case_id"]][row >= 0]
    record = judged.iloc[row[row >= 0]].set_axis(matched.index)
    rows = matched.assign(standard=record["standard"], fault=record["binding"] & record["in_force"])
    rows = rows[rows["standard"].notna()]
    # A case that is fault is counted under the standard that made it so.
    rows = rows.sort_values("fault", ascending=False, kind="stable")
    return rows.groupby(["organisation", "case_id"], sort=False).agg(
        fault=("fault", "any"), standard=("standard", "first"),
    ).reset_index()
