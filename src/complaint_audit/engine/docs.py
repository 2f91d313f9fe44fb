"""Each check's documentation page, from its class: shown by `checks explain`, gathered in docs/checks.md."""

from __future__ import annotations

import inspect
import json

from complaint_audit.engine.contract import DOC_SECTIONS, Check
from complaint_audit.engine.judging import SMALL_BASE
from complaint_audit.engine.params import param_types
from complaint_audit.engine.remedies import REMEDIES_GUIDANCE
from complaint_audit.schema import PROCESS_WORDS


def doc_sections(check: type[Check]) -> dict[str, str]:
    """The docstring's summary line and its three sections: What it checks, Why it matters, How to fix."""
    text = inspect.cleandoc(check.__doc__ or "")
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    sections = {"summary": paragraphs[0] if paragraphs else ""}
    for paragraph in paragraphs[1:]:
        for heading in DOC_SECTIONS:
            if paragraph.startswith(heading + ":"):
                sections[heading] = paragraph.removeprefix(heading + ":").strip()
    return sections


def check_page(check: type[Check]) -> str:
    """One check as Markdown: identity, rule, source, the three sections, parameters."""
    sections = doc_sections(check)
    lines = [
        f"## {check.code}: {check.title}",
        "",
        f"*Area:* {check.area}. *Rule:* {check.rule} *Source:* {check.source}",
        "",
    ]
    for heading in DOC_SECTIONS:
        lines += [f"**{heading}:** {sections.get(heading, '')}", ""]
    lines += [f"*Counted over:* {_denominator(check)}", ""]
    lines += [f"*Graded:* {_grading(check)}", ""]
    lines += [f"*Standard:* {_standards(check)}", ""]
    if check.remedy:
        lines += [f"*Putting things right:* {_remedy(check)}", ""]
    if check.requires:
        lines += [f"*Needs the fields:* {', '.join(check.requires)}.", ""]
    if check.params:
        types = param_types(check)
        lines += ["| parameter | default | allowed |", "| --- | --- | --- |"]
        lines += [f"| `{name}` | `{json.dumps(value)}` | {types[name].describe()} |" for name, value in check.params.items()]
        lines.append("")
    return "\n".join(lines)


def _denominator(check: type[Check]) -> str:
    """What one assessed unit is and which are assessed: the base of every share the check gives."""
    if check.denominator:
        return check.denominator[:1].upper() + check.denominator[1:].rstrip(".") + "."
    return f"not declared: the share is over the check's `{check.tally[1]}` metric."


def _grading(check: type[Check]) -> str:
    """How the check's result becomes its grade (engine/judging.py), in a sentence."""
    if check.case_level:
        how = ("a duty owed to each complainant: any failing case counts on its own (a fault where a statutory "
               "scheme or a code in force judged it), so the grade is at least amber whatever the share; green only "
               "where no case fails.")
    elif "amber_above" in check.params:
        how = "as a rate: amber above `amber_above` percent failing, red above `red_above`."
    else:
        how = "by the check's own rule (see What it checks)."
    if check.segments:
        *first, last = ("organisation", *check.segments)
        how += (f" By segment too (by {', '.join(first)} and {last}): the worst segment of at "
                f"least {SMALL_BASE} cases sets the grade where it is worse than the pool and fails more often than the "
                "rest of the pool beyond chance, and heads the finding with the pooled rate beside it.")
    return how + (f" Where fewer than {SMALL_BASE} cases are assessed, the finding gives counts, not a percentage, "
                  "and says the evidence is thin.")


def _standards(check: type[Check]) -> str:
    """The standards the check applies, each with the processes it governs and the date it applies from."""
    if not check.standards:
        return "none declared, so a shortfall is good practice missed, never fault."
    parts = []
    for standard in check.standards:
        scope = (f", {' and '.join(PROCESS_WORDS.get(name, name) for name in sorted(standard.processes))} records"
                 if standard.processes else "")
        since = f", from {standard.in_force_from:%-d %B %Y}" if standard.in_force_from else ""
        parts.append(f"{standard.name} ({standard.force}{since}{scope}; {standard.source})")
    kind = f" Kind of fault: {check.fault_type or 'none (a check of the records)'}."
    return "; ".join(parts) + "." + kind


def _remedy(check: type[Check]) -> str:
    """The remedy template as a reader sees it, its placeholders named."""
    shortfall = f", a median of M {check.shortfall.unit}, range A to B" if check.shortfall else ""
    return check.remedy.format(people="the N people", shortfall=shortfall, guidance=REMEDIES_GUIDANCE)


def catalogue(checks: list[type[Check]]) -> str:
    """docs/checks.md: every check's page, in code order."""
    header = [
        "# The checks",
        "",
        "Generated by `complaint-audit checks docs` from the checks themselves; do not edit by hand.",
        "Override any parameter in audit.toml under `[checks.params.CODE]`; choose checks with",
        "`[checks] select` and `ignore` (codes or prefixes).",
        "",
        "Each check names the standards it applies. A record is judged by the first that governs its process, as it",
        "stood on the record's received date: a breach of a statutory scheme (the children's and adults' regulations,",
        "throughout) or of a code in force (the Housing Ombudsman's code from 1 April 2024, the LGSCO's from 1 April",
        "2026) is fault; before a code applies, the same rule stands for the council's own procedure (the parameters'",
        "defaults are the code's) and a shortfall is not called fault, nor is one of a local policy or good practice.",
        "A red or amber result with cases carries a remedy for the people affected (N: its distinct cases; M, A and B:",
        "the median and range of how far they fell short, where its exceptions say).",
        "Each check's *Counted over* line is the base of its shares: what one assessed unit is (a stage record, a case,",
        "a letter, a group) and which ones are counted.",
        "A check graded by segment (its *Graded* line names the columns) grades each segment of at least",
        f"{SMALL_BASE} cases by the check's thresholds, but a segment sets the grade and heads the finding only",
        "where it fails more often than the rest of the pool beyond chance: a one-sided Fisher's exact test",
        "of the segment against the rest, with Holm's correction across every segment of that size, at the",
        "check's `alpha` (0.05 unless it sets one). Without that gate a problem spread evenly would turn",
        "amber wherever one of many segments happened to run high. A segment that runs high but could be",
        "chance is listed in results.json (`segments.groups`, with `beyond_chance` false and its",
        "`p_adjusted`) and named in the finding as such.",
        "",
        "| code | title | area |",
        "| --- | --- | --- |",
        *(f"| [{c.code}](#{c.code.lower()}-{_anchor(c.title)}) | {c.title} | {c.area} |" for c in checks),
        "",
    ]
    return "\n".join(header + [check_page(check) for check in checks])


def _anchor(title: str) -> str:
    return "".join(ch for ch in title.lower().replace(" ", "-") if ch.isalnum() or ch == "-")
