"""End-to-end workflows in the main window, with the real core, engines and suite runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from gui import policies
from gui.gui_helpers import make_window, open_demo, open_module, run, run_all, select
from helpers import REPO_ROOT
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from workbench.core.scaffold.templates import updated_object
from workbench.gui import cmds_open
from workbench.gui.mainwindow import MainWindow
from workbench.gui.workspace import CaseStatus
from workbench.gui.workspacetree import case_status

DEMO = REPO_ROOT / "resources" / "demo"


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the demo workspace (the tests save into it)."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("node_modules", "assembly", "*.json.lock"))
    return target


def test_a_new_users_day(qtbot: Any, tmp_path: Path, demo_copy: Path) -> None:
    """Open the demo workspace, run it, break a case and see why, save a case from a result,
    close, reopen and find the cases and the history (issue 14, "Done when")."""
    settings = tmp_path / "user.ini"
    window = make_window(qtbot, settings)
    window.show()
    open_demo(qtbot, window, demo_copy)
    records = run_all(qtbot, window)
    assert records and all(r.passed for r in records)

    # break a case: expect "allowed" where the policy rejects, and see why it fails
    select(qtbot, window, "require-labels", "pod without owner label")
    window.case_editor.expect.setCurrentIndex(window.case_editor.expect.findData("allowed"))
    assert window.result_view.stale  # the expectation is an input: the shown result is stale
    record = run(qtbot, window)
    assert record.verdict == "rejected" and record.passed is False
    assert "expected allowed" in record.reason and "rejected" in record.reason
    assert (
        "✖" in window.result_view.expectation.text()
        and "expected allowed" in window.result_view.expectation.text()
    )
    assert case_status(window.current_case, None) == CaseStatus.FAILED  # type: ignore[arg-type]
    assert "1 failed" in window.tree.summary.text()

    # a new case from a result: edit the request, run, save the result as a case
    select(qtbot, window, "require-labels", "labelled pod")
    text = window.request_editor.text().replace('"owner"', '"proprietor"')
    window.request_editor.set_text(text, "json", clean=False)
    record = run(qtbot, window)
    assert record.verdict == "rejected"
    case = window.save_current_result_as_case()
    assert case is not None and case.expect == "rejected" and case.message
    assert window.current_case is case and window.editors.currentWidget() is window.case_editor
    select(qtbot, window, "require-labels", "labelled pod")  # and put the edited case back as it was
    window.request_editor.set_text(window.current_case.saved[0], "json", clean=False)  # type: ignore[union-attr]
    window.ask_save_path = lambda *_a: ""
    assert window.dirty_parts() == ["workspace"]
    assert cmds_open.save_workspace_cmd(window)
    assert window.dirty_parts() == []
    window.close()
    assert not window.isVisible()

    again = make_window(qtbot, settings)
    again.show()
    assert again.context.recent.items()[0].endswith("demo.suite.yaml")
    with qtbot.waitSignal(again.module_loaded, timeout=30000):
        cmds_open.open_recent(again, again.context.recent.items()[0])
    policy = again.workspace.policy("require-labels")
    assert policy is not None
    saved = policy.case_named(case.name)
    assert saved is not None and saved.expect == "rejected" and "proprietor" in saved.request_text
    assert policy.case_named("pod without owner label").expect == "allowed"  # type: ignore[union-attr]
    again.history_pane.refresh()
    assert again.history_pane.table.rowCount() >= len(records) + 2
    assert again.history_pane.entries[0].verdict == "rejected"
    again.ask_unsaved = lambda parts: "discard"
    again.close()


def test_run_accepted_then_rejected_with_a_bare_module(qtbot: Any, window: MainWindow) -> None:
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    assert window.workspace.path is None and window.current_case is not None
    assert window.loaded is not None and window.loaded.label == "kubewarden-wapc"
    window.request_editor.set_text((DEMO / "requests/pod-compliant.json").read_text(), "json", clean=False)
    window.settings_editor.set_text("required_labels: [app]\n", "yaml", clean=False)
    assert run(qtbot, window).verdict == "accepted"
    window.settings_editor.set_text("required_labels: [app, owner, cost-center]\n", "yaml", clean=False)
    record = run(qtbot, window)
    assert record.verdict == "rejected" and "cost-center" in window.result_view.message.text()
    window.context.log.drain()
    messages = [r.message for r in window.context.log_model.records]
    assert any(m.startswith("run #2: rejected") for m in messages)


def test_invalid_yaml_marks_line_and_disables_run(qtbot: Any, window: MainWindow) -> None:
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.update_actions()
    assert window.run_action.isEnabled()
    window.settings_editor.set_text("required_labels:\n  - foo\n bad: [\n", "yaml", clean=False)
    window.update_actions()
    assert not window.run_action.isEnabled()
    line = window.settings_editor.editor.error_line
    assert line is not None and f"settings: invalid YAML at line {line}" in window.run_reason.text()
    assert window.run_policy() is None


def test_mutation_shows_the_structural_diff(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "add-label.wasm"
    module_path.write_bytes(policies.mutating_policy(updated_object("Pod")))
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    record = run(qtbot, window)
    assert record.verdict == "mutated"
    assert window.result_view.current_page == "Mutation diff"
    rows = {(r.path, r.kind) for r in window.result_view.diff.rows}
    assert ("/metadata/labels/environment", "added") in rows
    assert ("/spec/containers/0/image", "changed") in rows


def test_cancel_runaway_policy(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "runaway.wasm"
    module_path.write_bytes(policies.spin_policy())
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    window.request_editor.reparse()
    window.context.run_timeout = None  # only Cancel can stop it
    task = window.run_policy()
    assert task is not None and window.cancel_action.isEnabled() and not window.run_action.isEnabled()
    qtbot.wait(600)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=10000):
        window.cancel_action.trigger()
    assert task.error is not None and task.error.cancelled
    assert "cancelled" in window.banner.text.text()
    assert window.run_action.isEnabled()


def test_timeout_gives_an_error_verdict(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    module_path = tmp_path / "runaway.wasm"
    module_path.write_bytes(policies.spin_policy())
    open_module(qtbot, window, module_path)
    window.request_editor.use_template("Pod", "CREATE")
    window.context.run_timeout = 0.3
    record = run(qtbot, window)
    assert record.verdict == "error" and window.result_view.verdict.text() == "⚠ ERROR"


def test_drop_a_module_and_a_request(qtbot: Any, window: MainWindow) -> None:
    def drop(path: Path) -> None:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(path))])
        event = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            data,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        window.dropEvent(event)

    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        drop(DEMO / "policies/require-labels/policy.wasm")
    assert window.open_policy is not None and window.open_policy.title == "require-labels"
    drop(DEMO / "requests/pod-missing-labels.json")
    case = window.current_case
    assert (
        case is not None
        and case.name == "pod-missing-labels"
        and "owner" not in case.request_text.split('"labels"')[1][:40]
    )
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        window.tree.files_dropped.emit([DEMO / "rego/namespace-guard/policy.rego"])
    assert [p.title for p in window.workspace.policies] == ["require-labels", "namespace-guard"]
    assert window.loaded is not None and window.loaded.is_rego


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
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    window.settings_editor.set_text("a: 1\n", "yaml", clean=False)
    window.editors.setCurrentWidget(window.settings_page)
    assert window.undo_group.activeStack() is window.settings_editor.undo_stack
    window.undo_action.trigger()
    assert window.settings_editor.text() == "{}\n"
    window.editors.setCurrentWidget(window.metadata_editor)
    assert window.undo_group.activeStack() is window.metadata_editor.undo_stack
    assert not window.undo_action.isEnabled()


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
    window.request_editor.use_template("Pod", "CREATE")
    record = run(qtbot, window)
    assert record.verdict == "rejected"
    view = window.result_view
    assert view.message.textFormat() == Qt.TextFormat.PlainText
    assert view.message.text() == "<b>bold</b> & <i>forged</i>"
    assert view.code.text() == "418" and view.warnings.text() == "<script>x</script>"
    assert view.annotations.item(0, 1).text() == "<v>"
    assert json.loads(view.raw.toPlainText())["status"]["code"] == 418
