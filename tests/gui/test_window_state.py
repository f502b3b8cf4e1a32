"""What the window tracks: stale results, what is dirty, what the prompts name (issue 14, defects 2, 3, 10)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from gui.gui_helpers import make_window, open_demo, open_module, run, select
from helpers import REPO_ROOT

from workbench.gui import cmds_open
from workbench.gui.mainwindow import MainWindow
from workbench.gui.workspace import CaseStatus
from workbench.gui.workspacetree import case_status

DEMO = REPO_ROOT / "resources" / "demo"


def test_empty_window_claims_nothing(window: MainWindow) -> None:
    """Defect 10: an empty window said "Metadata is valid"."""
    assert "valid" not in window.metadata_editor.status.text().lower()
    assert "No policy is open" in window.metadata_editor.status.text()
    assert not window.metadata_editor.tabs.isEnabled()
    assert window.dirty_parts() == []
    assert window.result_view.verdict.text() == "No run yet"
    assert not window.run_action.isEnabled() and "open a policy first" in window.run_blockers()


def test_result_is_cleared_or_stale_never_beside_other_inputs(qtbot: Any, window: MainWindow) -> None:
    """Defect 2: the result pane showed the previous policy's verdict after opening another module or
    switching case, and a result beside inputs that did not produce it."""
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "require-labels", "pod without owner label")
    record = run(qtbot, window)
    assert record.verdict == "rejected" and not window.result_view.stale
    # any input change marks the result stale at once
    window.request_editor.set_text(
        window.request_editor.text().replace("demo00000003", "demo00000099"), "json", clean=False
    )
    window.request_editor.reparse()
    assert window.result_view.stale and window.result_view.stale_label.isVisibleTo(window.result_view)
    assert (
        case_status(window.current_case, window.tree._digests.get(id(window.current_case)))
        == CaseStatus.STALE
    )  # type: ignore[arg-type]
    window.request_editor.undo_stack.undo()
    window.request_editor.reparse()
    assert not window.result_view.stale  # the inputs are those of the run again
    window.settings_editor.set_text("required_labels: [x]\n", "yaml", clean=False)
    window.settings_editor.reparse()
    assert window.result_view.stale
    window.settings_editor.undo_stack.undo()
    window.settings_editor.reparse()
    window.context_aware_action.trigger()
    assert window.result_view.stale  # a run option is an input too
    window.context_aware_action.trigger()
    assert not window.result_view.stale
    # another case of the same policy: its own (absent) result, never the previous one
    select(qtbot, window, "require-labels", "labelled pod")
    assert (
        window.result_view.current is None and window.result_view.verdict.text() == "No run yet for this case"
    )
    select(qtbot, window, "require-labels", "pod without owner label")
    assert window.result_view.current is record
    # another policy: cleared while it loads, then its case's own state
    policy = window.workspace.policy("set-image-pull-policy")
    assert policy is not None
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        cmds_open.select_case(window, policy, policy.cases[0])
        assert window.result_view.current is None
    assert window.result_view.current is None
    # opening another module: a new workspace, nothing shown
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    assert window.result_view.current is None


def test_switching_policy_keeps_edited_settings(qtbot: Any, tmp_path: Path) -> None:
    """Defect 3: switching policy silently discarded edited settings."""
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("node_modules", "assembly"))
    window = make_window(qtbot, tmp_path / "s.ini")
    window.show()
    asked: list[list[str]] = []
    window.ask_unsaved = lambda parts: asked.append(parts) or "discard"
    open_demo(qtbot, window, target)
    select(qtbot, window, "require-labels", "labelled pod")
    window.settings_editor.set_text("required_labels: [app]\n", "yaml", clean=False)
    window.settings_editor.reparse()
    select(qtbot, window, "set-image-pull-policy", "pod already compliant")
    assert asked == []  # nothing is lost: the settings stay in the workspace
    select(qtbot, window, "require-labels", "labelled pod")
    assert window.settings_editor.text() == "required_labels: [app]\n"
    assert window.dirty_parts() == ["workspace"] and window.editors.tabText(2) == "Settings *"
    window.context.runner.shutdown(5000)
    window.close()
    assert asked == [["workspace"]]


def test_prompts_name_only_what_changed(qtbot: Any, window: MainWindow) -> None:
    """Defect 10: unsaved-changes prompts named things that were not dirty."""
    asked: list[list[str]] = []
    window.ask_unsaved = lambda parts: asked.append(parts) or "cancel"
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    assert window.dirty_parts() == []
    window.settings_editor.set_text("required_labels: [a]\n", "yaml", clean=False)
    window.settings_editor.reparse()
    assert window.dirty_parts() == ["settings"]
    window.settings_editor.undo_stack.undo()
    window.settings_editor.reparse()
    assert window.dirty_parts() == []  # typed and taken back: nothing to save
    window.metadata_editor.mutating.setChecked(True)
    assert window.dirty_parts() == ["metadata"]
    assert not window.close() and asked == [["metadata"]]
    window.ask_unsaved = lambda parts: "discard"


def test_metadata_form_is_locked_while_the_yaml_has_an_error(qtbot: Any, window: MainWindow) -> None:
    """Defect 3: editing the form while the YAML tab had a syntax error regenerated the YAML and lost the text."""
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    editor = window.metadata_editor
    broken = editor.yaml.toPlainText() + "rules: [\n"
    editor.yaml.setPlainText(broken)
    editor.flush()
    assert not editor.form_page.isEnabled() and "form is locked" in editor.status.text()
    editor.mutating.setChecked(not editor.mutating.isChecked())  # even a programmatic toggle changes nothing
    assert editor.yaml.toPlainText() == broken
    editor.yaml.setPlainText(broken.replace("rules: [\n", ""))
    editor.flush()
    assert editor.form_page.isEnabled()


def test_watch_mode_reruns_a_case_whose_request_file_changes(qtbot: Any, tmp_path: Path) -> None:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("node_modules", "assembly"))
    window = make_window(qtbot, tmp_path / "s.ini")
    window.show()
    window.ask_unsaved = lambda parts: "discard"
    open_demo(qtbot, window, target)
    select(qtbot, window, "require-labels", "pod without owner label")
    window.set_watching(True)
    assert window.watch_action.isChecked()
    assert str(target / "requests/pod-missing-labels.json") in window.watcher.files()
    request = target / "requests/pod-missing-labels.json"
    text = request.read_text().replace('"app": "debug"', '"app": "debug", "owner": "team-a"', 1)
    assert text != request.read_text()
    with qtbot.waitSignal(window.suite_finished, timeout=30000) as blocker:
        request.write_text(text)
    names = {r.case_name for r in blocker.args[0]}
    assert "pod without owner label" in names  # every case reading that file ran again
    case = window.workspace.policy("require-labels").case_named("pod without owner label")  # type: ignore[union-attr]
    assert case is not None and '"owner": "team-a"' in case.request_text and not case.dirty
    assert case.result is not None and case.result.verdict == "accepted" and case.result.passed is False
    window.set_watching(False)
    assert window.watcher.files() == []
    window.context.runner.shutdown(5000)
