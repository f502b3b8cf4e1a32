"""Light and dark palettes, and the window following a colour-scheme change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from workbench.gui.palette import apply_palette, dark_palette


def test_dark_and_light_palettes(qapp: QApplication) -> None:
    original = qapp.palette()
    try:
        assert apply_palette(qapp, True) is True
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert dark_palette().color(QPalette.ColorRole.Text).lightness() > 200
        assert apply_palette(qapp, False) is False
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 150
    finally:
        qapp.setPalette(original)


def test_window_follows_a_scheme_change(qtbot: Any, tmp_path: Path) -> None:
    from gui.gui_helpers import make_window

    window = make_window(qtbot, tmp_path / "s.ini")
    editor = window.settings_editor.editor
    window.settings_editor.set_text("key: value  # comment\n", "yaml")

    def colours() -> list[str]:
        block = editor.document().firstBlock()
        return [r.format.foreground().color().name() for r in block.layout().formats()]

    light = colours()
    assert light, "the YAML line is not highlighted"
    window.set_dark(True)
    assert window.context.dark
    dark = colours()
    assert dark and dark != light
