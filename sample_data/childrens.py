"""The children's social care statutory complaints export: JSON cases holding a list of stages.

Stage 2 records both the investigating officer's report and the adjudication letter. The system
judges Stage 2 "within timescale" on the report date, so cases whose adjudication came after
25 working days still look compliant there: the fault the ombudsman found (RULES.md section 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import dates
from .behaviour import Behaviour
from .catalogue import DEFAULT_ORGANISATION
from .childrens_cases import build_cases
from .letters import case_details, complaints_email, compose_letters
from .seeding import GroundTruth, Seeder, SystemExport

# fmt: off
FILE = "exports/childrens_complaints.json"
STAGE_WORDS = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3"}
OUTCOMES = {
    "upheld": "UPHELD", "partly_upheld": "PART_UPHELD", "not_upheld": "NOT_UPHELD", "withdrawn": "WITHDRAWN",
    "resolved": "RESOLVED_EARLY",
}
UNMAPPED_OUTCOME = "NFA"  # "no further action": not a decision on the complaint, so not mapped
IMPOSSIBLE_DATE = "2023-13-45"
_RELATIONSHIP = {
    "Young Person": "Self", "Parent": "Parent", "Family Member": "Grandparent", "Advocate": "Advocate",
    "Foster Carer": "Foster carer",
}
_GENERATED_AT = "T07:30:00"
# fmt: on


def _seed(
    stages: pd.DataFrame, cases: pd.DataFrame, rng: np.random.Generator, truth: GroundTruth, without_learning: float
) -> dict:
    """Pick the seeded problems, one per case, and record them."""
    seeder = Seeder(rng, len(cases))
    per_case = stages.groupby("case")
    answered = {stage: np.zeros(len(cases), bool) for stage in ("1", "2", "3")}
    fault = {stage: np.zeros(len(cases), bool) for stage in ("1", "2", "3")}
    for stage in answered:
        rows = stages[stages["stage"].eq(stage) & stages["responded"].notna()]
        answered[stage][rows["case"].to_numpy()] = True
        fault[stage][rows.loc[rows["at_fault"], "case"].to_numpy()] = True
    stage2 = stages[stages["stage"].eq("2")]
    late = np.zeros(len(cases), bool)
    late[stage2.loc[stage2["kind"].eq("adjudication_late") & stage2["responded"].notna(), "case"].to_numpy()] = True
    seeder.reserve(late)
    truth.add(
        "childrens_adjudication_late",
        FILE,
        pd.DataFrame({"case_id": cases.loc[late, "case_id"].astype(object), "stage": "2"}),
    )
    single = (per_case.size() == 1).reindex(range(len(cases)), fill_value=False).to_numpy() & answered["1"]
    quarantine = {
        kind: seeder.pick(single, 0.006)
        for kind in ("missing_received", "impossible_date", "unmapped_code", "responded_before_received")
    }
    picks = {
        ("missing_ombudsman_details_final", "3"): seeder.pick(answered["3"], 0.25),
        ("missing_apology_upheld", "2"): seeder.pick(fault["2"], 0.08),
        ("missing_apology_upheld", "1"): seeder.pick(fault["1"], 0.04),
        ("jargon_responses", "2"): seeder.pick(answered["2"], 0.06),
        ("jargon_responses", "1"): seeder.pick(answered["1"], 0.02),
    }
    for (problem, stage), chosen in picks.items():
        truth.add(problem, FILE, pd.DataFrame({"case_id": cases.loc[chosen, "case_id"].astype(object), "stage": stage}))
    no_learning = seeder.pick(fault["1"] | fault["2"] | fault["3"], without_learning)
    for stage in ("1", "2", "3"):
        truth.add(
            "upheld_no_learning",
            FILE,
            pd.DataFrame({"case_id": cases.loc[no_learning & fault[stage], "case_id"].astype(object), "stage": stage}),
        )
    stages.loc[no_learning[stages["case"].to_numpy()], "learning"] = None
    # Drawn after the others, so adding it left the earlier problems' cases as they were. Stage 1
    # only: a Stage 2 letter gives the ombudsman's details anyway, and Stage 3 is final.
    extended = np.zeros(len(cases), bool)
    stage1 = stages[stages["stage"].eq("1") & stages["responded"].notna() & stages["extended_due"].notna()]
    extended[stage1["case"].to_numpy()] = True
    chosen = picks[("missing_ombudsman_details_extension", "1")] = seeder.pick(answered["1"] & extended, 0.06)
    truth.add(
        "missing_ombudsman_details_extension",
        FILE,
        pd.DataFrame({"case_id": cases.loc[chosen, "case_id"].astype(object), "stage": "1"}),
    )
    return {"quarantine": quarantine, **picks}


def _letters(
    stages: pd.DataFrame,
    cases: pd.DataFrame,
    seeds: dict,
    rng: np.random.Generator,
    organisation: str,
) -> pd.Series:
    """Each answered stage's letter: its case's own details, and the ombudsman's where extended, unless seeded otherwise."""
    rows = stages[stages["responded"].notna()]
    case = rows["case"].to_numpy()
    person = cases.iloc[case].set_axis(rows.index)

    def flag(problem: str) -> np.ndarray:
        result = np.zeros(len(rows), bool)
        for stage in ("1", "2", "3"):
            chosen = seeds.get((problem, stage))
            if chosen is not None:
                result |= chosen[case] & rows["stage"].eq(stage).to_numpy()
        return result

    spec = pd.DataFrame(
        {
            "kind": "childrens",
            "stage": rows["stage"],
            "final": rows["stage"].eq("3"),
            "case_id": person["case_id"],
            "title": person["title"],
            "first_name": person["first_name"],
            "surname": person["surname"],
            "address": person["address"],
            "postcode": person["postcode"],
            "received": rows["received"],
            "topic": person["topic"] + " for " + person["child_first_name"],
            "fault": person["fault"],
            "defence": person["defence"],
            "put_right": person["put_right"],
            "learning": rows["learning_phrase"],
            "outcome": rows["outcome"],
            "remedy_amount": rows["remedy_amount"],
            "action_due": rows["action_due"],
            "signer": rows["signer"],
            "apology": ~flag("missing_apology_upheld"),
            "ombudsman": ~(flag("missing_ombudsman_details_final") | flag("missing_ombudsman_details_extension")),
            "jargon": flag("jargon_responses"),
            "extended": rows["extended_due"].notna().to_numpy(),
        },
        index=rows.index,
    )
    spec["details"] = case_details(len(spec), rng).set_axis(spec.index)
    text = compose_letters(spec, rng, organisation, complaints_email(organisation), dates.long_text)
    return text.reindex(stages.index)


def generate_childrens(
    n_cases: int,
    rng: np.random.Generator,
    year: int = 2023,
    organisation: str = DEFAULT_ORGANISATION,
    clean: bool = False,
    behaviour: Behaviour | None = None,
) -> SystemExport:
    """The children's export (the JSON document as Python data) and its seeded problems.

    `clean=True`: no seeded problems and no ordinary failings either (childrens_cases.py).
    `behaviour`: the council's dials (behaviour.py).
    """
    behaviour = behaviour or Behaviour()
    cases, stages = build_cases(n_cases, rng, year, clean=clean, behaviour=behaviour)
    truth = GroundTruth()
    seeds = {} if clean else _seed(stages, cases, rng, truth, behaviour.upheld_without_learning)
    stages["letter"] = _letters(stages, cases, seeds, rng, organisation)
    records = [
        _case_record(case, group) for case, group in zip(cases.itertuples(index=False), _groups(stages, len(cases)), strict=True)
    ]
    if not clean:
        _break_records(records, cases, seeds["quarantine"], truth)
    start, end = dates.financial_year(year)
    document = {
        "export": {
            "system": "CareFirst Children's Case Management",
            "organisation": organisation,
            "report": "Statutory complaints (Children Act 1989 representations procedure)",
            "period_start": f"{start:%Y-%m-%d}",
            "period_end": f"{end:%Y-%m-%d}",
            "generated_at": f"{dates.export_date(year):%Y-%m-%d}{_GENERATED_AT}",
            "case_count": len(records),
        },
        "cases": records,
    }
    return SystemExport(document, truth)


def _groups(stages: pd.DataFrame, count: int) -> list[pd.DataFrame]:
    by_case = dict(tuple(stages.groupby("case", sort=True)))
    return [by_case[i] for i in range(count)]


def _iso(value) -> str | None:
    return None if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _text(value) -> str | None:
    return None if pd.isna(value) else str(value)


def _case_record(case, stages: pd.DataFrame) -> dict:
    closed = None
    if stages["outcome"].notna().all():
        last = stages.iloc[-1]
        closed = (
            _iso(last["responded"]) if pd.notna(last["responded"]) else _iso(last["received"] + pd.Timedelta(days=14))
        )
    return {
        "case_id": case.case_id,
        "service": case.service,
        "category": case.category,
        "contact_method": case.channel,
        "raised_by": case.raised_by,
        "handled_by": "Complaints Team",
        "complainant": {
            "title": case.title,
            "name": f"{case.first_name} {case.surname}",
            "relationship": _RELATIONSHIP[case.raised_by],
            "email": _text(case.email),
            "phone": _text(case.phone),
            "address": {"line1": case.address.split(", ")[0], "town": case.town, "postcode": case.postcode},
        },
        "child": {"name": f"{case.child_first_name} {case.child_surname}", "date_of_birth": _iso(case.child_birth)},
        "date_closed": closed,
        "stages": [_stage_record(stage) for stage in stages.to_dict("records")],
    }


def _stage_record(stage: dict) -> dict:
    record = {
        "stage": STAGE_WORDS[stage["stage"]],
        "received_date": _iso(stage["received"]),
        "acknowledged_date": _iso(stage["acknowledged"]),
    }
    if stage["stage"] != "3":
        record.update(
            target_date=_iso(stage["due"]),
            extended_target_date=_iso(stage["extended_due"]),
            extension_reason=_text(stage["extension_reason"]),
        )
    if stage["stage"] == "2":
        record.update(
            statement_agreed_date=_iso(stage["statement_agreed"]),
            io_report_date=_iso(stage["investigation_completed"]),
            timescale_met=None if pd.isna(stage["timescale_met"]) else bool(stage["timescale_met"]),
        )
    if stage["stage"] == "3":
        record.update(panel_date=_iso(stage["panel_held"]), panel_report_date=_iso(stage["panel_report"]))
    amount = stage["remedy_amount"]
    record.update(
        response_date=_iso(stage["responded"]),
        outcome=OUTCOMES.get(stage["outcome"]) if isinstance(stage["outcome"], str) else None,
        remedy=_text(stage["remedy"]),
        remedy_amount=None if pd.isna(amount) else float(amount),
        learning=_text(stage["learning"]),
        action_due=_iso(stage["action_due"]),
        action_completed=_iso(stage["action_done"]),
        signed_off_by=_text(stage["signer"]) if pd.notna(stage["responded"]) else None,
        response_letter=_text(stage["letter"]),
    )
    return record


def _break_records(records: list[dict], cases: pd.DataFrame, quarantine: dict, truth: GroundTruth) -> None:
    """Spoil the Stage 1 of the cases picked for quarantine and record each one."""
    spoil = {
        "missing_received": ("received", "received_date", lambda stage: None),
        "impossible_date": ("received", "received_date", lambda stage: IMPOSSIBLE_DATE),
        "unmapped_code": ("outcome", "outcome", lambda stage: UNMAPPED_OUTCOME),
        "responded_before_received": (
            "responded",
            "response_date",
            lambda stage: _iso(pd.Timestamp(stage["received_date"]) - pd.Timedelta(days=9)),
        ),
    }
    for kind, (field, key, value) in spoil.items():
        entries = []
        for position in np.flatnonzero(quarantine[kind]):
            stage = records[position]["stages"][0]
            stage[key] = value(stage)
            entries.append(
                {
                    "case_id": records[position]["case_id"],
                    "stage": "1",
                    "source_row": int(position) + 1,
                    "field": field,
                    "value": stage[key] or "",
                }
            )
        truth.add_quarantine(
            kind, FILE, pd.DataFrame(entries, columns=["case_id", "stage", "source_row", "field", "value"])
        )


def write_childrens_json(document: dict, path: Path) -> None:
    """UTF-8 JSON, two-space indent, as the case management system's API returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
