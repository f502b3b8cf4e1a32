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
    context = AppContext.create(
        settings,
        credentials=CredentialStore(keyring or MemoryKeyring()),
        history_path=settings_path.with_suffix(".history.sqlite3"),
    )
    window = MainWindow(context)
    window.ask_unsaved = lambda parts: "discard"
    qtbot.addWidget(window)
    return window


def open_module(qtbot: Any, window: MainWindow, path: Path | str, timeout: int = 30000) -> None:
    with qtbot.waitSignal(window.module_loaded, timeout=timeout):
        task = window.open_module(path)
        assert task is not None
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=timeout)  # the load task is done too


def run(qtbot: Any, window: MainWindow, timeout: int = 30000) -> Any:
    window.request_editor.reparse()
    window.settings_editor.reparse()
    assert window.run_blockers() == []
    with qtbot.waitSignal(window.run_finished, timeout=timeout) as blocker:
        assert window.run_policy() is not None
    return blocker.args[0]


def run_all(qtbot: Any, window: MainWindow, timeout: int = 60000) -> list[Any]:
    with qtbot.waitSignal(window.suite_finished, timeout=timeout) as blocker:
        assert window.run_all_cases() is not None
    return list(blocker.args[0])


def open_demo(qtbot: Any, window: MainWindow, root: Path | None = None, timeout: int = 30000) -> None:
    from workbench.gui import cmds_open

    with qtbot.waitSignal(window.module_loaded, timeout=timeout):
        assert cmds_open.open_demo(window, root)


def select(qtbot: Any, window: MainWindow, policy_id: str, case_name: str, timeout: int = 30000) -> None:
    """Select a case like a click in the tree, waiting for its policy to load when it is another one."""
    from workbench.gui import cmds_open

    policy = window.workspace.policy(policy_id)
    assert policy is not None
    case = policy.case_named(case_name)
    assert case is not None
    if policy is window.open_policy and window.loaded is not None:
        cmds_open.select_case(window, policy, case)
        return
    with qtbot.waitSignal(window.module_loaded, timeout=timeout):
        cmds_open.select_case(window, policy, case)
