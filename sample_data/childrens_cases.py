"""Children's statutory complaints as typed columns: cases, and their stages 1 to 3.

Stage 2 keeps the request, the agreed statement of complaint, the investigating officer's report
and the adjudication letter. A share of Stage 2 cases get their report in time but their
adjudication late (`kind` = "adjudication_late"): the seeded fault childrens.py records.

With `clean`, every stage keeps the regulations (RULES.md section 1): Stage 1 within 10 working
days or a 20-day extension, Stage 2's adjudication within 25 of its start or a 65-day extension
(counted from the request too), and nothing dated after the export.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import dates
from .behaviour import CHILDRENS_STAGE2_EXTENDED, Behaviour, band_end
from .catalogue import CHILDRENS, catalogue, choose, learning_text
from .people import draw_people

# fmt: off
STAGE2_TARGET = 25
STAGE2_EXTENDED_TARGET = 65
RAISED_BY = {  # the system's words -> canonical raised_via, with shares
    "Young Person": ("public", 0.2), "Parent": ("public", 0.5), "Family Member": ("representative", 0.1),
    "Advocate": ("advocate", 0.15), "Foster Carer": ("other", 0.05),
}
_CHANNELS = {"Email": 0.4, "Telephone": 0.25, "Online Form": 0.2, "Letter": 0.1, "Via Advocate": 0.05}
_AT_FAULT = ("upheld", "partly_upheld")
# fmt: on


def build_cases(
    n: int, rng: np.random.Generator, year: int, clean: bool = False, behaviour: Behaviour | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cases, stages): one row per case, one row per stage (`case` is the case's position).

    `behaviour`: the council's dials (behaviour.py; default: the bundled sample's council).
    """
    behaviour = behaviour or Behaviour()
    cutoff = dates.export_date(year)
    cases = _draw_cases(n, rng, year)
    stage1 = _stage1(cases, rng, cutoff, behaviour.childrens_on_time, clean)
    stage2 = _stage2(stage1, rng, cutoff, behaviour.childrens_adjudication_late, clean)
    stage3 = _stage3(stage2, rng, cutoff, clean)
    stages = (
        pd.concat([stage1, stage2, stage3], ignore_index=True)
        .sort_values(["case", "stage"], kind="stable")
        .reset_index(drop=True)
    )
    _details(stages, cases, rng, cutoff, clean)
    return cases, stages


def _stage1(
    cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, on_time_share: float, clean: bool = False
) -> pd.DataFrame:
    n = len(cases)
    stage = pd.DataFrame({"case": cases.index, "stage": "1", "received": cases["received"]}, index=cases.index)
    stage["acknowledged"] = dates.after(
        stage["received"], np.where(rng.random(n) < 0.08, rng.integers(3, 6, size=n), rng.integers(0, 3, size=n))
    )
    stage["due"] = dates.after(stage["received"], 10)
    kind = rng.random(n)
    extended = (kind >= on_time_share) & (kind < band_end(on_time_share, 0.15))
    stage["extended_due"] = dates.after(stage["received"], 20).where(extended)
    stage["extension_reason"] = pd.Series(
        "Complex complaint: more time agreed with the complainant", index=stage.index, dtype="str"
    ).where(extended)
    on_time = (kind < on_time_share) | (clean & ~extended)  # clean: none late
    respond = np.select(
        [on_time, extended],
        [rng.integers(5, 11, size=n), rng.integers(11, 21, size=n)],
        default=rng.integers(11, 26, size=n),
    )
    outcome = choose(
        rng, {"upheld": 0.22, "partly_upheld": 0.25, "not_upheld": 0.43, "withdrawn": 0.05, "resolved": 0.05}, n
    )
    _respond(stage, dates.after(stage["received"], respond), outcome, cutoff)
    stage["signer"] = pd.Series(
        choose(rng, {"Team Manager": 0.6, "Service Manager": 0.4}, n), index=stage.index, dtype="str"
    )
    return stage


def _respond(stage: pd.DataFrame, responded: pd.Series, outcome: np.ndarray, cutoff: pd.Timestamp) -> None:
    """Responses after the export date have not happened: the stage is still open."""
    withdrawn = outcome == "withdrawn"
    done = responded.le(cutoff).to_numpy() & ~withdrawn
    stage["responded"] = responded.where(done)
    stage["outcome"] = pd.Series(outcome, index=stage.index, dtype="str").where(done | withdrawn)


def _stage2(
    stage1: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, late_share: float, clean: bool = False
) -> pd.DataFrame:
    """About a fifth of cases escalate. Kinds: clean, adjudication_late (seeded; none with `clean`), extended."""
    n = len(stage1)
    escalates = stage1["outcome"].isin(["upheld", "partly_upheld", "not_upheld"]).to_numpy() & (rng.random(n) < 0.25)
    requested = dates.after(stage1["responded"], rng.integers(2, 21, size=n))
    escalates &= requested.le(cutoff).to_numpy()
    stage = pd.DataFrame({"case": stage1["case"], "stage": "2", "received": requested}, index=stage1.index)[escalates]
    m = len(stage)
    agreed_after = rng.integers(2, 9, size=m)
    stage["acknowledged"] = dates.after(stage["received"], rng.integers(0, 3, size=m))
    stage["statement_agreed"] = dates.after(stage["received"], agreed_after)
    start = stage["statement_agreed"]  # the later of the request and the agreed statement
    # Exact shares rather than independent draws: a small year still gets its seeded late cases.
    late = 0 if clean else round(late_share * m)
    extended = min(round(CHILDRENS_STAGE2_EXTENDED * m), m - late)
    kind = rng.permutation(
        np.repeat(
            np.asarray(["adjudication_late", "extended", "clean"], dtype=object), [late, extended, m - late - extended]
        )
    )
    stage["kind"] = kind
    report_after = np.select(
        [kind == "clean", kind == "adjudication_late"],
        [rng.integers(np.maximum(agreed_after + 8, 12), 21), rng.integers(np.maximum(agreed_after + 10, 16), 25)],
        default=agreed_after + rng.integers(30, 51, size=m),
    )
    stage["investigation_completed"] = dates.after(stage["received"], report_after)
    adjudication = np.where(
        kind == "clean",
        dates.after(stage["received"], np.minimum(report_after + rng.integers(2, 6, size=m), STAGE2_TARGET)),
        np.where(
            kind == "adjudication_late",
            dates.after(start, rng.integers(28, 46, size=m)),
            # Clean: within 65 working days of the request as well as of the start (the start rule is [U]).
            dates.after(stage["received"], _at_most(report_after + rng.integers(3, 9, size=m), clean)),
        ),
    )
    stage["due"] = dates.after(start, STAGE2_TARGET)
    stage["extended_due"] = dates.after(start, STAGE2_EXTENDED_TARGET).where(kind == "extended")
    stage["extension_reason"] = pd.Series(
        "Complex investigation: the complainant was told in writing", index=stage.index, dtype="str"
    ).where(kind == "extended")
    stage["investigation_completed"] = stage["investigation_completed"].where(
        stage["investigation_completed"].le(cutoff)
    )
    if clean:  # nothing dated after the export: a statement not yet agreed means Stage 2 has not started
        agreed = stage["statement_agreed"].le(cutoff)
        for column in ("statement_agreed", "due", "extended_due", "extension_reason"):
            stage[column] = stage[column].where(agreed)
        stage["acknowledged"] = stage["acknowledged"].where(stage["acknowledged"].le(cutoff))
    # The system's own verdict, judged on the investigating officer's report.
    stage["timescale_met"] = stage["investigation_completed"].le(stage["extended_due"].fillna(stage["due"]))
    outcome = choose(rng, {"upheld": 0.2, "partly_upheld": 0.35, "not_upheld": 0.45}, m)
    _respond(stage, pd.Series(adjudication, index=stage.index).astype("datetime64[s]"), outcome, cutoff)
    stage["signer"] = pd.Series(
        choose(rng, {"Assistant Director, Children's Services": 0.7, "Director of Children's Services": 0.3}, m),
        index=stage.index,
        dtype="str",
    )
    return stage


def _at_most(working_days: np.ndarray, clean: bool) -> np.ndarray:
    """Clean: no more working days than an extended Stage 2 allows."""
    return np.minimum(working_days, STAGE2_EXTENDED_TARGET) if clean else working_days


def _stage3(stage2: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, clean: bool = False) -> pd.DataFrame:
    """A handful ask for a review panel."""
    n = len(stage2)
    asks = stage2["outcome"].isin(["partly_upheld", "not_upheld"]).to_numpy() & (rng.random(n) < 0.2)
    requested = dates.after(stage2["responded"], rng.integers(5, 21, size=n))
    asks &= requested.le(cutoff).to_numpy()
    stage = pd.DataFrame({"case": stage2["case"], "stage": "3", "received": requested}, index=stage2.index)[asks]
    m = len(stage)
    stage["acknowledged"] = dates.after(stage["received"], rng.integers(0, 3, size=m))
    if clean:
        stage["acknowledged"] = stage["acknowledged"].where(stage["acknowledged"].le(cutoff))
    panel = dates.after(stage["received"], rng.integers(15, 31, size=m))
    stage["panel_held"] = panel.where(panel.le(cutoff))
    report = dates.after(panel, rng.integers(2, 6, size=m))
    stage["panel_report"] = report.where(report.le(cutoff))
    responded = dates.after(report, rng.integers(8, 16, size=m))
    _respond(stage, responded, choose(rng, {"upheld": 0.15, "partly_upheld": 0.35, "not_upheld": 0.5}, m), cutoff)
    stage["signer"] = pd.Series("Director of Children's Services", index=stage.index, dtype="str")
    return stage


def _draw_cases(n: int, rng: np.random.Generator, year: int) -> pd.DataFrame:
    table = catalogue(CHILDRENS)
    cases = (
        table.drop(columns="weight")
        .iloc[rng.choice(len(table), size=n, p=table["weight"].to_numpy())]
        .reset_index(drop=True)
    )
    cases["received"] = dates.draw_received(n, rng, year)
    cases = cases.sort_values("received", kind="stable").reset_index(drop=True)
    cases["case_id"] = f"CSC-{year % 100:02d}-" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(4)
    cases["raised_by"] = choose(rng, {label: share for label, (_, share) in RAISED_BY.items()}, n)
    cases["channel"] = choose(rng, _CHANNELS, n)
    people = draw_people(n, rng)
    cases = pd.concat([cases, people], axis=1)
    children = draw_people(n, rng)
    cases["child_first_name"] = children["first_name"]
    cases["child_surname"] = cases["surname"].where(rng.random(n) < 0.8, children["surname"])
    age_days = np.where(
        cases["raised_by"].eq("Young Person"),
        rng.integers(365 * 12, 365 * 18, size=n),
        rng.integers(365, 365 * 17, size=n),
    )
    cases["child_birth"] = (cases["received"] - pd.to_timedelta(age_days, unit="D")).astype("datetime64[s]")
    young = cases["raised_by"].eq("Young Person")
    # A young person complaining is the complainant; the letter goes to them.
    for column in ("first_name", "surname"):
        cases[column] = cases[column].where(
            ~young, cases["child_first_name"] if column == "first_name" else cases["child_surname"]
        )
    cases["title"] = cases["title"].where(~young, np.where(children["female"], "Miss", "Mr"))
    return cases.drop(columns="female")


def _details(
    stages: pd.DataFrame, cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, clean: bool = False
) -> None:
    """Remedy, learning and actions for each answered stage."""
    n = len(stages)
    at_fault = stages["outcome"].isin(_AT_FAULT).to_numpy() & stages["responded"].notna().to_numpy()
    stages["at_fault"] = at_fault
    paid = at_fault & (rng.random(n) < 0.3)
    stages["remedy"] = pd.Series(
        np.where(paid, "Apology and payment for time and trouble", "Apology and actions agreed"),
        index=stages.index,
        dtype="str",
    ).where(at_fault)
    stages["remedy_amount"] = pd.Series(rng.choice([100.0, 150.0, 250.0, 500.0], size=n), index=stages.index).where(
        paid
    )
    stages["learning_phrase"] = cases["learning"].to_numpy()[stages["case"].to_numpy()]
    stages["learning"] = learning_text(pd.Series(stages["learning_phrase"], index=stages.index, dtype="str")).where(
        at_fault
    )
    stages["action_due"] = (
        (stages["responded"] + pd.to_timedelta(rng.integers(20, 61, size=n), unit="D"))
        .astype("datetime64[s]")
        .where(at_fault)
    )
    done = stages["action_due"] - pd.to_timedelta(rng.integers(0, 16, size=n), unit="D")
    stages["action_done"] = done.where(((rng.random(n) < 0.6) | clean) & done.le(cutoff))
