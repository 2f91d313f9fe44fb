"""Write the comparison report, compare.html and compare.md, from several organisations' run folders.

    from complaint_audit.compare import compare_runs
    comparison = compare_runs(["runs/north/2024...", "runs/south/2024..."], "comparison")

Rendered with the report's Jinja environments (HTML autoescaped; Markdown with every value
escaped for Markdown) and its stylesheet, from the built-in templates compare.html.j2 and
compare.md.j2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from complaint_audit.compare import charts
from complaint_audit.compare.context import comparison_context
from complaint_audit.compare.runs import select_runs
from complaint_audit.report.render import environment
from complaint_audit.store import atomic_write

HTML, MARKDOWN = "compare.html", "compare.md"


@dataclass(frozen=True)
class Comparison:
    """What a comparison wrote, and the plain data it was rendered from."""

    paths: dict[str, Path]
    context: dict
    left_out: list[str]  # a sentence per run folder left out (an earlier run of an organisation compared)


def compare_runs(run_dirs: Sequence[Path | str], out: Path | str, today: dt.date | None = None) -> Comparison:
    """Compare the organisations whose run folders are given; write compare.html and compare.md into OUT."""
    selected = select_runs([Path(folder) for folder in run_dirs])
    context = comparison_context(selected, today)
    html = environment().get_template("compare.html.j2").render(**context, svg=charts.draw(context["charts"]))
    markdown = environment(markdown=True).get_template("compare.md.j2").render(**context)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / HTML, "md": out / MARKDOWN}
    for key, text in (("html", html), ("md", markdown)):
        atomic_write(paths[key], lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
    return Comparison(paths, context, selected.left_out)
