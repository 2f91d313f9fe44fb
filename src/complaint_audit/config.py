"""audit.toml: what an audit loads, checks and reports, parsed and checked before anything runs.

Paths in the file are relative to the file itself, so an audit folder can be moved or
archived whole. Every problem is a UserError naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from complaint_audit.calendar import NATIONS, WorkingCalendar
from complaint_audit.errors import UserError
from complaint_audit.toml_file import read_toml

_ALLOWED = {
    "": {"organisation", "period", "as_of", "calendar", "privacy", "sources", "checks", "report", "history", "reviews",
         "ombudsman", "regulator", "standard", "letters"},
    "period": {"start", "end"},
    "calendar": {"nation", "country", "subdivision", "closure_days"},
    "privacy": {"key"},
    "sources": {"profile", "files"},
    "checks": {"select", "ignore", "paths", "params"},
    "report": {"title", "audience", "marking", "author", "free_text", "templates", "suppress_below", "committee_date",
               "owners"},
    "history": {"keep"},
    "reviews": {"files"},
    "ombudsman": {"file", "profile"},
    "regulator": {"files", "landlord"},
    "standard": {"name", "response_working_days", "escalation"},
    "letters": {"folder", "files", "reference_pattern", "reference_in", "index", "stage_pattern", "extension_pattern",
                "acknowledgement_pattern", "prefer"},
}
# What [letters] finds in a letter unless told otherwise. A stage is what a file name says
# ("ASC-00123 stage 2.docx") or what a heading says ("Stage 2 response"): a Stage 1 letter that
# offers Stage 2 must not read as a Stage 2 letter, so the text must name the kind of letter too.
LETTER_STAGE_PATTERN = r"(?i)(?<![a-z0-9])(?:stage|st)[\s_-]*(1|2|3|one|two|three)(?![0-9])"
LETTER_TEXT_STAGE_PATTERN = (r"(?i)\bstage[\s_-]*(1|2|3|one|two|three)\s+(?:complaint\s+)?"
                             r"(?:response|reply|decision|acknowledg\w*|extension)")
LETTER_EXTENSION_PATTERN = r"(?i)(?<![a-z])(?:extension|extend(?:ed|ing)? the (?:time|timescale|deadline)|need(?:s)? more time)"
LETTER_ACKNOWLEDGEMENT_PATTERN = r"(?i)(?<![a-z])(?:ack(?:nowledge?ment)?(?![a-z])|acknowledge receipt|we have received your complaint)"
LETTER_FIND_REFERENCE_IN = ("name", "text")


@dataclass(frozen=True)
class Period:
    """The period an audit covers: a financial year ('2023-24') or two dates."""

    label: str
    start: dt.date
    end: dt.date
    kind: str  # "financial_year" or "dates": runs compare with earlier runs of the same kind


@dataclass(frozen=True)
class SourceEntry:
    """One `[[sources]]` entry: a profile and the files (or globs) it reads."""

    profile: Path
    files: tuple[str, ...]


@dataclass(frozen=True)
class ChecksConfig:
    """`[checks]`: which checks run (codes or prefixes), local check folders, per-check parameters."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    paths: tuple[Path, ...] = ()
    params: dict[str, dict] = field(default_factory=dict)  # per check code, the parameters set, each of its declared type


@dataclass(frozen=True)
class ReportConfig:
    """`[report]`: how the assessment presents itself, and whether free text may appear in it."""

    title: str = "Complaint handling assessment"
    audience: str = "Audit Committee"
    marking: str = "OFFICIAL"
    author: str = "Internal Audit"
    free_text: bool = False
    templates: Path | None = None
    suppress_below: int = 0  # counts from 1 to this minus 1 shown as "<N"; 0 (the default) shows every count
    # The action plan's due dates count from this meeting where given, else from the report's date.
    committee_date: dt.date | None = None
    # `[report.owners]`: who answers for each team's recommendations, team = owner, in the file's order.
    owners: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OmbudsmanFigures:
    """`[ombudsman]`: the ombudsman's published annual figures per organisation, and the profile that reads them."""

    file: Path
    profile: Path


@dataclass(frozen=True)
class RegulatorReturns:
    """`[regulator]`: the Regulator of Social Housing's published Tenant Satisfaction Measures workbooks, and
    the council's name in them (its landlord name or code; the audit's organisation where not given)."""

    files: tuple[Path, ...]
    landlord: str | None = None


@dataclass(frozen=True)
class Standard:
    """`[standard]`: the rules a process outside the UK's statutory schemes (`other`) is held to.

    Such records are never measured against UK regulations or the Complaint Handling Codes; the
    audit may set its own response target and the body a complainant can escalate to instead.
    """

    name: str = "the organisation's own complaint procedure"
    response_working_days: int | None = None  # the response target where a record has no due date of its own
    escalation: str | None = None  # the ombudsman or regulator a complainant may escalate to, if any

    def record(self) -> dict:
        """As the manifest keeps it, for the report to word its findings."""
        return {"name": self.name, "response_working_days": self.response_working_days, "escalation": self.escalation}


@dataclass(frozen=True)
class LettersConfig:
    """`[letters]`: a folder of response letters (Word, PDF, e-mail) and how to tell each one's case, stage and kind.

    The case reference is the index's `case_id` where an index CSV is given; otherwise the first
    match of `reference_pattern` (its group `case`, else the whole match) in the places
    `reference_in` lists, in order: the file's name, then its first page's text. `prefer` says
    which wins where a record has `response_text` from its export and a letter too.
    """

    folder: Path
    files: tuple[str, ...] = ("**/*",)
    reference_pattern: str | None = None
    reference_in: tuple[str, ...] = LETTER_FIND_REFERENCE_IN
    index: Path | None = None
    stage_pattern: str = LETTER_STAGE_PATTERN
    extension_pattern: str = LETTER_EXTENSION_PATTERN
    acknowledgement_pattern: str = LETTER_ACKNOWLEDGEMENT_PATTERN
    prefer: str = "letter"


@dataclass(frozen=True)
class AuditConfig:
    path: Path
    organisation: str | None = None
    period: Period | None = None
    calendar: WorkingCalendar = WorkingCalendar()  # `[calendar]`: whose holidays, and the closure days
    privacy_key: str | None = None
    sources: tuple[SourceEntry, ...] = ()
    as_of: dt.date | None = None
    checks: ChecksConfig = ChecksConfig()
    report: ReportConfig = ReportConfig()
    keep_runs: int | None = None  # `[history] keep`: how many runs to keep in the output folder
    reviews: tuple[Path, ...] = ()  # `[reviews] files`: filled review workbooks imported into each run's store
    ombudsman: OmbudsmanFigures | None = None
    regulator: RegulatorReturns | None = None
    standard: Standard = Standard()
    letters: LettersConfig | None = None

    @property
    def folder(self) -> Path:
        return self.path.parent

    def recorded(self) -> RecordedConfig:
        """The settings a run's manifest keeps for its report (audit/run_folder.py)."""
        return RecordedConfig(self.organisation, self.period, self.calendar, self.standard,
                              replace(self.report, templates=None))

    @property
    def nation(self) -> str | None:
        """The UK nation whose bank holidays count, or None for a calendar of another country."""
        return self.calendar.nation



@dataclass(frozen=True)
class RecordedConfig:
    """What a run's report is written from: the audit.toml settings its manifest keeps, typed again.

    A run records them with AuditConfig.recorded(), in its manifest (audit/run_folder.py); the
    report reads them back from there rather than parsing the copy of audit.toml's text the
    manifest also keeps, which is there for the record.
    """

    organisation: str | None = None
    period: Period | None = None
    calendar: WorkingCalendar = WorkingCalendar()
    standard: Standard = Standard()
    report: ReportConfig = ReportConfig()


def financial_year(label: str) -> Period:
    """'2023-24' -> 1 April 2023 to 31 March 2024."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise UserError(f"period '{label}' is not a financial year such as 2023-24")
    first = int(match[1])
    return Period(label, dt.date(first, 4, 1), dt.date(first + 1, 3, 31), "financial_year")


def is_placeholder(organisation: str | None) -> bool:
    """Whether an organisation is the placeholder `init` and `profile suggest` write for the user to replace."""
    return bool(organisation) and organisation.startswith("CHANGE ME")


def load_config(path: Path) -> AuditConfig:
    path = Path(path)
    document = read_toml(path, "config")
    return _ConfigParser(path, document).parse()


class _ConfigParser:
    def __init__(self, path: Path, document: dict):
        self.path = path
        self.document = document

    def fail(self, where: str, message: str) -> UserError:
        return UserError(f"{self.path}: {where}: {message}")

    def table(self, name: str, value: object) -> dict:
        if not isinstance(value, dict):
            raise self.fail(name or "top level", "must be a table")
        unknown = sorted(set(value) - _ALLOWED[name])
        if unknown:
            where = f"{name}.{unknown[0]}" if name else unknown[0]
            raise self.fail(where, f"unknown key (allowed: {', '.join(sorted(_ALLOWED[name]))})")
        return value

    def text(self, value: object, where: str) -> str | None:
        if value is not None and not isinstance(value, str):
            raise self.fail(where, "must be a string")
        return value

    def date(self, value: object, where: str) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(where, f"'{value}' is not a date (write 2024-03-31)") from None

    def codes(self, checks: dict, key: str) -> tuple[str, ...]:
        value = checks.get(key, [])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            raise self.fail(f"checks.{key}", "must be a list of check codes or prefixes, such as [\"TS\", \"CSC002\"]")
        return tuple(value)

    def parse(self) -> AuditConfig:
        self.table("", self.document)
        as_of = self.document.get("as_of")
        organisation = self.text(self.document.get("organisation"), "organisation")
        if is_placeholder(organisation):
            raise self.fail("organisation", "still the placeholder from `complaint-audit init`: write the council's name")
        return AuditConfig(
            path=self.path,
            organisation=organisation,
            period=self.period(),
            calendar=self.calendar(),
            privacy_key=self.text(self.table("privacy", self.document.get("privacy", {})).get("key"), "privacy.key"),
            sources=self.sources(),
            as_of=None if as_of is None else self.date(as_of, "as_of"),
            checks=self.checks(),
            report=self.report(),
            keep_runs=self.keep_runs(),
            reviews=self.reviews(),
            ombudsman=self.ombudsman(),
            regulator=self.regulator(),
            standard=self.standard(),
            letters=self.letters(),
        )

    def calendar(self) -> WorkingCalendar:
        """`[calendar]`: a UK nation (`nation`), or any place the holidays package knows (`country`, `subdivision`)."""
        calendar = self.table("calendar", self.document.get("calendar", {}))
        closure_days = tuple(self.date(day, "calendar.closure_days") for day in calendar.get("closure_days", []))
        country = self.text(calendar.get("country"), "calendar.country")
        subdivision = self.text(calendar.get("subdivision"), "calendar.subdivision")
        if "nation" in calendar and (country or subdivision):
            raise self.fail("calendar.nation", "give a UK nation, or a country and subdivision, not both")
        if subdivision and not country:
            raise self.fail("calendar.subdivision", "needs its country, such as country = \"US\"")
        if country:
            try:
                return WorkingCalendar(None, closure_days, country, subdivision)
            except UserError as error:
                raise self.fail("calendar.country" if not subdivision else "calendar.subdivision", str(error)) from None
        nation = self.text(calendar.get("nation", "england"), "calendar.nation")
        if nation not in NATIONS:
            raise self.fail("calendar.nation", f"'{nation}' is not one of {', '.join(NATIONS)} (elsewhere, give "
                                               "country = \"US\" and subdivision = \"NY\", say)")
        return WorkingCalendar(nation, closure_days)

    def period(self) -> Period | None:
        value = self.document.get("period")
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return financial_year(value)
            except UserError as error:
                raise self.fail("period", str(error)) from None
        dates = self.table("period", value)
        if "start" not in dates or "end" not in dates:
            raise self.fail("period", "give a financial year (\"2023-24\") or { start = 2023-04-01, end = 2024-03-31 }")
        start, end = self.date(dates["start"], "period.start"), self.date(dates["end"], "period.end")
        if end < start:
            raise self.fail("period", f"ends ({end}) before it starts ({start})")
        return Period(f"{start:%d %B %Y} to {end:%d %B %Y}", start, end, "dates")

    def sources(self) -> tuple[SourceEntry, ...]:
        raw_sources = self.document.get("sources", [])
        if not isinstance(raw_sources, list):
            raise self.fail("sources", "write each source as a [[sources]] table")
        sources = []
        for number, entry in enumerate(raw_sources, start=1):
            entry = self.table("sources", entry)
            profile = self.text(entry.get("profile"), f"sources #{number} profile")
            files = entry.get("files", [])
            files = [files] if isinstance(files, str) else files
            if not profile or not files or not all(isinstance(f, str) for f in files):
                raise self.fail(f"sources #{number}", "needs profile = \"PROFILE.toml\" and files = [\"EXPORT\", ...]")
            sources.append(SourceEntry(Path(profile), tuple(files)))
        return tuple(sources)

    def checks(self) -> ChecksConfig:
        checks = self.table("checks", self.document.get("checks", {}))
        params = checks.get("params", {})
        if not isinstance(params, dict):
            raise self.fail("checks.params", "write one table per check: [checks.params.TS002]")
        for code, table in params.items():
            if not isinstance(table, dict):
                raise self.fail(f"[checks.params] {code}", f"must be a table of {code}'s parameters: [checks.params.{code}]")
        paths = tuple(self.path.parent / folder for folder in self.codes(checks, "paths"))
        select, ignore = self.codes(checks, "select"), self.codes(checks, "ignore")
        registry = self.registry(paths) if params or select or ignore else {}
        for key, selectors in (("select", select), ("ignore", ignore)):
            for selector in selectors:
                if not any(code.startswith(selector) for code in registry):
                    raise self.fail(f"checks.{key}", f"'{selector}' matches no check code (see `complaint-audit checks list`)")
        return ChecksConfig(select, ignore, paths, self.check_params(params, registry))

    @staticmethod
    def registry(paths: tuple[Path, ...]) -> dict:
        """The checks, found only when the file selects, ignores or sets parameters of some. The
        engine is imported here, not at the top: its contract reads this module's Standard."""
        from complaint_audit.engine.registry import discover

        return discover(paths)

    def check_params(self, params: dict[str, dict], registry: dict) -> dict[str, dict]:
        """Each `[checks.params.CODE]` table checked against the parameters CODE's check declares, typed as declared."""
        from complaint_audit.engine.params import BadParam, checked_params

        checked = {}
        for code, overrides in params.items():
            if code not in registry:
                raise self.fail(f"[checks.params.{code}]", "no check has that code (see `complaint-audit checks list`)")
            try:
                merged = checked_params(registry[code], overrides)
            except BadParam as error:
                raise self.fail(f"[checks.params.{code}] {error.name}", error.reason) from None
            checked[code] = {name: merged[name] for name in overrides}
        return checked

    def report(self) -> ReportConfig:
        report = self.table("report", self.document.get("report", {}))
        texts = {key: self.text(report[key], f"report.{key}") for key in ("title", "audience", "marking", "author") if key in report}
        free_text = report.get("free_text", False)
        if not isinstance(free_text, bool):
            raise self.fail("report.free_text", "must be true or false")
        templates = self.text(report.get("templates"), "report.templates")
        suppress_below = report.get("suppress_below", 0)
        if not isinstance(suppress_below, int) or isinstance(suppress_below, bool) or suppress_below < 0:
            raise self.fail("report.suppress_below", "must be a whole number, such as 5 to show counts of 1 to 4 as "
                                                     "\"<5\" (0 shows every count)")
        committee_date = report.get("committee_date")
        return ReportConfig(**texts, free_text=free_text, templates=self.path.parent / templates if templates else None,
                            suppress_below=suppress_below,
                            committee_date=None if committee_date is None else self.date(committee_date, "report.committee_date"),
                            owners=self.owners(report.get("owners", {})))

    def owners(self, owners: object) -> tuple[tuple[str, str], ...]:
        """`[report.owners]`: each team, as the exports name it, and the officer who answers for its recommendations."""
        if not isinstance(owners, dict) or not all(isinstance(value, str) and value.strip() for value in owners.values()):
            raise self.fail("report.owners", 'must be a table of team = owner, such as "Housing Complaints" = '
                                             '"Director of Housing"')
        return tuple((team, owner.strip()) for team, owner in owners.items())

    def ombudsman(self) -> OmbudsmanFigures | None:
        if "ombudsman" not in self.document:
            return None
        table = self.table("ombudsman", self.document["ombudsman"])
        paths = {}
        for key in ("file", "profile"):
            value = self.text(table.get(key), f"ombudsman.{key}")
            if not value:
                raise self.fail(f"ombudsman.{key}", "required: [ombudsman] needs file = \"FIGURES.csv\" and "
                                                    "profile = \"PROFILE.toml\"")
            paths[key] = self.path.parent / value
            if not paths[key].is_file():
                raise self.fail(f"ombudsman.{key}", f"{paths[key]} not found")
        return OmbudsmanFigures(**paths)

    def regulator(self) -> RegulatorReturns | None:
        if "regulator" not in self.document:
            return None
        table = self.table("regulator", self.document["regulator"])
        files = table.get("files", [])
        files = [files] if isinstance(files, str) else files
        if not files or not isinstance(files, list) or not all(isinstance(name, str) and name for name in files):
            raise self.fail("regulator.files", "must be a list of the regulator's workbooks, such as "
                                               "[\"tsm_full_data_2023-24.xlsx\"]")
        paths = tuple(self.path.parent / name for name in files)
        for path in paths:
            if not path.is_file():
                raise self.fail("regulator.files", f"{path} not found")
        landlord = self.text(table.get("landlord"), "regulator.landlord")
        return RegulatorReturns(paths, landlord.strip() if landlord and landlord.strip() else None)

    def standard(self) -> Standard:
        table = self.table("standard", self.document.get("standard", {}))
        days = table.get("response_working_days")
        if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 1):
            raise self.fail("standard.response_working_days", "must be a whole number of working days, 1 or more")
        texts = {key: self.text(table[key], f"standard.{key}") for key in ("name", "escalation") if key in table}
        if any(not value.strip() for value in texts.values()):
            raise self.fail("standard", "name and escalation must not be empty (leave a key out instead)")
        return Standard(**{key: value.strip() for key, value in texts.items()}, response_working_days=days)

    def letters(self) -> LettersConfig | None:
        if "letters" not in self.document:
            return None
        table = self.table("letters", self.document["letters"])
        folder = self.text(table.get("folder"), "letters.folder")
        if not folder or not (self.path.parent / folder).is_dir():
            raise self.fail("letters.folder", f"needs the folder of letters (relative to this file); "
                                              f"{'not found: ' + folder if folder else 'none given'}")
        files = table.get("files", list(LettersConfig.files))
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not files or not all(isinstance(name, str) and name for name in files):
            raise self.fail("letters.files", "must be a list of file patterns inside the folder, such as [\"*.docx\", \"*.pdf\"]")
        patterns = {key: self.pattern(table, key) for key in ("reference_pattern", "stage_pattern", "extension_pattern",
                                                               "acknowledgement_pattern") if key in table}
        index = self.text(table.get("index"), "letters.index")
        if index and not (self.path.parent / index).is_file():
            raise self.fail("letters.index", f"{self.path.parent / index} not found")
        if not index and "reference_pattern" not in patterns:
            raise self.fail("letters", "say how to find each letter's case: reference_pattern = \"ASC-\\\\d+\" (a regular "
                                       "expression for the case reference), or index = \"INDEX.csv\" (file, case_id columns)")
        reference_in = table.get("reference_in", list(LETTER_FIND_REFERENCE_IN))
        if not isinstance(reference_in, list) or not reference_in or not set(reference_in) <= {"name", "text"}:
            raise self.fail("letters.reference_in", "must list where to look for the reference: [\"name\", \"text\"], "
                                                    "[\"name\"] or [\"text\"]")
        prefer = table.get("prefer", "letter")
        if prefer not in ("letter", "column"):
            raise self.fail("letters.prefer", "must be \"letter\" (a matched letter replaces the export's response_text) "
                                              "or \"column\" (a letter only fills a record without one)")
        return LettersConfig(folder=self.path.parent / folder, files=tuple(files), reference_in=tuple(reference_in),
                             index=self.path.parent / index if index else None, prefer=prefer, **patterns)

    def pattern(self, table: dict, key: str) -> str:
        value = self.text(table[key], f"letters.{key}")
        try:
            re.compile(value or "")
        except re.error as error:
            raise self.fail(f"letters.{key}", f"not a regular expression ({error})") from None
        if not value:
            raise self.fail(f"letters.{key}", "must not be empty")
        return value

    def reviews(self) -> tuple[Path, ...]:
        files = self.table("reviews", self.document.get("reviews", {})).get("files", [])
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not all(isinstance(name, str) and name for name in files):
            raise self.fail("reviews.files", "must be a list of review workbooks, such as [\"review.xlsx\"]")
        return tuple(self.path.parent / name for name in files)

    def keep_runs(self) -> int | None:
        keep = self.table("history", self.document.get("history", {})).get("keep")
        if keep is not None and (not isinstance(keep, int) or isinstance(keep, bool) or keep < 1):
            raise self.fail("history.keep", "must be a whole number of runs, 1 or more")
        return keep
