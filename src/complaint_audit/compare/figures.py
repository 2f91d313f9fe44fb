"""The headline figures compared across organisations, each read from a run's results.json or manifest.

Which figures a check contributes is the check's own declaration (`trend_figures` in results.json),
so a new check's figures are compared without a change here.

Every figure is one the run's own checks computed (or the load's counts), never a second
calculation, so a comparison agrees with each organisation's own report. A figure whose check
did not run, was not applicable or failed with an error is missing for that organisation ("–"),
not zero. `better` says which way is better for the ranking: higher, lower, or nearer zero (the
fast-tracking gap: members answered slower than the public is not better handling either).
`scored` figures make up the overall rank; the others are shown and ranked but describe the
checks and the data rather than how complaints were handled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from complaint_audit.compare.runs import OrganisationRun

HIGHER, LOWER, NEARER_ZERO = "higher", "lower", "nearer zero"
PERCENT, WORKING_DAYS, COUNT = "percent", "working days", "count"
_MEASURED = ("pass", "warn", "fail")


@dataclass(frozen=True)
class Figure:
    """One headline figure: how to read it from a run, which way is better, and how far off counts as an outlier."""

    key: str
    label: str
    unit: str
    better: str | None
    scored: bool
    material: float  # an outlier must also be at least this far from the median (in the figure's unit)
    source: str
    read: Callable[[OrganisationRun], float | None]
    on_time_label: str | None = None  # its bar's label in the chart of responses on time (None: not in it)
    chart: str | None = None  # the description of its own bar chart (None: it has none)


def metric_reader(code: str, name: str, complement: bool = False) -> Callable[[OrganisationRun], float | None]:
    """A check's metric (or 100 minus it), where the check ran and measured something."""

    def read(run: OrganisationRun) -> float | None:
        entry = run.checks.get(code)
        if not entry or entry["status"] not in _MEASURED:
            return None
        value = entry["metrics"].get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        return round(100.0 - value, 1) if complement else float(value)

    return read


def _status_count(*statuses: str) -> Callable[[OrganisationRun], float]:
    def read(run: OrganisationRun) -> float:
        return float(sum(run.results["summary"]["by_status"].get(status, 0) for status in statuses))

    return read


def _inputs_total(run: OrganisationRun, key: str) -> int:
    return sum(int(entry.get(key) or 0) for entry in run.manifest.inputs)


def _quarantine_rate(run: OrganisationRun) -> float | None:
    read = _inputs_total(run, "read")
    return round(100.0 * _inputs_total(run, "quarantined") / read, 1) if read else None


def _stage_records(run: OrganisationRun) -> float | None:
    return float(_inputs_total(run, "loaded")) if run.manifest.inputs else None


def _declared(code: str, declared: dict) -> Figure:
    """A figure a check declares (its `trend_figures` in results.json): a metric of the check, or 100 minus it."""
    metric, complement = declared["metric"], declared["complement"]
    source = f"{code}: 100 minus {metric}" if complement else f"{code} {metric}"
    return Figure(declared["key"], declared["label"], declared["unit"], declared["better"], True, declared["material"],
                  source, metric_reader(code, metric, complement), declared.get("on_time_label"), declared.get("chart"))


# fmt: off
# The figures of every run, not of one check: they describe the checks and the data and are not scored.
RUN_FIGURES = (
    Figure("checks_failed", "Checks red (fail)", COUNT, LOWER, False, 2.0,
           "results.json summary.by_status.fail", _status_count("fail")),
    Figure("checks_warned", "Checks amber (warn)", COUNT, LOWER, False, 2.0,
           "results.json summary.by_status.warn", _status_count("warn")),
    Figure("checks_passed", "Checks green (pass)", COUNT, HIGHER, False, 2.0,
           "results.json summary.by_status.pass", _status_count("pass")),
    Figure("checks_not_measured", "Checks not applicable or in error", COUNT, None, False, 0.0,
           "results.json summary.by_status.not_applicable + error", _status_count("not_applicable", "error")),
    Figure("quarantine_rate", "Rows quarantined at load", PERCENT, LOWER, False, 1.0,
           "manifest.json inputs: quarantined / read", _quarantine_rate),
    Figure("stage_records", "Complaint stage records loaded", COUNT, None, False, 0.0,
           "manifest.json inputs: loaded", _stage_records),
)
# fmt: on


def compared_figures(runs: list[OrganisationRun]) -> tuple[Figure, ...]:
    """The figures the runs' checks declare, each once in the order the checks ran, then RUN_FIGURES.

    Read from each run's results.json, so a run's own checks (a local one too) say what is compared."""
    declared: dict[str, Figure] = {}
    for run in runs:
        for entry in run.results["checks"]:
            for figure in entry.get("trend_figures") or []:
                declared.setdefault(figure["key"], _declared(entry["code"], figure))
    return (*declared.values(), *RUN_FIGURES)


def scored(figures: tuple[Figure, ...]) -> tuple[str, ...]:
    """The keys of the figures that make up the overall rank."""
    return tuple(figure.key for figure in figures if figure.scored)


def figure_values(runs: list[OrganisationRun], figures: tuple[Figure, ...]) -> pd.DataFrame:
    """One row per organisation (in the order given), one float column per figure; NaN where missing."""
    rows = {run.organisation: {figure.key: figure.read(run) for figure in figures} for run in runs}
    return pd.DataFrame.from_dict(rows, orient="index", columns=[figure.key for figure in figures], dtype="float64")
