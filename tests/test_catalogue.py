"""Meta-tests: every registered check is documented, tested by name, and in docs/checks.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from complaint_audit.engine.contract import DOC_SECTIONS, Area, Check
from complaint_audit.engine.docs import catalogue, check_page, doc_sections
from complaint_audit.engine.registry import discover

REPO = Path(__file__).resolve().parents[1]
CHECKS = list(discover().values())
TEST_NAMES = {
    name for path in (REPO / "tests").rglob("test_*.py") for name in re.findall(r"def (test_\w+)", path.read_text())
}


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_every_check_is_documented(check):
    assert re.fullmatch(r"[A-Z]{2,3}\d{3}", check.code)
    assert check.title and check.rule and check.source and isinstance(check.area, Area)
    sections = doc_sections(check)
    for heading in DOC_SECTIONS:
        assert len(sections.get(heading, "")) > 20, f"{check.code} docstring lacks '{heading}:'"


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_every_check_has_a_test_named_after_its_code(check):
    assert any(check.code.lower() in name for name in TEST_NAMES), f"no test function mentions {check.code.lower()}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_every_built_in_check_says_what_it_counts_over(check):
    """A reader of a share must see its base: what one assessed unit is and which ones are assessed."""
    assert isinstance(check.denominator, str) and len(check.denominator) > 20, f"{check.code} declares no denominator"
    assert not check.denominator.endswith("."), "a noun phrase: the docs end the sentence"
    assert f"*Counted over:* {check.denominator[:1].upper()}{check.denominator[1:]}." in check_page(check)


def test_a_check_without_a_denominator_is_said_to_count_over_its_tally():
    class Local(Check):
        code, title, area, tally = "LC001", "A local check", Area.TIMELINESS, ("late", "answered")
        rule, source = "Answered on time.", "The council's own procedure"

    assert "*Counted over:* not declared: the share is over the check's `answered` metric." in check_page(Local)


def test_docs_checks_md_is_generated_from_the_registry():
    written = (REPO / "docs" / "checks.md").read_text()
    assert written == catalogue(CHECKS), "regenerate with: complaint-audit checks docs > docs/checks.md"
