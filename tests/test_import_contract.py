"""What a check may import: the engine, the calendar, the schema and the letters' vocabulary, never the layers above.

A check reads records and returns a result; the report, the comparison, the review workbooks
and the load depend on checks, not the other way round. Every import in checks/ (at the top of
a module or inside a function, plain or from) is read with `ast`, so an import tucked into a
function to dodge a slow package cannot hide.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CHECKS = Path(__file__).resolve().parents[1] / "checks"
ALLOWED_PACKAGES = ("complaint_audit.engine", "complaint_audit.calendar", "complaint_audit.schema",
                    "complaint_audit.letters", "complaint_audit.checks")
# Libraries a check may compute with: pandas and the arrays under it. Tests of chance are the engine's
# (engine/significance.py), not scipy's: scipy is not installed with the tool.
ALLOWED_LIBRARIES = ("pandas", "numpy", "pyarrow")


def imported_modules(tree: ast.AST, package: str) -> list[tuple[int, str]]:
    """Every module (or name in a module) the tree imports, absolute (a relative import resolved against
    PACKAGE), with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            # Each name may itself be a module (from complaint_audit import config), so it is part of what is imported.
            found += [(node.lineno, module if alias.name == "*" else f"{module}.{alias.name}") for alias in node.names]
    return found


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    return (top in sys.stdlib_module_names or top in ALLOWED_LIBRARIES
            or any(module == name or module.startswith(name + ".") for name in ALLOWED_PACKAGES))


@pytest.mark.parametrize("path", sorted(CHECKS.glob("*.py")), ids=lambda path: path.name)
def test_a_check_module_imports_only_what_checks_may_use(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    wrong = [f"line {line}: {module}" for line, module in imported_modules(tree, "complaint_audit.checks")
             if not allowed(module)]
    assert not wrong, f"checks/{path.name} imports what checks may not: {'; '.join(wrong)}"


@pytest.mark.parametrize(("source", "caught"), [
    ("def run():\n    from complaint_audit.review.scores import KEY\n", ["complaint_audit.review.scores.KEY"]),
    ("import complaint_audit.report.text as text\n", ["complaint_audit.report.text"]),
    ("from ..report import findings\n", ["complaint_audit.report.findings"]),
    ("from complaint_audit import config, engine\n", ["complaint_audit.config"]),
    ("import openpyxl, pandas\n", ["openpyxl"]),
    ("from . import _timing\nfrom complaint_audit.letters.criteria import KEY\nimport json\n", []),
])
def test_the_contract_catches_imports_inside_functions_relative_and_aliased(source, caught):
    modules = [module for _, module in imported_modules(ast.parse(source), "complaint_audit.checks")]
    assert [module for module in modules if not allowed(module)] == caught
