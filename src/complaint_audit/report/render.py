"""Render a run folder's report: report.html, report.md and report.pdf, from Jinja2 templates, and its action plan as
recommendations.xlsx (format `xlsx`, report/tracker.py).

Templates are found as datasette finds them: the user's folders first, then the built-in
`templates/` shipped in the package; `default:report.html.j2` always names the built-in page, so
an override can extend it and replace one block. HTML is autoescaped; the only markup marked safe
is our own SVG charts. The Markdown environment escapes every printed value for Markdown
instead, so a team called `<script>` or `[x](http://...)` stays text in a committee paper.
"""

from __future__ import annotations

import base64
import functools
import html as html_lib
import re
import sys
from collections.abc import Sequence
from contextlib import suppress
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from complaint_audit.audit.run_folder import MANIFEST, RESULTS, RunFolder
from complaint_audit.errors import UserError
from complaint_audit.printable import printable
from complaint_audit.report import charts
from complaint_audit.spreadsheet import write_workbook
from complaint_audit.store import atomic_write

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess

FORMATS = ("html", "md", "pdf", "xlsx")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_BARE_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)")


def builtin_templates() -> Path:
    """The built-in templates (top-level templates/, shipped as complaint_audit.templates)."""
    return Path(str(files("complaint_audit.templates")))


def _loader(template_dirs: Sequence[Path]) -> ChoiceLoader:
    builtin = str(builtin_templates())
    return ChoiceLoader([
        FileSystemLoader([*(str(folder) for folder in template_dirs), builtin]),
        PrefixLoader({"default": FileSystemLoader(builtin)}, delimiter=":"),
    ])


def markdown_escape(value) -> str:
    """A value as literal Markdown text: special characters backslashed, line breaks kept out of
    table rows, no control sequences, and no bare URL a renderer would turn into a link (data is
    not the council's to link from a committee paper): 'http://' is written 'http:\\/\\/' and
    'www.' 'www\\.', which read the same."""
    if value is None:
        return ""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(printable(str(value)).split()))
    return _BARE_URL.sub(lambda found: found.group(0).replace("/", "\\/").replace(".", "\\."), text)


def html_value(value):
    """A value printed in the HTML report: text made printable (autoescaping follows); our own
    markup (Markup, the charts) and numbers as they are."""
    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def environment(template_dirs: Sequence[Path] = (), *, markdown: bool = False) -> Environment:
    """The Jinja environment: HTML autoescaped, or Markdown with every printed value escaped for Markdown.

    One per template folders and kind, kept: an environment compiles each template once (a cost
    a run of hundreds of organisations would otherwise pay once each), and still notices a
    template file changed since (Jinja checks its time)."""
    return _environment(tuple(str(folder) for folder in template_dirs), markdown)


@functools.lru_cache(maxsize=8)
def _environment(template_dirs: tuple[str, ...], markdown: bool) -> Environment:
    return _new_environment(template_dirs, markdown)


def _new_environment(template_dirs: tuple[str, ...], markdown: bool) -> Environment:
    options = {"finalize": markdown_escape, "autoescape": False} if markdown else {"finalize": html_value, "autoescape": True}
    return Environment(loader=_loader([Path(folder) for folder in template_dirs]), undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=CompiledTemplates(), **options)


def bytecode_folder() -> Path | None:
    """Where compiled templates are kept from one run to the next, as Python keeps the bytecode of the modules beside the
    built-in templates: in their __pycache__, or under PYTHONPYCACHEPREFIX; None where Python writes no bytecode
    (PYTHONDONTWRITEBYTECODE). Compiling the report's templates took a run 0.2 s; reading them, 5 ms."""
    if sys.dont_write_bytecode:
        return None
    templates = builtin_templates()
    return Path(sys.pycache_prefix, *templates.parts[1:]) if sys.pycache_prefix else templates / "__pycache__"


class CompiledTemplates(BytecodeCache):
    """Templates compiled, as Jinja's bytecode by its cache key (template name and file): given by another process (a
    run's helper, compiled_templates), or kept by an earlier run in bytecode_folder(). An environment given them
    compiles none of them again, and compiles any template whose source differs from the one they were compiled from
    (Jinja checks each against its checksum, and its bytecode against its own version and Python's)."""

    def __init__(self, compiled: dict[str, bytes] | None = None):
        self.compiled = {} if compiled is None else compiled
        self.folder = bytecode_folder()

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key not in self.compiled and self.folder is not None:
            with suppress(OSError):
                self.compiled[bucket.key] = (self.folder / f"{bucket.key}.jinja").read_bytes()
        if bucket.key in self.compiled:
            try:
                bucket.bytecode_from_string(self.compiled[bucket.key])
            except Exception:  # a damaged file (Jinja unpickles its checksum unguarded): the template is compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = compiled = bucket.bytecode_to_string()
        if self.folder is not None:
            with suppress(OSError):  # a folder this user may not write to: the next run compiles them again
                atomic_write(self.folder / f"{bucket.key}.jinja", lambda path: path.write_bytes(compiled))


def compiled_templates(template_dirs: Sequence[str] = ()) -> dict[str, bytes]:
    """The report's HTML and Markdown templates (report.* and the parts named _*) in the folders and built in, compiled:
    a run's helper compiles them (or reads them as an earlier run kept them) while the exports load, and use_compiled
    gives them to this process. Compiled in the environments this process renders with, which keep them: the helper
    renders the run's Markdown (render_reports)."""
    cache = CompiledTemplates()
    for markdown, kind in ((False, ".html.j2"), (True, ".md.j2")):
        compiling = environment([Path(folder) for folder in template_dirs], markdown=markdown)
        compiling.bytecode_cache = cache
        for name in compiling.list_templates(filter_func=lambda name, kind=kind: name.endswith(kind)
                                             and name.startswith(("report.", "_"))):
            compiling.get_template(name)
    return cache.compiled


def use_compiled(compiled: dict[str, bytes], template_dirs: Sequence[str] = ()) -> None:
    """The environments of TEMPLATE_DIRS take their templates from COMPILED (compiled_templates) where they have not
    compiled them already."""
    for markdown in (False, True):
        environment(template_dirs, markdown=markdown).bytecode_cache = CompiledTemplates(compiled)


def render_html(context: dict, template_dirs: Sequence[Path] = ()) -> str:
    """The report's page, its charts drawn in it."""
    return environment(template_dirs).get_template("report.html.j2").render(**context, svg=charts.draw(context["charts"]))


def render_markdown(context: dict, template_dirs: Sequence[Path] = ()) -> str:
    return environment(template_dirs, markdown=True).get_template("report.md.j2").render(**context)


# Tagged PDF (PDF/UA-1): a screen reader follows the headings, tables and reading order, and the
# catalogue carries the document's language (the page's lang) and title (its <title>), shown as
# the window's title; a council publishing the report on its website must meet the accessibility
# regulations (Public Sector Bodies Accessibility Regulations 2018).
PDF_VARIANT = "pdf/ua-1"


def write_pdf(html: str, target: Path, base: Path) -> None:
    """The PDF from the same HTML, laid out by WeasyPrint (its @page rules give A4, running heads, page numbers),
    tagged as PDF_VARIANT."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # WeasyPrint needs Pango from the system, not only from pip
        raise UserError(f"cannot write report.pdf: WeasyPrint is not usable here ({error}); install Pango "
                        "(e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0) or ask for html and md only") from None
    printed = _CHART.sub(_chart_image, html)
    atomic_write(target, lambda tmp: HTML(string=printed, base_url=str(base)).write_pdf(tmp, pdf_variant=PDF_VARIANT))


# An inline chart (report/charts.py: its title and description inside it) and the text of either.
_CHART = re.compile(r"<svg\b.*?</svg>", re.S)
_CHART_TEXT = re.compile(r"<(title|desc) id=\"[^\"]*\">(.*?)</\1>", re.S)


def _chart_image(match: re.Match) -> str:
    """A chart as an image of itself for the PDF: its alternative text is its title and description, which a tagged
    PDF carries on the figure, and WeasyPrint draws the SVG once instead of styling each of its elements like HTML
    (about 0.9 s of a 36-page report's 7.5 s: docs/scaling.md)."""
    svg = match.group(0)
    words = " ".join(html_lib.unescape(text) for _, text in _CHART_TEXT.findall(svg))
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{html_lib.escape(words, quote=True)}" src="data:image/svg+xml;base64,{data}">'


def render_reports(
    run_dir: Path, formats: Sequence[str] = FORMATS, template_dirs: Sequence[Path] = (), *, context: dict | None = None,
    helper: HelperProcess | None = None,
) -> dict[str, Path]:
    """Write report.<format> into RUN_DIR for each format asked for; the paths written, by format.

    CONTEXT is report_context(RUN_DIR) where the caller has it already (a run writes the Code's self-assessment
    workbook from the same context): it is worked out otherwise. With HELPER (a run's, which compiled the templates:
    compiled_templates), the Markdown is written there while this process writes the rest, unless the helper has not
    begun it by then."""
    run_dir = Path(run_dir)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UserError(f"unknown report format '{unknown[0]}': use {', '.join(FORMATS)}")
    missing = [folder for folder in template_dirs if not Path(folder).is_dir()]
    if missing:
        raise UserError(f"{missing[0]}: template folder not found")
    folder = RunFolder(run_dir)
    if not folder.is_run():
        raise UserError(f"{run_dir}: not a run folder (needs {RESULTS} and {MANIFEST})")
    several = folder.manifest().organisations
    if several:
        raise UserError(f"{run_dir}: a run of {len(several):,} organisations, each with its report: give one of its "
                        f"folders, such as {run_dir / several[0]['folder']}")
    if context is None:  # imported here: a run's helper compiles the templates without the context's modules
        from complaint_audit.report.context import report_context

        context = report_context(run_dir)
    written: dict[str, Path] = {}
    in_helper = "md" in formats and helper is not None
    markdown = helper.submit(write_markdown, folder.report_file("md"), context, template_dirs) if in_helper else None
    html = render_html(context, template_dirs) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        written["html"] = _write_text(folder.report_file("html"), html)
    if "md" in formats and not in_helper:
        written["md"] = write_markdown(folder.report_file("md"), context, template_dirs)
    if "pdf" in formats:
        write_pdf(html, folder.report_file("pdf"), run_dir)
        written["pdf"] = folder.report_file("pdf")
    if "xlsx" in formats:
        from complaint_audit.report.tracker import write_tracker  # openpyxl: only when the workbook is asked for

        resolved = (context["trend"] or {}).get("resolved", [])
        atomic_write(folder.tracker_file, lambda tmp: write_tracker(tmp, context["recommendations"], resolved))
        written["xlsx"] = folder.tracker_file
    if not context["teams"]["in_full"]:  # the report lists the few worst and best, and points to every team here
        written["teams"] = write_teams(run_dir / context["teams"]["workbook"], context["teams"]["sheet"])
    if markdown is not None:  # written here if the helper is still busy with what it was given before
        written["md"] = markdown.soonest()
    return written


def write_markdown(path: Path, context: dict, template_dirs: Sequence[Path] = ()) -> Path:
    """report.md, rendered from CONTEXT, at PATH."""
    return _write_text(path, render_markdown(context, template_dirs))


def write_teams(path: Path, sheet: list[dict]) -> Path:
    """teams.xlsx: every team's figures as numbers, the Teams sheet the report's teams section points to."""
    import pandas as pd

    atomic_write(path, lambda tmp: write_workbook(tmp, {"Teams": pd.DataFrame(sheet, columns=list(sheet[0]) if sheet else None)}))
    return path


def _write_text(path: Path, text: str) -> Path:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
