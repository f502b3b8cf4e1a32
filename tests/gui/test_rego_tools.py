"""Policy menu: Compare Engines… (Rego source vs compiled module) and Build Wasm from Rego…."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui.gui_helpers import open_module

from workbench.core import rego_build
from workbench.gui.mainwindow import MainWindow


def _compare(qtbot: Any, window: MainWindow, sources: list[Path]) -> Any:
    window.request_editor.reparse()
    window.settings_editor.reparse()
    task = window.rego_tools.compare(sources)
    assert task is not None
    qtbot.waitUntil(lambda: window.rego_tools.last_dialog is not None, timeout=30000)
    return window.rego_tools.last_dialog


def test_actions_are_in_the_policy_menu(window: MainWindow) -> None:
    names = {a.objectName() for a in window.findChildren(type(window.rego_tools.compare_action))}
    assert {"compare_engines", "build_wasm_from_rego"} <= names


def test_same_source_shows_no_difference(qtbot: Any, window: MainWindow, fixtures_dir: Path) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/opa-no-default-namespace.wasm")
    assert window.load_editor_file(window.request_editor, fixtures_dir / "requests/pod-privileged.json")
    window.settings_editor.set_text("{}", "json")
    sources = [
        fixtures_dir / "policies/opa-no-default-namespace--no-default-namespace.rego",
        fixtures_dir / "policies/opa-no-default-namespace--utility-policy.rego",
    ]
    dialog = _compare(qtbot, window, sources)
    assert dialog.comparison.same
    text = dialog.browser.toPlainText()
    assert "No difference" in text and "rejected: you cannot use the default namespace" in text


def test_differences_are_highlighted(
    qtbot: Any, window: MainWindow, fixtures_dir: Path, tmp_path: Path
) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/gk-always-happy.wasm")
    assert window.load_editor_file(window.request_editor, fixtures_dir / "requests/pod-privileged.json")
    window.settings_editor.set_text("{}", "json")
    source = tmp_path / "unhappy.rego"
    source.write_text('package policy\n\nviolation[{"msg": "always unhappy"}] { true }\n')
    dialog = _compare(qtbot, window, [source])
    assert not dialog.comparison.same
    assert "#fde2e1" in dialog.browser.toHtml().lower()  # the highlight colour of a difference
    assert "response.allowed: rego-source false, wasm true" in dialog.browser.toPlainText()


def test_compare_needs_an_opa_module(qtbot: Any, window: MainWindow) -> None:
    assert window.rego_tools.choose_and_compare() is None
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert "needs a compiled OPA module" in window.banner.text.text()


@pytest.mark.skipif(
    rego_build.find_opa() is not None, reason="opa is on PATH: the missing-opa message is not shown"
)
def test_build_without_opa_explains_how_to_get_it(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    assert window.rego_tools.build([tmp_path / "p.rego"], "p/allow", tmp_path / "p.wasm") is None
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert rego_build.opa_download_url() in window.banner.text.text()
    assert window.banner.level == "warning"
