"""The Policy tab: compact facts from the core's module report; empty sections collapse; Rego source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import REPO_ROOT

from workbench.gui.evaluation import load_policy
from workbench.gui.modulepane import ModulePane, rego_error_line

DEMO = REPO_ROOT / "resources" / "demo"


def _pane(qtbot: Any) -> ModulePane:
    pane = ModulePane()
    qtbot.addWidget(pane)
    pane.show()
    return pane


def test_opa_module_shows_entrypoints_and_builtins(qtbot: Any, fixtures_dir: Path) -> None:
    loaded = load_policy(str(fixtures_dir / "policies/opa-no-default-namespace.wasm"))
    pane = _pane(qtbot)
    pane.show_policy(loaded)
    assert pane.abi.text() == "1.1" and pane.entrypoint.isEnabled()
    first = min(loaded.report.entrypoints.items(), key=lambda kv: kv[1])[0]  # type: ignore[union-attr]
    assert pane.selected_entrypoint() == first
    assert pane.form.isRowVisible(pane.abi) and pane.warnings_box.isVisible()
    assert "choose its execution mode" in pane.warnings.text()


def test_wapc_module_collapses_what_does_not_apply(qtbot: Any) -> None:
    loaded = load_policy(str(DEMO / "policies/require-labels/policy.wasm"))
    pane = _pane(qtbot)
    pane.show_policy(loaded)
    assert pane.kind.text().startswith("<b>kubewarden-wapc</b>")
    assert not pane.form.isRowVisible(pane.abi) and not pane.form.isRowVisible(pane.builtins)
    assert not pane.form.isRowVisible(pane.entrypoint)
    assert pane.warnings_box.isHidden() == (not loaded.warnings)
    assert pane.rego_box.isHidden()
    pane.clear()
    assert pane.loaded is None and pane.facts_box.isHidden() and pane.hint.isVisible()


def test_legacy_module_facts_without_a_session(qtbot: Any, fixtures_dir: Path) -> None:
    loaded = load_policy(str(fixtures_dir / "policies/opa-legacy-abi-no-entrypoints.wasm"))
    assert loaded.label == "cannot run" and loaded.module is not None and loaded.module.kind == "unknown"
    assert any(w.startswith("not a runnable policy") for w in loaded.warnings)
    pane = _pane(qtbot)
    pane.show_policy(loaded)
    assert not pane.entrypoint.isEnabled()


def test_rego_source_with_highlighting_and_error_line(qtbot: Any, tmp_path: Path) -> None:
    loaded = load_policy(str(DEMO / "rego/namespace-guard/policy.rego"))
    pane = _pane(qtbot)
    pane.show_policy(loaded)
    assert loaded.is_rego and pane.rego_box.isVisible() and pane.rego.language == "rego"
    assert "package" in pane.rego.toPlainText()
    pane.show_rego_error("package x\n\nallow {\n", "policy.rego:3:7: rego_parse_error: unexpected eof")
    assert pane.rego.error_line == 3
    assert rego_error_line("line 12: bad") == 12 and rego_error_line("no position") is None
