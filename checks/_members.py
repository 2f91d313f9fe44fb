"""The complaints brought by MPs and councillors, and the public's to compare them with: picked once per run for the FT checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.checks._cases import case_numbers
from complaint_audit.checks._pairs import pair_labels
from complaint_audit.engine.contract import AuditData, Priority, Recommendation
from complaint_audit.schema import PROCESS_WORDS

_MEMBERS = ("mp", "councillor")
MEMBER_WORDS = {"mp": "an MP", "councillor": "a councillor"}
_COUNCIL_STAGES = ("1", "2", "3")  # the ombudsman's stage is not the council's handling
_IDENTITY = ["organisation", "case_id", "stage", "team", "process", "raised_via"]
# The remedy of a fast-tracking check: members' complaints were treated better, so the people owed a remedy are the
# members of the public whose comparable complaints were not.
PUBLIC_REMEDY = ("No remedy is owed to {people} listed for being treated better: the injustice, if any, is to members "
                 "of the public whose complaints of the same process and stage waited longer or went through more "
                 "steps; find those answered outside the timescale, apologise to them and consider a payment for the "
                 "time and trouble the delay caused{guidance}.")
SOURCE = (
    "LGSCO Complaint Handling Code 1.5 (MPs and councillors acting for a constituent: same process, stages and timescales)"
)
RECOMMENDATION = Recommendation(
    "Put complaints from MPs and councillors through the normal complaints procedure, stages and timescales, "
    "and report their handling alongside the public's.",
    Priority.THREE_MONTHS,
)


def member_or_public(data: AuditData, *fields: str) -> pd.DataFrame:
    """Council stage rows brought by an MP, a councillor or the public, with `member`, `group`, `case_number`
    and `fields`.

    The rows, their identity and their group are picked once per run and shared by FT001-FT004.
    """
    rows, positions = data.derived(_members_and_public)
    return rows.assign(**{name: data.records[name].take(positions) for name in fields})


def _members_and_public(data: AuditData) -> tuple[pd.DataFrame, np.ndarray]:
    records = data.records
    chosen = records["stage"].isin(_COUNCIL_STAGES) & records["raised_via"].isin([*_MEMBERS, "public"])
    positions = np.flatnonzero(chosen.to_numpy())
    rows = records[_IDENTITY].take(positions)  # only the columns used: copying letters costs more than the check
    rows = rows.assign(member=rows["raised_via"].isin(_MEMBERS), group=_group_label(rows["process"], rows["stage"]),
                       case_number=case_numbers(data).take(positions))
    return rows, positions


def _group_label(process: pd.Series, stage: pd.Series) -> pd.Series:
    return pair_labels(process, stage, lambda process, stage: f"{PROCESS_WORDS.get(process, process)} Stage {stage}")
