"""A plain-text code editor: line numbers, Pygments colours, parse errors marked at their line.

:class:`CodeEditor` is the QPlainTextEdit; :class:`DocumentEditor` wraps it with
the language switch, Format and Convert actions, the parse status line, and an
undo stack (the document's own undo steps are mirrored as QUndoCommands so the
window's undo group and dirty markers see them).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.gui import textdoc
from workbench.gui.findbar import FindBar, find_in
from workbench.gui.highlighter import PygmentsHighlighter

__all__ = ["CodeEditor", "DocumentEditor"]


class _LineNumberArea(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setAccessibleName("Line numbers")

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """QPlainTextEdit with a line-number gutter, highlighting and an error line marker."""

    def __init__(self, parent: QWidget | None = None, language: str = "yaml", dark: bool = False) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self._gutter = _LineNumberArea(self)
        self._error_line: int | None = None
        self._error_message = ""
        self.highlighter = PygmentsHighlighter(self.document(), language, dark)
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self._update_gutter_width()

    # -- typing: spaces for Tab, auto-indent ------------------------------------
    def indent_unit(self) -> int:
        return 4 if self.language == "rego" else 2

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.isReadOnly():
            super().keyPressEvent(event)
            return
        key = event.key()
        plain = not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier
        )
        if key == Qt.Key.Key_Tab and plain and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.indent()
            return
        if key == Qt.Key.Key_Backtab:
            self.dedent()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self.new_line()
            return
        super().keyPressEvent(event)

    def indent(self) -> None:
        """Tab: spaces up to the next indent stop, or indent every selected line."""
        cursor = self.textCursor()
        unit = self.indent_unit()
        if cursor.hasSelection() and "\u2029" in cursor.selectedText():
            self._shift_lines(unit)
            return
        column = cursor.positionInBlock()
        cursor.insertText(" " * (unit - column % unit))

    def dedent(self) -> None:
        self._shift_lines(-self.indent_unit())

    def _shift_lines(self, amount: int) -> None:
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(
            max(cursor.selectionStart(), cursor.selectionEnd() - (1 if cursor.hasSelection() else 0))
        ).blockNumber()
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        for number in range(first, last + 1):
            block = doc.findBlockByNumber(number)
            edit.setPosition(block.position())
            if amount > 0:
                edit.insertText(" " * amount)
            else:
                text = block.text()
                remove = min(-amount, len(text) - len(text.lstrip(" ")))
                if remove:
                    edit.movePosition(
                        QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor, remove
                    )
                    edit.removeSelectedText()
        edit.endEditBlock()

    def new_line(self) -> None:
        """Enter: keep the line's indentation, one level deeper after ``key:``, ``{``, ``[`` or ``- key:``."""
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        indent = len(line) - len(line.lstrip(" "))
        code = line.split(" #", 1)[0].rstrip() if self.language != "json" else line.rstrip()
        if code.endswith((":", "{", "[", "(")) or (
            self.language == "yaml" and code.endswith(("|", ">", "|-", ">-"))
        ):
            indent += self.indent_unit()
            if self.language == "yaml" and code.lstrip().startswith("- "):
                indent += 2
        cursor.insertText("\n" + " " * indent)
        self.setTextCursor(cursor)

    # -- find -----------------------------------------------------------------
    def find_text(self, text: str, backward: bool = False) -> bool:
        """Select the next (or previous) occurrence of ``text``, wrapping around; False when absent."""
        return find_in(self, text, backward)

    # -- gutter ----------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = max(3, len(str(max(1, self.blockCount()))))
        return 8 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_gutter_width(self, _count: int = 0) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.line_number_width(), cr.height()))

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                is_error = self._error_line == number + 1
                painter.setPen(QColor("#d32f2f") if is_error else palette.placeholderText().color())
                label = ("● " if is_error else "") + str(number + 1)
                painter.drawText(0, top, self._gutter.width() - 4, height, Qt.AlignmentFlag.AlignRight, label)
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    # -- language / errors --------------------------------------------------------
    @property
    def language(self) -> str:
        return self.highlighter.language

    def set_language(self, language: str) -> None:
        self.highlighter.set_language(language)

    @property
    def error_line(self) -> int | None:
        return self._error_line

    def set_error(self, line: int | None, message: str = "") -> None:
        """Mark ``line`` (1-based) as the parse error, or clear the mark with None."""
        self._error_line = line
        self._error_message = message
        selections = []
        if line is not None:
            block = self.document().findBlockByNumber(max(0, line - 1))
            if block.isValid():
                sel = QTextEdit.ExtraSelection()
                sel.format.setBackground(QColor(211, 47, 47, 60))
                sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
                sel.format.setToolTip(message)
                sel.cursor = QTextCursor(block)
                selections.append(sel)
        self.setExtraSelections(selections)
        self._gutter.update()

    def go_to_line(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line - 1))
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.centerCursor()


class _DocumentEdit(QUndoCommand):
    """Mirror of one undo step of a QTextDocument inside a QUndoStack."""

    def __init__(self, editor: CodeEditor, text: str) -> None:
        super().__init__(text)
        self.editor = editor
        self._first = True

    def redo(self) -> None:
        if self._first:  # the document already applied the edit
            self._first = False
            return
        self.editor.document().redo()

    def undo(self) -> None:
        self.editor.document().undo()


class _LanguageChange(QUndoCommand):
    """The syntax switch of a conversion, so that undoing it restores the language too."""

    def __init__(self, owner: DocumentEditor, before: str, after: str) -> None:
        super().__init__("Change syntax")
        self.owner = owner
        self.before = before
        self.after = after

    def redo(self) -> None:
        self.owner._set_language(self.after)

    def undo(self) -> None:
        self.owner._set_language(self.before)
        self.owner.reparse()


class DocumentEditor(QWidget):
    """Editor + language switch, Format, Convert and the parse status; emits ``parsed`` after edits."""

    #: ParseResult after each (debounced) edit
    parsed = Signal(object)
    language_changed = Signal(str)

    PARSE_DELAY_MS = 250

    def __init__(self, title: str, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.title = title
        self.undo_stack = QUndoStack(self)
        self.editor = CodeEditor(self, "yaml", dark)
        self.editor.setAccessibleName(f"{title} editor")
        self.editor.setObjectName(f"{title.lower()}Editor")
        self._result = textdoc.ParseResult(None, empty=True)
        self._loading = False

        self.toolbar = QHBoxLayout()
        self.language_box = QComboBox(self)
        self.language_box.addItems(["YAML", "JSON"])
        self.language_box.setAccessibleName(f"{title} language")
        self.language_box.setToolTip("Syntax of the text (YAML or JSON)")
        self.format_button = QPushButton("Format", self)
        self.format_button.setAccessibleName(f"Format {title.lower()}")
        self.format_button.setToolTip("Re-indent the document")
        self.convert_button = QPushButton("Convert to JSON", self)
        self.convert_button.setAccessibleName(f"Convert {title.lower()}")
        self.toolbar.addWidget(QLabel("Syntax:", self))
        self.toolbar.addWidget(self.language_box)
        self.toolbar.addWidget(self.format_button)
        self.toolbar.addWidget(self.convert_button)
        self.toolbar.addStretch(1)

        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setAccessibleName(f"{title} status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.linkActivated.connect(lambda link: self.editor.go_to_line(int(link.split(":")[1])))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.find_bar = FindBar(self.editor, self)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.status)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.PARSE_DELAY_MS)
        self._timer.timeout.connect(self.reparse)
        self.editor.textChanged.connect(self._timer.start)
        self.editor.document().undoCommandAdded.connect(self._mirror_undo)
        self.language_box.currentIndexChanged.connect(self._language_selected)
        self.format_button.clicked.connect(self.format_document)
        self.convert_button.clicked.connect(self.convert)
        self.editor.installEventFilter(self)

    # -- undo ------------------------------------------------------------------
    def _mirror_undo(self) -> None:
        if not self._loading:
            self.undo_stack.push(_DocumentEdit(self.editor, f"Edit {self.title.lower()}"))

    def eventFilter(self, obj: Any, event: Any) -> bool:

        if obj is self.editor and event.type() == QEvent.Type.KeyPress:
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_stack.undo()
                return True
            if event.matches(QKeySequence.StandardKey.Redo):
                self.undo_stack.redo()
                return True
        return super().eventFilter(obj, event)

    # -- content -----------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.editor.language

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str, language: str | None = None, *, clean: bool = True) -> None:
        """Replace the content (a load, not an edit): the undo history restarts when ``clean``."""
        language = language or textdoc.detect_language(text)
        self._set_language(language)
        self._loading = clean
        try:
            if clean:
                self.editor.setPlainText(text)
                self.undo_stack.clear()
                self.editor.document().clearUndoRedoStacks()
            else:
                cursor = QTextCursor(self.editor.document())
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.insertText(text)
        finally:
            self._loading = False
        if clean:
            self.undo_stack.setClean()
        self.reparse()

    def _set_language(self, language: str) -> None:
        self.language_box.blockSignals(True)
        self.language_box.setCurrentIndex(1 if language == "json" else 0)
        self.language_box.blockSignals(False)
        self.editor.set_language(language)
        self.convert_button.setText("Convert to YAML" if language == "json" else "Convert to JSON")
        self.language_changed.emit(language)

    def _language_selected(self, index: int) -> None:
        self._set_language("json" if index == 1 else "yaml")
        self.reparse()

    @property
    def result(self) -> textdoc.ParseResult:
        """The latest parse (forces a parse when an edit is pending)."""
        if self._timer.isActive():
            self._timer.stop()
            self.reparse()
        return self._result

    def reparse(self) -> textdoc.ParseResult:
        self._timer.stop()
        self._result = textdoc.parse(self.text(), self.language)
        error = self._result.error
        if error is not None:
            self.editor.set_error(error.line, error.message)
            self.status.setText(
                f'<span style="color:#d32f2f">⚠ {self.title}: invalid {self.language.upper()} at '
                f'<a href="line:{error.line}">line {error.line}</a>, column {error.column}: '
                f"{escape_html(error.message)}</span>"
            )
        else:
            self.editor.set_error(None)
            self.status.setText(escape_html(self.describe_ok(self._result)))
        self.parsed.emit(self._result)
        return self._result

    def describe_ok(self, result: textdoc.ParseResult) -> str:
        return "empty" if result.empty else f"valid {self.language.upper()}"

    def format_document(self) -> bool:
        result = self.result
        if result.error is not None or result.empty:
            return False
        self.set_text(textdoc.dump(result.value, self.language), self.language, clean=False)
        return True

    def convert(self) -> bool:
        result = self.result
        if result.error is not None:
            return False
        source = self.language
        target = "yaml" if source == "json" else "json"
        text = "" if result.empty else textdoc.dump(result.value, target)
        self.undo_stack.beginMacro(f"Convert {self.title.lower()} to {target.upper()}")
        self.undo_stack.push(_LanguageChange(self, source, target))
        self.set_text(text, target, clean=False)
        self.undo_stack.endMacro()
        return True

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_clean(self) -> None:
        self.undo_stack.setClean()


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
