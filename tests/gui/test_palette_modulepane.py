from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from workbench.core.module import load_module
from workbench.gui.modulepane import ModulePane, gather_report
from workbench.gui.palette import apply_palette, dark_palette


def test_dark_and_light_palettes(qapp: QApplication) -> None:
    original = qapp.palette()
    try:
        assert apply_palette(qapp, True) is True
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert dark_palette().color(QPalette.ColorRole.Text).lightness() > 200
        assert apply_palette(qapp, False) is False
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 150
    finally:
        qapp.setPalette(original)


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
