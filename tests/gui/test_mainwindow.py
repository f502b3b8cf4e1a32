"""End-to-end workflows in the main window, with the real core and engines."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gui import policies
from gui.gui_helpers import make_window, open_module, run
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent

from workbench.core.module import load_module
from workbench.core.scaffold.templates import updated_object
from workbench.gui.mainwindow import MainWindow


def set_settings(window: MainWindow, settings: dict[str, Any]) -> None:
    window.settings_editor.set_text(json.dumps(settings), "json")


def test_run_accepted_then_rejected(qtbot: Any, window: MainWindow, fixtures_dir: Path) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    assert window.module is not None and window.module.kind == "kubewarden-wapc"
    assert window.module_pane.kind.text().startswith("<b>kubewarden-wapc</b>")
    assert window.metadata_editor.valid and not window.metadata_editor.dirty
    assert window.load_editor_file(window.request_editor, fixtures_dir / "requests/ingress-labels.json")
    assert not window.run_action.isEnabled() or window.run_blockers() == []

    first = run(qtbot, window)
    assert first.verdict == "accepted"
    assert window.result_view.verdict.text() == "✔ ACCEPTED"

    set_settings(window, {"denied_labels": ["foo", "owner"]})
    second = run(qtbot, window)
    assert second.verdict == "rejected"
    assert "The following labels are denied: owner" in window.result_view.message.text()
    assert window.result_view.history.count() == 2
    window.context.log.drain()
    messages = [r.message for r in window.context.log_model.records]
    assert any(m.startswith("run #2: rejected") for m in messages)
    assert any("kw-safe-labels-annotated.wasm (kubewarden-wapc" in m and "compiled in" in m for m in messages)
    window.result_view.history.setCurrentRow(0)
    assert window.result_view.verdict.text() == "✔ ACCEPTED"


def test_validate_settings_and_run_with_invalid_settings(
    qtbot: Any, window: MainWindow, fixtures_dir: Path
) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    window.load_editor_file(window.request_editor, fixtures_dir / "requests/ingress-labels.json")
    set_settings(
        window, {"denied_labels": ["foo", "cc-center"], "constrained_labels": {"cc-center": "^cc-\\d+$"}}
    )
    with qtbot.waitSignal(window.context.runner.task_done, timeout=30000):
        assert window.validate_settings() is not None
    assert window.last_settings_check is not None and not window.last_settings_check[0]
    assert (
        "These labels cannot be constrained and denied at the same time: cc-center"
        in window.banner.text.text()
    )
    record = run(qtbot, window)
    assert record.verdict == "error"
    assert record.error.message.startswith("Provided settings are not valid: ")
    assert not record.error.internal
    assert window.banner.isVisible() and "Run failed" in window.banner.text.text()
    set_settings(window, {})
    with qtbot.waitSignal(window.context.runner.task_done, timeout=30000):
        window.validate_settings()
    assert window.last_settings_check == (True, "")


def test_invalid_yaml_marks_line_and_disables_run(qtbot: Any, window: MainWindow, fixtures_dir: Path) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.update_actions()
    assert window.run_action.isEnabled()
    window.settings_editor.set_text("denied_labels:\n  - foo\n bad: [\n", "yaml")
    window.update_actions()
    assert not window.run_action.isEnabled()
    line = window.settings_editor.editor.error_line
    assert line is not None
    assert f"settings: invalid YAML at line {line}" in window.run_reason.text()
    assert "Run is disabled" in window.run_action.toolTip()
    assert window.run_policy() is None
    window.settings_editor.set_text("denied_labels: [foo]\n", "yaml")
    window.update_actions()
    assert window.run_action.isEnabled() and window.run_reason.isHidden()


def test_mutation_shows_patch_and_diff(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "add-label.wasm"
    module_path.write_bytes(policies.mutating_policy(updated_object("Pod")))
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    record = run(qtbot, window)
    assert record.verdict == "accepted"
    patch = record.outcome.response.patch_operations()
    assert {"op": "add", "path": "/metadata/labels/environment", "value": "staging"} in patch
    assert window.result_view.tabs.currentWidget() is window.result_view.diff
    after = window.result_view.diff.after.toPlainText()
    assert '"environment": "staging"' in after and "web:1.5.0" in after
    assert "web:1.4.2" in window.result_view.diff.before.toPlainText()


def test_cancel_runaway_policy_keeps_ui_responsive(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "runaway.wasm"
    module_path.write_bytes(policies.spin_policy())
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.context.run_timeout = None  # only Cancel can stop it

    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(beat)
    timer.start()
    task = window.run_policy()
    assert task is not None and window.cancel_action.isEnabled()
    assert not window.run_action.isEnabled()
    qtbot.wait(1200)
    assert window.context.runner.tasks != []  # still spinning
    last[0] = time.perf_counter()
    with qtbot.waitSignal(window.context.runner.task_done, timeout=5000):
        window.cancel_action.trigger()
    timer.stop()
    worst = max(gaps[1:]) * 1000
    print(f"\nheartbeat during a runaway policy: {len(gaps)} beats, max gap {worst:.1f} ms")
    assert worst < 100, f"the GUI thread stalled for {worst:.1f} ms"
    assert task.error is not None and task.error.cancelled
    assert "Run cancelled" in window.banner.text.text()
    assert window.result_view.history.count() == 0
    assert window.run_action.isEnabled()


def test_timeout_gives_an_error_verdict(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "runaway.wasm"
    module_path.write_bytes(policies.spin_policy())
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    window.context.run_timeout = 0.3
    record = run(qtbot, window)
    assert record.verdict == "error"
    assert window.result_view.verdict.text() == "⚠ ERROR"


def test_edit_metadata_annotate_and_save(
    qtbot: Any, window: MainWindow, fixtures_dir: Path, tmp_path: Path
) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-js-demo-wasi.wasm")
    editor = window.metadata_editor
    assert window.module.metadata is None and not editor.annotated
    assert editor.data["executionMode"] == "wasi"
    assert "not annotated" in editor.status.text()
    table = editor.annotations.table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == "io.kubewarden.policy.title":
            table.item(row, 1).setText("js-privileged")
    editor.mutating.setChecked(False)
    assert editor.dirty and window.isWindowModified()
    assert window.editors.tabText(0) == "Metadata *"
    out = tmp_path / "annotated.wasm"
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        assert window.annotate_save_as(out) is not None
    saved = load_module(out)
    assert saved.metadata is not None and saved.metadata.title == "js-privileged"
    assert saved.metadata.protocol_version == "Unknown"
    assert window.module.path == out.resolve() and editor.annotated and not editor.dirty
    assert not window.isWindowModified()
    assert "Annotated module saved to" in window.banner.text.text()
    window.load_editor_file(
        window.request_editor, fixtures_dir / "requests/pod-js-privileged-default-ns.json"
    )
    assert run(qtbot, window).verdict == "rejected"


def test_opa_module_facts_and_gatekeeper_run(qtbot: Any, window: MainWindow, fixtures_dir: Path) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/gk-container-limits-annotated.wasm")
    pane = window.module_pane
    assert pane.abi.text() == "1.3"
    assert pane.entrypoint.isEnabled() and pane.entrypoint.count() >= 1
    assert pane.builtins.count() >= 1
    assert any("io.kubewarden.metadata" in pane.sections.item(i).text() for i in range(pane.sections.count()))
    window.load_editor_file(window.request_editor, fixtures_dir / "requests/pod-without-resources.json")
    assert run(qtbot, window).verdict == "rejected"
    window.load_editor_file(window.request_editor, fixtures_dir / "requests/pod-within-resource-range.json")
    assert run(qtbot, window).verdict == "accepted"


def test_bad_module_shows_a_readable_error(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "not-wasm.wasm"
    bad.write_bytes(b"hello, world")
    errors: list[Any] = []
    task = window.open_module(bad)
    assert task is not None
    task.signals.failed.connect(errors.append)
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
    assert window.banner.isVisible()
    text = window.banner.text.text()
    assert "Open module failed" in text and "internal error" not in text
    assert not window.banner.details_button.isVisible()
    assert window.module is None and not window.run_action.isEnabled()


def test_drop_files_on_the_window(qtbot: Any, window: MainWindow, fixtures_dir: Path, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(fixtures_dir / "policies/kw-safe-labels-annotated.wasm"))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        window.dropEvent(event)
    assert window.module is not None and window.module.name == "safe-labels"

    def drop(path: Path) -> None:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(path))])
        flags = (Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        window.dropEvent(QDropEvent(QPointF(10, 10), *flags))

    metadata = tmp_path / "metadata.yml"
    metadata.write_text("rules: []\nmutating: true\nprotocolVersion: v1\n")
    drop(metadata)
    assert window.metadata_editor.data["mutating"] is True
    assert window.editors.currentWidget() is window.metadata_editor
    drop(fixtures_dir / "requests/pod-privileged.json")
    assert window.request_editor.path == fixtures_dir / "requests/pod-privileged.json"


def test_export_manifest(qtbot: Any, window: MainWindow, fixtures_dir: Path, tmp_path: Path) -> None:
    module = fixtures_dir / "policies/kw-safe-labels-annotated.wasm"
    open_module(qtbot, window, module)
    set_settings(window, {"denied_labels": ["owner"]})
    dialog = window.show_manifest_dialog()
    assert dialog is not None
    text = dialog.text.toPlainText()
    assert text.startswith("apiVersion: policies.kubewarden.io/v1\nkind: ClusterAdmissionPolicy\n")
    assert f"module: file://{module.resolve()}" in text and "denied_labels:" in text
    dialog.kind.setCurrentText("AdmissionPolicy")
    assert "kind: AdmissionPolicy" in dialog.text.toPlainText()
    dialog.title.setText("Bad_Name")
    assert "invalid policy name 'Bad_Name'" in dialog.notes.text() and not dialog.save_button.isEnabled()
    dialog.title.setText("labels")
    assert "name: labels" in dialog.text.toPlainText() and dialog.save_button.isEnabled()
    out = tmp_path / "policy.yaml"
    dialog.save_as(str(out))
    assert out.read_text() == dialog.text.toPlainText()
    dialog.close()


def test_layout_recent_files_and_unsaved_prompt(qtbot: Any, tmp_path: Path, fixtures_dir: Path) -> None:
    settings = tmp_path / "layout.ini"
    first = make_window(qtbot, settings)
    first.show()
    module = fixtures_dir / "policies/kw-safe-labels-annotated.wasm"
    open_module(qtbot, first, module)
    first.log_dock.hide()
    first.metadata_editor.mutating.setChecked(True)
    asked: list[list[str]] = []
    first.ask_unsaved = lambda parts: asked.append(parts) or "cancel"
    assert not first.close()
    assert asked == [["metadata"]] and first.isVisible()
    first.settings_editor.set_text("a: 1\n", "yaml", clean=False)
    first.ask_unsaved = lambda parts: asked.append(parts) or "save"
    saved: dict[str, str] = {
        "metadata": str(tmp_path / "metadata.yml"),
        "settings": str(tmp_path / "settings.yml"),
    }
    original_save = first.save_parts
    first.save_parts = lambda parts: original_save(parts, saved)  # type: ignore[method-assign]
    assert first.close()
    assert asked[-1] == ["metadata", "settings"]
    assert "mutating: true" in (tmp_path / "metadata.yml").read_text()
    assert (tmp_path / "settings.yml").read_text() == "a: 1\n"

    second = make_window(qtbot, settings)
    assert second.context.recent.items()[0] == str(module)
    assert second.module_pane.recent.itemText(1) == str(module)
    second.show()
    qtbot.wait(50)
    assert second.log_dock.isHidden()
    second.close()


def test_demo_mode(qtbot: Any, window: MainWindow, fixtures_dir: Path, tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    demo_dir.mkdir()
    (demo_dir / "demo.yml").write_text(
        "policies:\n"
        "  - id: js\n"
        "    title: No privileged pods\n"
        f"    module: {fixtures_dir / 'policies/kw-js-demo-wasi-annotated.wasm'}\n"
        "    requests:\n"
        "      - name: privileged pod\n"
        f"        request: {fixtures_dir / 'requests/pod-js-privileged-default-ns.json'}\n"
        "        expect: rejected\n"
        "      - name: plain pod\n"
        f"        request: {fixtures_dir / 'requests/pod-js-no-privileged.json'}\n"
        "        expect: accepted\n"
    )
    from workbench.core.demo import load_demo

    window.load_demo(load_demo(demo_dir))
    assert window.demo_menu.menuAction().isVisible()
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        window.open_demo_policy(window.first_demo_policy())
    assert window.demo_requests.count() == 2
    assert run(qtbot, window).verdict == "rejected"
    assert "Demo: expected rejected, got rejected" in window.banner.text.text()
    window.demo_requests.setCurrentIndex(1)
    window.demo_requests.activated.emit(1)
    assert run(qtbot, window).verdict == "accepted"
    assert "expected accepted, got accepted" in window.banner.text.text()


def test_run_with_the_keyboard_from_the_request_editor(
    qtbot: Any, window: MainWindow, fixtures_dir: Path
) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.update_actions()
    assert window.run_action.shortcut().toString() == "Ctrl+Return"
    window.activateWindow()
    window.editors.setCurrentWidget(window.request_editor)
    window.request_editor.editor.setFocus()
    qtbot.waitUntil(window.request_editor.editor.hasFocus, timeout=2000)
    text = window.request_editor.text()
    with qtbot.waitSignal(window.run_finished, timeout=30000):
        qtbot.keyClick(window.request_editor.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.request_editor.text() == text  # the shortcut ran the policy, it did not type a newline
    assert window.result_view.history.count() == 1


def test_internal_errors_show_expandable_details(qtbot: Any, window: MainWindow) -> None:
    def broken(_ctx: Any) -> None:
        raise ZeroDivisionError("division by zero")

    window.context.runner.run(broken, "Run", on_failed=window.show_error)
    qtbot.waitUntil(window.banner.isVisible, timeout=5000)
    assert "Run failed: internal error" in window.banner.text.text()
    assert window.banner.details_button.isVisible() and window.banner.details.isHidden()
    window.banner.details_button.click()
    assert window.banner.details.isVisible()
    assert "ZeroDivisionError" in window.banner.details.toPlainText()
    window.banner.close_button.click()
    assert window.banner.isHidden()


def test_push_dialog_without_keyring_and_bad_reference(
    qtbot: Any, tmp_path: Path, fixtures_dir: Path
) -> None:
    from keyring.backends import fail

    from workbench.gui.context import AppContext
    from workbench.gui.credentials import CredentialStore
    from workbench.gui.state import open_settings

    context = AppContext.create(
        open_settings(tmp_path / "s.ini"), credentials=CredentialStore(fail.Keyring())
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    dialog = window.show_push_dialog()
    assert dialog is not None
    assert not dialog.form.remember.isEnabled()
    assert "no system keyring available" in dialog.form.keyring_status.text()
    assert dialog.form.reference.text() == "registry://ghcr.io/kubewarden/policies/safe-labels"  # from ociUrl
    dialog.form.reference.clear()
    dialog.start_button.click()
    assert "enter an OCI reference" in dialog.status.text()
    dialog.form.reference.setText("registry://UPPER/Case:!!")
    dialog.start_button.click()
    assert dialog.task is None and dialog.status.text()
    dialog.close()
    window.ask_unsaved = lambda parts: "discard"
    window.close()


def test_controls_have_accessible_names(window: MainWindow) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QDockWidget,
        QHeaderView,
        QLineEdit,
        QPlainTextEdit,
        QProgressBar,
        QTabBar,
        QTextEdit,
    )

    missing = []
    for cls in (
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
        QAbstractItemView,
        QProgressBar,
        QAbstractButton,
    ):
        for widget in window.findChildren(cls):
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
                continue
            # Qt's own sub-controls: popups, headers, corner / clear / extension buttons
            if widget.window() is not window or widget.objectName().startswith("qt_"):
                continue
            if isinstance(widget, QHeaderView) or isinstance(
                widget.parent(), (QLineEdit, QTabBar, QDockWidget)
            ):
                continue
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not widget.accessibleName() and not text.replace("&", "").strip():
                missing.append(
                    f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}"
                )
    assert missing == [], "\n".join(missing)


def test_undo_follows_the_active_editor(qtbot: Any, window: MainWindow) -> None:
    window.settings_editor.set_text("a: 1\n", "yaml", clean=False)
    window.editors.setCurrentWidget(window.settings_editor)
    assert window.undo_group.activeStack() is window.settings_editor.undo_stack
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert window.settings_editor.text() == "{}\n"
    window.editors.setCurrentWidget(window.metadata_editor)
    assert window.undo_group.activeStack() is window.metadata_editor.undo_stack
    assert not window.undo_action.isEnabled()


def test_history_restores_request_and_settings(qtbot: Any, window: MainWindow, fixtures_dir: Path) -> None:
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    window.load_editor_file(window.request_editor, fixtures_dir / "requests/ingress-labels.json")
    set_settings(window, {"denied_labels": ["foo", "owner"]})
    first = run(qtbot, window)
    assert first.verdict == "rejected"
    original_request = window.request_editor.text()
    window.request_editor.use_template("Namespace", "DELETE")
    set_settings(window, {})
    assert run(qtbot, window).verdict == "accepted"
    item = window.result_view.history.item(0)
    window.result_view.history.itemActivated.emit(item)
    assert window.request_editor.text() == original_request
    assert window.settings_editor.settings() == {"denied_labels": ["foo", "owner"]}
    assert run(qtbot, window).verdict == "rejected"


def test_context_aware_switch_and_snapshot(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    assert not window.context_aware_action.isChecked() and not window.clear_snapshot_action.isEnabled()
    snapshot = tmp_path / "cluster.yaml"
    snapshot.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n")
    window.set_cluster_snapshot(snapshot)
    window.context_aware_action.setChecked(True)
    config = window.run_config()
    assert config.allow_context_aware and config.cluster_snapshot == snapshot
    window.clear_snapshot_action.trigger()
    assert window.cluster_snapshot is None and not window.clear_snapshot_action.isEnabled()


def test_policy_text_is_never_rendered_as_markup(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    answer = {
        "accepted": False,
        "message": "<b>bold</b> & <i>forged</i>",
        "code": 418,
        "warnings": ["<script>x</script>"],
        "audit_annotations": {"k": "<v>"},
    }
    module_path = tmp_path / "markup.wasm"
    module_path.write_bytes(policies.answering_policy(answer))
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Service", "UPDATE")
    record = run(qtbot, window)
    assert record.verdict == "rejected"
    view = window.result_view
    assert view.message.textFormat() == Qt.TextFormat.PlainText
    assert view.message.text() == "<b>bold</b> & <i>forged</i>"
    assert view.code.text() == "418" and view.warnings.text() == "<script>x</script>"
    assert view.annotations.item(0, 1).text() == "<v>"


def test_evaluation_deadline_is_remembered(qtbot: Any, tmp_path: Path) -> None:
    first = make_window(qtbot, tmp_path / "deadline.ini")
    assert first.context.run_timeout == 2.0
    first.set_run_timeout(0.25)
    first.context.settings.sync()
    second = make_window(qtbot, tmp_path / "deadline.ini")
    assert second.context.run_timeout == 0.25
    second.set_run_timeout(0)
    assert second.context.run_timeout is None
    assert "Evaluation deadline: none" in second.status_label.text()


def test_push_reference_suggested_from_the_metadata(fixtures_dir: Path) -> None:
    from workbench.gui.mainwindow import suggested_reference

    module = load_module(fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    md = module.metadata
    assert md is not None
    url, version = md.annotation("io.kubewarden.policy.ociUrl"), md.annotation("io.kubewarden.policy.version")
    assert url == "ghcr.io/kubewarden/policies/safe-labels" and version is None
    assert suggested_reference(module) == f"registry://{url}"
    md.annotations = {**(md.annotations or {}), "io.kubewarden.policy.version": "0.1.7"}
    assert suggested_reference(module) == f"registry://{url}:v0.1.7"
    md.annotations["io.kubewarden.policy.ociUrl"] = "registry://localhost:5000/p:dev"
    assert suggested_reference(module) == "registry://localhost:5000/p:dev"
    assert suggested_reference(load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm")) == ""
