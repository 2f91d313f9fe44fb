"""The report's charts as inline SVG text, drawn with matplotlib from the context's chart data.

matplotlib is imported inside the functions, so `complaint-audit --help` does not pay for it.
Figures are made with matplotlib's object API (no pyplot), so no global backend or figure state
is touched. Output is deterministic: a fixed hash salt for ids, no date in the metadata, text as
<text> elements (searchable, and read out by screen readers). Each SVG gets a <title> and <desc>
from the chart's description, escaped, and ids prefixed with the chart's name so that several
charts can share one HTML page.
"""

from __future__ import annotations

import io
import re

from markupsafe import Markup, escape

TEAM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555")
RAG_COLOURS = {"red": "#B3261E", "amber": "#C77C02", "green": "#2E7D32", "grey": "#8A8A8A"}
_MEMBER_COLOUR, _PUBLIC_COLOUR = "#D55E00", "#0072B2"
# The report's look (matplotlib rc settings), shared with the comparison report's charts.
CHART_STYLE = {
    "svg.hashsalt": "complaint-audit", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8.5,
    "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


def new_figure(width: float, height: float):
    """A figure of the report's size in inches, laid out so labels and legends fit."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def inline_svg(figure, name: str, chart: dict) -> Markup:
    """The figure as inline SVG: no XML header, ids made unique to this chart, a title and description added."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'(\bid=")([^"]+)"', rf'\g<1>{name}-\g<2>"', svg)
    svg = re.sub(r'(url\(#|xlink:href="#|href="#)([^)"]+)', rf"\g<1>{name}-\g<2>", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # matplotlib's comments repeat the text; drop them
    labels = (f'<title id="{name}-title">{escape(chart["title"])}</title>'
              f'<desc id="{name}-desc">{escape(chart["description"])}</desc>')
    opening = svg.index(">") + 1
    svg = (svg[:opening - 1] + f' role="img" aria-labelledby="{name}-title {name}-desc">' + labels + svg[opening:])
    # Our own drawing, the only markup the report marks safe: the text in it is escaped above and by matplotlib.
    return Markup(svg)


def _by_month(chart: dict):
    figure = new_figure(7.2, 3.0)
    axes = figure.add_subplot()
    bottom = [0] * len(chart["months"])
    for index, (team, counts) in enumerate(chart["teams"].items()):
        axes.bar(chart["months"], counts, bottom=bottom, label=team, color=TEAM_COLOURS[index % len(TEAM_COLOURS)])
        bottom = [low + count for low, count in zip(bottom, counts, strict=True)]
    axes.set_title(chart["title"])
    axes.set_ylabel("New complaints")
    axes.set_xlabel("Month received")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _on_time(chart: dict):
    teams = chart["teams"]
    figure = new_figure(7.2, 0.8 + 0.55 * len(teams))
    axes = figure.add_subplot()
    height = 0.38
    for offset, (label, colour) in enumerate(zip(chart["stages"], ("#0072B2", "#E69F00"), strict=False)):
        values = chart["stages"][label]
        positions = [index + (offset - 0.5) * height for index in range(len(teams))]
        drawn = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
        axes.barh([p for p, _ in drawn], [v for _, v in drawn], height=height, label=label, color=colour)
        for position, value in drawn:
            axes.text(value + 1, position, f"{value:.1f}%", va="center", fontsize=7.5)
    axes.set_yticks(range(len(teams)), teams)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axes.set_xlabel("Responses on time")
    axes.set_title(chart["title"])
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _members(chart: dict):
    groups = chart["groups"]
    figure = new_figure(7.2, 3.2)
    axes = figure.add_subplot()
    for offset, (key, colour) in enumerate((("members", _MEMBER_COLOUR), ("public", _PUBLIC_COLOUR))):
        stats = [{**group[key], "label": ""} for group in groups]
        positions = [index * 3 + offset for index in range(len(groups))]
        drawn = axes.bxp(stats, positions=positions, widths=0.7, showfliers=False, patch_artist=True,
                         medianprops={"color": "black"})
        for box in drawn["boxes"]:
            box.set_facecolor(colour)
            box.set_alpha(0.75)
    axes.set_xticks([index * 3 + 0.5 for index in range(len(groups))], [group["label"] for group in groups])
    axes.tick_params(axis="x", labelrotation=15)
    axes.set_ylabel("Working days from receipt to response")
    axes.set_title(chart["title"])
    from matplotlib.patches import Patch

    axes.legend(handles=[Patch(color=_MEMBER_COLOUR, label="MPs and councillors"),
                         Patch(color=_PUBLIC_COLOUR, label="Public")], loc="upper left", frameon=False)
    return figure


def _childrens_stage2(chart: dict):
    figure = new_figure(5.4, 2.8)
    axes = figure.add_subplot()
    labels = ["As recorded\n(to the investigating\nofficer's report)", "As required\n(to the adjudication letter)"]
    values = [chart["as_recorded"] or 0.0, chart["as_required"]]
    axes.bar(labels, values, color=["#8A8A8A", RAG_COLOURS["red"] if values[1] < values[0] else "#0072B2"], width=0.55)
    for index, value in enumerate(values):
        axes.text(index, value + 2, f"{value:.1f}%", ha="center", fontweight="bold")
    axes.set_ylim(0, 112)
    axes.set_yticks(range(0, 101, 25), [f"{tick}%" for tick in range(0, 101, 25)])
    axes.set_ylabel("Stage 2 complaints on time")
    axes.set_title(chart["title"], fontsize=9)
    return figure


def _theme(chart: dict):
    bars = chart["bars"]
    figure = new_figure(6.0, 0.8 + 0.32 * len(bars))
    axes = figure.add_subplot()
    axes.barh([bar["code"] for bar in bars], [bar["percent"] for bar in bars], height=0.6,
              color=[RAG_COLOURS[bar["rag"]] for bar in bars])
    top = max(100.0, *(bar["percent"] for bar in bars))
    for index, bar in enumerate(bars):
        axes.text(bar["percent"] + top * 0.01, index, f"{bar['percent']:.1f}% ({bar['rag']})", va="center",
                  fontsize=7.5)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.15)
    axes.set_xlabel("Cases failing the check (%)")
    axes.set_title(chart["title"], fontsize=9)
    return figure


_DRAW = {"by_month": _by_month, "on_time": _on_time, "members": _members, "childrens_stage2": _childrens_stage2}


def draw(charts: dict[str, dict]) -> dict[str, Markup]:
    """Every chart in the context, as inline SVG keyed by the chart's name."""
    import matplotlib

    drawn = {}
    with matplotlib.rc_context(CHART_STYLE):
        for name, chart in charts.items():
            figure = (_DRAW.get(name) or _theme)(chart)
            drawn[name] = inline_svg(figure, name, chart)
    return drawn
