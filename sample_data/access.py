"""The corporate export's access to the complaints process: how each case was classed, when the person became aware
of the matter, and why a complaint (or its escalation) was not taken on; and the problems seeded in them.

Drawn from a stream of its own (seeding.own_stream with ACCESS_STREAM), never from the corporate stream itself,
and seeded only in cases no earlier problem took: adding these columns moved none of the earlier problems' cases,
and none of the letters. The same draws are made with or without `clean`, so a clean export is the seeded one put
right: every refusal with its ground and reasons, every refusal as out of time made long after the person became
aware, no informal tier and no service request escalated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import dates
from .catalogue import choose
from .seeding import GroundTruth, Seeder

# fmt: off
ACCESS_STREAM = 17  # the issue that added them
CASE_TYPES = {"complaint": "Complaint", "service_request": "Service Request", "informal": "Stage 0 (Informal)"}
GROUNDS = {
    "out_of_time": "Over 12 Months", "legal_proceedings": "Legal Proceedings",
    "already_considered": "Previously Considered", "not_a_complaint": "Service Request", "other": "Other",
}
_STAGE1_GROUNDS = {"out_of_time": 0.35, "legal_proceedings": 0.15, "already_considered": 0.2, "not_a_complaint": 0.2,
                   "other": 0.1}
_STAGE2_GROUNDS = {"legal_proceedings": 0.4, "already_considered": 0.4, "other": 0.2}
NOTES = {
    "out_of_time": "Matter arose more than 12 months before the complaint; no good reason for the delay was given, "
                   "so discretion was not used. Ombudsman's details sent.",
    "legal_proceedings": "Complainant has started legal proceedings on the same matter. Ombudsman's details sent.",
    "already_considered": "Same matter answered under an earlier complaint. Ombudsman's details sent.",
    "not_a_complaint": "First request for a repair, passed to the service as a service request.",
    "other": "Matter for the Local Planning Authority's appeal process. Ombudsman's details sent.",
}
# fmt: on
AWARE_DAYS = (0, 90)  # an ordinary complaint: the person became aware this many days before complaining
LATE_DAYS = (400, 1000)  # a complaint refused as out of time: more than 12 months
WITHIN_DAYS = (30, 300)  # seeded: refused as out of time, but made within 12 months
SERVICE_REQUESTS = 0.02  # cases closed as service requests at Stage 1 and taken no further: no problem
THIRD_STAGES = 3  # corporate complaints the council took to a Stage 3 review after Stage 2 (seeded)
THIRD_STAGE_ROOM_DAYS = 75  # a Stage 3 picked was asked for and answered, and the case closed, before the export



def add_access(
    cases: pd.DataFrame, rng: np.random.Generator, taken: np.ndarray | None, truth: GroundTruth, file: str, year: int
) -> None:
    """Add the access columns to `cases` (of the financial year from April `year`) and, unless `taken` is None (a
    clean export), seed their problems in cases not `taken`, recording them in `truth` under the export `file`. `rng`:
    the access columns' own stream."""
    n = len(cases)
    refused = {stage: cases[f"s{stage}_outcome"].isin(["out_of_scope"]).to_numpy() for stage in ("1", "2")}
    single = cases["s1_received"].notna().to_numpy() & cases["s2_received"].isna().to_numpy()
    service_request = single & ~refused["1"] & (rng.random(n) < SERVICE_REQUESTS)
    kind = np.where(service_request, "service_request", "complaint").astype(object)
    grounds = {"1": choose(rng, _STAGE1_GROUNDS, n).astype(object), "2": choose(rng, _STAGE2_GROUNDS, n).astype(object)}
    aware_days = rng.integers(*AWARE_DAYS, size=n, endpoint=True)
    late_days = rng.integers(*LATE_DAYS, size=n, endpoint=True)
    within_days = rng.integers(*WITHIN_DAYS, size=n, endpoint=True)
    nothing = np.zeros(n, dtype=bool)
    blank, within, no_reasons, third = {"1": nothing, "2": nothing}, nothing, nothing, nothing
    third_days = {"request": rng.integers(3, 15, size=n, endpoint=True),
                  "answer": rng.integers(10, 20, size=n, endpoint=True), "close": rng.integers(0, 3, size=n, endpoint=True)}
    if taken is not None:
        seeder = Seeder(rng, n)
        seeder.reserve(taken | service_request)
        blank = {"1": seeder.pick(refused["1"], 0.15), "2": seeder.pick(refused["2"], 0.25)}
        within = seeder.pick(refused["1"], 0.1)
        no_reasons = seeder.pick(refused["1"], 0.1)
        informal = seeder.pick(single, 0.01)
        escalated = seeder.pick(cases["s1_received"].notna() & cases["s2_received"].notna(), 0.03)
        third = seeder.pick(_third_stage_pool(cases, year), 0.0, minimum=THIRD_STAGES)
        kind = np.where(informal, "informal", np.where(escalated, "service_request", kind))
        grounds["1"] = np.where(within | no_reasons, "out_of_time", grounds["1"])
        _record(cases, truth, file, blank, within, no_reasons, informal, escalated, third)
    late = refused["1"] & (grounds["1"] == "out_of_time")
    cases["case_type"] = pd.Series(kind, index=cases.index).map(CASE_TYPES).astype("str")
    days = np.where(late, np.where(within, within_days, late_days), aware_days)
    cases["became_aware"] = (cases["received"] - pd.to_timedelta(days, unit="D")).astype("datetime64[s]")
    _add_third_stage(cases, third, third_days)
    for stage in ("1", "2"):
        recorded = refused[stage] & ~blank[stage]
        ground = pd.Series(grounds[stage], index=cases.index).where(recorded)
        cases[f"s{stage}_refusal_ground"] = ground.map(GROUNDS).astype("str")
        has_notes = recorded & ~(no_reasons if stage == "1" else nothing)
        cases[f"s{stage}_refusal_notes"] = ground.where(has_notes).map(NOTES).astype("str")


def _third_stage_pool(cases: pd.DataFrame, year: int) -> np.ndarray:
    """Corporate complaints answered (not upheld) at Stage 2 by the complaints team, early enough for a Stage 3."""
    room = dates.export_date(year) - pd.Timedelta(days=THIRD_STAGE_ROOM_DAYS)
    return (cases["process"].eq("corporate") & cases["handled_by"].eq("Complaints Team")
            & cases["s2_outcome"].eq("not_upheld").fillna(False) & cases["s2_responded"].le(room)).to_numpy(dtype=bool)


def _add_third_stage(cases: pd.DataFrame, third: np.ndarray, days: dict[str, np.ndarray]) -> None:
    """Stage 3 columns, filled for the `third` cases: a review after Stage 2, signed by the Chief Executive, and the
    case closed after it."""
    requested = (cases["s2_responded"] + pd.to_timedelta(days["request"], unit="D")).where(third)
    answered = dates.after(requested, days["answer"])
    cases["s3_received"] = requested.astype("datetime64[s]")
    cases["s3_responded"] = answered
    cases["s3_outcome"] = pd.Series("Not Upheld", index=cases.index, dtype="str").where(third)
    cases["s3_signer"] = pd.Series("Chief Executive", index=cases.index, dtype="str").where(third)
    cases["closed"] = cases["closed"].where(~third, (answered + pd.to_timedelta(days["close"], unit="D")))


def _record(cases, truth, file, blank, within, no_reasons, informal, escalated, third) -> None:
    def rows(mask, stage: str) -> pd.DataFrame:
        return pd.DataFrame({"case_id": cases.loc[mask, "case_id"].astype(object), "stage": stage})

    for stage in ("1", "2"):
        truth.add("refused_without_reason", file, rows(blank[stage], stage))
    truth.add("out_of_time_refusal_within_12_months", file, rows(within, "1"))
    truth.add("out_of_time_refusal_without_reasons", file, rows(no_reasons, "1"))
    truth.add("informal_tier", file, rows(informal, "1"))
    truth.add("third_stage", file, rows(third, "3"))
    truth.add("service_request_escalated", file, rows(escalated, "2"))
