"""The comparison report's data: plain values and text from the runs, so templates hold no arithmetic."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from complaint_audit import __version__
from complaint_audit.compare.chart_data import comparison_charts
from complaint_audit.compare.figures import (
    HIGHER,
    LOWER,
    NEARER_ZERO,
    PERCENT,
    WORKING_DAYS,
    Figure,
    compared_figures,
    figure_values,
    scored,
)
from complaint_audit.compare.ranking import OUTLIER_Z, figure_ranks, outliers, overall_ranks
from complaint_audit.compare.runs import SelectedRuns
from complaint_audit.report.text import long_date, lower_first, number, percent

_BETTER_WORDS = {HIGHER: "higher is better", LOWER: "lower is better", NEARER_ZERO: "nearer zero is better"}


def ordinal(rank: float | None, tied: bool = False) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'; a shared rank gets '=' in front ('=2nd'); missing -> '–'."""
    if rank is None or pd.isna(rank):
        return "–"
    whole = int(rank)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{'=' if tied else ''}{whole}{suffix}"


def value_text(figure: Figure, value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    if figure.unit == PERCENT:
        return percent(value)
    if figure.unit == WORKING_DAYS:
        return f"{value:g}"
    return number(value)


def comparison_context(selected: SelectedRuns, today: dt.date | None = None) -> dict:
    """Everything the comparison templates print, from the chosen runs."""
    runs = selected.runs
    figures = compared_figures(runs)
    values = figure_values(runs, figures)
    ranks = figure_ranks(values, figures)
    overall = overall_ranks(ranks, scored(figures))
    found = outliers(values, figures)
    by_key = {figure.key: figure for figure in figures}
    order = overall.assign(name=overall.index).sort_values(["overall", "name"], na_position="last").index.tolist()
    by_name = {run.organisation: run for run in runs}
    periods = sorted({run.period for run in runs})
    return {
        "meta": {
            "title": "Complaint handling compared",
            "date": long_date(today or dt.date.today()),
            "tool_version": __version__,
            "count": len(runs),
            "periods": ", ".join(periods),
        },
        "organisations": [_organisation(name, by_name[name], overall.loc[name], overall["overall"]) for name in order],
        "figures": _figure_table(figures, values, ranks, found, order),
        "overall_row": [ordinal(overall.loc[name, "overall"], _tied(overall["overall"], name)) for name in order],
        "outliers": [_outlier_text(by_key[row.figure], row) for row in found.itertuples()],
        "outlier_z": OUTLIER_Z,
        "method": [{"label": figure.label, "source": figure.source, "scored": figure.scored,
                    "better": _BETTER_WORDS.get(figure.better, "not ranked"), "material": _material(figure)}
                   for figure in figures],
        "notes": _notes(selected, periods),
        "charts": comparison_charts(runs, figures, values, order),
    }


def _material(figure: Figure) -> str:
    """How far from the median an outlier must be, in the figure's unit."""
    if figure.better is None:
        return "not ranked"
    units = {PERCENT: "percentage point", WORKING_DAYS: "working day"}
    unit = units.get(figure.unit, "") + ("s" if figure.unit in units and figure.material != 1 else "")
    return f"{figure.material:g} {unit}".strip() + " from the median"


def _tied(column: pd.Series, name: str) -> bool:
    rank = column[name]
    return not pd.isna(rank) and int(column.eq(rank).sum()) > 1


def _organisation(name: str, run, overall: pd.Series, all_overall: pd.Series) -> dict:
    return {
        "name": name,
        "rank": ordinal(overall["overall"], _tied(all_overall, name)),
        "mean_rank": "–" if pd.isna(overall["mean_rank"]) else f"{overall['mean_rank']:.2f}",
        "figures_ranked": int(overall["figures_ranked"]),
        "period": run.period,
        "as_of": long_date(run.manifest.as_of),
        "run_id": run.run_id,
    }


def _figure_table(figures: tuple[Figure, ...], values: pd.DataFrame, ranks: pd.DataFrame, found: pd.DataFrame,
                  order: list[str]) -> list[dict]:
    """One row per figure: its label and, per organisation, the value, the rank and whether it is an outlier."""
    flagged = {(row.organisation, row.figure): row.direction for row in found.itertuples()}
    rows = []
    for figure in figures:
        column = ranks[figure.key] if figure.key in ranks.columns else None
        cells = []
        for name in order:
            rank = None if column is None else column[name]
            cells.append({
                "value": value_text(figure, values.loc[name, figure.key]),
                "rank": "" if column is None else ordinal(rank, _tied(column, name)),
                "best": rank == 1,
                "outlier": flagged.get((name, figure.key)),  # "better", "worse" or None
            })
        rows.append({"label": figure.label, "unit": figure.unit, "scored": figure.scored, "cells": cells})
    return rows


def _outlier_text(figure: Figure, row) -> str:
    score = f"modified z-score {row.z:.1f}" if math.isfinite(row.z) else "the others share the median exactly"
    return (f"{row.organisation}: {lower_first(figure.label)} {value_text(figure, row.value)} against a median "
            f"of {value_text(figure, row.median)} ({score}), {row.direction} than the others.")


def _notes(selected: SelectedRuns, periods: list[str]) -> list[str]:
    notes = list(selected.left_out)
    if len(periods) > 1:
        notes.append(f"The runs cover different periods ({', '.join(periods)}): compare their figures with care.")
    return notes
