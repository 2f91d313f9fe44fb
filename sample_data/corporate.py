"""The corporate complaints export: seeded problems, the CSV's columns, the letters, the writer.

`generate_corporate` works on its own (the benchmarks use it for exports of a million cases):
it returns the export as a frame of text, exactly as `write_corporate_csv` writes it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from complaint_audit.calendar import working_days_between

from . import dates
from .access import ACCESS_STREAM, add_access
from .behaviour import Behaviour
from .catalogue import DEFAULT_ORGANISATION
from .corporate_cases import (
    OUTCOMES,
    PROCESS_WORDS,
    STAGE2_CODE_TARGET,
    STAGE2_LOCAL_TARGET,
    TEAMS,
    build_cases,
    category_table,
    deliver_remedies,
)
from .corporate_handling import HANDLING_STREAM, add_handling
from .csvfile import write_csv
from .letters import case_details, complaints_email, compose_letters
from .seeding import GroundTruth, Seeder, SystemExport, own_stream

# fmt: off
FILE = "exports/corporate_complaints.csv"
ENCODING = "cp1252"
UNMAPPED_SOURCE = "Elected Member"  # a legacy code, MP or councillor: the profile leaves it out
HEADER_ROW = 1
_IMPOSSIBLE = ("31/02/{next}", "30/02/{next}", "31/04/{this}", "31/06/{this}", "31/09/{this}", "31/11/{this}")
_AT_FAULT = ("upheld", "partly_upheld")
_DECIDED = ("upheld", "partly_upheld", "not_upheld")
# The stream of the seeds added for issue 17's remedies and response contents (seeding.own_stream).
_REMEDIES_AND_CONTENTS_STREAM = 1703
# One team answered this many Stage 1 complaints of one category with one template letter.
BOILERPLATE_CASES = 16

COLUMNS = {  # export column -> typed case column (None: filled in separately)
    "Case Ref": "case_id", "Complaint Type": "process_words", "Directorate": "directorate",
    "Service": "service", "Category": "category", "Team": "team", "How Received": "channel",
    "Source": "source_label", "Handled By": "handled_by", "Title": "title", "First Name": "first_name",
    "Surname": "surname", "Email": "email", "Phone": "phone", "Address": "address", "Postcode": "postcode",
    "Representative": "representative", "Date Received": "s1_received", "Stage 1 Acknowledged": "s1_ack",
    "Stage 1 Due": "s1_due", "Stage 1 Extended Due": "s1_extended_due",
    "Stage 1 Extension Reason": "s1_extension_reason", "Stage 1 Response Sent": "s1_responded",
    "Stage 1 Outcome": "s1_outcome_words", "Stage 1 Signed Off By": "s1_signer", "Stage 1 Handler": "s1_handler",
    "Stage 1 Days On Hold": "s1_stopped_days", "Stage 1 Hold Reason": "s1_stop_reason", "Stage 1 Response": None,
    "Stage 2 Requested": "s2_received", "Stage 2 Acknowledged": "s2_ack", "Stage 2 Due": "s2_due",
    "Stage 2 Extended Due": "s2_extended_due", "Stage 2 Extension Reason": "s2_extension_reason",
    "Stage 2 Response Sent": "s2_responded", "Stage 2 Outcome": "s2_outcome_words",
    "Stage 2 Signed Off By": "s2_signer", "Stage 2 Handler": "s2_handler", "Stage 2 Days On Hold": "s2_stopped_days",
    "Stage 2 Hold Reason": "s2_stop_reason", "Stage 2 Response": None, "Remedy": "remedy",
    "Remedy Amount (£)": "remedy_amount_text", "Remedy Completed": "remedy_done", "Learning": "learning",
    "Action Due": "action_due",
    "Action Completed": "action_done", "Date Closed": "closed",
    # Access to the complaints process (access.py): added after the others, so their columns kept their places.
    "Case Type": "case_type", "Date Aware": "became_aware", "Stage 1 Refusal Ground": "s1_refusal_ground",
    "Stage 1 Refusal Notes": "s1_refusal_notes", "Stage 2 Refusal Ground": "s2_refusal_ground",
    "Stage 2 Refusal Notes": "s2_refusal_notes", "Stage 3 Requested": "s3_received", "Stage 3 Response Sent": "s3_responded",
    "Stage 3 Outcome": "s3_outcome", "Stage 3 Signed Off By": "s3_signer",
}
# fmt: on


def generate_corporate(
    n_cases: int,
    rng: np.random.Generator,
    year: int = 2023,
    organisation: str = DEFAULT_ORGANISATION,
    letters: bool = True,
    case_prefix: str = "CC",
    clean: bool = False,
    behaviour: Behaviour | None = None,
) -> SystemExport:
    """The corporate export of `n_cases` cases (a text frame) and its seeded problems.

    `letters=False` leaves the two response columns empty, for benchmarks that only need rows.
    Each letter gives its own case's details and, where the timescale was extended, the
    ombudsman's, except where a seeded problem says otherwise. `clean=True` seeds nothing and
    keeps every rule (corporate_cases.py). `behaviour`: the council's dials (behaviour.py).
    """
    behaviour = behaviour or Behaviour()
    cases = build_cases(n_cases, rng, year, clean=clean, behaviour=behaviour)
    numbers = pd.Series(np.arange(1, n_cases + 1)).astype("str").str.zfill(max(5, len(str(n_cases))))
    cases["case_id"] = f"{case_prefix}-{year % 100:02d}-" + numbers
    truth = GroundTruth()
    own_rng = own_stream(rng, _REMEDIES_AND_CONTENTS_STREAM)
    deliver_remedies(cases, own_rng, dates.export_date(year), clean=clean)
    if clean:
        seeds = {}
        _record_member_problems(cases, truth, quarantined=np.zeros(n_cases, dtype=bool))
    else:
        seeds = _seed(cases, rng, truth, behaviour.upheld_without_learning, own_rng, year)
    # The later seeds each draw from a stream of their own, in cases no earlier problem took.
    taken = add_handling(cases, own_stream(rng, HANDLING_STREAM), truth, FILE, None if clean else seeds["taken"])
    add_access(cases, own_stream(rng, ACCESS_STREAM), taken, truth, FILE, year)
    frame = _export_frame(cases)
    if letters:
        # Both stages' facts paragraphs in one draw, so no two letters of the export share one.
        answered = [int(cases[f"s{stage}_responded"].notna().sum()) for stage in ("1", "2")]
        facts = case_details(sum(answered), rng).to_numpy()
        details = {"1": facts[: answered[0]], "2": facts[answered[0] :]}
        for stage in ("1", "2"):
            frame[f"Stage {stage} Response"] = _letters(cases, stage, seeds, rng, organisation, details[stage])
    if not clean:
        _break_rows(frame, cases, seeds["quarantine"], rng, truth, year)
    return SystemExport(frame, truth)


def write_corporate_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write as the case system does: cp1252, CRLF rows, quoted only where needed."""
    write_csv(frame, path, ENCODING, line_end="\r\n")


def _seed(
    cases: pd.DataFrame,
    rng: np.random.Generator,
    truth: GroundTruth,
    without_learning: float,
    own_rng: np.random.Generator,
    year: int,
) -> dict:
    """Pick the cases for each seeded problem, record them, and return the flags letters need."""
    n = len(cases)
    seeder = Seeder(rng, n)
    seeder.reserve(cases["member"])  # member cases carry the member problems only
    public_single = (
        cases["raised_via"].eq("public")
        & cases["handled_by"].eq("Complaints Team")
        & cases["s1_responded"].notna()
        & cases["s2_received"].isna()
    ).to_numpy()
    quarantine = {
        kind: seeder.pick(public_single, 0.008)
        for kind in ("missing_received", "impossible_date", "unmapped_code", "responded_before_received")
    }

    s1_letter, s2_letter = cases["s1_responded"].notna().to_numpy(), cases["s2_responded"].notna().to_numpy()
    s1_fault, s2_fault = cases["s1_outcome"].isin(_AT_FAULT).to_numpy(), cases["s2_outcome"].isin(_AT_FAULT).to_numpy()
    picks = {
        ("missing_apology_upheld", "2"): seeder.pick(s2_letter & s2_fault, 0.06),
        ("missing_apology_upheld", "1"): seeder.pick(s1_letter & s1_fault, 0.04),
        ("missing_ombudsman_details_final", "2"): seeder.pick(s2_letter, 0.12),
        ("jargon_responses", "2"): seeder.pick(s2_letter, 0.04),
        ("jargon_responses", "1"): seeder.pick(s1_letter, 0.02),
    }
    no_learning = seeder.pick(cases["at_fault"], without_learning)
    cases["learning"] = cases["learning"].where(~no_learning)
    for (problem, stage), chosen in picks.items():
        truth.add(problem, FILE, _rows(cases, chosen, stage))
    for stage, fault in (("1", s1_fault & s1_letter), ("2", s2_fault & s2_letter)):
        truth.add("upheld_no_learning", FILE, _rows(cases, no_learning & fault, stage))
    # Drawn after the others, so adding them left the earlier problems' cases as they were.
    s1_extended = cases["s1_extended_due"].notna().to_numpy()
    extension = picks[("missing_ombudsman_details_extension", "1")] = seeder.pick(s1_letter & s1_extended, 0.06)
    truth.add("missing_ombudsman_details_extension", FILE, _rows(cases, extension, "1"))
    picks[("boilerplate_responses", "1")] = _pick_boilerplate(cases, seeder, s1_letter & ~s1_extended)
    truth.add(
        "boilerplate_responses",
        FILE,
        _rows(cases, picks[("boilerplate_responses", "1")], "1", category=cases["category"].astype(object)),
    )
    _record_member_problems(cases, truth, quarantined=np.logical_or.reduce(list(quarantine.values())))
    _record_loose_target(cases, truth)
    remedy_picks, taken = _seed_remedies_and_contents(cases, seeder.taken, own_rng, truth, year)
    picks.update(remedy_picks)
    return {"quarantine": quarantine, "taken": taken, **picks}


def _seed_remedies_and_contents(
    cases: pd.DataFrame, taken: np.ndarray, rng: np.random.Generator, truth: GroundTruth, year: int
) -> tuple[dict, np.ndarray]:
    """Seed issue 17's remedies and response contents, after every other problem and from a stream of their own.

    Letters: a decided response without the complaint's definition, one without reasons for its
    decision, an upheld one whose outstanding action has no date (each a stage letter). Records:
    an upheld complaint with no remedy recorded (listed at its last upheld stage), and a remedy to
    deliver promised more than a month before the year's end and never delivered (listed at the
    last stage answered). Returns the letters' flags, and every case taken so far (for later picks).
    """
    seeder = Seeder(rng, len(cases))
    seeder.reserve(taken)
    letter = {stage: cases[f"s{stage}_responded"].notna().to_numpy() for stage in ("1", "2")}
    outcome = {stage: cases[f"s{stage}_outcome"] for stage in ("1", "2")}
    picks = {}
    for problem in ("missing_complaint_definition", "missing_decision_reasons"):
        for stage, share in (("2", 0.03), ("1", 0.015)):
            picks[(problem, stage)] = seeder.pick(letter[stage] & outcome[stage].isin(_DECIDED).to_numpy(), share)
    for stage in ("2", "1"):
        outstanding = letter[stage] & outcome[stage].isin(_AT_FAULT).to_numpy() & cases["action_due"].notna().to_numpy()
        picks[("missing_action_date", stage)] = seeder.pick(outstanding, 0.04)
    for (problem, stage), chosen in picks.items():
        truth.add(problem, FILE, _rows(cases, chosen, stage))

    upheld_2 = (outcome["2"].isin(_AT_FAULT) & cases["s2_responded"].notna()).to_numpy()
    no_remedy = seeder.pick(cases["at_fault"], 0.05)
    cases.loc[no_remedy, ["remedy", "remedy_amount", "remedy_done"]] = None
    truth.add("upheld_no_remedy", FILE, _rows(cases, no_remedy & upheld_2, "2"))
    truth.add("upheld_no_remedy", FILE, _rows(cases, no_remedy & ~upheld_2, "1"))

    last = cases["s2_responded"].fillna(cases["s1_responded"])
    month_before_year_end = (last + pd.DateOffset(months=1)).lt(dates.financial_year(year)[1]).to_numpy()
    delivered = cases["remedy_done"].notna().to_numpy()
    not_delivered = seeder.pick(delivered & month_before_year_end, 0.08)
    cases.loc[not_delivered, "remedy_done"] = None
    answered_2 = cases["s2_responded"].notna().to_numpy()
    truth.add("remedy_not_delivered", FILE, _rows(cases, not_delivered & answered_2, "2"))
    truth.add("remedy_not_delivered", FILE, _rows(cases, not_delivered & ~answered_2, "1"))
    return picks, seeder.taken.copy()


def _pick_boilerplate(cases: pd.DataFrame, seeder: Seeder, answered: np.ndarray) -> np.ndarray:
    """BOILERPLATE_CASES Stage 1 letters of one category, all not upheld, to be sent from one template.

    The category is drawn from those with enough such letters (the one with most if none has).
    Not upheld, so the template says what the record says; not extended, so it needs no
    ombudsman's details. Nothing is picked if no category has two such letters.
    """
    eligible = answered & cases["s1_outcome"].eq("not_upheld").to_numpy() & ~seeder.taken
    category = cases["category_index"].to_numpy()
    counts = pd.Series(category[eligible]).value_counts().sort_index()
    if counts.empty or counts.max() < 2:
        return np.zeros(len(cases), dtype=bool)
    enough = counts.index[counts >= BOILERPLATE_CASES].to_numpy()
    chosen = seeder.rng.choice(enough) if len(enough) else counts.idxmax()
    return seeder.pick(eligible & (category == chosen), 0.0, minimum=BOILERPLATE_CASES)


# With spread_over_teams, team k of n gets a share of the corporate cases in proportion to 1/k**TEAM_SIZE_SKEW:
# a few large teams and a long tail of small ones (some with fewer than ten cases), as a real export has.
TEAM_SIZE_SKEW = 1.1


def spread_over_teams(data: pd.DataFrame, teams: int, rng: np.random.Generator) -> pd.DataFrame:
    """The export with its Corporate Complaints cases spread over `teams` teams ('Corporate team 001' ...), at
    random with skewed sizes, for reports at the scale of a council whose export names hundreds of teams.

    Housing keeps its one team, so the seeded housing problems stay where ground_truth.json puts them.
    """
    corporate = (data["Team"] == TEAMS["corporate"]).to_numpy()
    weights = 1.0 / np.arange(1, teams + 1) ** TEAM_SIZE_SKEW
    names = np.array([f"Corporate team {index:03d}" for index in range(1, teams + 1)], dtype=object)
    chosen = rng.choice(teams, corporate.sum(), p=weights / weights.sum())
    # Every team at least one case (when there are enough), so the export names as many teams as asked.
    chosen[rng.permutation(len(chosen))[:teams]] = np.arange(min(teams, len(chosen)))
    data = data.copy()
    data.loc[corporate, "Team"] = rng.permutation(names)[chosen]
    return data


def _rows(cases: pd.DataFrame, mask, stage: str, **extra: pd.Series) -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    rows = pd.DataFrame({"case_id": cases.loc[mask, "case_id"].astype(object), "stage": stage})
    for name, column in extra.items():
        rows[name] = column[mask].astype(object).to_numpy()
    return rows


def _record_member_problems(cases: pd.DataFrame, truth: GroundTruth, quarantined: np.ndarray) -> None:
    process = cases["process"].astype(object)
    for stage in ("1", "2"):
        taken = working_days_between(cases[f"s{stage}_received"], cases[f"s{stage}_responded"])
        answered = taken.notna().to_numpy()
        fast = cases["fast"].to_numpy() & answered
        truth.add(
            "member_fast_tracked",
            FILE,
            _rows(
                cases, fast, stage, process=process, raised_via=cases["raised_via"].astype(object), working_days=taken
            ),
        )
        for name in ("corporate", "housing"):
            in_process = process.eq(name).to_numpy() & answered
            members = in_process & cases["member"].to_numpy()
            public = in_process & cases["raised_via"].eq("public").to_numpy() & ~quarantined
            truth.details["member_fast_tracked"][f"{name} stage {stage}"] = {
                "member_cases": int(members.sum()),
                "member_median_working_days": _median(taken[members]),
                "public_cases": int(public.sum()),
                "public_median_working_days": _median(taken[public]),
            }
    entered = cases["entered_stage2"].to_numpy()
    truth.add(
        "member_entered_at_stage2", FILE, _rows(cases, entered, "2", raised_via=cases["raised_via"].astype(object))
    )
    outside = cases["outside"].to_numpy()
    for stage in ("1", "2"):
        present = outside & cases[f"s{stage}_received"].notna().to_numpy()
        truth.add(
            "member_handled_outside_complaints_team",
            FILE,
            _rows(cases, present, stage, handled_by=cases["handled_by"].astype(object)),
        )


def _median(values: pd.Series) -> float | None:
    return None if values.empty else float(values.astype("float64").median())


def _record_loose_target(cases: pd.DataFrame, truth: GroundTruth) -> None:
    housing = cases["process"].eq("housing").to_numpy() & cases["s2_received"].notna().to_numpy()
    truth.add("loose_local_target", FILE, _rows(cases, housing, "2"))
    truth.details["loose_local_target"][TEAMS["housing"]] = {
        "file": FILE,
        "team": TEAMS["housing"],
        "process": "housing",
        "stage": "2",
        "local_target_working_days": STAGE2_LOCAL_TARGET["housing"],
        "code_target_working_days": STAGE2_CODE_TARGET,
        "runs_from": "the Stage 2 request (received)",
    }


def _export_frame(cases: pd.DataFrame) -> pd.DataFrame:
    cases["process_words"] = cases["process"].map(PROCESS_WORDS)
    cases["team"] = cases["process"].map(TEAMS)
    for stage in ("1", "2"):
        cases[f"s{stage}_outcome_words"] = cases[f"s{stage}_outcome"].map(OUTCOMES)
    cases["remedy_amount_text"] = cases["remedy_amount"].map("{:.2f}".format, na_action="ignore")
    columns = {}
    for header, name in COLUMNS.items():
        if name is None:
            columns[header] = pd.Series(None, index=cases.index, dtype="str")
        elif pd.api.types.is_datetime64_any_dtype(cases[name]):
            columns[header] = dates.dmy_text(cases[name])
        else:
            columns[header] = cases[name].astype("str")
    return pd.DataFrame(columns)


def _letters(
    cases: pd.DataFrame, stage: str, seeds: dict, rng: np.random.Generator, organisation: str, details: np.ndarray
) -> pd.Series:
    """The Stage `stage` response letters (`details`: one facts paragraph each); missing where no response."""
    sent = cases[f"s{stage}_responded"].notna().to_numpy()

    def seeded(problem: str) -> np.ndarray:
        return seeds.get((problem, stage), np.zeros(len(cases), bool))[sent]

    needed = ["process", "case_id", "title", "first_name", "surname", "address", "postcode", "remedy_amount"]
    needed += ["action_due", "category_index", f"s{stage}_received", f"s{stage}_outcome", f"s{stage}_signer"]
    rows = cases.loc[sent, needed]
    phrases = category_table().iloc[rows["category_index"].to_numpy()].set_axis(rows.index)
    spec = pd.DataFrame(
        {
            "kind": rows["process"],
            "stage": stage,
            "final": stage == "2",
            "case_id": rows["case_id"],
            "title": rows["title"],
            "first_name": rows["first_name"],
            "surname": rows["surname"],
            "address": rows["address"],
            "postcode": rows["postcode"],
            "received": rows[f"s{stage}_received"],
            "topic": phrases["topic"],
            "fault": phrases["fault"],
            "defence": phrases["defence"],
            "put_right": phrases["put_right"],
            "learning": phrases["learning"],
            "outcome": rows[f"s{stage}_outcome"],
            "remedy_amount": rows["remedy_amount"],
            "action_due": rows["action_due"],
            "signer": rows[f"s{stage}_signer"],
            "apology": ~seeded("missing_apology_upheld"),
            "ombudsman": ~(seeded("missing_ombudsman_details_final") | seeded("missing_ombudsman_details_extension")),
            "jargon": seeded("jargon_responses"),
            "extended": cases.loc[sent, f"s{stage}_extended_due"].notna().to_numpy(),
            "template": seeded("boilerplate_responses"),
            "defines": ~seeded("missing_complaint_definition"),
            "reasons": ~seeded("missing_decision_reasons"),
            "action_date": ~seeded("missing_action_date"),
        },
        index=rows.index,
    )
    spec["details"] = pd.Series(details, index=spec.index, dtype="str")
    text = compose_letters(spec, rng, organisation, complaints_email(organisation), dates.long_text)
    return text.reindex(cases.index)


def _break_rows(
    frame: pd.DataFrame, cases: pd.DataFrame, quarantine: dict, rng: np.random.Generator, truth: GroundTruth, year: int
) -> None:
    """Spoil the rows picked for quarantine, the way real exports go wrong, and record each one."""
    source_row = pd.Series(np.arange(len(frame)) + HEADER_ROW + 1, index=frame.index)

    def record(kind: str, mask: np.ndarray, field: str, values: pd.Series) -> None:
        rows = _rows(cases, mask, "1", source_row=source_row, field=pd.Series(field, index=frame.index), value=values)
        truth.add_quarantine(kind, FILE, rows)

    mask = quarantine["missing_received"]
    frame.loc[mask, "Date Received"] = None
    record("missing_received", mask, "received", pd.Series("", index=frame.index))

    mask = quarantine["impossible_date"]
    choices = np.asarray([text.format(this=year, next=year + 1) for text in _IMPOSSIBLE], dtype=object)
    impossible = pd.Series(choices[rng.integers(len(choices), size=len(frame))], index=frame.index, dtype="str")
    in_received = mask & (np.cumsum(mask) % 2 == 1)  # alternate: received, then the response date
    frame.loc[in_received, "Date Received"] = impossible[in_received]
    frame.loc[mask & ~in_received, "Stage 1 Response Sent"] = impossible[mask & ~in_received]
    record("impossible_date", in_received, "received", impossible)
    record("impossible_date", mask & ~in_received, "responded", impossible)

    mask = quarantine["unmapped_code"]
    frame.loc[mask, "Source"] = UNMAPPED_SOURCE
    record("unmapped_code", mask, "raised_via", pd.Series(UNMAPPED_SOURCE, index=frame.index))

    mask = quarantine["responded_before_received"]
    early = dates.dmy_text(cases["s1_received"] - pd.to_timedelta(rng.integers(2, 13, size=len(frame)), unit="D"))
    frame.loc[mask, "Stage 1 Response Sent"] = early[mask]
    record("responded_before_received", mask, "responded", early)
