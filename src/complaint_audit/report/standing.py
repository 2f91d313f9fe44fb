"""How strongly a finding may speak: fault, or falling short of the council's own procedure or of good practice.

The words follow the standard in force when the cases were handled (results.json's `standard`,
engine/standards.py): "fault", and the ombudsman's counterfactual ("Had the Ombudsman
investigated, it would be likely to find fault ..."), only for a breach of a statutory scheme or
of a code in force; otherwise the finding "falls short of the council's own procedure" (a code
not yet applied, whose timescales the council's procedure is measured by, or a local policy) or
"falls short of good practice". Where the cases straddle a code's date, it says how many were
judged under each. No sentence here asserts an injustice the audit has not shown: the remedy is
for the people listed where the shortfall caused one.
"""

from __future__ import annotations

from complaint_audit.report.voice import Voice

# The kinds of fault the ombudsmen name, as the glossary defines them.
KINDS_OF_FAULT = {
    "maladministration": "Delay, a step not taken or a wrong procedure. Whether it caused an injustice depends on each "
                         "case; the remedy is for the people listed where it did.",
    "service failure": "A service not provided, or not to the standard it should have been. Whether it caused an "
                       "injustice depends on each case; the remedy is for the people listed where it did.",
}


def is_fault(check: dict, voice: Voice) -> bool:
    """Whether a red or amber check may be called fault: its standard says so (outside the UK schemes, the audit's
    own standard is the one the reviewer applies, so the voice decides as before)."""
    if not voice.uk:
        return True
    standard = check.get("standard")
    return bool(standard and standard["fault"])


def judgement(check: dict, likelihood: str, because: str, voice: Voice) -> str:
    """The finding's opening sentence: the counterfactual where it is fault, else what it falls short of, and why.

    Where the failing cases straddle a code's date, the counterfactual is said of the cases handled under a standard
    in force, and the others are said to fall short, with the count of each.
    """
    standard = check.get("standard")
    if not is_fault(check, voice):
        short_of = standard["short_of"] if standard else "good practice"
        return f"This falls short of {short_of}: {because}.{_why_not_fault(standard)}"
    if not (voice.uk and standard["cases_short"]):
        return f"{voice.judged(likelihood)} because {because}."
    fault, short = standard["cases_fault"], standard["cases_short"]
    names = " and ".join(part["name"] for part in standard["parts"] if part["cases_fault"])
    which = "the one" if fault == 1 else "those"
    others = "the other case falls" if short == 1 else f"the other {short:,} fall"
    return (f"{voice.judged(likelihood)} in {fault:,} of the {fault + short:,} cases, {which} handled under {names} "
            f"while in force; {others} short of {standard['short_of']}{_codes_not_yet(standard)}. "
            f"{because[:1].upper()}{because[1:]}.")


def label(check: dict, voice: Voice) -> str:
    """A few words for a list of findings: 'Fault', 'Fault in 1 of 120 cases', 'Short of good practice'."""
    standard = check.get("standard")
    if not is_fault(check, voice):
        return f"Short of {standard['short_of'] if standard else 'good practice'}"
    if voice.uk and standard["cases_short"]:
        return f"Fault in {standard['cases_fault']:,} of {standard['cases_fault'] + standard['cases_short']:,} cases"
    return "Fault"


def kind(check: dict, voice: Voice) -> str | None:
    """What kind of fault it is, in the ombudsmen's word (defined in the glossary), without claiming an injustice not
    shown: whether it caused one depends on each case, and the remedy is for the people listed where it did."""
    word = check.get("fault_type")
    if word not in KINDS_OF_FAULT:
        return None
    if is_fault(check, voice):
        return f"Kind of fault: {word}."
    return f"Of the kind the ombudsmen call {word}, but not fault here: no statutory scheme or code in force applied."


def _why_not_fault(standard: dict | None) -> str:
    if not standard:
        return " The check names no statutory scheme or code, so this is not a finding of fault."
    if _codes_not_yet(standard):
        return (" The cases were handled before the code applied, so they are measured against the council's own "
                "procedure; this is not a finding of fault.")
    regulatory = [part["name"] for part in standard["parts"] if part["force"] == "regulatory standard"]
    if regulatory:
        return (f" The rule is {' and '.join(regulatory)}, which binds the council but is not one the Ombudsman applies "
                "to a complaint, so this is not a finding of fault.")
    own = [part["name"] for part in standard["parts"] if part["force"] == "local procedure" and part["cases_failing"]]
    if own:
        return (f" The rule is {' and '.join(own)}, which no statutory scheme or code in force sets, so this is not a "
                "finding of fault.")
    return " No statutory scheme or code in force sets this rule for these cases, so this is not a finding of fault."


def _codes_not_yet(standard: dict) -> str:
    """', as they were handled before the code applied' where a code judged failing cases before its date; empty
    where none did. Which code, and from when, the finding's "Standard applied" line says once."""
    before = any(part["force"] == "code" and part["cases_failing"] > part["cases_fault"] for part in standard["parts"])
    return ", as they were handled before the code applied" if before else ""
