"""Letters matched to the records' cases, as rows are: letters read = matched + unmatched, each unmatched with its reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from complaint_audit.letters.read import Letter
from complaint_audit.schema import COUNCIL_STAGES

# Why a letter was not matched; the report and the workbook give the meaning beside the code.
REASONS = {
    "unreadable": "its text could not be read (a legacy .doc, a scan without a text layer, a damaged or too large file)",
    "no_reference": "no case reference in its name or first page (or no row for it in the index)",
    "no_such_case": "its reference is not a case loaded (or the case has no record at the letter's stage)",
    "ambiguous_case": "its reference is a case of more than one organisation",
    "stage_unknown": "neither the letter nor the index says its stage, and the case has more than one",
    "two_letters": "another letter of the same kind for the same case and stage: no rule to choose which was sent",
}
COLUMNS = ("letter", "sha256", "case_id", "organisation", "stage", "kind", "status", "reason", "detail", "used")


@dataclass(frozen=True)
class LetterReport:
    """Every letter read, one row each (COLUMNS): matched with its case, or unmatched with its reason.

    `used` says whether a matched letter's text reached a record (a response letter does
    unless the export's column is preferred and has text; an extension letter joins the
    stage's response text where there is one; an acknowledgement is matched, not read by checks).
    """

    letters: pd.DataFrame

    @property
    def read(self) -> int:
        return len(self.letters)

    @property
    def matched(self) -> int:
        return int(self.letters["status"].eq("matched").sum())

    @property
    def unmatched(self) -> int:
        return self.read - self.matched

    @property
    def reasons(self) -> dict[str, int]:
        counts = Counter(self.letters["reason"].dropna())
        return {code: counts[code] for code in REASONS if counts[code]}

    def totals(self) -> dict:
        return {"read": self.read, "matched": self.matched, "unmatched": self.unmatched, "reasons": self.reasons}

    def summary_line(self) -> str:
        """What `load` and `run` print: letters read = matched + unmatched, with the reasons."""
        reasons = ", ".join(f"{code} {count:,}" for code, count in self.reasons.items())
        return (f"Letters read {self.read:,} = matched {self.matched:,} + unmatched {self.unmatched:,}"
                + (f" ({reasons})." if reasons else "."))

    def unmatched_letters(self) -> pd.DataFrame:
        """The unmatched letters with the meaning of their reason: the workbook's sheet."""
        rows = self.letters[self.letters["status"].ne("matched")]
        return rows.assign(meaning=rows["reason"].map(REASONS))[["letter", "reason", "meaning", "detail", "case_id", "stage",
                                                                 "kind", "sha256"]].reset_index(drop=True)

    def manifest(self) -> dict:
        """What the run's manifest keeps: the counts, and each letter with its hash and what became of it."""
        rows = self.letters.astype(object).where(self.letters.notna(), None)
        return {**self.totals(), "files": rows[list(COLUMNS)].to_dict("records")}


def match_letters(letters: list[Letter], cases: pd.DataFrame) -> pd.DataFrame:
    """One row per letter (COLUMNS but `used`): the case, organisation and stage it answers, or why none.

    CASES holds the loaded records' organisation, case_id and stage as text. A reference
    matches a case id ignoring case and surrounding spaces; the record's own spelling is kept.
    """
    council = cases[cases["stage"].isin(COUNCIL_STAGES)].drop_duplicates()
    council = council.assign(key=council["case_id"].str.strip().str.casefold())
    # Only the cases some letter names are looked up: grouping every case took most of the
    # matching's time (2,253 records for 321 letters: 0.08 s, 0.01 s when only those).
    named = {letter.identity.reference.strip().casefold() for letter in letters if letter.identity.reference}
    council = council[council["key"].isin(named)]
    # As dictionaries: a few entries a letter, looked up a few times each (a pandas lookup costs a hundred times more).
    organisations: dict[str, list[str]] = {}
    stages: dict[tuple[str, str], list[str]] = {}
    for key, organisation, stage in sorted(set(zip(council["key"], council["organisation"], council["stage"], strict=True))):
        names = organisations.setdefault(key, [])
        if organisation not in names:
            names.append(organisation)
        stages.setdefault((key, organisation), []).append(stage)
    spelling = dict(zip(council["key"][::-1], council["case_id"][::-1], strict=True))  # a case's first record's spelling
    rows = [_match_one(letter, organisations, stages, spelling) for letter in letters]
    frame = pd.DataFrame(rows, columns=list(COLUMNS[:-1]))
    _unmatch_two_letters(frame)
    return frame


def _match_one(letter: Letter, organisations: dict[str, list[str]], stages: dict[tuple[str, str], list[str]],
               spelling: dict[str, str]) -> dict:
    identity = letter.identity
    row = {"letter": letter.label, "sha256": letter.sha256, "case_id": identity.reference, "organisation": None,
           "stage": identity.stage, "kind": identity.kind, "status": "unmatched", "reason": None, "detail": None}
    if letter.unreadable:
        return {**row, "reason": "unreadable", "detail": letter.unreadable}
    if not identity.reference:
        return {**row, "reason": "no_reference"}
    key = identity.reference.strip().casefold()
    if key not in organisations:
        return {**row, "reason": "no_such_case", "detail": f"no case {identity.reference} in the records loaded"}
    if len(organisations[key]) > 1:
        return {**row, "reason": "ambiguous_case", "detail": "a case of " + " and ".join(organisations[key])}
    organisation = organisations[key][0]
    case_stages = stages[(key, organisation)]
    row.update(case_id=spelling[key], organisation=organisation)
    if identity.stage is None:
        if len(case_stages) > 1:
            return {**row, "reason": "stage_unknown", "detail": f"the case has stages {', '.join(case_stages)}"}
        row["stage"] = case_stages[0]
    elif identity.stage not in case_stages:
        return {**row, "reason": "no_such_case", "detail": f"case {spelling[key]} has no Stage {identity.stage} record"}
    return {**row, "status": "matched"}


def _unmatch_two_letters(frame: pd.DataFrame) -> None:
    """Two or more letters of one kind for one case and stage: none is matched, since none can be chosen."""
    matched = frame["status"].eq("matched")
    clash = frame[matched].duplicated(["organisation", "case_id", "stage", "kind"], keep=False).reindex(frame.index, fill_value=False)
    if not clash.any():
        return
    clashing = frame[clash]
    # How many, not which: the other files' names (one may be the complainant's) are in the rows beside it.
    count = clashing.groupby(["organisation", "case_id", "stage", "kind"])["letter"].transform("size")
    frame.loc[clash, "status"] = "unmatched"
    frame.loc[clash, "reason"] = "two_letters"
    frame.loc[clash, "detail"] = "one of " + count.astype("str") + " " + clashing["kind"] + " letters for this case and stage"
