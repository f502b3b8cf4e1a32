"""Find in a code editor (Ctrl+F): a search field under the editor; Enter finds the next match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

__all__ = ["FindBar", "find_in", "with_find_bar"]


def find_in(editor: QPlainTextEdit, text: str, backward: bool = False) -> bool:
    """Select the next (or previous) occurrence of ``text`` in ``editor``, wrapping around."""
    if not text:
        return False
    from PySide6.QtGui import QTextCursor, QTextDocument

    flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
    if editor.find(text, flags):
        return True
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
    editor.setTextCursor(cursor)
    return editor.find(text, flags)


class FindBar(QWidget):
    """Ctrl+F in a code editor: a search field under it; Enter finds the next match, Esc closes."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.field = QLineEdit(self)
        self.field.setPlaceholderText("Find")
        self.field.setAccessibleName("Find text")
        self.field.setClearButtonEnabled(True)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("↑")
        self.previous_button.setAccessibleName("Find previous")
        self.next_button = QToolButton(self)
        self.next_button.setText("↓")
        self.next_button.setAccessibleName("Find next")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Close find")
        self.status = QLabel(self)
        self.status.setAccessibleName("Find status")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.status)
        row.addWidget(self.close_button)
        self.field.returnPressed.connect(lambda: self.find_next())
        self.field.textEdited.connect(lambda _t: self.find_next(from_start=True))
        self.next_button.clicked.connect(lambda: self.find_next())
        self.previous_button.clicked.connect(lambda: self.find_next(backward=True))
        self.close_button.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)
        self.hide()
        editor.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if obj is self.editor and event.matches(QKeySequence.StandardKey.Find):
                self.open_bar()
                return True
            if obj is self.field and event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(obj, event)

    def open_bar(self) -> None:
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def find_next(self, backward: bool = False, from_start: bool = False) -> bool:
        if from_start:
            cursor = self.editor.textCursor()
            cursor.setPosition(cursor.selectionStart())
            self.editor.setTextCursor(cursor)
        found = find_in(self.editor, self.field.text(), backward)
        self.status.setText("" if found or not self.field.text() else "not found")
        return found


def with_find_bar(editor: QPlainTextEdit, parent: QWidget | None = None) -> QWidget:
    """``editor`` with a :class:`FindBar` below it (Ctrl+F), as one widget."""
    host = QWidget(parent)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    editor.setParent(host)
    layout.addWidget(editor, 1)
    bar = FindBar(editor, host)
    layout.addWidget(bar)
    host.find_bar = bar  # type: ignore[attr-defined]
    return host
