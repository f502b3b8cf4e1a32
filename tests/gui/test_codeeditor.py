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


def test_tab_inserts_spaces_and_the_yaml_stays_valid(qtbot: Any) -> None:
    """Issue 14, defect 4: Tab inserted a literal tab that the app then reported as invalid YAML."""
    editor = make(qtbot)
    editor.set_text("", "yaml")
    code = editor.editor
    code.setFocus()
    qtbot.keyClicks(code, "a:")
    qtbot.keyClick(code, Qt.Key.Key_Return)  # auto-indent after `key:`
    qtbot.keyClicks(code, "b: 1")
    qtbot.keyClick(code, Qt.Key.Key_Return)  # keeps the indentation
    qtbot.keyClicks(code, "c: 2")
    assert editor.text() == "a:\n  b: 1\n  c: 2"
    assert "\t" not in editor.text() and editor.result.ok and editor.result.value == {"a": {"b": 1, "c": 2}}
    cursor = code.textCursor()
    cursor.movePosition(cursor.MoveOperation.StartOfLine)
    code.setTextCursor(cursor)
    qtbot.keyClick(code, Qt.Key.Key_Tab)
    assert editor.text().endswith("\n    c: 2") and "\t" not in editor.text()
    qtbot.keyClick(code, Qt.Key.Key_Backtab)
    assert editor.text().endswith("\n  c: 2")


def test_auto_indent_in_lists_json_and_rego(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.set_text("", "yaml")
    code = editor.editor
    qtbot.keyClicks(code, "- name:")
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert editor.text() == "- name:\n    "
    editor.set_text("", "json")
    qtbot.keyClicks(code, '{"a": [')
    qtbot.keyClick(code, Qt.Key.Key_Return)
    assert editor.text() == '{"a": [\n  '
    code.set_language("rego")
    assert code.indent_unit() == 4


def test_ctrl_z_undoes_in_the_focused_editor_only(qtbot: Any) -> None:
    first, second = make(qtbot), make(qtbot)
    first.set_text("a: 1\n", "yaml")
    second.set_text("b: 2\n", "yaml")
    first.editor.setFocus()
    cursor = first.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    first.editor.setTextCursor(cursor)
    qtbot.keyClicks(first.editor, "c: 3")
    second.editor.setPlainText("b: 2\nd: 4\n")
    assert first.dirty
    qtbot.keyClick(first.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert first.text() == "a: 1\n" and second.text() == "b: 2\nd: 4\n"


def test_find_with_ctrl_f(qtbot: Any) -> None:
    editor = make(qtbot)
    editor.show()
    editor.set_text("alpha: 1\nbeta: 2\nalphabet: 3\n", "yaml")
    code = editor.editor
    code.setFocus()
    qtbot.keyClick(code, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = editor.find_bar
    assert bar.isVisible()
    qtbot.keyClicks(bar.field, "alpha")
    assert code.textCursor().selectedText() == "alpha" and code.textCursor().blockNumber() == 0
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert code.textCursor().blockNumber() == 2
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)  # wraps around
    assert code.textCursor().blockNumber() == 0
    bar.field.setText("gamma")
    assert not bar.find_next() and bar.status.text() == "not found"
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert bar.isHidden()
