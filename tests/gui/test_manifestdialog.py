"""Export Manifest: the dialog's Save As, and agreement with the Metadata tab (issue 14, defects 1 and 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.gui_helpers import open_module
from helpers import REPO_ROOT

from workbench.gui import cmds_files
from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def test_save_as_button_writes_the_manifest(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    """Defect 1: clicking Save As… used to pass clicked(bool) as the path and log a TypeError."""
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    window.settings_editor.set_text("required_labels: [owner]\n", "yaml", clean=False)
    dialog = cmds_files.show_manifest_dialog(window)
    assert dialog is not None and dialog.save_button.isEnabled()
    text = dialog.text.toPlainText()
    assert text.startswith("apiVersion: policies.kubewarden.io/v1\nkind: ClusterAdmissionPolicy\n")
    assert "required_labels:" in text
    out = tmp_path / "policy.yaml"
    asked: list[str] = []
    dialog.ask_path = lambda suggestion: asked.append(suggestion) or str(out)
    dialog.save_button.click()  # the real signal path: clicked(bool) → save_as()
    assert asked == ["policy.yaml"]
    assert out.read_text() == dialog.text.toPlainText() and dialog.saved_to == str(out)
    assert "saved to" in dialog.notes.text()
    dialog.ask_path = lambda _suggestion: ""
    dialog.save_button.click()  # cancelled: nothing written, no error
    assert dialog.saved_to == str(out)
    dialog.kind.setCurrentText("AdmissionPolicy")
    assert "kind: AdmissionPolicy" in dialog.text.toPlainText()
    dialog.title.setText("Bad_Name")
    assert "invalid policy name 'Bad_Name'" in dialog.notes.text() and not dialog.save_button.isEnabled()
    dialog.close()


def test_manifest_and_metadata_tab_agree_without_protocol_version(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """Defect 10: the Metadata tab said valid (protocolVersion is filled by Annotate) while
    Export Manifest said the metadata was invalid."""
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    editor = window.metadata_editor
    data = editor.data
    data.pop("protocolVersion", None)
    editor.push_change(data, "drop protocolVersion")
    assert editor.valid and "Metadata is valid" in editor.status.text()
    dialog = cmds_files.show_manifest_dialog(window)
    assert dialog is not None
    assert dialog.result is not None and dialog.save_button.isEnabled(), dialog.notes.text()
    assert "invalid" not in dialog.notes.text().lower()
    dialog.close()
