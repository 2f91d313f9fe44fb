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

from complaint_audit.engine.contract import AuditData, Check, Force, RuleStandard, as_text

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
    failing, fault = _failing_cases(data, judged, exceptions, len(check.standards))
    applied = tuple(StandardApplied(standard, state, records, int(failing[number]), int(fault[number]))
                    for number, (standard, (state, records)) in enumerate(zip(check.standards, judged.applied,
                                                                                strict=True)))
    return Standing(tuple(item for item in applied if item.records) or applied, judged.binding_in_force)


@dataclass(frozen=True)
class _Judged:
    """Per record, the standard that judged it (its number, -1 where none governs its process) and whether that made
    a shortfall fault (a binding standard in force); per standard, whether it was in force over its records and how
    many they are; and whether some record was under a binding standard in force. The same for every check that
    declares the same standards, so worked out once a run."""

    standard: np.ndarray
    fault: np.ndarray
    applied: tuple[tuple[bool | str | None, int], ...]
    binding_in_force: bool


def _judged(data: AuditData, standards: tuple[RuleStandard, ...]) -> _Judged:
    """Each record is judged by the first standard governing its process, as it stood on the record's received
    date."""
    records = data.records
    received = pd.to_datetime(records["received"])
    number = np.full(len(records), -1, dtype=np.int64)
    in_force = np.zeros(len(records), dtype=bool)
    binding = np.zeros(len(records), dtype=bool)
    for position, standard in enumerate(standards):
        governs = number < 0
        if standard.processes:
            governs &= records["process"].isin(standard.processes).to_numpy(dtype=bool)
        number[governs] = position
        start = pd.Timestamp(standard.in_force_from) if standard.in_force_from else None
        in_force[governs] = (received.ge(start).fillna(False).to_numpy(dtype=bool)[governs] if start is not None
                             else True)
        binding[governs] = standard.force in _BINDING
    applied = tuple(_in_force_state(in_force[number == position]) for position in range(len(standards)))
    return _Judged(number, binding & in_force, applied, bool((binding & in_force).any()))


def _in_force_state(in_force: np.ndarray) -> tuple[bool | str | None, int]:
    """Whether a standard was in force over the records it judged (True, False, "partly"; None for none), and how
    many they are."""
    state = None if not len(in_force) else True if in_force.all() else False if not in_force.any() else "partly"
    return state, len(in_force)


@dataclass(frozen=True)
class _Positions:
    """The records' identities as integers, worked out once a run: each identity column's distinct values as text,
    and per (organisation, case id, stage), and per case, the key of its first record and where that record sits."""

    values: tuple[pd.Index, pd.Index, pd.Index]
    stage_keys: pd.Index
    stage_rows: np.ndarray
    case_keys: pd.Index
    case_rows: np.ndarray


_IDENTITY = ("organisation", "case_id", "stage")


def _positions(data: AuditData) -> _Positions:
    codes, values = zip(*(pd.factorize(data.records[name].astype("str"), use_na_sentinel=False)
                          for name in _IDENTITY), strict=True)
    values = tuple(pd.Index(distinct) for distinct in values)
    case = codes[0].astype(np.int64) * (len(values[1]) + 1) + codes[1]
    stage = case * (len(values[2]) + 1) + codes[2]
    stage_keys, stage_rows = np.unique(stage, return_index=True)
    case_keys, case_rows = np.unique(case, return_index=True)
    return _Positions(values, pd.Index(stage_keys), stage_rows, pd.Index(case_keys), case_rows)


def _failing_cases(data: AuditData, judged: _Judged, exceptions: pd.DataFrame,
                   standards: int) -> tuple[np.ndarray, np.ndarray]:
    """Per standard (by number), the failing cases (distinct organisation and case id) it judged, and how many of
    them were fault. An exception is matched to its record by stage, else (a row naming no stage the records hold)
    to its case's first record; one matching no record is left out. A case is fault where a binding standard in
    force judged any of its rows, and is counted under the standard that made it so (else its first row's)."""
    failing, fault = np.zeros(standards, dtype=np.int64), np.zeros(standards, dtype=np.int64)
    if exceptions.empty:
        return failing, fault
    positions = data.derived(_positions)
    # Each exception's identity as the records' integers: a value the records do not hold is -1 and matches nothing.
    codes = [values.get_indexer(as_text(exceptions[name])) for name, values in zip(_IDENTITY, positions.values, strict=True)]
    known = (codes[0] >= 0) & (codes[1] >= 0)
    case = np.where(known, codes[0].astype(np.int64) * (len(positions.values[1]) + 1) + codes[1], -1)
    stage = np.where(known & (codes[2] >= 0), case * (len(positions.values[2]) + 1) + codes[2], -1)
    found = positions.stage_keys.get_indexer(stage)
    row = np.where(found >= 0, positions.stage_rows[found], -1)
    by_case = positions.case_keys.get_indexer(case)
    row = np.where((row < 0) & (by_case >= 0), positions.case_rows[by_case], row)
    matched = row >= 0
    case, number, is_fault = case[matched], judged.standard[row[matched]], judged.fault[row[matched]]
    governed = number >= 0
    case, number, is_fault = case[governed], number[governed], is_fault[governed]
    # Each case's rows, fault first and otherwise in order: its first row is the one it is counted by.
    order = np.argsort(~is_fault, kind="stable")
    _, first = np.unique(case[order], return_index=True)
    chosen = order[first]
    failing += np.bincount(number[chosen], minlength=standards)
    fault += np.bincount(number[chosen[is_fault[chosen]]], minlength=standards)
    return failing, fault
