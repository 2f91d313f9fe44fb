"""A chart written as SVG markup: axes with linear scales, their ticks and labels, bars, boxes, dots, lines, a title and
a legend, placed in points (1/72 inch) as the report's charts (charts.py, compare/charts.py) lay them out.

The charts are a few dozen bars, boxes and dots with their labels. matplotlib drew the sample report's nine in 0.4 s,
after 0.3 s importing itself, where writing their few hundred elements as text takes a hundredth of that
(docs/scaling.md, "A tenth round"); a run of many organisations draws nine charts for each.

Text is measured with the advance widths of DejaVu Sans, the font the charts name (the report's CSS falls back to
sans-serif), so that margins fit their labels; a character outside the table counts as wide as an 'M'. Text stays
<text> elements: searchable, and read out by screen readers. Output is deterministic, and the only ids are the chart's
own, prefixed with its name, so several charts share one HTML page. No <style> element: inline in a page, its rules
would reach the whole page.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

FONT = "DejaVu Sans, Verdana, sans-serif"
SIZE = 8.5  # the text's size in points; a title is TITLE_SIZE, bold
TITLE_SIZE = 10.0
EM = SIZE
LINE = 1.2 * SIZE  # a line of text
TICK = 3.5 + 3.5  # a tick mark and the gap to its label
LABEL_PAD = 4.0  # between tick labels and the axis' title
TITLE_ROOM = 1.2 * TITLE_SIZE + 6.0  # a title line and the gap below it
EDGE = 7.2  # the space at the figure's edges
INK = "#000000"
_SPINE = 0.8
_LEAST_AXES = 72.0  # points
# The glyphs' parts of an em above and below the baseline (DejaVu Sans), to place text by its top, middle or bottom.
_ASCENT, _DESCENT, _MIDDLE = 0.76, 0.24, 0.36
# DejaVu Sans's advance widths in thousandths of an em, regular and bold: ' ' to '~', then '\xa0' to 'ÿ'; then a few
# of the punctuation marks councils' names and titles use.
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 636 337 337 838 "
    "838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 "
    "685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 "
    "818 592 592 525 636 337 636 838",
    "318 401 636 636 636 636 337 500 500 1000 471 612 838 361 1000 500 500 838 401 401 500 636 636 318 500 401 471 612 969 "
    "969 969 531 684 684 684 684 684 684 974 698 632 632 632 632 295 295 295 295 775 748 787 787 787 787 787 838 787 732 "
    "732 732 732 611 605 630 613 613 613 613 613 613 982 550 615 615 615 615 278 278 278 278 612 634 612 612 612 612 612 "
    "838 612 634 634 634 634 592 635 592",
    {"‘": 318, "’": 318, "“": 518, "”": 518, "–": 500, "—": 1000, "€": 636, "…": 1000, "•": 590},
)
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696 696 400 400 838 "
    "838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 770 720 682 812 774 1103 771 724 "
    "725 457 365 457 838 500 500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 "
    "924 645 652 582 712 365 712 838",
    "348 456 696 696 636 696 365 500 500 1000 564 646 838 415 1000 500 500 838 438 438 500 736 636 380 500 438 564 646 "
    "1035 1035 1035 580 774 774 774 774 774 774 1085 734 683 683 683 683 372 372 372 372 838 837 850 850 850 850 850 838 "
    "850 812 812 812 812 724 738 719 675 675 675 675 675 675 1048 593 678 678 678 678 343 343 343 343 687 712 687 687 687 "
    "687 687 838 687 712 712 712 712 652 716 652",
    {"‘": 380, "’": 380, "“": 657, "”": 657, "–": 500, "—": 1000, "€": 696, "…": 1000, "•": 639},
)


def _widths(table: tuple[str, str, dict[str, int]]) -> dict[str, int]:
    ascii_part, latin_part, others = table
    widths = dict(zip(map(chr, range(0x20, 0x7F)), map(int, ascii_part.split()), strict=True))
    widths.update(zip(map(chr, range(0xA0, 0x100)), map(int, latin_part.split()), strict=True))
    return widths | others


_WIDTHS = {False: _widths(_REGULAR), True: _widths(_BOLD)}


def text_width(texts: str | Iterable[str], size: float = SIZE, bold: bool = False) -> float:
    """The widest line among TEXTS (a text, or several), in points, as set in DejaVu Sans at SIZE."""
    widths = _WIDTHS[bold]
    wide = widths["M"]
    lines = [line for text in ([texts] if isinstance(texts, str) else texts) for line in str(text).split("\n")]
    return max((sum(widths.get(character, wide) for character in line) for line in lines), default=0) * size / 1000


def whole_ticks(low: float, high: float, room: float, spacing: float) -> list[int]:
    """Whole-number ticks between LOW and HIGH, as many as fit ROOM points with SPACING points each, at the first step
    of 1, 2, 2.5 or 5 times a power of ten (a whole number: 2.5 from 25 on) that leaves no more: the steps a reader
    counts in."""
    most = max(1, int(room // spacing))
    step = next(step for power in itertools.count() for multiple in (1.0, 2.0, 2.5, 5.0)
                if (step := multiple * 10**power).is_integer() and (high - low) / step <= most)
    step = int(step)
    return list(range(math.ceil(low / step) * step, math.floor(high / step) * step + 1, step))


def _number(value: float) -> str:
    """A coordinate as SVG text: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class Plot:
    """The chart NAME (its ids' prefix): a figure WIDTH by HEIGHT points, its axes inset by MARGINS (left, bottom,
    right, top, in points), spanning X and Y (each a (low, high) of the data). Y runs up from the bottom, or down from
    the top with y_down (rows of bars, the first at the top)."""

    def __init__(self, name: str, width: float, height: float, margins: tuple[float, float, float, float],
                 x: tuple[float, float], y: tuple[float, float], y_down: bool = False):
        left, bottom, right, top = margins
        # Margins wider than the figure (a team named in a hundred characters) widen it: the axes keep an inch.
        width = max(width, left + right + _LEAST_AXES)
        self.name, self.width, self.height = name, width, height
        self.left, self.right, self.top, self.bottom = left, width - right, top, height - bottom
        self._x, self._y, self._y_down = _spanning(x), _spanning(y), y_down
        self._marks: list[str] = []  # the data's bars, boxes, dots and labels, drawn first
        self._furniture: list[str] = []  # the spines, ticks and titles, drawn over them
        self._hatched = False

    @property
    def x_extent(self) -> tuple[float, float]:
        """The (low, high) of the data the x axis spans."""
        return self._x

    @property
    def y_extent(self) -> tuple[float, float]:
        """The (low, high) of the data the y axis spans."""
        return self._y

    def x(self, value: float) -> float:
        low, high = self._x
        return self.left + (value - low) / (high - low) * (self.right - self.left)

    def y(self, value: float) -> float:
        low, high = self._y
        share = (value - low) / (high - low)
        return self.top + share * (self.bottom - self.top) if self._y_down else self.bottom - share * (self.bottom - self.top)

    # -- marks, in the data's units -------------------------------------------------------------------------------

    def bar(self, x0: float, x1: float, y0: float, y1: float, fill: str, *, opacity: float | None = None,
            edge: str | None = None, hatch: bool = False) -> None:
        """A rectangle between two corners in the data's units: a bar, or a box of a box plot."""
        left, right = sorted((self.x(x0), self.x(x1)))
        top, bottom = sorted((self.y(y0), self.y(y1)))
        attributes = _attributes(fill=fill, fill_opacity=opacity, stroke=edge, stroke_width=1 if edge else None)
        self._marks.append(_rect(left, top, right - left, bottom - top, attributes))
        if hatch:  # a second rectangle filled with the hatching, over the first
            self._hatched = True
            self._marks.append(_rect(left, top, right - left, bottom - top, f'fill="url(#{self.name}-hatch)"'))

    def segment(self, x0: float, y0: float, x1: float, y1: float, colour: str = INK, width: float = 1.0,
                dash: str | None = None) -> None:
        self._marks.append(_line(self.x(x0), self.y(y0), self.x(x1), self.y(y1), colour, width, dash))

    def across(self, x: float, colour: str, width: float, dash: str | None = None) -> None:
        """A line across the axes' height at X: a target."""
        self._marks.append(_line(self.x(x), self.top, self.x(x), self.bottom, colour, width, dash))

    def dot(self, x: float, y: float, size: float, fill: str, *, opacity: float | None = None, edge: str | None = None,
            diamond: bool = False) -> None:
        """A marker SIZE points across at (X, Y): a circle, or a diamond; FILL 'none' with an EDGE is a ring."""
        self._marks.append(_marker(self.x(x), self.y(y), size, fill, opacity, edge, diamond))

    def label(self, x: float, y: float, text: str, *, size: float = SIZE, anchor: str = "start", va: str = "middle",
              bold: bool = False, colour: str | None = None) -> None:
        """TEXT at (X, Y) in the data's units: ANCHOR its start, middle or end, VA its top, middle or bottom (lines
        below one another); black, or COLOUR."""
        self._marks.append(_text(self.x(x), self.y(y), text, size, anchor, va, bold, colour=colour))

    # -- the axes' furniture ---------------------------------------------------------------------------------------

    def x_axis(self, ticks: Sequence[tuple[float, str]], rotation: float = 0.0) -> None:
        """The bottom spine, and a tick with its label at each (value, label); labels turned ROTATION degrees end at
        their tick."""
        self._furniture.append(_line(self.left, self.bottom, self.right, self.bottom, INK, _SPINE))
        for value, text in ticks:
            at = self.x(value)
            self._furniture.append(_line(at, self.bottom, at, self.bottom + 3.5, INK, _SPINE))
            top = self.bottom + TICK
            if rotation:
                self._furniture.append(_text(at, top, text, SIZE, "end", "top", False, rotation=-rotation))
            else:
                self._furniture.append(_text(at, top, text, SIZE, "middle", "top", False))

    def y_axis(self, ticks: Sequence[tuple[float, str]]) -> None:
        """The left spine, and a tick with its label at each (value, label)."""
        self._furniture.append(_line(self.left, self.top, self.left, self.bottom, INK, _SPINE))
        for value, text in ticks:
            at = self.y(value)
            self._furniture.append(_line(self.left - 3.5, at, self.left, at, INK, _SPINE))
            self._furniture.append(_text(self.left - TICK, at, text, SIZE, "end", "middle", False))

    def x_title(self, text: str, depth: float) -> None:
        """The x axis' title, below tick labels DEPTH points deep."""
        middle = (self.left + self.right) / 2
        self._furniture.append(_text(middle, self.bottom + TICK + depth + LABEL_PAD, text, SIZE, "middle", "top", False))

    def y_title(self, text: str, depth: float) -> None:
        """The y axis' title, read upwards, beside tick labels DEPTH points wide."""
        middle = (self.top + self.bottom) / 2
        at = self.left - TICK - depth - LABEL_PAD
        self._furniture.append(_text(at, middle, text, SIZE, "middle", "bottom", False, rotation=-90))

    def title(self, text: str, size: float = TITLE_SIZE, left: float | None = None) -> None:
        """The chart's title above the axes, from the axes' left edge or from LEFT points."""
        at = self.left if left is None else left
        self._furniture.append(_text(at, self.top - 6.0, text, size, "start", "bottom", True))

    def legend(self, entries: Sequence[tuple[str, str, str]], left: float, top: float) -> None:
        """A key of (label, kind, colour) rows from (LEFT, TOP) in points: kind 'box' (a bar's colour), 'dot',
        'diamond', 'ring' or 'dash' (a dashed line)."""
        row = top + 0.4 * EM
        for text, kind, colour in entries:
            middle = row + EM / 2
            key_left = left + 0.4 * EM
            key_middle = key_left + EM
            if kind == "box":
                self._furniture.append(_rect(key_left, middle - 0.35 * EM, 2 * EM, 0.7 * EM, _attributes(fill=colour)))
            elif kind == "dash":
                self._furniture.append(_line(key_left, middle, key_left + 2 * EM, middle, colour, 1.2, "3.6 2.4"))
            else:
                self._furniture.append(_marker(key_middle, middle, 6.0, "none" if kind == "ring" else colour, None,
                                               INK if kind == "ring" else None, kind == "diamond"))
            self._furniture.append(_text(key_left + 2.8 * EM, middle, text, SIZE, "start", "middle", False))
            row += 1.5 * EM

    def svg(self, title: str, description: str) -> Markup:
        """The chart as an inline <svg>: its TITLE and DESCRIPTION first (read out by screen readers, and the PDF's
        alternative text)."""
        name, defs = self.name, ""
        if self._hatched:
            defs = (f'<defs><pattern id="{name}-hatch" patternUnits="userSpaceOnUse" width="6" height="6">'
                    '<path d="M-1 1L1 -1M0 6L6 0M5 7L7 5" stroke="#000000" stroke-width="0.8"/></pattern></defs>')
        width, height = _number(self.width), _number(self.height)
        body = "".join(self._marks) + "".join(self._furniture)
        # Our own drawing, the only markup the report marks safe: every text in it is escaped (_text).
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="{name}-title {name}-desc" font-family="{FONT}">'
            f'<title id="{name}-title">{escape(title)}</title><desc id="{name}-desc">{escape(description)}</desc>'
            f'{defs}{body}</svg>')


def _spanning(extent: tuple[float, float]) -> tuple[float, float]:
    """A data range that spans something: every count zero (a chart of nothing yet) still gets an axis of 0 to 1."""
    low, high = extent
    return (low, high) if high > low else (low, low + 1)


def _attributes(**values) -> str:
    return " ".join(f'{key.replace("_", "-")}="{_number(value) if isinstance(value, float) else value}"'
                    for key, value in values.items() if value is not None)


def _rect(x: float, y: float, width: float, height: float, attributes: str) -> str:
    return f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" height="{_number(height)}" {attributes}/>'


def _line(x0: float, y0: float, x1: float, y1: float, colour: str, width: float, dash: str | None = None) -> str:
    return (f'<line x1="{_number(x0)}" y1="{_number(y0)}" x2="{_number(x1)}" y2="{_number(y1)}" '
            + _attributes(stroke=colour, stroke_width=float(width), stroke_dasharray=dash) + "/>")


def _marker(x: float, y: float, size: float, fill: str, opacity: float | None, edge: str | None, diamond: bool) -> str:
    attributes = _attributes(fill=fill, fill_opacity=opacity, stroke=edge, stroke_width=1.4 if edge else None)
    if diamond:
        half = size / math.sqrt(2)  # matplotlib's 'D': a square SIZE a side, turned on its corner
        points = ((x, y - half), (x + half, y), (x, y + half), (x - half, y))
        return "<path d=\"M" + "L".join(f"{_number(px)} {_number(py)}" for px, py in points) + f'Z" {attributes}/>'
    return f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(size / 2)}" {attributes}/>'


def _text(x: float, y: float, text: str, size: float, anchor: str, va: str, bold: bool, rotation: float = 0.0,
          colour: str | None = None) -> str:
    """TEXT's lines from (X, Y): ANCHOR ('start', 'middle', 'end') along the line, VA ('top', 'middle', 'bottom') the
    side of the block at Y; ROTATION degrees (clockwise) about (X, Y). Placed by its baseline, which every SVG renderer
    draws alike."""
    lines = str(text).split("\n")
    block = (len(lines) - 1) * 1.2 * size
    first = {"top": y + _ASCENT * size, "middle": y + _MIDDLE * size - block / 2, "bottom": y - _DESCENT * size - block}[va]
    attributes = _attributes(x=float(x), font_size=float(size), text_anchor=None if anchor == "start" else anchor,
                             font_weight="bold" if bold else None, fill=colour,
                             transform=f"rotate({_number(rotation)} {_number(x)} {_number(y)})" if rotation else None)
    if len(lines) == 1:
        return f'<text y="{_number(first)}" {attributes}>{escape(text)}</text>'
    spans = "".join(f'<tspan x="{_number(x)}" y="{_number(first + index * 1.2 * size)}">{escape(line)}</tspan>'
                    for index, line in enumerate(lines))
    return f"<text {attributes}>{spans}</text>"
