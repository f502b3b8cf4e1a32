"""The window's code stays in small, acyclic modules (see docs/architecture.md, "The window").

* ``workbench/gui`` has no import cycle. The graph is read with :mod:`ast` from every import statement --
  module level, inside functions and under ``if TYPE_CHECKING:`` alike, since a pane that names the main
  window only for its type annotations still depends on it. Panes and commands take the application
  context object instead of the main window.
* No file in ``workbench/gui`` is longer than :data:`MAX_LINES` lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO_ROOT

GUI = REPO_ROOT / "workbench" / "gui"
PACKAGE = "workbench.gui"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    relative = path.relative_to(REPO_ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _gui_files() -> list[Path]:
    return sorted(p for p in GUI.rglob("*.py") if "__pycache__" not in p.parts)


def import_targets(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``source`` (the text of ``module``) imports, by any import statement."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            # `from pkg import name` imports the submodule pkg.name when there is one
            names = [origin, *(f"{origin}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            # the longest known module that the name is, or is inside of
            parts = name.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in known:
                    targets.add(candidate)
                    break
    targets.discard(module)
    return targets


def import_graph(files: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules it imports, for ``files`` (module name -> (source, is a package))."""
    known = set(files)
    return {
        module: import_targets(source, module, is_package, known) for module, (source, is_package) in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _gui_graph() -> dict[str, set[str]]:
    return import_graph(
        {_module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py") for p in _gui_files()}
    )


def test_graph_and_cycle_finder_on_a_small_package() -> None:
    files = {
        "workbench.gui": ("", True),
        "workbench.gui.a": ("from workbench.gui import b\n", False),
        "workbench.gui.b": ("def f():\n    from .c import C\n", False),
        "workbench.gui.c": ("if TYPE_CHECKING:\n    from workbench.gui.a import A\n", False),
        "workbench.gui.d": ("import workbench.gui.e\nimport workbench.core\n", False),
        "workbench.gui.e": ("from workbench.gui.d import x\nimport os\n", False),
        "workbench.gui.f": ("from . import a, g\nfrom workbench.gui import thing\n", False),
    }
    graph = import_graph(files)
    assert graph["workbench.gui.a"] == {"workbench.gui", "workbench.gui.b"}
    assert graph["workbench.gui.b"] == {"workbench.gui.c"}
    assert graph["workbench.gui.c"] == {"workbench.gui.a"}
    assert graph["workbench.gui.f"] == {"workbench.gui", "workbench.gui.a"}
    assert cycles(graph) == [
        ["workbench.gui.a", "workbench.gui.b", "workbench.gui.c"],
        ["workbench.gui.d", "workbench.gui.e"],
    ]
    del graph["workbench.gui.c"]
    assert cycles(graph) == [["workbench.gui.d", "workbench.gui.e"]]


def test_the_graph_sees_the_real_package() -> None:
    graph = _gui_graph()
    assert "workbench.gui.app" in graph
    assert any(graph.values()), "no imports between workbench.gui modules found: the scan is broken"


def test_gui_has_no_import_cycles() -> None:
    graph = _gui_graph()
    found = cycles(graph)
    lines = []
    for component in found:
        members = set(component)
        edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
        lines.append("cycle among " + ", ".join(component) + ":\n      " + "\n      ".join(edges))
    assert not found, "import cycles in workbench/gui:\n  " + "\n  ".join(lines)


def test_no_gui_file_is_over_the_line_limit() -> None:
    too_long = []
    for path in _gui_files():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            too_long.append(f"{path.relative_to(REPO_ROOT).as_posix()}: {count} lines")
    assert not too_long, f"files in workbench/gui over {MAX_LINES} lines:\n  " + "\n  ".join(too_long)
