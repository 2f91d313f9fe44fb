"""Corporate complaints system cases as typed columns: who, what, when, how it was answered.

Built column-wise (no loop over cases), because the benchmarks use it to make exports of a
million cases and more. Covers two processes, corporate and housing, each with its own team.
corporate.py seeds the problems and writes the export.

With `clean`, the cases follow every rule (RULES.md section 3): acknowledged within 5 working
days, answered within 10 (Stage 1) or 20 (Stage 2) of acknowledgement or a valid extension, due
dates at the code's deadline for every team, and members' complaints handled like the public's.
The same draws are made either way, so a clean dataset is the seeded one with its faults put right.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import dates
from .behaviour import Behaviour, band_end
from .catalogue import CORPORATE, HOUSING, catalogue, choose, learning_text
from .people import draw_people, member_names

# fmt: off
TEAMS = {"corporate": "Corporate Complaints", "housing": "Housing Complaints"}
PROCESS_WORDS = {"corporate": "Corporate", "housing": "Housing"}
# The Housing Complaints team records Stage 2 as due 35 working days after the request; the
# code allows 25 (5 to acknowledge, 20 to respond). Corporate Complaints uses 20.
STAGE2_LOCAL_TARGET = {"corporate": 20, "housing": 35}
STAGE2_CODE_TARGET = 25
STAGE1_LOCAL_TARGET = 10
STAGE1_CODE_TARGET = 15  # 5 working days to acknowledge and 10 to respond, from receipt
SOURCES = {  # the system's words -> canonical raised_via, with each one's share of cases
    "Member of Public": ("public", 0.80), "MP": ("mp", 0.05), "Cllr": ("councillor", 0.04),
    "Representative": ("representative", 0.04), "Solicitor": ("representative", 0.01),
    "Advocate": ("advocate", 0.03), "Other Organisation": ("other", 0.03),
}
OUTCOMES = {
    "upheld": "Upheld", "partly_upheld": "Partially Upheld", "not_upheld": "Not Upheld",
    "withdrawn": "Withdrawn", "resolved": "Resolved Informally", "out_of_scope": "Outside Complaints Procedure",
}
_STAGE1_OUTCOMES = {
    "upheld": 0.20, "partly_upheld": 0.20, "not_upheld": 0.46,
    "withdrawn": 0.05, "resolved": 0.06, "out_of_scope": 0.03,
}
_STAGE2_OUTCOMES = {"upheld": 0.12, "partly_upheld": 0.24, "not_upheld": 0.60, "withdrawn": 0.02, "out_of_scope": 0.02}
_ESCALATION = {  # chance that a Stage 1 outcome is escalated
    "upheld": 0.06, "partly_upheld": 0.18, "not_upheld": 0.24, "resolved": 0.02, "out_of_scope": 0.12, "withdrawn": 0.0,
}
_CHANNELS = {
    "Web Form": 0.42, "Email": 0.28, "Telephone": 0.18, "Letter": 0.07, "In Person": 0.03, "Social Media": 0.02,
}
_EXTENSION_REASONS = (
    "Awaiting information from contractor",
    "Complex case involving more than one service",
    "Complainant asked for a meeting first",
    "Key officer on leave",
)
_REMEDIES = (  # (remedy, whether money is paid)
    ("Apology", False), ("Apology and service put right", False),
    ("Apology and time and trouble payment", True), ("Apology and refund", True),
)
_AMOUNTS = (50, 75, 100, 150, 200, 250, 300, 400, 500)
_DUPLICATE_WINDOW_DAYS = 7  # clean: a repeat complainant's complaints in one category lie further apart
# fmt: on


def category_table() -> pd.DataFrame:
    """The corporate and housing categories with their letter phrases (catalogue.py)."""
    return catalogue(CORPORATE + HOUSING)


def _draw_cases(n: int, rng: np.random.Generator, year: int) -> pd.DataFrame:
    """Who complained about what, when and how; sorted by receipt like a real case register.

    Sorted while still numbers: text columns are made once, in their final order.
    """
    table = category_table()
    category = rng.choice(len(table), size=n, p=table["weight"].to_numpy())
    housing = table["process"].to_numpy(dtype=object)[category] == "housing"
    received = np.where(housing, dates.draw_received(n, rng, year, winter_boost=0.3), dates.draw_received(n, rng, year))
    order = np.argsort(received, kind="stable")
    category = category[order]
    cases = pd.DataFrame({"category_index": category, "received": pd.Series(received[order]).astype("datetime64[s]")})
    for column in ("process", "directorate", "service", "category"):
        cases[column] = pd.Series(table[column].to_numpy(dtype=object)[category], dtype="str")
    cases["source_label"] = pd.Series(
        choose(rng, {label: share for label, (_, share) in SOURCES.items()}, n), dtype="str"
    )
    cases["channel"] = pd.Series(choose(rng, _CHANNELS, n), dtype="str")
    return cases


def _route(cases: pd.DataFrame, rng: np.random.Generator, behaviour: Behaviour, clean: bool = False) -> None:
    """Member cases: a share fast-tracked (most, by default), some by the Chief Executive's Office or Member Services.

    With `clean`, none: members' complaints go through Stage 1 and the complaints team, like anyone's.
    """
    n = len(cases)
    member = cases["raised_via"].isin(["mp", "councillor"]).to_numpy()
    cases["member"] = member
    cases["fast"] = member & (rng.random(n) < behaviour.member_fast_tracked)
    cases["outside"] = cases["fast"].to_numpy() & (rng.random(n) < 0.45)
    cases["entered_stage2"] = cases["fast"].to_numpy() & (rng.random(n) < 0.08)
    if clean:
        cases[["fast", "outside", "entered_stage2"]] = False
    office_first = np.where(cases["raised_via"].eq("mp"), 0.7, 0.3) > rng.random(n)
    handled = np.where(rng.random(n) < 0.15, "Service", "Complaints Team")
    handled = np.where(member, "Complaints Team", handled)
    handled = np.where(cases["outside"], np.where(office_first, "Chief Executive's Office", "Member Services"), handled)
    cases["handled_by"] = handled


def _stage1(
    cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, behaviour: Behaviour, clean: bool = False
) -> None:
    n = len(cases)
    present = ~cases["entered_stage2"].to_numpy()
    fast = cases["fast"].to_numpy()
    outcome = choose(rng, _STAGE1_OUTCOMES, n)
    ack = np.where(
        fast, rng.choice([0, 1], size=n, p=[0.6, 0.4]), rng.choice(6, size=n, p=[0.05, 0.35, 0.25, 0.15, 0.12, 0.08])
    )
    late_ack = (rng.random(n) < 0.03) & (not clean)
    ack = np.where(late_ack, rng.integers(6, 10, size=n), ack)  # a few late acknowledgements
    kind = rng.random(n)
    extended = present & ~fast & (kind >= behaviour.on_time) & (kind < band_end(behaviour.on_time, 0.07))
    on_time = (kind < behaviour.on_time) | (clean & ~extended)  # clean: no late responses
    respond = np.select(
        [fast, outcome == "resolved", on_time, extended],
        [
            np.clip(np.rint(rng.normal(4, 1.3, size=n)), 1, 8),
            rng.integers(1, 5, size=n),
            ack + rng.integers(3, 11, size=n),
            ack + rng.integers(11, 21, size=n),
        ],
        default=ack + rng.integers(11, 26, size=n),
    )
    respond = np.maximum(respond, ack)
    received = cases["received"].where(present)
    cases["s1_received"] = received
    cases["s1_ack"] = dates.after(received, ack).where((rng.random(n) >= 0.03) | clean)
    cases["s1_due"] = dates.after(received, STAGE1_CODE_TARGET if clean else STAGE1_LOCAL_TARGET)
    cases["s1_extended_due"] = dates.after(received, ack + 20).where(extended)
    cases["s1_extension_reason"] = pd.Series(
        np.asarray(_EXTENSION_REASONS, dtype=object)[rng.integers(len(_EXTENSION_REASONS), size=n)], dtype="str"
    ).where(extended)
    responded = dates.after(received, respond).where(outcome != "withdrawn")
    done = responded.le(cutoff).to_numpy()
    cases["s1_responded"] = responded.where(done)
    cases["s1_outcome"] = pd.Series(outcome, dtype="str").where(present & (done | (outcome == "withdrawn")))
    signer = np.asarray(("Team Leader", "Service Manager", "Complaints Officer"), dtype=object)[rng.integers(3, size=n)]
    signer = np.where(
        cases["outside"],
        np.where(cases["handled_by"].eq("Member Services"), "Head of Democratic Services", "Chief Executive"),
        signer,
    )
    cases["s1_signer"] = pd.Series(signer, dtype="str").where(cases["s1_responded"].notna())
    cases["withdrawn_on"] = dates.after(received, rng.integers(3, 21, size=n)).where(outcome == "withdrawn")


def _stage2(
    cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, behaviour: Behaviour, clean: bool = False
) -> None:
    n = len(cases)
    fast, housing = cases["fast"].to_numpy(), cases["process"].eq("housing").to_numpy()
    escalates = cases["s1_responded"].notna().to_numpy() & (
        rng.random(n) < cases["s1_outcome"].map(_ESCALATION).fillna(0.0).to_numpy()
    )
    requested = dates.after(cases["s1_responded"], rng.integers(1, 21, size=n)).where(escalates)
    requested = requested.where(~cases["entered_stage2"], cases["received"])
    requested = requested.where(requested.le(cutoff))
    present = requested.notna().to_numpy()
    ack = rng.choice(6, size=n, p=[0.05, 0.3, 0.25, 0.2, 0.12, 0.08])
    kind = rng.random(n)
    in_band = (kind >= behaviour.on_time) & (kind < band_end(behaviour.on_time, 0.08))
    extended = present & ~fast & (~housing | clean) & in_band
    loose = housing & (not clean)  # the Housing Complaints team works to its own, looser target
    on_time = (kind < behaviour.on_time) | (clean & ~extended)
    respond = np.select(
        [fast, loose & (kind < 0.85), loose, on_time, extended],
        [
            np.clip(np.rint(rng.normal(7, 2, size=n)), 3, 12),
            rng.integers(12, 36, size=n),
            rng.integers(36, 46, size=n),
            ack + rng.integers(8, 21, size=n),
            ack + rng.integers(21, 41, size=n),
        ],
        default=ack + rng.integers(21, 31, size=n),
    )
    outcome = choose(rng, _STAGE2_OUTCOMES, n)
    cases["s2_received"] = requested
    cases["s2_ack"] = dates.after(requested, np.minimum(ack, respond))
    cases["s2_due"] = dates.after(
        requested, np.where(housing, STAGE2_LOCAL_TARGET["housing"], STAGE2_LOCAL_TARGET["corporate"])
    )
    if clean:  # one target for every team, the code's; nothing acknowledged after the export
        cases["s2_ack"] = cases["s2_ack"].where(cases["s2_ack"].le(cutoff))
        cases["s2_due"] = dates.after(requested, STAGE2_CODE_TARGET)
    cases["s2_extended_due"] = dates.after(requested, ack + 40).where(extended)
    cases["s2_extension_reason"] = pd.Series(
        np.asarray(_EXTENSION_REASONS, dtype=object)[rng.integers(len(_EXTENSION_REASONS), size=n)], dtype="str"
    ).where(extended)
    responded = dates.after(requested, respond).where(outcome != "withdrawn")
    done = responded.le(cutoff).to_numpy()
    cases["s2_responded"] = responded.where(done)
    cases["s2_outcome"] = pd.Series(outcome, dtype="str").where(present & (done | (outcome == "withdrawn")))
    signer = np.asarray(("Head of Service", "Assistant Director", "Director"), dtype=object)[rng.integers(3, size=n)]
    signer = np.where(cases["outside"], "Chief Executive", signer)
    cases["s2_signer"] = pd.Series(signer, dtype="str").where(cases["s2_responded"].notna())
    cases["withdrawn_on"] = cases["withdrawn_on"].where(
        ~present, dates.after(requested, rng.integers(3, 21, size=n)).where(outcome == "withdrawn")
    )


def _outcome_details(cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, clean: bool = False) -> None:
    """Remedy, learning, actions and closure, from the outcome of the stages answered."""
    n = len(cases)
    at_fault = cases["s1_outcome"].isin(["upheld", "partly_upheld"]) & cases["s1_responded"].notna()
    at_fault |= cases["s2_outcome"].isin(["upheld", "partly_upheld"]) & cases["s2_responded"].notna()
    cases["at_fault"] = at_fault.to_numpy()
    remedy = rng.integers(len(_REMEDIES), size=n)
    paid = np.asarray([p for _, p in _REMEDIES])[remedy] & cases["at_fault"].to_numpy()
    cases["remedy"] = pd.Series(np.asarray([r for r, _ in _REMEDIES], dtype=object)[remedy], dtype="str").where(
        cases["at_fault"]
    )
    cases["remedy_amount"] = pd.Series(np.asarray(_AMOUNTS, dtype=float)[rng.integers(len(_AMOUNTS), size=n)]).where(
        paid
    )
    phrases = category_table()["learning"].to_numpy(dtype=object)
    cases["learning"] = (
        learning_text(pd.Series(phrases, dtype="str"))[cases["category_index"]]
        .reset_index(drop=True)
        .where(cases["at_fault"])
    )
    last = cases["s2_responded"].fillna(cases["s1_responded"])
    cases["action_due"] = (
        (last + pd.to_timedelta(rng.integers(20, 61, size=n), unit="D"))
        .astype("datetime64[s]")
        .where(cases["at_fault"])
    )
    done = cases["action_due"] - pd.to_timedelta(rng.integers(0, 16, size=n), unit="D")
    cases["action_done"] = done.where(((rng.random(n) < 0.65) | clean) & done.le(cutoff))
    open_stage = (cases["s1_received"].notna() & cases["s1_outcome"].isna()) | (
        cases["s2_received"].notna() & cases["s2_outcome"].isna()
    )
    withdrawn = cases["s2_outcome"].eq("withdrawn") | (
        cases["s1_outcome"].eq("withdrawn") & cases["s2_received"].isna()
    )
    closed = dates.after(last, rng.integers(0, 4, size=n)).where(~withdrawn.to_numpy(), cases["withdrawn_on"])
    cases["closed"] = closed.where(~open_stage)
    cases["closed"] = cases["closed"].where(cases["closed"].le(cutoff))


# Remedies with something to deliver (a payment, a service put right: not an apology alone) are delivered within
# this many days of the case's last response, inside the month the LGSCO allows; a few later, 35 to 60 days.
_DELIVERY_DAYS = 26
_LATE_DELIVERY = 0.08


def deliver_remedies(cases: pd.DataFrame, rng: np.random.Generator, cutoff: pd.Timestamp, clean: bool = False) -> None:
    """The date each remedy with something to deliver was delivered (`remedy_done`).

    `rng` is a stream of its own, so drawing these dates left every other column as it was. A
    date after the export has not happened yet and is left blank: its response is then less than
    a month old. With `clean`, every remedy is delivered within the month.
    """
    n = len(cases)
    last = cases["s2_responded"].fillna(cases["s1_responded"])
    to_deliver = cases["remedy"].notna() & cases["remedy"].ne("Apology")
    on_time = last + pd.to_timedelta(rng.integers(0, _DELIVERY_DAYS, size=n), unit="D")
    late = last + pd.to_timedelta(rng.integers(35, 61, size=n), unit="D")
    is_late = (rng.random(n) < _LATE_DELIVERY) & (not clean) & late.le(cutoff).to_numpy()
    done = on_time.where(~is_late, late)
    cases["remedy_done"] = done.where(to_deliver & done.le(cutoff)).astype("datetime64[s]")


def _repeats_apart(person: np.ndarray, cases: pd.DataFrame, people: pd.DataFrame) -> np.ndarray:
    """Clean: no two complaints of one complainant in one category within a week, so none looks duplicated.

    A repeat complainant is still a complainant; two complaints about the same thing days apart
    look like one logged twice (check DQ003). The complainant is who the loader's key says
    (email and name, as the profile's complainant_key), and where two such complaints meet, the
    one that borrowed another case's person gets its own back. Repeats only ever turn back into
    their own person, so this ends.
    """
    person = person.copy()
    own = np.arange(len(person))
    email = people["email"].fillna("").to_numpy(dtype=object)
    name = (people["first_name"] + "|" + people["surname"]).to_numpy(dtype=object)
    while True:
        frame = pd.DataFrame(
            {
                "email": email[person],
                "name": name[person],
                "category": cases["category_index"].to_numpy(),
                "received": cases["received"].to_numpy(),
                "case": own,
            }
        ).sort_values(["email", "name", "category", "received"], kind="stable")
        group = frame[["email", "name", "category"]]
        close = group.eq(group.shift()).all(axis=1) & (frame["received"] - frame["received"].shift()).le(
            pd.Timedelta(days=_DUPLICATE_WINDOW_DAYS)
        )
        later = frame.loc[close, "case"].to_numpy()
        earlier = frame["case"].shift()[close].to_numpy(dtype=np.int64)
        borrowed = np.where(person[later] != later, later, np.where(person[earlier] != earlier, earlier, -1))
        borrowed = borrowed[borrowed >= 0]  # two different people who share a name and no email: left alone
        if not len(borrowed):
            return person
        person[borrowed] = borrowed


def build_cases(
    n: int, rng: np.random.Generator, year: int, clean: bool = False, behaviour: Behaviour | None = None
) -> pd.DataFrame:
    """The corporate cases as typed columns, before any problem is seeded or text written.

    `clean`: cases that keep every rule (see the module's docstring). `behaviour`: the council's
    dials (behaviour.py; default: the bundled sample's council).
    """
    behaviour = behaviour or Behaviour()
    cutoff = dates.export_date(year)
    cases = _draw_cases(n, rng, year)
    cases["raised_via"] = cases["source_label"].map({label: code for label, (code, _) in SOURCES.items()})
    people = draw_people(n, rng)
    repeat = rng.random(n) < 0.08  # repeat complainants: the same person as another case
    person = np.where(repeat, rng.integers(0, n, size=n), np.arange(n))
    if clean:
        person = _repeats_apart(person, cases, people)
    cases = pd.concat([cases, people.iloc[person].reset_index(drop=True)], axis=1)
    cases["representative"] = member_names(
        cases["raised_via"], rng, people.iloc[rng.permutation(n)].reset_index(drop=True)
    )
    _route(cases, rng, behaviour, clean)
    _stage1(cases, rng, cutoff, behaviour, clean)
    _stage2(cases, rng, cutoff, behaviour, clean)
    _outcome_details(cases, rng, cutoff, clean)
    return cases
