"""The comparison's charts as inline SVG, written by the report's plot.py in the report's own style and colours.

A comparison looks like the reports it compares, and its SVG carries the same <title>, <desc> and unique ids (each
chart's prefixed 'compare-NAME'). Each chart is a row of bars per organisation, sized from its labels.
"""

from __future__ import annotations

from markupsafe import Markup

from complaint_audit.report.charts import PERCENT_TICKS, RAG_COLOURS, TEAM_COLOURS, legend_width, whole_number_ticks
from complaint_audit.report.plot import EDGE, EM, LABEL_PAD, LINE, TICK, TITLE_ROOM, Plot, text_width

_STATUS_COLOURS = {"fail": RAG_COLOURS["red"], "warn": RAG_COLOURS["amber"], "pass": RAG_COLOURS["green"],
                   "not_applicable": RAG_COLOURS["grey"], "error": "#000000"}
_MEMBER_COLOUR, _PUBLIC_COLOUR, _RECORDED_COLOUR = "#D55E00", "#0072B2", "#8A8A8A"
_WIDTH = 7.2 * 72


def _rows(name: str, labels: list[str], height: float, x: tuple[float, float], key: list[str], x_title: bool) -> Plot:
    """A chart HEIGHT inches tall of a row of bars for each of LABELS (a row a slot of height 1, the first at the top),
    with room on the right for the KEY, and below for the x axis' title where there is one."""
    left = EDGE + text_width(labels) + TICK
    bottom = EDGE + TICK + LINE + (LINE + LABEL_PAD if x_title else 0)
    return Plot(name, _WIDTH, height * 72, (left, bottom, legend_width(key) if key else EDGE, TITLE_ROOM + EDGE), x=x,
                y=(-0.5, len(labels) - 0.5), y_down=True)


def _height(rows: int) -> float:
    return 1.0 + 0.45 * rows


def _on_time(name: str, chart: dict) -> Plot:
    labels, organisations = chart["labels"], chart["organisations"]
    plot = _rows(name, labels, 1.0 + 0.2 * len(labels) * (len(organisations) + 1), (0, 112), list(organisations), True)
    height = 0.8 / len(organisations)
    for offset, values in enumerate(organisations.values()):
        colour = TEAM_COLOURS[offset % len(TEAM_COLOURS)]
        for index, value in enumerate(values):
            if value is None:
                continue
            position = index + (offset - (len(organisations) - 1) / 2) * height
            plot.bar(0, value, position - height / 2, position + height / 2, colour)
            plot.label(value + 1, position, f"{value:.1f}%", size=6.5)
    plot.x_axis(PERCENT_TICKS)
    plot.y_axis(list(enumerate(labels)))
    plot.x_title("Responses on time", LINE)
    plot.title(chart["title"])
    plot.legend([(organisation, "box", TEAM_COLOURS[offset % len(TEAM_COLOURS)])
                 for offset, organisation in enumerate(organisations)], plot.right + 0.5 * EM, plot.top)
    return plot


def _pairs(name: str, chart: dict, colours: tuple[str, str]) -> Plot:
    organisations = chart["organisations"]
    suffix = "%" if chart["percent"] else ""
    top = max(*chart["first"], *chart["second"], 1) * 1.18
    plot = _rows(name, organisations, _height(len(organisations)), (0, top), chart["labels"], True)
    height = 0.38
    for offset, (key, colour) in enumerate(zip(("first", "second"), colours, strict=True)):
        for index, value in enumerate(chart[key]):
            position = index + (offset - 0.5) * height
            plot.bar(0, value, position - height / 2, position + height / 2, colour)
            plot.label(value, position, f" {value:g}{suffix}", size=7)
    plot.x_axis(whole_number_ticks(plot, across=True))
    plot.y_axis(list(enumerate(organisations)))
    plot.x_title("Percent on time" if chart["percent"] else "Median working days to respond", LINE)
    plot.title(chart["title"], size=9)
    plot.legend([(label, "box", colour) for label, colour in zip(chart["labels"], colours, strict=False)],
                plot.right + 0.5 * EM, plot.top)
    return plot


def _single(name: str, chart: dict) -> Plot:
    organisations = chart["organisations"]
    plot = _rows(name, organisations, _height(len(organisations)), (0, 112), [], False)
    for index, value in enumerate(chart["values"]):
        plot.bar(0, value, index - 0.3, index + 0.3, TEAM_COLOURS[0])
        plot.label(value + 1, index, f"{value:.1f}%", size=7.5)
    plot.x_axis(PERCENT_TICKS)
    plot.y_axis(list(enumerate(organisations)))
    plot.title(chart["title"], size=9)
    return plot


def _checks(name: str, chart: dict) -> Plot:
    organisations = chart["organisations"]
    totals = [sum(counts) for counts in zip(*chart["statuses"].values(), strict=True)] or [1]
    key = [status.replace("_", " ") for status in chart["statuses"]]
    plot = _rows(name, organisations, _height(len(organisations)), (0, max(totals) * 1.05), key, True)
    left = [0] * len(organisations)
    for status, counts in chart["statuses"].items():
        for index, count in enumerate(counts):
            if count:
                plot.bar(left[index], left[index] + count, index - 0.3, index + 0.3, _STATUS_COLOURS[status])
                if plot.x(left[index] + count) - plot.x(left[index]) > text_width(str(count), 7.5, bold=True) + 2:
                    plot.label(left[index] + count / 2, index, str(count), size=7.5, anchor="middle", bold=True,
                               colour="#FFFFFF")  # a count too wide for its segment is left to the key and the table
        left = [start + count for start, count in zip(left, counts, strict=True)]
    plot.x_axis(whole_number_ticks(plot, across=True))
    plot.y_axis(list(enumerate(organisations)))
    plot.x_title("Checks", LINE)
    plot.title(chart["title"], size=9)
    plot.legend([(label, "box", _STATUS_COLOURS[status]) for label, status in zip(key, chart["statuses"], strict=True)],
                plot.right + 0.5 * EM, plot.top)
    return plot


def _members(name: str, chart: dict) -> Plot:
    return _pairs(name, chart, (_MEMBER_COLOUR, _PUBLIC_COLOUR))


def _childrens_stage2(name: str, chart: dict) -> Plot:
    return _pairs(name, chart, (_RECORDED_COLOUR, _PUBLIC_COLOUR))  # as recorded grey, as required blue, as in the report


def _two_metrics(name: str, chart: dict) -> Plot:
    """Two metrics of a check side by side, for a chart it declares that has no drawing of its own."""
    return _pairs(name, chart, (_RECORDED_COLOUR, _PUBLIC_COLOUR))


_DRAW = {"on_time": _on_time, "members": _members, "childrens_stage2": _childrens_stage2, "checks": _checks}


def draw(charts: dict[str, dict]) -> dict[str, Markup]:
    """Every comparison chart as inline SVG, keyed by the chart's name (ids prefixed 'compare-NAME')."""
    drawn = {}
    for name, chart in charts.items():
        # A chart a check declares: one figure's bars, or two of its metrics side by side.
        draw_chart = _DRAW.get(name) or (_single if "values" in chart else _two_metrics)
        drawn[name] = draw_chart(f"compare-{name}", chart).svg(chart["title"], chart["description"])
    return drawn
