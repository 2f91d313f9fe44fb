"""QR checks on hand-made letters with exact exceptions, and on the seeded sample letters."""

from __future__ import annotations

import pandas as pd

from complaint_audit.checks import response_quality as response_criteria
from complaint_audit.letters import phrases as letter_text
from complaint_audit.letters.near_duplicates import EMPTY_BIN, signatures
from tests.builders import canonical_records, run_check

STAGE_2_PARAGRAPH = "If you are unhappy with this response, you can ask for your complaint to go to Stage 2."
LGSCO_PARAGRAPH = (
    "This is our final response. You can ask the Local Government and Social Care Ombudsman to look at your "
    "complaint. You can call 0300 061 0614 or visit www.lgo.org.uk. You should normally contact the Ombudsman "
    "within 12 months."
)


def letter(*sentences: str, received: str = "3 April 2023") -> str:
    """A letter as a case system holds it: address block, salutation, body, sign-off."""
    body = f"Thank you for your complaint, received on {received}, about your bins. " + " ".join(sentences)
    return f"Mr A [name]\n1 High Street\n[postcode]\n\nDear Mr [name],\n\n{body}\n\nYours sincerely,\n\nTeam Leader\nTestshire Council"


def answered(**row) -> dict:
    return {"responded": "2023-04-10", **row}


def rows_of(result) -> list[list[str]]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def test_qr001_an_upheld_letter_must_apologise_and_sorry_you_feel_does_not_count():
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=letter("I am sorry that we missed your bin.")),
        answered(case_id="C2", outcome="upheld", response_text=letter("I am sorry you feel we let you down.")),
        answered(case_id="C3", outcome="partly_upheld", response_text=letter("We apologise for the delay.")),
        answered(case_id="C4", outcome="partly_upheld", response_text=letter("I was sorry to hear about this.")),
        answered(case_id="C5", outcome="not_upheld", response_text=letter("I do not uphold your complaint.")),
        answered(case_id="C6", outcome="upheld", response_text=None),
    )
    result = run_check("QR001", records)
    assert rows_of(result) == [
        ["C2", "1", "upheld, but the letter does not apologise"],
        ["C4", "1", "partly upheld, but the letter does not apologise"],
    ]
    assert (result.metrics["letters"], result.metrics["failing"], result.metrics["percent_failing"]) == (4, 2, 50.0)
    assert result.metrics["without_text"] == 1 and result.status == "fail"
    assert result.finding == (
        "2 of 4 upheld or partly upheld responses did not apologise. "
        "1 such response has no letter text and was not read. The evidence is thin: this grade rests on 4 of "
        "them, fewer than 10."
    )


def test_qr001_is_not_applicable_without_letters_in_scope():
    no_upheld = canonical_records(answered(outcome="not_upheld", response_text=letter("I do not uphold it.")))
    assert run_check("QR001", no_upheld).finding == "Not applicable: no upheld or partly upheld response has letter text."
    no_text = canonical_records(answered(outcome="upheld"))
    assert run_check("QR001", no_text).finding == "Not applicable: field response_text not provided."


def test_qr002_the_letter_states_the_recorded_decision():
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=letter("I uphold your complaint.")),
        answered(case_id="C2", outcome="partly_upheld", response_text=letter("I uphold your complaint.")),
        answered(case_id="C3", outcome="not_upheld", response_text=letter("I do not uphold your\ncomplaint.")),
        answered(case_id="C4", outcome="upheld", response_text=letter("We have looked into what happened.")),
        answered(case_id="C5", outcome="partly_upheld", response_text=letter("I have partly upheld your complaint.")),
        answered(case_id="C6", outcome="resolved", response_text=letter("We have now collected your bins.")),
    )
    result = run_check("QR002", records)
    assert rows_of(result) == [
        ["C2", "1", "the letter says the complaint is upheld; the record says partly upheld"],
        ["C4", "1", "the letter does not say whether the complaint is upheld (recorded: upheld)"],
    ]
    assert (result.metrics["letters"], result.metrics["failing"], result.status) == (5, 2, "fail")


def test_qr003_an_upheld_letter_offers_a_remedy_or_action():
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=letter("To put things right, we have collected it.")),
        answered(case_id="C2", outcome="upheld", response_text=letter("I uphold your complaint. I am sorry.")),
        answered(case_id="C3", outcome="partly_upheld", response_text=letter("We will pay you £50 for your trouble.")),
        answered(case_id="C4", outcome="not_upheld", response_text=letter("I do not uphold your complaint.")),
    )
    result = run_check("QR003", records)
    assert rows_of(result) == [["C2", "1", "upheld, but the letter offers no remedy or action"]]
    assert (result.metrics["letters"], result.metrics["percent_failing"], result.status) == (3, 33.3, "fail")


def _escalation_records():
    return canonical_records(
        answered(case_id="C1", response_text=letter(STAGE_2_PARAGRAPH)),
        answered(case_id="C2", response_text=letter("I hope this answers your concerns.")),
        answered(case_id="C3", stage="2", response_text=letter(LGSCO_PARAGRAPH)),
        answered(case_id="C4", stage="2", process="housing", response_text=letter(LGSCO_PARAGRAPH)),
        answered(case_id="C5", stage="3", process="childrens_statutory", response_text=letter("This is our final response.")),
        answered(case_id="C6", extended_due="2023-05-01", response_text=letter(STAGE_2_PARAGRAPH)),
        answered(case_id="C7", stage="2", process="childrens_statutory",
                 response_text=letter("You can ask for a Stage 3 Review Panel within 20 working days.")),
        answered(case_id="C8", stage="2", process="childrens_statutory", response_text=letter(STAGE_2_PARAGRAPH)),
        answered(case_id="C9", process="other", closed="2023-04-11",
                 response_text=letter("You can ask the Local Government Ombudsman (www.lgo.org.uk) to look at it.")),
    )


def test_qr004_next_stage_and_ombudsman_details_by_stage():
    result = run_check("QR004", _escalation_records())
    lgsco_missing = ("Local Government and Social Care Ombudsman not named, no ombudsman phone or website, "
                     "no 12-month time limit")
    assert rows_of(result) == [
        ["C2", "1", "Stage 2 not offered"],
        ["C4", "2", "final response: Housing Ombudsman not named"],
        ["C5", "3", "final response: " + lgsco_missing],
        ["C6", "1", "timescale extended: " + lgsco_missing],
        ["C8", "2", "Stage 3 not offered"],
    ]  # C9's process is outside the UK's schemes: never measured against the codes' signposting
    metrics = result.metrics
    assert (metrics["letters"], metrics["failing"], metrics["final_letters"], metrics["final_failing"]) == (8, 5, 3, 2)
    assert (metrics["extended_failing"], metrics["next_stage_failing"]) == (1, 2)
    assert result.exceptions["final"].tolist() == [False, True, True, False, False]
    assert result.finding == ("2 of 3 final responses lacked the ombudsman's name, contact or 12-month limit. 1 of 1 "
                              "responses on an extended timescale lacked the ombudsman's details or the next step. 2 of 4 "
                              "other responses did not offer the next stage. In all, 5 of 8 responses did not give the "
                              "full route to escalate. The evidence is thin: this grade rests on 8 of them, fewer than 10.")


def test_qr004_extension_part_can_be_turned_off():
    result = run_check("QR004", _escalation_records(), on_extension=False)
    assert "C6" not in set(result.exceptions["case_id"])


def test_qr004_final_stage_by_process():
    records = canonical_records(
        {"case_id": "A1", "process": "adult_social_care"},
        {"case_id": "K1", "process": "childrens_statutory", "stage": "2"},
        {"case_id": "O1", "process": "other", "closed": "2023-05-01"},
        {"case_id": "O2", "process": "other"},
        {"case_id": "O2", "process": "other", "stage": "2", "closed": "2023-05-01"},
        {"case_id": "P1", "process": "corporate", "closed": "2023-05-01"},
    )
    assert response_criteria.final_stage(records).tolist() == [True, False, True, False, True, False]


def test_qr004_final_stage_of_some_rows_still_reads_the_whole_case():
    # Asked of the Stage 1 letters only, an `other` case's final stage is still its highest stage over all its
    # records: O2 went on to Stage 2, so its closed Stage 1 is not final; O1 never did, so its Stage 1 is.
    records = canonical_records(
        {"case_id": "O1", "process": "other", "closed": "2023-05-01"},
        {"case_id": "O2", "process": "other", "closed": "2023-05-01"},
        {"case_id": "O2", "process": "other", "stage": "2", "closed": "2023-06-01"},
        {"case_id": "P1", "process": "corporate", "stage": "2"},
    )
    asked = records.index[[0, 1, 3]]
    final = response_criteria.final_stage(records, asked)
    assert final.index.equals(asked)
    assert final.tolist() == [True, False, True]


def test_qr005_officialese_scores_below_the_minimum_reading_ease():
    plain = letter("I uphold your complaint. We missed your bin three times. I am sorry. We have now collected it.")
    dense = letter(
        "Having given due consideration to the totality of the documentary evidence, including contemporaneous "
        "case management records, the Council has determined that your representations are substantiated, "
        "insofar as the organisation's operational performance constituted a deviation from established expectations."
    )
    records = canonical_records(answered(case_id="C1", response_text=plain), answered(case_id="C2", response_text=dense))
    result = run_check("QR005", records)
    assert result.exceptions["case_id"].tolist() == ["C2"]
    assert result.exceptions["reason"].iloc[0].startswith("reading ease ")
    assert "(below 50): " in result.exceptions["reason"].iloc[0]
    assert result.exceptions["reading_ease"].iloc[0] < 50
    assert (result.metrics["letters"], result.metrics["failing"], result.status) == (2, 1, "fail")
    assert result.metrics["median_reading_ease"] == round(float(result.metrics["median_reading_ease"]), 1)
    assert run_check("QR005", records, min_reading_ease=-1000.0).exceptions.empty


def test_qr005_flesch_reading_ease_and_syllables_by_hand():
    read = letter_text.measure(pd.Series(["The cat sat on the mat."]), readability=True)
    assert read[["words", "sentences", "syllables"]].iloc[0].tolist() == [6, 1, 6]
    assert read["reading_ease"].iloc[0] == 116.1  # 206.835 - 1.015 * 6 - 84.6 * 1
    words = ["table", "make", "worked", "decided", "changes", "the", "people", "agreed"]
    syllables = letter_text.measure(pd.Series(words), readability=True)["syllables"].tolist()
    assert syllables == [2, 1, 1, 3, 2, 1, 2, 2]


TEMPLATE = (
    "I have read our records and spoken to the staff involved. I uphold your complaint. We did not collect your bin "
    "on {day} and we did not reply when you rang us. That was not good enough. To put things right we will pay you "
    "{amount} and collect your bin every week. " + STAGE_2_PARAGRAPH
)
OTHER = (
    "I have checked the planning file and the notices we sent. I do not uphold your complaint. We sent the "
    "neighbour notification letters the law requires, and the officer visited the site before the decision. "
    + STAGE_2_PARAGRAPH
)

LONG_PARAGRAPH = (
    "When you contacted us in the spring, the crew that serves your street had changed, and the new driver was "
    "not given the list of assisted collections. Our supervisor has now met the crew, walked the round with "
    "them and checked each address on the list against the register we keep at the depot. She also found two "
    "other households who had been missed in the same way, and we have written to them as well."
)


def test_qr006_a_template_filled_with_other_details_is_near_identical():
    records = canonical_records(
        answered(case_id="C1", category="Waste", response_text=letter(TEMPLATE.format(day="4 May 2023", amount="£50"))),
        answered(case_id="C2", category="Waste",
                 response_text=letter(TEMPLATE.format(day="19 June 2023", amount="£75"), received="2 June 2023")),
        answered(case_id="C3", category="Planning", response_text=letter(OTHER)),
    )
    result = run_check("QR006", records)
    assert rows_of(result) == [
        ["C1", "1", "near-identical (100% of wording) to the Stage 1 letter for C2"],
        ["C2", "1", "near-identical (100% of wording) to the Stage 1 letter for C1"],
    ]
    assert result.exceptions[["similarity_percent", "similar_case", "similar_stage"]].values.tolist() == [
        [100, "C2", "1"], [100, "C1", "1"]
    ]
    assert (result.metrics["letters"], result.metrics["near_identical"], result.metrics["percent_near_identical"]) == (3, 2, 66.7)
    assert result.status == "fail"


def test_qr006_one_changed_word_in_a_long_letter_is_still_near_identical():
    long_letter = " ".join([OTHER, TEMPLATE.format(day="4 May 2023", amount="£50"), LONG_PARAGRAPH])
    records = canonical_records(
        answered(case_id="C1", response_text=letter(long_letter)),
        answered(case_id="C2", response_text=letter(long_letter.replace("officer visited", "inspector visited"))),
        answered(case_id="C2", stage="2", response_text=letter(long_letter.replace("officer visited", "inspector visited"))),
    )
    exceptions = run_check("QR006", records).exceptions
    assert exceptions[["case_id", "stage", "similar_case"]].values.tolist() == [["C1", "1", "C2"], ["C2", "1", "C1"], ["C2", "2", "C1"]]
    assert exceptions["similarity_percent"].between(90, 99).all()


def test_qr006_letters_sharing_only_standard_paragraphs_are_not_boilerplate():
    records = canonical_records(
        answered(case_id="C1", response_text=letter(TEMPLATE.format(day="4 May 2023", amount="£50"))),
        answered(case_id="C2", response_text=letter(OTHER)),
        answered(case_id="C2", stage="2", response_text=letter(OTHER)),  # two stages of one complaint
    )
    result = run_check("QR006", records)
    assert result.exceptions.empty and result.status == "pass"
    assert result.finding == ("0 of 3 response letters share at least 90% of their wording with a letter on a different "
                              "complaint. The evidence is thin: this grade rests on 3 of them, fewer than 10.")


def test_qr006_across_categories_only_ignores_same_category_templates():
    records = canonical_records(
        answered(case_id="C1", category="Waste", response_text=letter(TEMPLATE.format(day="4 May 2023", amount="£50"))),
        answered(case_id="C2", category="Waste", response_text=letter(TEMPLATE.format(day="5 May 2023", amount="£60"))),
        answered(case_id="C3", category="Parking", response_text=letter(TEMPLATE.format(day="6 May 2023", amount="£70"))),
    )
    result = run_check("QR006", records, across_categories_only=True)
    assert result.exceptions["case_id"].tolist() == ["C1", "C2", "C3"]
    assert result.exceptions["similar_case"].tolist() == ["C3", "C3", "C1"]


def test_a_letter_shorter_than_a_shingle_is_signed_by_its_own_words_whatever_letter_follows_it():
    # Shingles are hashed over the whole column at once: a short letter's must stop at its own last word.
    short, follows = "Dear Mr Ng,\nComplaint upheld.\nYours sincerely", "Dear Ms Li,\n" + OTHER
    alone = signatures(pd.Series([short], dtype="str"))
    assert (signatures(pd.Series([short, follows], dtype="str"))[0] == alone[0]).all()
    assert (signatures(pd.Series([short, OTHER], dtype="str"))[0] == alone[0]).all()
    assert (alone[0] != EMPTY_BIN).sum() == 1  # two words: one shingle, of both


def test_qr007_share_of_letters_meeting_every_criterion():
    defined = "I understand your complaint to be that we missed your bin."
    good = letter(defined, "I uphold your complaint because we missed your bin. I am sorry we missed your bin. To put "
                  "things right we collected it.", STAGE_2_PARAGRAPH)
    no_apology = letter(defined, "I uphold your complaint because we missed your bin. To put things right we collected "
                        "your bin.", STAGE_2_PARAGRAPH)
    silent_final = letter(defined, "I do not uphold your complaint. I found that the crew came. This is our final "
                          "response.")
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=good),
        answered(case_id="C2", outcome="upheld", response_text=no_apology),
        answered(case_id="C3", stage="2", outcome="not_upheld", response_text=silent_final),
    )
    result = run_check("QR007", records)
    assert rows_of(result) == [["C2", "1", "missed: apology"], ["C3", "2", "missed: escalation route"]]
    metrics = result.metrics
    assert (metrics["letters"], metrics["meeting_all"], metrics["percent_meeting_all"]) == (3, 1, 33.3)
    assert (metrics["percent_apology_met"], metrics["percent_escalation_route_met"], metrics["percent_remedy_met"]) == (50.0, 66.7, 100.0)
    assert result.finding == (
        "1 of 3 response letters met every criterion that applies to them; by criterion: apology 1 of 2, "
        "clear decision 3 of 3, remedy 2 of 2, escalation route 2 of 3, plain language 3 of 3, complaint defined 3 of 3, "
        "reasons given 3 of 3. The evidence is thin: this grade rests on 3 of them, fewer than 10."
    )
    assert result.status == "fail"


def test_qr007_counts_a_letter_missing_the_complaint_definition_reasons_or_action_date():
    bare = letter("I uphold your complaint. I am sorry we missed your bin. To put things right we collected it. "
                  "We will train the crew.", STAGE_2_PARAGRAPH)
    records = canonical_records(answered(outcome="upheld", response_text=bare, action_due="2023-05-31"))
    result = run_check("QR007", records)
    assert rows_of(result) == [["C1", "1", "missed: complaint defined, reasons given, outstanding actions dated"]]


def test_qr009_a_decided_letter_says_what_the_complaint_is():
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=letter("I understand your complaint to be that we "
                                                                       "missed your bin. I uphold it.")),
        answered(case_id="C2", outcome="upheld", response_text=letter("I uphold your complaint.")),
        answered(case_id="C3", outcome="not_upheld", response_text=letter("You complained that we missed your bin. I "
                                                                           "do not uphold it.")),
        answered(case_id="C4", outcome="partly_upheld", response_text=letter("Your complaint is that the crew was rude.")),
        answered(case_id="C5", outcome="withdrawn", response_text=letter("You withdrew your complaint.")),
    )
    result = run_check("QR009", records)
    # C2's letter names the subject ("about your bins") but not what went wrong: no definition.
    assert rows_of(result) == [["C2", "1", "upheld: the letter does not say what the complaint is (the council's "
                                            "definition of it)"]]
    assert (result.metrics["letters"], result.metrics["failing"], result.status) == (4, 1, "fail")
    assert result.finding.startswith("1 of 4 decided responses did not say what the complaint is.")


def test_qr010_a_decided_letter_gives_reasons_for_its_decision():
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", response_text=letter("I uphold your complaint because we missed your bin.")),
        answered(case_id="C2", outcome="upheld", response_text=letter("I uphold your complaint.")),
        answered(case_id="C3", outcome="not_upheld", response_text=letter("I do not uphold it. I found that the crew came.")),
        answered(case_id="C4", outcome="partly_upheld", response_text=letter("I partly uphold your complaint.")),
    )
    result = run_check("QR010", records)
    assert rows_of(result) == [["C2", "1", "upheld, but the letter gives no reason for the decision"],
                               ["C4", "1", "partly upheld, but the letter gives no reason for the decision"]]
    assert result.finding.startswith("2 of 4 decided responses gave no reason for the decision.")


def test_qr011_an_action_outstanding_at_the_response_is_given_a_date():
    dated, undated = letter("We will train the crew by 31 May 2023."), letter("We will train the crew.")
    records = canonical_records(
        answered(case_id="C1", outcome="upheld", action_due="2023-05-31", response_text=dated),
        answered(case_id="C2", outcome="upheld", action_due="2023-05-31", response_text=undated),
        answered(case_id="C3", outcome="upheld", action_due="2023-04-05", response_text=undated),  # due before it
        answered(case_id="C4", outcome="upheld", action_due="2023-05-31", action_done="2023-04-07",
                 response_text=undated),  # done before the response
        answered(case_id="C5", outcome="not_upheld", action_due="2023-05-31", response_text=undated),  # no fault here
        answered(case_id="C6", outcome="partly_upheld", action_due="2023-06-30", action_done="2023-06-01",
                 response_text=letter("We will train the crew by the end of June.")),
    )
    result = run_check("QR011", records)
    assert rows_of(result) == [["C2", "1", "action due 2023-05-31 was outstanding when the letter was sent, but the "
                                            "letter gives no date for it"]]
    assert (result.metrics["letters"], result.metrics["failing"]) == (3, 1)
    assert result.exceptions["action_due"].dt.strftime("%Y-%m-%d").tolist() == ["2023-05-31"]


def test_qr011_is_not_applicable_when_the_export_has_no_action_due_column():
    import datetime as dt

    from complaint_audit.calendar import WorkingCalendar
    from complaint_audit.engine.contract import AuditData
    from complaint_audit.engine.registry import discover
    from complaint_audit.engine.runner import run_checks

    records = canonical_records(answered(outcome="upheld", response_text=letter("We will train the crew.")))
    data = AuditData(records, WorkingCalendar("england"), dt.date(2024, 3, 31),
                     exported_fields={"test.csv": frozenset({"response_text", "outcome", "responded"})})
    (outcome,) = run_checks(data, [discover()["QR011"]], {})
    assert (outcome.result.status, outcome.result.finding) == (
        "not_applicable", "Not applicable: the export has no action_due field.")


def _seeded(ground_truth, problem: str) -> set[tuple[str, str]]:
    return {(case["case_id"], case["stage"]) for case in ground_truth["problems"][problem]["cases"]}


def _found(exceptions: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(exceptions["case_id"], exceptions["stage"], strict=True))


def test_qr001_finds_exactly_the_seeded_missing_apologies(sample_records, ground_truth):
    result = run_check("QR001", sample_records)
    assert _found(result.exceptions) == _seeded(ground_truth, "missing_apology_upheld")


def test_qr004_finds_exactly_the_seeded_responses_without_ombudsman_details(sample_records, ground_truth):
    # Two seeded problems: final responses (corporate and housing Stage 2, children's Stage 3,
    # adult social care's single stage, read from its letter files) and extended Stage 1 responses
    # without the ombudsman's details. Every other extended response gives them, and every letter
    # offers its next stage, so nothing else is found.
    exceptions = run_check("QR004", sample_records).exceptions
    final = _seeded(ground_truth, "missing_ombudsman_details_final")
    extension = _seeded(ground_truth, "missing_ombudsman_details_extension")
    assert final and extension and not final & extension
    assert _found(exceptions[exceptions["final"]]) == final
    assert _found(exceptions[exceptions["extended"]]) == extension
    assert _found(exceptions) == final | extension
    assert {stage for _, stage in final} == {"1", "2", "3"} and {stage for _, stage in extension} == {"1"}
    assert {case[:4] for case, stage in final if stage == "1"} == {"ASC-"}  # a Stage 1 final: adult social care's


def test_qr005_finds_exactly_the_seeded_jargon_letters(sample_records, ground_truth):
    result = run_check("QR005", sample_records)
    assert _found(result.exceptions) == _seeded(ground_truth, "jargon_responses")


def test_qr006_finds_exactly_the_seeded_boilerplate_letters(sample_records, ground_truth):
    # QR006 lists every letter whose closest letter on another complaint is near-identical, once,
    # naming that letter as its partner: a pair of copies gives two rows, one each way, and n
    # copies of one template give n rows, each naming another copy. The seeded template went to
    # one category's Stage 1 complaints, identical once names, dates and references are masked
    # (100%). Every other letter has a paragraph of its own case's facts, so none is near-identical
    # to anything: no letter outside the seeded set is listed or named as a partner, and the rows
    # are exactly the seeded set, one each.
    result = run_check("QR006", sample_records)
    seeded = _seeded(ground_truth, "boilerplate_responses")
    exceptions = result.exceptions
    assert len(seeded) >= 12 and {stage for _, stage in seeded} == {"1"}
    assert _found(exceptions) == seeded and len(exceptions) == len(seeded)
    assert set(zip(exceptions["similar_case"], exceptions["similar_stage"], strict=True)) <= seeded
    assert (exceptions["similar_case"] != exceptions["case_id"]).all()
    assert (exceptions["similarity_percent"] == 100).all()
    assert len({case["category"] for case in ground_truth["problems"]["boilerplate_responses"]["cases"]}) == 1
    assert result.metrics["near_identical"] == len(seeded)


def test_qr005_one_letter_in_officialese_among_many_is_amber_with_its_case_listed():
    """1 of 12 letters (8.3%) is under QR005's amber_above of 10; a letter its reader can follow is owed to each."""
    plain = letter("I uphold your complaint. We missed your bin three times. I am sorry. We have now collected it.")
    dense = letter("Having given due consideration to the totality of the documentary evidence, the Council has "
                   "determined that your representations are substantiated, insofar as the organisation's operational "
                   "performance constituted a deviation from established expectations.")
    rows = [answered(case_id=f"P{n}", response_text=plain) for n in range(11)]
    result = run_check("QR005", canonical_records(*rows, answered(case_id="D1", response_text=dense)))
    assert (result.status, result.exceptions["case_id"].tolist()) == ("warn", ["D1"])
    assert result.finding.startswith("1 of 12 response letters (8.3%) scored below 50 for reading ease")
    assert run_check("QR005", canonical_records(*rows)).status == "pass"


def test_adult_social_care_letters_come_from_its_letter_files_and_are_assessed(sample_records, ground_truth):
    # The register has no letter column: every adult social care letter the checks read came from
    # a file in sample_data/letters/ that should match (ground truth), and no other case has text.
    # The two cases whose files cannot be used (two versions; a legacy .doc) are counted as
    # responses without text, not read.
    letters = ground_truth["letters"]
    matched = {entry["case_id"] for entry in letters["matched"].values()}
    not_used = {entry["case_id"] for entry in letters["unmatched"] if entry["reason"] != "no_such_case"}
    adults = sample_records[sample_records["process"].astype("str").eq("adult_social_care")]
    has_text = adults["response_text"].fillna("").str.strip().ne("")
    assert set(adults.loc[has_text, "case_id"]) == matched and len(matched) == len(letters["matched"]) == 317
    assert set(adults.loc[~has_text & adults["responded"].notna() & adults["stage"].astype("str").eq("1"),
                          "case_id"]) == not_used
    result = run_check("QR005", sample_records)  # every response with text is read for plain language
    segments = result.segments.table
    assessed = segments.loc[segments["team"].eq("Adult Social Care Complaints"), "assessed"].sum()
    # The corporate export's Stage 3 reviews (a third stage, issue 17) have no letter column: answered, without text.
    third_stages = len(ground_truth["problems"]["third_stage"]["cases"])
    assert assessed == len(matched) and result.metrics["without_text"] == len(not_used) + third_stages == 2 + 3
    # QR007 says whose responses they are, for the report's "what this assessment could not test".
    assert run_check("QR007", sample_records).metrics["without_text_by_process"] == {
        "adult_social_care": len(not_used), "corporate": third_stages}


def test_qr009_to_qr011_find_exactly_the_seeded_letters(sample_records, ground_truth):
    """Each seeded letter lacks one element; every other decided letter (corporate, housing, children's and adult
    social care's letter files) defines the complaint, gives reasons and dates its outstanding action."""
    for code, problem in (("QR009", "missing_complaint_definition"), ("QR010", "missing_decision_reasons"),
                          ("QR011", "missing_action_date")):
        seeded = _seeded(ground_truth, problem)
        assert len(seeded) >= 10 and {stage for _, stage in seeded} == {"1", "2"}, problem
        assert _found(run_check(code, sample_records).exceptions) == seeded, code
