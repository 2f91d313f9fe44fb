"""What each comparison chart shows, as small lists of numbers with a title and a description in words.

The report's own charts, one bar (or pair of bars) per organisation instead of per team. The
description is the chart's accessible text and the Markdown's stand-in for it, so it names
every number drawn.
"""

from __future__ import annotations

import pandas as pd

from complaint_audit.compare.figures import Figure, metric_reader
from complaint_audit.compare.runs import OrganisationRun
from complaint_audit.report.text import number, percent

STATUSES = {"fail": "red (fail)", "warn": "amber (warn)", "pass": "green (pass)",
            "not_applicable": "not applicable", "error": "error"}


def comparison_charts(runs: list[OrganisationRun], figures: tuple[Figure, ...], values: pd.DataFrame,
                      order: list[str]) -> dict[str, dict]:
    """Every chart with something to show, keyed by name; organisations in `order` (best overall first).

    The on-time chart shows the figures whose checks gave them a label in it; each check that declares
    a chart (`chart` in results.json) gets its two metrics side by side, and each figure declared with
    a chart its own bar chart."""
    by_name = {run.organisation: run for run in runs}
    ordered = [by_name[name] for name in order]
    charts = {
        "on_time": _on_time(values.loc[order], {figure.key: figure.on_time_label for figure in figures
                                                if figure.on_time_label}),
        **{key: _pairs(ordered, code, chart) for key, (code, chart) in _declared_charts(runs).items()},
        **{figure.key: _single(values.loc[order, figure.key], figure.label, figure.chart)
           for figure in figures if figure.chart},
        "checks": _checks(ordered),
    }
    return {name: chart for name, chart in charts.items() if chart}


def _declared_charts(runs: list[OrganisationRun]) -> dict[str, tuple[str, dict]]:
    """The charts the runs' checks declare, by key: (the check's code, the declaration), first run first."""
    charts: dict[str, tuple[str, dict]] = {}
    for run in runs:
        for entry in run.results["checks"]:
            if entry.get("chart"):
                charts.setdefault(entry["chart"]["key"], (entry["code"], entry["chart"]))
    return charts


def _maybe(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _on_time(values: pd.DataFrame, labels: dict[str, str]) -> dict | None:
    shown = {key: label for key, label in labels.items() if values[key].notna().any()}
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


def _pairs(runs, code: str, chart: dict) -> dict | None:
    """Two of one check's metrics side by side per organisation, for organisations where the check measured both."""
    labels, title, what, show = chart["labels"], chart["title"], chart["description"], percent if chart["percent"] else number
    readers = [metric_reader(code, name) for name in chart["metrics"]]
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
