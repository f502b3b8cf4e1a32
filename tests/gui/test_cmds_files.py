"""File and registry commands: annotate, export metadata, the push dialog's suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.gui_helpers import open_module, run
from helpers import REPO_ROOT

from workbench.core.module import load_module
from workbench.gui import cmds_files
from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def test_edit_metadata_annotate_and_save(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    editor = window.metadata_editor
    table = editor.annotations.table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == "io.kubewarden.policy.title":
            table.item(row, 1).setText("labels-please")
    assert editor.dirty and window.isWindowModified() and window.editors.tabText(1) == "Metadata *"
    out = tmp_path / "annotated.wasm"
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        assert cmds_files.annotate_save_as(window, out) is not None
    saved = load_module(out)
    assert saved.metadata is not None and saved.metadata.title == "labels-please"
    assert window.open_policy is not None and window.open_policy.module == str(out.resolve())
    assert not editor.dirty and "Annotated module saved to" in window.banner.text.text()
    window.request_editor.set_text((DEMO / "requests/pod-compliant.json").read_text(), "json", clean=False)
    window.settings_editor.set_text("required_labels: [app]\n", "yaml", clean=False)
    assert run(qtbot, window).verdict == "accepted"


def test_export_metadata_and_run_with_edited_metadata(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    out = tmp_path / "metadata.yml"
    window.ask_save_path = lambda *_a: str(out)
    assert cmds_files.export_metadata(window)
    assert "rules:" in out.read_text() and "Metadata exported" in window.banner.text.text()
    assert cmds_files.module_for_tools(window) is window.loaded.module  # type: ignore[union-attr]


def test_push_dialog_without_keyring_and_suggested_reference(qtbot: Any, tmp_path: Path) -> None:
    from keyring.backends import fail

    from workbench.gui.context import AppContext
    from workbench.gui.credentials import CredentialStore
    from workbench.gui.state import open_settings

    context = AppContext.create(
        open_settings(tmp_path / "s.ini"),
        credentials=CredentialStore(fail.Keyring()),
        history_path=tmp_path / "h.db",
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.ask_unsaved = lambda parts: "discard"
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    dialog = cmds_files.show_push_dialog(window)
    assert dialog is not None
    assert (
        not dialog.form.remember.isEnabled()
        and "no system keyring available" in dialog.form.keyring_status.text()
    )
    assert dialog.force.text().startswith("Force")
    dialog.form.reference.clear()
    dialog.start_button.click()
    assert "enter an OCI reference" in dialog.status.text()
    dialog.close()
    window.context.runner.shutdown(5000)


def test_suggested_reference_from_the_metadata(fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    md = module.metadata
    assert md is not None
    url = md.annotation("io.kubewarden.policy.ociUrl")
    assert cmds_files.suggested_reference(module) == f"registry://{url}"
    md.annotations = {**(md.annotations or {}), "io.kubewarden.policy.version": "0.1.7"}
    assert cmds_files.suggested_reference(module) == f"registry://{url}:v0.1.7"
    assert cmds_files.suggested_reference(load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm")) == ""
