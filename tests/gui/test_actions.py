"""Actions, menus and the toolbar; the layout holds at small desktop sizes (issue 14, defect 6)."""

from __future__ import annotations

from typing import Any

import pytest
from gui.gui_helpers import open_demo, select
from helpers import REPO_ROOT
from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar, QToolButton

from workbench.gui.mainwindow import MainWindow

DEMO = REPO_ROOT / "resources" / "demo"


def clipped_texts(window: MainWindow) -> list[str]:
    """Visible buttons, tabs and one-line labels whose text does not fit their width."""
    found = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or not button.text() or button.window() is not window:
            continue
        text = button.text().replace("&", "")
        needed = button.fontMetrics().horizontalAdvance(text)
        if needed > button.width():
            found.append(f"button {text!r}: {needed} > {button.width()}")
    for bar in window.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        for index in range(bar.count()):
            text = bar.tabText(index).replace("&", "")
            if bar.fontMetrics().horizontalAdvance(text) > bar.tabRect(index).width():
                found.append(f"tab {text!r}")
    for label in window.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text() or "<" in label.text():
            continue
        if label.fontMetrics().horizontalAdvance(label.text()) > label.width() + 1:
            found.append(
                f"label {label.text()!r}: {label.fontMetrics().horizontalAdvance(label.text())} > {label.width()}"
            )
    return found


@pytest.mark.parametrize("size", [(1024, 700), (1280, 720)])
def test_toolbar_fits_and_nothing_is_clipped(qtbot: Any, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "set-image-pull-policy", "pod without pull policy")
    qtbot.wait(100)
    extension = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible(), "the toolbar overflows: actions are hidden"
    for action in window.toolbar.actions():
        if not action.isSeparator():
            assert window.toolbar.widgetForAction(action).isVisible(), action.text()
    assert clipped_texts(window) == []


def test_shortcuts_and_menus(window: MainWindow) -> None:
    acts = window.acts
    assert acts.run_action.shortcut().toString() == "F5"
    assert [s.toString() for s in acts.run_action.shortcuts()] == ["F5", "Ctrl+Return"]
    assert acts.run_suite_action.shortcut().toString() == "Ctrl+F5"
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Run", "&Policy", "&View"]
    names = {a.objectName() for a in window.actions()}
    assert {
        "check_scope",
        "watch_files",
        "evaluation_deadline",
        "memory_limit",
        "allow_context_aware",
    } <= names
