"""What each comparison chart shows, as small lists of numbers with a title and a description in words.

The report's own charts, one bar (or pair of bars) per organisation instead of per team. The
description is the chart's accessible text and the Markdown's stand-in for it, so it names
every number drawn.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.compare.figures import metric_reader
from complaint_audit.compare.runs import OrganisationRun
from complaint_audit.report.text import number, percent

_ON_TIME = {
    "stage1_on_time": "Corporate and housing Stage 1", "stage2_on_time": "Corporate and housing Stage 2",
    "adults_on_time": "Adult social care", "childrens_stage1_on_time": "Children's Stage 1",
    "childrens_stage2_on_time": "Children's Stage 2 (to the adjudication)",
}
STATUSES = {"fail": "red (fail)", "warn": "amber (warn)", "pass": "green (pass)",
            "not_applicable": "not applicable", "error": "error"}


def comparison_charts(runs: list[OrganisationRun], values: pd.DataFrame, order: list[str]) -> dict[str, dict]:
    """Every chart with something to show, keyed by name; organisations in `order` (best overall first)."""
    by_name = {run.organisation: run for run in runs}
    ordered = [by_name[name] for name in order]
    charts = {
        "on_time": _on_time(values.loc[order]),
        "members": _pairs(ordered, "FT001", ("member_median", "public_median"), ("MPs and councillors", "Public"),
                          "Median working days to respond: MPs and councillors against the public",
                          "Bar chart of the median working days from receipt to response, for complaints from MPs and "
                          "councillors and from the public, in the processes and stages FT001 compared", number),
        "childrens_stage2": _pairs(
            ordered, "CSC002", ("percent_on_time_as_recorded", "percent_on_time_as_required"),
            ("As recorded (to the report)", "As required (to the adjudication)"),
            "Children's Stage 2 on time: as recorded against as required",
            "Bar chart of children's Stage 2 complaints on time as each system records them (to the investigating "
            "officer's report) and as the regulations require (to the adjudication letter)", percent),
        "learning": _single(values.loc[order, "learning_recorded"], "Upheld complaints with learning recorded",
                            "Bar chart of the percentage of upheld or partly upheld complaints with learning recorded "
                            "(LN001)"),
        "checks": _checks(ordered),
    }
    return {name: chart for name, chart in charts.items() if chart}


def _maybe(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _on_time(values: pd.DataFrame) -> dict | None:
    shown = {key: label for key, label in _ON_TIME.items() if values[key].notna().any()}
    if not shown:
        return None
    series = {name: [_maybe(values.loc[name, key]) for key in shown] for name in values.index}
    described = "; ".join(
        f"{name}: " + ", ".join(f"{label} {percent(value)}" for label, value in zip(shown.values(), row, strict=True)
                                if value is not None)
        for name, row in series.items())
    return {
        "title": "Responses on time, by process and stage",
        "description": ("Horizontal bar chart of the percentage of responses sent on time, for each process and "
                        f"stage, one bar per organisation. {described}."),
        "labels": list(shown.values()), "organisations": series,
    }


def _pairs(runs, code: str, metrics: tuple[str, str], labels: tuple[str, str], title: str, what: str,
           show) -> dict | None:
    """Two of one check's metrics side by side per organisation, for organisations where the check measured both."""
    readers = [metric_reader(code, name) for name in metrics]
    pairs = {run.organisation: [read(run) for read in readers] for run in runs}
    pairs = {name: values for name, values in pairs.items() if None not in values}
    if not pairs:
        return None
    described = "; ".join(f"{name}: {labels[0]} {show(first)}, {labels[1]} {show(second)}"
                          for name, (first, second) in pairs.items())
    return {"title": title, "description": f"{what}. {described}.", "labels": list(labels),
            "organisations": list(pairs), "first": [v[0] for v in pairs.values()],
            "second": [v[1] for v in pairs.values()], "percent": show is percent}


def _single(column: pd.Series, title: str, what: str) -> dict | None:
    present = column.dropna()
    if present.empty:
        return None
    described = "; ".join(f"{name} {percent(value)}" for name, value in present.items())
    return {"title": title, "description": f"{what}: {described}.", "organisations": list(present.index),
            "values": [float(value) for value in present]}


def _checks(runs: list[OrganisationRun]) -> dict:
    counts = {status: [int(run.results["summary"]["by_status"].get(status, 0)) for run in runs] for status in STATUSES}
    described = "; ".join(
        f"{run.organisation}: " + ", ".join(f"{counts[status][index]} {words}" for status, words in STATUSES.items()
                                             if counts[status][index])
        for index, run in enumerate(runs))
    return {
        "title": "Checks by status",
        "description": f"Stacked bar chart of each organisation's checks by status. {described}.",
        "organisations": [run.organisation for run in runs], "statuses": counts,
    }
