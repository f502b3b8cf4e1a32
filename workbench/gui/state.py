"""Persistent GUI state in QSettings: window layout (versioned) and recent files.

Like Frescobaldi's ``recentfiles.py``, recent files are a tiny list; the saved
window state carries :data:`STATE_VERSION` so a layout from an older release is
ignored instead of restoring docks that no longer exist. Tests pass their own
ini file so they never touch the user's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["MAX_RECENT", "STATE_VERSION", "RecentFiles", "open_settings"]

STATE_VERSION = 1
MAX_RECENT = 10
ORGANIZATION = "PolicyWorkbench"
APPLICATION = "policy-workbench"


def open_settings(path: Path | None = None) -> QSettings:
    """The application's settings: ``path`` (an ini file) when given, else the per-user default."""
    if path is not None:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def save_window_state(settings: QSettings, geometry: QByteArray, state: QByteArray) -> None:
    settings.setValue("window/version", STATE_VERSION)
    settings.setValue("window/geometry", geometry)
    settings.setValue("window/state", state)


def load_window_state(settings: QSettings) -> tuple[QByteArray, QByteArray] | None:
    """The saved (geometry, state), or None when absent or saved by another layout version."""
    try:
        version = int(str(settings.value("window/version", 0)))
    except (TypeError, ValueError):
        return None
    if version != STATE_VERSION:
        return None
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    if not isinstance(geometry, QByteArray) or not isinstance(state, QByteArray):
        return None
    return geometry, state


class RecentFiles:
    """Most-recent-first list of opened modules (paths or OCI references)."""

    KEY = "recent/files"

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def items(self) -> list[str]:
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []
        return [str(v) for v in value if v]

    def add(self, item: str) -> None:
        items = [i for i in self.items() if i != item]
        items.insert(0, item)
        self.settings.setValue(self.KEY, items[:MAX_RECENT])

    def remove(self, item: str) -> None:
        self.settings.setValue(self.KEY, [i for i in self.items() if i != item])

    def clear(self) -> None:
        self.settings.setValue(self.KEY, [])
