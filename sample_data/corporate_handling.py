"""Who handled each corporate and housing stage, and the time each waited on the complainant (clock stops).

Drawn after every other seeded problem, with a generator of their own (`HANDLING_STREAM`), from cases
the Seeder has not taken, so the earlier problems keep exactly their cases. Every stop falls on a
corporate Stage 1 case (housing stays as the regulator's return counts it), answered and not
extended:
- `clock_stop_on_time`: late on the Code's clock by 1 to 3 working days, with an explained stop at
  least that long, so on time once every timescale check deducts it;
- `clock_stop_still_late`: late by 6 or more, with an explained stop shorter than the delay: still
  late, and the evidence says the stop was deducted;
- `clock_stop_not_deducted`: answered on time, with a stop that has no reason or is longer than the
  stage took (TS008's finding), so not deducted and nothing else moves.
Slow cases stay slower than the public's median, so the members' speed comparison keeps its cases.
`stage2_same_handler`: corporate cases whose Stage 2 went to the officer who handled Stage 1.
The names are made up; the loader keeps only their pseudonyms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from complaint_audit.calendar import add_working_days, working_days_between

from .seeding import GroundTruth

HANDLING_STREAM = 1702  # issue 17, part B: its own stream (seeding.own_stream), so other seeds never move these picks
# fmt: off
STAGE1_HANDLERS = ("Imogen Thackeray", "Dominic Featherstone", "Yasmin Okafor", "Callum Brightwell",
                   "Niamh Castellan", "Rupert Ashdown", "Farah Quaddus", "Gareth Penhaligon", "Leona Marchetti",
                   "Oskar Lindqvist", "Delphine Arkwright", "Tobias Mbeki-Hart")
STAGE2_HANDLERS = ("Henrietta Vallance", "Marcus Oyelaran", "Beatrix Hollingworth", "Anwar Siddiqui-Blake",
                   "Celeste Pemberton", "Ruairi Donnellan")
STOP_REASONS = ("Waiting for the complainant's photographs", "Waiting for the complainant's consent to share records",
                "Waiting for access to the property", "Waiting for the complainant to clarify the complaint")
# fmt: on
_ACKNOWLEDGE, _RESPOND = 5, 10  # the Code's Stage 1 clock, working days


def add_handling(cases: pd.DataFrame, rng: np.random.Generator, truth: GroundTruth, file: str,
                 taken: np.ndarray | None) -> np.ndarray | None:
    """Give each stage its handler and the seeded clock stops (columns s1_handler, s2_handler, s1_stopped_days,
    s1_stop_reason ...), recording the seeded cases in the ground truth. `taken`: the cases other problems hold;
    None for a clean dataset, which seeds nothing (every Stage 2 goes to another officer, no clock stops). Returns the
    cases taken by then, these included, for later seeds (None for a clean dataset)."""
    n = len(cases)
    first = np.asarray(STAGE1_HANDLERS, dtype=object)[rng.integers(len(STAGE1_HANDLERS), size=n)]
    second = np.asarray(STAGE2_HANDLERS, dtype=object)[rng.integers(len(STAGE2_HANDLERS), size=n)]
    for stage in ("1", "2"):
        cases[f"s{stage}_stopped_days"] = pd.Series(pd.NA, index=cases.index, dtype="Int64")
        cases[f"s{stage}_stop_reason"] = pd.Series(None, index=cases.index, dtype="str")
    if taken is not None:
        free = ~taken & ~cases["member"].to_numpy() & cases["process"].eq("corporate").to_numpy()
        same = _pick(rng, free & cases["s1_received"].notna().to_numpy() & cases["s2_received"].notna().to_numpy(), 6)
        second = np.where(same, first, second)
        truth.add("stage2_same_handler", file, pd.DataFrame({"case_id": cases.loc[same, "case_id"].astype(object),
                                                             "stage": "2"}))
        taken = taken | same | _seed_clock_stops(cases, rng, truth, file, free & ~same)
    cases["s1_handler"] = pd.Series(first, index=cases.index, dtype="str").where(cases["s1_received"].notna())
    cases["s2_handler"] = pd.Series(second, index=cases.index, dtype="str").where(cases["s2_received"].notna())
    return taken


def _seed_clock_stops(cases: pd.DataFrame, rng: np.random.Generator, truth: GroundTruth, file: str,
                      free: np.ndarray) -> np.ndarray:
    """Seed the clock stops in `free` cases; returns the cases given one."""
    answered = cases["s1_responded"].notna() & cases["s1_extended_due"].isna() & cases["s1_received"].notna()
    from_receipt = cases["s1_ack"].isna()
    start = cases["s1_ack"].where(~from_receipt, cases["s1_received"])
    deadline = add_working_days(start, _RESPOND + _ACKNOWLEDGE * from_receipt.astype("int64"))
    late_by = working_days_between(deadline, cases["s1_responded"]).where(answered)
    elapsed = working_days_between(cases["s1_received"], cases["s1_responded"])
    free = free & answered.to_numpy()

    on_time = _pick(rng, free & late_by.between(1, 3).fillna(False).to_numpy(), 8)
    still_late = _pick(rng, free & ~on_time & late_by.ge(6).fillna(False).to_numpy(), 6)
    quick = late_by.le(-1).fillna(False).to_numpy() & elapsed.ge(6).fillna(False).to_numpy()
    not_deducted = _pick(rng, free & ~on_time & ~still_late & quick, 5)
    unexplained, too_long = not_deducted.copy(), not_deducted.copy()
    unexplained[np.flatnonzero(not_deducted)[3:]] = False
    too_long[np.flatnonzero(not_deducted)[:3]] = False

    late = late_by.fillna(0).astype("int64").to_numpy()
    days = np.select(
        [on_time, still_late, too_long, unexplained],
        [late + rng.integers(0, 3, size=len(cases)), 1 + rng.integers(0, np.maximum(late - 4, 1)),
         elapsed.fillna(0).astype("int64").to_numpy() + rng.integers(5, 11, size=len(cases)),
         rng.integers(2, 6, size=len(cases))],
        default=0,
    )
    stopped = on_time | still_late | not_deducted
    cases["s1_stopped_days"] = pd.Series(days, index=cases.index, dtype="Int64").where(stopped)
    reasons = np.asarray(STOP_REASONS, dtype=object)[rng.integers(len(STOP_REASONS), size=len(cases))]
    cases["s1_stop_reason"] = pd.Series(reasons, index=cases.index, dtype="str").where(stopped & ~unexplained)
    for problem, chosen, extra in (
        ("clock_stop_on_time", on_time, {"working_days_late_without_stop": late_by}),
        ("clock_stop_still_late", still_late, {"working_days_late_without_stop": late_by}),
        ("clock_stop_not_deducted", not_deducted,
         {"why": pd.Series(np.where(unexplained, "no reason recorded", "longer than the stage took"), index=cases.index)}),
    ):
        rows = pd.DataFrame({"case_id": cases.loc[chosen, "case_id"].astype(object), "stage": "1",
                             "clock_stopped_days": cases.loc[chosen, "s1_stopped_days"].astype(object)})
        for name, values in extra.items():
            rows[name] = values[chosen].astype(object).to_numpy()
        truth.add(problem, file, rows)
    return stopped


def _pick(rng: np.random.Generator, eligible: np.ndarray, count: int) -> np.ndarray:
    """`count` of the eligible cases (all of them where there are fewer)."""
    pool = np.flatnonzero(np.asarray(eligible, dtype=bool))
    chosen = np.zeros(len(eligible), dtype=bool)
    chosen[rng.choice(pool, size=min(count, len(pool)), replace=False)] = True
    return chosen
