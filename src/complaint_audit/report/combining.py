"""The report's words on how a source's rows were combined into records, per source (section 2, Scope and method).

A reader who counts the export's rows and finds fewer cases in the report must be told why:
which rows were taken together, how many, and which value of each field the record kept.
The rules come from the run's manifest (each input's resolved [combine] rules), not a copy.
"""

from __future__ import annotations

from complaint_audit.report.text import number
from complaint_audit.schema import MOST_SERIOUS_FIRST

_RULE_WORDS = {
    "most_serious": "the most serious recorded (" + ", then ".join(o.replace("_", " ") for o in MOST_SERIOUS_FIRST) + ")",
    "earliest": "the earliest date",
    "latest": "the latest date",
    "first": "the first value given",
    "most_frequent": "the value given most often",
    "all": "every different value, listed",
    "max": "the largest amount",
    "min": "the smallest amount",
    "sum": "the total",
}


def combining(inputs: list[dict], count=number) -> list[dict]:
    """One {path, text} per input whose profile combines rows; `count` formats the counts."""
    return [{"path": item["path"], "text": _sentence(item, count)} for item in inputs if item.get("combine") is not None]


def _sentence(item: dict, count) -> str:
    rows, records = item.get("combined_rows", 0), item.get("combined_records", 0)
    if not rows:
        return (f"{item['path']}: its profile combines the rows of one case and stage into one record, "
                "but no case and stage had more than one row.")
    by_rule: dict[str, list[str]] = {}
    for field_name, rule in item["combine"].items():
        by_rule.setdefault(rule, []).append(field_name.replace("_", " "))
    rules = "; ".join(f"{_listed(by_rule[rule])}: {words}" for rule, words in _RULE_WORDS.items() if rule in by_rule)
    return (f"{item['path']}: the export has several rows for some cases (one per allegation, finding or action). "
            f"{count(rows)} such rows were combined into {count(records)} {'record' if records == 1 else 'records'}, one per "
            f"case and stage, so that each "
            f"case is counted once. Each record took, of its rows' values, {rules}. Every record keeps the number "
            "of rows it combines.")


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
