"""Persistent GUI state: recent files and the versioned window state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray

from workbench.gui.state import MAX_RECENT, RecentFiles, load_window_state, open_settings, save_window_state


def test_recent_files(tmp_path: Path) -> None:
    settings = open_settings(tmp_path / "s.ini")
    recent = RecentFiles(settings)
    for i in range(MAX_RECENT + 3):
        recent.add(f"/p/{i}.wasm")
    recent.add("/p/5.wasm")
    items = RecentFiles(open_settings(tmp_path / "s.ini")).items() if settings.sync() is None else []
    assert items[0] == "/p/5.wasm" and len(items) == MAX_RECENT and items.count("/p/5.wasm") == 1
    recent.remove("/p/5.wasm")
    assert "/p/5.wasm" not in recent.items()
    recent.clear()
    assert recent.items() == []


def test_window_state_is_versioned(tmp_path: Path) -> None:
    settings = open_settings(tmp_path / "s.ini")
    assert load_window_state(settings) is None
    save_window_state(settings, QByteArray(b"geo"), QByteArray(b"state"))
    assert load_window_state(settings) == (QByteArray(b"geo"), QByteArray(b"state"))
    settings.setValue("window/version", 0)
    assert load_window_state(settings) is None
