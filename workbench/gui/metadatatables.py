"""Pieces of the Metadata editor: list tables, rule-cell text, the undo command and table helpers."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class MetadataTarget(Protocol):
    """What an undo command changes: the editor's whole metadata mapping."""

    def apply_data(self, data: dict[str, Any], source: str) -> None: ...


__all__ = [
    "ListTable",
    "SetMetadataCommand",
    "default_metadata",
    "esc",
    "fill_table",
    "format_list",
    "list_of",
    "parse_list",
    "set_combo",
    "strs",
    "table_cell",
    "table_item",
]

_MERGE_ID = 7001


def format_list(values: list[str]) -> str:
    """Rule cell text: comma-separated, the core group ``""`` shown as ``""``."""
    return ", ".join('""' if v == "" else v for v in values)


def parse_list(text: str) -> list[str]:
    """Inverse of :func:`format_list`; an empty cell is an empty list."""
    if not text.strip():
        return []
    out = []
    for part in text.split(","):
        item = part.strip()
        out.append("" if item in ('""', "''") else item)
    return out


def default_metadata() -> dict[str, Any]:
    return {
        "rules": [
            {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
        ],
        "mutating": False,
        "backgroundAudit": True,
        "executionMode": "kubewarden-wapc",
        "policyType": "kubernetes",
        "contextAwareResources": [],
    }


class SetMetadataCommand(QUndoCommand):
    """Replace the whole metadata mapping; consecutive edits of one field merge."""

    def __init__(
        self,
        editor: MetadataTarget,
        before: dict[str, Any],
        after: dict[str, Any],
        text: str,
        key: str,
        source: str,
    ) -> None:
        super().__init__(text)
        self.editor = editor
        self.before = before
        self.after = after
        self.key = key
        self.source = source
        self._first = True

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetMetadataCommand) or other.key != self.key or not self.key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        source = self.source if self._first else "undo"
        self._first = False
        self.editor.apply_data(self.after, source)

    def undo(self) -> None:
        self.editor.apply_data(self.before, "undo")


def table_item(text: str, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ListTable(QWidget):
    """A small table with Add / Remove buttons."""

    def __init__(self, columns: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(columns), self)
        self.table.setHorizontalHeaderLabels(list(columns))
        self.table.setAccessibleName(name)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(90)
        self.add_button = QPushButton("Add", self)
        self.add_button.setAccessibleName(f"Add to {name.lower()}")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAccessibleName(f"Remove from {name.lower()}")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def selected_row(self) -> int:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return rows[0] if rows else self.table.rowCount() - 1


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def table_cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def set_combo(box: QComboBox, text: str) -> None:
    index = box.findText(text)
    if index < 0:
        box.addItem(text)
        index = box.count() - 1
    if box.currentIndex() != index:
        box.setCurrentIndex(index)


def fill_table(table: QTableWidget, rows: list[list[Any]]) -> None:
    """Show ``rows`` (str = text cell, bool = checkbox cell), touching only what differs."""
    table.blockSignals(True)
    try:
        if table.rowCount() != len(rows):
            table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = table.item(r, c)
                if isinstance(value, bool):
                    state = Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
                    if item is None:
                        item = table_item("", editable=False)
                        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                        table.setItem(r, c, item)
                    if item.checkState() != state:
                        item.setCheckState(state)
                else:
                    if item is None:
                        table.setItem(r, c, table_item(value))
                    elif item.text() != value:
                        item.setText(value)
    finally:
        table.blockSignals(False)


def list_of(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
