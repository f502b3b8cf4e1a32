"""Impact view: another version of a policy, and the cases whose outcome changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui import policies
from gui.gui_helpers import open_demo, select
from helpers import REPO_ROOT

from workbench.gui import impactview
from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def test_another_version_that_accepts_everything(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "require-labels", "labelled pod")
    lenient = tmp_path / "lenient.wasm"
    lenient.write_bytes(policies.answering_policy({"accepted": True}))
    window.ask_open_path = lambda *_a: str(lenient)
    task = impactview.choose_and_run_impact(window)
    assert task is not None
    qtbot.waitUntil(lambda: window.impact_dialog is not None, timeout=60000)
    dialog = window.impact_dialog
    changed = impactview.changed_case_ids(dialog)
    assert "pod-without-owner-label" in changed and "labelled-pod" not in changed
    row = changed.index("pod-without-owner-label")
    assert (
        dialog.table.item(row, 1).text().startswith("rejected")
        and dialog.table.item(row, 2).text() == "allowed"
    )
    assert "verdict" in dialog.table.item(row, 3).text()
    assert f"{len(changed)} of " in dialog.summary.text() and "case(s) change" in dialog.summary.text()
    dialog.close()


def test_the_same_version_changes_nothing(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    policy = window.workspace.policy("require-labels")
    assert policy is not None
    task = impactview.run_impact_of(window, policy, str(DEMO / "policies/require-labels/policy.wasm"))
    assert task is not None
    qtbot.waitUntil(lambda: window.impact_dialog is not None, timeout=60000)
    assert window.impact_dialog.table.rowCount() == 0
    assert "none of the" in window.impact_dialog.summary.text()
