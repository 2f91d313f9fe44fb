"""Response letters, composed column-wise in Arrow so a million of them take seconds.

A good letter addresses the complainant, says what the complaint is (the council's definition of
it), states the decision and why, apologises where the council was at fault, says how it was put
right and what will change by when, and explains the next
step: Stage 2 (or a Stage 3 panel for children's) after a first response, the ombudsman with
its phone number, website and the 12-month limit after the final one. Seeded faults switch one
of those parts off (`apology`, `ombudsman`; optional columns `defines`, `reasons` and
`action_date`, each true where absent) or rewrite the letter in dense officialese
(`jargon`), leaving the rest intact so each fault can be found on its own.

Input: one row per letter with the columns in LETTER_COLUMNS; output: the letter text. Each
letter is assembled from its pieces in one join: adding long strings pairwise would copy every
letter once per piece. Three optional columns: `details`, a paragraph of the case's own facts
(`case_details`), so no two letters are copies of one template; `extended`, which adds the
ombudsman's details where the timescale was extended (unless `ombudsman` is off: a seeded fault);
and `template`, for letters sent from one template (a seeded fault): no facts paragraph, and the
same investigation and apology sentences, so two such letters of one category and outcome are
word for word the same apart from the complainant's details.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# fmt: off
LETTER_COLUMNS = (
    "kind", "stage", "final", "case_id", "title", "first_name", "surname", "address", "postcode",
    "received", "topic", "fault", "defence", "put_right", "learning", "outcome", "remedy_amount",
    "action_due", "apology", "ombudsman", "jargon", "signer",
)
KINDS = ("corporate", "housing", "childrens", "adult_social_care")

LGSCO = ("the Local Government and Social Care Ombudsman", "0300 061 0614", "www.lgo.org.uk")
HOUSING_OMBUDSMAN = ("the Housing Ombudsman Service", "0300 111 3000", "www.housing-ombudsman.org.uk")
OMBUDSMAN_FOR = {"corporate": LGSCO, "housing": HOUSING_OMBUDSMAN, "childrens": LGSCO, "adult_social_care": LGSCO}

_TEXT = pa.large_string()
_NOTHING = pa.scalar("", _TEXT)

_INVESTIGATION = (
    "I have read our records, spoken to the staff involved and checked our policy.",
    "I have checked the case notes and talked to the officers who dealt with it.",
    "I have looked at what happened, step by step, and at what should have happened.",
)
_APOLOGY = (
    "I am sorry that this happened. I apologise for the worry and frustration it caused you.",
    "I apologise that we let you down, and for the time you spent chasing us.",
    "I am sorry for our mistake and for the trouble it caused you.",
)
_JARGON_APOLOGY = (
    "The Council accordingly apologises unreservedly for any inconvenience, dissatisfaction or "
    "consequential detriment occasioned by the aforementioned deficiencies in organisational performance."
)
_STAGE2_OPENING = (
    "Thank you for asking us to look again at your complaint about {topic}. "
    "I have reviewed it at Stage 2 of our complaints procedure. I was not involved at Stage 1."
)
_OPENING = {
    ("corporate", "1"): "Thank you for your complaint, received on {received}, about {topic}.",
    ("housing", "1"): "Thank you for your complaint, received on {received}, about {topic}.",
    ("corporate", "2"): _STAGE2_OPENING,
    ("housing", "2"): _STAGE2_OPENING,
    ("childrens", "1"): "Thank you for your complaint, received on {received}, about {topic}. "
    "I have looked into it at Stage 1 of the children's social care complaints procedure.",
    ("childrens", "2"): "I am writing with my decision on your Stage 2 complaint about {topic}. "
    "An Investigating Officer and an Independent Person looked into it, and I have read their reports.",
    ("childrens", "3"): "The Review Panel met to consider your complaint about {topic}. "
    "I have read its report and recommendations, and this letter gives the council's response.",
    # Adult social care has one stage (the 2009 regulations), so its only response is the final one.
    ("adult_social_care", "1"): "Thank you for your complaint, received on {received}, about {topic}. "
    "I have looked into it under the adult social care complaints procedure.",
}
_JARGON_OPENING = (
    "Further to your correspondence of {received} concerning {topic}, I write to confirm that the "
    "Council has now concluded a comprehensive and multidisciplinary investigation into the "
    "operational circumstances pertaining to your representations, in accordance with the "
    "provisions of the applicable complaints procedure and the associated statutory and "
    "organisational governance frameworks."
)
# The complaint as the council defined it (LGSCO code 6.8), after the opening of a decided complaint's letter.
_PLAIN_DEFINITION = " I understand your complaint to be that we {fault}."
_JARGON_DEFINITION = " The Council understands your complaint to be that the organisation {fault}."
_PLAIN_DECISION = {
    "upheld": "I uphold your complaint because we {fault}. That was not good enough.",
    "partly_upheld": "I partly uphold your complaint. We {fault}. But I also found that {defence}.",
    "not_upheld":
        "I do not uphold your complaint. I found that {defence}. I know this is not the answer you hoped for.",
    "resolved":
        "We have now {put_right}. You told us that this resolves your complaint, so I have closed it.",
    "out_of_scope":
        "I cannot look at this under our complaints procedure, because the law gives you a right of appeal. "
        "The appeal is the right way to decide it, and the enclosed leaflet explains how to appeal.",
}
# A decision without its reasons (a seeded fault: `reasons` off).
_UNREASONED_DECISION = {
    "upheld": "I uphold your complaint. That was not good enough.",
    "partly_upheld": "I partly uphold your complaint.",
    "not_upheld": "I do not uphold your complaint. I know this is not the answer you hoped for.",
}
_PREAMBLE = (
    "Having given due consideration to the totality of the documentary evidence, including contemporaneous "
    "case management records and the recollections of the operational personnel involved, the Council has "
    "determined that your complaint is "
)
_JARGON_DECISION = {
    "upheld": _PREAMBLE + "upheld, insofar as it is acknowledged that the organisation {fault}, which "
    "constitutes a deviation from established operational performance expectations.",
    "partly_upheld": _PREAMBLE + "partially upheld, insofar as the organisation {fault}, notwithstanding that "
    "it was additionally established that {defence}.",
    "not_upheld": _PREAMBLE + "not upheld, predominantly on the basis that {defence}, consistent with the "
    "applicable operational parameters and organisational policy requirements.",
    "resolved": "Subsequent to the implementation of appropriate remedial interventions, whereby the Council "
    "has {put_right}, your complaint is considered resolved and has accordingly been administratively concluded.",
    "out_of_scope": "Your representations fall outside the jurisdictional parameters of the Council's complaints "
    "procedure, inasmuch as the applicable legislative framework confers a statutory right of appeal, which "
    "constitutes the appropriate mechanism for determination.",
}
_PLAIN_REMEDY = "To put things right, we have {put_right}."
_JARGON_REMEDY = "By way of remediation, the Council has {put_right}."
_PLAIN_PAYMENT = " We will also pay you {amount} for your time and trouble."
_JARGON_PAYMENT = (
    " The Council additionally proposes a discretionary financial remedy of {amount} in recognition of the time "
    "and trouble expended."
)
_PLAIN_ACTION = "To stop this happening again, we will {learning}. We will do this by {action_due}."
_UNDATED_ACTION = "To stop this happening again, we will {learning}."  # a seeded fault: `action_date` off
_JARGON_ACTION = (
    "In order to mitigate the possibility of any recurrence, the relevant directorate will {learning}, with "
    "implementation anticipated by {action_due}, subject to the availability of appropriate organisational "
    "resources."
)
_SILENT_FINAL = "This is our final response, and our complaints procedure is now complete."
_JARGON_SILENT_FINAL = (
    "This correspondence constitutes the Council's final response and concludes the complaints procedure."
)
# A case's own facts, one phrase from each list (each list has 11, a prime: see case_details).
# None of them says "uphold", "sorry", a stage, the ombudsman or a time limit, so they never stand
# in for a part of the letter that the checks look for.
_DETAIL_OPTIONS = (
    ("by email", "by phone", "through our website", "by letter", "at our customer service centre",
     "through our online form", "by calling our contact centre", "at one of our local offices",
     "through a message on your account", "by email and then by phone", "by letter and then by email"),
    ("at the start of the month", "in the middle of the month", "towards the end of the month",
     "early one morning", "late one afternoon", "on a weekday evening", "just before a bank holiday",
     "after a long weekend", "during a busy week for you", "while you were away from home",
     "soon after the problem began"),
    ("this was the first time you had told us about it", "you had already called us twice",
     "you had already called us three times", "you had written to us twice before",
     "you had chased us by email four times", "you had raised it with a member of staff before",
     "you had been waiting for a reply for some weeks", "you had been given different answers by different people",
     "nobody had called you back when we said we would", "you had first raised the matter some months ago",
     "a friend had told us about it before you did"),
    ("left you worried", "cost you time off work", "caused you stress at a busy time",
     "meant you had to keep chasing us", "affected the whole family", "made it hard to plan your week",
     "left you out of pocket", "added to a difficult time for you", "took up a lot of your time",
     "left you feeling that nobody was listening", "made you lose trust in us"),
    ("explain what went wrong", "look at the matter again", "tell you what happens next",
     "make sure the matter is sorted out", "keep you up to date", "give you a clear answer",
     "speak to the staff involved", "check our records", "explain our decision", "tell you who is dealing with it",
     "set out the facts in writing"),
    ("read the notes on your case", "looked at the emails you sent us", "checked the dates on our system",
     "listened to the recordings of your calls", "read the records of our visits", "looked at the letters we sent you",
     "checked the notes of our meetings", "read the reports written at the time", "looked at the timeline of events",
     "checked the messages on your account", "read the notes of your phone calls"),
    ("spoke to the manager of the team", "asked the team for their account", "checked what our policy says",
     "compared this with similar cases", "asked for the records we hold", "checked our guidance for staff",
     "talked to the officer who dealt with it", "asked a senior officer for advice", "looked at the law that applies",
     "checked how the team logs its work", "asked another team for their view"),
    ("Thank you for your patience while I looked into this.", "Thank you for the details you gave us.",
     "Thank you for taking the time to tell us about this.", "Thank you for the notes you sent.",
     "Thank you for speaking to me on the phone.", "Thank you for being so clear about what happened.",
     "Thank you for sending copies of your letters.", "Thank you for your help in putting the facts together.",
     "Thank you for bearing with us.", "Thank you for the list of dates you sent.",
     "Thank you for answering my questions so quickly."),
)
_DETAIL_TEMPLATE = (
    "You first contacted us {0} {1}. You told us that {2}, and that this {3}. You asked us to {4}. "
    "To look into this, I {5} and {6}. {7}"
)
_DETAIL_COEFFICIENTS = 4
# fmt: on


def _ombudsman_paragraph(ombudsman: tuple[str, str, str], final: bool) -> str:
    name, phone, web = ombudsman
    lead = "This is our final response. If you are still unhappy, you can" if final else "You can also"
    return (
        f"{lead} ask {name} to look at your complaint. The Ombudsman is free and independent. "
        f"You can call {phone} or visit {web}. You should normally contact the Ombudsman within "
        "12 months of the events you are complaining about."
    )


def _jargon_ombudsman(ombudsman: tuple[str, str, str]) -> str:
    name, phone, web = ombudsman
    return (
        "This correspondence constitutes the Council's final response. Should you continue to be "
        "dissatisfied with the determination articulated herein, you are entitled to refer the "
        f"matter to {name}, an independent and impartial organisation, by telephoning {phone} or "
        f"via {web}, ordinarily within 12 months of becoming aware of the matters complained of."
    )


def _jargon_extension_ombudsman(ombudsman: tuple[str, str, str]) -> str:
    name, phone, web = ombudsman
    return (
        "Inasmuch as the timescale for the determination of your complaint was extended, you are "
        f"additionally entitled to refer the matter to {name}, an independent and impartial organisation, "
        f"by telephoning {phone} or via {web}, ordinarily within 12 months of becoming aware of the "
        "matters complained of."
    )


def _escalation(kind: str, stage: str, email: str) -> tuple[str, str]:
    """(plain, jargon) text of the next step after a response that is not the final one."""
    if kind == "childrens" and stage == "2":
        plain = (
            "If you are still unhappy, you can ask for a Stage 3 Review Panel. Please tell us within "
            "20 working days of receiving this letter. " + _ombudsman_paragraph(LGSCO, final=False)
        )
        jargon = (
            "Should you continue to be dissatisfied with the determination articulated herein, you are "
            "entitled to request that your representations be considered by a Stage 3 Review Panel, "
            "by notification within 20 working days of receipt of this correspondence, and you may "
            f"additionally approach {LGSCO[0]} by telephoning {LGSCO[1]} or via {LGSCO[2]}, ordinarily "
            "within 12 months of becoming aware of the matters complained of."
        )
        return plain, jargon
    if kind == "childrens":
        plain = (
            "If you are unhappy with this response, you can ask for your complaint to be looked at "
            "under Stage 2. An independent Investigating Officer will then look into it. Please tell "
            f"us within 20 working days of receiving this letter, by replying or emailing {email}."
        )
    else:
        plain = (
            "If you are unhappy with this response, you can ask for your complaint to go to Stage 2. "
            f"Please reply to this letter, or email {email}, within 20 working days and tell us why."
        )
    jargon = (
        "Should you continue to be dissatisfied with the determination articulated herein, you are "
        "entitled to request that your complaint be escalated for consideration at Stage 2 of the "
        f"applicable procedure, by notification in writing to {email} within 20 working days of the "
        "date of this correspondence, specifying the particulars of your continuing dissatisfaction."
    )
    return plain, jargon


def case_details(count: int, rng: np.random.Generator) -> pd.Series:
    """`count` paragraphs of a case's own facts: how and when it came in, what it did, what was checked.

    Each paragraph takes one of the 11 phrases of each of the 8 lists in _DETAIL_OPTIONS, chosen
    by a random codeword of a Reed-Solomon code: the values at 0..7 of a polynomial of degree 3
    or less, modulo 11. Two such polynomials agree at 3 points at most, so any two of up to
    11**4 = 14,641 paragraphs differ in at least 5 of their 8 phrases, and no two letters are
    near-identical however alike their outcome and category. Beyond that many, codewords repeat.
    """
    choice = detail_choices(count, rng)
    pieces = _DETAIL_TEMPLATE.split("{")
    parts: list = [pieces[0]]
    for piece in pieces[1:]:
        slot, _, literal = piece.partition("}")
        options = pa.array(_DETAIL_OPTIONS[int(slot)], type=_TEXT)
        parts += [options.take(pa.array(choice[:, int(slot)])), literal]
    return pd.Series(pd.array(_join(*parts), dtype="str"))  # one pass: no copy of every paragraph per phrase


def detail_choices(count: int, rng: np.random.Generator) -> np.ndarray:
    """(count x 8) positions in _DETAIL_OPTIONS: distinct random codewords, so rows differ in 5 places or more."""
    size, slots = len(_DETAIL_OPTIONS[0]), len(_DETAIL_OPTIONS)
    codewords = size**_DETAIL_COEFFICIENTS
    code = rng.permutation(codewords)[:count] if count <= codewords else rng.integers(codewords, size=count)
    powers = np.arange(_DETAIL_COEFFICIENTS)
    coefficients = (code[:, None] // size**powers) % size
    return (coefficients @ (np.arange(slots)[None, :] ** powers[:, None])) % size


def complaints_email(organisation: str) -> str:
    """'Northshire County Council' -> 'complaints@northshire.gov.uk'."""
    slug = "".join(ch for ch in organisation.split()[0].lower() if ch.isalnum())
    return f"complaints@{slug}.gov.uk"


def _join(*pieces) -> pa.Array:
    """Concatenate text columns and literals row by row, in one pass."""
    pieces = [pa.scalar(piece, _TEXT) if isinstance(piece, str) else piece for piece in pieces]
    return pc.binary_join_element_wise(*pieces, _NOTHING)


def _fill(template: str, fields: dict[str, pa.Array], rows: np.ndarray) -> pa.Array:
    """Render '{name}' placeholders from text columns, for the given rows."""
    pieces, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        name, _, rest = tail.partition("}")
        pieces += [head, fields[name].take(rows)]
    if not pieces:
        return pa.array(np.full(len(rows), template, dtype=object), type=_TEXT)
    return _join(*pieces, rest)


def _switch(cases: list[tuple[np.ndarray, str]], fields: dict[str, pa.Array], count: int) -> pa.Array:
    """Per row, the first template whose mask holds, rendered for that row ('' if none).

    Each template is rendered only for its own rows, then the pieces are put back in order.
    """
    taken = np.zeros(count, dtype=bool)
    parts, positions = [], []
    for mask, template in cases:
        rows = np.flatnonzero(mask & ~taken)
        taken |= mask
        if len(rows):
            parts.append(_fill(template, fields, rows))
            positions.append(rows)
    rest = np.flatnonzero(~taken)
    parts.append(pa.array(np.full(len(rest), "", dtype=object), type=_TEXT))
    positions.append(rest)
    combined = pa.concat_arrays(parts)
    return combined.take(pa.array(np.argsort(np.concatenate(positions), kind="stable")))


def _column(frame: pd.DataFrame, name: str) -> pa.Array:
    return pc.fill_null(pa.array(frame[name].astype("str"), type=_TEXT), "")


def compose_letters(
    letters: pd.DataFrame,
    rng: np.random.Generator,
    organisation: str,
    email: str,
    long_dates: Callable[[pd.Series], pd.Series],
) -> pd.Series:
    """One letter per row of `letters` (columns: LETTER_COLUMNS); `long_dates` writes a date in words."""
    count = len(letters)
    text = {
        name: _column(letters, name)
        for name in (
            "case_id",
            "title",
            "first_name",
            "surname",
            "address",
            "postcode",
            "topic",
            "fault",
            "defence",
            "put_right",
            "learning",
            "signer",
        )
    }
    text["received"] = pc.fill_null(pa.array(long_dates(letters["received"]), type=_TEXT), "")
    text["action_due"] = pc.fill_null(pa.array(long_dates(letters["action_due"]), type=_TEXT), "")
    amount = letters["remedy_amount"].to_numpy(dtype=float)
    paid = ~np.isnan(amount)
    pounds = np.full(count, "", dtype=object)
    pounds[paid] = [f"£{value:,.2f}" for value in amount[paid]]
    text["amount"] = pa.array(pounds, type=_TEXT)

    kind, stage, outcome = (letters[name].to_numpy(dtype=object) for name in ("kind", "stage", "outcome"))
    jargon = letters["jargon"].to_numpy(dtype=bool)
    final = letters["final"].to_numpy(dtype=bool)
    at_fault = np.isin(outcome, ["upheld", "partly_upheld"])
    apology = at_fault & letters["apology"].to_numpy(dtype=bool)
    ombudsman = letters["ombudsman"].to_numpy(dtype=bool)
    extended = letters["extended"].to_numpy(dtype=bool) if "extended" in letters else np.zeros(count, dtype=bool)
    template = letters["template"].to_numpy(dtype=bool) if "template" in letters else np.zeros(count, dtype=bool)
    defines, reasons, dated = (letters[name].to_numpy(dtype=bool) if name in letters else np.ones(count, dtype=bool)
                               for name in ("defines", "reasons", "action_date"))
    decided = np.isin(outcome, ["upheld", "partly_upheld", "not_upheld"])

    initial = pc.utf8_slice_codeunits(text["first_name"], 0, 1)
    header = _join(
        text["title"],
        " ",
        initial,
        " ",
        text["surname"],
        "\n",
        text["address"],
        "\n",
        text["postcode"],
        "\n\nOur reference: ",
        text["case_id"],
        "\n\nDear ",
        text["title"],
        " ",
        text["surname"],
        ",\n\n",
    )
    opening = _switch(
        [(jargon, _JARGON_OPENING)] + [((kind == k) & (stage == s), template) for (k, s), template in _OPENING.items()],
        text,
        count,
    )
    definition = _switch(
        [(decided & defines & jargon, _JARGON_DEFINITION), (decided & defines, _PLAIN_DEFINITION)], text, count
    )
    variant = np.where(template, 0, np.arange(count) % len(_INVESTIGATION))
    decision = _switch(
        [(jargon & (outcome == name), template) for name, template in _JARGON_DECISION.items()]
        + [
            ((outcome == name) & ~reasons & (variant == v), _INVESTIGATION[v] + " " + template)
            for name, template in _UNREASONED_DECISION.items()
            for v in range(len(_INVESTIGATION))
        ]
        + [
            ((outcome == name) & (variant == v), _INVESTIGATION[v] + " " + template)
            for name, template in _PLAIN_DECISION.items()
            for v in range(len(_INVESTIGATION))
        ],
        text,
        count,
    )
    sorry = np.where(template, 0, rng.integers(len(_APOLOGY), size=count))
    apology_text = _switch(
        [(apology & jargon, " " + _JARGON_APOLOGY)]
        + [(apology & (sorry == v), " " + line) for v, line in enumerate(_APOLOGY)],
        text,
        count,
    )
    remedy = _switch(
        [
            (at_fault & jargon & paid, _JARGON_REMEDY + _JARGON_PAYMENT + "\n\n" + _JARGON_ACTION + "\n\n"),
            (at_fault & jargon, _JARGON_REMEDY + "\n\n" + _JARGON_ACTION + "\n\n"),
            (at_fault & paid & ~dated, _PLAIN_REMEDY + _PLAIN_PAYMENT + "\n\n" + _UNDATED_ACTION + "\n\n"),
            (at_fault & ~dated, _PLAIN_REMEDY + "\n\n" + _UNDATED_ACTION + "\n\n"),
            (at_fault & paid, _PLAIN_REMEDY + _PLAIN_PAYMENT + "\n\n" + _PLAIN_ACTION + "\n\n"),
            (at_fault, _PLAIN_REMEDY + "\n\n" + _PLAIN_ACTION + "\n\n"),
        ],
        text,
        count,
    )
    next_step = _switch(_next_step(kind, stage, final, ombudsman, jargon, email, extended), text, count)
    closing = _join("Yours sincerely,\n\n", text["signer"], "\n" + organisation)
    details = []
    if "details" in letters:  # a template letter has no paragraph of its case's facts
        own = pa.array(~template & letters["details"].notna().to_numpy())
        details = [pc.if_else(own, _join(_column(letters, "details"), "\n\n"), _NOTHING)]
    letters_text = _join(
        header, opening, definition, "\n\n", *details, decision, apology_text, "\n\n", remedy, next_step, "\n\n", closing
    )
    return pd.Series(pd.array(letters_text, dtype="str"), index=letters.index)


def _next_step(
    kind: np.ndarray,
    stage: np.ndarray,
    final: np.ndarray,
    ombudsman: np.ndarray,
    jargon: np.ndarray,
    email: str,
    extended: np.ndarray,
) -> list:
    """(mask, text) for the paragraph that says what the complainant can do next.

    Where the timescale was extended, the ombudsman's details come too (the codes 6.4-6.5), unless
    `ombudsman` is off for that letter (a seeded fault).
    """
    cases = []
    for kind_name in KINDS:
        of_kind = kind == kind_name
        if not of_kind.any():
            continue
        final_here = of_kind & final
        cases += [
            (final_here & ~ombudsman & jargon, _JARGON_SILENT_FINAL),
            (final_here & ~ombudsman, _SILENT_FINAL),
            (final_here & jargon, _jargon_ombudsman(OMBUDSMAN_FOR[kind_name])),
            (final_here, _ombudsman_paragraph(OMBUDSMAN_FOR[kind_name], final=True)),
        ]
        for stage_name in ("1", "2"):
            plain, dense = _escalation(kind_name, stage_name, email)
            here = of_kind & ~final & (stage == stage_name)
            told_here = here & extended & ombudsman
            if kind_name == "childrens" and stage_name == "2":  # that one gives the ombudsman already
                told_here = np.zeros_like(here)
            ombudsman_details = OMBUDSMAN_FOR[kind_name]
            cases += [
                (told_here & jargon, dense + " " + _jargon_extension_ombudsman(ombudsman_details)),
                (here & jargon, dense),
                (told_here, plain + "\n\n" + _ombudsman_paragraph(ombudsman_details, final=False)),
                (here, plain),
            ]
    return cases
