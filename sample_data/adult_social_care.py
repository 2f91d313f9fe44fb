"""The adult social care complaints register: an Excel workbook, one row per stage.

One statutory stage ("Local Resolution"), then a row for the few cases the ombudsman took up.
The sheet opens with a title block above the header, as report exports do, and dates are real
date cells.

With `clean`, every case keeps the 2009 regulations: acknowledged within 3 working days, answered
by the agreed (or revised, with a reason) date and well within six months, actions done, and
responses signed off by a head of service or above.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from . import dates
from .behaviour import Behaviour, band_end
from .catalogue import ADULT_SOCIAL_CARE, ASC_LEARNING, ASC_LETTER_PHRASES, DEFAULT_ORGANISATION, choose
from .letters import case_details, complaints_email, compose_letters
from .people import draw_people
from .seeding import GroundTruth, Seeder, SystemExport
from .workbook import write_register

# fmt: off
FILE = "exports/adult_social_care.xlsx"
SHEET = "Complaints Register"
HEADER_ROW = 6
UNMAPPED_OUTCOME = "Referred to Safeguarding"  # not a complaint outcome: the profile leaves it out
STAGE_WORDS = {"1": "Local Resolution", "ombudsman": "Ombudsman"}
OUTCOMES = {
    "upheld": "Well Founded", "partly_upheld": "Partly Well Founded", "not_upheld": "Not Well Founded",
    "withdrawn": "Withdrawn", "resolved": "Resolved Informally",
}
OMBUDSMAN_OUTCOMES = {
    "upheld": "Upheld: Fault and Injustice", "not_upheld": "Not Upheld: No Fault",
    "out_of_scope": "Closed After Initial Enquiries",
}
RAISED_BY = {  # the register's words -> canonical raised_via, with shares
    "Service User": ("public", 0.45), "Family Member": ("representative", 0.33),
    "Representative": ("representative", 0.06), "Advocate": ("advocate", 0.08), "MP": ("mp", 0.03),
    "Cllr": ("councillor", 0.02), "Other": ("other", 0.03),
}
_RELATIONSHIP = {
    "Family Member": ("Daughter", "Son", "Wife", "Husband", "Niece"),
    "Representative": ("Friend", "Solicitor", "Neighbour"),
}
_CHANNELS = {"Telephone": 0.35, "Email": 0.3, "Letter": 0.12, "Online Form": 0.18, "In Person": 0.05}
_REMEDIES = (  # (remedy, whether money is paid)
    ("Apology", False), ("Apology and care package reviewed", False),
    ("Apology and refund of charges", True), ("Apology and payment for distress", True),
)
_REVISION_REASONS = (
    "Awaiting information from care provider", "Complainant asked for more time",
    "Complex case involving health partners",
)
_IMPOSSIBLE = ("31/09/{this}", "31/06/{this}", "30/02/{next}")
_SIGNERS = {"Service Manager": 0.5, "Head of Adult Social Care": 0.35, "Assistant Director": 0.15}
# Clean: the single stage is the final response, signed off at the level policy asks (checks OV003).
_CLEAN_SIGNERS = {"Service Manager": 0.0, "Head of Adult Social Care": 0.7, "Assistant Director": 0.3}
COLUMNS = (
    "Reference", "Stage", "Service User", "Date of Birth", "Contact Name", "Relationship", "Contact Email",
    "Contact Phone", "Address", "Postcode", "Raised By", "Received Via", "Service Team", "Category", "Handled By",
    "Date Received", "Date Acknowledged", "Agreed Response Date", "Revised Response Date", "Reason for Revision",
    "Response Date", "Outcome", "Remedy", "Remedy Amount", "Lessons Learned", "Action Due", "Action Completed",
    "Signed Off By", "Date Closed",
)
DATE_COLUMNS = (
    "Date of Birth", "Date Received", "Date Acknowledged", "Agreed Response Date", "Revised Response Date",
    "Response Date", "Action Due", "Action Completed", "Date Closed",
)
_PRODUCED = dt.datetime(2024, 5, 15, 7, 30)  # when the register was run
# fmt: on


def _cases(n: int, rng: np.random.Generator, year: int, on_time_share: float, clean: bool = False) -> pd.DataFrame:
    """Local Resolution rows as typed columns (`clean`: keeping every rule)."""
    cutoff = dates.export_date(year)
    services = [(service, category) for service, categories in ADULT_SOCIAL_CARE for category in categories]
    service = np.asarray(services, dtype=object)[rng.integers(len(services), size=n)]
    rows = (
        pd.DataFrame({"received": dates.draw_received(n, rng, year)})
        .sort_values("received", kind="stable")
        .reset_index(drop=True)
    )
    rows["service"], rows["category"] = service[:, 0], service[:, 1]
    rows["raised_by"] = choose(rng, {label: share for label, (_, share) in RAISED_BY.items()}, n)
    rows["raised_via"] = rows["raised_by"].map({label: code for label, (code, _) in RAISED_BY.items()})
    rows["channel"] = choose(rng, _CHANNELS, n)
    rows["handled_by"] = np.where(rng.random(n) < 0.8, "Complaints Team", "Service")
    late_ack = (rng.random(n) < 0.07) & (not clean)
    ack = np.where(late_ack, rng.integers(4, 9, size=n), rng.choice(4, size=n, p=[0.15, 0.45, 0.28, 0.12]))
    rows["acknowledged"] = dates.after(rows["received"], ack)
    period = rng.choice([20, 25, 30, 40], size=n, p=[0.35, 0.3, 0.2, 0.15])
    rows["due"] = dates.after(rows["received"], period)
    kind = rng.random(n)
    revised = (kind >= on_time_share) & (kind < band_end(on_time_share, 0.10))
    extra = rng.integers(10, 31, size=n)
    rows["revised_due"] = dates.after(rows["received"], period + extra).where(revised)
    rows["revision_reason"] = pd.Series(
        np.asarray(_REVISION_REASONS, dtype=object)[rng.integers(3, size=n)], dtype="str"
    ).where(revised)
    on_time = (kind < on_time_share) | (clean & ~revised)  # clean: none late, none past six months
    respond = np.select(
        [on_time, revised, kind < 0.99],
        [
            rng.integers(np.minimum(10, period), period + 1),
            period + rng.integers(1, extra + 1),
            period + rng.integers(1, 31, size=n),
        ],
        default=rng.integers(130, 161, size=n),  # past the six-month point
    )
    outcome = choose(
        rng, {"upheld": 0.24, "partly_upheld": 0.26, "not_upheld": 0.38, "withdrawn": 0.06, "resolved": 0.06}, n
    )
    responded = dates.after(rows["received"], respond).where(outcome != "withdrawn")
    done = responded.le(cutoff).to_numpy()
    rows["responded"] = responded.where(done)
    rows["outcome"] = pd.Series(outcome, dtype="str").where(done | (outcome == "withdrawn"))
    _outcome_details(rows, rng, cutoff, np.asarray(ASC_LEARNING, dtype=object), clean)
    rows["signed_off_by"] = pd.Series(choose(rng, _CLEAN_SIGNERS if clean else _SIGNERS, n), dtype="str").where(
        rows["responded"].notna()
    )
    closed = dates.after(rows["responded"], rng.integers(0, 4, size=n)).fillna(
        dates.after(rows["received"], rng.integers(5, 20, size=n)).where(rows["outcome"].eq("withdrawn"))
    )
    rows["closed"] = closed.where(closed.le(cutoff))
    rows["stage"] = "1"
    return rows


def _outcome_details(
    rows: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, learning: np.ndarray, clean: bool = False
) -> None:
    n = len(rows)
    at_fault = rows["outcome"].isin(["upheld", "partly_upheld"]).to_numpy() & rows["responded"].notna().to_numpy()
    remedy = rng.integers(len(_REMEDIES), size=n)
    rows["remedy"] = pd.Series(np.asarray([r for r, _ in _REMEDIES], dtype=object)[remedy], dtype="str").where(at_fault)
    rows["remedy_amount"] = pd.Series(rng.choice([75.0, 120.0, 250.0, 340.5, 500.0], size=n)).where(
        np.asarray([p for _, p in _REMEDIES])[remedy] & at_fault
    )
    rows["learning"] = pd.Series(learning[rng.integers(len(learning), size=n)], dtype="str").where(at_fault)
    rows["action_due"] = (rows["responded"] + pd.to_timedelta(rng.integers(20, 61, size=n), unit="D")).where(at_fault)
    action_done = rows["action_due"] - pd.to_timedelta(rng.integers(0, 16, size=n), unit="D")
    rows["action_done"] = action_done.where(((rng.random(n) < 0.6) | clean) & action_done.le(cutoff))


def _ombudsman_rows(local: pd.DataFrame, rng: np.random.Generator, year: int, clean: bool = False) -> pd.DataFrame:
    """The cases the ombudsman took up, a month or more after the council's response."""
    cutoff = dates.export_date(year)
    n = len(local)
    referred = local["responded"] + pd.to_timedelta(rng.integers(30, 151, size=n), unit="D")
    taken_up = (
        local["outcome"].isin(["upheld", "partly_upheld", "not_upheld"]).to_numpy()
        & (rng.random(n) < 0.07)
        & referred.le(cutoff).to_numpy()
    )
    rows = local.loc[
        taken_up, ["case_index", "service", "category", "raised_by", "raised_via", "channel", "handled_by"]
    ].copy()
    m = len(rows)
    rows["stage"] = "ombudsman"
    rows["received"] = dates.after(referred[taken_up], 0)
    rows["acknowledged"] = dates.after(rows["received"], rng.integers(0, 3, size=m))
    if clean:  # nothing recorded as happening after the export
        rows["acknowledged"] = rows["acknowledged"].where(rows["acknowledged"].le(cutoff))
    rows["due"] = dates.after(rows["received"], 20)
    responded = dates.after(rows["received"], rng.integers(10, 26, size=m))
    rows["responded"] = responded.where(responded.le(cutoff))
    outcome = choose(rng, {"upheld": 0.5, "not_upheld": 0.3, "out_of_scope": 0.2}, m)
    rows["outcome"] = pd.Series(outcome, index=rows.index, dtype="str").where(rows["responded"].notna())
    rows["signed_off_by"] = pd.Series("Director of Adult Social Services", index=rows.index, dtype="str").where(
        rows["responded"].notna()
    )
    rows["closed"] = rows["responded"]
    return rows


def generate_adult_social_care(
    n_cases: int,
    rng: np.random.Generator,
    year: int = 2023,
    clean: bool = False,
    behaviour: Behaviour | None = None,
    organisation: str = DEFAULT_ORGANISATION,
) -> SystemExport:
    """The register's rows (a frame, one row per stage, as the workbook holds them), its seeded problems and letters.

    The register holds no letter text: the response letters come apart, as files (letter_files.py),
    with the same seeded faults as the other systems' letters. They are drawn after everything
    else, so adding them left the register as it was.
    `clean=True`: no seeded problems and no ordinary failings either. `behaviour`: the council's dials (behaviour.py).
    """
    behaviour = behaviour or Behaviour()
    local = _cases(n_cases, rng, year, behaviour.on_time, clean)
    local["case_index"] = np.arange(n_cases)
    local["case_id"] = f"ASC-{year}-" + pd.Series(np.arange(1, n_cases + 1)).astype("str").str.zfill(4)
    users, contacts = draw_people(n_cases, rng), draw_people(n_cases, rng)
    ombudsman = _ombudsman_rows(local, rng, year, clean)
    ombudsman["case_id"] = local["case_id"].to_numpy()[ombudsman["case_index"].to_numpy()]
    rows = (
        pd.concat([local, ombudsman], ignore_index=True)
        .sort_values(["case_index", "stage"], kind="stable")
        .reset_index(drop=True)
    )
    frame = _export_frame(rows, users, contacts, rng)

    truth = GroundTruth()
    if clean:
        return SystemExport(frame, truth, _letters(rows, users, contacts, {}, rng, organisation))
    seeder = Seeder(rng, len(rows))
    has_ombudsman = rows["case_index"].isin(ombudsman["case_index"]).to_numpy()
    eligible = (
        rows["stage"].eq("1") & rows["raised_via"].isin(["public", "representative"]) & rows["responded"].notna()
    ).to_numpy() & ~has_ombudsman
    seeder.reserve(rows["raised_via"].isin(["mp", "councillor"]))
    quarantine = {
        kind: seeder.pick(eligible, 0.006)
        for kind in ("missing_received", "impossible_date", "unmapped_code", "responded_before_received")
    }
    with_learning = rows["stage"].eq("1").to_numpy() & rows["learning"].notna().to_numpy()
    no_learning = seeder.pick(with_learning, behaviour.upheld_without_learning)
    frame.loc[no_learning, "Lessons Learned"] = None
    truth.add(
        "upheld_no_learning",
        FILE,
        pd.DataFrame({"case_id": rows.loc[no_learning, "case_id"].astype(object), "stage": "1"}),
    )
    _break_rows(frame, rows, quarantine, rng, truth, year)
    broken = np.logical_or.reduce(list(quarantine.values()))
    seeds = _seed_letters(rows, seeder, broken, truth, n_cases, year)
    return SystemExport(frame, truth, _letters(rows, users, contacts, seeds, rng, organisation, broken))


def _seed_letters(
    rows: pd.DataFrame, seeder: Seeder, broken: np.ndarray, truth: GroundTruth, n_cases: int, year: int
) -> dict:
    """The letters' seeded faults, as the other systems' letters carry them, and the cases whose files go astray.

    The single stage is the final response, so it owes the ombudsman's details. The cases whose
    letters cannot be matched (two versions, a legacy .doc) carry no other problem: their letters
    are not read, so a fault in them could not be found.
    """
    answered = (rows["stage"].eq("1") & rows["responded"].notna()).to_numpy() & ~broken
    at_fault = rows["outcome"].isin(["upheld", "partly_upheld"]).to_numpy()
    picks = {
        "missing_apology_upheld": seeder.pick(answered & at_fault, 0.08),
        "missing_ombudsman_details_final": seeder.pick(answered, 0.05),
        "jargon_responses": seeder.pick(answered, 0.03),
    }
    for problem, chosen in picks.items():
        truth.add(problem, FILE, pd.DataFrame({"case_id": rows.loc[chosen, "case_id"].astype(object), "stage": "1"}))
    case_ids = rows["case_id"].to_numpy(dtype=object)
    extras = {}
    for reason in ("two_letters", "unreadable", "no_such_case"):  # each where a case is left for it (a tiny sample)
        chosen = case_ids[seeder.pick(answered, 0.0)]
        if len(chosen):
            extras[reason] = str(chosen[0])
    extras["slip"] = f"ASC-{year}-{n_cases + 1:04d}"  # one past the register's last reference: no such case
    return {**picks, "extras": extras}


def _letters(
    rows: pd.DataFrame,
    users: pd.DataFrame,
    contacts: pd.DataFrame,
    seeds: dict,
    rng: np.random.Generator,
    organisation: str,
    broken: np.ndarray | None = None,
) -> pd.DataFrame:
    """Each answered Local Resolution row's response letter, to whoever raised the complaint: case_id, letter, responded.

    The frame's attrs["extras"] names the cases whose files go astray (none when clean).
    """
    answered = (rows["stage"].eq("1") & rows["responded"].notna()).to_numpy().copy()
    if broken is not None:
        answered &= ~broken  # the loader quarantines these rows: a letter for one would match nothing
    letter_rows = rows[answered]
    case = letter_rows["case_index"].to_numpy()
    self_raised = letter_rows["raised_by"].eq("Service User").to_numpy()
    people = pd.concat([users, contacts], ignore_index=True)  # the letter goes to the contact, unless self-raised
    person = people.iloc[case + np.where(self_raised, 0, len(users))].set_axis(letter_rows.index)
    phrases = pd.DataFrame.from_dict(ASC_LETTER_PHRASES, orient="index", columns=["topic", "fault", "defence", "put_right"])
    phrase = phrases.reindex(letter_rows["category"].to_numpy()).set_axis(letter_rows.index)
    learning = letter_rows["learning"].fillna("").str.rstrip(".")
    learning = learning.str.slice(0, 1).str.lower() + learning.str.slice(1)

    def flag(problem: str) -> np.ndarray:
        chosen = seeds.get(problem)
        return np.zeros(len(letter_rows), bool) if chosen is None else chosen[answered]

    spec = pd.DataFrame(
        {
            "kind": "adult_social_care",
            "stage": "1",
            "final": True,
            "case_id": letter_rows["case_id"],
            "title": person["title"],
            "first_name": person["first_name"],
            "surname": person["surname"],
            # To the register's address (the service user's): the one it holds, so the one it can mask.
            "address": users["address"].to_numpy(dtype=object)[case],
            "postcode": users["postcode"].to_numpy(dtype=object)[case],
            "received": letter_rows["received"],
            "topic": phrase["topic"],
            "fault": phrase["fault"],
            "defence": phrase["defence"],
            "put_right": phrase["put_right"],
            "learning": learning,
            "outcome": letter_rows["outcome"],
            "remedy_amount": letter_rows["remedy_amount"],
            "action_due": letter_rows["action_due"],
            "signer": letter_rows["signed_off_by"],
            "apology": ~flag("missing_apology_upheld"),
            "ombudsman": ~flag("missing_ombudsman_details_final"),
            "jargon": flag("jargon_responses"),
        },
        index=letter_rows.index,
    )
    spec["details"] = case_details(len(spec), rng).set_axis(spec.index)
    text = compose_letters(spec, rng, organisation, complaints_email(organisation), dates.long_text)
    letters = pd.DataFrame(
        {"case_id": letter_rows["case_id"].astype(str), "letter": text, "responded": letter_rows["responded"]}
    ).reset_index(drop=True)
    letters.attrs["extras"] = seeds.get("extras", {})
    return letters


def _export_frame(
    rows: pd.DataFrame, users: pd.DataFrame, contacts: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    case = rows["case_index"].to_numpy()
    user, contact = users.iloc[case].reset_index(drop=True), contacts.iloc[case].reset_index(drop=True)
    self_raised = rows["raised_by"].eq("Service User").to_numpy()
    birth = pd.Timestamp("1930-01-01") + pd.to_timedelta(rng.integers(0, 365 * 60, size=len(users)), unit="D")
    family, friends = (
        np.asarray(_RELATIONSHIP["Family Member"], dtype=object),
        np.asarray(_RELATIONSHIP["Representative"], dtype=object),
    )
    pick = rng.integers(15, size=len(users))[case]
    raised_by = rows["raised_by"].to_numpy(dtype=object)
    relationship = np.select(
        [self_raised, raised_by == "Family Member", raised_by == "Representative"],
        [np.full(len(rows), "Self", dtype=object), family[pick % len(family)], friends[pick % len(friends)]],
        default=raised_by,
    )
    contact_name = np.where(
        self_raised, user["first_name"] + " " + user["surname"], contact["first_name"] + " " + contact["surname"]
    )
    frame = pd.DataFrame(
        {
            "Reference": rows["case_id"],
            "Stage": rows["stage"].map(STAGE_WORDS),
            "Service User": user["first_name"] + " " + user["surname"],
            "Date of Birth": birth[case],
            "Contact Name": contact_name,
            "Relationship": relationship,
            "Contact Email": np.where(self_raised, user["email"], contact["email"]),
            "Contact Phone": np.where(self_raised, user["phone"], contact["phone"]),
            "Address": user["address"],
            "Postcode": user["postcode"],
            "Raised By": rows["raised_by"],
            "Received Via": rows["channel"],
            "Service Team": rows["service"],
            "Category": rows["category"],
            "Handled By": rows["handled_by"],
            "Date Received": rows["received"],
            "Date Acknowledged": rows["acknowledged"],
            "Agreed Response Date": rows["due"],
            "Revised Response Date": rows["revised_due"],
            "Reason for Revision": rows["revision_reason"],
            "Response Date": rows["responded"],
            "Outcome": np.where(
                rows["stage"].eq("ombudsman"), rows["outcome"].map(OMBUDSMAN_OUTCOMES), rows["outcome"].map(OUTCOMES)
            ),
            "Remedy": rows["remedy"],
            "Remedy Amount": rows["remedy_amount"],
            "Lessons Learned": rows["learning"],
            "Action Due": rows["action_due"],
            "Action Completed": rows["action_done"],
            "Signed Off By": rows["signed_off_by"],
            "Date Closed": rows["closed"],
        }
    )
    return frame.astype(object).where(frame.notna(), None)


def _break_rows(
    frame: pd.DataFrame, rows: pd.DataFrame, quarantine: dict, rng: np.random.Generator, truth: GroundTruth, year: int
) -> None:
    """Spoil the rows picked for quarantine and record each one."""
    source_row = np.arange(len(frame)) + HEADER_ROW + 1

    def record(kind: str, mask: np.ndarray, field: str, values) -> None:
        entries = pd.DataFrame(
            {
                "case_id": rows.loc[mask, "case_id"].astype(object),
                "stage": "1",
                "source_row": source_row[mask],
                "field": field,
                "value": values,
            }
        )
        truth.add_quarantine(kind, FILE, entries)

    mask = quarantine["missing_received"]
    frame.loc[mask, "Date Received"] = None
    record("missing_received", mask, "received", "")
    mask = quarantine["impossible_date"]
    impossible = [_IMPOSSIBLE[i % len(_IMPOSSIBLE)].format(this=year, next=year + 1) for i in range(mask.sum())]
    frame.loc[mask, "Date Received"] = impossible  # typed over a date cell: a text cell
    record("impossible_date", mask, "received", impossible)
    mask = quarantine["unmapped_code"]
    frame.loc[mask, "Outcome"] = UNMAPPED_OUTCOME
    record("unmapped_code", mask, "outcome", UNMAPPED_OUTCOME)
    mask = quarantine["responded_before_received"]
    early = rows.loc[mask, "received"] - pd.to_timedelta(rng.integers(3, 21, size=mask.sum()), unit="D")
    frame.loc[mask, "Response Date"] = early.to_numpy(dtype=object)
    record("responded_before_received", mask, "responded", dates.iso_text(early).to_numpy(dtype=object))


def write_adult_social_care_xlsx(frame: pd.DataFrame, path: Path, organisation: str, year: int) -> None:
    """The register as the reporting tool exports it: title block, header on row 6, date cells."""
    start, end = dates.financial_year(year)
    title = [
        organisation,
        "Adult Social Care: Complaints Register",
        f"Period: {start:%d/%m/%Y} to {end:%d/%m/%Y}",
        f"Produced by CareRecords Reporting on {_PRODUCED:%d/%m/%Y %H:%M}",
    ]
    write_register(
        frame[list(COLUMNS)],
        path,
        sheet_name=SHEET,
        title_lines=title,
        header_row=HEADER_ROW,
        date_columns=DATE_COLUMNS,
        money_columns=("Remedy Amount",),
        produced=_PRODUCED,
        creator="CareRecords Reporting",
    )
