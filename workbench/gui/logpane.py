"""The Log pane: the policy's own log, host-capability calls and app messages, filterable by level."""

from __future__ import annotations

import datetime
import json
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core import LogRecord

__all__ = ["LEVELS", "LogFilterModel", "LogModel", "LogPane"]

LEVELS = ("trace", "debug", "info", "warning", "error")
_LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
SOURCES = ("policy", "host", "app")
_COLUMNS = ("Time", "Level", "Source", "Message")
_LEVEL_COLOURS = {"error": QColor("#d32f2f"), "warning": QColor("#ef6c00"), "trace": QColor("#808080")}


def level_rank(level: str) -> int:
    return _LEVEL_RANK.get(level.lower(), _LEVEL_RANK["info"])


class LogModel(QAbstractTableModel):
    """Every LogRecord of the session (bounded), newest last."""

    MAX_RECORDS = 20000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.records: list[LogRecord] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return datetime.datetime.fromtimestamp(record.timestamp).strftime("%H:%M:%S.%f")[:-3]
            if column == 1:
                return record.level
            if column == 2:
                return record.source
            if record.fields:
                return f"{record.message}  {json.dumps(record.fields, ensure_ascii=False, default=str)}"
            return record.message
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 3):
            return _LEVEL_COLOURS.get(record.level)
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def append(self, records: list[LogRecord]) -> None:
        records = records[-self.MAX_RECORDS :]
        if not records:
            return
        overflow = min(len(self.records) + len(records) - self.MAX_RECORDS, len(self.records))
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self.records[:overflow]
            self.endRemoveRows()
        first = len(self.records)
        self.beginInsertRows(QModelIndex(), first, first + len(records) - 1)
        self.records.extend(records)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.records.clear()
        self.endResetModel()


class LogFilterModel(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.min_level = "trace"
        self.source = ""  # "" = every source
        self.text = ""

    def set_filter(
        self, min_level: str | None = None, source: str | None = None, text: str | None = None
    ) -> None:
        begin = getattr(self, "beginFilterChange", None)
        if begin is not None:  # Qt >= 6.9
            begin()
        if min_level is not None:
            self.min_level = min_level
        if source is not None:
            self.source = source
        if text is not None:
            self.text = text.lower()
        if begin is not None:
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, LogModel)
        record = model.records[row]
        if level_rank(record.level) < level_rank(self.min_level):
            return False
        if self.source and record.source != self.source:
            return False
        return not (self.text and self.text not in record.message.lower())


class LogPane(QWidget):
    """Table of log records with level / source / text filters."""

    records_added = Signal(int)

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = LogFilterModel(self)
        self.proxy.setSourceModel(model)

        self.level_box = QComboBox(self)
        self.level_box.addItems([level.capitalize() for level in LEVELS])
        self.level_box.setAccessibleName("Minimum log level")
        self.source_box = QComboBox(self)
        self.source_box.addItems(["All sources", "Policy", "Host calls", "App"])
        self.source_box.setAccessibleName("Log source")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter messages")
        self.search.setAccessibleName("Filter log messages")
        self.search.setClearButtonEnabled(True)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleName("Clear log")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Level ≥", self))
        bar.addWidget(self.level_box)
        bar.addWidget(self.source_box)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.clear_button)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Log records")
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.level_box.currentIndexChanged.connect(lambda i: self.proxy.set_filter(min_level=LEVELS[i]))
        self.source_box.currentIndexChanged.connect(
            lambda i: self.proxy.set_filter(source=("", "policy", "host", "app")[i])
        )
        self.search.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.clear_button.clicked.connect(model.clear)
        model.rowsInserted.connect(self._scroll)

    def _scroll(self, *_args: object) -> None:
        self.view.scrollToBottom()

    def set_min_level(self, level: str) -> None:
        self.level_box.setCurrentIndex(LEVELS.index(level))

    def visible_messages(self) -> list[str]:
        return [self.proxy.data(self.proxy.index(r, 3)) for r in range(self.proxy.rowCount())]
