"""Every module under ``workbench/`` has its own test file at the mirrored path.

Rule (the brief's "tests mirror the source tree"):

* ``workbench/<path>/<module>.py`` → ``tests/<path>/test_<module>.py``; e.g.
  ``workbench/core/wasm/reader.py`` → ``tests/core/wasm/test_reader.py``,
  ``workbench/gui/palette.py`` → ``tests/gui/test_palette.py``,
  ``workbench/cli/run_cmd.py`` → ``tests/cli/test_run_cmd.py``.
* A package ``__init__.py`` counts as a module only when it defines functions or classes
  itself (e.g. ``workbench/core/requests/__init__.py``, ``workbench/core/engines/__init__.py``);
  it maps to ``tests/<path>/test_<package>.py``. Re-export-only ``__init__.py`` files and
  ``__main__.py`` entry shims (a few lines calling a tested ``main``) are skipped.
* Private helper modules (``_name.py``) are implementation details of the public module that
  imports them and are tested through it (e.g. ``opa/builtins/_gojson.py`` through the
  builtins that use it); they need no file of their own, but when one exists it is welcome.

``IN_PROGRESS`` lists modules owned by helpers still at work in their area when this test was
written; each entry must be removed once its test file lands (the test fails if an excluded
module already has its file, so the list cannot go stale).
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO_ROOT

SOURCE = REPO_ROOT / "workbench"
TESTS = REPO_ROOT / "tests"

#: modules whose tests are being written by another helper right now (see the docstring)
IN_PROGRESS: frozenset[str] = frozenset(
    {
        "workbench/core/engines/opa/builtins/glob.py",
    }
)


def _defines_code(init: Path) -> bool:
    tree = ast.parse(init.read_text(encoding="utf-8"))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for node in tree.body)


def expected_test_file(module: Path) -> Path | None:
    """The mirrored test file of ``module`` (a path under ``workbench/``), or None if it needs none."""
    relative = module.relative_to(SOURCE)
    name = module.name
    if name == "__main__.py" or (name.startswith("_") and name != "__init__.py"):
        return None
    if name == "__init__.py":
        if module.parent == SOURCE or not _defines_code(module):
            return None
        return TESTS / relative.parent / f"test_{module.parent.name}.py"
    return TESTS / relative.parent / f"test_{module.stem}.py"


def _modules() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts)


def test_rule_examples() -> None:
    assert expected_test_file(SOURCE / "core/wasm/reader.py") == TESTS / "core/wasm/test_reader.py"
    assert expected_test_file(SOURCE / "cli/run_cmd.py") == TESTS / "cli/test_run_cmd.py"
    assert expected_test_file(SOURCE / "gui/palette.py") == TESTS / "gui/test_palette.py"
    assert (
        expected_test_file(SOURCE / "core/requests/__init__.py") == TESTS / "core/requests/test_requests.py"
    )
    assert expected_test_file(SOURCE / "core/metadata/__init__.py") is None  # re-exports only
    assert expected_test_file(SOURCE / "cli/_common.py") is None
    assert expected_test_file(SOURCE / "__main__.py") is None


def test_every_module_has_its_mirrored_test_file() -> None:
    missing = []
    for module in _modules():
        expected = expected_test_file(module)
        key = module.relative_to(REPO_ROOT).as_posix()
        if expected is None or key in IN_PROGRESS:
            continue
        if not expected.is_file():
            missing.append(f"{key} -> {expected.relative_to(REPO_ROOT).as_posix()}")
    assert not missing, "modules without their mirrored test file:\n  " + "\n  ".join(missing)


def test_in_progress_list_is_not_stale() -> None:
    for key in IN_PROGRESS:
        module = REPO_ROOT / key
        assert module.is_file(), f"{key} no longer exists: drop it from IN_PROGRESS"
        expected = expected_test_file(module)
        assert expected is not None and not expected.is_file(), (
            f"{key} has its tests now: drop it from IN_PROGRESS"
        )


def test_no_orphan_test_packages() -> None:
    """Test folders mirror source packages (plus the shared support folders)."""
    support = {"gui", "oci", "packaging"}  # helpers / integration suites with their own fixtures
    for folder in sorted(p for p in TESTS.rglob("*") if p.is_dir() and "__pycache__" not in p.parts):
        relative = folder.relative_to(TESTS)
        if not any(folder.glob("test_*.py")):
            continue  # data folders (e.g. recorded cases) are not test packages
        if relative.parts[0] in support or (SOURCE / relative).is_dir():
            continue
        raise AssertionError(f"tests/{relative.as_posix()} has no matching package under workbench/")
