"""Make the sample exports of one fictional council's year, with the problems seeded in them.

    python -m complaint_audit.sample_data.generate --out DIR --cases 2000 --seed 2023

writes, into DIR, three exports in three shapes (exports/), adult social care's response letters
as files (letters/: Word, PDF and e-mail), a made-up return to the Regulator of Social Housing
(regulator/: its CH01 as the housing records give it, its Stage 1 CH02 seeded kinder), their
profiles and an audit.toml (copied unless DIR is this folder), and ground_truth.json: the case ids of every seeded
problem, so tests can check that each check finds exactly what was planted. The same arguments
always give the same files.

    python -m complaint_audit.sample_data.generate --out DIR --cases 20000 --teams 200

spreads the corporate complaints over enough teams that the export names 200 in all (housing,
adult social care and children's keep one each), for a report at the scale of a large council.

    python -m complaint_audit.sample_data.generate --out DIR --cases 600 --seed 11 --clean

makes a clean dataset instead: no seeded problems and no ordinary failings either, so every
check should find nothing (every problem list in its ground_truth.json is empty). It is the
same council's year drawn the same way, with the faults put right: timings kept inside the
rules, every team's due dates at the code's deadline, members' complaints handled like the
public's, letters complete and each written for its own case, learning and actions recorded.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import adult_social_care, childrens, corporate, dates, letter_files, regulator
from .behaviour import Behaviour
from .catalogue import DEFAULT_ORGANISATION
from .letters import complaints_email
from .seeding import GroundTruth

# fmt: off
HERE = Path(__file__).resolve().parent
DEFAULT_YEAR = 2023
PROFILES = {
    "corporate": "profiles/corporate.toml",
    "adult_social_care": "profiles/adult_social_care.toml",
    "childrens": "profiles/childrens.toml",
}
# The made-up example of the ombudsman's annual figures that audit.toml's [ombudsman] names: copied as it is.
OMBUDSMAN_FILES = ("ombudsman/ombudsman_profile.toml", "ombudsman/ombudsman_annual_figures_EXAMPLE.csv")
# Shares of the cases per system: corporate (with housing) dwarfs the two statutory ones.
SHARES = {"corporate": 0.75, "adult_social_care": 0.175}
MINIMUM_CASES = 40
# Teams the export names whatever --teams says: housing's, adult social care's and children's.
OWN_TEAMS = 3

DESCRIPTIONS = {
    "member_fast_tracked":
        "MP and councillor cases answered far faster than public ones in the same process and stage; `cases` "
        "lists the fast-tracked stage rows with their working days, `medians` compares all member and public rows.",
    "member_entered_at_stage2": "Member cases that went straight to Stage 2: Stage 2 data, no Stage 1.",
    "member_handled_outside_complaints_team":
        "Member cases handled by the Chief Executive's Office or Member Services.",
    "childrens_adjudication_late":
        "Children's Stage 2: investigating officer's report within 25 working days of the Stage 2 start (and of "
        "the request) but the adjudication letter after 25 (within 65); the system's target and timescale_met "
        "flag follow the report, so the case looks compliant.",
    "missing_apology_upheld":
        "Upheld or partly upheld responses whose letter has no apology (adult social care's in letters/).",
    "missing_ombudsman_details_final":
        "Final-stage responses (corporate and housing Stage 2, children's Stage 3, adult social care's single stage, "
        "whose letters are files in letters/) without the ombudsman's name, phone, website or 12-month limit. "
        "Housing letters name the Housing Ombudsman Service.",
    "missing_ombudsman_details_extension":
        "Stage 1 responses whose timescale was extended (corporate, housing and children's) without the ombudsman's "
        "details; every other extended response gives them.",
    "jargon_responses":
        "Letters in dense officialese: long sentences, long words. Each still has its apology, remedy and next step. "
        "Adult social care's are files in letters/.",
    "boilerplate_responses":
        "One team's Stage 1 letters on one category of complaint, all not upheld, sent from one template: word for "
        "word the same apart from the complainant's details (name, address, reference, dates), with no paragraph "
        "on the complaint's own facts. Every other letter has one, so no two others are near-identical.",
    "upheld_no_learning": "Upheld or partly upheld stages with no learning recorded.",
    "loose_local_target":
        "A team whose recorded due dates follow a local target looser than the code; `cases` lists its stage rows.",
    "missing_complaint_definition":
        "Decided responses (upheld, partly upheld, not upheld) whose letter does not say what the complaint is; every "
        "other decided response says \"I understand your complaint to be that ...\".",
    "missing_decision_reasons":
        "Decided responses whose letter states the decision with no reason for it.",
    "missing_action_date":
        "Upheld or partly upheld responses, with an improvement action outstanding when they were sent, whose letter "
        "promises the action without the date it will be done by.",
    "upheld_no_remedy":
        "Complaints upheld in whole or part with no remedy recorded (Remedy and Remedy Amount blank), listed at their "
        "last upheld stage; their letters still set out a remedy.",
    "remedy_not_delivered":
        "Remedies with something to deliver (a payment, a service put right: not an apology alone) promised more than "
        "a month before the year's end and never recorded as delivered (Remedy Completed blank), listed at the last "
        "stage answered. Other remedies are delivered within a month, a few later, or not yet where the response is "
        "under a month old at the export.",
    "refused_without_reason":
        "Corporate and housing complaints not accepted (Stage 1) or refused escalation (Stage 2), outcome 'Outside "
        "Complaints Procedure', with no refusal ground and no notes; every other refusal records both.",
    "out_of_time_refusal_within_12_months":
        "Stage 1 complaints refused as out of time ('Over 12 Months') although made within 12 months of the date "
        "the person became aware of the matter ('Date Aware'); every other such refusal came more than 12 months after.",
    "out_of_time_refusal_without_reasons":
        "Stage 1 complaints refused as out of time, more than 12 months after the person became aware, with no notes "
        "giving the reasons (or whether discretion was considered).",
    "informal_tier": "Corporate and housing cases recorded as 'Stage 0 (Informal)': a tier the Codes' two stages do "
                     "not have.",
    "third_stage": "Corporate complaints taken to a Stage 3 review after their Stage 2 answer (the export's Stage 3 "
                   "columns), signed off by the Chief Executive: a third stage the Codes do not have.",
    "service_request_escalated":
        "Cases recorded as a 'Service Request' whose person went on to ask for Stage 2; the other service requests "
        "(about 2% of single-stage cases) went no further.",
    "quarantine": "Rows the loader must quarantine, by kind, with the reason it should give.",
    "clock_stop_on_time":
        "Corporate Stage 1 responses late on the Code's clock without their clock stop (time waiting on the "
        "complainant, with its reason) and on time with it; `cases` gives the stop and how late they were without it.",
    "clock_stop_still_late":
        "Corporate Stage 1 responses late even after their explained clock stop is deducted: the evidence says so.",
    "clock_stop_not_deducted":
        "Corporate Stage 1 clock stops with no reason recorded, or longer than the stage took: not deducted (TS008); "
        "each case was answered on time anyway.",
    "stage2_same_handler":
        "Corporate Stage 2 complaints handled by the officer who handled Stage 1 (the export's handler columns, "
        "pseudonymised at load).",
}
LETTERS_DESCRIPTION = (
    "Adult social care's response letters: the register has no letter column, so each answered Local Resolution "
    "stage's letter is a file in letters/ (.docx, PDF, a few .eml), read through audit.toml's [letters]. `matched` "
    "lists each file that should match its case (`reference_in`: the file name gives the reference, or only the "
    "letter's first page does); `unmatched` the files that should not, with the reason the run should give. A "
    "case whose only letters are unmatched has no letter text. `files` counts every file in the folder."
)
REGULATOR_DESCRIPTION = (
    "The council's made-up return to the Regulator of Social Housing (regulator/, named by audit.toml's "
    "[regulator]), beside a few made-up peer councils. Per stage: the housing complaints received in the year "
    "(`complaints`, CH01's numerator, as the records give it), `answered_on_time` as returned and "
    "`records_on_time` as the records give it on the Code's clock; `gap_points` is the seeded gap in CH02 "
    "(returned minus records, percentage points, at Stage 1 only; none in a clean dataset)."
)
# fmt: on


def split_cases(cases: int) -> dict[str, int]:
    """How many cases each system gets."""
    corporate_cases = round(cases * SHARES["corporate"])
    adult_cases = round(cases * SHARES["adult_social_care"])
    return {
        "corporate": corporate_cases,
        "adult_social_care": adult_cases,
        "childrens": cases - corporate_cases - adult_cases,
    }


def generate(
    out_dir: Path,
    cases: int = 2000,
    seed: int = 2023,
    year: int = DEFAULT_YEAR,
    organisation: str = DEFAULT_ORGANISATION,
    *,
    clean: bool = False,
    behaviour: Behaviour | None = None,
    command: str | None = None,
    teams: int | None = None,
) -> dict:
    """Write the three exports, ground_truth.json and (outside this folder) the configs; return the ground truth.

    `clean=True` seeds no problems and keeps every rule (see the module's docstring). `behaviour`
    sets how the council handles complaints (behaviour.py; default: the bundled sample's council)
    and, when given, is recorded in the ground truth with `command`, the command that made it.
    `teams` spreads the corporate cases so the exports name that many teams in all (corporate.spread_over_teams).
    """
    if cases < MINIMUM_CASES:
        raise ValueError(
            f"cases must be at least {MINIMUM_CASES} so every seeded problem has somewhere to go (got {cases})"
        )
    if teams is not None and teams <= OWN_TEAMS:
        raise ValueError(f"teams must be more than {OWN_TEAMS}: housing, adults' and children's have one each (got {teams})")
    out_dir = Path(out_dir)
    counts = split_cases(cases)
    # One independent stream per system: changing one system's code leaves the others' data alone.
    # The fourth, the regulator's return, comes after: spawning more streams leaves the first three as they were.
    rng_corporate, rng_adults, rng_children, rng_regulator = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )

    corporate_export = corporate.generate_corporate(
        counts["corporate"], rng_corporate, year, organisation, clean=clean, behaviour=behaviour
    )
    if teams:  # its own stream, so the cases are the same with or without --teams
        rng_teams = np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[3])
        corporate_export = corporate_export._replace(data=corporate.spread_over_teams(
            corporate_export.data, teams - OWN_TEAMS, rng_teams))
    corporate.write_corporate_csv(corporate_export.data, out_dir / corporate.FILE)
    adult_export = adult_social_care.generate_adult_social_care(
        counts["adult_social_care"], rng_adults, year, clean=clean, behaviour=behaviour, organisation=organisation
    )
    adult_social_care.write_adult_social_care_xlsx(
        adult_export.data, out_dir / adult_social_care.FILE, organisation, year
    )
    letters = letter_files.write_letter_files(
        adult_export.letters,
        out_dir / letter_files.FOLDER,
        rng_adults,
        complaints_email(organisation),
        adult_export.letters.attrs["extras"],
    )
    children_export = childrens.generate_childrens(
        counts["childrens"], rng_children, year, organisation, clean=clean, behaviour=behaviour
    )
    childrens.write_childrens_json(children_export.data, out_dir / childrens.FILE)

    truth = GroundTruth()
    for export in (corporate_export, adult_export, children_export):
        truth.merge(export.truth)
    regulator_return = _regulator_return(out_dir, corporate_export.data, truth, rng_regulator, year, organisation, clean)
    exports = {
        "corporate": _summary(
            corporate.FILE,
            PROFILES["corporate"],
            counts["corporate"],
            len(corporate_export.data),
            _wide_stage_rows(corporate_export.data),
        ),
        "adult_social_care": _summary(
            adult_social_care.FILE,
            PROFILES["adult_social_care"],
            counts["adult_social_care"],
            len(adult_export.data),
            len(adult_export.data),
        ),
        "childrens": _summary(
            childrens.FILE,
            PROFILES["childrens"],
            counts["childrens"],
            counts["childrens"],
            sum(len(c["stages"]) for c in children_export.data["cases"]),
        ),
    }
    for summary in exports.values():
        summary["quarantined_stage_rows"] = sum(
            1 for entries in truth.quarantine.values() for entry in entries if entry["file"] == summary["file"]
        )
    ground_truth = {
        "generator": {
            "command": command
            or f"python -m complaint_audit.sample_data.generate --cases {cases} --seed {seed} --year {year}"
            + (" --clean" if clean else "") + (f" --teams {teams}" if teams else ""),
            **({"clean": True} if clean else {}),
            **({"teams": teams} if teams else {}),
            "cases": cases,
            "seed": seed,
            "year": year,
            "organisation": organisation,
            "period": dates.period_label(year),
            "financial_year": [f"{day:%Y-%m-%d}" for day in dates.financial_year(year)],
            "export_date": f"{dates.export_date(year):%Y-%m-%d}",
            **({"behaviour": behaviour.as_dict()} if behaviour else {}),
        },
        "exports": exports,
        "letters": {"description": LETTERS_DESCRIPTION, **letters},
        "problems": _problems(truth),
        "regulator": regulator_return,
    }
    (out_dir / "ground_truth.json").write_text(
        json.dumps(ground_truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if out_dir.resolve() != HERE:
        _install_configs(out_dir, organisation, year)
    return ground_truth


def _regulator_return(
    out_dir: Path,
    corporate_data: pd.DataFrame,
    truth: GroundTruth,
    rng: np.random.Generator,
    year: int,
    organisation: str,
    clean: bool,
) -> dict:
    """Write the made-up regulator's workbook (regulator.py) and say what it holds for the ground truth."""
    quarantined = {(entry["case_id"], entry["stage"]) for entries in truth.quarantine.values() for entry in entries}
    records = regulator.housing_figures(corporate_data, quarantined, year)
    council = regulator.council_return(records, rng, clean=clean)
    regulator.write_workbook(out_dir / regulator.FILE, year, organisation, council, regulator.peer_lines(rng))
    return {
        "description": REGULATOR_DESCRIPTION,
        "file": regulator.FILE,
        "year": dates.period_label(year),
        "landlord": organisation,
        "stages": council,
        "peers": len(regulator.PEERS),
    }


def _summary(file: str, profile: str, cases: int, source_rows: int, stage_rows: int) -> dict:
    return {"file": file, "profile": profile, "cases": cases, "source_rows": source_rows, "stage_rows": stage_rows}


def _wide_stage_rows(frame: pd.DataFrame) -> int:
    """Stage rows a wide export yields: one per stage with any of its columns filled."""
    stage1 = frame[[c for c in frame.columns if c.startswith("Stage 1")] + ["Date Received"]].notna().any(axis=1)
    stage2 = frame[[c for c in frame.columns if c.startswith("Stage 2")]].notna().any(axis=1)
    stage3 = frame[[c for c in frame.columns if c.startswith("Stage 3")]].notna().any(axis=1)
    return int(stage1.sum() + stage2.sum() + stage3.sum())


def _problems(truth: GroundTruth) -> dict:
    problems = {}
    for name, description in DESCRIPTIONS.items():
        if name == "quarantine":
            continue
        entries = sorted(truth.problems.get(name, []), key=lambda e: (e["file"], e["case_id"], e["stage"]))
        problems[name] = {
            "description": description,
            "case_ids": sorted({entry["case_id"] for entry in entries}),
            "cases": entries,
        }
    problems["member_fast_tracked"]["medians"] = truth.details["member_fast_tracked"]
    problems["loose_local_target"]["teams"] = list(truth.details["loose_local_target"].values())
    problems["quarantine"] = {"description": DESCRIPTIONS["quarantine"]}
    for kind, entries in truth.quarantine.items():
        problems["quarantine"][kind] = sorted(entries, key=lambda e: (e["file"], e["source_row"]))
    return problems


def _install_configs(out_dir: Path, organisation: str, year: int) -> None:
    """Copy the profiles and audit.toml so out_dir loads on its own, for this organisation and year."""
    quoted = json.dumps(organisation, ensure_ascii=False)  # a TOML basic string takes JSON's escapes
    replacements = {
        f'"{DEFAULT_ORGANISATION}"': quoted,
        f'"{dates.period_label(DEFAULT_YEAR)}"': f'"{dates.period_label(year)}"',
    }
    for relative in [*PROFILES.values(), *OMBUDSMAN_FILES, "audit.toml"]:
        text = (HERE / relative).read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m complaint_audit.sample_data.generate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder to write into (default: the bundled sample_data folder)"
    )
    parser.add_argument("--cases", type=int, default=2000, help="cases across the three systems (default: 2000)")
    parser.add_argument("--seed", type=int, default=2023, help="random seed (default: 2023)")
    parser.add_argument(
        "--year", type=int, default=DEFAULT_YEAR, help="financial year starting 1 April of this year (default: 2023)"
    )
    parser.add_argument(
        "--organisation", default=DEFAULT_ORGANISATION, help=f"organisation name (default: {DEFAULT_ORGANISATION})"
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="seed no problems and keep every rule, so every check finds nothing (default: seed the problems)",
    )
    parser.add_argument(
        "--teams", type=int, help="teams the exports name in all, corporate cases spread over them (default: 4)"
    )
    args = parser.parse_args(argv)
    if args.clean and args.out.resolve() == HERE:
        parser.error("--clean needs --out: the bundled sample_data folder holds the seeded exports")
    try:
        truth = generate(
            args.out, args.cases, args.seed, args.year, args.organisation, clean=args.clean, teams=args.teams
        )
    except ValueError as error:
        parser.error(str(error))
    for export in truth["exports"].values():
        counts = f"{export['cases']} cases, {export['stage_rows']} stage rows"
        print(f"{export['file']}: {counts}, {export['quarantined_stage_rows']} to quarantine")
    seeded = [
        f"{name} {len(problem['case_ids'])}" for name, problem in truth["problems"].items() if "case_ids" in problem
    ]
    print(f"{args.out / 'ground_truth.json'}: " + ", ".join(seeded))


if __name__ == "__main__":
    main()
