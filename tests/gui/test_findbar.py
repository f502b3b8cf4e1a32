"""Find in any code editor (the metadata YAML and the Rego source use the same bar)."""

from __future__ import annotations

from typing import Any

from workbench.gui.codeeditor import CodeEditor
from workbench.gui.findbar import find_in, with_find_bar


def test_find_bar_around_a_plain_code_editor(qtbot: Any) -> None:
    editor = CodeEditor(None, "rego")
    host = with_find_bar(editor)
    qtbot.addWidget(host)
    host.show()
    editor.setPlainText("package x\n\nallow if input.x\ndeny if not allow\n")
    bar = host.find_bar  # type: ignore[attr-defined]
    assert bar.isHidden()
    bar.open_bar()
    bar.field.setText("allow")
    assert bar.find_next() and editor.textCursor().blockNumber() == 2
    assert bar.find_next() and editor.textCursor().blockNumber() == 3
    assert bar.find_next(backward=True) and editor.textCursor().blockNumber() == 2
    assert not find_in(editor, "") and not find_in(editor, "nothing here")
    bar.close_bar()
    assert bar.isHidden()
