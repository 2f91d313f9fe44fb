"""What a check's parameters may hold, and the one place an audit's overrides are checked against it.

A parameter's type is its default's unless the check declares one (`Check.param_types`): a
float accepts a whole number, a list must hold what the default's list holds, a table (TOML's
`{ "1" = 10 }`) must map the same kind of keys to the same kind of values. Where a default's
keys or strings are all stages, processes or outcomes, the overrides must be too: a misspelt
process in a table would otherwise be silently never used. audit.toml is checked with this
when it is read (config.py), so a wrong type stops the audit before any export is loaded
rather than ending as a check's TypeError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from complaint_audit.schema import Outcome, Process, Stage

if TYPE_CHECKING:
    from complaint_audit.engine.contract import Check

# A check's amber and red thresholds: the percentages failing above which it is amber, then red.
THRESHOLD_PARAMS = ("amber_above", "red_above")
# The named sets a string, a list's strings or a table's keys may be restricted to, in the order tried.
_VOCABULARIES = {"stage": tuple(Stage), "process": tuple(Process), "outcome": tuple(Outcome)}
_NAMES_PLURAL = {"stage": "stages", "process": "processes", "outcome": "outcomes"}
_SCALARS = {"flag": ("true or false", "true or false values"), "whole": ("a whole number", "whole numbers"),
            "number": ("a number", "numbers"), "text": ("a string", "strings")}


class ParamError(Exception):
    """A value is not what its type allows: what is allowed, and where inside a list or table what was given.

    `where` leads from the parameter to the value at fault ('item 2', '"corporate"'); `problem`
    is what is wrong with it there ('is "ten"', 'is not a stage').
    """

    def __init__(self, allowed: str, given: Any, where: tuple[str, ...] = (), problem: str | None = None):
        self.allowed, self.given, self.where = allowed, given, where
        self.problem = problem or f"is {_shown(given)}"
        detail = f"{', '.join(where)} {self.problem}" if where else f"not {_shown(given)}"
        super().__init__(f"must be {allowed} ({detail})")


class BadParam(Exception):
    """Parameter NAME of a check cannot take the value given: `reason` says what it may hold."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name, self.reason = name, reason


@dataclass(frozen=True)
class ParamType:
    """What a parameter may hold: a scalar kind, a list of one type, or a table of one type keyed by names.

    `kind` is one of "flag", "whole", "number", "text", "list", "table"; `item` the type of a
    list's items or a table's values; `names` the vocabulary ("stage", "process", "outcome") a
    text must be in, or a table's keys, or None for any.
    """

    kind: str
    item: ParamType | None = None
    names: str | None = None

    def describe(self) -> str:
        """What is allowed, as the error says it: 'a number', 'a table of whole numbers by stage'."""
        if self.kind == "list":
            return f"a list of {self.item.plural()}"
        if self.kind == "table":
            return f"a table of {self.item.plural()}{f' by {self.names}' if self.names else ''}"
        if self.kind == "text" and self.names:
            return f"a {self.names} ({', '.join(_VOCABULARIES[self.names])})"
        return _SCALARS[self.kind][0]

    def plural(self) -> str:
        """As describe() says it of several: 'whole numbers', 'tables of whole numbers by stage'."""
        if self.kind == "text" and self.names:
            return f"{_NAMES_PLURAL[self.names]} ({', '.join(_VOCABULARIES[self.names])})"
        if self.kind in ("list", "table"):
            return self.describe().replace(f"a {self.kind} of", f"{self.kind}s of", 1)
        return _SCALARS[self.kind][1]

    def checked(self, value: Any) -> Any:
        """VALUE as this type holds it (a whole number given for a number becomes a float); ParamError if it does not fit."""
        if self.kind == "flag" and isinstance(value, bool):
            return value
        if self.kind == "whole" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if self.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if self.kind == "text" and isinstance(value, str):
            if self.names and value not in _VOCABULARIES[self.names]:
                raise ParamError(self.describe(), value)
            return value
        if self.kind == "list" and isinstance(value, list):
            return [self._inner(item, f"item {number}") for number, item in enumerate(value, start=1)]
        if self.kind == "table" and isinstance(value, dict):
            unknown = [key for key in value if self.names and key not in _VOCABULARIES[self.names]]
            if unknown:
                raise ParamError(self.describe(), unknown[0], (_shown(unknown[0]),), f"is not a {self.names}")
            return {key: self._inner(item, _shown(key)) for key, item in value.items()}
        raise ParamError(self.describe(), value)

    def _inner(self, value: Any, where: str) -> Any:
        try:
            return self.item.checked(value)
        except ParamError as error:
            raise ParamError(self.describe(), error.given, (where, *error.where), error.problem) from None


FLAG, WHOLE_NUMBER, NUMBER, TEXT = ParamType("flag"), ParamType("whole"), ParamType("number"), ParamType("text")


def list_of(item: ParamType) -> ParamType:
    return ParamType("list", item)


def table_of(item: ParamType, by: str | None = None) -> ParamType:
    """A table of ITEM values, keyed by the names of vocabulary BY ("stage", "process", "outcome"), or by any name."""
    return ParamType("table", item, by)


def derived_type(default: Any) -> ParamType:
    """The type a default value implies; TypeError where it cannot say (None, an empty list or table)."""
    if isinstance(default, bool):
        return FLAG
    if isinstance(default, int):
        return WHOLE_NUMBER
    if isinstance(default, float):
        return NUMBER
    if isinstance(default, str):
        return ParamType("text", names=_vocabulary([default]))
    if isinstance(default, list | tuple) and default:
        return list_of(_item_type(list(default)))
    if isinstance(default, Mapping) and default:
        return table_of(_item_type(list(default.values())), _vocabulary(list(default)))
    raise TypeError(f"the default {default!r} does not show what the parameter may hold: declare it in param_types")


def param_types(check: type[Check]) -> dict[str, ParamType]:
    """Each of the check's parameters with its type: declared in `param_types`, else its default's."""
    declared = check.param_types
    return {name: declared[name] if name in declared else derived_type(default) for name, default in check.params.items()}


def checked_params(check: type[Check], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The check's defaults with OVERRIDES, each checked against its type; amber may not be above red.

    A BadParam names the parameter at fault and says what it may hold.
    """
    types = param_types(check)
    unknown = sorted(set(overrides) - set(types))
    if unknown:
        raise BadParam(unknown[0], f"unknown parameter (parameters of {check.code}: {', '.join(types) or 'none'})")
    merged = dict(check.params)
    for name, value in overrides.items():
        try:
            merged[name] = types[name].checked(value)
        except ParamError as error:
            raise BadParam(name, str(error)) from None
    amber, red = (merged.get(name) for name in THRESHOLD_PARAMS)
    if amber is not None and red is not None and amber > red:
        raise BadParam("amber_above" if "amber_above" in overrides else "red_above",
                       f"amber_above ({amber:g}) is above red_above ({red:g}): a check turns amber before it turns red")
    return merged


def _vocabulary(values: list) -> str | None:
    """The vocabulary every one of VALUES is in (stage before process before outcome), or None."""
    if not all(isinstance(value, str) for value in values):
        return None
    return next((name for name, words in _VOCABULARIES.items() if all(value in words for value in values)), None)


def _item_type(values: list) -> ParamType:
    """The one type of a default list's items or table's values: strings in a vocabulary if all are in
    it, numbers where whole numbers and numbers mix; anything else mixed is a TypeError."""
    if all(isinstance(value, str) for value in values):
        return ParamType("text", names=_vocabulary(values))
    types = {derived_type(value) for value in values}
    if {item.kind for item in types} == {"whole", "number"}:
        return NUMBER
    if len(types) != 1:
        raise TypeError(f"the default {values!r} mixes types: declare the parameter in param_types")
    return types.pop()


def _shown(value: Any) -> str:
    """A value as audit.toml writes it: strings quoted, true and false in lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)
