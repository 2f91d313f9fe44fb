"""The report's charts as inline SVG text, drawn with matplotlib from the context's chart data.

matplotlib is imported on the first chart, so `complaint-audit --help` does not pay for it, and
only its Figure and SVG canvas: no pyplot, so no global backend or figure state is touched.
The report's charts get fixed margins sized from their labels, measured with matplotlib's own
font metrics, rather than a layout engine that lays each figure out several times (most of a
small report's time). Output is deterministic: a fixed hash salt for ids, no date in the
metadata, text as <text> elements (searchable, and read out by screen readers). Each SVG gets a
<title> and <desc> from the chart's description, escaped, and ids prefixed with the chart's name
so that several charts can share one HTML page.
"""

from __future__ import annotations

import functools
import io
import math
import re

from markupsafe import Markup, escape

from complaint_audit.engine.judging import SMALL_BASE

CHARTED_FORMATS = frozenset({"html", "pdf"})  # the report formats that carry the charts
TEAM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555")
RAG_COLOURS = {"red": "#B3261E", "amber": "#C77C02", "green": "#2E7D32", "grey": "#8A8A8A"}
_MEMBER_COLOUR, _PUBLIC_COLOUR = "#D55E00", "#0072B2"
_STAGE_COLOURS = ("#0072B2", "#E69F00")
# The report's look (matplotlib rc settings), shared with the comparison report's charts. Labels are
# councils' own words, never mathtext, so a '$' in a team's name prints as it is.
CHART_STYLE = {
    "svg.hashsalt": "complaint-audit", "svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8.5,
    "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold",
    "axes.titlelocation": "left", "text.parse_math": False,
}
# Sizes in inches, from CHART_STYLE and matplotlib's defaults: a line of 8.5 pt text, a tick with its
# label's padding, an axis label with its padding, the title with its padding, the space at the edges.
_EM = 8.5 / 72
_LINE = 1.2 * _EM
_TICK = 7 / 72
_LABEL_PAD = 4 / 72
_AXIS_LABEL = _LINE + _LABEL_PAD
_TITLE = 1.2 * 10 / 72 + 6 / 72
_EDGE = 0.1


@functools.cache
def _matplotlib():
    """matplotlib's Figure, its SVG canvas and its text measurer, imported once, on the first chart.

    If nothing has chosen a backend yet, the SVG one is chosen: a box plot reads every rc setting,
    and reading an unchosen backend would import pyplot, a slow import, only to choose one.
    """
    import matplotlib

    if matplotlib.get_backend(auto_select=False) is None:
        matplotlib.use("svg")
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    return Figure, FigureCanvasSVG, TextToPath(), FontProperties


def ready() -> None:
    """matplotlib imported, ahead of the first chart: a run's helper process does it as a warm-up, once it has read
    the letters and imported the checks."""
    _matplotlib()


def new_figure(width: float, height: float, margins: tuple[float, float, float, float] | None = None):
    """A figure of the report's size in inches, with an SVG canvas.

    With `margins` (left, bottom, right, top, in inches) the axes are placed once; without, matplotlib's
    constrained layout fits labels and legends itself, at the cost of laying the figure out several times.
    """
    figure_class, canvas_class, _, _ = _matplotlib()
    figure = figure_class(figsize=(width, height), layout=None if margins else "constrained")
    canvas_class(figure)
    if margins:
        left, bottom, right, top = margins
        figure.subplots_adjust(left=left / width, bottom=bottom / height, right=1 - right / width,
                               top=1 - top / height)
    return figure


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


def _text_width(texts, size: float = 8.5) -> float:
    """The widest line among `texts`, in inches, as matplotlib will set it in the report's font."""
    _, _, measurer, font_class = _matplotlib()
    font = font_class(size=size)
    return max((measurer.get_text_width_height_descent(line, font, ismath=False)[0]
                for text in texts for line in str(text).split("\n")), default=0.0) / 72


def _legend_width(labels) -> float:
    """Room for a legend beside the axes: its padding, the colour key (2 em), a gap (0.8 em) and the widest label."""
    return _text_width(labels) + 4.1 * _EM + _EDGE


def _number_width(top: float) -> float:
    """The width of the widest whole-number tick label on an axis up to `top` (all digits are as wide)."""
    return _text_width(["0" * len(str(math.ceil(top)))])


def _label_room(widest: float, start: float, axes_left: float, width: float, right: float) -> float:
    """A right margin wide enough for labels `widest` inches long that start at the `start` fraction of the axes."""
    return max(right, (widest - (1 - start) * (width - axes_left) + _EDGE) / start)


def _axis_labels(axes, below: tuple[str, float] | None = None, beside: tuple[str, float] | None = None) -> None:
    """Axis labels placed once, `below` or `beside` the axes past tick labels that deep (inches), not measured at draw."""
    width, height = axes.get_position().size * axes.get_figure().get_size_inches()
    if below:
        axes.set_xlabel(below[0])
        axes.xaxis.set_label_coords(0.5, -(_TICK + below[1] + _LABEL_PAD) / height)
    if beside:
        axes.set_ylabel(beside[0])
        axes.yaxis.set_label_coords(-(_TICK + beside[1] + _LABEL_PAD) / width, 0.5)


def _whole_number_ticks(axis) -> None:
    """matplotlib's usual ticks (1, 2, 2.5 or 5 times a power of ten) but whole numbers, as counts and days are."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))


def _by_month(chart: dict):
    months, teams = chart["months"], chart["teams"]
    numbers = _number_width(max((sum(counts) for counts in zip(*teams.values(), strict=True)), default=1) * 1.05)
    rotated = (_text_width(months) + _LINE) * math.sin(math.radians(45))
    figure = new_figure(7.2, 3.0, (_EDGE + _AXIS_LABEL + _TICK + numbers, _EDGE + _AXIS_LABEL + _TICK + rotated,
                                   _legend_width(teams), _TITLE + _EDGE))
    axes = figure.add_subplot()
    positions = range(len(months))
    bottom = [0] * len(months)
    for index, (team, counts) in enumerate(teams.items()):
        axes.bar(positions, counts, bottom=bottom, label=team, color=TEAM_COLOURS[index % len(TEAM_COLOURS)])
        bottom = [low + count for low, count in zip(bottom, counts, strict=True)]
    axes.set_xticks(positions, months, rotation=45)
    _whole_number_ticks(axes.yaxis)
    axes.set_title(chart["title"], y=1.0)
    _axis_labels(axes, below=("Month received", rotated), beside=("New complaints", numbers))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _on_time(chart: dict):
    teams = chart["teams"]
    counts = chart.get("counts") or {label: [None] * len(teams) for label in chart["stages"]}
    width, left = 7.2, _EDGE + _text_width(teams) + _TICK
    widest = max(counts[label][index] or 0 for label in chart["stages"] for index in range(len(teams)))
    right = _label_room(_text_width([f"100.0% (n={widest:,})"], 7.5), 101 / 110, left, width,
                        _legend_width([*chart["stages"], f"Amber below {chart.get('target') or 100:g}%"]))
    figure = new_figure(width, 0.8 + 0.55 * len(teams),
                        (left, _EDGE + _AXIS_LABEL + _TICK + _LINE, right, _TITLE + _EDGE))
    axes = figure.add_subplot()
    height = 0.38
    for offset, (label, colour) in enumerate(zip(chart["stages"], _STAGE_COLOURS, strict=False)):
        values = chart["stages"][label]
        positions = [index + (offset - 0.5) * height for index in range(len(teams))]
        drawn = [(p, v, n) for p, v, n in zip(positions, values, counts[label], strict=True) if v is not None]
        axes.barh([p for p, _, _ in drawn], [v for _, v, _ in drawn], height=height, label=label, color=colour)
        for position, value, stages in drawn:
            axes.text(value + 1, position, f"{value:.1f}%" + (f" (n={stages:,})" if stages else ""), va="center",
                      fontsize=7.5)
    if chart.get("target") is not None:
        axes.axvline(chart["target"], color=RAG_COLOURS["amber"], linestyle=(0, (3, 2)), linewidth=1.2,
                     label=f"Amber below {chart['target']:g}%")
    axes.set_yticks(range(len(teams)), teams)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    _axis_labels(axes, below=("Responses on time", _LINE))
    axes.set_title(chart["title"], y=1.0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


def _members(chart: dict):
    groups = chart["groups"]
    labels = [group["label"] for group in groups]
    numbers = _number_width(max(group[key]["whishi"] for group in groups for key in ("members", "public")) * 1.05)
    tilt = math.radians(15)
    rotated = _text_width(labels) * math.sin(tilt) + _LINE * math.cos(tilt)
    figure = new_figure(7.2, 3.2, (_EDGE + _AXIS_LABEL + _TICK + numbers, _EDGE + _TICK + rotated, _EDGE,
                                   _TITLE + _EDGE))
    axes = figure.add_subplot()
    for offset, (key, colour) in enumerate((("members", _MEMBER_COLOUR), ("public", _PUBLIC_COLOUR))):
        stats = [{**group[key], "label": ""} for group in groups]
        positions = [index * 3 + offset for index in range(len(groups))]
        drawn = axes.bxp(stats, positions=positions, widths=0.7, showfliers=False, patch_artist=True,
                         medianprops={"color": "black"})
        for box, group, position in zip(drawn["boxes"], groups, positions, strict=True):
            box.set_facecolor(colour)
            box.set_alpha(0.75)
            small = group[key]["n"] < SMALL_BASE
            if small:  # too few for its spread to mean much: hatched, and said so in its label
                box.set_hatch("///")
            axes.text(position, group[key]["whishi"], f"n={group[key]['n']}" + ("\nsmall" if small else ""),
                      ha="center", va="bottom", fontsize=6.5)
    axes.set_xticks([index * 3 + 0.5 for index in range(len(groups))], labels, rotation=15)
    _whole_number_ticks(axes.yaxis)
    _axis_labels(axes, beside=("Working days from receipt to response", numbers))
    axes.set_title(chart["title"], y=1.0)
    from matplotlib.patches import Patch

    axes.legend(handles=[Patch(color=_MEMBER_COLOUR, label="MPs and councillors"),
                         Patch(color=_PUBLIC_COLOUR, label="Public")], loc="upper left", frameon=False)
    return figure


def _childrens_stage2(chart: dict):
    labels = ["As recorded\n(to the investigating\nofficer's report)", "As required\n(to the adjudication letter)"]
    numbers = _text_width(["100%"])
    figure = new_figure(5.4, 2.8, (_EDGE + _AXIS_LABEL + _TICK + numbers, _EDGE + _TICK + 3 * _LINE, _EDGE,
                                   _TITLE + _EDGE))
    axes = figure.add_subplot()
    values = [chart["as_recorded"] or 0.0, chart["as_required"]]
    axes.bar(range(2), values, color=["#8A8A8A", RAG_COLOURS["red"] if values[1] < values[0] else "#0072B2"],
             width=0.55)
    for index, (value, counts) in enumerate(zip(values, chart.get("labels", ["", ""]), strict=True)):
        axes.text(index, value + 2, f"{value:.1f}%" + (f" ({counts})" if counts else ""), ha="center",
                  fontweight="bold")
    axes.set_xticks(range(2), labels)
    axes.set_ylim(0, 112)
    axes.set_yticks(range(0, 101, 25), [f"{tick}%" for tick in range(0, 101, 25)])
    _axis_labels(axes, beside=("Stage 2 complaints on time", numbers))
    axes.set_title(chart["title"], fontsize=9, y=1.0)
    return figure


def _theme(chart: dict):
    """Each graded check's share failing against its own thresholds: the axis runs to the largest share or red
    threshold (not a fixed 100%, which would hide a 2% bar), each bar carries its counts, and a small base no bar."""
    bars = chart["bars"]
    top = max(1.0, *(bar["percent"] for bar in bars), *(bar["red"] or 0 for bar in bars))
    texts = [f"{bar['text']} ({bar['rag']})" for bar in bars]
    labels = [bar["title"] for bar in bars]
    width, left = 6.0, _EDGE + _text_width(labels) + _TICK
    right = _label_room(_text_width(texts, 7.5), 1.01 / 1.15, left, width, _EDGE)
    figure = new_figure(width, 0.7 + 0.22 * len(bars),
                        (left, _EDGE + _AXIS_LABEL + _TICK + _LINE, right, _TITLE + _EDGE))
    axes = figure.add_subplot()
    shown = [0.0 if bar["small"] else bar["percent"] for bar in bars]
    axes.barh(range(len(bars)), shown, height=0.6, color=[RAG_COLOURS[bar["rag"]] for bar in bars])
    for index, bar in enumerate(bars):
        for threshold, colour in ((bar["amber"], RAG_COLOURS["amber"]), (bar["red"], RAG_COLOURS["red"])):
            if threshold is not None:
                axes.plot([threshold, threshold], [index - 0.4, index + 0.4], color=colour, linewidth=1.4,
                          linestyle=(0, (2, 1)))
        clear = max(shown[index], bar["amber"] or 0, bar["red"] or 0)  # past the threshold marks, never across them
        axes.text(clear + top * 0.015, index, texts[index], va="center", fontsize=7.5)
    axes.set_yticks(range(len(bars)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.15)
    _axis_labels(axes, below=("Cases failing (%); dashed marks: amber and red thresholds", _LINE))
    # From the figure's left edge, not the axes': past the long check titles a long title would run off the right.
    axes.set_title(chart["title"], fontsize=9, y=1.0, x=-(left - _EDGE) / (width - left - right))
    return figure


def _regulator_peers(chart: dict):
    """Per stage, a row of every other council's CH02 and a row of those of a similar size, each council a dot, with
    the council's returned figure and its records' figure marked on both rows (report/regulator.py)."""
    from matplotlib.lines import Line2D

    rows = [row for stage in chart["stages"] for row in (
        (f"{stage['label']}: all councils ({len(stage['all'])} others)", stage["all"], stage),
        (f"{stage['label']}: similar size ({len(stage['similar'])} others)", stage["similar"], stage))]
    labels = [label for label, _, _ in rows]
    width, left = 7.2, _EDGE + _text_width(labels) + _TICK
    legend = ["Other councils", "As the council returned it", "As its records give it"]
    figure = new_figure(width, 0.9 + 0.42 * len(rows),
                        (left, _EDGE + _AXIS_LABEL + _TICK + _LINE, _legend_width(legend), _TITLE + _EDGE))
    axes = figure.add_subplot()
    for index, (_, values, stage) in enumerate(rows):
        axes.scatter(values, [index] * len(values), s=14, color="#8A8A8A", alpha=0.6, linewidths=0)
        axes.scatter([stage["returned"]], [index], s=60, marker="D", color=RAG_COLOURS["amber"], zorder=3)
        if stage["records"] is not None:
            axes.scatter([stage["records"]], [index], s=60, marker="o", facecolors="none",
                         edgecolors="black", linewidths=1.4, zorder=4)
    axes.set_yticks(range(len(rows)), labels)
    axes.set_ylim(len(rows) - 0.5, -0.5)  # the first row at the top
    axes.set_xlim(0, 102)  # room for a dot at 100%
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    _axis_labels(axes, below=("Complaints answered within the Code's timescales (CH02)", _LINE))
    axes.set_title(chart["title"], fontsize=9, y=1.0)
    handles = [Line2D([], [], marker="o", linestyle="", color="#8A8A8A", label=legend[0]),
               Line2D([], [], marker="D", linestyle="", color=RAG_COLOURS["amber"], label=legend[1]),
               Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor="black",
                      label=legend[2])]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return figure


_DRAW = {"by_month": _by_month, "on_time": _on_time, "members": _members, "childrens_stage2": _childrens_stage2,
         "regulator_peers": _regulator_peers}


def draw(charts: dict[str, dict]) -> dict[str, Markup]:
    """Every chart in the context, as inline SVG keyed by the chart's name."""
    import matplotlib

    drawn = {}
    with matplotlib.rc_context(CHART_STYLE):
        for name, chart in charts.items():
            figure = (_DRAW.get(name) or _theme)(chart)
            drawn[name] = inline_svg(figure, name, chart)
    return drawn
