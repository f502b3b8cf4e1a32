"""Helpers shared by the GUI tests (``from gui.gui_helpers import ...``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend

from workbench.gui.context import AppContext
from workbench.gui.credentials import CredentialStore
from workbench.gui.mainwindow import MainWindow
from workbench.gui.state import open_settings


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps secrets in a dict (a real ``keyring`` backend, for tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def make_window(qtbot: Any, settings_path: Path, keyring: MemoryKeyring | None = None) -> MainWindow:
    settings = open_settings(settings_path)
    context = AppContext.create(settings, credentials=CredentialStore(keyring or MemoryKeyring()))
    window = MainWindow(context)
    window.ask_unsaved = lambda parts: "discard"
    qtbot.addWidget(window)
    return window


def open_module(qtbot: Any, window: MainWindow, path: Path | str, timeout: int = 30000) -> None:
    with qtbot.waitSignal(window.module_loaded, timeout=timeout):
        task = window.open_module(path)
        assert task is not None


def run(qtbot: Any, window: MainWindow, timeout: int = 30000) -> Any:
    window.request_editor.reparse()
    window.settings_editor.reparse()
    assert window.run_blockers() == []
    with qtbot.waitSignal(window.run_finished, timeout=timeout) as blocker:
        assert window.run_policy() is not None
    return blocker.args[0]
