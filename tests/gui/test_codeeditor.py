from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from workbench.gui.codeeditor import DocumentEditor


def make(qtbot: Any) -> DocumentEditor:
    editor = DocumentEditor("Settings")
    qtbot.addWidget(editor)
    return editor


def test_invalid_yaml_marks_the_line(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text("a: 1\nb:\n  - x\n c: [\n", "yaml")
    result = editor.result
    assert result.error is not None
    assert editor.editor.error_line == result.error.line
    assert f"line {result.error.line}" in editor.status.text()
    selections = editor.editor.extraSelections()
    assert len(selections) == 1
    assert selections[0].cursor.blockNumber() == result.error.line - 1
    editor.set_text("a: 1\n", "yaml")
    assert editor.editor.error_line is None and editor.editor.extraSelections() == []


def test_format_and_convert_are_undoable(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text('{"b": [1, 2], "a": {"c": true}}', "json")
    assert not editor.dirty
    assert editor.format_document()
    assert editor.text() == '{\n  "b": [\n    1,\n    2\n  ],\n  "a": {\n    "c": true\n  }\n}\n'
    assert editor.dirty
    assert editor.convert()
    assert editor.language == "yaml"
    assert editor.text() == "b:\n- 1\n- 2\na:\n  c: true\n"
    assert editor.convert_button.text() == "Convert to JSON"
    editor.undo_stack.undo()
    assert editor.text().startswith("{\n")
    assert editor.language == "json" and editor.result.error is None
    editor.undo_stack.undo()
    assert editor.text() == '{"b": [1, 2], "a": {"c": true}}'
    assert not editor.dirty
    editor.undo_stack.redo()
    assert editor.text().startswith('{\n  "b"')


def test_typing_goes_through_the_undo_stack(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text("a: 1\n", "yaml")
    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.editor, "b: 2")
    assert editor.text() == "a: 1\nb: 2"
    assert editor.undo_stack.count() >= 1 and editor.dirty
    qtbot.keyClick(editor.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == "a: 1\n"
    assert not editor.dirty
    assert editor.result.value == {"a": 1}


def test_format_refuses_invalid_text(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text("{oops", "json")
    assert not editor.format_document()
    assert not editor.convert()
    assert editor.text() == "{oops"


def test_line_numbers_gutter_grows(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text("x\n" * 5, "yaml")
    narrow = editor.editor.line_number_width()
    editor.set_text("x\n" * 20000, "yaml")
    assert editor.editor.line_number_width() > narrow
