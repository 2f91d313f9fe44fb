"""Numbers and names as a committee reads them: formatted once here so templates hold no logic."""

from __future__ import annotations

import datetime as dt
import json
import math
import re

from complaint_audit.schema import PROCESS_WORDS

# Metrics named '<process>_stage_<stage>_<figure>' describe one process and stage group (FT001, FT004).
GROUP_METRIC = re.compile(
    r"^(corporate|housing|adult_social_care|childrens_statutory|other)_stage_(1|2|3|ombudsman)_(.+)$"
)
STAGE_WORDS = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3", "ombudsman": "Ombudsman"}


def number(value) -> str:
    """1234 -> '1,234'; 41.94 -> '41.9'; whole floats lose their '.0'; missing -> '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 0.05 else f"{value:.2g}"
    return str(value)


def percent(value) -> str:
    """A percentage as the checks round it: one decimal, always shown ('100.0%'), so figures match results.json."""
    if value is None:
        return "–"
    return f"{float(value):.1f}%"


def metric_value(name: str, value) -> str:
    """A metric by what its name says it holds: p-values, percentages, effect sizes, counts, text."""
    if isinstance(value, (list, dict)):
        return param_value(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "percentage_points" in name:
            return f"{value:.1f} points"
        if "p_value" in name:
            return "< 0.001" if value < 0.001 else f"{value:.2g}"
        if "percent" in name:
            return percent(value)
        if "effect_size" in name or "similarity" in name:
            return f"{value:.2f}"
    return number(value)


def metric_label(name: str) -> str:
    """'percent_on_time_as_recorded' -> 'Percent on time as recorded'; 'stage2_cases' -> 'Stage 2 cases'."""
    words = re.sub(r"stage(\d)", r"stage \1", name).replace("childrens_", "children's_").replace("_", " ")
    words = re.sub(r"\bstage (\d)", r"Stage \1", words)
    return words[:1].upper() + words[1:]


def param_value(value) -> str:
    """A check parameter as audit.toml would take it: lists and tables in JSON, the rest as numbers or text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return number(value)


def group_label(process: str, stage: str) -> str:
    return f"{PROCESS_WORDS.get(process, process)} {STAGE_WORDS.get(stage, stage)}"


def lower_first(text: str) -> str:
    """'Measure ...' -> 'measure ...' for use inside a sentence; 'MPs ...' and '20 of ...' stay as they are."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def first_sentence(text: str) -> str:
    """The first sentence, without its full stop: findings continue after 'because'."""
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).rstrip(".")


def long_date(value: str | dt.date | None) -> str:
    """'2024-05-16' -> '16 May 2024'."""
    if not value:
        return "–"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def plural(count: int, singular: str) -> str:
    return f"{number(count)} {singular if count == 1 else singular + 's'}"
