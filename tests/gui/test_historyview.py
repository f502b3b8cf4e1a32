"""The History pane over the core's SQLite history: runs listed newest first, reopen one, compare two."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.gui_helpers import open_demo, run, select
from helpers import REPO_ROOT
from PySide6.QtCore import QItemSelectionModel

from workbench.core import HistoryStore
from workbench.gui.historyview import HistoryPane, WindowHistory
from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def _select_rows(pane: HistoryPane, rows: list[int]) -> None:
    pane.table.clearSelection()
    model = pane.table.selectionModel()
    for row in rows:
        index = pane.table.model().index(row, 0)
        model.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)


def test_runs_are_kept_reopened_and_compared(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "require-labels", "pod without owner label")
    first = run(qtbot, window)
    window.settings_editor.set_text("required_labels: [app]\n", "yaml", clean=False)
    second = run(qtbot, window)
    assert (first.verdict, second.verdict) == ("rejected", "accepted")
    pane = window.history_pane
    qtbot.waitUntil(lambda: pane.table.rowCount() == 2, timeout=5000)  # refreshed in its own event
    assert pane.entries[0].verdict == "accepted"
    assert first.history_id == pane.entries[1].id
    _select_rows(pane, [0, 1])
    assert pane.compare_button.isEnabled() and not pane.reopen_button.isEnabled()
    differences = pane.compare_selected()
    assert "verdict: rejected → accepted" in differences and "settings: different" in differences
    assert "run " in pane.comparison.toPlainText()
    _select_rows(pane, [1])
    with qtbot.waitSignal(pane.reopen_requested):
        entry = pane.reopen_selected()
    assert entry is not None
    case = window.current_case
    assert case is not None and case.name == f"reopened run {entry.id}" and case.scratch
    assert case.request_text == first.request_text[0]  # type: ignore[index]
    assert (
        window.settings_editor.text() == "required_labels: [app]\n"
        or case.settings_text == entry.settings_text
    )


def test_pane_without_a_history(qtbot: Any, tmp_path: Path) -> None:
    pane = HistoryPane(None)
    qtbot.addWidget(pane)
    assert "could not be opened" in pane.info.text() and not pane.reopen_button.isEnabled()
    store = HistoryStore(tmp_path / "h.sqlite3", max_runs=3)
    history = WindowHistory(store)
    pane = HistoryPane(history)
    qtbot.addWidget(pane)
    assert pane.table.rowCount() == 0 and "0 run(s) kept (at most 3)" in pane.info.text()
    store.close()
