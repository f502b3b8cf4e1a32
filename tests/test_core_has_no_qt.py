"""The core must import without Qt: PySide6 is made unimportable in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import REPO_ROOT


def test_core_imports_without_qt() -> None:
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pytestqt"):
                    raise ImportError(f"Qt is blocked in the core: {name}")
                return None

        sys.meta_path.insert(0, Block())
        import workbench.core
        failed = []
        for info in pkgutil.walk_packages(workbench.core.__path__, "workbench.core."):
            importlib.import_module(info.name)
        qt = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")]
        assert not qt, qt
        print("imported", len([m for m in sys.modules if m.startswith("workbench.core")]))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout


def test_no_qt_import_statement_in_core_sources() -> None:
    offenders = []
    for path in (REPO_ROOT / "workbench" / "core").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import shiboken6", "from shiboken6")):
                offenders.append(f"{Path(path).relative_to(REPO_ROOT)}: {stripped}")
    assert not offenders
