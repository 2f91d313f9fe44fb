"""Running checks: parameters merged, missing fields turned into not-applicable, errors contained, results judged."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from complaint_audit.columnwise import cores_for
from complaint_audit.engine.contract import (
    EXCEPTION_COLUMNS,
    AuditData,
    Check,
    CheckResult,
    Status,
    as_text,
    empty_exceptions,
    not_applicable,
)
from complaint_audit.engine.judging import judged
from complaint_audit.engine.params import THRESHOLD_PARAMS, BadParam, checked_params
from complaint_audit.engine.registry import LOCAL_CHECKS
from complaint_audit.engine.remedies import Remedy, people_affected, remedy
from complaint_audit.engine.standards import Standing, standing
from complaint_audit.errors import UserError
from complaint_audit.progress import Progress
from complaint_audit.schema import UK_PROCESSES

if TYPE_CHECKING:
    from complaint_audit.helper_process import HelperProcess

# An outcome's exceptions as text: the identity columns, and the check's other columns, its figures, as a JSON object
# a row. The rows of the results' exceptions table (audit/results.py).
EXCEPTIONS_TEXT_COLUMNS = (*EXCEPTION_COLUMNS, "figures")

# A check of UK rules when every record is of process `other`: nothing it may measure.
_OUTSIDE_UK = not_applicable("no record is under a UK statutory scheme; process other is never measured against UK "
                             "rules")


@dataclass(frozen=True)
class CheckOutcome:
    """A check's identity, the parameters it ran with, its result and how long it took."""

    check: type[Check]
    params: Mapping[str, Any]
    result: CheckResult
    seconds: float
    exceptions_text: pa.Table  # the result's exceptions as text, columns EXCEPTIONS_TEXT_COLUMNS (_as_text)
    standing: Standing | None = None  # the standards its records were judged by (engine/standards.py)
    remedy: Remedy | None = None  # for the people affected, where it is warn or fail with cases (engine/remedies.py)
    people_affected: int = 0  # distinct cases in its exceptions

    @property
    def thresholds(self) -> dict[str, Any]:
        return {name: self.params[name] for name in THRESHOLD_PARAMS if name in self.params}


def merged_params(check: type[Check], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The check's defaults with the overrides, checked as audit.toml's are (engine/params.py): a caller
    of the library gets the same one-line error a user of audit.toml does."""
    try:
        return checked_params(check, overrides)
    except BadParam as error:
        raise UserError(f"{check.code} {error.name}: {error.reason}") from None


def run_checks(data: AuditData, checks: list[type[Check]], overrides: Mapping[str, Mapping[str, Any]] | None = None,
               **options) -> list[CheckOutcome]:
    """Run each check on the data (start_checks, with its OPTIONS), and wait for their outcomes."""
    return start_checks(data, checks, overrides, **options)()


def start_checks(
    data: AuditData,
    checks: list[type[Check]],
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    helper: HelperProcess | None = None,
) -> Callable[[], list[CheckOutcome]]:
    """Begin each check on the data; one that raises is reported as an error, and the rest still run. The checks run
    while the caller goes on (a run writes its store meanwhile); the call returned gives their outcomes, in the order
    of CHECKS whatever order they finish in. A bad parameter is an error here, before any check runs.

    Checks are pure functions of the data, so they run side by side on WORKERS threads (by
    default one per core once the records are many enough for it to pay, columnwise.cores_for):
    pandas, numpy and Arrow release the GIL in their kernels, so on long columns a second core
    shortens the suite, and on short ones its thread only contends for the GIL (docs/scaling.md).
    On short columns a HELPER process (a run's) shares the checks instead (_shared_with): the
    records are sent to it once.
    """
    overrides = overrides or {}
    params_by_code = {check.code: merged_params(check, overrides.get(check.code, {})) for check in checks}
    uk_data = _uk_records(data) if any(check.uk_rules for check in checks) else data
    none_under_uk = uk_data.records.empty and not data.records.empty
    workers = workers or cores_for(len(data.records))
    if helper is not None and workers == 1:
        return _shared_with(helper, data, uk_data, checks, params_by_code, none_under_uk, progress)
    pool = ThreadPoolExecutor(max_workers=workers)
    running = {check: pool.submit(outcomes_of, data, uk_data, [check], params_by_code, none_under_uk) for check in checks}

    def outcomes() -> list[CheckOutcome]:
        with pool:
            return _in_order(checks, lambda check: running[check].result()[0], progress)

    return outcomes


def outcomes_of(data: AuditData, uk_data: AuditData, checks: list[type[Check]], params_by_code: Mapping[str, Mapping],
                none_under_uk: bool) -> list[CheckOutcome]:
    """CHECKS run in turn: a check of UK rules on UK_DATA, the others on DATA (run_checks)."""
    return [_outcome(check, uk_data if check.uk_rules else data, params_by_code[check.code],
                     check.uk_rules and none_under_uk) for check in checks]


def _shared_with(helper: HelperProcess, data: AuditData, uk_data: AuditData, checks: list[type[Check]],
                 params_by_code: Mapping[str, Mapping], none_under_uk: bool, progress: Progress | None
                 ) -> Callable[[], list[CheckOutcome]]:
    """CHECKS begun a family of modules at a time (_families), here (on a thread, while the caller goes on) and in
    HELPER, each side taking the next family, most checks first, that the other has not begun (this side leaves the
    first to the helper): the last ones either side takes are small, so neither waits for the other for longer than a
    small family takes, whatever each costs. The call returned gives their outcomes. Work the caller does meanwhile (a run writing its store) is shared out the
    same way: the helper takes more families while this process is busy. A family's checks share what they derive
    from the records, which each process works out for itself. A check from a folder audit.toml names is run here:
    its module is loaded from a file, by a name no other process can import. Where no helper could be started, every
    family is taken here, once: a task the helper was never given is worked out when its result is asked for, a second
    time beside this side's own."""
    modules = _families(checks)
    helper.share(data, uk_data)  # pickled once, not once per family
    theirs = {name: pending for name, family in modules.items()
              if not any(check.__module__.startswith(LOCAL_CHECKS) for check in family)
              and (pending := helper.submit(outcomes_of, data, uk_data, family, params_by_code, none_under_uk)).given_to_helper}
    here = {name: Future() for name in modules}

    def take_in_turn() -> None:
        # The first family last, where the helper may take it: idle as the checks begin, it takes it at once, while
        # this process still writes the store. Taken here first, the largest family (the letters' reading) ran beside
        # the store's writing, and this process finished its share 0.05-0.1 s after the helper (the sample's run).
        names = list(modules)
        for name in names[1:] + names[:1] if names and names[0] in theirs else names:
            family = modules[name]
            if name not in theirs or theirs[name].withdraw():
                try:
                    here[name].set_result(outcomes_of(data, uk_data, family, params_by_code, none_under_uk))
                except BaseException as error:  # reaches the caller, as from a check run on a thread of its own
                    here[name].set_exception(error)

    @functools.cache
    def module_outcomes(name: str) -> dict[type[Check], CheckOutcome]:
        try:
            outcomes = theirs[name].result() if name in theirs else here[name].result()
        except CancelledError:  # withdrawn from the helper, so taken here
            outcomes = here[name].result()
        return dict(zip(modules[name], outcomes, strict=True))

    family_of = {check: name for name, family in modules.items() for check in family}
    pool = ThreadPoolExecutor(max_workers=1)
    pool.submit(take_in_turn)

    def outcomes() -> list[CheckOutcome]:
        with pool:
            in_order = _in_order(checks, lambda check: module_outcomes(family_of[check])[check], progress)
        helper.forget(data, uk_data)
        return in_order

    return outcomes


def _families(checks: list[type[Check]]) -> dict[str, list[type[Check]]]:
    """The checks by module, a module together with the check modules it uses, largest family first.

    A module that uses another's functions derives what that one does (remedies reads the letters with
    response_quality's `reading`), and a process works each out once (AuditData.derived): run apart, both processes
    would. The families of most checks come first: both processes take them in this order (_shared_with), so the
    last family either side waits on is a small one.
    """
    modules: dict[str, list[type[Check]]] = {}
    for check in checks:
        modules.setdefault(check.__module__, []).append(check)
    family_of = {name: name for name in modules}
    for name in modules:
        module = sys.modules.get(name)  # none for a check loaded from a folder audit.toml names: it runs here anyway
        used = {getattr(value, "__module__", None) for value in vars(module).values()} if module else set()
        for other in sorted(used & modules.keys() - {name}):  # join the two families: all of the other's to this one's
            joined, leaving = family_of[name], family_of[other]
            family_of = {member: joined if family == leaving else family for member, family in family_of.items()}
    families: dict[str, list[type[Check]]] = {}
    for check in checks:
        families.setdefault(family_of[check.__module__], []).append(check)
    return dict(sorted(families.items(), key=lambda item: -len(item[1])))


def _in_order(checks: list[type[Check]], outcome: Callable[[type[Check]], CheckOutcome], progress: Progress | None
              ) -> list[CheckOutcome]:
    """Each check's outcome, in the order of CHECKS whatever order they finish in; PROGRESS told of each in turn."""
    outcomes = []
    for done, check in enumerate(checks):
        if progress:
            progress(f"checking {check.code}", done, len(checks))
        outcomes.append(outcome(check))
    return outcomes


def _outcome(check: type[Check], data: AuditData, params: Mapping[str, Any], outside_uk: bool = False) -> CheckOutcome:
    started = time.perf_counter()
    result = _OUTSIDE_UK if outside_uk else judged(check, _run_one(check, data, params))
    table = result.exceptions.assign(check=check.code)
    result = replace(result, metrics=dict(result.metrics), exceptions=table)
    return CheckOutcome(check, params, result, time.perf_counter() - started, _as_text(table),
                        *_put_right(check, data, result))


def _as_text(exceptions: pd.DataFrame) -> pa.Table:
    """EXCEPTIONS as the results' exceptions table has them (EXCEPTIONS_TEXT_COLUMNS): the identity columns as text,
    a value reading '<NA>' or 'nan' missing; the other columns as a JSON object a row. Made where the check ran, each
    process its own share beside the checks: made for all of them once they were done, in one process, they took
    longer than the checks' results (the sample's 1,725 exceptions, 36 ms)."""
    if exceptions.empty:
        return _NO_EXCEPTIONS
    figure_columns = [name for name in exceptions.columns if name not in EXCEPTION_COLUMNS]
    # A frame of its columns as they are: selecting them from the table (table[columns]) copied each.
    figures = (pd.DataFrame({name: exceptions[name] for name in figure_columns}, copy=False)
               .to_json(orient="records", lines=True, date_format="iso").splitlines()
               if figure_columns else ["{}"] * len(exceptions))
    identity = [_missing_words_missing(_text_array(exceptions[name])) for name in EXCEPTION_COLUMNS]
    return pa.Table.from_arrays([*identity, pa.array(figures, pa.large_string())], schema=_TEXT_SCHEMA)


_TEXT_SCHEMA = pa.schema([(name, pa.large_string()) for name in EXCEPTIONS_TEXT_COLUMNS])
_NO_EXCEPTIONS = _TEXT_SCHEMA.empty_table()


def _text_array(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """COLUMN as Arrow text (contract.as_text): text as it is, categories of text decoded."""
    return pa.array(as_text(column).array).cast(pa.large_string())


_MISSING_WORDS = pa.array(["<NA>", "nan"], pa.large_string())


def _missing_words_missing(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """COLUMN with the text '<NA>' or 'nan' missing: how a missing value reads once made text."""
    missing = pc.is_in(column, value_set=_MISSING_WORDS)
    return pc.if_else(missing, pa.scalar(None, pa.large_string()), column) if pc.any(missing).as_py() else column


def _put_right(check: type[Check], data: AuditData, result: CheckResult) -> tuple[Standing | None, Remedy | None, int]:
    """The standard the result was judged by, the remedy for the people affected and how many they are."""
    uk, people = data.derived(_any_under_uk), people_affected(result.exceptions)
    return standing(check, data, result.exceptions), remedy(check, result, uk, people), people


def _any_under_uk(data: AuditData) -> bool:
    """Whether some record is under a UK statutory scheme: a remedy then cites the LGSCO's guidance (once a run)."""
    return bool(data.records["process"].isin(UK_PROCESSES).any())


def _uk_records(data: AuditData) -> AuditData:
    """The data with only the records of the UK's statutory processes: what a check of UK rules is given.

    Records of process `other` are outside those schemes, so no UK regulation or code is applied to
    them; the copy is made once a run, and only when such records are there.
    """
    under_uk = data.records["process"].isin(UK_PROCESSES).to_numpy(dtype=bool)
    if under_uk.all():
        return data
    return AuditData(data.records[under_uk], data.calendar, data.as_of, data.reviews,
                     exported_fields=data.exported_fields, standard=data.standard)


def _run_one(check: type[Check], data: AuditData, params: Mapping[str, Any]) -> CheckResult:
    missing = [name for name in check.requires if not data.derived(_holds_values, name)]
    if missing:
        return not_applicable(f"field {missing[0]} not provided")
    try:
        return check().run(data, params)
    except Exception as error:  # reported, not raised: one broken check must not stop an audit
        return CheckResult(Status.ERROR, {}, f"The check failed: {type(error).__name__}: {error}", empty_exceptions())


def _holds_values(data: AuditData, name: str) -> bool:
    """Whether the records have the field with some value in it: asked by many checks, looked at once a run."""
    return name in data.records and bool(data.records[name].notna().any())
