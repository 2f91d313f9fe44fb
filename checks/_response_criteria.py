"""The criteria of a good response (RULES.md section 6), applied to letters and what was read from them.

`_letter_text.measure` reads the phrases each criterion needs (`phrases_needed`); each criterion
then gives the letters it applies to, those failing it and why, as whole columns.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from complaint_audit.engine.contract import flag_names

COUNCIL_STAGES = ("1", "2", "3")
AT_FAULT = ("upheld", "partly_upheld")
DECIDED = ("upheld", "partly_upheld", "not_upheld")
OUTCOME_WORDS = {"upheld": "upheld", "partly_upheld": "partly upheld", "not_upheld": "not upheld"}
_FINAL_STAGE = {"corporate": "2", "housing": "2", "childrens_statutory": "3", "adult_social_care": "1"}
_NEXT_STAGE = {"1": "2", "2": "3"}


def final_stage(records: pd.DataFrame) -> pd.Series:
    """Whether each row is the last stage of its procedure.

    Stage 2 for corporate and housing complaints, Stage 3 for children's statutory complaints,
    the single stage ("1") for adult social care; for any other process, the highest stage
    recorded for a closed case. A Stage 1 answer never escalated is not final: the known
    procedures still expect it to offer Stage 2.
    """
    # As text: the two categoricals' categories differ (stages against final stages).
    final = records["stage"].astype("str").eq(records["process"].map(_FINAL_STAGE).astype("str"))
    number = pd.to_numeric(records["stage"].where(records["stage"].isin(COUNCIL_STAGES)), errors="coerce")
    highest = number.groupby([records["organisation"], records["case_id"]]).transform("max")
    other = records["process"].eq("other") & number.eq(highest) & records["closed"].notna()
    return (final | other).fillna(False).astype(bool)


def letters_with_text(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The council-stage rows with letter text, and a mask of the council-stage rows without."""
    council = records["stage"].isin(COUNCIL_STAGES)
    has_text = records["response_text"].fillna("").str.strip().ne("")
    return records[council & has_text], council & ~has_text & records["responded"].notna()


class Criterion(NamedTuple):
    """One criterion applied to the letters: which it applies to, which fail it, and why."""

    applies: pd.Series
    fails: pd.Series
    reason: pd.Series


def apology(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(AT_FAULT)
    fails = applies & ~read["apologises"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str") + ", but the letter does not apologise")


def decision(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(DECIDED)
    stated = {name: read[f"states_{name}"] for name in DECIDED}
    says_recorded = pd.Series(False, index=letters.index)
    for name, says in stated.items():
        says_recorded |= letters["outcome"].eq(name) & says
    said = pd.Series(np.select([stated[n] for n in DECIDED], [OUTCOME_WORDS[n] for n in DECIDED], ""), index=letters.index)
    recorded = letters["outcome"].map(OUTCOME_WORDS).astype("str").fillna("")
    reason = ("the letter says the complaint is " + said + "; the record says " + recorded).where(
        said.ne(""), "the letter does not say whether the complaint is upheld (recorded: " + recorded + ")")
    return Criterion(applies, applies & ~says_recorded, reason)


def remedy(letters: pd.DataFrame, read: pd.DataFrame) -> Criterion:
    applies = letters["outcome"].isin(AT_FAULT)
    fails = applies & ~read["offers_remedy"]
    return Criterion(applies, fails, letters["outcome"].map(OUTCOME_WORDS).astype("str") + ", but the letter offers no remedy or action")


def _escalation_needs(letters: pd.DataFrame, final: pd.Series, on_extension: bool) -> dict[str, pd.Series]:
    """Which letters must offer Stage 2, Stage 3, or give the ombudsman's details (and which one)."""
    extended = letters["extended_due"].notna() & ~final
    next_stage = letters["stage"].map(_NEXT_STAGE).where(~final)
    needs_ombudsman = final | (extended & on_extension)
    housing = letters["process"].eq("housing")
    return {
        "offers_stage_2": next_stage.eq("2").fillna(False), "offers_stage_3": next_stage.eq("3").fillna(False),
        "names_housing_ombudsman": needs_ombudsman & housing, "names_lgsco": needs_ombudsman & ~housing,
        "gives_ombudsman_contact": needs_ombudsman, "gives_time_limit": needs_ombudsman,
    }


def phrases_needed(letters: pd.DataFrame, final: pd.Series, on_extension: bool) -> dict[str, pd.Series]:
    """For `measure`: each phrase and the letters whose criteria need it."""
    at_fault, decided = letters["outcome"].isin(AT_FAULT), letters["outcome"].isin(DECIDED)
    return {"apologises": at_fault, "offers_remedy": at_fault, **{f"states_{name}": decided for name in DECIDED},
            **_escalation_needs(letters, final, on_extension)}


def escalation(letters: pd.DataFrame, read: pd.DataFrame, final: pd.Series, on_extension: bool) -> Criterion:
    needs = _escalation_needs(letters, final, on_extension)
    missing = pd.DataFrame({
        "Stage 2 not offered": needs["offers_stage_2"] & ~read["offers_stage_2"],
        "Stage 3 not offered": needs["offers_stage_3"] & ~read["offers_stage_3"],
        "Housing Ombudsman not named": needs["names_housing_ombudsman"] & ~read["names_housing_ombudsman"],
        "Local Government and Social Care Ombudsman not named": needs["names_lgsco"] & ~read["names_lgsco"],
        "no ombudsman phone or website": needs["gives_ombudsman_contact"] & ~read["gives_ombudsman_contact"],
        "no 12-month time limit": needs["gives_time_limit"] & ~read["gives_time_limit"],
    })
    extended = letters["extended_due"].notna() & ~final
    context = pd.Series(np.select([final, extended], ["final response: ", "timescale extended: "], ""), index=letters.index)
    return Criterion(pd.Series(True, index=letters.index), missing.any(axis=1), context + flag_names(missing))


def plain_language(letters: pd.DataFrame, read: pd.DataFrame, minimum: float) -> Criterion:
    applies = read["reading_ease"].notna()
    fails = applies & read["reading_ease"].lt(minimum)
    words_a_sentence = (read["words"] / read["sentences"]).round(0).astype("Int64").astype("str")
    syllables_a_word = (read["syllables"] / read["words"]).round(1).astype("str")
    reason = ("reading ease " + read["reading_ease"].astype("str") + f" (below {minimum:g}): " + words_a_sentence
              + " words a sentence, " + syllables_a_word + " syllables a word")
    return Criterion(applies, fails, reason)
