"""Finding checks: installed packages' entry points (the built-ins among them) and local folders.

The built-in checks register through the same entry-point group as third-party ones, so the
plugin path is exercised on every run. An entry point may name a module or a package; every
module of a package is searched, so adding a check family is adding one module. Nothing is imported from the current directory unless
audit.toml names the folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from complaint_audit.engine.contract import Check
from complaint_audit.errors import UserError

ENTRY_POINT_GROUP = "complaint_audit.checks"
# The package a local folder's check modules are named under: loaded from their files, not importable by name.
LOCAL_CHECKS = "complaint_audit_local_checks"


def discover(paths: Iterable[Path] = ()) -> dict[str, type[Check]]:
    """Every available check by code; two checks with one code is an error naming both."""
    found: dict[str, type[Check]] = {}
    for module, origin in [*_entry_point_modules(), *_folder_modules(paths)]:
        for check in checks_in(module):
            if check.code in found:
                first = found[check.code]
                raise UserError(
                    f"two checks have the code {check.code}: {_name(first)} and {_name(check)} ({origin}); rename one"
                )
            found[check.code] = check
    return dict(sorted(found.items()))


def checks_in(module: ModuleType) -> list[type[Check]]:
    """The Check subclasses a module defines (not ones it imports)."""
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Check) and value is not Check
        and value.__module__ == module.__name__ and hasattr(value, "code")
    ]


def select(codes: Iterable[str], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[str]:
    """Codes chosen like a linter: `select` and `ignore` take codes or prefixes (TS, CSC0)."""
    codes, select, ignore = list(codes), list(select), list(ignore)
    for selector in select + ignore:
        if not any(code.startswith(selector) for code in codes):
            raise UserError(f"'{selector}' matches no check code (see `complaint-audit checks list`)")
    chosen = [code for code in codes if not select or any(code.startswith(s) for s in select)]
    return [code for code in chosen if not any(code.startswith(i) for i in ignore)]


def _name(check: type[Check]) -> str:
    return f"{check.__module__}.{check.__qualname__}"


def _entry_point_modules() -> list[tuple[ModuleType, str]]:
    modules = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.value, e.name)):
        try:
            loaded = entry.load()
        except Exception as error:  # a broken plugin must not look like a broken audit
            package = entry.dist.name if entry.dist else "unknown package"
            raise UserError(f"the check plugin '{entry.name}' from {package} failed to load: {error}") from None
        module = loaded if isinstance(loaded, ModuleType) else importlib.import_module(loaded.__module__)
        origin = f"entry point {entry.name} = {entry.value}"
        modules += [(submodule, origin) for submodule in _with_submodules(module)]
    return modules


def _with_submodules(module: ModuleType) -> list[ModuleType]:
    """A module, or a package and its modules: a family of checks is one module in it."""
    if not hasattr(module, "__path__"):
        return [module]
    names = sorted(info.name for info in pkgutil.iter_modules(module.__path__))
    return [module, *(importlib.import_module(f"{module.__name__}.{name}") for name in names)]


def _folder_modules(paths: Iterable[Path]) -> list[tuple[ModuleType, str]]:
    modules = []
    for folder in paths:
        if not Path(folder).is_dir():
            raise UserError(f"{folder}: the checks folder named in audit.toml does not exist")
        for file in sorted(Path(folder).glob("*.py")):
            name = f"{LOCAL_CHECKS}.{file.parent.name}.{file.stem}"
            spec = importlib.util.spec_from_file_location(name, file)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception as error:
                raise UserError(f"{file}: the local check module failed to load: {error}") from None
            modules.append((module, str(file)))
    return modules
