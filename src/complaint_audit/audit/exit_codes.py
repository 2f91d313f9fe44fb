"""Exit codes of the commands that run checks: one IntEnum, one pure function, nothing heavy to import.

Kept apart from results (audit/results.py) so that `complaint-audit --help` and argument parsing do not load
pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum, StrEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # a check failed (or warned, with --fail-on warn), or more rows were quarantined than --max-quarantine allows
    UNUSABLE = 2  # bad input or arguments, or a check that could not run


class FailOn(StrEnum):
    warn = "warn"
    fail = "fail"
    never = "never"


_FAILING = {FailOn.warn: {"warn", "fail"}, FailOn.fail: {"fail"}, FailOn.never: set()}


def exit_code(statuses: Iterable[str], fail_on: FailOn = FailOn.fail, *, too_much_quarantined: bool = False) -> ExitCode:
    """The exit status of a run from its checks' statuses and its quarantine: an errored check beats
    findings; a quarantine over `--max-quarantine` is a finding whatever `--fail-on` says, as for `load`."""
    statuses = {str(status) for status in statuses}
    if "error" in statuses:
        return ExitCode.UNUSABLE
    return ExitCode.FINDINGS if _FAILING[fail_on] & statuses or too_much_quarantined else ExitCode.OK
