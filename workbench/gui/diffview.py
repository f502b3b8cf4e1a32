"""The structural mutation diff: the object before and after the patch, aligned by JSON path.

:func:`structural_diff` flattens both documents to ``JSON pointer → leaf value`` and lines them
up by path, so a changed value is one row and a trailing comma never shows as a change (what a
line diff of pretty JSON does). :class:`DiffView` shows the rows unified (``- / +``) or side by
side (a table: path, before, after).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import jsonpatch
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["DiffRow", "DiffView", "apply_patch", "structural_diff"]

_MISSING = object()


@dataclasses.dataclass(frozen=True)
class DiffRow:
    path: str
    kind: str  # added | removed | changed
    before: Any = None
    after: Any = None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{path}/{_escape(str(key))}", out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{path}/{index}", out)
    else:
        out[path or "/"] = value


def structural_diff(before: Any, after: Any) -> list[DiffRow]:
    """Leaf-level differences between two JSON documents, in the after-document's path order."""
    left: dict[str, Any] = {}
    right: dict[str, Any] = {}
    _flatten(before, "", left)
    _flatten(after, "", right)
    rows: list[DiffRow] = []
    for path, value in right.items():
        old = left.get(path, _MISSING)
        if old is _MISSING:
            rows.append(DiffRow(path, "added", None, value))
        elif json.dumps(old, sort_keys=True) != json.dumps(value, sort_keys=True):
            rows.append(DiffRow(path, "changed", old, value))
    rows.extend(DiffRow(path, "removed", value, None) for path, value in left.items() if path not in right)
    return rows


def apply_patch(original: Any, patch_ops: list[dict[str, Any]]) -> Any:
    """``original`` with the JSON Patch applied (raises jsonpatch errors when it does not apply)."""
    return jsonpatch.apply_patch(original, patch_ops, in_place=False)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class DiffView(QWidget):
    """Unified / side-by-side switch over the rows of :func:`structural_diff`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DiffRow] = []
        self.unified_button = QRadioButton("Unified", self)
        self.unified_button.setAccessibleName("Unified diff")
        self.side_button = QRadioButton("Side by side", self)
        self.side_button.setAccessibleName("Side-by-side diff")
        self.unified_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.unified_button)
        group.addButton(self.side_button)
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Diff summary")
        switch = QHBoxLayout()
        switch.addWidget(self.summary, 1)
        switch.addWidget(self.unified_button)
        switch.addWidget(self.side_button)
        self.unified = QPlainTextEdit(self)
        self.unified.setReadOnly(True)
        self.unified.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.unified.setAccessibleName("Unified mutation diff")
        self.unified.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Path", "Before", "After"])
        self.table.setAccessibleName("Side-by-side mutation diff")
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.unified)
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(switch)
        layout.addWidget(self.stack, 1)
        self.unified_button.toggled.connect(
            lambda on: self.stack.setCurrentWidget(self.unified if on else self.table)
        )

    def set_documents(self, before: Any, after: Any) -> None:
        self.rows = structural_diff(before, after)
        lines = []
        for row in self.rows:
            if row.kind in ("removed", "changed"):
                lines.append(f"- {row.path}: {_show(row.before)}")
            if row.kind in ("added", "changed"):
                lines.append(f"+ {row.path}: {_show(row.after)}")
        self.unified.setPlainText("\n".join(lines))
        self.table.setRowCount(len(self.rows))
        colours = {
            "added": QColor(67, 160, 71, 60),
            "removed": QColor(229, 57, 53, 60),
            "changed": QColor(255, 179, 0, 60),
        }
        for r, row in enumerate(self.rows):
            cells = (
                row.path,
                "" if row.kind == "added" else _show(row.before),
                "" if row.kind == "removed" else _show(row.after),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(colours[row.kind]))
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        counts = {k: sum(1 for row in self.rows if row.kind == k) for k in ("added", "changed", "removed")}
        self.summary.setText(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no change")

    def clear(self) -> None:
        self.rows = []
        self.unified.clear()
        self.table.setRowCount(0)
        self.summary.setText("")
