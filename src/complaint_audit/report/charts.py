"""The report's charts as inline SVG, written by plot.py from the context's chart data.

Each chart gets fixed margins sized from its labels, measured in the charts' font, and is laid out once. Output is
deterministic; text is <text> elements (searchable, and read out by screen readers); each SVG carries a <title> and
<desc> from the chart's description, escaped, and its ids are prefixed with the chart's name so that several charts
can share one HTML page. The comparison report draws its charts with the same module and colours (compare/charts.py).
"""

from __future__ import annotations

import math
import textwrap

from markupsafe import Markup

from complaint_audit.engine.judging import SMALL_BASE
from complaint_audit.report.plot import (
    EDGE,
    EM,
    INK,
    LABEL_PAD,
    LINE,
    SIZE,
    TICK,
    TITLE_ROOM,
    Plot,
    text_width,
    whole_ticks,
)

CHARTED_FORMATS = frozenset({"html", "pdf"})  # the report formats that carry the charts
TEAM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555")
RAG_COLOURS = {"red": "#B3261E", "amber": "#C77C02", "green": "#2E7D32", "grey": "#8A8A8A"}
_MEMBER_COLOUR, _PUBLIC_COLOUR = "#D55E00", "#0072B2"
_STAGE_COLOURS = ("#0072B2", "#E69F00")
_INCH = 72.0  # the charts' sizes are in points
_AXIS_TITLE = LINE + LABEL_PAD  # an axis' title with its padding
PERCENT_TICKS = [(tick, f"{tick}%") for tick in range(0, 101, 20)]  # a percentage axis, 0% to 100%
_TITLE_LINE = 32  # characters of a check's title on a line of a theme chart


def legend_width(labels) -> float:
    """Room for a legend beside the axes: its padding, the colour key (2 em), a gap (0.8 em) and the widest label."""
    return text_width(labels) + 4.1 * EM + EDGE


def _number_width(top: float) -> float:
    """The width of the widest whole-number tick label on an axis up to `top` (all digits are as wide)."""
    return text_width("0" * len(str(math.ceil(top))))


def _label_room(widest: float, start: float, axes_left: float, width: float, right: float) -> float:
    """A right margin wide enough for labels `widest` points long that start at the `start` fraction of the axes."""
    return max(right, (widest - (1 - start) * (width - axes_left) + EDGE) / start)


def whole_number_ticks(plot: Plot, *, across: bool = False) -> list[tuple[float, str]]:
    """Whole-number ticks (counts and days are) for PLOT's y axis, one to every two lines of text at most, or ACROSS,
    for its x axis, one to every three."""
    if across:
        return [(tick, str(tick)) for tick in whole_ticks(*plot.x_extent, plot.right - plot.left, 3 * SIZE)]
    return [(tick, str(tick)) for tick in whole_ticks(*plot.y_extent, plot.bottom - plot.top, 2 * SIZE)]


def _padded(low: float, high: float, share: float = 0.05) -> tuple[float, float]:
    """A data range with SHARE of it to spare at each end, as an axis leaves around its marks."""
    spare = (high - low) * share
    return low - spare, high + spare


def _by_month(name: str, chart: dict) -> Plot:
    months, teams = chart["months"], chart["teams"]
    top = max((sum(counts) for counts in zip(*teams.values(), strict=True)), default=1) * 1.05
    numbers = _number_width(top)
    rotated = (text_width(months) + LINE) * math.sin(math.radians(45))
    plot = Plot(name, 7.2 * _INCH, 3.0 * _INCH,
                (EDGE + _AXIS_TITLE + TICK + numbers, EDGE + _AXIS_TITLE + TICK + rotated, legend_width(teams),
                 TITLE_ROOM + EDGE), x=_padded(-0.4, len(months) - 0.6), y=(0, top))
    bottom = [0] * len(months)
    for index, counts in enumerate(teams.values()):
        for position, (low, count) in enumerate(zip(bottom, counts, strict=True)):
            if count:
                plot.bar(position - 0.4, position + 0.4, low, low + count, TEAM_COLOURS[index % len(TEAM_COLOURS)])
        bottom = [low + count for low, count in zip(bottom, counts, strict=True)]
    plot.x_axis(list(enumerate(months)), rotation=45)
    plot.y_axis(whole_number_ticks(plot))
    plot.title(chart["title"])
    plot.x_title("Month received", rotated)
    plot.y_title("New complaints", numbers)
    plot.legend([(team, "box", TEAM_COLOURS[index % len(TEAM_COLOURS)]) for index, team in enumerate(teams)],
                plot.right + 0.5 * EM, plot.top)
    return plot


def _on_time(name: str, chart: dict) -> Plot:
    teams = chart["teams"]
    counts = chart.get("counts") or {label: [None] * len(teams) for label in chart["stages"]}
    target = chart.get("target")
    width, left = 7.2 * _INCH, EDGE + text_width(teams) + TICK
    widest = max(counts[label][index] or 0 for label in chart["stages"] for index in range(len(teams)))
    key = [*([(f"Amber below {target:g}%", "dash", RAG_COLOURS["amber"])] if target is not None else []),
           *((label, "box", colour) for label, colour in zip(chart["stages"], _STAGE_COLOURS, strict=False))]
    right = _label_room(text_width([f"100.0% (n={widest:,})"], 7.5), 101 / 110, left, width,
                        legend_width([f"Amber below {target or 100:g}%", *chart["stages"]]))
    plot = Plot(name, width, (0.8 + 0.55 * len(teams)) * _INCH,
                (left, EDGE + _AXIS_TITLE + TICK + LINE, right, TITLE_ROOM + EDGE), x=(0, 110),
                y=_padded(-0.38, len(teams) - 0.62), y_down=True)
    height = 0.38
    for offset, (label, colour) in enumerate(zip(chart["stages"], _STAGE_COLOURS, strict=False)):
        for index, (value, stages) in enumerate(zip(chart["stages"][label], counts[label], strict=True)):
            if value is None:
                continue
            position = index + (offset - 0.5) * height
            plot.bar(0, value, position - height / 2, position + height / 2, colour)
            plot.label(value + 1, position, f"{value:.1f}%" + (f" (n={stages:,})" if stages else ""), size=7.5)
    if target is not None:
        plot.across(target, RAG_COLOURS["amber"], 1.2, "3.6 2.4")
    plot.x_axis(PERCENT_TICKS)
    plot.y_axis(list(enumerate(teams)))
    plot.x_title("Responses on time", LINE)
    plot.title(chart["title"])
    plot.legend(key, plot.right + 0.5 * EM, plot.top)
    return plot


def _members(name: str, chart: dict) -> Plot:
    groups = chart["groups"]
    labels = [group["label"] for group in groups]
    spreads = [group[key] for group in groups for key in ("members", "public")]
    low, high = _padded(min(spread["whislo"] for spread in spreads), max(spread["whishi"] for spread in spreads))
    high += (high - low) * 0.08  # room for each box's count above its whisker
    numbers = _number_width(high)
    tilt = math.radians(15)
    rotated = text_width(labels) * math.sin(tilt) + LINE * math.cos(tilt)
    plot = Plot(name, 7.2 * _INCH, 3.2 * _INCH,
                (EDGE + _AXIS_TITLE + TICK + numbers, EDGE + TICK + rotated, EDGE, TITLE_ROOM + EDGE),
                x=_padded(-0.35, 3 * len(groups) - 1.65), y=(low, high))
    for offset, (key, colour) in enumerate((("members", _MEMBER_COLOUR), ("public", _PUBLIC_COLOUR))):
        for index, group in enumerate(groups):
            spread, position = group[key], index * 3 + offset
            small = spread["n"] < SMALL_BASE  # too few for its spread to mean much: hatched, and said so in its label
            for end, whisker in ((spread["q1"], spread["whislo"]), (spread["q3"], spread["whishi"])):
                plot.segment(position, end, position, whisker)
                plot.segment(position - 0.175, whisker, position + 0.175, whisker)
            plot.bar(position - 0.35, position + 0.35, spread["q1"], spread["q3"], colour, opacity=0.75, edge=INK,
                     hatch=small)
            plot.segment(position - 0.35, spread["med"], position + 0.35, spread["med"], INK, 1.2)
            plot.label(position, spread["whishi"], f"n={spread['n']}" + ("\nsmall" if small else ""), size=6.5,
                       anchor="middle", va="bottom")
    plot.x_axis([(index * 3 + 0.5, label) for index, label in enumerate(labels)], rotation=15)
    plot.y_axis(whole_number_ticks(plot))
    plot.y_title("Working days from receipt to response", numbers)
    plot.title(chart["title"])
    plot.legend([("MPs and councillors", "box", _MEMBER_COLOUR), ("Public", "box", _PUBLIC_COLOUR)],
                plot.left + 0.5 * EM, plot.top)
    return plot


def _childrens_stage2(name: str, chart: dict) -> Plot:
    labels = ["As recorded\n(to the investigating\nofficer's report)", "As required\n(to the adjudication letter)"]
    numbers = text_width("100%")
    plot = Plot(name, 5.4 * _INCH, 2.8 * _INCH,
                (EDGE + _AXIS_TITLE + TICK + numbers, EDGE + TICK + 3 * LINE, EDGE, TITLE_ROOM + EDGE),
                x=_padded(-0.275, 1.275), y=(0, 112))
    values = [chart["as_recorded"] or 0.0, chart["as_required"]]
    colours = ["#8A8A8A", RAG_COLOURS["red"] if values[1] < values[0] else "#0072B2"]
    for index, (value, counts, colour) in enumerate(zip(values, chart.get("labels", ["", ""]), colours, strict=True)):
        plot.bar(index - 0.275, index + 0.275, 0, value, colour)
        plot.label(index, value + 2, f"{value:.1f}%" + (f" ({counts})" if counts else ""), anchor="middle", va="bottom",
                   bold=True)
    plot.x_axis(list(enumerate(labels)))
    plot.y_axis([(tick, f"{tick}%") for tick in range(0, 101, 25)])
    plot.y_title("Stage 2 complaints on time", numbers)
    plot.title(chart["title"], size=9)
    return plot


def _theme(name: str, chart: dict) -> Plot:
    """Each graded check's share failing against its own thresholds: the axis runs to the largest share or red
    threshold (not a fixed 100%, which would hide a 2% bar), each bar carries its counts, and a small base no bar."""
    bars = chart["bars"]
    top = max(1.0, *(bar["percent"] for bar in bars), *(bar["red"] or 0 for bar in bars))
    texts = [f"{bar['text']} ({bar['rag']})" for bar in bars]
    # A long check title on two lines: on one, the titles and the counts beside the bars left the bars no room.
    labels = [textwrap.fill(bar["title"], _TITLE_LINE) for bar in bars]
    width, left = 6.0 * _INCH, EDGE + text_width(labels) + TICK
    right = _label_room(text_width(texts, 7.5), 1.01 / 1.15, left, width, EDGE)
    row = 0.22 if all("\n" not in label for label in labels) else 0.34
    plot = Plot(name, width, (0.7 + row * len(bars)) * _INCH,
                (left, EDGE + _AXIS_TITLE + TICK + LINE, right, TITLE_ROOM + EDGE), x=(0, top * 1.15),
                y=_padded(-0.3, len(bars) - 0.7), y_down=True)
    for index, bar in enumerate(bars):
        shown = 0.0 if bar["small"] else bar["percent"]
        if shown:
            plot.bar(0, shown, index - 0.3, index + 0.3, RAG_COLOURS[bar["rag"]])
        for threshold, colour in ((bar["amber"], RAG_COLOURS["amber"]), (bar["red"], RAG_COLOURS["red"])):
            if threshold is not None:
                plot.segment(threshold, index - 0.4, threshold, index + 0.4, colour, 1.4, "2.8 1.4")
        clear = max(shown, bar["amber"] or 0, bar["red"] or 0)  # past the threshold marks, never across them
        plot.label(clear + top * 0.015, index, texts[index], size=7.5)
    plot.x_axis(whole_number_ticks(plot, across=True))
    plot.y_axis(list(enumerate(labels)))
    plot.x_title("Cases failing (%); dashed marks: amber and red thresholds", LINE)
    # From the figure's left edge, not the axes': past the long check titles a long title would run off the right.
    plot.title(chart["title"], size=9, left=EDGE)
    return plot


def _regulator_peers(name: str, chart: dict) -> Plot:
    """Per stage, a row of every other council's CH02 and a row of those of a similar size, each council a dot, with
    the council's returned figure and its records' figure marked on both rows (report/regulator.py)."""
    rows = [row for stage in chart["stages"] for row in (
        (f"{stage['label']}: all councils ({len(stage['all'])} others)", stage["all"], stage),
        (f"{stage['label']}: similar size ({len(stage['similar'])} others)", stage["similar"], stage))]
    labels = [label for label, _, _ in rows]
    width, left = 7.2 * _INCH, EDGE + text_width(labels) + TICK
    key = [("Other councils", "dot", RAG_COLOURS["grey"]), ("As the council returned it", "diamond", RAG_COLOURS["amber"]),
           ("As its records give it", "ring", INK)]
    plot = Plot(name, width, (0.9 + 0.42 * len(rows)) * _INCH,
                (left, EDGE + _AXIS_TITLE + TICK + LINE, legend_width([label for label, _, _ in key]), TITLE_ROOM + EDGE),
                x=(0, 102), y=(-0.5, len(rows) - 0.5), y_down=True)  # x to 102: room for a dot at 100%
    for index, (_, values, stage) in enumerate(rows):
        for value in values:
            plot.dot(value, index, 3.7, RAG_COLOURS["grey"], opacity=0.6)
        plot.dot(stage["returned"], index, 7.7, RAG_COLOURS["amber"], diamond=True)
        if stage["records"] is not None:
            plot.dot(stage["records"], index, 7.7, "none", edge=INK)
    plot.x_axis(PERCENT_TICKS)
    plot.y_axis(list(enumerate(labels)))
    plot.x_title("Complaints answered within the Code's timescales (CH02)", LINE)
    plot.title(chart["title"], size=9)
    plot.legend(key, plot.right + 0.5 * EM, plot.top)
    return plot


_DRAW = {"by_month": _by_month, "on_time": _on_time, "members": _members, "childrens_stage2": _childrens_stage2,
         "regulator_peers": _regulator_peers}


def draw(charts: dict[str, dict]) -> dict[str, Markup]:
    """Every chart in the context, as inline SVG keyed by the chart's name."""
    return {name: (_DRAW.get(name) or _theme)(name, chart).svg(chart["title"], chart["description"])
            for name, chart in charts.items()}
