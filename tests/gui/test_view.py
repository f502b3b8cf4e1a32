"""The window implements every member of the WindowView protocol that commands rely on."""

from __future__ import annotations

import inspect

from workbench.gui.mainwindow import MainWindow
from workbench.gui.view import WindowView


def test_main_window_provides_the_whole_view(window: MainWindow) -> None:
    members = set(WindowView.__annotations__) | {
        name
        for name, value in vars(WindowView).items()
        if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
    }
    missing = sorted(name for name in members if not hasattr(window, name))
    assert missing == []
    assert window.widget() is window
