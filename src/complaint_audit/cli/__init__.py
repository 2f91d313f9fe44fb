"""The `complaint-audit` command: parses options, calls the library, prints.

User errors (UserError) and the file system's (OSError: a full disk, say) become one line on
stderr and their exit status (2 unless they say otherwise); anything unexpected is one line and
exit 2 too. `--debug` shows the traceback.
"""

from __future__ import annotations

import gc
import importlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from typer.core import TyperGroup
from typer.exceptions import TyperException

from complaint_audit import __version__
from complaint_audit.audit.exit_codes import FailOn
from complaint_audit.errors import UserError, disk_error
from complaint_audit.printable import printable

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess


class _PrintableConsole(Console):
    """A console that prints no control sequence it was given: every string it renders, in a
    message or a table cell, is made printable first; its own styling is added after. Markup is
    off: a file or team named '[link=...]' would otherwise become a hyperlink rich writes itself,
    and '[/b]' an error. Styles are given as Text styles instead."""

    def __init__(self, **options):
        super().__init__(markup=False, **options)

    def render_str(self, text: str, **options):
        return super().render_str(printable(text), **options)


console = _PrintableConsole()
err_console = _PrintableConsole(stderr=True)
_state = {"debug": False}


class _Group(TyperGroup):
    """Turns a UserError raised anywhere below into one line on stderr and its exit status."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except (UserError, OSError) as error:
            if _state["debug"]:
                raise
            # A full or read-only disk, a file where a folder should be: the path, and what to do.
            error = disk_error(error) if isinstance(error, OSError) else error
            err_console.print(f"error: {error}", highlight=False, markup=False, soft_wrap=True)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            # A bug or an input nobody foresaw: still one line, and the way to see more.
            if _state["debug"]:
                raise
            err_console.print(
                f"error: unexpected {type(error).__name__}: {error} (run with --debug for the traceback)",
                highlight=False, markup=False, soft_wrap=True,
            )
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Audit how a public body handles complaints: load exports, check them, report.",
)
profile_app = typer.Typer(no_args_is_help=True, help="Write and check source profiles.")
app.add_typer(profile_app, name="profile")
checks_app = typer.Typer(no_args_is_help=True, help="List and explain the compliance checks.")
app.add_typer(checks_app, name="checks")
reviews_app = typer.Typer(no_args_is_help=True, help="Bring reviewers' scores from a filled review workbook into a store.")
app.add_typer(reviews_app, name="reviews")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


JsonOption = Annotated[bool, typer.Option("--json", help="Print a one-object JSON summary (for CI).")]
MaxQuarantineOption = Annotated[
    float | None, typer.Option("--max-quarantine", help="Exit 1 if more than PCT% of rows are quarantined.", metavar="PCT")
]


def _version(value: bool) -> None:
    if value:
        console.print(f"complaint-audit {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def schema(
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = OutputFormat.table,
) -> None:
    """Print the canonical record schema: every field, its type and meaning."""
    from complaint_audit import schema as canonical
    from complaint_audit.cli.terminal import schema_table

    if output_format is OutputFormat.json:
        typer.echo(json.dumps(canonical.describe(), indent=2))
    else:
        console.print(schema_table(canonical.describe()))


@app.command()
def load(
    store: Annotated[Path, typer.Option("--store", help="Store folder to load into (created if missing).")],
    files: Annotated[list[Path] | None, typer.Argument(help="Export files to load with --profile.", show_default=False)] = None,
    profile: Annotated[Path | None, typer.Option("--profile", help="Source profile (TOML) for FILE...")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="audit.toml: load every source it lists.")] = None,
    max_quarantine: MaxQuarantineOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load exports into the canonical store and print the reconciliation per file and reason."""
    from complaint_audit.ingest.api import load_exports

    report = load_exports(store=store, files=files or [], profile=profile, config=config)
    if as_json:
        _print_warnings(report)
        typer.echo(json.dumps({"store": str(store), **report.reconciliation(), "max_quarantine": max_quarantine,
                               "over_max_quarantine": report.exceeds(max_quarantine)}))
    else:
        _print_reconciliation(report, f" Store: {store}")
    if report.exceeds(max_quarantine):
        _say_too_much_quarantined(report, max_quarantine, store / "quarantine.csv")
        raise typer.Exit(1)


def _print_reconciliation(report, after: str = "") -> None:
    """What `load` and `run` print of a load: its warnings, rows read, loaded and quarantined per
    file and per reason, and the totals line (then AFTER)."""
    from complaint_audit.cli.terminal import reconciliation_tables

    _print_warnings(report)
    for table in reconciliation_tables(report):
        console.print(table)
    console.print(
        f"Read {report.read:,} = loaded {report.read - report.quarantined:,} + quarantined {report.quarantined:,} "
        f"({report.quarantine_percent:.1f}%).{after}",
        highlight=False,
    )
    if report.combined_rows:
        console.print(f"Combined {report.combined_rows:,} loaded rows of the same case and stage into "
                      f"{report.combined_records:,} records ([combine]): {report.records:,} records in all.", highlight=False)
    if report.letters is not None:
        console.print(report.letters.summary_line(), highlight=False, markup=False, soft_wrap=True)


def _print_warnings(report) -> None:
    for warning in report.warnings:
        err_console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)


def _say_too_much_quarantined(report, max_quarantine: float, quarantine_csv: Path) -> None:
    """The line on stderr that explains exit 1 when --max-quarantine is exceeded (`load` and `run`)."""
    err_console.print(
        f"error: {report.quarantine_percent:.1f}% of rows were quarantined, more than --max-quarantine {max_quarantine:g}%; "
        f"see {quarantine_csv}",
        highlight=False, markup=False, soft_wrap=True,
    )


@profile_app.command("suggest")
def profile_suggest(
    export: Annotated[Path, typer.Argument(help="An export file nobody has written a profile for yet.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the draft here instead of printing it.")] = None,
) -> None:
    """Draft a profile for an unknown export: every guess marked for you to confirm."""
    from complaint_audit.ingest.suggest.draft import suggest_profile

    draft = suggest_profile(export)
    if out is None:
        typer.echo(draft, nl=False)
    else:
        out.write_text(draft, encoding="utf-8")
        err_console.print(f"Wrote a draft profile to {out}: check every line marked 'confirm'.", highlight=False)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder for the exports, profiles, audit.toml and ground_truth.json.")],
    cases: Annotated[int, typer.Option("--cases", min=10, help="Number of complaint cases across the three systems.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same files.")] = 2023,
    year: Annotated[int, typer.Option("--year", help="Financial year starting 1 April of this year.")] = 2023,
    councils: Annotated[int | None, typer.Option("--councils", min=1, max=5, help="Several councils that handle complaints differently: one folder each, for `compare`.")] = None,
    teams: Annotated[int | None, typer.Option("--teams", min=4, help="Teams the exports name in all, the corporate cases spread over them: a report at a large council's scale.")] = None,
) -> None:
    """Generate sample exports of a fictional council, with seeded problems and their ground truth."""
    from complaint_audit.sample_data.generate import generate as generate_sample

    if councils is not None and teams is not None:
        raise UserError("--teams is for one council's exports: give it without --councils")

    if councils is not None:
        from complaint_audit.sample_data.councils import generate_councils

        for council in generate_councils(out, councils, cases=cases, seed=seed, year=year)["councils"]:
            console.print(f"{council['organisation']}: {out / council['folder']} ({council['summary']})", highlight=False)
        console.print(f"Run each: complaint-audit run {out / 'FOLDER' / 'audit.toml'} --out RUNS/FOLDER; then compare "
                      f"the run folders: complaint-audit compare RUN_DIR... --out COMPARISON", highlight=False)
        return
    truth = generate_sample(out, cases=cases, seed=seed, year=year, teams=teams)
    seeded = sum(len(problem.get("case_ids", [])) for problem in truth["problems"].values())
    console.print(
        f"Wrote sample exports for {cases:,} cases to {out}, with {seeded:,} seeded problem cases "
        f"listed in ground_truth.json. Load them: complaint-audit load --config {out / 'audit.toml'} --store STORE",
        highlight=False,
    )


ConfigOption = Annotated[Path | None, typer.Option("--config", help="audit.toml (local check folders, parameters).")]
QuietOption = Annotated[bool, typer.Option("--quiet", help="Print only the run folder (for cron).")]
FailOnOption = Annotated[FailOn, typer.Option("--fail-on", help="Exit 1 on: warn, fail or never.")]
FormatOption = Annotated[str, typer.Option("--format", help="Report formats, comma-separated: html, md, pdf (pdf takes the longest), "
                                                           "xlsx (recommendations.xlsx, the action plan to track).")]


def _formats(value: str) -> list[str]:
    """The report formats asked for, each one known."""
    chosen = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(chosen) - {"html", "md", "pdf", "xlsx"})
    if unknown:
        raise UserError(f"--format: '{unknown[0]}' is not one of html, md, pdf, xlsx")
    return chosen


AsOfOption = Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Audit date for ageing open cases.")]


def _codes(values: list[str] | None) -> list[str]:
    """--select TS --select CSC and --select TS,CSC mean the same."""
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


@checks_app.command("list")
def checks_list(
    config: ConfigOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json.")] = OutputFormat.table,
) -> None:
    """List every available check: code, title, area and the rule's source."""
    from complaint_audit.cli.terminal import checks_table
    from complaint_audit.engine.api import available_checks

    checks = available_checks(config)
    if output_format is OutputFormat.json:
        rows = [{"code": c.code, "title": c.title, "area": str(c.area), "rule": c.rule, "source": c.source, "params": dict(c.params)} for c in checks]
        typer.echo(json.dumps(rows, indent=2))
    else:
        console.print(checks_table(checks))


@checks_app.command("explain")
def checks_explain(code: Annotated[str, typer.Argument(help="A check code, such as CSC002.")], config: ConfigOption = None) -> None:
    """Show a check's page: what it checks, why it matters, how to fix, its parameters."""
    from rich.markdown import Markdown

    from complaint_audit.engine.api import available_checks
    from complaint_audit.engine.docs import check_page

    by_code = {check.code: check for check in available_checks(config)}
    if code.upper() not in by_code:
        raise UserError(f"no check has the code '{code}' (see `complaint-audit checks list`)")
    console.print(Markdown(check_page(by_code[code.upper()])))


@checks_app.command("docs")
def checks_docs(config: ConfigOption = None) -> None:
    """Print every check's page as Markdown (this is how docs/checks.md is made)."""
    from complaint_audit.engine.api import available_checks
    from complaint_audit.engine.docs import catalogue

    typer.echo(catalogue(available_checks(config)), nl=False)


@app.command()
def check(
    store: Annotated[Path, typer.Option("--store", help="Store folder written by `load`.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for results.json, exceptions.parquet and exceptions.xlsx.")],
    config: ConfigOption = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Codes or prefixes to run (repeat, or comma-separate).")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Codes or prefixes to leave out.")] = None,
    as_of: AsOfOption = None,
    fail_on: FailOnOption = FailOn.fail,
    organisations: Annotated[list[str] | None, typer.Option("--organisation", help="Check only this organisation's records (repeat for more); default all.")] = None,
) -> None:
    """Run the compliance checks on a store and write the results; exit 1 when a check fails."""
    from complaint_audit.audit.exit_codes import exit_code
    from complaint_audit.audit.results import write_results
    from complaint_audit.cli.terminal import results_table
    from complaint_audit.engine.api import check_store

    run = check_store(store, config=config, select_codes=_codes(select), ignore_codes=_codes(ignore),
                      as_of=as_of.date() if as_of else None, organisations=organisations or ())
    write_results(out, run.outcomes, run.as_of, run.figures)
    console.print(results_table(run.outcomes, run.as_of))
    console.print(f"Results: {out / 'results.json'}; exceptions: {out / 'exceptions.xlsx'}", highlight=False)
    raise typer.Exit(exit_code([o.result.status for o in run.outcomes], fail_on))


def _print_run(result, quiet: bool, as_json: bool, fail_on: FailOn, max_quarantine: float | None = None) -> None:
    """What `run` and `demo` print: the run folder, the reconciliation and a summary table, or one JSON object."""
    from complaint_audit.audit.run_folder import ORGANISATIONS, RunFolder
    from complaint_audit.cli.terminal import results_table
    from complaint_audit.compare.render import HTML

    code = result.exit_code(fail_on, max_quarantine)
    for note in result.notes:
        err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    if as_json:
        summary = result.results["summary"]
        worst = next((status for status in ("error", "fail", "warn", "pass") if summary["by_status"][status]), "not_applicable")
        reconciliation = {**result.load.reconciliation(), "max_quarantine": max_quarantine,
                          "over_max_quarantine": result.load.exceeds(max_quarantine)}
        if result.load.letters is not None:
            reconciliation["letters"] = result.load.letters.totals()
        organisations = {"organisations": result.results["organisations"]} if result.organisations else {}
        typer.echo(json.dumps(
            {"status": worst, "run_dir": str(result.run_dir), "exit_code": int(code), "as_of": result.as_of.isoformat(), **summary,
             "reconciliation": reconciliation, **organisations}
        ))
    elif quiet:
        typer.echo(str(result.run_dir))
    else:
        _print_reconciliation(result.load)
        console.print(results_table(result.outcomes, result.as_of, findings=False))
        if result.organisations:
            console.print(f"Run folder: {result.run_dir}\nReports of {len(result.organisations):,} organisations: "
                          f"{result.run_dir / ORGANISATIONS}" + (f"\nComparison: {result.run_dir / HTML}"
                                                                   if len(result.organisations) > 1 else ""), highlight=False)
        else:
            console.print(f"Run folder: {result.run_dir}\nReport: {RunFolder(result.run_dir).report_file('html')}", highlight=False)
    if result.load.exceeds(max_quarantine):
        _say_too_much_quarantined(result.load, max_quarantine, RunFolder(result.run_dir).quarantine_file)
    raise typer.Exit(code)


# What a run's helper process imports as the command starts (helper_imports_ahead): the modules of its first tasks
# (audit/run.py, _first_tasks: read the letters, load exports), then the readers of each kind of letter file.
RUN_HELPER_IMPORTS = ("complaint_audit.letters.read", "complaint_audit.ingest.load", "pypdfium2",
                      "complaint_audit.letters.docx_text", "complaint_audit.letters.email_text")
# What a run writing a report (HTML, Markdown or PDF) imports besides run_audit's modules: the report's context,
# templates and the Code's workbook (Jinja among them), imported with the rest of the command's modules.
REPORT_IMPORTS = ("complaint_audit.report.context", "complaint_audit.report.render", "complaint_audit.report.code_workbook")


def helper_imports_ahead(helper: HelperProcess, formats: Sequence[str] | None) -> None:
    """The run's HELPER, started, imports what its tasks will need while this process imports the command's modules:
    RUN_HELPER_IMPORTS, the checks (their registry's discovery), and the report's templates where the run writes a
    report in one of FORMATS. Imported at their first use, in the middle of the run, the letters' readers, the checks
    and the templates took 0.06-0.09 s of the helper's share of the sample's run; as the command starts, the helper
    waits for this process's imports anyway (0.5 s of its own against 0.7 s). The helper is started first: the
    registry imports pandas here, half a second."""
    helper.import_ahead(*RUN_HELPER_IMPORTS, *(["complaint_audit.report.render"] if _writes_report(formats) else []))
    from complaint_audit.engine.registry import discover

    helper.warm_up(discover)


def _writes_report(formats: Sequence[str] | None) -> bool:
    return bool({"html", "md", "pdf"} & set(formats or ()))


def import_report(formats: Sequence[str] | None) -> None:
    """REPORT_IMPORTS, where a run writes a report in one of FORMATS: imported as the command starts, with the rest of
    what it uses, not in the middle of the run."""
    if _writes_report(formats):
        for name in REPORT_IMPORTS:
            importlib.import_module(name)


def _run_with_progress(config: Path, out: Path, *, quiet: bool, **options):
    """run_audit with a progress bar on stderr (per file loaded, per check run) unless quiet.

    The run's helper process is started before the run's modules are imported here (half a second of pandas, pyarrow
    and the tool's own): it imports those of its first tasks meanwhile, on the other core."""
    from complaint_audit.helper_process import HelperProcess

    with HelperProcess() as helper:
        helper_imports_ahead(helper, options.get("formats"))
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from complaint_audit.audit.run import run_audit

        import_report(options.get("formats"))
        with _imports_frozen():
            if quiet:
                return run_audit(config, out_root=out, helper=helper, **options)
            columns = (SpinnerColumn(), TextColumn("{task.description:<40}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("starting", total=None)

                def advance(description: str, done: int, total: int) -> None:
                    # The column makes its Text itself, not through the console's render_str.
                    bar.update(task, description=printable(description), completed=done, total=total)

                return run_audit(config, out_root=out, progress=advance, helper=helper, **options)


@contextmanager
def _imports_frozen() -> Iterator[None]:
    """The objects loaded so far (pandas', pyarrow's and the tool's modules: most of a run's
    objects) left out of garbage collection while the block runs: every full collection of a
    run would otherwise walk them all again, 0.3 s of the bundled sample's run instead of 0.17 s.
    Unfrozen after, so a caller that runs several audits in one process (the tests) keeps collecting."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@app.command()
def run(
    config: Annotated[Path, typer.Argument(help="audit.toml: sources, checks, report.")],
    out: Annotated[Path, typer.Option("--out", help="Root folder: each run gets a new folder in it.")],
    as_of: AsOfOption = None,
    fail_on: FailOnOption = FailOn.fail,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    formats: FormatOption = "html,md,pdf,xlsx",
    max_quarantine: MaxQuarantineOption = None,
    organisations: Annotated[list[str] | None, typer.Option(
        "--organisation", help="When the exports hold several organisations: report only this one (repeat for more); default all.")] = None,
) -> None:
    """Load every source, run the checks and write the report into a new run folder.

    When the records hold several organisations, each gets its own report in RUN/organisations/,
    and RUN/compare.html compares them."""
    chosen = [option for name in organisations or [] for option in ("--organisation", name)]
    result = _run_with_progress(config, out, quiet=quiet or as_json, as_of=as_of.date() if as_of else None, formats=_formats(formats),
                                command_line=["complaint-audit", "run", str(config), "--out", str(out), "--format", formats, *chosen],
                                organisations=organisations or ())
    _print_run(result, quiet, as_json, fail_on, max_quarantine)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's run folder.")],
    fail_on: FailOnOption = FailOn.never,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    formats: FormatOption = "html,md,pdf,xlsx",
) -> None:
    """Run the whole audit on the bundled sample data of a fictional council: no other input needed."""
    from importlib.resources import files

    config = Path(str(files("complaint_audit.sample_data").joinpath("audit.toml")))
    result = _run_with_progress(config, out, quiet=quiet or as_json, formats=_formats(formats),
                                command_line=["complaint-audit", "demo", "--out", str(out), "--format", formats])
    _print_run(result, quiet, as_json, fail_on)


class ReportKind(StrEnum):
    assessment = "assessment"
    annual = "annual"


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `run` or `demo`.")],
    formats: FormatOption = "html,md,pdf,xlsx",
    templates: Annotated[Path | None, typer.Option("--templates", help="A folder of templates that override or extend the built-in ones.")] = None,
    kind: Annotated[ReportKind, typer.Option("--kind", help="assessment: the report for the audit committee (report.*); annual: the annual complaints performance and service improvement report for the public (annual_report.*), small counts suppressed and no case referred to.")] = ReportKind.assessment,
) -> None:
    """Render the report again from a run folder (after changing templates, say), or the annual report for the public."""
    from complaint_audit.audit.run_folder import MANIFEST, RunFolder

    if kind is ReportKind.annual:
        from complaint_audit.report.annual import render_annual as render
    else:
        from complaint_audit.report.render import render_reports as render

    chosen = _formats(formats)
    if not RunFolder(run_dir).manifest_file.is_file():
        raise UserError(f"{run_dir}: not a run folder (no {MANIFEST})")
    written = render(run_dir, chosen, [templates] if templates else [])
    if kind is ReportKind.assessment:
        from complaint_audit.report.code_workbook import write_code_workbook

        written.update(write_code_workbook(run_dir))
    for path in written.values():
        console.print(f"Wrote {path}", highlight=False)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new audit.toml and profiles/.")],
    exports: Annotated[list[Path] | None, typer.Argument(
        help="Your exports: one draft profile each; and a folder of response letters, if you have one.",
        show_default=False)] = None,
) -> None:
    """Start an audit from your own exports: an audit.toml, a draft profile per export, and a \\[letters] table for a folder of letters."""
    from complaint_audit.audit.scaffold import scaffold_audit

    written = scaffold_audit(folder, exports or [])
    for path in written:
        console.print(f"Wrote {path}", highlight=False)
    console.print(
        f"Next: check every line marked 'confirm' in {folder / 'profiles'}, set the organisation in {folder / 'audit.toml'}, "
        f"then run: complaint-audit run {folder / 'audit.toml'} --out {folder / 'runs'}",
        highlight=False,
    )


@app.command()
def sample(
    store: Annotated[Path, typer.Option("--store", help="Store folder to sample from.")],
    out: Annotated[Path, typer.Option("--out", help="Review workbook to write (the manifest goes beside it as .json).")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of stage records to sample.")],
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed: the same seed and store give the same sample.")],
    stratify: Annotated[str | None, typer.Option("--stratify", help="Comma-separated fields to stratify by, e.g. team,stage,outcome.")] = None,
    oversample: Annotated[list[str] | None, typer.Option("--oversample", metavar="FIELD=V1,V2", help="Guarantee these rows a quarter of the sample (repeatable).")] = None,
) -> None:
    """Draw a reproducible stratified sample of cases and write a workbook for manual quality review."""
    from complaint_audit.review import draw_from_store, parse_oversample, parse_stratify, write_review

    drawn, description = draw_from_store(store, n, seed, parse_stratify(stratify), parse_oversample(oversample))
    paths = write_review(out, drawn, description)
    if description["took_everything"]:
        err_console.print(f"note: {description['note']}", highlight=False)
    console.print(
        f"Sampled {description['n_drawn']:,} of {description['population']:,} records.\n"
        f"Workbook: {paths['workbook']}\nHow it was drawn: {paths['manifest']}",
        highlight=False,
    )


@reviews_app.command("import")
def reviews_import(
    workbook: Annotated[Path, typer.Argument(help="A review workbook written by `sample` and filled in by reviewers.")],
    store: Annotated[Path, typer.Option("--store", help="The store the sample was drawn from.")],
) -> None:
    """Check a filled review workbook cell by cell and store its scores (importing it again replaces them)."""
    from complaint_audit.review import import_review

    console.print("\n".join(import_review(workbook, store).lines()), highlight=False, soft_wrap=True)


@app.command()
def compare(
    run_dirs: Annotated[list[Path], typer.Argument(help="Run folders written by `run`, one or more per organisation (the latest of each is used).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder for compare.html and compare.md.")],
) -> None:
    """Compare organisations' runs: headline figures side by side, ranks, outliers and charts."""
    from complaint_audit.compare import compare_runs

    comparison = compare_runs(run_dirs, out)
    for note in comparison.left_out:
        err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    for path in comparison.paths.values():
        console.print(f"Wrote {path}", highlight=False)


def main() -> None:
    try:
        app(prog_name="complaint-audit")
    finally:
        # What the command made dies with the process: frozen, it is left to the operating system
        # rather than to a last garbage collection over pandas and pyarrow at exit,
        # which a user would wait for. Only here: a library caller keeps collecting.
        gc.freeze()
