"""The comparison's charts as inline SVG, drawn with matplotlib in the report's own style.

The figure, SVG and style helpers are the report's (report/charts.py), so a comparison looks
like the reports it compares and its SVG carries the same <title>, <desc> and unique ids.
matplotlib is imported inside `draw` (through those helpers), so commands that draw nothing
never load it.
"""

from __future__ import annotations

from markupsafe import Markup

from complaint_audit.report import charts as report_charts
from complaint_audit.report.charts import RAG_COLOURS, TEAM_COLOURS

_STATUS_COLOURS = {"fail": RAG_COLOURS["red"], "warn": RAG_COLOURS["amber"], "pass": RAG_COLOURS["green"],
                   "not_applicable": RAG_COLOURS["grey"], "error": "#000000"}
_MEMBER_COLOUR, _PUBLIC_COLOUR, _RECORDED_COLOUR = "#D55E00", "#0072B2", "#8A8A8A"


def _height(rows: int) -> float:
    return 1.0 + 0.45 * rows


def _on_time(chart: dict):
    labels, organisations = chart["labels"], chart["organisations"]
    figure = report_charts.new_figure(7.2, 1.0 + 0.2 * len(labels) * (len(organisations) + 1))
    axes = figure.add_subplot()
    height = 0.8 / len(organisations)
    for offset, (name, values) in enumerate(organisations.items()):
        drawn = [(index + (offset - (len(organisations) - 1) / 2) * height, value)
                 for index, value in enumerate(values) if value is not None]
        axes.barh([p for p, _ in drawn], [v for _, v in drawn], height=height, label=name,
                  color=TEAM_COLOURS[offset % len(TEAM_COLOURS)])
        for position, value in drawn:
            axes.text(value + 1, position, f"{value:.1f}%", va="center", fontsize=6.5)
    axes.set_yticks(range(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axes.set_xlabel("Responses on time")
    axes.set_title(chart["title"])
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _pairs(chart: dict, colours: tuple[str, str]):
    organisations = chart["organisations"]
    figure = report_charts.new_figure(7.2, _height(len(organisations)))
    axes = figure.add_subplot()
    height = 0.38
    suffix = "%" if chart["percent"] else ""
    for offset, (key, colour) in enumerate(zip(("first", "second"), colours, strict=True)):
        positions = [index + (offset - 0.5) * height for index in range(len(organisations))]
        axes.barh(positions, chart[key], height=height, label=chart["labels"][offset], color=colour)
        for position, value in zip(positions, chart[key], strict=True):
            axes.text(value, position, f" {value:g}{suffix}", va="center", fontsize=7)
    axes.set_yticks(range(len(organisations)), organisations)
    axes.invert_yaxis()
    axes.set_xlim(0, max(*chart["first"], *chart["second"], 1) * 1.18)
    axes.set_xlabel("Percent on time" if chart["percent"] else "Median working days to respond")
    axes.set_title(chart["title"], fontsize=9)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _single(chart: dict):
    organisations = chart["organisations"]
    figure = report_charts.new_figure(7.2, _height(len(organisations)))
    axes = figure.add_subplot()
    axes.barh(organisations, chart["values"], height=0.6, color=TEAM_COLOURS[0])
    for index, value in enumerate(chart["values"]):
        axes.text(value + 1, index, f"{value:.1f}%", va="center", fontsize=7.5)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axes.set_title(chart["title"], fontsize=9)
    return figure


def _checks(chart: dict):
    organisations = chart["organisations"]
    figure = report_charts.new_figure(7.2, _height(len(organisations)))
    axes = figure.add_subplot()
    left = [0] * len(organisations)
    for status, counts in chart["statuses"].items():
        axes.barh(organisations, counts, left=left, height=0.6, color=_STATUS_COLOURS[status],
                  label=status.replace("_", " "))
        for index, count in enumerate(counts):
            if count:
                axes.text(left[index] + count / 2, index, str(count), va="center", ha="center", color="white",
                          fontsize=7.5, fontweight="bold")
        left = [start + count for start, count in zip(left, counts, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Checks")
    axes.set_title(chart["title"], fontsize=9)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _members(chart: dict):
    return _pairs(chart, (_MEMBER_COLOUR, _PUBLIC_COLOUR))


def _childrens_stage2(chart: dict):
    return _pairs(chart, (_RECORDED_COLOUR, _PUBLIC_COLOUR))  # as recorded grey, as required blue, as in the report


def _two_metrics(chart: dict):
    """Two metrics of a check side by side, for a chart it declares that has no drawing of its own."""
    return _pairs(chart, (_RECORDED_COLOUR, _PUBLIC_COLOUR))


_DRAW = {"on_time": _on_time, "members": _members, "childrens_stage2": _childrens_stage2, "checks": _checks}


def draw(charts: dict[str, dict]) -> dict[str, Markup]:
    """Every comparison chart as inline SVG, keyed by the chart's name (ids prefixed 'compare-NAME')."""
    import matplotlib

    drawn = {}
    with matplotlib.rc_context(report_charts.CHART_STYLE):
        for name, chart in charts.items():
            # A chart a check declares: one figure's bars, or two of its metrics side by side.
            draw_chart = _DRAW.get(name) or (_single if "values" in chart else _two_metrics)
            drawn[name] = report_charts.inline_svg(draw_chart(chart), f"compare-{name}", chart)
    return drawn
