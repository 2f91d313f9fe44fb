"""QR008 on a crafted review: exact rates per criterion, agreement with QR001-QR005, the cases rated not met."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.engine.contract import AuditData
from complaint_audit.engine.registry import discover
from complaint_audit.engine.runner import run_checks
from complaint_audit.report.manual_review import NOT_IMPORTED, manual_evidence
from complaint_audit.review.scores import SCORE_COLUMNS
from tests.builders import canonical_records

STAGE_2 = "If you are unhappy with this response, you can ask for your complaint to go to Stage 2."


def letter(*sentences: str) -> str:
    body = "Thank you for your complaint about your bins. " + " ".join(sentences)
    return f"Mr A [name]\n1 High Street\n\nDear Mr [name],\n\n{body}\n\nYours sincerely,\n\nTeam Leader"


def records() -> pd.DataFrame:
    """C1 a good letter; C2 no apology; C3 a final response without the ombudsman; C4 no letter text."""
    return canonical_records(
        {"case_id": "C1", "outcome": "upheld", "responded": "2023-04-10", "response_text": letter(
            "I uphold your complaint. I am sorry we missed your bin. To put things right we collected it.", STAGE_2)},
        {"case_id": "C2", "outcome": "upheld", "responded": "2023-04-10", "response_text": letter(
            "I uphold your complaint. To put things right we collected your bin.", STAGE_2)},
        {"case_id": "C3", "stage": "2", "team": "Team B", "outcome": "not_upheld", "responded": "2023-05-10",
         "response_text": letter("I do not uphold your complaint. This is our final response.")},
        {"case_id": "C4", "team": "Team B", "outcome": "upheld", "responded": "2023-04-10"},
    )


def reviews() -> pd.DataFrame:
    """The reviewers' scores of C1-C4 in the stored (long) shape."""
    scored = {
        ("C1", "1", "Team A", "AB", "2025-03-03"): ["met", "met", "partly", "not applicable", "met", "met", "not applicable"],
        ("C2", "1", "Team A", "AB", "2025-03-04"): ["met", "not met", "met", None, "met", "partly", None],
        ("C3", "2", "Team B", "CD", "2025-03-10"): ["met", "not applicable", "not applicable", None, "not met", "met", None],
        ("C4", "1", "Team B", "CD", "2025-03-05"): ["not met", "not met", None, None, None, None, None],
    }
    titles = ["Decision stated", "Apology where at fault", "Remedy and what will change", "Outstanding actions with dates",
              "How to escalate / ombudsman details", "Plain language", "Children's Stage 2: senior decision on each point"]
    rows = [
        {"organisation": "Testshire Council", "case_id": case, "stage": stage, "team": team, "criterion": title,
         "score": score, "reviewer": reviewer, "review_date": pd.Timestamp(date), "workbook": "review.xlsx", "row": number}
        for number, ((case, stage, team, reviewer, date), scores) in enumerate(scored.items(), start=2)
        for title, score in zip(titles, scores, strict=True) if score
    ]
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def run_qr008(scores: pd.DataFrame | None, **params):
    data = AuditData(records(), WorkingCalendar("england"), dt.date(2024, 3, 31), scores)
    (outcome,) = run_checks(data, [discover()["QR008"]], {"QR008": params})
    return outcome.result


def test_qr008_rates_per_criterion_and_agreement_with_the_automatic_checks():
    result = run_qr008(reviews())
    metrics = result.metrics
    assert (metrics["assessed"], metrics["failing"], metrics["percent_failing"], metrics["cases_reviewed"]) == (4, 3, 75.0, 4)
    assert (metrics["reviewers"], metrics["reviewer_names"], metrics["first_review"], metrics["last_review"]) == (
        2, "AB, CD", "2025-03-03", "2025-03-10")
    assert {name: metrics[f"percent_{name}_met"] for name in (
        "decision", "apology", "remedy", "outstanding_actions", "escalation", "plain_language", "childrens_stage_2")} == {
        "decision": 75.0, "apology": 33.3, "remedy": 50.0, "outstanding_actions": None, "escalation": 66.7,
        "plain_language": 66.7, "childrens_stage_2": None,
    }
    # Remedy: C1 partly against the automatic met disagrees; plain language: C2 partly against met disagrees.
    # C4 has no letter text and C3's apology and remedy do not apply, so they are not compared.
    assert (metrics["compared"], metrics["agreeing"], metrics["percent_agreement"]) == (13, 11, 84.6)
    assert {name: metrics[f"percent_{name}_agreement"] for name in ("decision", "apology", "remedy", "escalation",
                                                                     "plain_language")} == {
        "decision": 100.0, "apology": 100.0, "remedy": 50.0, "escalation": 100.0, "plain_language": 66.7,
    }
    assert result.status == "fail"
    assert result.finding == (
        "3 of 4 sampled responses were rated not met on at least one criterion by the reviewers (manual "
        "evidence: 2 reviewers, 3 March 2025 to 10 March 2025; 4 responses scored). Rated met, by criterion: decision "
        "stated 3 of 4, apology where at fault 1 of 3, remedy and what will change 1 of 2, how to escalate / ombudsman "
        "details 2 of 3, plain language 2 of 3. Where an automatic check judges the same criterion on the same letter, "
        "reviewers agreed with it on 11 of 13 ratings (84.6%). The evidence is thin: this grade rests on 4 of them, "
        "fewer than 10."
    )


def test_qr008_exceptions_are_the_cases_rated_not_met():
    table = run_qr008(reviews()).exceptions
    assert table[["check", "case_id", "stage", "team", "reason", "reviewer"]].values.tolist() == [
        ["QR008", "C2", "1", "Team A", "rated not met by the reviewer: Apology where at fault", "AB"],
        ["QR008", "C3", "2", "Team B", "rated not met by the reviewer: How to escalate / ombudsman details", "CD"],
        ["QR008", "C4", "1", "Team B", "rated not met by the reviewer: Decision stated, Apology where at fault", "CD"],
    ]


def test_qr008_agreement_follows_the_automatic_checks_parameters():
    # With a reading ease no letter reaches, the automatic check says every letter fails plain language:
    # the reviewers' two 'met' now disagree and C2's 'partly' agrees.
    metrics = run_qr008(reviews(), min_reading_ease=200.0).metrics
    assert (metrics["percent_plain_language_agreement"], metrics["agreeing"], metrics["compared"]) == (33.3, 10, 13)


def test_qr008_is_not_applicable_without_imported_reviews():
    assert run_qr008(None).finding == (
        "Not applicable: no reviewer scores imported (complaint-audit reviews import, or [reviews] files in audit.toml).")
    empty = run_qr008(reviews().iloc[0:0])
    assert (empty.status, empty.finding) == ("not_applicable", "Not applicable: the imported review workbooks hold no scored response.")


def test_qr008_figures_become_the_reports_manual_evidence_tables():
    result = run_qr008(reviews())
    automatic = {check.review_criterion: code for code, check in discover().items() if check.review_criterion}
    section = manual_evidence(reviews(), {"status": result.status.value, "metrics": dict(result.metrics)}, automatic)
    assert section["summary"].startswith(
        "Manual evidence: 2 reviewers (AB, CD) scored 4 sampled responses between 3 March 2025 and 10 March 2025")
    assert section["criteria"]["rows"] == [
        ["Decision stated", "4", "4", "75.0%", "0.0%", "25.0%", "0", "QR002", "100.0%"],
        ["Apology where at fault", "4", "3", "33.3%", "0.0%", "66.7%", "1", "QR001", "100.0%"],
        ["Remedy and what will change", "3", "2", "50.0%", "50.0%", "0.0%", "1", "QR003", "50.0%"],
        ["Outstanding actions with dates", "1", "0", "–", "–", "–", "1", "QR011", "–"],
        ["How to escalate / ombudsman details", "3", "3", "66.7%", "0.0%", "33.3%", "0", "QR004", "100.0%"],
        ["Plain language", "3", "3", "66.7%", "33.3%", "0.0%", "0", "QR005", "66.7%"],
        ["Children's Stage 2: senior decision on each point", "1", "0", "–", "–", "–", "1", "none", "–"],
    ]
    # Team A: C1 and C2, 10 ratings (C1's two not applicable left out); Team B: C3 and C4, 5 ratings.
    assert section["teams"]["rows"] == [
        ["Team A", "2", "10", "70.0%", "20.0%", "10.0%"],
        ["Team B", "2", "5", "40.0%", "0.0%", "60.0%"],
    ]
    assert section["agreement"] == (
        "Agreement with the automatic checks: where a reviewer and an automatic check (QR001 to QR005, QR011) judged the same "
        "criterion on the same letter, they agreed on 11 of 13 ratings (84.6%); 'partly' counts as not met.")
    assert manual_evidence(None, None, automatic) == {"available": False, "note": NOT_IMPORTED}
