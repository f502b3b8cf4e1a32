"""The Module pane: the report of a module and what it enables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.module import load_module
from workbench.gui.modulepane import ModulePane, gather_report


def test_report_of_an_opa_module(qtbot: Any, fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies/opa-no-default-namespace.wasm")
    report = gather_report(module, "opa.wasm")
    assert report.abi_text == "1.1" and report.entrypoints
    assert report.builtins_missing == ()
    pane = ModulePane()
    qtbot.addWidget(pane)
    pane.show_report(report)
    assert pane.entrypoint.isEnabled()
    first = min(report.entrypoints.items(), key=lambda kv: kv[1])[0]
    assert pane.selected_entrypoint() == first
    assert any("not annotated" in pane.warnings.item(i).text() for i in range(pane.warnings.count()))


def test_report_of_a_legacy_module(qtbot: Any, fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies/opa-legacy-abi-no-entrypoints.wasm")
    report = gather_report(module, "legacy.wasm")
    assert module.kind == "unknown"
    assert any(w.startswith("not a runnable policy") for w in report.warnings)
    pane = ModulePane()
    qtbot.addWidget(pane)
    pane.show_report(report)
    assert not pane.entrypoint.isEnabled()
    pane.clear()
    assert pane.report is None and pane.sha.text() == "—"


def test_unrunnable_module_disables_run_with_its_reason(
    qtbot: Any, tmp_path: Path, fixtures_dir: Path
) -> None:
    from gui.gui_helpers import make_window, open_module

    window = make_window(qtbot, tmp_path / "s.ini")
    open_module(qtbot, window, fixtures_dir / "policies/opa-legacy-abi-no-entrypoints.wasm")
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.update_actions()
    assert not window.run_action.isEnabled()
    assert "this module cannot be run: " in window.run_reason.text()
    assert "pre-1.0 OPA" in window.run_reason.text()
    window.context.runner.shutdown(5000)
