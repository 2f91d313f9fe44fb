"""LN checks on hand-made records with exact exceptions, and on the seeded sample data."""

from __future__ import annotations

from complaint_audit.checks.learning import learning_recorded
from tests.builders import canonical_records, run_check


def rows_of(result) -> list[list[str]]:
    return result.exceptions[["case_id", "stage", "reason"]].values.tolist()


def test_ln001_upheld_stages_without_learning_are_exceptions():
    records = canonical_records(
        {"case_id": "C1", "outcome": "upheld", "learning": "Check crew route lists monthly"},
        {"case_id": "C2", "outcome": "upheld"},
        {"case_id": "C3", "outcome": "partly_upheld", "learning": "N/A"},
        {"case_id": "C4", "outcome": "not_upheld"},
        {"case_id": "C5", "stage": "ombudsman", "outcome": "upheld"},
    )
    result = run_check("LN001", records)
    assert rows_of(result) == [
        ["C2", "1", "upheld with no learning recorded"],
        ["C3", "1", "partly upheld with no learning recorded"],
    ]
    assert dict(result.metrics) == {"upheld": 3, "without_learning": 2, "percent_without_learning": 66.7}
    assert result.status == "fail"
    assert result.finding == ("2 of 3 upheld or partly upheld complaint stages recorded no learning. The evidence is "
                              "thin: this grade rests on 3 of them, fewer than 10.")


def test_ln001_placeholders_do_not_count_as_learning():
    records = canonical_records(*({"learning": value} for value in
                                  ["n/a", " None ", "-", "No learning identified", "TBC", None, "", "Train staff"]))
    assert learning_recorded(records).tolist() == [False] * 7 + [True]


def test_ln001_is_not_applicable_without_upheld_stages():
    result = run_check("LN001", canonical_records({"outcome": "not_upheld", "learning": "Explain the policy"}))
    assert result.finding == "Not applicable: no upheld or partly upheld complaint stages."
    assert run_check("LN001", canonical_records({"outcome": "upheld"})).finding == "Not applicable: field learning not provided."


def _actions():
    return canonical_records(
        {"case_id": "C1", "action_due": "2024-01-10", "learning": "a"},
        {"case_id": "C2", "action_due": "2024-01-10", "action_done": "2024-01-05", "learning": "b"},
        {"case_id": "C3", "action_due": "2024-05-01", "learning": "c"},
        {"case_id": "C4", "action_due": "2024-02-01", "action_done": "2024-04-15", "learning": "d"},
        {"case_id": "C5", "action_due": "2023-12-01", "learning": "e"},
        {"case_id": "C5", "stage": "2", "action_due": "2023-12-01", "learning": "e"},
    )


def test_ln002_actions_past_their_date_and_not_done_by_the_audit_date():
    result = run_check("LN002", _actions(), as_of="2024-03-31")
    assert rows_of(result) == [
        ["C1", "1", "action due 2024-01-10 not done: 81 days overdue"],
        ["C4", "1", "action due 2024-02-01 not done: 59 days overdue"],
        ["C5", "2", "action due 2023-12-01 not done: 121 days overdue"],
    ]
    assert result.exceptions["days_overdue"].tolist() == [81, 59, 121]
    metrics = result.metrics
    assert (metrics["actions_due"], metrics["overdue"], metrics["percent_overdue"], metrics["median_days_overdue"]) == (4, 3, 75.0, 81.0)
    assert result.status == "fail"
    assert result.finding == ("3 of 4 improvement actions due by 31 March 2024 were not done; the median one is 81 days "
                              "overdue. The evidence is thin: this grade rests on 4 of them, fewer than 10.")


def test_ln002_grace_days_move_the_deadline():
    result = run_check("LN002", _actions(), as_of="2024-03-31", grace_days=60)
    assert result.exceptions["case_id"].tolist() == ["C1", "C5"]
    assert result.metrics["actions_due"] == 3


def test_ln002_is_not_applicable_when_nothing_is_due_yet():
    result = run_check("LN002", canonical_records({"action_due": "2024-06-01"}), as_of="2024-03-31")
    assert result.finding == "Not applicable: no improvement action was due before 2024-03-31."


def _themes():
    waste = [{"case_id": f"W{n}", "category": "Waste", "outcome": "upheld"} for n in range(1, 6)]
    parking = [{"case_id": f"P{n}", "category": "Parking", "outcome": "partly_upheld"} for n in range(1, 6)]
    parking[0]["learning"] = "Check permits before issuing a notice"
    others = [{"case_id": f"B{n}", "team": "Team B", "category": "Waste", "outcome": "upheld"} for n in range(1, 5)]
    escalated = {"case_id": "W5", "stage": "2", "category": "Waste", "outcome": "upheld"}  # one complaint, two stages
    not_upheld = [{"case_id": f"N{n}", "category": "Waste", "outcome": "not_upheld"} for n in range(1, 4)]
    return canonical_records(*waste, escalated, *parking, *others, *not_upheld)


def test_ln003_a_category_upheld_again_and_again_with_no_learning_is_flagged():
    result = run_check("LN003", _themes())
    reason = "Waste upheld or partly upheld in 5 complaints to Team A; learning recorded on 0"
    assert rows_of(result) == [["W1", "1", reason], ["W2", "1", reason], ["W3", "1", reason],
                               ["W4", "1", reason], ["W5", "2", reason]]
    metrics = result.metrics
    assert (metrics["recurring_themes"], metrics["flagged_themes"], metrics["percent_flagged"]) == (2, 1, 50.0)
    assert metrics["complaints_in_flagged_themes"] == 5 and result.status == "fail"
    assert result.finding == ("1 of 2 recurring themes, categories upheld in 5 or more complaints to one team, recorded "
                              "no learning on any of their complaints. The evidence is thin: this grade rests on 2 of "
                              "them, fewer than 10.")


def test_ln003_most_without_learning_is_a_parameter():
    result = run_check("LN003", _themes(), min_share_without_learning=0.5)
    assert sorted(set(result.exceptions["case_id"])) == ["P2", "P3", "P4", "P5", "W1", "W2", "W3", "W4", "W5"]
    assert result.metrics["flagged_themes"] == 2
    assert "recorded no learning on at least 50% of their complaints." in result.finding
    assert run_check("LN003", _themes(), min_occurrences=6).status == "not_applicable"


def test_ln001_finds_exactly_the_seeded_upheld_stages_without_learning(sample_records, ground_truth):
    result = run_check("LN001", sample_records)
    seeded = {(case["case_id"], case["stage"]) for case in ground_truth["problems"]["upheld_no_learning"]["cases"]}
    assert set(zip(result.exceptions["case_id"], result.exceptions["stage"], strict=True)) == seeded


def test_ln001_one_upheld_stage_without_learning_among_many_is_amber_with_its_case_listed():
    """1 of 200 (0.5%) is green as a rate; learning from an upheld complaint is owed to each complainant."""
    records = canonical_records(*({"case_id": f"C{n}", "learning": "Check crew route lists monthly"} for n in range(199)),
                                {"case_id": "X1"}, outcome="upheld")
    result = run_check("LN001", records)
    assert (result.status, result.exceptions["case_id"].tolist()) == ("warn", ["X1"])
    assert result.finding.startswith("1 of 200 upheld or partly upheld complaint stages (0.5%) recorded no learning. "
                                     "That case is")
    everyone = canonical_records(*({"case_id": f"C{n}", "learning": "Train staff"} for n in range(200)), outcome="upheld")
    assert run_check("LN001", everyone).status == "pass"
