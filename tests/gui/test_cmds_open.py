"""Opening things: workspaces, policies of every kind, dropped files, recent items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.gui_helpers import open_demo
from helpers import REPO_ROOT

from workbench.gui import cmds_open
from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def test_a_policy_manifest_joins_the_workspace(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    count = len(window.workspace.policies)
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        cmds_open.add_files(window, [DEMO / "manifests/require-labels.yaml"])
    assert len(window.workspace.policies) == count + 1 and window.workspace.dirty
    assert window.loaded is not None and window.loaded.manifest is not None
    assert window.tree.tree.topLevelItemCount() == count + 1


def test_a_bad_suite_is_reported_with_file_and_line(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.suite.yaml"
    bad.write_text(
        "apiVersion: workbench.policy/v1\nkind: Suite\npolicies: {}\ncases:\n  - id: x\n    expectt: allowed\n"
    )
    assert not cmds_open.open_workspace(window, bad)
    text = window.banner.text.text()
    assert "bad.suite.yaml" in text and window.banner.level == "error"
    assert window.workspace.path is None


def test_new_workspace_and_recent_items(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    open_demo(qtbot, window, DEMO)
    assert window.context.recent.items()[0].endswith("demo.suite.yaml")
    assert cmds_open.new_workspace(window)
    assert window.workspace.policies == [] and window.open_policy is None and window.loaded is None
    gone = tmp_path / "gone.wasm"
    window.context.recent.add(str(gone))
    cmds_open.open_recent(window, str(gone))
    assert "no longer exists" in window.banner.text.text() and str(gone) not in window.context.recent.items()
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        cmds_open.open_recent(window, window.context.recent.items()[0])
    assert window.workspace.path is not None and window.workspace.path.name == "demo.suite.yaml"


def test_a_dropped_metadata_file_is_imported(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        cmds_open.open_policy_source(window, DEMO / "policies/require-labels/policy.wasm")
    metadata = tmp_path / "metadata.yml"
    metadata.write_text("rules: []\nmutating: true\nprotocolVersion: v1\n")
    cmds_open.add_files(window, [metadata])
    assert window.metadata_editor.data["mutating"] is True and window.metadata_editor.dirty
    assert window.editors.currentWidget() is window.metadata_editor
    cmds_open.add_files(window, [tmp_path / "notes.txt"])
    assert "not a policy, request or metadata file" in window.banner.text.text()


def test_a_policy_group_opens_with_its_members_and_runs(qtbot: Any, window: MainWindow) -> None:
    from gui.gui_helpers import run

    with qtbot.waitSignal(window.module_loaded, timeout=30000):
        cmds_open.open_policy_source(window, DEMO / "manifests/group.yaml")
    loaded = window.loaded
    assert loaded is not None and loaded.is_group and not loaded.is_rego
    assert [name for name, _m in loaded.group_members] == [
        "trusted_registry",
        "owned_by_team",
        "labelled_app",
    ]
    pane = window.module_pane
    assert pane.group_box.isVisibleTo(pane) and "✔ valid" in pane.group_expression.text()
    assert "owned_by_team" in pane.group_members.text()
    window.request_editor.set_text(
        (DEMO / "requests/pod-untrusted-registry.json").read_text(), "json", clean=False
    )
    record = run(qtbot, window)
    assert record.verdict == "rejected"
    evaluation = next(s for s in record.decision if s.title.startswith("Evaluation"))
    assert evaluation.detail.startswith("expression trusted_registry()")
    assert any(line.startswith("trusted_registry:") for line in evaluation.lines)
