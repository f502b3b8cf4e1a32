"""GUI test fixtures: a main window with its own settings file, keyring and policy store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui.gui_helpers import MemoryKeyring, make_window

from workbench.gui.mainwindow import MainWindow


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[MainWindow]:
    win = make_window(qtbot, tmp_path / "settings.ini", memory_keyring)
    win.show()
    yield win
    win.context.runner.shutdown(10000)
