"""Rego source tools in the main window: "Compare Engines…" and "Build Wasm from Rego…" (Policy menu).

* **Compare Engines…** — with a compiled OPA module open, pick its ``.rego`` source(s) (a ``.rego``
  next to the module is offered first); the current request and settings run through both the
  embedded Rego interpreter and the Wasm module (:func:`workbench.core.compare.compare_engines`)
  and a dialog shows both verdicts with every difference highlighted.
* **Build Wasm from Rego…** — compile ``.rego`` files with a real ``opa`` binary
  (:mod:`workbench.core.rego_build`) and switch the window to the compiled module; without
  ``opa`` on PATH the action explains where to download OPA's static binary.

Installed by :func:`install_rego_tools` from the main window's menu construction.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
)

from workbench.core import InputError, WorkbenchError

if TYPE_CHECKING:
    from workbench.core import Comparison
    from workbench.gui.tasks import Task
    from workbench.gui.view import WindowView

__all__ = ["ComparisonDialog", "RegoTools", "comparison_html", "install_rego_tools"]

REGO_FILTER = "Rego policies (*.rego);;All files (*)"


def _verdict(run: Any) -> str:
    if run.error is not None:
        return f"error: {run.error}"
    response = run.response or {}
    verdict = "mutated" if response.get("patch") else "accepted" if response.get("allowed") else "rejected"
    message = (response.get("status") or {}).get("message")
    return f"{verdict}: {message}" if message else verdict


def comparison_html(comparison: Comparison) -> str:
    """Both verdicts side by side and the differences, each highlighted in red (or a green all-clear)."""
    rows = (
        f"<tr><th align='left'>{html.escape(comparison.rego.label)}</th>"
        f"<td>{html.escape(_verdict(comparison.rego))}</td></tr>"
        f"<tr><th align='left'>{html.escape(comparison.wasm.label)}</th>"
        f"<td>{html.escape(_verdict(comparison.wasm))}</td></tr>"
    )
    if comparison.same:
        body = "<p style='background:#d9f2de;color:#14532d;padding:6px'>No difference: same response and result set.</p>"
    else:
        items = "".join(
            f"<li style='background:#fde2e1;color:#7f1d1d'>{html.escape(d)}</li>"
            for d in comparison.differences
        )
        count = len(comparison.differences)
        body = f"<p><b>{count} difference{'s' if count != 1 else ''}:</b></p><ul>{items}</ul>"
    return f"<table cellpadding='4'>{rows}</table>{body}"


class ComparisonDialog(QDialog):
    def __init__(self, comparison: Comparison, parent: Any = None) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.setWindowTitle("Compare engines — " + ("no difference" if comparison.same else "differences"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setHtml(comparison_html(comparison))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class RegoTools:
    """The two actions and their workers, bound to one main window."""

    def __init__(self, window: WindowView, menu: QMenu) -> None:
        self.window = window
        self.last_dialog: ComparisonDialog | None = None
        self.compare_action = QAction("Compare &Engines…", window.widget())
        self.compare_action.setObjectName("compare_engines")
        self.compare_action.setStatusTip("Run the request through the Rego source and the compiled module")
        self.compare_action.triggered.connect(lambda _checked=False: self.choose_and_compare())
        self.build_action = QAction("&Build Wasm from Rego…", window.widget())
        self.build_action.setObjectName("build_wasm_from_rego")
        self.build_action.setStatusTip("Compile .rego files with opa build -t wasm and open the module")
        self.build_action.triggered.connect(lambda _checked=False: self.choose_and_build())
        menu.addSeparator()
        menu.addAction(self.compare_action)
        menu.addAction(self.build_action)

    # -- Compare engines --------------------------------------------------------------
    def _suggested_sources(self) -> list[str]:
        module = self.window.module
        if module is None or module.path is None:
            return []
        folder = module.path.parent
        same_stem = sorted(str(p) for p in folder.glob(f"{module.path.stem}*.rego"))
        return same_stem or sorted(str(p) for p in folder.glob("*.rego"))

    def choose_and_compare(self) -> Task | None:
        module = self.window.module
        if module is None or not module.is_rego:
            self.window.show_message(
                "Compare engines needs a compiled OPA module (.wasm) open first", "warning"
            )
            return None
        start = self._suggested_sources()
        directory = start[0] if start else (str(module.path.parent) if module.path else "")
        paths, _ = QFileDialog.getOpenFileNames(
            self.window.widget(), "Rego source of this module", directory, REGO_FILTER
        )
        if not paths:
            return None
        return self.compare([Path(p) for p in paths])

    def compare(self, rego_paths: list[Path]) -> Task | None:
        """Run the current request/settings through both engines in a worker; show the dialog when done."""
        from workbench.core import compare_engines, parse_request
        from workbench.gui import cmds_files, cmds_run

        window = self.window
        try:
            module = cmds_files.module_for_tools(window)
            settings = window.settings_editor.settings()
            md = module.metadata
            request = parse_request(
                window.case_editor.request.result.value, raw=bool(md and md.policy_type == "raw")
            )
            assert window.open_policy is not None
            config = cmds_run.run_config(window, window.open_policy)
        except WorkbenchError as exc:
            window.show_message(str(exc), "error")
            return None

        def work(_ctx: Any) -> Comparison:
            return compare_engines(rego_paths, module, request, settings, config=config)

        def done(comparison: Comparison) -> None:
            summary = "no difference" if comparison.same else f"{len(comparison.differences)} difference(s)"
            window.context.log.app(f"compare engines: {summary}", "info" if comparison.same else "warning")
            self.last_dialog = ComparisonDialog(comparison, window.widget())
            self.last_dialog.show()

        return window.context.runner.run(
            work, "Compare engines", on_finished=done, on_failed=window.show_error
        )

    # -- Build Wasm from Rego -------------------------------------------------------------------
    def choose_and_build(self) -> Task | None:
        from workbench.core import (
            OPA_MISSING_HELP,
            default_entrypoint,
            find_opa,
            load_rego_source,
            resolve_rego_mode,
        )

        if find_opa() is None:
            self.window.show_message(OPA_MISSING_HELP, "warning")
            return None
        paths, _ = QFileDialog.getOpenFileNames(
            self.window.widget(), "Rego files to compile", "", REGO_FILTER
        )
        if not paths:
            return None

        try:
            source = load_rego_source(paths)
            suggested = default_entrypoint(source, resolve_rego_mode(source))
        except WorkbenchError as exc:
            self.window.show_message(str(exc), "error")
            return None
        entry, ok = QInputDialog.getText(
            self.window.widget(), "Entrypoint", "Rule to compile (package/rule):", text=suggested
        )
        if not ok or not entry.strip():
            return None
        output, _ = QFileDialog.getSaveFileName(
            self.window.widget(),
            "Save compiled module",
            str(Path(paths[0]).with_suffix(".wasm")),
            "WebAssembly (*.wasm)",
        )
        if not output:
            return None
        return self.build([Path(p) for p in paths], entry.strip(), Path(output))

    def build(self, rego_paths: list[Path], entrypoint: str, output: Path) -> Task | None:
        """Compile in a worker, then open the compiled module in the window."""
        from workbench.core import OPA_MISSING_HELP, build_wasm, find_opa

        if find_opa() is None:
            self.window.show_message(OPA_MISSING_HELP, "warning")
            return None
        if not rego_paths:
            self.window.show_message(str(InputError("no .rego files given")), "error")
            return None

        def work(_ctx: Any) -> Path:
            build_wasm(rego_paths, entrypoint, output)
            return output

        def done(path: Path) -> None:
            from workbench.gui.cmds_open import open_policy_source

            self.window.context.log.app(f"compiled {entrypoint} to {path} with opa build -t wasm")
            open_policy_source(self.window, path)

        return self.window.context.runner.run(
            work, "Build Wasm", on_finished=done, on_failed=self.window.show_error
        )


def install_rego_tools(window: WindowView, menu: QMenu) -> RegoTools:
    return RegoTools(window, menu)
