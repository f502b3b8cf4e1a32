"""The Workspace pane: policies → cases with status icons, the summary, drops and the context menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import REPO_ROOT
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from workbench.gui.workspace import CaseResult, CaseStatus, Workspace, WsCase
from workbench.gui.workspacetree import WorkspaceTree, case_status, policy_status, status_icon

DEMO = REPO_ROOT / "resources" / "demo"


def _workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(root=tmp_path)
    policy = ws.add_module(str(DEMO / "policies/require-labels/policy.wasm"))
    policy.cases = [
        WsCase(name="ok", request_text="{}", expect="allowed"),
        WsCase(name="bad", request_text="{}", expect="rejected"),
        WsCase(name="out of scope", request_text="{}", expect="skipped"),
        WsCase(name="new", request_text="{}"),
    ]
    ok, bad, skipped, _new = policy.cases
    ok.result = CaseResult("accepted", "", "d1", True, "")
    bad.result = CaseResult("accepted", "", "d2", False, "expected rejected, got accepted")
    skipped.result = CaseResult("skipped", "rules: no rule matches", "d3", True, "")
    return ws


def test_statuses_icons_and_summary(qtbot: Any, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    ok, bad, skipped, new = ws.policies[0].cases
    assert case_status(ok, "d1") == CaseStatus.PASSED and case_status(ok, "other") == CaseStatus.STALE
    assert case_status(bad, None) == CaseStatus.FAILED and case_status(skipped, None) == CaseStatus.SKIPPED
    assert case_status(new, None) == CaseStatus.NOT_RUN
    assert policy_status([CaseStatus.PASSED, CaseStatus.FAILED]) == CaseStatus.FAILED
    assert (
        policy_status([CaseStatus.SKIPPED]) == CaseStatus.SKIPPED and policy_status([]) == CaseStatus.NOT_RUN
    )
    assert not status_icon(CaseStatus.PASSED).isNull() and status_icon(CaseStatus.PASSED) is status_icon(
        CaseStatus.PASSED
    )
    tree = WorkspaceTree()
    qtbot.addWidget(tree)
    tree.set_workspace(ws)
    assert tree.tree.topLevelItemCount() == 1 and tree.tree.topLevelItem(0).childCount() == 4
    summary = tree.summary.text()
    assert "1 passed · 1 failed · 1 skipped · 1 not run" in summary and "Unsaved workspace *" in summary
    tree.set_digest(ok, "changed")
    tree.refresh()
    assert "1 stale" in tree.summary.text()
    assert "expected rejected, got accepted" in tree.tree.topLevelItem(0).child(1).toolTip(0)


def test_selection_and_drops(qtbot: Any, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    tree = WorkspaceTree()
    qtbot.addWidget(tree)
    tree.set_workspace(ws)
    policy = ws.policies[0]
    with qtbot.waitSignal(tree.case_selected) as blocker:
        tree.tree.setCurrentItem(tree.tree.topLevelItem(0).child(2))
    assert blocker.args == [policy, policy.cases[2]]
    assert tree.selected() == (policy, policy.cases[2])
    tree.select_case(policy.cases[0])  # programmatic: no signal, just the highlight
    assert tree.selected()[1] is policy.cases[0]
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(DEMO / "requests/pod-compliant.json"))])
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(tree.files_dropped) as dropped:
        tree.tree.dropEvent(event)
    assert dropped.args[0] == [DEMO / "requests/pod-compliant.json"]
