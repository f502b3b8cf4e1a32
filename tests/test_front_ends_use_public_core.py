"""Front ends import only ``workbench.core`` itself, never a module inside it.

The CLI (``workbench/cli``), the window (``workbench/gui``) and the benchmarks (``benchmarks/``) reach the
core through its public surface (``workbench/core/__init__.py``, pinned by
``tests/core/test_exported_members.py``; see docs/architecture.md, "The public surface"). This test reads
every ``import`` / ``from … import`` statement of those files with :mod:`ast` -- at module level, inside
functions, under ``if TYPE_CHECKING:`` alike -- and fails on each one that names ``workbench.core.<module>``
(or imports a submodule with ``from workbench.core import <module>``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import REPO_ROOT

import workbench.core

#: the front ends, relative to the repository
FRONT_ENDS = ("workbench/gui", "workbench/cli", "benchmarks")
CORE = "workbench.core"


@dataclass(frozen=True)
class PrivateImport:
    path: str
    line: int
    module: str
    #: set for ``from workbench.core import name`` where ``name`` is not exported (nor a module)
    unexported: str = ""

    def __str__(self) -> str:
        if self.unexported:
            return f"{self.path}:{self.line} imports {self.unexported} from {CORE}, which does not export it"
        return f"{self.path}:{self.line} imports {self.module}"


def _is_core_module(name: str) -> bool:
    folder = REPO_ROOT / "workbench" / "core"
    return (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()


def _package_of(path: Path, root: Path) -> list[str]:
    """The package parts of ``path`` (for resolving relative imports); ``x/__init__.py`` is in ``x``."""
    return list(path.relative_to(root).parent.parts)


def _absolute(node: ast.ImportFrom, package: list[str]) -> str:
    if node.level == 0:
        return node.module or ""
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def private_core_imports(source: str, path: str, package: list[str] | None = None) -> list[PrivateImport]:
    """Every import in ``source`` that reaches below ``workbench.core`` (``package`` resolves ``from .``)."""
    found: list[PrivateImport] = []
    public = set(workbench.core.__all__)
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(CORE + "."):
                    found.append(PrivateImport(path, node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package or [])
            if module.startswith(CORE + "."):
                found.append(PrivateImport(path, node.lineno, module))
            elif module == CORE:
                found.extend(
                    PrivateImport(path, node.lineno, f"{CORE}.{alias.name}")
                    if _is_core_module(alias.name)
                    else PrivateImport(path, node.lineno, CORE, unexported=alias.name)
                    for alias in node.names
                    if alias.name != "*" and alias.name not in public
                )
    return sorted(found, key=lambda f: (f.line, f.module))


def _python_files(front_end: str) -> list[Path]:
    folder = REPO_ROOT / front_end
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_scanner_finds_every_form() -> None:
    source = (
        "import workbench.core\n"
        "import workbench.core.session\n"
        "import workbench.core.engines.base as base\n"
        "from workbench.core import open_session, RunConfig\n"
        "from workbench.core import engines\n"
        "from workbench.core.oci.client import RegistryClient\n"
        "from workbench import core\n"
        "import workbench.corex\n"
        "def later():\n"
        "    from workbench.core.module import load_module\n"
        "if TYPE_CHECKING:\n"
        "    from workbench.core.session import Session\n"
        "from ..core.yamlio import atomic_write\n"
        "from ..core import Verdict\n"
        "from workbench.core import NotExported\n"
    )
    found = private_core_imports(source, "x.py", package=["workbench", "gui"])
    assert [(f.line, f.module) for f in found] == [
        (2, "workbench.core.session"),
        (3, "workbench.core.engines.base"),
        (5, "workbench.core.engines"),
        (6, "workbench.core.oci.client"),
        (10, "workbench.core.module"),
        (12, "workbench.core.session"),
        (13, "workbench.core.yamlio"),
        (15, "workbench.core"),
    ]
    assert str(found[0]) == "x.py:2 imports workbench.core.session"
    assert str(found[-1]) == "x.py:15 imports NotExported from workbench.core, which does not export it"


@pytest.mark.parametrize("front_end", FRONT_ENDS)
def test_front_end_imports_only_the_public_core(front_end: str) -> None:
    files = _python_files(front_end)
    assert files, f"{front_end} has no Python files"
    offenders: list[PrivateImport] = []
    for path in files:
        relative = path.relative_to(REPO_ROOT).as_posix()
        offenders += private_core_imports(
            path.read_text(encoding="utf-8"), relative, _package_of(path, REPO_ROOT)
        )
    if front_end == "benchmarks":
        # a benchmark may measure a layer below the public surface on purpose (the raw OPA ABI
        # as a baseline, the compile cache itself); each such import says so on its line
        lines = {p.relative_to(REPO_ROOT).as_posix(): p.read_text(encoding="utf-8").splitlines() for p in files}
        offenders = [o for o in offenders if "# below-surface" not in lines[o.path][o.line - 1]]
    assert not offenders, (
        f"{len(offenders)} imports of private core modules in {front_end} (import from workbench.core and "
        "export what is missing there):\n  " + "\n  ".join(map(str, offenders))
    )
