"""``workbench/core/__init__.py``: lazy resolution of the public names (PEP 562).

The exported list itself is pinned by ``tests/core/test_exported_members.py``; this file tests the
mechanism: a name is imported from its module on first use and then cached, unknown names raise
``AttributeError``, ``dir()`` lists the public names, and ``import workbench.core`` loads no engine.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import workbench.core


def test_a_name_is_resolved_from_its_module_and_cached() -> None:
    from workbench.core.errors import WorkbenchError

    assert workbench.core.WorkbenchError is WorkbenchError
    assert vars(workbench.core)["WorkbenchError"] is WorkbenchError  # cached in the module's globals
    assert workbench.core.__getattr__("WorkbenchError") is WorkbenchError


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        workbench.core.NoSuchThing  # noqa: B018
    assert not hasattr(workbench.core, "_EXPORT_NOT_THERE")
    with pytest.raises(ImportError):
        from workbench.core import NoSuchThing  # type: ignore[attr-defined]  # noqa: F401


def test_dir_lists_every_public_name() -> None:
    listed = dir(workbench.core)
    assert set(workbench.core.__all__) <= set(listed)
    assert listed == sorted(listed)


def test_importing_the_core_loads_no_engine_or_qt() -> None:
    """Lazy resolution keeps ``import workbench.core`` cheap (the CLI's start-up depends on it)."""
    code = (
        "import sys, workbench.core; "
        "print(sorted(m for m in ('wasmtime', 'PySide6', 'regopy', 'oras', 'requests') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
    resolved = subprocess.run(
        [sys.executable, "-c", "import sys, workbench.core; workbench.core.WorkbenchError; print('wasmtime' in sys.modules)"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert resolved.stdout.strip() == "False"
