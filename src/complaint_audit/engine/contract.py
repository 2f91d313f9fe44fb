"""The check contract: what a check declares, what it is given, and what it returns.

A check is a small class: its identity (code, title, area, the rule and its source), its
parameters with defaults, the canonical fields it needs, and `run(data, params)`, which reads
the records and returns a CheckResult. Its docstring is the rule's page, in three sections:
"What it checks", "Why it matters", "How to fix". Checks are pure: no printing, no files, no
network; rendering reads the same result objects.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np
import pandas as pd

from complaint_audit.calendar import WorkingCalendar
from complaint_audit.config import Standard
from complaint_audit.engine.params import ParamType

if TYPE_CHECKING:
    from complaint_audit.engine.segments import Segments


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Priority(StrEnum):
    QUICK_WIN = "quick win"
    THREE_MONTHS = "within 3 months"
    TWELVE_MONTHS = "within 12 months"


class Area(StrEnum):
    DATA_QUALITY = "data quality"
    TIMELINESS = "timeliness"
    CHILDRENS_STATUTORY = "children's statutory"
    ADULTS = "adults"
    FAST_TRACKING = "fast-tracking"
    QUALITY_OF_RESPONSES = "quality of responses"
    LEARNING = "learning"
    OVERSIGHT = "oversight"
    ACCESS = "access to the complaints process"


_T = TypeVar("_T")

# Every exceptions table starts with these columns; a check adds the figures behind each row.
EXCEPTION_COLUMNS = ("check", "organisation", "case_id", "stage", "team", "reason")
DOC_SECTIONS = ("What it checks", "Why it matters", "How to fix")


@dataclass(frozen=True)
class Recommendation:
    text: str
    priority: Priority


class Force(StrEnum):
    """How a standard binds, which decides the words of a shortfall (engine/standards.py)."""

    STATUTORY = "statutory"  # regulations: binding throughout; a breach is fault
    CODE = "code"  # a Complaint Handling Code: fault from the date it applies; before it, the council's own procedure
    LOCAL = "local procedure"  # the council's own procedure or policy: a shortfall, never fault
    GOOD_PRACTICE = "good practice"  # guidance: a shortfall of good practice, never fault
    # A regulator's standard (the Regulator of Social Housing's): binding on the council, but not a rule an
    # ombudsman applies to a complaint, so a shortfall is a breach of that standard, never the ombudsman's fault.
    REGULATORY = "regulatory standard"


@dataclass(frozen=True)
class RuleStandard:
    """A standard a check applies: its name, its source, how it binds and the date it applies from.

    `processes` are the processes whose records it governs (None: every record the check sees);
    `in_force_from` is None where it applies throughout, as the social care regulations do.
    """

    name: str
    source: str
    force: Force
    in_force_from: dt.date | None = None
    processes: frozenset[str] | None = None


class FaultType(StrEnum):
    """The kind of fault, as the ombudsmen use the words."""

    MALADMINISTRATION = "maladministration"  # delay, a step not taken, a wrong procedure
    SERVICE_FAILURE = "service failure"  # a service not provided, or not to the standard it should have been


@dataclass(frozen=True)
class Shortfall:
    """Where a check's exceptions say how far each case fell short: a column of days, or one column less another."""

    column: str
    less: str | None = None  # the column to subtract (the allowance), where the exceptions hold the days taken
    unit: str = "working days late"


@dataclass(frozen=True)
class OnTime:
    """Stages whose on-time figure a check's exceptions decide: an answered stage of these processes and
    stages is late when the check listed it. A stage is on time when its response check (part
    "response") measured it and no check of any part (the acknowledgement too) listed it as late.
    Exceptions whose figures hold one of `on_time_verdicts` were listed to show their dates, not as late."""

    processes: tuple[str, ...]
    stages: tuple[str, ...]
    part: str = "response"  # or "acknowledgement"
    on_time_verdicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrendFigure:
    """A headline figure compared between organisations' runs (compare/): a metric of the check, or 100 minus it."""

    key: str
    label: str
    metric: str
    better: str = "higher"  # "higher", "lower" or "nearer zero"
    unit: str = "percent"  # "percent", "working days" or "count"
    complement: bool = False  # the figure is 100 minus the metric (a share on time from a share failing)
    material: float = 5.0  # an outlier must also be this far from the median, in the figure's unit
    on_time_label: str | None = None  # its bar's label in the comparison's chart of responses on time
    chart: str | None = None  # the comparison draws it alone as a bar chart, described in these words


@dataclass(frozen=True)
class Chart:
    """The chart a check's figures feed: `key` names the report's chart; the comparison draws two of its
    metrics side by side per organisation, with these labels, title and description."""

    key: str
    title: str
    description: str
    metrics: tuple[str, str]
    labels: tuple[str, str]
    percent: bool = True


@dataclass(frozen=True)
class CheckResult:
    """What a check found. Exceptions hold one row per failing case, EXCEPTION_COLUMNS first."""

    status: Status
    metrics: Mapping[str, Any]
    finding: str
    exceptions: pd.DataFrame = field(default_factory=lambda: empty_exceptions())
    recommendation: Recommendation | None = None
    # How the check was graded by segment (engine/segments.Segments: one row per segment, the worst one's
    # sentence); None where it declares no segments.
    segments: Segments | None = None


@dataclass(frozen=True)
class AuditData:
    """What every check reads: the canonical records, the working-day calendar, the audit date.

    Names that repeat (schema.CATEGORY_FIELDS: organisation, stage, process, team, outcome ...)
    arrive as pandas categoricals, which compare and group fast; cast one with .astype("str")
    before joining it into text or filling in a value that is not one of its categories.

    `standard` is what records of a process outside the UK's statutory schemes (`other`) are
    held to; a check with `uk_rules` never sees those records (engine/runner.py).

    `reviews` holds the reviewers' scores imported into the store (complaint_audit.review), one
    row per case and criterion, or None when no review workbook was imported.

    `regulator` holds the council's own complaint figures as returned to the Regulator of Social
    Housing (ingest/published/regulator.py `landlord_totals`: one row per year and stage), or None
    when audit.toml names no `[regulator]` workbook.

    `exported_fields` says, per source file (records' `source_file`), which fields its export
    has a column for (the store's ledger); None where that is not known (every field counts).
    A check that counts blanks asks `exported(field)` first: a field the export lacks is not one
    the council failed to record.

    Values several checks derive from the records (each case's number, the letters read for
    their phrases ...) are worked out once per run with `derived`, not once per check.
    """

    records: pd.DataFrame
    calendar: WorkingCalendar
    as_of: dt.date
    reviews: pd.DataFrame | None = None
    regulator: pd.DataFrame | None = None
    exported_fields: Mapping[str, frozenset[str]] | None = None
    standard: Standard = Standard()  # what records of process `other` are held to (audit.toml [standard])
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _locks: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def derived(self, compute: Callable[..., _T], *args: Hashable) -> _T:
        """compute(self, *args), worked out on first use and shared by every check that asks after.

        Checks run side by side on threads, so a check asking for a value another is still
        computing waits for it rather than computing it again. The value is shared: read it,
        never change it in place (copy it, or use .assign, to add to a frame).
        """
        key = (compute, args)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._derived:
                self._derived[key] = compute(self, *args)
            return self._derived[key]

    def __reduce__(self):
        """Pickled without what it derived, nor its locks: a run's helper process works its checks' share out anew."""
        return AuditData, tuple(getattr(self, given.name) for given in fields(self) if given.init)

    def exported(self, name: str) -> pd.Series:
        """Per record, whether its export has a column for field NAME (not a constant, not absent)."""
        return self.derived(_exported, name)


def _exported(data: AuditData, name: str) -> pd.Series:
    if data.exported_fields is None:
        return pd.Series(True, index=data.records.index)
    files = [file for file, fields in data.exported_fields.items() if name in fields]
    return data.records["source_file"].isin(files)


class Check:
    """Base class of every check; subclasses set the class attributes and implement run."""

    code: ClassVar[str]
    title: ClassVar[str]
    area: ClassVar[Area]
    rule: ClassVar[str]  # the rule tested, in a sentence
    source: ClassVar[str]  # where the rule comes from (regulation, code paragraph)
    params: ClassVar[Mapping[str, Any]] = {}  # defaults; audit.toml may override each
    # A parameter's type where its default does not show it (None, an empty list): engine/params.py.
    param_types: ClassVar[Mapping[str, ParamType]] = {}
    requires: ClassVar[tuple[str, ...]] = ()  # canonical fields that must hold some values
    # The rule comes from UK law or the Complaint Handling Codes: the check is given only the records
    # of the UK's statutory processes, never those of process `other`.
    uk_rules: ClassVar[bool] = False
    # Where the rule comes from when no record is under a UK scheme (None: `source` names no UK rule).
    general_source: ClassVar[str | None] = None
    # The standards the rule applies, first match per record's process (engine/standards.py): whether a shortfall is
    # fault, and whether the ombudsman's counterfactual is said, follow the standard in force when the case was handled.
    # None declared: judged as good practice, never fault.
    standards: ClassVar[tuple[RuleStandard, ...]] = ()
    # Maladministration or service failure as the ombudsmen use the words; None for a check of the records themselves.
    fault_type: ClassVar[FaultType | None] = None
    # What would put things right for the people affected (engine/remedies.py), a format string of {people} ("the
    # 14 people", "the person"), {shortfall} (", a median of 11 working days late, range 6 to 18", or "") and
    # {guidance} (" (the LGSCO's Guidance on remedies)" where a record is under a UK scheme, else ""). None: no remedy.
    remedy: ClassVar[str | None] = None
    # Which exceptions columns hold how far each case fell short (None: the exceptions carry no such figure).
    shortfall: ClassVar[Shortfall | None] = None
    # The rule is a yes/no duty owed to each complainant (the ombudsman's details in a final response,
    # an apology where at fault, a statutory timescale): any failing case is a fault, so the grade is
    # at least amber however large the pool (engine/judging.py). A rate check leaves it False.
    case_level: ClassVar[bool] = False
    # The metrics holding the cases failing and the cases assessed: what a grade rests on, read to
    # grade a case-level duty and to say a share of a small base in counts (engine/judging.py).
    tally: ClassVar[tuple[str, str]] = ("failing", "assessed")
    # What the share is counted over, as a short noun phrase a reader can check against the data: what one assessed
    # unit is (a stage record, a case, a letter, a group) and which ones are assessed ("final responses ... with
    # letter text"). Built-in checks declare it (tests/test_catalogue.py); a third-party check may leave it None, and
    # the docs then say the share is over the metric named second in `tally`.
    denominator: ClassVar[str | None] = None
    # What the report, the comparison and the review read about the check, carried in results.json so
    # that none of them keeps a table of check codes. A third-party check may leave each at its default:
    # the report then states the fault in the check's own finding, under its area's theme.
    # The fault as an ombudsman would state it, after "... it would be likely to find fault because": a
    # format string over the metrics (None: the finding's first sentence); `fault_when_warn` for amber.
    fault: ClassVar[str | None] = None
    fault_when_warn: ClassVar[str | None] = None
    theme: ClassVar[str | None] = None  # the report's theme (report/themes.py), where not its area's
    # What the shortfall means for the people complaining, where its theme's general sentence would not say it: a
    # format string over {people} ("67 people") and {shortfall} (", a median of 7 working days late" or nothing).
    impact: ClassVar[str | None] = None
    on_time: ClassVar[tuple[OnTime, ...]] = ()  # the stages whose on-time figure its exceptions decide
    trend_figures: ClassVar[tuple[TrendFigure, ...]] = ()  # its headline figures, compared between runs
    chart: ClassVar[Chart | None] = None  # the chart its figures feed in the report and the comparison
    review_criterion: ClassVar[str | None] = None  # the criterion of a good response (letters) it judges
    reviews: ClassVar[bool] = False  # it tallies the reviewers' scores: the report's manual evidence is its own
    # The columns whose values make a segment (("team", "stage"), ("team", "category")): each segment large
    # enough to judge is graded too, and the worst one decides the grade if it is worse than the pool
    # (engine/segments.py; the check passes its assessed cases and which failed to by_segment). () for none.
    segments: ClassVar[tuple[str, ...]] = ()

    def run(self, data: AuditData, params: Mapping[str, Any]) -> CheckResult:
        raise NotImplementedError


def as_text(column: pd.Series) -> pd.Series:
    """COLUMN as text, to match, count or join its values whatever dtype a check's table gives them: as it is where it
    is text, or categories of text (pandas matches and factorises those by their few categories; an exceptions table's
    identity columns nearly always are one or the other), else made text. Made text every time, they cost a fifth of
    a millisecond a column, paid several times for every check."""
    categories = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else None
    if column.dtype == "str" or (categories is not None and categories.dtype == "str"):
        return column
    return column.astype("str")


def empty_exceptions() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="str") for name in EXCEPTION_COLUMNS})


def exceptions(rows: pd.DataFrame, reason: pd.Series | str, **figures: pd.Series | Any) -> pd.DataFrame:
    """The exceptions table for the failing `rows`: identity columns, the reason, the figures.

    `check` is left empty here; the runner fills it, so a check never repeats its own code. A reason or figure given
    as a Series is lined up with the rows by label, anything else taken as it is (a scalar for every row, an array in
    the rows' order). Built in one go from the columns' arrays: column by column, with pandas aligning each, it took
    half a millisecond to a millisecond a table, made by most checks.
    """
    index = rows.index

    def lined_up(values):
        if not isinstance(values, pd.Series):
            return values
        return (values if values.index.equals(index) else values.reindex(index)).array

    reason = lined_up(reason) if isinstance(reason, pd.Series) else pd.array([reason] * len(rows), dtype="str")
    columns = {"check": pd.array([""] * len(rows), dtype="str"),
               **{name: rows[name].array for name in ("organisation", "case_id", "stage", "team")},
               "reason": reason, **{name: lined_up(values) for name, values in figures.items()}}
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)), copy=False)


def flag_names(flags: pd.DataFrame, separator: str = ", ") -> pd.Series:
    """For each row, the names of the columns that are True, joined: 'team, category'.

    Joined once per distinct combination of flags (a handful), not once per row and column."""
    marked = np.zeros((len(flags), len(flags.columns)), dtype=bool)
    combination = np.zeros(len(flags), dtype=np.int64)  # numbered 0, 1, ... in the order each first occurs
    for position, name in enumerate(flags.columns):
        marked[:, position] = flags[name].fillna(False).to_numpy(dtype=bool)
        combination = pd.factorize(combination * 2 + marked[:, position])[0]
    first = np.unique(combination, return_index=True)[1]
    joined = [separator.join(name for name, on in zip(flags.columns, marked[row], strict=True) if on) for row in first]
    return pd.Series(np.array(joined, dtype=object)[combination] if len(joined) else "", index=flags.index, dtype="str")


def grade(percent_failing: float, amber_above: float, red_above: float) -> Status:
    """Status from the share of cases failing a rule: green up to amber, amber up to red."""
    if percent_failing > red_above:
        return Status.FAIL
    if percent_failing > amber_above:
        return Status.WARN
    return Status.PASS


def graded(
    failing: int, assessed: int, params: Mapping[str, Any], finding: str, table: pd.DataFrame,
    recommendation: Recommendation | None, **metrics: Any,
) -> CheckResult:
    """The usual result: `failing` of `assessed` cases, graded by the check's amber/red thresholds.

    The finding is a format string filled from the metrics: assessed, failing, percent_failing
    and any extra metrics given.
    """
    share = percent(failing, assessed)
    metrics = {"assessed": assessed, "failing": failing, "percent_failing": share, **metrics}
    status = grade(share, params["amber_above"], params["red_above"])
    return CheckResult(status, metrics, finding.format(**metrics), table, recommendation)


def not_in_export(records: pd.DataFrame, exported: pd.DataFrame) -> str:
    """A sentence naming the fields (EXPORTED's columns) that no export has and no profile sets,
    which a check of blanks leaves untested; empty when there are none."""
    absent = [name for name in exported.columns if not exported[name].any() and records[name].isna().all()]
    return f" Not in the export, so not tested: {', '.join(absent)}." if absent else ""


def not_applicable(why: str) -> CheckResult:
    return CheckResult(Status.NOT_APPLICABLE, {}, f"Not applicable: {why}.")


def percent(part: int, whole: int) -> float:
    """part of whole as a percentage rounded to one decimal; 0.0 for an empty whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0
